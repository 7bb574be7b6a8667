"""Value types: how people write answers and metrics, and how we read them.

`12%`, `12`, `$180,000`, `180k`, `yes`, `2026-11-01` are all accepted; a
parse failure raises ValueError with a message meant for the user.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from typing import Any

from playbook import operators as ops

# question type -> the operator kind of its values
QUESTION_TYPES: dict[str, str] = {
    "yesno": ops.BOOL,
    "choice": ops.CHOICE,
    "number": ops.NUMBER,
    "percent": ops.NUMBER,
    "money": ops.NUMBER,
    "days": ops.NUMBER,
    "date": ops.DATE,
}

# metric unit -> (label for display, default min, default max)
UNITS: dict[str, tuple[str, float | None, float | None]] = {
    "percent": ("%", 0.0, 100.0),
    "money": ("", 0.0, None),
    "money_month": ("/ month", 0.0, None),
    "ratio": ("×", 0.0, None),
    "count": ("", 0.0, None),
    "days": ("days", 0.0, None),
    "hours": ("hours", 0.0, None),
    "score": ("", None, None),
    "number": ("", None, None),
}

_TRUE = {"yes", "y", "true", "on", "1"}
_FALSE = {"no", "n", "false", "off", "0"}
_CURRENCY = re.compile(r"^(?:[A-Z]{3}\s*|[$€£¥₹])|(?:\s*[A-Z]{3})$")
_SCALE = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
_UNIT_WORD = re.compile(r"\s*(?:days?|x|×)$", re.IGNORECASE)
_UNKNOWN = {"n/a", "na", "unknown", "tbd", "?", "-", "none", "not known", "don't know", "dont know"}
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_NUM = re.compile(r"^([+-]?)(\d[\d,_ ]*(?:\.\d+)?|\.\d+)\s*(k|m|mm|bn|b)?$", re.IGNORECASE)


def describe(v: Any) -> str:
    return repr(v) if isinstance(v, str) else str(v).lower() if isinstance(v, bool) else str(v)


def parse_number(v: Any, *, percent: bool = False, money: bool = False) -> float:
    if isinstance(v, bool) or v is None:
        raise ValueError(f"{describe(v)} is not a number")
    if isinstance(v, (int, float)):
        f = float(v)
    elif isinstance(v, str):
        s = v.strip()
        if percent and s.endswith("%"):
            s = s[:-1].strip()
        if money:
            s = _CURRENCY.sub("", s).strip()
        if not percent and not money:
            s = _UNIT_WORD.sub("", s)  # "48 days", "2.1x"
        m = _NUM.match(s)
        if not m or (m.group(3) and not money):
            if s.lower() in _UNKNOWN:
                raise ValueError(f"{v!r} is not a number; leave the answer blank if you do not know it")
            hint = " (write it like 12% or 12)" if percent else " (write it like $180,000 or 180000)" if money else ""
            raise ValueError(f"{v!r} is not a number{hint}")
        if "," in m.group(2) and not _THOUSANDS.match(m.group(2).strip()):
            raise ValueError(f"{v!r}: commas may only separate thousands (1,200); write decimals with a point (12.5)")
        digits = m.group(2).replace(",", "").replace("_", "").replace(" ", "")
        f = float(digits) * _SCALE.get((m.group(3) or "").lower(), 1.0)
        if m.group(1) == "-":
            f = -f
    else:
        raise ValueError(f"expected a number, found a {type(v).__name__}")
    if not math.isfinite(f):
        raise ValueError(f"{v!r} is not a finite number")
    return f


def parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
        return v.strip().lower() in _TRUE
    raise ValueError(f"{describe(v)} is not yes or no")


def normalize_choice(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return str(v)
    if not isinstance(v, str):
        raise ValueError(f"expected one word, found a {type(v).__name__}")
    return re.sub(r"[\s\-/]+", "_", v.strip().lower())


def parse_date(v: Any) -> str:
    if isinstance(v, str):
        try:
            return _dt.date.fromisoformat(v.strip()).isoformat()
        except ValueError:
            pass
    raise ValueError(f"{describe(v)} is not a date (write it as YYYY-MM-DD, e.g. 2026-11-01)")


def check_range(value: float, lo: float | None, hi: float | None, unit: str = "") -> None:
    u = "%" if unit == "percent" else ""
    if lo is not None and value < lo:
        raise ValueError(f"{fmt_number(value)}{u} is below the allowed minimum {fmt_number(lo)}{u}")
    if hi is not None and value > hi:
        raise ValueError(f"{fmt_number(value)}{u} is above the allowed maximum {fmt_number(hi)}{u}")


def fmt_number(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}"
    return f"{x:,.2f}".rstrip("0").rstrip(".")


def format_value(x: Any, unit: str | None, currency: str = "") -> str:
    """Human form of a value for reports: 12 %, USD 180,000 / month, 2.1×."""
    if x is None:
        return "not assessed"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if not isinstance(x, (int, float)):
        return str(x).replace("_", " ")
    # Money above 100 reads better whole (USD 37,755 rather than USD 37,755.14).
    n = fmt_number(round(float(x)) if unit in ("money", "money_month") and abs(x) >= 100 else round(float(x), 2))
    if unit == "percent":
        return f"{n} %"
    if unit in ("money", "money_month"):
        s = f"{currency} {n}".strip()
        return s + (" / month" if unit == "money_month" else "")
    if unit == "ratio":
        return f"{n}×"
    if unit in ("days", "hours"):
        return f"{n} {unit}"
    return n
