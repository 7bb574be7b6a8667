"""The one guard against spreadsheet formulas in text we write or read.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is run as a formula by Excel, LibreOffice and Google Sheets when a CSV or
workbook is opened (CSV injection). Text from a customer export, an answers
file or a pack that reaches a CSV, an XLSX or a report is passed through
:func:`neutralise`, which keeps the text and puts a ``'`` in front, so no
spreadsheet runs it. A list written into one cell (``Backup;=HYPERLINK(...)``)
is guarded part by part, since a spreadsheet or a later split sees each part.
"""

from __future__ import annotations

# What makes a spreadsheet read a cell as a formula (OWASP's list).
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# Separators a cell of several values is split at (services: Backup;DR|Support).
LIST_SEPARATORS = (";", "|")


def is_formula(text: str) -> bool:
    """Whether `text`, or a part of it after a ; or |, would start a formula."""
    if text.startswith(FORMULA_LEAD):
        return True
    if ";" in text or "|" in text:
        return any(part.lstrip(" ").startswith(FORMULA_LEAD) for part in split_list(text, strip=False))
    return False


def split_list(text: str, *, strip: bool = True) -> list[str]:
    """The parts of a cell of several values, split at ; and |."""
    parts = text.replace("|", ";").split(";")
    return [p.strip() for p in parts if p.strip()] if strip else parts


def neutralise(text: str) -> str:
    """`text` as a spreadsheet shows it and never runs it: a leading ``'``
    before a formula-looking start (the whole text, and each part of a list).
    Already neutral text is returned unchanged, so guarding twice is harmless."""
    if not isinstance(text, str) or not text:
        return text
    if ";" in text or "|" in text:
        return _neutralise_parts(text)
    return "'" + text if text.startswith(FORMULA_LEAD) else text


def _neutralise_parts(text: str) -> str:
    out = []
    part: list[str] = []
    for ch in text + ";":  # keeps each separator as written
        if ch in LIST_SEPARATORS:
            p = "".join(part)
            lead = len(p) - len(p.lstrip(" "))
            body = p[lead:]
            out.append(p[:lead] + ("'" + body if body.startswith(FORMULA_LEAD) else body))
            out.append(ch)
            part = []
        else:
            part.append(ch)
    return "".join(out)[:-1]
