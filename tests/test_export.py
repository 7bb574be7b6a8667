"""The action plan leaves the report: CSV (Planner, Jira, Azure Boards, Excel) and XLSX
read back by independent readers give the rows of the result's plan."""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.api import Assessor
from playbook.base.formula import neutralise
from playbook.cli.main import cli
from playbook.report.export import COLUMNS, plan_rows, render_plan, to_csv


@pytest.fixture(scope="module")
def assessed() -> tuple[Assessor, object]:
    a = Assessor()
    return a, a.assess_file(EXAMPLES / "grow-stage.yaml").result


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    text = data.decode("utf-8-sig")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", "")  # CRLF only
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_parses_back_to_the_plan(assessed) -> None:  # type: ignore[no-untyped-def]
    a, result = assessed
    rows = _csv_rows(render_plan([(result, a.pack)], "csv"))
    assert rows[0] == list(COLUMNS)
    body = rows[1:]
    assert len(body) == len(result.plan) > 0
    assert [r[4] for r in body] == [p.title for p in result.plan]
    assert [int(r[3]) for r in body] == [p.priority for p in result.plan]
    assert {r[0] for r in body} == {result.partner_name}
    assert all(r[8] == "" and r[9] == "" for r in body)  # owner and due: for the consultant
    assert all(r[5] for r in body)  # every action says why
    assert "§" in body[0][6] and ".txt" not in body[0][6]  # the source cited by its title


def test_xlsx_reads_back_with_openpyxl_to_the_csv_rows(assessed) -> None:  # type: ignore[no-untyped-def]
    openpyxl = pytest.importorskip("openpyxl")
    a, result = assessed
    wb = openpyxl.load_workbook(io.BytesIO(render_plan([(result, a.pack)], "xlsx")))
    got = [["" if v is None else str(v) for v in row] for row in wb.active.iter_rows(values_only=True)]
    assert got == _csv_rows(render_plan([(result, a.pack)], "csv"))


def test_formula_looking_text_is_neutralised_in_both(assessed) -> None:  # type: ignore[no-untyped-def]
    openpyxl = pytest.importorskip("openpyxl")
    a, result = assessed
    rows = plan_rows(result)
    rows[0] = {**rows[0], "partner": "=HYPERLINK(\"http://x\")", "title": "@SUM(A1)", "reason": "-1+1"}
    back = _csv_rows(to_csv(rows))[1]
    assert back[0] == "'=HYPERLINK(\"http://x\")" and back[4] == "'@SUM(A1)" and back[5] == "'-1+1"
    from playbook.report.export import plan_xlsx

    ws = openpyxl.load_workbook(io.BytesIO(plan_xlsx(rows))).active
    cell = ws.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == "'=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("text, safe", [("=1+1", "'=1+1"), ("+49 30", "'+49 30"), ("-x", "'-x"), ("@a", "'@a"),
                                        ("\tx", "'\tx"), ("\rx", "'\rx"), ("Contoso", "Contoso"), ("", ""),
                                        ("a=b", "a=b")])
def test_the_one_guard(text: str, safe: str) -> None:
    assert neutralise(text) == safe


def test_cli_single_file_format_from_extension(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert _csv_rows(out.read_bytes())[0] == list(COLUMNS)
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "-o", str(tmp_path / "p.xlsx")])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "p.xlsx").read_bytes()[:2] == b"PK"  # a zip: the OOXML package


def test_batch_writes_a_plan_per_partner(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for name in ("grow-stage.yaml", "start-stage.yaml"):
        shutil.copy(EXAMPLES / name, d / name)
    for fmt in ("csv", "xlsx"):
        r = CliRunner().invoke(cli, ["assess", str(d), "--format", fmt, "--out-dir", str(tmp_path / fmt)])
        assert r.exit_code == 0, r.output
        assert sorted(p.name for p in (tmp_path / fmt).iterdir()) == [
            f"grow-stage-report.{fmt}", f"start-stage-report.{fmt}"]


@pytest.mark.slow
def test_libreoffice_opens_the_xlsx_with_the_same_rows(assessed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt install libreoffice-calc-nogui)")
    a, result = assessed
    (tmp_path / "plan.xlsx").write_bytes(render_plan([(result, a.pack)], "xlsx"))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / "plan.xlsx")], check=True, capture_output=True, timeout=120)
    got = list(csv.reader((tmp_path / "lo" / "plan.csv").open(encoding="utf-8-sig", newline="")))
    want = _csv_rows(render_plan([(result, a.pack)], "csv"))
    assert got == want


def test_portfolio_writes_every_plan_in_one_table(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for name in ("grow-stage.yaml", "start-stage.yaml"):
        shutil.copy(EXAMPLES / name, d / name)
    singles: list[list[str]] = []
    for name in ("grow-stage.yaml", "start-stage.yaml"):
        CliRunner().invoke(cli, ["assess", str(d / name), "-o", str(tmp_path / f"{name}.csv")])
        singles += _csv_rows((tmp_path / f"{name}.csv").read_bytes())[1:]
    # from answers files, and from the JSON results of a batch: the same rows as one file each
    out = tmp_path / "results"
    r = CliRunner().invoke(cli, ["assess", str(d), "--format", "json", "--out-dir", str(out)])
    assert r.exit_code == 0, r.output
    for src in (d, out):
        r = CliRunner().invoke(cli, ["portfolio", str(src), "-o", str(tmp_path / "p.html"),
                                     "--plan", str(tmp_path / "plan.csv")])
        assert r.exit_code == 0, r.output
        assert sorted(_csv_rows((tmp_path / "plan.csv").read_bytes())[1:]) == sorted(singles)
    r = CliRunner().invoke(cli, ["portfolio", str(d), "-o", str(tmp_path / "p.html"), "--plan", str(tmp_path / "x.txt")])
    assert r.exit_code == 2 and ".csv or .xlsx" in r.stderr


def test_xlsx_without_xlsxwriter_says_how_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "xlsxwriter", None)  # as if the extra were not installed
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "-o", str(tmp_path / "p.xlsx")])
    assert r.exit_code == 2 and "playbook-assess[xlsx]" in r.stderr and not (tmp_path / "p.xlsx").exists()


@pytest.mark.slow
def test_libreoffice_imports_the_csv_with_the_same_rows(assessed, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (apt install libreoffice-calc-nogui)")
    openpyxl = pytest.importorskip("openpyxl")
    a, result = assessed
    data = render_plan([(result, a.pack)], "csv")
    (tmp_path / "plan.csv").write_bytes(data)
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile",
                    "--infilter=CSV:44,34,76", "--convert-to", "xlsx", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / "plan.csv")], check=True, capture_output=True, timeout=120)
    ws = openpyxl.load_workbook(tmp_path / "lo" / "plan.xlsx").active
    got = [["" if v is None else str(v) for v in row] for row in ws.iter_rows(values_only=True)]
    assert got == _csv_rows(data)
