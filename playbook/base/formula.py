"""The one formula guard: text a spreadsheet would run as a formula is made inert.

Excel, LibreOffice and Google Sheets treat a cell that starts with = + - @ (and,
after a tab or carriage return, the same) as a formula; a partner or customer
name is untrusted, so every CSV or workbook cell of text passes through here.
"""

from __future__ import annotations

# the characters a spreadsheet reads as the start of a formula (OWASP CSV injection)
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_LEAD)


def neutralise(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + text if text.startswith(FORMULA_LEAD) else text
