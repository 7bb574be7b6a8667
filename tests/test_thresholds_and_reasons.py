"""What a mutation sample found unpinned: comparisons at the exact threshold,
the sentences that explain an action (profile, money, `between`), the stage
reason in each of its shapes, and how a value is quoted in a message.

Every expected value is written out by hand from the rule it checks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from playbook.answers.check import parse_answers
from playbook.base.model import Leaf, Loc, Pack
from playbook.base.values import describe
from playbook.engine.conditions import Facts, eval_leaf, evidence
from playbook.engine.evaluation import evaluate
from playbook.engine.questionnaire import input_seconds
from playbook.engine.result import Result
from playbook.engine.stage import PhaseCount, in_place, phase_in_place, stage_of
from playbook.pack.load import load_pack

LOC = Loc("t", 1, 1)
RULE = "(the pack's rule: a phase is in place when at least 75 % of its answered milestones are)"


# ---- comparisons at the threshold --------------------------------------------------

# (operator, operand, observed, holds): just below, at, and just above the bound
BOUNDARY = [
    ("lt", 10, 9.99, True), ("lt", 10, 10, False), ("lt", 10, 10.01, False),
    ("le", 10, 9.99, True), ("le", 10, 10, True), ("le", 10, 10.01, False),
    ("gt", 10, 9.99, False), ("gt", 10, 10, False), ("gt", 10, 10.01, True),
    ("ge", 10, 9.99, False), ("ge", 10, 10, True), ("ge", 10, 10.01, True),
    ("between", (10, 20), 9.99, False), ("between", (10, 20), 10, True), ("between", (10, 20), 20, True),
    ("between", (10, 20), 20.01, False), ("eq", 10, 10, True), ("eq", 10, 10.01, False),
    ("ne", 10, 10, False), ("ne", 10, 10.01, True),
]


@pytest.mark.parametrize(("op", "operand", "observed", "want"), BOUNDARY)
def test_a_metric_threshold_at_its_bound(op: str, operand: object, observed: float, want: bool) -> None:
    leaf = Leaf("metric", "m", op, operand, operand, LOC)
    assert eval_leaf(leaf, Facts({}, {"m": observed}, {}, {})) is want


@pytest.mark.parametrize(("op", "want"), [("present", (True, False)), ("absent", (False, True))])
def test_present_and_absent_are_never_unknown(op: str, want: tuple[bool, bool]) -> None:
    leaf = Leaf("question", "q", op, True, True, LOC)
    assert (eval_leaf(leaf, Facts({"q": "x"}, {}, {}, {})), eval_leaf(leaf, Facts({}, {}, {}, {}))) == want


def test_an_ordered_choice_compares_by_position() -> None:
    order = ("none", "ad_hoc", "scheduled")
    leaf = Leaf("question", "r", "ge", 1, "ad_hoc", LOC, order)
    assert [eval_leaf(leaf, Facts({"r": v}, {}, {}, {})) for v in order] == [False, True, True]


@pytest.mark.parametrize(("done", "open_", "want"), [
    (3, 1, True),   # 3 of 4 against 75 %: exactly at the share
    (2, 1, False),  # 2 of 3 = 67 %
    (3, 0, True), (0, 1, False),
    (0, 0, False),  # nothing answered is not "in place"
])
def test_in_place_at_the_share(done: int, open_: int, want: bool) -> None:
    assert in_place(done, open_, 0.75) is want


def test_a_phase_with_blanks_has_a_range() -> None:
    # 2 done, 1 not, 1 blank: 2 of 3 now (no), 2 of 4 if the blank is a no, 3 of 4 if a yes
    assert phase_in_place(PhaseCount("start", 2, 1, 1), 0.75) == (False, False, True)
    assert phase_in_place(PhaseCount("start", 0, 0, 0), 0.75) == (True, True, True)
    assert [stage_of(p) for p in ([False, False], [True, False], [True, True], [False, True])] == [
        "start", "grow", "optimize", "start"]


# ---- reasons: the profile, money, `between` --------------------------------------

@pytest.fixture(scope="module")
def pins(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = tmp_path_factory.mktemp("pins")
    (root / "pack.yaml").write_text("id: pins\nname: Pins\nversion: 1.0.0\nengine: '>=0.1,<1'\n"
                                    "areas: [{id: x, name: X}]\nstage_rule: {in_place_share: 0.75}\n")
    (root / "content.yaml").write_text("""\
questions:
  - {id: s1, text: S1?, type: yesno, section: S}
  - {id: s2, text: S2?, type: yesno, section: S}
  - {id: g1, text: G1?, type: yesno, section: S}
  - {id: tier, text: Tier?, type: choice, choices: [bronze, silver, gold_plus], section: S}
metrics:
  - {id: mrr, name: MRR, unit: money_month, better: higher}
  - {id: deal, name: Deal size, unit: money, better: higher}
  - {id: churn, name: Churn, unit: percent, better: lower}
actions:
  - {id: m_s1, title: S1, phase: start, area: x, milestone: true, done_when: {question: s1, eq: yes}}
  - {id: m_s2, title: S2, phase: start, area: x, milestone: true, done_when: {question: s2, eq: yes}}
  - {id: m_g1, title: G1, phase: grow, area: x, milestone: true, done_when: {question: g1, eq: yes}}
  - {id: veteran, title: V, phase: optimize, area: x, when: {profile: years_in_cloud, ge: 2}}
  - {id: mid_mrr, title: M, phase: optimize, area: x, when: {metric: mrr, between: [1000, 5000]}}
  - {id: big_deal, title: D, phase: optimize, area: x, when: {metric: deal, gt: 10000}}
  - {id: churny, title: C, phase: optimize, area: x, when: {metric: churn, ge: 10}}
  - {id: keep_churn_low, title: K, phase: optimize, area: x, when: {finding: churn_ok, status: met}}
  - {id: fix_churn, title: F, phase: optimize, area: x, when: {finding: churn_ok, status: not_met}}
benchmarks:
  - {id: churn_ok, metric: churn, target: {le: 8}, target_text: 8 % or less}
""")
    return load_pack(root)


def assess(pack: Pack, answers: dict[str, str], metrics: dict[str, float] | None = None, **partner: object) -> Result:
    doc = {"partner": {"name": "P", **partner}, "answers": answers, "metrics": metrics or {}}
    return evaluate(pack, parse_answers(yaml.safe_dump(doc).encode(), pack, "a.yaml"))


def reasons(r: Result) -> dict[str, list[str]]:
    return {a.id: [e.text for e in a.reasons] for a in r.plan}


def test_reasons_cite_the_profile_money_and_between(pins: Pack) -> None:
    r = assess(pins, {"s1": "yes", "s2": "yes", "g1": "yes"}, {"mrr": 3000, "deal": 25000, "churn": 10},
               years_in_cloud=3, currency="USD")
    got = reasons(r)
    assert got["veteran"] == ["The partner years_in_cloud is 3; this action is recommended when it is at least 2."]
    assert got["mid_mrr"] == ["The MRR (mrr) is USD 3,000 / month; this action is recommended when it is between "
                              "USD 1,000 / month and USD 5,000 / month."]
    assert got["big_deal"] == ["The Deal size (deal) is USD 25,000; this action is recommended when it is more than "
                               "USD 10,000."]
    assert got["churny"] == ["The Churn (churn) is 10 %; this action is recommended when it is at least 10 %."]
    ev = {a.id: a.reasons[0] for a in r.plan}
    assert (ev["veteran"].subject, ev["veteran"].ref, ev["veteran"].observed, ev["veteran"].threshold) == (
        "profile", "years_in_cloud", 3.0, 2)
    assert (ev["mid_mrr"].observed, ev["mid_mrr"].threshold) == (3000.0, [1000, 5000])
    # the distance from the bound, relative to it, capped at 1: (10 - 10) / 10 and (25000 - 10000) / 10000
    assert (ev["churny"].gap, ev["big_deal"].gap, ev["veteran"].gap) == (0.0, 1.0, None)


def test_reasons_in_german_write_euros_the_german_way(pins: Pack) -> None:
    r = assess(pins, {"s1": "yes", "s2": "yes", "g1": "yes"}, {"mrr": 3000, "deal": 25000}, currency="EUR",
               language="de")
    got = reasons(r)
    assert got["big_deal"] == ["Deal size (deal) ist 25.000\u00a0€; diese Maßnahme wird empfohlen, wenn gilt: "
                               "Wert ist größer als 10.000\u00a0€."]
    assert got["mid_mrr"] == ["MRR (mrr) ist 3.000\u00a0€ / Monat; diese Maßnahme wird empfohlen, wenn gilt: "
                              "Wert liegt zwischen 1.000\u00a0€ / Monat und 5.000\u00a0€ / Monat."]


def test_outside_the_between_range_the_action_does_not_fire(pins: Pack) -> None:
    for mrr, fires in ((999.99, False), (1000, True), (5000, True), (5000.01, False)):
        r = assess(pins, {}, {"mrr": mrr})
        assert ("mid_mrr" in {a.id for a in r.plan}) is fires, mrr


# ---- the stage reason, each shape -------------------------------------------------

# the reason says where the partner is; what would move or confirm it is the computed advice
@pytest.mark.parametrize(("answers", "stage", "reason", "advice"), [
    ({"s1": "yes", "s2": "yes", "g1": "yes"}, "optimize",
     f"The Start and Grow milestones are in place (Start 2 of 2; Grow 1 of 1); what remains is refinement {RULE}.",
     []),
    ({"s1": "yes", "s2": "yes", "g1": "no"}, "grow",
     f"Start milestones are in place (Start 2 of 2). Grow: 0 of 1 answered milestones are in place {RULE}.",
     ["To move on to Optimize, put these in place and answer them yes: g1."]),
    # a higher phase in place is said, though the stage is the first phase that is not
    ({"s1": "yes", "s2": "no", "g1": "yes"}, "start",
     f"Grow milestones are in place (Grow 1 of 1). Start: 1 of 2 answered milestones are in place {RULE}.",
     ["To move on to Optimize, put these in place and answer them yes: s2."]),
    ({"s1": "no", "s2": "no", "g1": "no"}, "start",
     f"Start: 0 of 2 answered milestones are in place {RULE}.",
     ["To move on to Grow, put these in place and answer them yes: s1; s2."]),
    ({"s1": "yes", "s2": "yes"}, "grow",
     f"Start milestones are in place (Start 2 of 2). Grow: its only milestone is not answered yet {RULE}. "
     "Provisional: the unanswered milestones allow anything from Grow to Optimize.",
     ["To move on to Optimize, answer g1: yes.", "Grow is confirmed with g1: no."]),
    ({"g1": "yes"}, "start",
     f"Grow milestones are in place (Grow 1 of 1). Start: none of its 2 milestones is answered yet {RULE}. "
     "Provisional: the unanswered milestones allow anything from Start to Optimize.",
     ["To move on to Optimize, answer s1: yes.", "Start is confirmed with s1: no."]),
    ({"s1": "yes", "g1": "yes"}, "optimize",
     f"The Start and Grow milestones are in place (Start 1 of 1; Grow 1 of 1); what remains is refinement {RULE}. "
     "Provisional: the unanswered milestones allow anything from Start to Optimize.",
     ["Optimize is confirmed with s2: yes."]),
])
def test_the_stage_reason(pins: Pack, answers: dict[str, str], stage: str, reason: str, advice: list[str]) -> None:
    from playbook.engine.advice_text import advice_sentence

    r = assess(pins, answers)
    assert (r.stage, r.stage_reason) == (stage, reason)
    names = {s.id: s.name for s in pins.stages}
    assert [advice_sentence(a, names) for a in r.stage_advice] == advice


def test_a_blank_start_milestone_is_counted_in_the_reason(pins: Pack) -> None:
    r = assess(pins, {"s1": "no"})
    assert r.stage_reason.startswith("Start: 0 of 1 answered milestones are in place, 1 not answered (")


def test_the_optimize_sentence_when_no_start_or_grow_milestone_applies(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text("id: o\nname: O\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n")
    (tmp_path / "content.yaml").write_text("""\
questions:
  - {id: o1, text: O1?, type: yesno, section: S}
actions:
  - {id: m_o1, title: O1, phase: optimize, area: x, milestone: true, done_when: {question: o1, eq: yes}}
""")
    r = assess(load_pack(tmp_path), {"o1": "no"})
    assert r.stage == "optimize" and r.stage_status == "confirmed"
    assert r.stage_reason == ("No Start or Grow milestone applies; what remains is refinement (the pack's rule: a phase "
                              "is in place when at least 75 % of its answered milestones are).")


# ---- a value quoted in a message --------------------------------------------------

@pytest.mark.parametrize(("value", "want"), [
    (True, "true"), (False, "false"), (12, "12"), (1.5, "1.5"), ("abc", "'abc'"),
    (10 ** 40, "1" + "0" * 40),                             # at the cap: written out
    (10 ** 40 + 1, "a number of about 41 digits"),          # past it: counted, never str()'d
    (-(10 ** 50), "a number of about 51 digits"),
    ("x" * 58, "'" + "x" * 58 + "'"),                       # 60 characters with the quotes: whole
    ("x" * 59, "'" + "x" * 54 + "…" + "xxx'"),              # 61: the first 55, an ellipsis, the last 4
])
def test_describe(value: object, want: str) -> None:
    assert describe(value) == want


@pytest.mark.parametrize(("churn", "fires", "text"), [
    (8, "keep_churn_low", "Churn (churn) is 8 %, which meets the target 8 % or less [benchmark churn_ok]."),
    (8.5, "fix_churn", "Churn (churn) is 8.5 %, which misses the target 8 % or less [benchmark churn_ok]."),
])
def test_a_reason_resting_on_a_benchmark_says_met_or_missed(pins: Pack, churn: float, fires: str, text: str) -> None:
    r = assess(pins, {}, {"churn": churn})
    [a] = [a for a in r.plan if a.id in ("keep_churn_low", "fix_churn")]
    assert a.id == fires
    [e] = a.reasons
    assert (e.text, e.subject, e.ref, e.observed) == (text, "finding", "churn_ok", float(churn))


def test_a_milestone_resting_on_a_kpi_asks_for_its_metric(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text("id: k\nname: K\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n")
    (tmp_path / "content.yaml").write_text("""\
questions:
  - {id: s1, text: S1?, type: yesno, section: S}
metrics:
  - {id: churn, name: Churn, unit: percent, better: lower}
benchmarks:
  - {id: churn_ok, metric: churn, target: {le: 8}, target_text: 8 % or less}
actions:
  - {id: m_s1, title: S1, phase: start, area: x, milestone: true, done_when: {question: s1, eq: yes}}
  - {id: m_churn, title: C, phase: start, area: x, milestone: true, done_when: {finding: churn_ok, status: met}}
""")
    r = assess(load_pack(tmp_path), {"s1": "yes"})
    assert r.stage_status == "provisional"
    # the blank is the metric under the benchmark, named as a metric (what the partner answers)
    assert [(d.kind, d.id, d.phase) for d in r.deciding_questions] == [("metric", "churn", "start")]
    # and estimates the time a metric takes, not a profile field's
    assert r.deciding_questions[0].seconds == input_seconds(r_pack := load_pack(tmp_path), "metric", "churn")
    assert input_seconds(r_pack, "metric", "churn") != input_seconds(r_pack, "profile", "churn")


def test_a_yes_no_reason_and_a_list_observed(pins: Pack) -> None:
    r = assess(pins, {"s1": "no", "s2": "yes", "g1": "yes"})
    assert reasons(r)["m_s1"] == ["The answer to “S1?” (s1) is no; the practice counts as in place when it is yes."]
    # a profile list, read by a leaf directly: its items joined, "none" when empty
    leaf = Leaf("profile", "focus", "contains", "ip", "ip", LOC)
    for focus, shown in ((("managed_services", "ip"), "managed_services, ip"), ((), "none")):
        e = evidence(leaf, Facts({}, {}, {"focus": focus}, {}), pins, "USD", "fires")
        assert e.text == f"The partner focus is {shown}; this action is recommended when it includes ip.", e.text
    leaf = Leaf("profile", "years_in_cloud", "in", (1, 2), [1, 2], LOC)
    e = evidence(leaf, Facts({}, {}, {"years_in_cloud": 2}, {}), pins, "USD", "fires")
    assert e.text == "The partner years_in_cloud is 2; this action is recommended when it is one of 1, 2."



def test_a_list_of_choices_is_quoted_one_by_one(pins: Pack) -> None:
    leaf = Leaf("question", "tier", "in", ("bronze", "gold_plus"), ["bronze", "gold_plus"], LOC)
    e = evidence(leaf, Facts({"tier": "silver"}, {}, {}, {}), pins, "USD", "done")
    assert e.text == ("The answer to “Tier?” (tier) is “silver”; the practice counts as in place when it is one of "
                      "“bronze”, “gold plus”.")


def test_a_threshold_written_with_a_percent_sign_is_shown_as_a_percentage(tmp_path: Path) -> None:
    (tmp_path / "pack.yaml").write_text("id: p\nname: P\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n")
    (tmp_path / "content.yaml").write_text("""\
metrics:
  - {id: churn, name: Churn, unit: percent, better: lower}
actions:
  - {id: churny, title: C, phase: start, area: x, when: {metric: churn, ge: "10%"}}
""")
    r = assess(load_pack(tmp_path), {}, {"churn": 12})
    assert reasons(r)["churny"] == ["The Churn (churn) is 12 %; this action is recommended when it is at least 10 %."]


def test_an_equality_that_fires_is_one_sentence(pins: Pack) -> None:
    leaf = Leaf("question", "tier", "eq", "silver", "silver", LOC)
    e = evidence(leaf, Facts({"tier": "silver"}, {}, {}, {}), pins, "USD", "fires")
    assert e.text == "The answer to “Tier?” (tier) is “silver”, which calls for this action."
