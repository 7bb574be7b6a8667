from __future__ import annotations

from pathlib import Path

import pytest

from playbook.errors import InvalidInput, UsageError
from playbook.pack.load import engine_compatible, load_pack, resolve_pack_dir
from tests.conftest import DATA, MINI

BROKEN = DATA / "packs" / "broken"


def test_mini_pack_loads(mini) -> None:
    assert mini.id == "mini"
    assert [a.id for a in mini.actions] == ["formal_onboarding", "renewals_early", "gather_references",
                                         "ip_margin_healthy", "reduce_churn", "raise_nps"]
    assert mini.content_hash.startswith("sha256:")
    assert load_pack(MINI).content_hash == mini.content_hash


def test_broken_pack_reports_one_error_per_mistake() -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(BROKEN)
    got = [(p.line, p.code) for p in exc.value.problems if p.severity == "error"]
    assert got == [
        (19, "unknown-key"),      # priorty
        (24, "unknown-key"),      # greater_than
        (29, "unknown-metric"),   # churn_rate_anual
        (35, "cycle"),
        (42, "duplicate-id"),
        (51, "operator-type"),
        (56, "unknown-value"),
    ]
    text = "\n".join(p.format() for p in exc.value.problems)
    assert "did you mean 'gt'?" in text
    assert "did you mean 'churn_rate_annual'?" in text
    assert "did you mean 'scheduled'?" in text
    assert all(p.file.endswith("content.yaml") and p.column > 0 for p in exc.value.problems)


def _pack(tmp_path: Path, manifest: str, content: str) -> Path:
    (tmp_path / "pack.yaml").write_text(manifest)
    (tmp_path / "content.yaml").write_text(content)
    return tmp_path


MANIFEST = "id: t\nname: T\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n"


@pytest.mark.parametrize("content,code", [
    ("actions:\n  - {id: a, title: A, phase: grow, area: x, done_when: {question: q, eq: yes}, requires: [b]}\n"
     "  - {id: b, title: B, phase: optimize, area: x, done_when: {question: q, eq: yes}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "prerequisite-phase"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, done_when: {question: q, eq: yes}, requires: [zz]}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "unknown-action"),
    ("actions:\n  - {id: a, title: A, phase: start, area: y, done_when: {question: q, eq: yes}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "unknown-area"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, done_when: {question: q, eq: maybe}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "operand-type"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, done_when: {question: q, lt: 3}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "operator-type"),
    ("actions:\n  - {id: a, title: A, phase: start, area: x, when: {all: [{question: q, eq: yes}], any: []}}\n"
     "questions: [{id: q, text: Q, type: yesno, section: S}]\n", "items"),
    ("metrics:\n  - {id: m, name: M, unit: count, better: higher, derive: {formula: {add: [{metric: n}, 1]}}}\n"
     "  - {id: n, name: N, unit: count, better: higher, derive: {formula: {add: [{metric: m}, 1]}}}\n", "cycle"),
    ("benchmarks:\n  - {id: b, metric: nope, target: {ge: 1}, target_text: x}\n", "unknown-metric"),
    ("actions: {}\n", "type"),
    ("- just a list\n", "type"),
])
def test_cross_reference_errors(tmp_path: Path, content: str, code: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    assert code in [p.code for p in exc.value.problems], exc.value


def test_engine_range_is_checked(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="needs engine >=9"):
        load_pack(_pack(tmp_path, MANIFEST.replace(">=0.1,<1", ">=9"), "{}\n"))


@pytest.mark.parametrize("spec,ok", [(">=0.1,<1", True), (">=0.2", False), ("==0.1", True), ("<0.1", False),
                                     ("~=0.1", True), ("bogus", None)])
def test_engine_compatible(spec: str, ok: bool | None) -> None:
    assert engine_compatible(spec, "0.1.0") is ok


def test_unknown_pack_suggests(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="did you mean 'default'"):
        resolve_pack_dir("defualt")
    with pytest.raises(UsageError, match="no pack.yaml"):
        resolve_pack_dir(str(tmp_path))


def test_unconditional_action_is_a_warning(tmp_path: Path) -> None:
    pack = load_pack(_pack(tmp_path, MANIFEST, "actions:\n  - {id: a, title: A, phase: start, area: x}\n"))
    assert [w.code for w in pack.warnings] == ["unconditional"]


def test_lint_warnings(tmp_path: Path) -> None:
    content = """questions:
  - {id: used, text: U, type: yesno, section: S}
  - {id: unused, text: N, type: yesno, section: S}
metrics:
  - {id: churn, name: C, unit: percent, better: lower}
  - {id: lonely, name: L, unit: count, better: higher}
  - {id: shown, name: S, unit: count, better: higher, track_only: true}
actions:
  - {id: never, title: N, phase: start, area: x, when: {all: [{metric: churn, gt: 50}, {metric: churn, lt: 10}]}}
  - {id: over, title: O, phase: start, area: x, when: {metric: churn, gt: 100}}
  - {id: fine, title: F, phase: start, area: x, when: {metric: churn, gt: 10}, done_when: {question: used, eq: yes}}
  - {id: undoable, title: U, phase: start, area: x, when: {metric: churn, gt: 10}, done_when: {all: [{question: used, eq: yes}, {question: used, eq: no}]}}
benchmarks:
  - {id: churn_ok, metric: churn, target: {le: 10}, target_text: 10 % or less}
  - {id: churn_pct, metric: churn, target: {ge: 120}, target_text: written as a ratio}
  - {id: churn_never, metric: churn, target: {le: 10}, target_text: x, applies_when: {metric: churn, lt: -1}}
"""
    pack = load_pack(_pack(tmp_path, MANIFEST, content))
    # (the one-threshold warnings of these deliberately odd numbers are tested in test_lint.py)
    got = sorted((w.line, w.code) for w in pack.warnings
                 if w.code not in ("threshold-mismatch", "target-text-mismatch"))
    assert got == [(3, "unused-question"), (6, "unused-metric"), (9, "never-true"), (10, "never-true"),
                   (12, "never-true"), (15, "never-true"), (16, "never-true")]
    assert any("'undoable' can never be done: question 'used' cannot equal both" in w.message for w in pack.warnings)
    assert any("benchmark 'churn_pct' can never be met: no value of metric 'churn' satisfies it (its range is 0 to 100)"
               in w.message for w in pack.warnings)
    assert any("benchmark 'churn_never' can never apply" in w.message for w in pack.warnings)
    assert all(w.severity == "warning" for w in pack.warnings)


@pytest.fixture()
def test_an_item_dropped_for_its_own_error_does_not_also_make_its_question_unused(tmp_path: Path) -> None:
    content = ("actions:\n  - {id: a, title: A, phase: strat, area: x, done_when: {question: q, eq: yes}}\n"
               "questions: [{id: q, text: Q, type: yesno, section: S}]\n"
               "metrics: [{id: m, name: M, unit: count, better: higher}]\n")
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    # one mistake, one message; the metric really is unused and still says so
    assert [(p.code, p.severity) for p in exc.value.problems] == [("enum", "error"), ("unused-metric", "warning")]


def test_references_to_an_item_dropped_for_its_own_error_are_not_errors_too(tmp_path: Path) -> None:
    content = ("metrics:\n  - {id: m, name: M, unit: percent, beter: lower}\n"
               "  - {id: d, name: D, unit: number, better: higher, derive: {formula: {add: [{metric: m}, 1]}}}\n"
               "questions: [{id: q, text: Q, type: yesnoo, section: S}]\n"
               "benchmarks: [{id: b, metric: m, target: {le: 10}, target_text: x}]\n"
               "actions:\n  - {id: a, title: A, phase: start, area: x, when: {metric: m, gt: 10},"
               " done_when: {question: q, eq: yes}}\n")
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    errors = [(p.line, p.code) for p in exc.value.problems if p.severity == "error"]
    # the misspelt key (twice: 'better' missing, 'beter' unknown) and the bad type; no "unknown metric/question"
    assert sorted(errors) == [(2, "missing-key"), (2, "unknown-key"), (4, "enum")], exc.value.problems


def _copy_mini(tmp_path: Path) -> Path:
    import shutil
    pack = tmp_path / "mini"
    shutil.copytree(MINI, pack)
    return pack


SECTIONED = MANIFEST + """sources:
  - file: g.txt
    sections:
      - Onboarding
      - Renewal strategy
      - {section: Foreword, not_encoded: narrative}
      - {section: Churn, not_encoded: said twice}
"""
SECTION_CONTENT = """questions:
  - {id: q, text: Q, type: yesno, section: S, source: "g.txt § ONBOARDING"}
actions:
  - id: a
    title: A
    phase: start
    area: x
    done_when: {question: q, eq: yes}
    source: "g.txt § Renewal strategies"
checklists:
  - id: c
    title: C
    items:
      - {id: i, text: I, done_when: {question: q, eq: yes}, source: "g.txt § Churn"}
"""


def test_citations_must_name_a_listed_section(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, SECTIONED, SECTION_CONTENT))
    (p,) = [p for p in exc.value.problems if p.severity == "error"]
    assert (p.file.endswith("content.yaml"), p.line, p.column, p.code) == (True, 9, 13, "unknown-section")
    assert "did you mean 'Renewal strategy'?" in p.message


def test_sections_nothing_cites_need_a_reason(tmp_path: Path) -> None:
    content = SECTION_CONTENT.replace("Renewal strategies", "Onboarding")
    pack = load_pack(_pack(tmp_path, SECTIONED, content))
    got = sorted((w.line, w.code) for w in pack.warnings if w.code.endswith(("-section", "-encoded")))
    # Renewal strategy is cited by nothing; Churn is cited yet marked not encoded
    assert got == [(10, "uncovered-section"), (12, "cited-not-encoded")]
    (g,) = pack.sources
    assert g.sections[:2] == ("Onboarding", "Renewal strategy") and dict(g.not_encoded)["Foreword"] == "narrative"


def test_a_folder_named_like_a_bundled_pack_does_not_hide_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from playbook.base.resources import bundled_packs

    (tmp_path / "default").mkdir()
    monkeypatch.chdir(tmp_path)
    assert resolve_pack_dir(None) == resolve_pack_dir("default") == bundled_packs()["default"]
    with pytest.raises(UsageError, match="not a rule pack"):
        resolve_pack_dir("./default")


def test_an_unreadable_file_is_reported_alone(tmp_path: Path) -> None:
    """Its ids would otherwise be reported as unknown wherever they are used."""
    pack = _copy_mini(tmp_path)
    content = pack / "content.yaml"
    text = content.read_text()
    metrics = text.index("metrics:")
    content.write_text(text[:metrics] + "other: !!python/object:os.system {}\n" + text[metrics:])
    with pytest.raises(InvalidInput) as exc:
        load_pack(pack)
    assert [(p.file.endswith("content.yaml"), p.code) for p in exc.value.problems] == [(True, "tag")]


def test_a_yml_file_in_a_pack_is_a_warning_not_silence(tmp_path: Path) -> None:
    pack = _copy_mini(tmp_path)
    (pack / "more.yml").write_text("actions: []\n")
    w = [p for p in load_pack(pack).warnings if p.code == "ignored-file"]
    assert len(w) == 1 and w[0].file.endswith("more.yml") and "end in .yaml" in w[0].message


# ---- issue 11: odd packs are located errors, never a crash ------------------------

def _overlay_pack(tmp_path: Path, overrides: str, manifest_extra: str = "extends: ../mini\n") -> Path:
    import shutil

    shutil.copytree(MINI, tmp_path / "mini")
    top = tmp_path / "top"
    top.mkdir()
    (top / "pack.yaml").write_text("id: top\nname: Top\nversion: 0.1.0\nengine: \">=0.1,<1\"\n" + manifest_extra)
    (top / "overrides.yaml").write_text(overrides)
    return top


@pytest.mark.parametrize("overrides,words", [
    ("disable: {actions: true}\n", "expected a list in disable.actions"),
    ("disable: true\n", "expected a mapping (key: value) in disable"),
    ("disable: {actions: [5]}\n", "expected text in disable.actions[0]"),
    ("override: {actions: true}\n", "expected a list in override.actions"),
    ("override: {actions: [5]}\n", "expected a mapping (key: value) in override.actions[0]"),
    ("override: {actions: [{title: x}]}\n", "missing required key 'id'"),
])
def test_odd_values_under_disable_and_override_are_located_errors(tmp_path: Path, overrides: str,
                                                                   words: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_overlay_pack(tmp_path, overrides))
    errors = [p for p in exc.value.problems if p.severity == "error"]
    assert len(errors) == 1 and words in errors[0].message and errors[0].line == 1, [p.format() for p in errors]


@pytest.mark.parametrize("spec", ["a" * 5000, "\\0x"])
def test_an_extends_no_file_system_can_open_is_not_found(tmp_path: Path, spec: str) -> None:
    with pytest.raises(InvalidInput) as exc:
        load_pack(_overlay_pack(tmp_path, "disable: {}\n", f'extends: "{spec}"\n'))
    [p] = exc.value.problems
    assert p.code == "extends" and p.line == 5 and len(p.message) < 400


def test_an_ordered_choice_question_without_choices_is_one_error(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(MINI, tmp_path / "mini")
    content = tmp_path / "mini" / "content.yaml"
    content.write_text(content.read_text().replace("    choices: [none, ad_hoc, scheduled_90_60_30]\n", ""))
    with pytest.raises(InvalidInput) as exc:  # its conditions compare by position: no tuple.index crash
        load_pack(tmp_path / "mini")
    assert [p.message for p in exc.value.problems if p.severity == "error"] == ["a choice question needs `choices:`"]


def test_a_huge_integer_in_a_target_is_a_located_error(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(MINI, tmp_path / "mini")
    content = tmp_path / "mini" / "content.yaml"
    content.write_text(content.read_text().replace("target: {le: 10}", "target: {le: " + "9" * 400 + "}"))
    with pytest.raises(InvalidInput) as exc:
        load_pack(tmp_path / "mini")
    [p] = [p for p in exc.value.problems if p.severity == "error"]
    line = 1 + content.read_text().splitlines().index(next(
        ln for ln in content.read_text().splitlines() if "9" * 400 in ln))
    assert "too large" in p.message and p.line == line


def test_a_pack_name_too_long_for_the_file_system_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown pack") as exc:
        resolve_pack_dir("a/" * 3000)
    assert len(str(exc.value)) < 300


def test_a_bad_key_does_not_hide_an_unknown_id_beside_it(tmp_path: Path) -> None:
    content = """metrics:
  - {id: churn, name: C, unit: percent, better: lower}
actions:
  - id: a
    title: A
    phase: start
    area: x
    colour: red
    when: {metric: chrun, gt: 10}
"""
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    got = sorted((p.line, p.code) for p in exc.value.problems if p.severity == "error")
    assert got == [(8, "unknown-key"), (9, "unknown-metric")]
    assert "did you mean 'churn'" in str(exc.value)


def test_every_mistake_in_one_action_at_once(tmp_path: Path) -> None:
    """A wrong type or value in one field never hides its siblings' mistakes."""
    content = """metrics:
  - {id: churn, name: C, unit: percnt, better: lower}
actions:
  - id: a
    title: 5
    phase: begin
    area: y
    impact: huge
    when: {metric: chrun, gt: 10}
    requires: [b]
"""
    with pytest.raises(InvalidInput) as exc:
        load_pack(_pack(tmp_path, MANIFEST, content))
    got = sorted((p.line, p.code) for p in exc.value.problems if p.severity == "error")
    assert got == [(2, "enum"), (5, "type"), (6, "enum"), (7, "unknown-area"), (8, "enum"),
                   (9, "unknown-metric"), (10, "unknown-action")]
    assert "did you mean 'churn'" in str(exc.value)
