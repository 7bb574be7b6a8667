"""Writes salesforce.csv, hubspot.csv and dynamics.csv: renewal-opportunity
exports shaped the way each CRM writes them (its column names, US dates, a
UTF-8 byte order mark, CRLF line ends), 200 rows each, and crm-expected.json
with the figures a correct reading gives at the assessment date 2026-11-01.

Run it from the repository root after changing it, and commit its output:
    python tests/data/customers/make_crm_exports.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
ON = dt.date(2026, 11, 1)  # partner.assessed_on of the answers files the tests write
ROWS = 200
INDUSTRIES = ["Manufacturing", "Retail", "Healthcare", "Finance", "Education", "Public Sector"]


def _accounts(seed: int) -> list[dict[str, object]]:
    rnd = random.Random(seed)
    out = []
    for i in range(ROWS):
        outcome = rnd.choices(["open", "won", "lost"], weights=[80, 8, 12])[0]
        if outcome == "open":
            close = ON + dt.timedelta(days=rnd.randint(1, 420))
        else:
            close = ON - dt.timedelta(days=rnd.randint(1, 300))
        arr = rnd.randrange(6, 400) * 500
        out.append({"name": f"Account {seed}-{i:03d} {rnd.choice(['Inc.', 'LLC', 'GmbH', 'Ltd'])}",
                    "outcome": outcome, "close": close, "arr": arr,
                    # the customer company's own turnover: millions, never what it pays the partner
                    "turnover": rnd.randrange(5, 5000) * 1_000_000, "employees": rnd.randrange(10, 20000),
                    "industry": rnd.choice(INDUSTRIES), "created": close - dt.timedelta(days=rnd.randint(30, 90))})
    return out


def _us(d: dt.date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def _us0(d: dt.date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def _write(name: str, header: list[str], rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    w.writerows(rows)
    (HERE / name).write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def salesforce(accts: list[dict[str, object]]) -> None:
    stage = {"open": "Negotiation/Review", "won": "Closed Won", "lost": "Closed Lost"}
    header = ["Opportunity Name", "Account Name", "Account ID", "Type", "Stage", "Amount", "Close Date",
              "Created Date", "Annual Revenue", "Employees", "Industry", "Billing Country", "Opportunity Owner"]
    rows = []
    for i, a in enumerate(accts):
        amount = f"USD {a['arr']:,.2f}" if i % 3 == 0 else f"{a['arr']:.2f}" if i % 3 == 1 else f"${a['arr']:,}"
        rows.append([f"{a['name']} - Renewal", str(a["name"]), f"001{i:015d}", "Existing Business",
                     stage[str(a["outcome"])], amount, _us(a["close"]), _us(a["created"]),  # type: ignore[arg-type]
                     f"{a['turnover']:,}", str(a["employees"]), str(a["industry"]), "United States", "Pat Lee"])
    _write("salesforce.csv", header, rows)


def hubspot(accts: list[dict[str, object]]) -> None:
    stage = {"open": "Contract sent", "won": "Closed won", "lost": "Closed lost"}
    header = ["Record ID", "Deal Name", "Company name", "Deal Stage", "Pipeline", "Amount", "Close Date",
              "Create Date", "Deal Type", "Annual Revenue", "Number of Employees", "Industry", "Deal owner"]
    rows = []
    for i, a in enumerate(accts):
        close: dt.date = a["close"]  # type: ignore[assignment]
        created: dt.date = a["created"]  # type: ignore[assignment]
        rows.append([str(9000000000 + i), f"{a['name']} renewal", str(a["name"]), stage[str(a["outcome"])],
                     "Sales Pipeline", str(a["arr"]), f"{close.isoformat()} {9 + i % 8:02d}:30",
                     f"{created.isoformat()} 14:05", "existingbusiness", str(a["turnover"]), str(a["employees"]),
                     str(a["industry"]).upper().replace(" ", "_"), "Sam Ortiz"])
    _write("hubspot.csv", header, rows)


def dynamics(accts: list[dict[str, object]]) -> None:
    state = {"open": "Open", "won": "Won", "lost": "Lost"}
    reason = {"open": "In Progress", "won": "Won", "lost": "Canceled"}
    header = ["(Do Not Modify) Opportunity", "(Do Not Modify) Row Checksum", "(Do Not Modify) Modified On",
              "Topic", "Account Name", "Est. Close Date", "Actual Close Date", "Est. Revenue", "Actual Revenue",
              "Status", "Status Reason", "Probability", "Annual Revenue", "Owner"]
    rows = []
    for i, a in enumerate(accts):
        close: dt.date = a["close"]  # type: ignore[assignment]
        won, lost = a["outcome"] == "won", a["outcome"] == "lost"
        est_close = close if a["outcome"] == "open" else close - dt.timedelta(days=14)
        rows.append([f"8c1e{i:04d}-0000-0000-0000-000000000000", f"chk{i}", _us0(ON) + " 8:00 AM",
                     f"{a['name']} renewal", str(a["name"]), _us(est_close),
                     _us(close) if won or lost else "", f"${a['arr']:,.2f}", f"${a['arr']:,.2f}" if won else "",
                     state[str(a["outcome"])], reason[str(a["outcome"])], "100" if won else "0" if lost else "60",
                     f"${a['turnover']:,.2f}", "Alex Kim"])
    _write("dynamics.csv", header, rows)


def expected(accts: list[dict[str, object]]) -> dict[str, object]:
    active = [a for a in accts if a["outcome"] != "lost"]
    within = [a for a in active if a["outcome"] == "open" and (a["close"] - ON).days <= 90]  # type: ignore[operator]
    return {"rows": len(accts), "active": len(active), "ended": len(accts) - len(active),
            "annual_revenue": float(sum(a["arr"] for a in active)),  # type: ignore[misc]
            "renewals_within_90": len(within),
            "renewal_revenue_within_90": float(sum(a["arr"] for a in within)),  # type: ignore[misc]
            "no_renewal_date": sum(1 for a in active if a["outcome"] == "won")}


def main() -> None:
    out = {}
    for name, seed, write in (("salesforce", 11, salesforce), ("hubspot", 12, hubspot), ("dynamics", 13, dynamics)):
        accts = _accounts(seed)
        write(accts)
        out[name] = expected(accts)
    (HERE / "crm-expected.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
