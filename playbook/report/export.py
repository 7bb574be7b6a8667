"""The action plan as a table that leaves the report: CSV for Planner, Jira,
Azure Boards and Excel imports, and an XLSX workbook.

One row per planned action. `owner` and `due` are left empty for the
consultant to fill in the tracker. Every text cell passes the one formula guard
(playbook.base.formula): partner names and pack texts are untrusted, and a
spreadsheet must never run them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from operator import attrgetter
from typing import Any

from playbook.base.formula import neutralise
from playbook.base.model import Pack
from playbook.engine.result import Evidence, Result
from playbook.errors import UsageError
from playbook.i18n import N_, t
from playbook.i18n import using as i18n_using

# the column names are the import's field names: stable, English, never translated
COLUMNS = ("partner", "phase", "tier", "priority", "title", "reason", "source", "status", "owner", "due")
TIER_LABEL = {"good": N_("Good"), "better": N_("Better"), "best": N_("Best")}
XLSX_HINT = "the xlsx format needs XlsxWriter: pip install 'playbook-assess[xlsx]'"


def plan_rows(result: Result, cite: Callable[[str], str] = str,
              phase_names: dict[str, str] | None = None,
              reason: Callable[[Evidence], str] = attrgetter("text")) -> list[dict[str, str]]:
    """One row per open action of the plan, in plan order, texts in the result's language;
    `cite` turns a source reference into what a reader sees (the report's citer), and
    `phase_names` a phase id into the pack's stage name."""
    names = phase_names or {}
    from playbook import i18n

    with i18n.using(result.language):
        return [{
            "partner": result.partner_name,
            "phase": names.get(a.phase, a.phase.capitalize()),
            "tier": t(TIER_LABEL[a.tier]) if a.tier in TIER_LABEL else "",
            "priority": str(a.priority),
            "title": a.title,
            "reason": "; ".join(reason(r) for r in a.reasons),
            "source": cite(a.source) if a.source else "",
            "status": t("Open"),
            "owner": "",
            "due": "",
        } for a in result.plan]


def rows_from_result_dict(d: dict[str, Any], pack: Pack) -> list[dict[str, str]]:
    """plan_rows for a result read back from its JSON (a portfolio of batch results)."""
    from playbook.report.wording import citer, reason_text

    cite, reason = citer(pack), reason_text(pack)
    names = {s.id: s.name for s in pack.stages}
    partner = str((d.get("partner") or {}).get("name") or "")
    with i18n_using(str(d.get("language") or "")):
        return [_row_from_dict(a, partner, names, cite, reason) for a in d.get("actions") or [] if isinstance(a, dict)]


def _row_from_dict(a: dict[str, Any], partner: str, names: dict[str, str], cite: Callable[[str], str],
                   reason: Callable[[Evidence], str]) -> dict[str, str]:
    ev = [Evidence(str(e.get("text", "")), str(e.get("subject", "")), str(e.get("ref", "")), None, None, None)
          for e in a.get("evidence") or [] if isinstance(e, dict)]
    tier, phase, src = a.get("tier"), str(a.get("phase") or ""), str(a.get("source") or "")
    return {"partner": partner, "phase": names.get(phase, phase.capitalize()),
            "tier": t(TIER_LABEL[tier]) if tier in TIER_LABEL else "", "priority": str(a.get("priority", "")),
            "title": str(a.get("title", "")), "reason": "; ".join(reason(e) for e in ev),
            "source": cite(src) if src else "", "status": t("Open"), "owner": "", "due": ""}


def _safe(rows: Iterable[dict[str, str]]) -> list[list[str]]:
    return [[neutralise(r[c]) for c in COLUMNS] for r in rows]


def to_csv(rows: Iterable[dict[str, str]]) -> bytes:
    """UTF-8 with a BOM (so Excel reads accents), CRLF line ends and a header row:
    what Planner, Jira and Azure Boards import without a settings dialog."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(COLUMNS)
    w.writerows(_safe(rows))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def to_xlsx(sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """A workbook with one sheet per (name, header, rows); text is written as
    text (never as a formula), numbers as numbers."""
    try:
        import xlsxwriter  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise UsageError(XLSX_HINT) from None
    buf = io.BytesIO()
    # strings_to_formulas off: a cell is never a formula, whatever its text; the guard's
    # apostrophe also keeps it inert once the sheet is saved again as CSV
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False,
                                   "strings_to_numbers": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    for name, header, rows in sheets:
        ws = wb.add_worksheet(name[:31])
        ws.write_row(0, 0, list(header), bold)
        for i, row in enumerate(rows, start=1):
            for j, v in enumerate(row):
                if isinstance(v, bool) or v is None:
                    ws.write_string(i, j, "" if v is None else str(v).lower())
                elif isinstance(v, (int, float)):
                    ws.write_number(i, j, v)
                else:
                    ws.write_string(i, j, neutralise(str(v)))
        ws.freeze_panes(1, 0)
        if rows:
            ws.autofilter(0, 0, len(rows), len(header) - 1)
    wb.close()
    return buf.getvalue()


def plan_xlsx(rows: Iterable[dict[str, str]]) -> bytes:
    table = [[int(r[c]) if c == "priority" and r[c].isdigit() else r[c] for c in COLUMNS] for r in rows]
    return to_xlsx([("Action plan", COLUMNS, table)])


def render_plan(results: Iterable[tuple[Result, Pack]], fmt: str) -> bytes:
    """The plans of `results` (one or many partners, each with the pack that
    assessed it) as one CSV or XLSX table."""
    from playbook.report.wording import citer, reason_text

    return plan_table([r for res, pack in results
                       for r in plan_rows(res, citer(pack), {s.id: s.name for s in pack.stages}, reason_text(pack))],
                      fmt)


def plan_table(rows: list[dict[str, str]], fmt: str) -> bytes:
    if fmt == "csv":
        return to_csv(rows)
    if fmt == "xlsx":
        return plan_xlsx(rows)
    raise UsageError(f"unknown table format {fmt!r} (use csv or xlsx)")
