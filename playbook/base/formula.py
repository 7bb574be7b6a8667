"""The one formula guard: text a spreadsheet would run as a formula is made inert.

Excel, LibreOffice and Google Sheets treat a cell that starts with = + - @ (and,
after a tab or carriage return, the same) as a formula; a partner or customer
name is untrusted, so every CSV or workbook cell of text passes through here.
A cell that holds a list (services: ``Backup;=HYPERLINK(...)``) is split at
``;`` and ``|`` later, so each part is guarded as a cell of its own
(:func:`neutralise_list`).
"""

from __future__ import annotations

# the characters a spreadsheet reads as the start of a formula (OWASP CSV injection)
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")
# Separators a cell of several values is split at (services: Backup;DR|Support).
LIST_SEPARATORS = (";", "|")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEAD)


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_LEAD) else text


def split_list(text: str) -> list[str]:
    """The parts of a cell of several values, split at ; and |, trimmed, blanks dropped."""
    return [p.strip() for p in text.replace("|", ";").split(";") if p.strip()]


def list_has_formula(text: str) -> bool:
    """Whether `text`, or a part of it after a ; or |, would start a formula."""
    if text.startswith(FORMULA_LEAD):
        return True
    return any(p.lstrip(" ").startswith(FORMULA_LEAD) for p in text.replace("|", ";").split(";"))


def neutralise_list(text: str) -> str:
    """`text` with each part (split at ; and |) guarded as `neutralise` guards
    a cell; the separators and spaces stay as written. Guarding twice is harmless."""
    if ";" not in text and "|" not in text:
        return neutralise(text)
    out = []
    part: list[str] = []
    for ch in text + ";":
        if ch in LIST_SEPARATORS:
            p = "".join(part)
            lead = len(p) - len(p.lstrip(" "))
            out.append(p[:lead] + neutralise(p[lead:]) + ch)
            part = []
        else:
            part.append(ch)
    return "".join(out)[:-1]
