"""The header row of a customer export: which column is read as what.

The answer is data (:class:`playbook.base.model.ColumnsRead`), so every run
can print it before its figures and the report's method section can show it:
the CRM profile chosen, each column used and as what, each column not used.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from playbook.base.model import ColumnsRead
from playbook.base.suggest import did_you_mean
from playbook.customers import profiles as pf
from playbook.i18n import N_

# Past this a header is not a customer list (or is an attack): the rest is
# not looked at, and the message says so at once.
MAX_COLUMNS = 500
MAX_UNUSED_SHOWN = 40
MAX_MAP_ENTRIES = 50  # a columns: map names our columns; there are a dozen

NOT_OURS_COLUMN = N_("not one of our columns")
Report = Callable[[int, int, str, str], None]  # row, column, message, code


@dataclass(frozen=True)
class Layout:
    fields: dict[str, tuple[int, ...]]  # our column -> the file's column indices, first non-blank cell wins
    profile: pf.Profile | None
    understood: ColumnsRead


def _given(cells: Sequence[str], mapping: Mapping[str, str], error: Report) -> dict[str, tuple[int, ...]]:
    by_text = {c.strip(): i for i, c in enumerate(cells)}
    by_norm = {pf.norm(c): i for i, c in enumerate(cells)}
    out: dict[str, tuple[int, ...]] = {}
    for n, (ours, header) in enumerate(mapping.items()):
        if n >= MAX_MAP_ENTRIES:
            error(1, 1, f"columns: names {len(mapping):,} columns; there are {len(pf.MEANINGS)} to map", "columns")
            break
        if ours not in pf.MEANINGS:
            error(1, 1, f"columns: {str(ours)[:60]!r} is not one of our columns{did_you_mean(ours, pf.MEANINGS)} "
                  f"(columns: {', '.join(pf.MEANINGS)})", "columns")
            continue
        i = by_text.get(str(header).strip(), by_norm.get(pf.norm(str(header))))
        if i is None:
            shown = ", ".join(repr(c.strip()) for c in cells[:12] if c.strip())
            error(1, 1, f"columns: {ours} is mapped to {str(header)[:60]!r}, which is not in the header "
                  f"(it has {shown}{', ...' if len(cells) > 12 else ''})", "columns")
            continue
        out[ours] = (i,)
    return out


def _from_profile(cells: Sequence[str], profile: pf.Profile, taken: dict[str, tuple[int, ...]]) -> None:
    by_norm: dict[str, int] = {}
    for i, c in enumerate(cells):
        by_norm.setdefault(pf.norm(c), i)
    claimed = {i for ix in taken.values() for i in ix}
    for ours, headers in profile.columns.items():
        if ours in taken:
            continue
        ix = tuple(by_norm[pf.norm(h)] for h in headers if pf.norm(h) in by_norm
                   and by_norm[pf.norm(h)] not in claimed)
        if ix:
            taken[ours] = ix
            claimed.update(ix)


def read_header(cells: list[str], error: Report, warn: Report,
                mapping: Mapping[str, str] | None = None) -> Layout:
    """What each column is read as. Unknown columns are listed as not used and
    never fatal; a mistyped one of ours gets a suggestion of the same kind."""
    if len(cells) > MAX_COLUMNS:
        warn(1, MAX_COLUMNS + 1, f"the header has {len(cells):,} columns; only the first {MAX_COLUMNS} are read "
             "(a customer export has a few dozen)", "too-wide")
        cells = cells[:MAX_COLUMNS]
    fields = _given(cells, mapping or {}, error)
    profile = pf.detect(cells)
    if profile is not None:
        _from_profile(cells, profile, fields)
    claimed = {i for ix in fields.values() for i in ix}
    seen = {ours: ix[0] + 1 for ours, ix in fields.items()}
    unused: list[tuple[str, str]] = []
    suggestions = 20  # did-you-mean is worked out for this many unknown headers at most
    for i, h in enumerate(cells):
        if i in claimed:
            continue
        key = pf.norm(h)
        ours = key if key in pf.COLUMNS else pf.ALIASES.get(key)
        if ours is not None and ours not in seen:
            fields[ours] = (i,)
            seen[ours] = i + 1
            continue
        if ours is not None and profile is None and not mapping:
            error(1, i + 1, f"column {h.strip()[:60]!r} repeats column {seen[ours]} ({ours}); keep one",
                  "duplicate")
            continue
        why = (profile.notes.get(key) if profile else None) or pf.NOT_OURS.get(key) or \
            (f"also {ours}, which column {seen[ours]} gives" if ours else NOT_OURS_COLUMN)
        unused.append((h.strip()[:60], why))
        if key and ours is None and profile is None and key not in pf.NOT_OURS:  # a profile's are listed, not warned
            hint = pf.suggest(key, suggestions)
            suggestions -= 1
            warn(1, i + 1, f"unknown column {h.strip()[:60]!r} is ignored{hint} (columns: {', '.join(pf.COLUMNS)})",
                 "unknown-column")
    if "revenue" in seen and "mrr" in seen:
        warn(1, seen["mrr"], "both annual revenue and mrr are given; the annual figure is used and mrr "
             "only where it is blank", "revenue-columns")
    if "name" not in seen:
        shown = ", ".join(repr(c.strip()[:60]) for c in cells[:20] if c.strip()) or "nothing"
        close = did_you_mean("name", [pf.norm(c) for c in cells[:200] if pf.norm(c) not in pf.NOT_OURS])
        error(1, 1, f"no 'name' column{close}; the header row has {shown}{', ...' if len(cells) > 20 else ''}. "
              f"The first row must name the columns ({', '.join(pf.COLUMNS)})", "missing-column")
    used = tuple((", ".join(cells[i].strip()[:60] for i in ix), ours, pf.MEANINGS[ours])
                 for ours, ix in sorted(fields.items(), key=lambda kv: kv[1][0]))
    more = len(unused) - MAX_UNUSED_SHOWN
    understood = ColumnsRead(profile.name if profile else "", used,
                             tuple(unused[:MAX_UNUSED_SHOWN]) + ((("…", f"{more} more"),) if more > 0 else ()))
    return Layout(fields, profile, understood)


def summary(c: ColumnsRead) -> str:
    """The "columns understood as" table as lines of text, for the terminal."""
    head = f"columns understood as ({c.profile} export):" if c.profile else "columns understood as:"
    lines = [head] + [f"  {h} -> {ours}: {meaning}" for h, ours, meaning in c.used]
    if c.unused:
        lines.append("columns not used: " + "; ".join(f"{h} ({why})" for h, why in c.unused))
    return "\n".join(lines)
