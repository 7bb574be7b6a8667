"""The overview of many partners."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.base.yamlio import dump, load_file
from playbook.cli.main import cli


def _ten_partners(d: Path) -> None:
    base = load_file(EXAMPLES / "grow-stage.yaml").data
    for i in range(10):
        doc = json.loads(json.dumps(base, default=str))
        doc["partner"]["name"] = f"Partner {i:02d}"
        doc["metrics"]["churn_rate_annual"] = f"{2 + i * 2}%"
        if i % 3 == 0:
            doc["answers"]["dedicated_customer_success"] = "yes"
        (d / f"p{i:02d}.yaml").write_text(dump(doc))


def test_ten_generated_partners_in_every_format(tmp_path: Path) -> None:
    _ten_partners(tmp_path)
    for ext in ("html", "json", "csv", "md"):
        out = tmp_path / f"portfolio.{ext}"
        r = CliRunner().invoke(cli, ["portfolio", str(tmp_path), "-o", str(out)])
        assert r.exit_code == 0, r.output
    doc = json.loads((tmp_path / "portfolio.json").read_text())
    assert len(doc["partners"]) == 10 and sum(s["count"] for s in doc["stages"]) == 10
    assert doc["most_open_actions"][0]["partners"] == 10
    assert len(list(csv.DictReader((tmp_path / "portfolio.csv").open()))) == 10
    html = (tmp_path / "portfolio.html").read_text()
    assert "Partner 09" in html and "<script>" in html
    # self-contained: nothing to fetch
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html) and "@import" not in html


def test_from_results_links_reports_and_flags_worse(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "--baseline",
                                 str(EXAMPLES / "optimize-stage.yaml"), "--format", "json", "--out-dir", str(out)])
    assert r.exit_code == 0, r.output
    (out / "grow-stage-report.html").write_text("<html></html>")
    r = CliRunner().invoke(cli, ["portfolio", str(out), "-o", str(tmp_path / "p.html")])
    assert r.exit_code == 0, r.output
    html = (tmp_path / "p.html").read_text()
    assert 'href="out/grow-stage-report.html"' in html
    assert "Worse since the last assessment" in html and "stage optimize → grow" in html


def test_an_invalid_input_is_reported_and_the_rest_shown(tmp_path: Path) -> None:
    _ten_partners(tmp_path)
    (tmp_path / "bad.yaml").write_text("answers: {adoption_plans: maybe}\n")
    r = CliRunner().invoke(cli, ["portfolio", str(tmp_path), "-o", str(tmp_path / "p.json")])
    assert r.exit_code == 1 and "bad.yaml" in r.stderr
    assert len(json.loads((tmp_path / "p.json").read_text())["partners"]) == 10
