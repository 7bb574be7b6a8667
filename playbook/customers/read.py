"""Reading a customer export (CSV) into typed rows.

A CRM or PSA export is untrusted: it is size-capped before it is read, must be
UTF-8, is parsed with the standard csv module only, and no cell is ever
evaluated. A text cell that a spreadsheet would run as a formula (leading
``=``, ``+``, ``-``, ``@``) is kept as text, warned about and stored with a
leading apostrophe, so no report or re-export can turn it back into a formula.
Problems are located as ``file:row:column`` (row 1 is the header).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import gc
import io
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from playbook.base.model import Customer
from playbook.base.suggest import did_you_mean, one_of
from playbook.base.values import normalize_choice, parse_date, parse_number
from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention

# 20 MB holds some 200,000 rows of a typical export, twice the largest base we
# plan for; anything bigger is more likely the wrong file than a customer list.
MAX_BYTES = 20_000_000
MAX_ROWS = 200_000
MAX_WARNINGS_PER_KIND = 20  # past this a summary line, so real errors are not buried
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


NEUTRAL = Convention()  # nothing known: what reads two ways is refused


@dataclass(frozen=True)
class CustomerRow(Customer):
    """A customer with everything an export can say about it. ``revenue`` is
    annual recurring revenue (a monthly figure is multiplied by 12)."""

    first_purchase: str | None = None
    services: tuple[str, ...] = ()
    seats: float | None = None
    industry: str = ""
    size: str = ""
    nps: int | None = None
    ended: str | None = None
    row: int = 0  # where it came from, for messages; 0 for the inline list
    file: str = ""


# canonical column -> what it means (the documented columns, in this order)
COLUMNS: dict[str, str] = {
    "name": "customer name (required)",
    "stage": "cloud-maturity stage id (ad_hoc, opportunistic, repeatable, managed, optimized)",
    "revenue": "annual recurring revenue (ARR)",
    "mrr": "monthly recurring revenue, used when there is no annual figure",
    "first_purchase": "first purchase date, YYYY-MM-DD",
    "renewal_date": "next renewal date, YYYY-MM-DD",
    "services": "services consumed, separated by ; or |",
    "seats": "licensed seats",
    "industry": "industry",
    "size": "company size (e.g. small, mid, enterprise)",
    "nps": "last NPS response, 0-10",
    "ended": "date the customer left (blank when still a customer)",
}
REQUIRED = ("name",)
# Header words people's exports use for our columns (after normalising).
ALIASES: dict[str, str] = {
    "customer": "name", "customer_name": "name", "account": "name", "account_name": "name",
    "company": "name", "company_name": "name",
    "maturity": "stage", "cloud_maturity": "stage", "maturity_stage": "stage", "cloud_stage": "stage",
    "arr": "revenue", "annual_revenue": "revenue", "annual_recurring_revenue": "revenue",
    "monthly_recurring_revenue": "mrr", "monthly_revenue": "mrr",
    "first_purchase_date": "first_purchase", "customer_since": "first_purchase", "start_date": "first_purchase",
    "renewal": "renewal_date", "renewal_on": "renewal_date", "next_renewal": "renewal_date",
    "service": "services", "products": "services",
    "licenses": "seats", "licences": "seats", "users": "seats",
    "vertical": "industry", "sector": "industry",
    "company_size": "size", "segment": "size",
    "last_nps": "nps", "last_nps_response": "nps", "nps_response": "nps", "nps_score": "nps",
    "ended_date": "ended", "end_date": "ended", "ended_on": "ended", "churned_on": "ended",
    "churn_date": "ended", "cancelled_on": "ended",
}


def _norm(header: str) -> str:
    return "_".join(header.strip().lower().replace("-", " ").replace("/", " ").split())


class _Sink:
    """Problems, with repeated warnings of one kind summarised."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self._counts: dict[str, int] = {}

    def error(self, row: int, col: int, message: str, code: str = "value") -> None:
        self.errors.append(Problem(self.file, row, col, message, code))

    def warn(self, row: int, col: int, message: str, code: str) -> None:
        n = self._counts[code] = self._counts.get(code, 0) + 1
        if n <= MAX_WARNINGS_PER_KIND:
            self.warnings.append(Problem(self.file, row, col, message, code, "warning"))

    def finish(self) -> None:
        for code, n in sorted(self._counts.items()):
            if n > MAX_WARNINGS_PER_KIND:
                self.warnings.append(Problem(self.file, 0, 0, f"{n - MAX_WARNINGS_PER_KIND} more warnings "
                                             f"like the ones above [{code}] were not shown", code, "warning"))


def read_customers_file(path: Path, stage_ids: Iterable[str], display: str | None = None,
                        convention: Convention = NEUTRAL) -> tuple[tuple[CustomerRow, ...], tuple[Problem, ...]]:
    """Rows and warnings; every error at once as InvalidInput."""
    name = display or str(path)
    try:
        if not path.is_file():
            raise InvalidInput([Problem(name, 0, 0, "no such customer file (customers: is a path relative to "
                                        "the answers file)", "unreadable")])
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InvalidInput([Problem(name, 0, 0, f"the customer file is {size / 1e6:.0f} MB; the limit is "
                                        f"{MAX_BYTES / 1e6:.0f} MB (about {MAX_ROWS:,} rows). Export only the "
                                        "documented columns and current customers", "too-large")])
        with path.open("rb") as fh:
            raw = fh.read(MAX_BYTES + 1)  # the file may grow between stat and read
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the customer file: {exc.strerror}",
                                    "unreadable")]) from None
    return parse_customers(raw, stage_ids, name, convention)


def _decode(raw: bytes, file: str) -> str:
    if len(raw) > MAX_BYTES:
        raise InvalidInput([Problem(file, 0, 0, f"the customer file is over the {MAX_BYTES / 1e6:.0f} MB limit",
                                    "too-large")])
    if raw.startswith(b"PK\x03\x04") or raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise InvalidInput([Problem(file, 0, 0, "this is a spreadsheet workbook, not CSV; save it as "
                                    "'CSV UTF-8 (comma delimited)' and point customers: at that file", "format")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[:exc.start]
        row = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise InvalidInput([Problem(file, row, col, f"the file is not UTF-8 (byte 0x{raw[exc.start]:02x}); "
                                    "save it as 'CSV UTF-8' from your spreadsheet or CRM", "encoding")]) from None
    if "\x00" in text:
        raise InvalidInput([Problem(file, 0, 0, "the file contains NUL bytes, so it is not a text CSV "
                                    "(UTF-16 exports look like this; save it as 'CSV UTF-8')", "encoding")])
    return text


def _header(cells: list[str], sink: _Sink) -> dict[int, str]:
    """column index -> canonical column; unknown columns are warned, never fatal."""
    known = set(COLUMNS) | set(ALIASES)
    out: dict[int, str] = {}
    seen: dict[str, int] = {}
    for i, h in enumerate(cells):
        key = _norm(h)
        col = key if key in COLUMNS else ALIASES.get(key)
        if col is None:
            if key:
                sink.warn(1, i + 1, f"unknown column {h.strip()!r} is ignored{did_you_mean(key, known)} "
                          f"(columns: {', '.join(COLUMNS)})", "unknown-column")
            continue
        if col in seen:
            sink.error(1, i + 1, f"column {h.strip()!r} repeats column {seen[col]} ({col}); keep one", "duplicate")
            continue
        seen[col] = i + 1
        out[i] = col
    if "revenue" in seen and "mrr" in seen:
        sink.warn(1, seen["mrr"], "both annual revenue and mrr are given; the annual figure is used and mrr "
                  "only where it is blank", "revenue-columns")
    for req in REQUIRED:
        if req not in seen:
            shown = ", ".join(repr(c.strip()) for c in cells if c.strip()) or "nothing"
            close = did_you_mean(req, [_norm(c) for c in cells])
            sink.error(1, 1, f"no {req!r} column{close}; the header row has {shown}. "
                       f"The first row must name the columns ({', '.join(COLUMNS)})", "missing-column")
    return out


def _sniff(first_line: str, file: str, convention: Convention = NEUTRAL) -> str:
    """The delimiter: a comma, or a semicolon where the partner's language writes
    decimals with a comma (spreadsheets in such locales export that way)."""
    counts = {d: first_line.count(d) for d in (";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    if first_line.count(",") == 0 and counts[best] > 0:
        if best == ";" and convention.decimal == ",":
            return ";"
        shown = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}[best]
        raise InvalidInput([Problem(file, 1, 1, f"the header is separated by {shown}, not commas; save the "
                                    "export as 'CSV (comma delimited)' (spreadsheets set to a European locale "
                                    "use ';'; with partner.language set to such a language, ';' is read)",
                                    "delimiter")])
    return ","


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection while 100,000 rows are made: they hold no cycles, and
    the collector's passes over them cost a quarter of the parse."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse_customers(raw: bytes, stage_ids: Iterable[str], file: str = "<customers>",
                    convention: Convention = NEUTRAL) -> tuple[tuple[CustomerRow, ...], tuple[Problem, ...]]:
    with paused_gc():
        return _parse(raw, stage_ids, file, convention)


def _parse(raw: bytes, stage_ids: Iterable[str], file: str,
           convention: Convention = NEUTRAL) -> tuple[tuple[CustomerRow, ...], tuple[Problem, ...]]:
    text = _decode(raw, file)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InvalidInput([Problem(file, 1, 1, "the file is empty or starts with a blank line; the first row "
                                    f"must name the columns ({', '.join(COLUMNS)})", "empty")])
    delimiter = _sniff(first, file, convention)
    sink = _Sink(file)
    del text  # checked; the reader decodes the bytes again in chunks, rather than hold a second copy
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""), strict=True,
                        delimiter=delimiter)
    try:
        cols = _header(next(reader), sink)
        rows = _rows(reader, cols, sink, tuple(stage_ids), convention)
    except csv.Error as exc:
        sink.error(reader.line_num, 0, f"the file is not valid CSV: {exc}", "csv")
        rows = []
    sink.finish()
    if sink.errors:
        raise InvalidInput(sink.errors + sink.warnings)
    return tuple(rows), tuple(sink.warnings)


# The parsers below go column by column, so the common case of each cell (a
# plain number, an ISO date) costs one C call; a cell that fails it takes the
# slower, friendlier path that explains what is wrong.

def _money_col(vals: list[str], rows: list[int], col: int, column: str, sink: _Sink,
               convention: Convention = NEUTRAL) -> list[float | None]:
    out: list[float | None] = []
    point_groups = convention.decimal == ","  # 1.234 is a thousand and more there, never float("1.234")
    for s, n in zip(vals, rows):
        if not s:
            out.append(None)
            continue
        try:
            if point_groups and "." in s:
                raise ValueError(s)
            x = float(s)
        except ValueError:
            try:
                x = parse_number(s, money=column != "seats", decimal=convention.decimal)
            except ValueError as exc:
                sink.error(n, col, f"{column}: {exc}")
                out.append(None)
                continue
        if x < 0 or not math.isfinite(x):
            what = "revenue" if column != "seats" else "seats"
            sink.error(n, col, f"{column}: {s} is negative; {what} cannot be below 0 (record credits and refunds "
                       "outside this list)" if x < 0 else f"{column}: {s} is not a finite number")
            x = 0.0
        out.append(x)
    return out


def _date_col(vals: list[str], rows: list[int], col: int, column: str, sink: _Sink,
              convention: Convention = NEUTRAL) -> list[str | None]:
    out: list[str | None] = []
    iso = _dt.date.fromisoformat
    for s, n in zip(vals, rows):
        if not s:
            out.append(None)
            continue
        if len(s) == 10 and s[4] == "-":
            try:
                iso(s)
                out.append(s)  # already the canonical form: keep the string
                continue
            except ValueError:
                pass
        try:
            out.append(parse_date(s, convention.date_order))
        except ValueError as exc:  # says why, and both readings of 01/11/2026
            sink.error(n, col, f"{column}: {exc}")
            out.append(None)
    return out


def _nps_col(vals: list[str], rows: list[int], col: int, sink: _Sink) -> list[int | None]:
    out: list[int | None] = []
    for s, n in zip(vals, rows):
        if not s:
            out.append(None)
            continue
        try:
            x = float(int(s)) if s.isdigit() else parse_number(s)
        except ValueError:
            x = -1.0
        if x != int(x) or not 0 <= x <= 10:
            sink.error(n, col, f"nps: {s} is not an NPS response (a whole number from 0 to 10)")
            out.append(None)
        else:
            out.append(int(x))
    return out


def _stage_col(vals: list[str], rows: list[int], col: int, stages: tuple[str, ...], sink: _Sink) -> list[str]:
    known = set(stages)
    cache: dict[str, str | None] = {"": ""}
    out: list[str] = []
    for s, n in zip(vals, rows):
        st = cache.get(s, "?")
        if st == "?":
            c = normalize_choice(s)
            st = cache[s] = c if c in known or not known else None
        if st is None:
            sink.error(n, col, f"stage: unknown customer stage {s!r}{did_you_mean(normalize_choice(s), known)} "
                       f"(stages: {one_of(known)})", "unknown-stage")
            st = ""
        out.append(st)
    return out


def _text_col(vals: list[str], rows: list[int], col: int, column: str, sink: _Sink) -> list[str]:
    # the checks run in C (map over str methods); only flagged cells take the Python path
    flagged = list(map(str.startswith, vals, itertools.repeat(FORMULA_LEAD)))
    if not any(flagged) and max(map(len, vals), default=0) <= 200:
        return vals
    out = list(vals)
    for j, (s, n) in enumerate(zip(vals, rows)):
        if flagged[j] or len(s) > 200:
            out[j] = _text(s, n, col, column, sink)
    return out


def _rows(reader: Any, cols: Mapping[int, str], sink: _Sink, stage_ids: tuple[str, ...],
          convention: Convention = NEUTRAL) -> list[CustomerRow]:
    if sink.errors:
        return []
    width = max(cols) + 1 if cols else 0
    data: list[list[str]] = list(itertools.islice(reader, MAX_ROWS + 1))
    if len(data) > MAX_ROWS:
        sink.error(MAX_ROWS + 2, 0, f"more than {MAX_ROWS:,} customers; export current customers only", "too-large")
        return []
    numbers = list(range(2, len(data) + 2))
    if min(map(len, data), default=width) < width:
        data = [r + [""] * (width - len(r)) if len(r) < width else r for r in data]
    keep = list(map(any, data))
    if not all(keep):  # blank lines, often at the end of exports
        numbers = list(itertools.compress(numbers, keep))
        data = list(itertools.compress(data, keep))
    count = len(data)
    col_of = {c: i for i, c in cols.items()}
    blank = [""] * count

    def raw(column: str) -> list[str]:
        i = col_of.get(column)
        return blank if i is None else list(map(str.strip, map(itemgetter(i), data)))  # noqa: F821 - raw() is only called before the del below

    def where(column: str) -> int:
        return col_of.get(column, -1) + 1

    names = _text_col(raw("name"), numbers, where("name"), "name", sink)
    stages = _stage_col(raw("stage"), numbers, where("stage"), stage_ids, sink)
    cv = convention
    revenue = _money_col(raw("revenue"), numbers, where("revenue"), "revenue", sink, cv)
    mrr = _money_col(raw("mrr"), numbers, where("mrr"), "mrr", sink, cv) if "mrr" in col_of else None
    seats = _money_col(raw("seats"), numbers, where("seats"), "seats", sink, cv)
    first = _date_col(raw("first_purchase"), numbers, where("first_purchase"), "first_purchase", sink, cv)
    renewal = _date_col(raw("renewal_date"), numbers, where("renewal_date"), "renewal_date", sink, cv)
    ended = _date_col(raw("ended"), numbers, where("ended"), "ended", sink, cv)
    nps = _nps_col(raw("nps"), numbers, where("nps"), sink)
    industry = _text_col(raw("industry"), numbers, where("industry"), "industry", sink)
    size = _text_col(raw("size"), numbers, where("size"), "size", sink)
    service_cells = _text_col(raw("services"), numbers, where("services"), "services", sink)
    split: dict[str, tuple[str, ...]] = {"": ()}
    del data, blank  # the columns hold what is needed; the row lists go
    services = []
    for cell in service_cells:
        got = split.get(cell)
        if got is None:
            got = split[cell] = tuple(p for p in (x.strip() for x in cell.replace("|", ";").split(";")) if p)
        services.append(got)
    if mrr is not None:
        revenue = [r if r is not None or m is None else m * 12 for r, m in zip(revenue, mrr)]

    file = sink.file
    if "" not in names and len(set(names)) == len(names):  # the usual case, at C speed
        return list(map(CustomerRow, names, stages, revenue, renewal, first, services, seats, industry, size, nps,
                        ended, numbers, itertools.repeat(file)))
    seen: dict[str, int] = {}
    out: list[CustomerRow] = []
    for j, name in enumerate(names):
        n = numbers[j]
        if not name:
            sink.error(n, where("name"), "name: every row needs a customer name", "missing-value")
            continue
        if name in seen:
            sink.warn(n, where("name"), f"customer {name!r} is also on row {seen[name]}; both rows are counted",
                      "duplicate")
        else:
            seen[name] = n
        out.append(CustomerRow(name, stages[j], revenue[j], renewal[j], first[j], services[j], seats[j],
                               industry[j], size[j], nps[j], ended[j], n, file))
    return out


def _text(s: str, row: int, col: int, column: str, sink: _Sink) -> str:
    if len(s) > 200:
        sink.warn(row, col, f"{column}: the text is {len(s)} characters long; it is cut to 200", "long-text")
        s = s[:200]
    if s.startswith(FORMULA_LEAD):
        sink.warn(row, col, f"{column}: {s[:40]!r} looks like a spreadsheet formula; it is kept as text, never "
                  "run, and shown with a leading ' so no spreadsheet runs it either", "formula")
        return "'" + s
    return s
