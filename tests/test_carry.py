"""init --from: last year's answers carried into this year's template."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.cli.main import cli


def test_round_trip_gives_the_same_assessment(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    r = CliRunner().invoke(cli, ["init", "--from", str(EXAMPLES / "grow-stage.yaml"), "-o", str(new)])
    assert r.exit_code == 0, r.output
    assert 'assessed_on: ""' in new.read_text()  # a new year needs a new date
    # the partner fills in the date; renewals due in 90 days count from it
    new.write_text(new.read_text().replace('assessed_on: ""', "assessed_on: 2026-11-01"))
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    CliRunner().invoke(cli, ["assess", str(new), "-o", str(a)])
    CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "-o", str(b)])
    da, db = json.loads(a.read_text()), json.loads(b.read_text())
    assert da["metrics"] == db["metrics"] and [x["id"] for x in da["actions"]] == [x["id"] for x in db["actions"]]


def test_new_changed_and_dropped_are_marked(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    text = (EXAMPLES / "grow-stage.yaml").read_text()
    text = text.replace("  adoption_plans: no\n", "").replace("partner_of_record: all", "partner_of_record: most")
    old.write_text(text.replace("answers:\n", "answers:\n  asked_in_2025_only: yes\n", 1))
    new = tmp_path / "new.yaml"
    r = CliRunner().invoke(cli, ["init", "--from", str(old), "-o", str(new)])
    assert r.exit_code == 0, r.output
    lines = new.read_text().splitlines()
    assert any(ln.startswith("  adoption_plans:") and "# NEW" in ln for ln in lines)
    assert any(ln.startswith("  partner_of_record:") and "# CHANGED" in ln and "most" in ln for ln in lines)
    assert any("asked_in_2025_only" in ln and ln.startswith("#") for ln in lines)
    assert "1 new and 1 changed" in r.stderr
