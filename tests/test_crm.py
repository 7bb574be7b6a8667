"""CRM exports read by meaning (Salesforce, HubSpot, Dynamics 365), and the
customer CSV read by the same reader as the answers file."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.cli.main import cli
from playbook.customers import parse_customers
from playbook.customers import profiles as pf
from playbook.errors import InvalidInput
from playbook.i18n import Convention
from tests.conftest import DATA

CSV = DATA / "customers"
STAGES = ("ad_hoc", "opportunistic", "repeatable", "managed", "optimized")
EXPECTED = json.loads((CSV / "crm-expected.json").read_text(encoding="utf-8"))
ANSWERS = """partner:
  name: Fabrikam
  assessed_on: 2026-11-01
  currency: USD
{extra}customers: {customers}
"""


def _assess(tmp: Path, csv: Path | bytes, *extra: str, partner: str = "", customers: str = "customers.csv",
            name: str = "customers.csv"):
    (tmp / "acme.yaml").write_text(ANSWERS.format(extra=partner, customers=customers), encoding="utf-8")
    if isinstance(csv, bytes):
        (tmp / name).write_bytes(csv)
    else:
        shutil.copy(csv, tmp / name)
    return CliRunner().invoke(cli, ["assess", str(tmp / "acme.yaml"), "--format", "json", "-o", "-", *extra])


@pytest.mark.parametrize("crm,profile", [("salesforce", "Salesforce opportunities"),
                                         ("hubspot", "HubSpot deals"),
                                         ("dynamics", "Dynamics 365 opportunities")])
def test_a_crm_export_gives_revenue_renewals_and_churn_with_no_edit(tmp_path: Path, crm: str, profile: str) -> None:
    raw = (CSV / f"{crm}.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # as the CRMs write them
    r = _assess(tmp_path, CSV / f"{crm}.csv")
    assert r.exit_code == 0, r.output
    want = EXPECTED[crm]
    b = json.loads(r.stdout)["customer_base"]
    assert (b["rows"], b["active"], b["ended"]) == (want["rows"], want["active"], want["ended"])
    assert b["annual_revenue"] == want["annual_revenue"]
    assert b["renewals"]["within_90_days"] == {"customers": want["renewals_within_90"],
                                               "revenue": want["renewal_revenue_within_90"]}
    assert b["renewals"]["no_renewal_date"]["customers"] == want["no_renewal_date"]
    cols = b["columns"]
    assert cols["profile"] == profile
    used = {u["column"]: u["header"] for u in cols["used"]}
    assert "Annual Revenue" not in used.get("revenue", "")
    assert any(u["header"] == "Annual Revenue" for u in cols["unused"])
    # printed before the figures
    assert f"columns understood as ({profile} export)" in r.stderr


def test_annual_revenue_alone_is_never_arr(tmp_path: Path) -> None:
    csv = b"Account Name,Annual Revenue,Employees,Account ID,Status\r\nContoso,\"4,000,000,000\",250,001A,Active\r\n"
    r = _assess(tmp_path, csv)
    assert r.exit_code == 0, r.output
    b = json.loads(r.stdout)["customer_base"]
    assert b["annual_revenue"] == 0 and b["with_revenue"] == 0
    assert {u["header"] for u in b["columns"]["unused"]} == {"Annual Revenue", "Employees", "Account ID", "Status"}
    assert "did you mean" not in r.stderr


@pytest.mark.parametrize("header", ["Contract Termination Date", "Account ID", "Status", "Annual Revenue", "Employees"])
def test_no_suggestion_across_meanings(header: str) -> None:
    rows, warnings = parse_customers(f"name,{header}\nA,\n".encode(), STAGES)
    assert not any("did you mean" in w.message for w in warnings)


def test_contract_end_date_is_a_renewal_date() -> None:
    rows, _ = parse_customers(b"name,Contract End Date\nA,2027-03-01\n", STAGES)
    assert rows[0].renewal_date == "2027-03-01" and rows[0].ended is None


def test_a_typo_is_still_suggested_within_its_kind() -> None:
    _, warnings = parse_customers(b"name,renewl_date\nA,2027-03-01\n", STAGES)
    assert any("did you mean 'renewal_date'" in w.message for w in warnings)


def test_columns_map_in_the_answers_file(tmp_path: Path) -> None:
    csv = b"Client,ARR (USD),Next Renewal On\nContoso,\"120,000\",2027-01-15\nFabrikam,80000,2027-06-01\n"
    r = _assess(tmp_path, csv, customers='{file: customers.csv, columns: {name: Client, revenue: "ARR (USD)", '
                                         'renewal_date: "Next Renewal On"}}')
    assert r.exit_code == 0, r.output
    b = json.loads(r.stdout)["customer_base"]
    assert b["annual_revenue"] == 200000.0
    assert {u["column"]: u["header"] for u in b["columns"]["used"]} == {
        "name": "Client", "revenue": "ARR (USD)", "renewal_date": "Next Renewal On"}


def test_columns_option_on_assess(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text('columns:\n  name: Client\n  revenue: "ARR (USD)"\n', encoding="utf-8")
    csv = b"Client,ARR (USD)\nContoso,\"120,000\"\n"
    r = _assess(tmp_path, csv, "--columns", str(tmp_path / "map.yaml"))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["customer_base"]["annual_revenue"] == 120000.0


def test_a_map_naming_a_missing_column_is_located(tmp_path: Path) -> None:
    r = _assess(tmp_path, b"Client\nContoso\n", customers="{file: customers.csv, columns: {revenue: ARR}}")
    assert r.exit_code == 1
    assert "customers.csv:1:1: error: columns: revenue is mapped to 'ARR', which is not in the header" in r.stderr


# ---- one reader: the CSV refuses what the answers file refuses --------------

@pytest.mark.parametrize("cell", ["45.000", "1.234", '"1.200"'])
def test_csv_without_language_refuses_ambiguous_amounts(tmp_path: Path, cell: str) -> None:
    r = _assess(tmp_path, f"name,revenue\nA,{cell}\n".encode())
    assert r.exit_code == 1
    assert "customers.csv:2:2: error: revenue:" in r.stderr and "to say which" in r.stderr


@pytest.mark.parametrize("cell", ["£500", "€1200", "EUR 900", "A$500"])
def test_csv_amount_in_another_currency_is_an_error_on_its_row(tmp_path: Path, cell: str) -> None:
    r = _assess(tmp_path, f"name,revenue\nA,100\nB,{cell}\n".encode())
    assert r.exit_code == 1
    assert "customers.csv:3:2: error: revenue:" in r.stderr and "the partner's currency is USD" in r.stderr


@pytest.mark.parametrize("cell", ["1e16", "9" * 17, "$2,000,000,000,000,000"])
def test_csv_amount_over_the_cap_is_an_error_on_its_row(tmp_path: Path, cell: str) -> None:
    r = _assess(tmp_path, f'name,revenue\nA,100\nB,"{cell}"\n'.encode())
    assert r.exit_code == 1
    assert "customers.csv:3:2: error: revenue:" in r.stderr and "too large" in r.stderr


@pytest.mark.parametrize("cell,value", [("CA$180,000", 180000.0), ("CAD 180,000", 180000.0), ("C$1,000", 1000.0)])
def test_dollar_forms_read(cell: str, value: float) -> None:
    rows, _ = parse_customers(f'name,revenue\nA,"{cell}"\n'.encode(), STAGES, currency="CAD")
    assert rows[0].revenue == value


def test_an_unreadable_amount_hint_lists_the_accepted_forms() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_customers(b"name,revenue\nA,about 5 grand\n", STAGES)
    assert "CAD 180,000" in exc.value.problems[0].message and "CA$180,000" in exc.value.problems[0].message


def test_leading_zero_group_is_refused_in_a_csv() -> None:
    with pytest.raises(InvalidInput) as exc:
        parse_customers(b"name;revenue\nA;0.500\n", STAGES, convention=Convention.of("de"))
    p = exc.value.problems[0]
    assert (p.line, p.column) == (2, 2) and "0.5" in p.message and "500" in p.message


def test_us_dates_read_with_en_us_and_the_error_names_it() -> None:
    rows, _ = parse_customers(b"name,renewal_date\nA,04/05/2028\n", STAGES, convention=Convention.of("en-US"))
    assert rows[0].renewal_date == "2028-04-05"
    with pytest.raises(InvalidInput) as exc:
        parse_customers(b"name,renewal_date\nA,04/05/2028\n", STAGES)
    assert "partner.language: en-US" in exc.value.problems[0].message
    with pytest.raises(InvalidInput) as exc:
        parse_customers(b"name;renewal_date\nA;04/20/2028\n", STAGES, convention=Convention.of("de"))
    assert "partner.language: en-US" in exc.value.problems[0].message


def test_a_column_of_us_dates_settles_its_own_order() -> None:
    rows, warnings = parse_customers(b"name,renewal_date\nA,04/20/2028\nB,04/05/2028\n", STAGES)
    assert [r.renewal_date for r in rows] == ["2028-04-20", "2028-04-05"]
    assert any(w.code == "date-order" and "month first" in w.message for w in warnings)


def test_iso_date_times_read() -> None:
    rows, _ = parse_customers(b"name,renewal_date\nA,2023-10-01 09:30\n", STAGES)
    assert rows[0].renewal_date == "2023-10-01"


def test_services_formula_after_a_separator_is_neutralised() -> None:
    rows, warnings = parse_customers(b'name,services\nA,"Backup;=HYPERLINK(""http://x"")|@SUM(1)"\n', STAGES)
    assert rows[0].services == ("Backup", "'=HYPERLINK(\"http://x\")", "'@SUM(1)")
    assert any(w.code == "formula" for w in warnings)


# ---- reads stay where they are allowed ---------------------------------------

def test_a_symlink_out_of_the_folder_is_refused_and_its_content_never_shown(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "secret.csv").write_text("TOPSECRET-LINE,x\n", encoding="utf-8")
    home = tmp_path / "client"
    home.mkdir()
    os.symlink(secret / "secret.csv", home / "customers.csv")
    (home / "acme.yaml").write_text(ANSWERS.format(extra="", customers="customers.csv"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(home / "acme.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 1
    assert "outside the answers file's folder" in r.stderr and "TOPSECRET" not in r.output


def test_a_symlinked_folder_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere"
    secret.mkdir()
    (secret / "c.csv").write_text("TOPSECRET,x\n", encoding="utf-8")
    home = tmp_path / "client"
    home.mkdir()
    os.symlink(secret, home / "data")
    (home / "acme.yaml").write_text(ANSWERS.format(extra="", customers="data/c.csv"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(home / "acme.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 1 and "TOPSECRET" not in r.output


def test_a_symlink_inside_the_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.csv").write_bytes(b"name,revenue\nA,100\n")
    os.symlink(tmp_path / "real.csv", tmp_path / "customers.csv")
    (tmp_path / "acme.yaml").write_text(ANSWERS.format(extra="", customers="customers.csv"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "acme.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 0, r.output


# ---- bounded work ---------------------------------------------------------------

def test_a_very_wide_header_is_cut_before_any_suggestion(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = pf.suggest

    def counting(key: str, left: int) -> str:
        calls.append(key)
        return real(key, left)

    monkeypatch.setattr(pf, "suggest", counting)
    header = ",".join(["name"] + [f"col{i}" for i in range(300_000)])
    rows, warnings = parse_customers(f"{header}\nA\n".encode(), STAGES)
    assert rows[0].name == "A"
    assert len(calls) <= 500  # the header is cut to 500 columns, so 300,000 never reach did-you-mean
    assert any(w.code == "too-wide" and "300,001 columns" in w.message for w in warnings)


def test_a_client_cannot_read_another_clients_export(tmp_path: Path) -> None:
    (tmp_path / "acme-customers.csv").write_bytes(b"name,revenue\nACME SECRET CUSTOMER,100\n")
    (tmp_path / "acme.yaml").write_text(ANSWERS.format(extra="", customers="acme-customers.csv"), encoding="utf-8")
    beta = ANSWERS.replace("Fabrikam", "Beta GmbH").format(extra="", customers="acme-customers.csv")
    (tmp_path / "beta.yaml").write_text(beta, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "acme.yaml"), str(tmp_path / "beta.yaml"),
                                 "--out-dir", str(out), "--format", "json", "--jobs", "1"])
    assert "beta.yaml" in r.output and "is the customer export acme.yaml names" in r.output
    assert (out / "acme-report.json").is_file() and not (out / "beta-report.json").exists()
    assert "ACME SECRET" in (out / "acme-report.json").read_text(encoding="utf-8")


def test_one_partners_files_of_two_years_share_an_export(tmp_path: Path) -> None:
    (tmp_path / "acme.csv").write_bytes(b"name,revenue\nA,100\n")
    for stem in ("acme-2025", "acme-2026"):
        (tmp_path / f"{stem}.yaml").write_text(ANSWERS.format(extra="", customers="acme.csv"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "acme-2026.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 0, r.output


def test_the_columns_table_is_in_the_report_and_escapes_headers(tmp_path: Path) -> None:
    csv = b"name,services,<img src=x onerror=alert(1)>\nA,Backup,1\n"
    (tmp_path / "acme.yaml").write_text(ANSWERS.format(extra="  language: de\n", customers="customers.csv"),
                                        encoding="utf-8")
    (tmp_path / "customers.csv").write_bytes(csv)
    out = {}
    for fmt in ("html", "md"):
        r = CliRunner().invoke(cli, ["assess", str(tmp_path / "acme.yaml"), "--format", fmt, "-o", "-"])
        assert r.exit_code == 0, r.output
        out[fmt] = r.stdout
    assert "So wurden die Spalten gelesen" in out["html"] and "<img src=x" not in out["html"]
    assert "&lt;img src=x onerror=alert(1)&gt; (keine unserer Spalten)" in out["html"]
    assert "| services | genutzte Services, getrennt durch ; oder \\| |" in out["md"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_named_as_the_export_is_refused_not_waited_on(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "customers.csv")
    (tmp_path / "acme.yaml").write_text(ANSWERS.format(extra="", customers="customers.csv"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "acme.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 1 and "not a regular file" in r.stderr


def test_last_years_file_of_the_same_partner_shares_the_export(tmp_path: Path) -> None:
    (tmp_path / "customers.csv").write_bytes(b"name,revenue\nA,100\n")
    for stem in ("last", "this"):
        (tmp_path / f"{stem}.yaml").write_text(ANSWERS.format(extra="", customers="customers.csv"), encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "this.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 0, r.output
    other = ANSWERS.replace("Fabrikam", "Contoso").format(extra="", customers="customers.csv")
    (tmp_path / "last.yaml").write_text(other, encoding="utf-8")
    r = CliRunner().invoke(cli, ["assess", str(tmp_path / "this.yaml"), "--format", "json", "-o", "-"])
    assert r.exit_code == 1 and "is the customer export last.yaml names" in r.stderr


def test_the_partner_name_scan_is_linear() -> None:
    from playbook.customers import _PARTNER_NAME

    text = "partner:\n" + "  # x\n" * 5000 + "answers:\n"  # no name: every way to fail is tried
    assert _PARTNER_NAME.search(text) is None
    assert _PARTNER_NAME.search("partner:\n  # c\n  assessed_on: 1\n  name: Acme  # x\n").group(1).strip() == "Acme"
