"""The bytes of a customer file before its rows: size, encoding and delimiter.

Each check refuses the whole file with one located message (``file:row:column``),
before any cell is read.
"""

from __future__ import annotations

from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention

# 20 MB holds some 200,000 rows of a typical export, twice the largest base we
# plan for; anything bigger is more likely the wrong file than a customer list.
MAX_BYTES = 20_000_000


def decode(raw: bytes, file: str) -> str:
    """The text of a customer file, or the one reason it is not a UTF-8 CSV."""
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


def sniff(first_line: str, file: str, convention: Convention) -> str:
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
