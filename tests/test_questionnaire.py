"""The stage-model additions to the pack format (milestones, stage_rule, quick,
applies_when, replaces, retired), n/a answers, and the questionnaire built on them."""

from __future__ import annotations

from pathlib import Path

import pytest

from playbook.answers.check import parse_answers
from playbook.base.model import Pack
from playbook.engine import questionnaire as qn
from playbook.errors import InvalidInput
from playbook.pack.load import load_pack

MANIFEST = ("id: t\nname: T\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n"
            "stage_rule: {in_place_share: 0.5, note: Half of a phase's milestones is enough.}\n"
            "retired:\n  - {id: old_cluster, message: answer q_yes and q_pick instead}\n")
CONTENT = """\
questions:
  - {id: q_yes, text: Do you onboard formally?, help: A named owner and a checklist., type: yesno,
     section: A, quick: true, replaces: [onboarding_old]}
  - {id: q_pick, text: How do you renew?, type: choice, choices: [none, ad_hoc, scheduled], section: A}
  - {id: q_margin, text: What is your IP margin?, type: percent, section: B,
     applies_when: {profile: focus, contains: ip}}
metrics:
  - {id: churn, name: Annual churn, unit: percent, better: lower, quick: true,
     description: Customers lost in the last 12 months per customers at the start.}
  - {id: attach, name: Attach rate, unit: percent, better: higher,
     applies_when: {profile: focus, contains: managed_services}}
benchmarks:
  - {id: churn_ok, metric: churn, target: {le: 10}, target_text: at most 10 %}
  - {id: attach_ok, metric: attach, target: {ge: 50}, target_text: 50 % or more}
actions:
  - {id: a1, title: A1, phase: start, area: x, milestone: true, done_when: {question: q_yes, eq: yes}}
  - {id: a2, title: A2, phase: grow, area: x, done_when: {question: q_pick, eq: scheduled}}
  - {id: a3, title: A3, phase: grow, area: x, done_when: {question: q_margin, ge: 30}}
"""


def _write(tmp_path: Path, manifest: str = MANIFEST, content: str = CONTENT) -> Path:
    (tmp_path / "pack.yaml").write_text(manifest)
    (tmp_path / "content.yaml").write_text(content)
    return tmp_path


@pytest.fixture()
def pack(tmp_path: Path) -> Pack:
    return load_pack(_write(tmp_path))


def test_new_fields_are_read(pack: Pack) -> None:
    assert pack.stage_rule.in_place_share == 0.5 and pack.complete_share == 0.5
    assert "Half" in pack.stage_rule.note
    assert [a.id for a in pack.milestones()] == ["a1"]
    assert pack.action("a2").milestone is False
    assert pack.questions["q_yes"].quick and not pack.questions["q_pick"].quick
    assert pack.metrics["churn"].quick and not pack.metrics["attach"].quick
    assert pack.questions["q_yes"].replaces == ("onboarding_old",)
    assert pack.questions["q_margin"].applies_when is not None and pack.questions["q_yes"].applies_when is None
    assert pack.metrics["attach"].applies_when is not None
    assert pack.retired == {"old_cluster": "answer q_yes and q_pick instead"}


def test_complete_share_is_still_accepted(tmp_path: Path) -> None:
    manifest = MANIFEST.replace("stage_rule: {in_place_share: 0.5, note: Half of a phase's milestones is enough.}",
                                "stage_rule: {complete_share: 0.6}")
    pack = load_pack(_write(tmp_path, manifest))
    assert pack.stage_rule.in_place_share == 0.6 and pack.stage_rule.note == ""


@pytest.mark.parametrize("bad,code", [
    ("applies_when: {profile: focus, contains: ip}", None),
    ("applies_when: {question: q_yes, eq: yes}", "applies-when-subject"),
    ("applies_when: {any: [{profile: focus, contains: ip}, {metric: churn, gt: 1}]}", "applies-when-subject"),
])
def test_applies_when_may_only_test_the_profile(tmp_path: Path, bad: str, code: str | None) -> None:
    content = CONTENT.replace("applies_when: {profile: focus, contains: ip}", bad)
    if code is None:
        load_pack(_write(tmp_path, content=content))
        return
    with pytest.raises(InvalidInput) as exc:
        load_pack(_write(tmp_path, content=content))
    problem = next(p for p in exc.value.problems if p.code == code)
    assert "only the partner's profile" in problem.message and problem.line == 6


@pytest.mark.parametrize("content,manifest,code", [
    (CONTENT.replace("replaces: [onboarding_old]", "replaces: [q_pick]"), MANIFEST, "replaces-current"),
    (CONTENT.replace("section: A}", "section: A, replaces: [onboarding_old]}"), MANIFEST, "replaces-twice"),
    (CONTENT, MANIFEST.replace("id: old_cluster", "id: q_pick"), "retired-current"),
    (CONTENT, MANIFEST.replace("id: old_cluster", "id: onboarding_old"), "retired-current"),
])
def test_old_ids_are_checked(tmp_path: Path, content: str, manifest: str, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_write(tmp_path, manifest, content))
    assert code in [p.code for p in exc.value.problems]


# ---- answers ------------------------------------------------------------

@pytest.mark.parametrize("written", ["n/a", "N/A", "na", "NA", "not applicable", "Not Applicable", " n / a "])
def test_n_a_means_does_not_apply(pack: Pack, written: str) -> None:
    raw = f"answers:\n  q_yes: '{written}'\n  q_pick: {written}\n  q_margin:\nmetrics:\n  churn: {written}\n"
    a = parse_answers(raw.encode(), pack, "a.yaml")
    assert a.not_applicable == frozenset({"q_yes", "q_pick", "churn"})
    assert a.answers == {} and a.metrics == {}


def test_n_a_under_an_unknown_id_is_still_unknown(pack: Pack) -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_answers(b"answers:\n  nope: n/a\n", pack, "a.yaml")
    assert [p.code for p in exc.value.problems] == ["unknown-question"]


def test_an_old_id_is_read_as_its_successor_with_a_warning(pack: Pack) -> None:
    a = parse_answers(b"answers:\n  onboarding_old: yes\n", pack, "a.yaml")
    assert a.answers == {"q_yes": True}
    (w,) = a.warnings
    assert w.code == "renamed-id" and "q_yes" in w.message and w.line == 2


def test_the_new_id_wins_over_the_old_one(pack: Pack) -> None:
    a = parse_answers(b"answers:\n  onboarding_old: yes\n  q_yes: no\n", pack, "a.yaml")
    assert a.answers == {"q_yes": False}
    assert [w.code for w in a.warnings] == ["renamed-id"] and "ignored" in a.warnings[0].message


def test_a_retired_id_is_a_warning_with_the_packs_message(pack: Pack) -> None:
    a = parse_answers(b"answers:\n  old_cluster: yes\nmetrics:\n  old_cluster: 3\n", pack, "a.yaml")
    assert a.answers == {} and a.metrics == {}
    assert [w.code for w in a.warnings] == ["retired-id", "retired-id"]
    assert "answer q_yes and q_pick instead" in a.warnings[0].message


# ---- the questionnaire ----------------------------------------------------

def test_entries_full_and_quick(pack: Pack) -> None:
    full = qn.entries(pack, quick=False)
    assert [(e.kind, e.id) for e in full] == [("question", "q_yes"), ("question", "q_pick"),
                                              ("question", "q_margin"), ("metric", "attach"),
                                              ("metric", "churn")]
    assert [e.id for e in qn.entries(pack, quick=True)] == ["q_yes", "churn"]
    assert all(e.quick == (e.id in ("q_yes", "churn")) for e in full)
    assert full[0].section == "A" and full[0].text == "Do you onboard formally?"


def test_entries_leave_out_what_cannot_apply_to_the_profile(pack: Pack) -> None:
    ids = [e.id for e in qn.entries(pack, quick=False, profile={"focus": ["ip"]})]
    assert "q_margin" in ids and "attach" not in ids
    # a profile that does not say its focus: everything may apply, so everything is asked
    assert len(qn.entries(pack, quick=False, profile={"focus": []})) == 5


@pytest.mark.parametrize("profile,want", [
    (None, None), ({}, None), ({"focus": []}, None), ({"focus": ["ip", "resale"]}, True), ({"focus": ["resale"]}, False),
])
def test_applies(pack: Pack, profile: dict[str, object] | None, want: bool | None) -> None:
    assert qn.applies(pack, "question", "q_margin", profile) is want
    assert qn.applies(pack, "question", "q_yes", profile) is True


def test_time_estimate_reads_and_answers(pack: Pack) -> None:
    by_id = {e.id: e for e in qn.entries(pack, quick=False)}
    # reading (~200 words a minute) plus answering: a yes/no is quick, a number is looked up
    assert 15 < by_id["q_yes"].seconds < 25
    assert by_id["q_pick"].seconds > 25 and by_id["q_margin"].seconds >= 60
    assert qn.estimate_minutes(by_id.values()) == -(-sum(e.seconds for e in by_id.values()) // 60)
    assert qn.estimate_minutes(()) == 0


def test_default_pack_questionnaire_has_every_question(default_pack: Pack) -> None:
    full = qn.entries(default_pack, quick=False)
    assert {e.id for e in full if e.kind == "question"} == set(default_pack.questions)
    assert qn.estimate_minutes(full) > 30


CONTRACT_QUESTIONS = {"value_proposition_defined", "partner_of_record", "onboarding_process",
                      "dedicated_customer_success", "satisfaction_measurement", "adoption_plans",
                      "renewal_outreach"}  # the first of the contract's twelve; all must stay quick


def test_the_quick_questionnaire_of_the_default_pack(default_pack: Pack) -> None:
    from playbook.engine.evaluation import leaves

    quick = qn.entries(default_pack, quick=True)
    assert len(quick) <= 35
    ids = {e.id for e in quick}
    assert CONTRACT_QUESTIONS <= ids
    # every input a milestone reads is asked in the quick questionnaire
    read = {(a.id, leaf.ref) for a in default_pack.milestones() for leaf, _ in [*leaves(a.when), *leaves(a.done_when)]
            if leaf.subject in ("question", "metric")}
    assert read and {(a, ref) for a, ref in read if ref not in ids} == set()
    assert qn.estimate_minutes(quick) <= 30


def test_the_editor_schema_knows_old_ids_and_n_a(pack: Pack) -> None:
    import jsonschema

    from playbook.pack.schema import answers_schema

    schema = answers_schema(pack)
    doc = {"answers": {"onboarding_old": "yes", "old_cluster": "no", "q_pick": "N/A"}, "metrics": {"old_cluster": 3}}
    assert not list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
    assert schema["properties"]["answers"]["properties"]["onboarding_old"]["description"] == "now asked as q_yes"
    assert list(jsonschema.Draft202012Validator(schema).iter_errors({"answers": {"q_pick": "maybe"}}))
