"""One threshold, one place: the consistency warnings of playbook/pack/lint.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.answers.check import parse_answers
from playbook.cli.main import cli
from playbook.engine.evaluation import evaluate
from playbook.pack.lint import text_numbers
from playbook.pack.load import load_pack

MANIFEST = "id: churn_overlay\nname: Stricter churn\nversion: 0.1.0\nengine: '>=0.1,<1'\nextends: default\n"


def _overlay(tmp_path: Path, overrides: str) -> Path:
    pack = tmp_path / "churn-overlay"
    pack.mkdir()
    (pack / "pack.yaml").write_text(MANIFEST)
    (pack / "overrides.yaml").write_text(overrides)
    return pack


def _codes(pack: Path) -> list[tuple[str, int, str]]:
    return [(Path(p.file).name, p.line, p.code) for p in load_pack(pack).warnings
            if p.code in ("threshold-mismatch", "target-text-mismatch")]


def test_text_numbers_reads_digits_ranges_and_number_words() -> None:
    assert text_numbers("under 8-10 % of customers a year") == {8.0, 10.0}
    assert text_numbers("at least twice a month (over 50 % recurring)") == {2.0, 50.0}
    assert text_numbers("2.0 or more (2.5 is best in class)") == {2.0, 2.5}
    assert text_numbers("$180,000 a year") == {180000.0}
    assert text_numbers("no number here") == set()


def test_the_shipped_packs_state_each_threshold_once() -> None:
    for spec in ("default", Path(__file__).resolve().parents[1] / "examples" / "small-business"):
        warnings = [p.format() for p in load_pack(spec).warnings
                    if p.code in ("threshold-mismatch", "target-text-mismatch")]
        assert warnings == []


def test_an_overlay_that_only_moves_the_churn_target_moves_the_finding_and_the_action(tmp_path: Path) -> None:
    # issue 20: the churn action reads the benchmark's status, so lowering the
    # target is the one change an overlay needs for a 9 % partner
    pack_dir = _overlay(tmp_path, "override:\n  benchmarks:\n    - id: churn_target\n      target: {le: 8}\n")
    found = _codes(pack_dir)
    # only the text is left behind, warned at the overlay's own `target:` line, where the author acts
    assert found == [("overrides.yaml", 4, "target-text-mismatch")]
    assert "override `target_text` here too" in " ".join(p.message for p in load_pack(pack_dir).warnings)
    pack = load_pack(pack_dir)
    for churn, status, fires in (("9%", "not_met", True), ("8%", "met", False), ("10%", "not_met", True)):
        answers = parse_answers(f"partner: {{name: Nine}}\nmetrics: {{churn_rate_annual: {churn}}}\n".encode(), pack)
        result = evaluate(pack, answers)
        assert next(f for f in result.findings if f.benchmark == "churn_target").status == status
        assert ("reduce_churn" in [p.id for p in result.plan]) is fires
        item = next(it for c in result.checklists if c.id == "bottom_line_measure" for it in c.items
                    if it.id == "churn")
        assert item.status == ("done" if status == "met" else "not_done")


def test_an_overlay_rule_that_repeats_a_moved_target_is_warned_in_the_overlay(tmp_path: Path) -> None:
    pack = _overlay(tmp_path, (
        "override:\n  benchmarks:\n    - id: churn_target\n      target: {le: 8}\n"
        "      target_text: 8 % of customers a year or fewer\n"
        "  actions:\n    - id: reduce_churn\n      when: {metric: churn_rate_annual, gt: 8}\n"))
    assert ("overrides.yaml", 8, "threshold-mismatch") in _codes(pack)
    msgs = " ".join(p.message for p in load_pack(pack).warnings)
    assert "action 'reduce_churn' compares churn_rate_annual with 8" in msgs
    assert "{finding: churn_target, status: not_met}" in msgs


@pytest.mark.parametrize(("rule", "number"), [("{metric: churn_rate_annual, lt: 10}", "10"),
                                              ("{metric: churn_rate_annual, lt: 12}", "12")])
def test_a_checklist_item_that_repeats_or_restates_a_benchmark_is_warned_where_it_is(
        tmp_path: Path, rule: str, number: str) -> None:
    pack = _overlay(tmp_path, (
        "checklists:\n  - id: mine\n    title: Mine\n    source: 002_d85274969c44507d.txt § 2. CHURN AND RENEWAL RATE\n"
        f"    items:\n      - {{id: low_churn, text: Low churn, done_when: {rule}}}\n"))
    found = [p for p in load_pack(pack).warnings if p.code == "threshold-mismatch"]
    assert [(Path(p.file).name, p.line) for p in found] == [("overrides.yaml", 6)]
    assert f"checklist item 'mine.low_churn' compares churn_rate_annual with {number}" in found[0].message
    assert "{finding: churn_target, status: met}" in found[0].message


def test_the_consistent_churn_overlay_gives_one_verdict_for_finding_action_and_text(tmp_path: Path) -> None:
    pack_dir = _overlay(tmp_path, (
        "override:\n"
        "  benchmarks:\n"
        "    - id: churn_target\n"
        "      target: {le: 8}\n"
        "      target_text: 8 % of customers a year or fewer\n"
        "  actions:\n"
        "    - id: reduce_churn\n"
        "      when: {finding: churn_target, status: not_met}\n"))
    assert _codes(pack_dir) == []
    pack = load_pack(pack_dir)
    answers = parse_answers(b"partner: {name: Nine}\nmetrics: {churn_rate_annual: 9%}\n", pack)
    result = evaluate(pack, answers)
    churn = next(f for f in result.findings if f.benchmark == "churn_target")
    assert churn.status == "not_met" and churn.target == "8 % of customers a year or fewer"
    assert "reduce_churn" in [p.id for p in result.plan]


def test_a_text_stating_other_numbers_than_its_overridden_target_is_warned(tmp_path: Path) -> None:
    pack = _overlay(tmp_path, (
        "override:\n  benchmarks:\n    - id: churn_target\n      target: {le: 8}\n"
        "      target_text: under 12 % a year\n"))
    assert ("overrides.yaml", 5, "target-text-mismatch") in _codes(pack)


def test_a_finding_on_a_blank_metric_is_unknown_not_false(tmp_path: Path) -> None:
    pack_dir = _overlay(tmp_path, (
        "override:\n  actions:\n    - id: reduce_churn\n      when: {finding: churn_target, status: not_met}\n"))
    pack = load_pack(pack_dir)
    result = evaluate(pack, parse_answers(b"partner: {name: Blank}\n", pack))
    state = next(s for s in result.actions if s.id == "reduce_churn")
    assert state.state == "not_assessed"


def test_validate_names_the_warnings_and_still_passes(tmp_path: Path) -> None:
    pack = _overlay(tmp_path, "override:\n  benchmarks:\n    - id: churn_target\n      target: {le: 8}\n")
    r = CliRunner().invoke(cli, ["validate", str(pack)])
    assert r.exit_code == 0
    assert "overrides.yaml:4:7: warning:" in r.output and "[target-text-mismatch]" in r.output
