"""Year over year claims only what changed: carried figures, past renewal dates,
actions closed only when the answer behind them changed, changes written like values."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.answers.carry import carried_marks
from playbook.cli.main import cli
from playbook.report.baseline import signed_change

NEXT_YEAR = "2027-11-01"  # grow-stage.yaml is assessed on 2026-11-01; four renewals fall in between


def _next_year(tmp_path: Path, edit: dict[str, str] | None = None) -> tuple[Path, Path]:
    last = tmp_path / "last.yaml"
    shutil.copy(EXAMPLES / "grow-stage.yaml", last)
    new = tmp_path / "new.yaml"
    r = CliRunner().invoke(cli, ["init", "--from", str(last), "-o", str(new)])
    assert r.exit_code == 0, r.output
    text = new.read_text().replace('  assessed_on: ""', f"  assessed_on: {NEXT_YEAR}")
    for old, repl in (edit or {}).items():
        assert re.search(old, text, flags=re.M), old
        text = re.sub(old, repl, text, flags=re.M)
    new.write_text(text)
    return last, new


def _compare(tmp_path: Path, last: Path, new: Path) -> tuple[dict, str]:  # type: ignore[type-arg]
    out = tmp_path / "new.json"
    r = CliRunner().invoke(cli, ["assess", str(new), "--baseline", str(last), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return json.loads(out.read_text())["baseline"], r.stderr


def test_init_from_marks_every_carried_figure_and_date(tmp_path: Path) -> None:
    _, new = _next_year(tmp_path)
    text = new.read_text()
    marks = carried_marks(text)
    given = re.findall(r"^  ([a-z_0-9]+): \S", text.split("\nmetrics:\n")[1].split("\n\n")[0], flags=re.M)
    assert given and {f"metrics.{m}" for m in given} <= marks
    assert {"customers", "nps_responses", "partner.years_in_cloud"} <= marks
    assert "# CARRIED from 2026-11-01, confirm" in text
    assert not any(k.startswith("answers.") for k in marks)  # yes/no and choices are not figures


def test_an_unchanged_year_reports_no_improvement_and_flags_past_due_renewals(tmp_path: Path) -> None:
    b, stderr = _compare(tmp_path, *_next_year(tmp_path))
    directions = {k["metric"]: k["direction"] for k in b["kpis"]}
    assert set(directions.values()) == {"carried"}, directions  # never "same", never "better"
    assert b["actions"]["closed"] == []
    # the renewal outreach action went because the dates passed, not because anything was done
    assert "renewals_due_without_outreach" in b["actions"]["not_confirmed_closed"]
    assert b["past_due_renewals"]["customers"] == 4 and b["past_due_renewals"]["revenue"] == 310000
    assert "past-due-renewal" in stderr and "Wide World Importers" in stderr


def test_a_remeasured_figure_is_compared(tmp_path: Path) -> None:
    last, new = _next_year(tmp_path, {r"^  renewal_rate: .*$": "  renewal_rate: 92%",
                                      r"^  staff_utilization: (\S+)  # CARRIED.*$": r"  staff_utilization: \1"})
    b, _ = _compare(tmp_path, last, new)
    k = {k["metric"]: k for k in b["kpis"]}
    assert k["renewal_rate"]["direction"] == "better" and k["renewal_rate"]["change"] == pytest.approx(4.0)
    assert k["staff_utilization"]["direction"] == "same"  # the mark deleted: confirmed, and unchanged
    assert k["cac"]["direction"] == "carried"


def test_a_marked_value_that_was_edited_counts_as_measured(tmp_path: Path) -> None:
    last, new = _next_year(tmp_path, {r"^  renewal_rate: \S+": "  renewal_rate: 80%"})
    b, _ = _compare(tmp_path, last, new)
    k = {k["metric"]: k for k in b["kpis"]}
    assert k["renewal_rate"]["direction"] == "worse" and "metrics.renewal_rate" not in b["carried"]


def test_an_action_closes_only_when_its_answer_changed(tmp_path: Path) -> None:
    last, new = _next_year(tmp_path, {r"^  onboarding_kpis: no": "  onboarding_kpis: yes"})
    b, _ = _compare(tmp_path, last, new)
    assert b["actions"]["closed"] == ["onboarding_small_scope_kpis"]


@pytest.mark.parametrize("x, unit, want", [
    (141763.4, "money", "+USD 141,763"), (-141763.4, "money", "−USD 141,763"), (2.5, "percent", "+2.5 pp"),
    (-0.25, "percent", "−0.25 pp"), (3, "count", "+3"), (0, "count", "±0"), (None, "count", "—"),
    (-5, "days", "−5 days")])
def test_changes_are_written_like_their_values(x: float | None, unit: str, want: str) -> None:
    assert signed_change(x, unit, "USD") == want


def test_report_names_the_baseline_groups_open_actions_and_lists_it_in_contents(tmp_path: Path) -> None:
    last, new = _next_year(tmp_path, {r"^  renewal_rate: .*$": "  renewal_rate: 92%"})
    out = tmp_path / "new.html"
    r = CliRunner().invoke(cli, ["assess", str(new), "--baseline", str(last), "-o", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    section = html[html.index('id="since-last"'):html.index("</section>", html.index('id="since-last"'))]
    assert "Compared with Fabrikam Cloud Services of 2026-11-01" in section and "last.yaml" not in section
    assert '<a href="#since-last">' in html[:html.index("<main>")]  # the printed contents
    assert "+4 pp" in section and "carried, not re-measured" in section
    assert "renewal dates are already past" in section and "USD 310,000" in section
    still = section[section.index("Still open"):]
    assert still.count("<li>") <= 3 and "actions</li>" in still  # by phase, not one line per action
    assert not re.search(r"[+-]\d+(\.\d+)?e[+-]?\d", section)


def test_the_api_and_a_batch_report_carried_figures_too(tmp_path: Path) -> None:
    from playbook.api import Assessor

    last, new = _next_year(tmp_path)
    a = Assessor()
    for got in (a.assess_file(new, baseline=last), a.assess_bytes(new.read_bytes(), "new.yaml", baseline=last)):
        b = got.result.baseline
        assert b is not None and {k.direction for k in b.kpis} == {"carried"} and not b.closed
    # an assessment from a mapping has no marks to read: figures are compared as given
    b = a.assess_mapping({"partner": {"name": "X"}, "metrics": {"renewal_rate": "88%"}}, baseline=last).result.baseline
    assert b is not None and {k.direction for k in b.kpis if k.metric == "renewal_rate"} == {"same"}
    old_dir, new_dir = tmp_path / "old", tmp_path / "new"
    old_dir.mkdir()
    new_dir.mkdir()
    shutil.copy(last, old_dir / "fabrikam.yaml")
    shutil.copy(new, new_dir / "fabrikam.yaml")
    r = CliRunner().invoke(cli, ["assess", str(new_dir), "--baseline", str(old_dir), "--format", "json",
                                 "--out-dir", str(tmp_path / "out")])
    assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "out" / "fabrikam-report.json").read_text())
    assert {k["direction"] for k in doc["baseline"]["kpis"]} == {"carried"}
