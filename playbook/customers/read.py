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
import dataclasses
import datetime as _dt
import errno
import gc
import io
import itertools
import os
import re
import stat
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any

from playbook.base.formula import FORMULA_LEAD, list_has_formula, neutralise, neutralise_list, split_list
from playbook.base.model import ColumnsRead, Customer
from playbook.base.reading import read_value
from playbook.base.suggest import Suggestions, one_of
from playbook.base.values import MAX_MAGNITUDE, date_order_of, normalize_choice
from playbook.customers import profiles as pf
from playbook.customers.header import Layout, read_header
from playbook.customers.source import MAX_BYTES, decode, sniff
from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention

MAX_ROWS = 200_000
MAX_WARNINGS_PER_KIND = 20  # past this a summary line, so real errors are not buried
__all__ = ["COLUMNS", "FORMULA_LEAD", "CustomerRow", "Export", "parse_customers", "read_customers_file"]


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


@dataclass(frozen=True)
class Export:
    """A customer file as read: its rows, its warnings and what its columns were read as."""

    rows: tuple[CustomerRow, ...]
    warnings: tuple[Problem, ...]
    columns: ColumnsRead


@dataclass(frozen=True)
class _Reading:
    """How the cells are written and what they are checked against."""

    convention: Convention = NEUTRAL
    currency: str | None = None


COLUMNS = pf.COLUMNS
ALIASES = pf.ALIASES
REQUIRED = ("name",)


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
                        convention: Convention = NEUTRAL, currency: str | None = None,
                        columns: Mapping[str, str] | None = None, *,
                        no_follow: bool = False) -> tuple[tuple[CustomerRow, ...], tuple[Problem, ...]]:
    """Rows and warnings; every error at once as InvalidInput."""
    e = read_export(path, stage_ids, display, convention, currency, columns, no_follow=no_follow)
    return e.rows, e.warnings


def read_export(path: Path, stage_ids: Iterable[str], display: str | None = None,
                convention: Convention = NEUTRAL, currency: str | None = None,
                columns: Mapping[str, str] | None = None, *, no_follow: bool = False) -> Export:
    """The file read; `no_follow`: a final symlink is refused (O_NOFOLLOW), so a
    link swapped in after the path was checked is not read."""
    name = display or str(path)
    try:
        # O_NONBLOCK: a FIFO named x.csv opens at once (and is refused below) instead of hanging the run
        flags = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0) | \
            (getattr(os, "O_NOFOLLOW", 0) if no_follow else 0)
        try:
            fd = os.open(path, flags)
        except FileNotFoundError:
            raise InvalidInput([Problem(name, 0, 0, "no such customer file (customers: is a path relative to "
                                        "the answers file)", "unreadable")]) from None
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise InvalidInput([Problem(name, 0, 0, "the customer file is not a regular file", "unreadable")])
            if st.st_size > MAX_BYTES:
                raise InvalidInput([Problem(name, 0, 0, f"the customer file is {st.st_size / 1e6:.0f} MB; the limit "
                                            f"is {MAX_BYTES / 1e6:.0f} MB (about {MAX_ROWS:,} rows). Export only the "
                                            "documented columns and current customers", "too-large")])
            raw = fh.read(MAX_BYTES + 1)  # the file may grow between stat and read
    except OSError as exc:
        why = "it is a symbolic link" if no_follow and exc.errno in (errno.ELOOP, errno.EMLINK) else exc.strerror
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the customer file: {why}", "unreadable")]) from None
    with paused_gc():
        return _parse(raw, stage_ids, name, _Reading(convention, currency), columns)


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
                    convention: Convention = NEUTRAL, currency: str | None = None,
                    columns: Mapping[str, str] | None = None) -> tuple[tuple[CustomerRow, ...], tuple[Problem, ...]]:
    with paused_gc():
        e = _parse(raw, stage_ids, file, _Reading(convention, currency), columns)
    return e.rows, e.warnings


def _parse(raw: bytes, stage_ids: Iterable[str], file: str, reading: _Reading,
           columns: Mapping[str, str] | None = None) -> Export:
    text = decode(raw, file)
    first = text.split("\n", 1)[0]
    if not first.strip():
        raise InvalidInput([Problem(file, 1, 1, "the file is empty or starts with a blank line; the first row "
                                    f"must name the columns ({', '.join(COLUMNS)})", "empty")])
    delimiter = sniff(first[:100_000], file, reading.convention)
    sink = _Sink(file)
    del text  # checked; the reader decodes the bytes again in chunks, rather than hold a second copy
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline=""), strict=True,
                        delimiter=delimiter)
    understood = ColumnsRead("", (), ())
    try:
        layout = read_header(next(reader), sink.error, sink.warn, columns)
        understood = layout.understood
        rows = _rows(reader, layout, sink, tuple(stage_ids), reading)
    except csv.Error as exc:
        sink.error(reader.line_num, 0, f"the file is not valid CSV: {exc}", "csv")
        rows = []
    sink.finish()
    if sink.errors:
        raise InvalidInput(sink.errors + sink.warnings)
    return Export(tuple(rows), tuple(sink.warnings), understood)


# The parsers below go column by column, so the common case of each cell (a
# plain number, an ISO date) costs one C call; a cell that fails it takes the
# slower, friendlier path that explains what is wrong.

_PLAIN = re.compile(r"\d{1,15}(?:\.\d{1,2})?")  # 12000 or 12000.50: float() reads it as every reader would


def _money_col(vals: list[str], rows: list[int], col: int, column: str, sink: _Sink,
               reading: _Reading) -> list[float | None]:
    """Amounts (or seats: a count) read by values.read_value, as the answers
    file reads them: ambiguity, currency and the size cap checked the same."""
    out: list[float | None] = []
    kind = "count" if column == "seats" else "money"
    plain = _PLAIN.fullmatch if reading.convention.decimal != "," else str.isdigit
    for s, n in zip(vals, rows):
        if not s:
            out.append(None)
            continue
        try:
            x = float(s) if (s.isdigit() and len(s) <= 15) or (kind == "money" and plain(s)) else \
                read_value(kind, s, reading.convention, currency=reading.currency)
        except ValueError as exc:
            sink.error(n, col, f"{column}: {exc}")
            out.append(None)
            continue
        if x < 0:
            what = "revenue" if column != "seats" else "seats"
            sink.error(n, col, f"{column}: {s} is negative; {what} cannot be below 0 (record credits and refunds "
                       "outside this list)")
            x = 0.0
        elif x > MAX_MAGNITUDE:  # float() of a long plain number: the reader's cap, on this row
            sink.error(n, col, f"{column}: {s[:20]}… is too large; numbers here stay below {MAX_MAGNITUDE:,.0f}")
            x = 0.0
        out.append(x)
    return out


def _date_col(vals: list[str], rows: list[int], col: int, column: str, sink: _Sink,
              reading: _Reading) -> list[str | None]:
    out: list[str | None] = []
    iso = _dt.date.fromisoformat
    conv = reading.convention
    if conv.date_order is None and any(v[2:3] in ("/", ".", "-") or v[1:2] in ("/", ".", "-") for v in vals if v):
        order = date_order_of(vals)
        if order is not None:  # an export writes its dates one way: 04/20/2028 shows which
            conv = dataclasses.replace(conv, date_order=order)
            sink.warn(1, col, f"{column}: dates are read {'month' if order == 'mdy' else 'day'} first, "
                      f"as the column's dates that read only one way show; set partner.language "
                      f"({'en-US' if order == 'mdy' else 'en-GB'}) to say so", "date-order")
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
            out.append(read_value("date", s, conv))
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
            x = float(int(s)) if s.isdigit() and len(s) < 4 else read_value("count", s, NEUTRAL)
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
    suggest = Suggestions()
    cache: dict[str, str | None] = {"": ""}
    out: list[str] = []
    for s, n in zip(vals, rows):
        st = cache.get(s, "?")
        if st == "?":
            c = normalize_choice(s)
            st = cache[s] = c if c in known or not known else None
        if st is None:
            sink.error(n, col, f"stage: unknown customer stage {s!r}{suggest(normalize_choice(s), known)} "
                       f"(stages: {one_of(known)})", "unknown-stage")
            st = ""
        out.append(st)
    return out


def _text_col(vals: list[str], rows: list[int], col: int, column: str, sink: _Sink) -> list[str]:
    # the checks run in C (map over str methods); only flagged cells take the Python path
    flagged = list(map(str.startswith, vals, itertools.repeat(FORMULA_LEAD)))
    if column == "services":  # each part after a ; or | is a cell of its own to a spreadsheet
        flagged = [f or ((";" in v or "|" in v) and list_has_formula(v)) for f, v in zip(flagged, vals)]
    if not any(flagged) and max(map(len, vals), default=0) <= 200:
        return vals
    out = list(vals)
    for j, (s, n) in enumerate(zip(vals, rows)):
        if flagged[j] or len(s) > 200:
            out[j] = _text(s, n, col, column, sink)
    return out


_WON_LOST = (frozenset({"won", "closed won"}), frozenset({"lost", "closed lost", "churned", "cancelled", "canceled"}))


def _outcomes(vals: list[str], layout: Layout) -> list[str]:
    """open, won or lost for each row's opportunity stage, as the profile names them."""
    won, lost = (layout.profile.won, layout.profile.lost) if layout.profile else _WON_LOST
    out = []
    for v in vals:
        low = v.strip().lower()
        out.append("won" if low in won else "lost" if low in lost else "open")
    return out


def _load(reader: Any, width: int, sink: _Sink) -> tuple[list[list[str]], list[int]] | None:
    """The data rows, each at least `width` cells, without blank lines, and
    their row numbers; None when there are too many."""
    data: list[list[str]] = list(itertools.islice(reader, MAX_ROWS + 1))
    if len(data) > MAX_ROWS:
        sink.error(MAX_ROWS + 2, 0, f"more than {MAX_ROWS:,} customers; export current customers only", "too-large")
        return None
    numbers = list(range(2, len(data) + 2))
    if min(map(len, data), default=width) < width:
        data = [r + [""] * (width - len(r)) if len(r) < width else r for r in data]
    keep = list(map(any, data))
    if not all(keep):  # blank lines, often at the end of exports
        numbers = list(itertools.compress(numbers, keep))
        data = list(itertools.compress(data, keep))
    return data, numbers


def _rows(reader: Any, layout: Layout, sink: _Sink, stage_ids: tuple[str, ...],
          reading: _Reading) -> list[CustomerRow]:
    if sink.errors:
        return []
    fields = layout.fields
    loaded = _load(reader, max((i for ix in fields.values() for i in ix), default=-1) + 1, sink)
    if loaded is None:
        return []
    data, numbers = loaded
    blank = [""] * len(data)

    def raw(column: str) -> list[str]:
        ix = fields.get(column)
        if ix is None:
            return blank  # noqa: F821 - raw() is only called before the del below
        first = list(map(str.strip, map(itemgetter(ix[0]), data)))  # noqa: F821 - raw() is only called before the del below
        for i in ix[1:]:  # Dynamics: Actual Revenue when won, else Est. Revenue
            other = map(str.strip, map(itemgetter(i), data))  # noqa: F821
            first = [a or b for a, b in zip(first, other)]
        return first

    def where(column: str) -> int:
        return fields.get(column, (-1,))[0] + 1

    def dates(column: str) -> list[str | None]:
        return _date_col(raw(column), numbers, where(column), column, sink, reading)

    names = _text_col(raw("name"), numbers, where("name"), "name", sink)
    stages = _stage_col(raw("stage"), numbers, where("stage"), stage_ids, sink)
    revenue = _money_col(raw("revenue"), numbers, where("revenue"), "revenue", sink, reading)
    mrr = _money_col(raw("mrr"), numbers, where("mrr"), "mrr", sink, reading) if "mrr" in fields else None
    seats = _money_col(raw("seats"), numbers, where("seats"), "seats", sink, reading)
    first, renewal, ended = dates("first_purchase"), dates("renewal_date"), dates("ended")
    if pf.CLOSE in fields:  # a CRM's renewal opportunity: open -> renewal date, lost -> the customer left
        close, outcome = dates(pf.CLOSE), _outcomes(raw(pf.OUTCOME), layout)
        if "renewal_date" not in fields:
            renewal = [c if o == "open" else None for c, o in zip(close, outcome)]
        if "ended" not in fields:
            ended = [c if o == "lost" else None for c, o in zip(close, outcome)]
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
            got = split[cell] = tuple(split_list(cell))  # each part already guarded by _text
        services.append(got)
    if mrr is not None:
        revenue = [r if r is not None or m is None else m * 12 for r, m in zip(revenue, mrr)]

    columns = (names, stages, revenue, renewal, first, services, seats, industry, size, nps, ended)
    return _build(columns, numbers, where("name"), sink)


def _build(columns: tuple[list[Any], ...], numbers: list[int], name_col: int, sink: _Sink) -> list[CustomerRow]:
    """The rows from their columns (in CustomerRow's field order); a row without a
    name is an error, a name twice a warning."""
    names, file = columns[0], sink.file
    if "" not in names and len(set(names)) == len(names):  # the usual case, at C speed
        return list(map(CustomerRow, *columns, numbers, itertools.repeat(file)))
    seen: dict[str, int] = {}
    out: list[CustomerRow] = []
    for j, name in enumerate(names):
        n = numbers[j]
        if not name:
            sink.error(n, name_col, "name: every row needs a customer name", "missing-value")
            continue
        if name in seen:
            sink.warn(n, name_col, f"customer {name!r} is also on row {seen[name]}; both rows are counted",
                      "duplicate")
        else:
            seen[name] = n
        out.append(CustomerRow(*[c[j] for c in columns], n, file))  # type: ignore[call-arg]  # the columns in field order
    return out


def _text(s: str, row: int, col: int, column: str, sink: _Sink) -> str:
    if len(s) > 200:
        sink.warn(row, col, f"{column}: the text is {len(s)} characters long; it is cut to 200", "long-text")
        s = s[:200]
    is_list = column == "services"  # split at ; and | later: each part is a cell of its own
    if list_has_formula(s) if is_list else s.startswith(FORMULA_LEAD):
        sink.warn(row, col, f"{column}: {s[:40]!r} looks like a spreadsheet formula; it is kept as text, never "
                  "run, and shown with a leading ' so no spreadsheet runs it either", "formula")
        return neutralise_list(s) if is_list else neutralise(s)
    return s
