"""The customer base (playbook/customers): reading CSV exports, the figures
the guide asks for, redaction, and the report's size at scale."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.answers.check import parse_answers
from playbook.cli.main import cli
from playbook.customers import parse_customers, pseudonym
from playbook.engine.evaluation import evaluate
from playbook.errors import InvalidInput
from playbook.report.render import render
from tests.conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "examples"))
from make_customers import csv_text

CSV = DATA / "customers"
STAGES = ("ad_hoc", "opportunistic", "repeatable", "managed", "optimized")
ANSWERS = """partner:
  name: Fabrikam
  assessed_on: 2026-11-01
  currency: USD
answers:
  renewal_outreach: ad_hoc
metrics:
  cac: 5000
customers: customers.csv
"""


@pytest.fixture()
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "acme.yaml").write_text(ANSWERS)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def assess(work: Path, csv: Path | bytes, *extra: str, fmt: str = "json"):
    target = work / "customers.csv"
    if isinstance(csv, bytes):
        target.write_bytes(csv)
    else:
        shutil.copy(csv, target)
    return invoke("assess", "acme.yaml", "--format", fmt, "-o", "-", *extra)


# ---- the figures, on a small file checked by hand --------------------------

def test_small_file_figures(work: Path) -> None:
    r = assess(work, CSV / "small.csv")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    b = d["customer_base"]
    assert (b["rows"], b["active"], b["ended"]) == (9, 7, 2)
    assert b["annual_revenue"] == 200000.0
    # churn: Hotel and India left in the 12 months to 2026-11-01, of 9 customers then
    assert b["clv"]["churn_rate_annual"] == 22.22 and b["clv"]["churn_origin"] == "derived"
    assert b["clv"]["average"] == pytest.approx(200000 / 7 / 0.2222, rel=1e-4)
    assert b["clv"]["clv_to_cac"] == pytest.approx(200000 / 7 / 0.2222 / 5000, rel=1e-3)
    assert b["clv"]["top"][0] == {"name": "Alpha", "revenue": 100000.0, "clv": pytest.approx(100000 / 0.2222, rel=1e-4)}
    size = {r["label"]: r for r in next(t for t in b["segments"] if t["dimension"] == "size")["rows"]}
    assert size["Mid"]["customers"] == 2 and size["Mid"]["average_revenue"] == 35000.0
    assert size["Small"]["customers"] == 4 and size["Small"]["revenue_share"] == 15.0
    s = b["all_stars"]
    assert (s["count"], s["customer_share"], s["revenue_share_top20"]) == (3, 42.9, 75.0)
    assert s["top10_multiple"] == 6.0 and s["top10_count"] == 1
    assert [t["customers"] for t in b["tiers"]] == [1, 2, 2, 2]
    assert [t["min_revenue"] for t in b["tiers"]] == [100000.0, 20000.0, 10000.0, 5000.0]
    assert [n["name"] for n in b["closest_to_next_tier"]][:2] == ["Bravo", "Delta"]
    w = {x["id"]: x for x in b["renewals"]["windows"]}
    assert [w[k]["customers"] for k in ("overdue", "d30", "d60", "d90", "d365")] == [1, 1, 1, 1, 1]
    assert w["d30"]["names"][0]["name"] == "Alpha" and w["d30"]["revenue"] == 100000.0
    assert b["renewals"]["within_90_days"] == {"customers": 3, "revenue": 170000.0}
    assert b["renewals"]["no_renewal_date"]["customers"] == 1
    assert sum(m["customers"] for m in b["renewals"]["months"]) == 4
    # NPS from the active customers' last responses: 2 promoters, 2 detractors of 6
    assert d["metrics"]["nps"] == 0.0 and d["metric_origin"]["nps"] == "derived"
    assert d["metric_origin"]["churn_rate_annual"] == "derived"
    stages = {x["stage"]: x["customers"] for x in b["stages"]}
    assert stages == {"ad_hoc": 2, "opportunistic": 2, "repeatable": 1, "managed": 2}
    # the action fires and names the customers behind it
    act = next(a for a in d["actions"] if a["id"] == "renewals_due_without_outreach")
    assert "Alpha, Bravo, Charlie" in act["reasons"][0]


def test_every_figure_is_cited_in_every_format(work: Path) -> None:
    for fmt in ("html", "md"):
        r = assess(work, CSV / "small.csv", fmt=fmt)
        assert r.exit_code == 0
        for section in ("Measure Your Success", "Understanding customer lifetime value", "Renewal strategy",
                        "Use CLV to optimize the business", "Understand the Cloud Buyer"):
            assert section in r.stdout, (fmt, section)
        assert "Your customers" in r.stdout


def test_given_metrics_win_and_disagreement_is_warned(work: Path) -> None:
    (work / "acme.yaml").write_text(ANSWERS.replace("  cac: 5000\n", "  cac: 5000\n  churn_rate_annual: 5%\n"))
    r = assess(work, CSV / "small.csv")
    assert r.exit_code == 0
    d = json.loads(r.stdout)
    assert d["metrics"]["churn_rate_annual"] == 5.0 and d["metric_origin"]["churn_rate_annual"] == "given"
    assert "annual churn rate = 5 %, but the customer rows give 22.22 %" in r.stderr
    assert d["customer_base"]["warnings"]


def test_a_few_rows_of_a_larger_base_are_a_sample_not_a_disagreement(work: Path) -> None:
    # the shipped example lists its five largest of 120 active customers
    example = Path(__file__).resolve().parents[1] / "examples" / "grow-stage.yaml"
    r = CliRunner().invoke(cli, ["assess", str(example), "--format", "json", "-o", "-"])
    assert r.exit_code == 0 and "customer rows give" not in r.stderr
    d = json.loads(r.stdout)
    assert d["metrics"]["mrr"] == 180000 and d["metric_origin"]["mrr"] == "given"
    assert any("list 5 of the 120 active customers" in n for n in d["customer_base"]["notes"])


# ---- bad input: located, plain, never a traceback --------------------------

@pytest.mark.parametrize("name,expected", [
    ("semicolon.csv", "customers.csv:1:1: error: the header is separated by semicolons, not commas"),
    ("missing-name.csv", "customers.csv:1:1: error: no 'name' column"),
])
def test_file_level_errors(work: Path, name: str, expected: str) -> None:
    r = assess(work, CSV / name)
    assert r.exit_code == 1
    assert expected in r.stderr
    assert "Traceback" not in r.output


def test_cell_errors_are_all_located(work: Path) -> None:
    r = assess(work, CSV / "bad-values.csv")
    assert r.exit_code == 1
    err = r.stderr
    assert "customers.csv:2:4: error: renewal_date: '2026-13-01' is not a date" in err
    assert "customers.csv:3:2: error: stage: unknown customer stage 'managd'; did you mean 'managed'?" in err
    assert "customers.csv:3:3: error: revenue: -500 is negative" in err
    assert "customers.csv:1:5: warning: unknown column 'renewl' is ignored; did you mean 'renewal'?" in err
    assert "customers.csv:4:1: warning: name: '=HYPERLINK" in err
    assert "3 errors; nothing was written." in err


def test_unknown_header_suggests_the_column(work: Path) -> None:
    r = assess(work, CSV / "missing-name.csv")
    assert "unknown column 'Customer Nmae' is ignored; did you mean 'customer_name'?" in r.stderr


def test_a_50_mb_file_is_refused_before_it_is_read(work: Path) -> None:
    with (work / "customers.csv").open("wb") as fh:
        fh.truncate(50_000_000)  # sparse: no disk, no time
    r = invoke("assess", "acme.yaml", "--format", "json", "-o", "-")
    assert r.exit_code == 1
    assert "customers.csv: error: the customer file is 50 MB; the limit is 20 MB" in r.stderr


def test_non_utf8_is_located(work: Path) -> None:
    r = assess(work, "name,stage\nContoso,managed\nM\xfcller AG,managed\n".encode("latin-1"))
    assert r.exit_code == 1
    assert "customers.csv:3:2: error: the file is not UTF-8 (byte 0xfc); save it as 'CSV UTF-8'" in r.stderr


def test_a_workbook_is_refused_with_the_fix(work: Path) -> None:
    r = assess(work, b"PK\x03\x04" + b"\x00" * 100)
    assert r.exit_code == 1 and "save it as 'CSV UTF-8 (comma delimited)'" in r.stderr


def test_formula_cells_are_text_warned_and_neutralised(work: Path) -> None:
    for fmt in ("html", "md", "json"):
        r = assess(work, CSV / "formula.csv", fmt=fmt)
        assert r.exit_code == 0, r.output
        assert "looks like a spreadsheet formula; it is kept as text, never run" in r.stderr
        out = r.stdout
        assert "=HYPERLINK" in out  # kept, as text
        if fmt == "json":
            names = [n["name"] for n in json.loads(out)["customer_base"]["clv"]["top"]]
            assert "'=HYPERLINK(\"http://evil.example/\",\"click\")" in names
        else:
            assert "'=HYPERLINK" in out.replace("&#39;", "'").replace("\\(", "(")
            assert 'href="http://evil' not in out


def test_names_are_escaped_in_html(work: Path) -> None:
    r = assess(work, b'name,stage,revenue\n"<script>alert(1)</script>",managed,100\n', fmt="html")
    assert r.exit_code == 0
    assert "<script>alert" not in r.stdout and "&lt;script&gt;alert(1)" in r.stdout


def test_a_path_must_stay_beside_the_answers_file(work: Path, default_pack) -> None:
    for bad in ("/etc/passwd.csv", "../x.csv", "notes.txt"):
        (work / "acme.yaml").write_text(ANSWERS.replace("customers.csv", bad))
        r = invoke("assess", "acme.yaml", "--format", "json", "-o", "-")
        assert r.exit_code == 1 and "[customers-path]" in r.stderr, bad
    # answers from bytes (a web form) can never name a file
    with pytest.raises(InvalidInput) as exc:
        parse_answers(ANSWERS.encode(), default_pack, "<form>")
    assert "only an answers file on disk" in str(exc.value)


def test_customers_option_and_inline_list(work: Path) -> None:
    (work / "acme.yaml").write_text(ANSWERS.replace("customers: customers.csv\n",
                                                    "customers:\n  - {name: Contoso, stage: managed, revenue: 1000}\n"))
    d = json.loads(invoke("assess", "acme.yaml", "--format", "json", "-o", "-").stdout)
    assert d["customer_base"]["source"] == "the answers file" and d["customer_base"]["rows"] == 1
    shutil.copy(CSV / "small.csv", work / "export.csv")
    d = json.loads(invoke("assess", "acme.yaml", "--customers", "export.csv", "--format", "json", "-o", "-").stdout)
    assert d["customer_base"]["rows"] == 9 and d["customer_base"]["source"] == "export.csv"


def test_reader_direct() -> None:
    rows, warnings = parse_customers(b"Customer,MRR,Services\nContoso,100,A | B\n", STAGES, "x.csv")
    assert rows[0].name == "Contoso" and rows[0].revenue == 1200.0 and rows[0].services == ("A", "B")
    assert not warnings


# ---- redaction ---------------------------------------------------------------

def test_redaction_replaces_names_everywhere_with_stable_pseudonyms(work: Path) -> None:
    names = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"]
    outs = {}
    for fmt in ("json", "html", "md"):
        r = assess(work, CSV / "small.csv", "--redact-customers", fmt=fmt)
        assert r.exit_code == 0
        outs[fmt] = r.stdout
        assert not [n for n in names if n in r.stdout], fmt
        assert pseudonym("Alpha", "Fabrikam") in r.stdout
    again = assess(work, CSV / "small.csv", "--redact-customers").stdout
    assert again == outs["json"]
    assert pseudonym("Alpha", "Fabrikam") != pseudonym("Alpha", "Contoso")


# ---- scale ---------------------------------------------------------------------

@pytest.mark.slow
def test_html_stays_under_300_kb_with_100000_rows(work: Path, default_pack) -> None:
    (work / "customers.csv").write_text(csv_text(100_000))
    answers = parse_answers((work / "acme.yaml").read_bytes(), default_pack, "acme.yaml", customers_dir=work)
    result = evaluate(default_pack, answers)
    assert result.customer_base is not None and result.customer_base.rows == 100_000
    html = render(result, default_pack, "html")
    assert len(html) < 300_000
    assert len(render(result, default_pack, "md")) < 300_000


def test_result_with_customers_matches_the_schema(work: Path) -> None:
    import jsonschema

    from playbook.pack.schema import result_schema

    d = json.loads(assess(work, CSV / "small.csv").stdout)
    jsonschema.validate(d, result_schema())
    (work / "acme.yaml").write_text(ANSWERS.replace("customers: customers.csv\n", ""))
    d = json.loads(invoke("assess", "acme.yaml", "--format", "json", "-o", "-").stdout)
    assert d["customer_base"] is None
    jsonschema.validate(d, result_schema())


def test_no_assessment_date_leaves_the_calendar_out_and_says_why(work: Path) -> None:
    (work / "acme.yaml").write_text(ANSWERS.replace("  assessed_on: 2026-11-01\n", ""))
    d = json.loads(assess(work, CSV / "small.csv").stdout)
    b = d["customer_base"]
    assert b["renewals"]["windows"] == [] and b["clv"]["average"] is None
    assert any("assessed_on" in n for n in b["notes"])
