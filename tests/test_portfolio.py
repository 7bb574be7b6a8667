"""The overview of many partners."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
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
    partners = json.loads((tmp_path / "p.json").read_text())["partners"]
    assert len(partners) == 11  # the invalid client is listed with its problem, never left out
    bad = next(p for p in partners if p["file"] == "bad.yaml")
    assert bad["status"] == "invalid" and "adoption_plans" in bad["message"]
    assert sum(p["status"] == "ok" for p in partners) == 10


def test_everyone_is_shown_in_every_format(tmp_path: Path) -> None:
    _ten_partners(tmp_path)
    (tmp_path / "bad.yaml").write_text("answers: {adoption_plans: maybe}\n")
    (tmp_path / "binary.yaml").write_bytes(b"\xff\xfe\x00garbage")
    for ext in ("html", "md", "csv"):
        r = CliRunner().invoke(cli, ["portfolio", str(tmp_path), "-o", str(tmp_path / f"p.{ext}")])
        assert r.exit_code == 1
    rows = list(csv.DictReader((tmp_path / "p.csv").open()))
    assert {r["file"]: r["status"] for r in rows if r["status"] != "ok"}.keys() == {"bad.yaml", "binary.yaml"}
    assert all(r["message"] for r in rows if r["status"] != "ok")
    assert all(r["answered"] and r["asked"] and int(r["answered"]) <= int(r["asked"]) for r in rows if r["status"] == "ok")
    html = (tmp_path / "p.html").read_text()
    assert "Not assessed" in html and "bad.yaml" in html and "binary.yaml" in html
    md = (tmp_path / "p.md").read_text()
    assert "bad.yaml" in md and "| Answered |" in md


def test_the_failed_clients_of_a_batch_are_listed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.yaml").write_text((EXAMPLES / "grow-stage.yaml").read_text())
    (src / "bad.yaml").write_text("answers: {adoption_plans: maybe}\n")
    out = tmp_path / "out"
    out.mkdir()  # the summary goes beside the results, into a folder that exists
    r = CliRunner().invoke(cli, ["assess", str(src), "--format", "json", "--out-dir", str(out),
                                 "--summary", str(out / "summary.json")])
    assert r.exit_code == 1 and (out / "summary.json").is_file(), r.output
    r = CliRunner().invoke(cli, ["portfolio", str(out), "-o", str(tmp_path / "p.json")])
    assert r.exit_code == 1, r.output
    partners = {p["file"]: p for p in json.loads((tmp_path / "p.json").read_text())["partners"]}
    assert partners["bad.yaml"]["status"] == "invalid" and "adoption_plans" in partners["bad.yaml"]["message"]
    assert partners["good-report.json"]["status"] == "ok"


def test_a_folder_of_reports_only_is_an_error_naming_what_it_found(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"p{i}-report.html").write_text("<html></html>")
        (tmp_path / f"p{i}-report.pdf").write_bytes(b"%PDF-1.7")
    r = CliRunner().invoke(cli, ["portfolio", str(tmp_path), "-o", str(tmp_path / "p.html")])
    assert r.exit_code == 2 and not (tmp_path / "p.html").exists()
    assert "no answers files" in r.stderr and "3 .html" in r.stderr and "3 .pdf" in r.stderr


def test_stage_bars_are_proportional(tmp_path: Path) -> None:
    _ten_partners(tmp_path)
    for name in ("start-stage.yaml", "optimize-stage.yaml"):
        (tmp_path / name).write_text((EXAMPLES / name).read_text())
    from playbook.portfolio import build, render_portfolio

    pf = build([tmp_path])
    bars = {b["stage"]: b for b in pf.stage_bars()}
    assert sum(b["count"] for b in bars.values()) == 12
    for b in bars.values():
        assert b["width"] == pytest.approx(100 * b["count"] / 12, abs=0.05)
    html = render_portfolio(pf, "html").decode()
    widths = re.findall(r'class="bar" style="width: ([0-9.]+)%"', html)
    assert sorted(map(float, widths)) == sorted(b["width"] for b in bars.values()) and len(set(widths)) > 1
    assert ".dist > div" in html  # the bar is not styled as one of the boxes (which made every bar one width)


def test_portfolio_writes_xlsx(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    _ten_partners(tmp_path)
    (tmp_path / "bad.yaml").write_text("partner: {name: '=cmd|calc'}\nanswers: {adoption_plans: maybe}\n")
    r = CliRunner().invoke(cli, ["portfolio", str(tmp_path), "-o", str(tmp_path / "p.xlsx")])
    assert r.exit_code == 1
    ws = openpyxl.load_workbook(tmp_path / "p.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:4] == ("file", "partner", "status", "message") and len(rows) == 12


def test_the_batch_summary_says_why_a_client_failed(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.yaml").write_text((EXAMPLES / "grow-stage.yaml").read_text())
    (src / "bad.yaml").write_text("answers: {adoption_plans: maybe}\n")
    for ext in ("csv", "json"):
        CliRunner().invoke(cli, ["assess", str(src), "--format", "json", "--out-dir", str(tmp_path / ext),
                                 "--summary", str(tmp_path / f"summary.{ext}")])
    rows = {r["file"]: r for r in csv.DictReader((tmp_path / "summary.csv").open())}
    assert any(r["status"] == "invalid" and "adoption_plans" in r["message"] for r in rows.values())
    assert all(r["message"] == "" for r in rows.values() if r["status"] == "ok")
    doc = json.loads((tmp_path / "summary.json").read_text())
    assert any(r["status"] == "invalid" and "adoption_plans" in r["message"] for r in doc)
