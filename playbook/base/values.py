"""Value types: how people write answers and metrics, and how we read them.

`12%`, `12`, `$180,000`, `180k`, `yes`, `2026-11-01` are all accepted; a
parse failure raises ValueError with a message meant for the user.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable
from typing import Any

from playbook.base import operators as ops
from playbook.base.messages import number, t

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

# ja/nein: the German template asks for them (partner.language: de), and they
# cannot mean anything else in a file of any language
_TRUE = {"yes", "y", "true", "on", "1", "ja"}
_FALSE = {"no", "n", "false", "off", "0", "nein"}
_UNKNOWN = {"n/a", "na", "unknown", "tbd", "?", "-", "none", "not known", "don't know", "dont know"}

# A number is short: past this it is a paste accident or an attack, and
# refusing it up front keeps every later step cheap.
MAX_NUMBER_CHARS = 40
# Larger than any real amount, count or rate; a bound keeps sums and
# products of answers finite (revenue totals, derived metrics).
MAX_MAGNITUDE = 1e15

# Currency markers a money value may carry, and the ISO 4217 codes each can
# stand for (a $ is the dollar of several countries).
SYMBOLS: dict[str, frozenset[str]] = {
    "$": frozenset({"USD", "CAD", "AUD", "NZD", "SGD", "HKD", "MXN", "TWD"}),
    "€": frozenset({"EUR"}), "£": frozenset({"GBP"}), "¥": frozenset({"JPY", "CNY"}), "₹": frozenset({"INR"}),
    # the dollar forms CLDR and the CRMs write (CA$ in English, $CA in French, US$ in Dutch)
    "US$": frozenset({"USD"}), "$US": frozenset({"USD"}), "CA$": frozenset({"CAD"}), "C$": frozenset({"CAD"}),
    "$CA": frozenset({"CAD"}), "A$": frozenset({"AUD"}), "AU$": frozenset({"AUD"}), "$AU": frozenset({"AUD"}),
    "NZ$": frozenset({"NZD"}), "$NZ": frozenset({"NZD"}), "S$": frozenset({"SGD"}), "SG$": frozenset({"SGD"}),
    "HK$": frozenset({"HKD"}), "$HK": frozenset({"HKD"}), "MX$": frozenset({"MXN"}), "NT$": frozenset({"TWD"}),
    "R$": frozenset({"BRL"}), "$SG": frozenset({"SGD"}), "$MX": frozenset({"MXN"}), "£GB": frozenset({"GBP"}),
    "JP¥": frozenset({"JPY"}), "CN¥": frozenset({"CNY"}),
}
# How a money value may be written, for hints: every form above reads.
MONEY_FORMS = "$180,000, USD 180,000, CAD 180,000, CA$180,000, A$180,000, €180,000 or 180k"
_CUR_PREFIX = re.compile(r"([A-Z]{3}|[A-Z]{1,2}[$¥]|[$£]\s?[A-Z]{2}|[$€£¥₹])\s*")
_CUR_SUFFIX = re.compile(r"\s*([A-Z]{3}|[A-Z]{1,2}[$¥]|[$£]\s?[A-Z]{2}|[$€£¥₹])\Z")
_SCALE = {"k": 1e3, "m": 1e6, "mm": 1e6, "bn": 1e9, "b": 1e9}
_SCALE_SUFFIX = re.compile(r"(?:k|mm|m|bn|b)\Z", re.IGNORECASE)
_UNIT_WORDS = ("days", "day", "x", "×")
# One character class, one pass: no pattern here can backtrack, so a long
# value costs linear time (the old pattern's overlapping `[\d ]*\s*` was
# quadratic in the length of a failing value).
_CORE = re.compile(r"([+-]?)(\d[\d,._ ]*|[.,]\d[\d_ ]*)")
_EXPONENT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)[eE][+-]?\d{1,3}")
_GROUPED = {",": re.compile(r"\d{1,3}(?:,\d{3})+"), ".": re.compile(r"\d{1,3}(?:\.\d{3})+")}
# `1.200`: one separator, a leading group that could open a thousands
# grouping (1-3 digits, not 0), then exactly three digits. Read with a decimal
# point it is 1.2, with a thousands point 1200, and both conventions are in
# daily use, so without a locale it cannot be read safely.
_AMBIGUOUS = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")


def describe(v: Any) -> str:
    """A value quoted in a message, cut short: a 2 MB value helps nobody."""
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, int) and abs(v) > 10 ** 40:  # str() of a huge int is slow, then refused
        return t("a number of about %(n)s digits", n=_num(int(v.bit_length() * 0.30103) + 1))
    r = repr(v) if isinstance(v, str) else str(v)
    return r if len(r) <= 60 else r[:55] + "…" + r[-4:]


def _num(x: float) -> str:
    """A number in a message, as the message's language writes it (1,000 in English, 1.000 in German)."""
    return number(x, fmt_number(x))


def currency_codes(marker: str) -> frozenset[str]:
    """The ISO codes a currency marker (code or symbol) may mean."""
    m = marker.strip()
    return SYMBOLS.get(m, frozenset({m.upper()}))


def _split_currency(s: str) -> tuple[str | None, str]:
    sign = ""
    if s[:1] in "-+" and _CUR_PREFIX.match(s, 1):  # -€1,234.50, as English writes a negative amount
        sign, s = s[0], s[1:]
    m = _CUR_PREFIX.match(s)
    if m and _marker(m.group(1)):
        return _marker(m.group(1)), sign + s[m.end():]
    m = _CUR_SUFFIX.search(s)  # 1.200 € and 1 234,50 $US are how much of Europe writes it
    if m and m.start() > 0 and _marker(m.group(1)):
        return _marker(m.group(1)), sign + s[:m.start()]
    return None, sign + s


def _marker(text: str) -> str | None:
    """A currency marker as SYMBOLS names it ($ US, as Swiss French writes it, is $US), or None."""
    m = "".join(text.split())
    return m if m in SYMBOLS or (m.isalpha() and len(m) == 3) else None


def _read(t: str, point: str, group: str) -> float | None:
    """`t` (digits and separators only) read with `point` as the decimal
    separator and `group` between thousands; None when it is not written
    that way."""
    whole, has_point, frac = t.partition(point)
    if group in frac or point in frac or (has_point and not frac) or (group in whole
                                                                      and not _GROUPED[group].fullmatch(whole)):
        return None
    return float((whole.replace(group, "") or "0") + "." + (frac or "0"))


# Group marks other than . and , (Swiss 12'500, French 12 500 with a narrow
# space): a locale that writes them is read by turning them into its
# thousands separator, so the grouping is checked like 12.500.
_OTHER_GROUPS = ("'", "\u2019", "\u00a0", "\u202f", " ")
_MINUS = ("\u2212", "\u2013")  # CLDR's minus sign, and the dash a word processor makes of -


def _normalise(s: str, point: str | None, group: str | None) -> str:
    for m in _MINUS:
        if s.startswith(m):
            s = "-" + s[1:]
    if "'" in s or "\u2019" in s:
        # an apostrophe is never a decimal mark, so dropping it cannot make a value read
        # another way; its groups are not checked, since Babel itself writes de-CH
        # amounts as 1000000'000.00
        s = s.replace("'", "").replace("\u2019", "")
    if group in _OTHER_GROUPS:
        canon = "." if point == "," else ","
        for g in _OTHER_GROUPS[2:]:
            if g in s:
                s = s.replace(g, canon)
    return s


Bounds = tuple[float | None, float | None]


def parse_number(v: Any, *, percent: bool = False, money: bool = False, whole: bool = False,
                 currency: str | None = None, decimal: str | None = None,
                 within: Bounds = (None, None), group: str | None = None) -> float:
    """A number as people write it. `whole`: a count, so no fraction.
    `currency`: the partner's currency; a money value naming another is an
    error. `decimal`: the decimal separator when a locale settles it ("." or
    ","); None reads a point as decimal and a comma between thousands, and
    refuses what reads differently the other way (1.200) unless only one
    reading lies `within` the allowed range (1.005 years: not 1005). `group`:
    the locale's thousands mark when it is neither . nor , (' in Swiss German,
    a narrow space in French). A thousands group never starts with 0
    (0.500 is refused in every convention: 0.5 or 500)."""
    if isinstance(v, bool) or v is None:
        raise ValueError(t("%(value)s is not a number", value=describe(v)))
    if isinstance(v, int):
        if abs(v) > MAX_MAGNITUDE:  # before float(): a long int overflows it
            raise ValueError(_too_large(v))
        f = float(v)
    elif isinstance(v, float):
        f = v
    elif isinstance(v, str):
        f = _parse_text(v, percent=percent, money=money, whole=whole, currency=currency, decimal=decimal,
                        within=within, group=group)
    else:
        raise ValueError(t("expected a number, found a %(type)s", type=type(v).__name__))
    if not math.isfinite(f):
        raise ValueError(t("%(value)s is not a finite number", value=describe(v)))
    if abs(f) > MAX_MAGNITUDE:
        raise ValueError(_too_large(v))
    if whole and not f.is_integer():
        raise ValueError(t("%(value)s is not a whole number; this is a count", value=describe(v)))
    return f


def _too_large(v: Any) -> str:
    return t("%(value)s is too large; numbers here stay below %(limit)s", value=describe(v),
             limit=_num(MAX_MAGNITUDE))


def _parse_text(v: str, *, percent: bool, money: bool, whole: bool, currency: str | None,
                decimal: str | None, within: Bounds, group: str | None = None) -> float:
    s = v.strip()
    if len(s) > MAX_NUMBER_CHARS:
        raise ValueError(t("%(value)s is too long to be a number (%(n)s characters; a number has at most "
                           "%(limit)s)", value=describe(v), n=_num(len(s)), limit=MAX_NUMBER_CHARS))
    if decimal not in (None, ".", ","):
        raise ValueError(f"unknown decimal separator {decimal!r}")
    if percent and s.endswith("%"):
        s = s[:-1].rstrip()
    marker = None
    if money:
        marker, s = _split_currency(s)
        s = s.strip()
    else:
        low = s.lower()
        for w in _UNIT_WORDS:  # "48 days", "2.1x"
            if low.endswith(w):
                s = s[:-len(w)].rstrip()
                break
    s = _normalise(s, decimal, group)
    if _EXPONENT.fullmatch(s):  # 1.5e+14, as tools write numbers (YAML reads it so too)
        return float(s)
    scale = _SCALE_SUFFIX.search(s)
    core = s[:scale.start()].rstrip() if scale else s
    m = _CORE.fullmatch(core)
    if not m or (scale and not money):
        if s.lower() in _UNKNOWN:
            raise ValueError(t("%(value)s is not a number; leave the answer blank if you do not know it",
                               value=describe(v)))
        if percent:
            raise ValueError(t("%(value)s is not a number (write it like 12%% or 12)", value=describe(v)))
        if money:
            raise ValueError(t("%(value)s is not a number (write it like %(forms)s)", value=describe(v),
                               forms=MONEY_FORMS))
        raise ValueError(t("%(value)s is not a number", value=describe(v)))
    if marker is not None and currency and not currency_codes(marker) & currency_codes(currency):
        raise ValueError(t("%(value)s is in %(marker)s, but the partner's currency is %(currency)s; write the "
                           "amount in %(currency)s, or change partner.currency", value=describe(v), marker=marker,
                           currency=currency))
    digits = m.group(2).replace("_", "").replace(" ", "")
    point = decimal or "."
    group = "," if point == "." else "."
    if decimal is None and _AMBIGUOUS.fullmatch(digits) and ("." in digits or not (money or whole)):
        # a comma before three digits stays a thousands separator in money ($180,000) and
        # counts, where three decimals are never written; elsewhere (a ratio of 2,500) it is as unclear
        as_point = float(digits.replace(",", "."))
        as_group = float(digits.replace(",", "").replace(".", ""))
        lo, hi = within
        fits = [x for x in (as_point, as_group) if (lo is None or x >= lo) and (hi is None or x <= hi)]
        if len(fits) == 1 and not whole:  # the range settles it; a count is told to be whole below
            f = fits[0] * (_SCALE[scale.group(0).lower()] if scale else 1.0)
            return -f if m.group(1) == "-" else f
        raise ValueError(t("%(value)s reads as %(point)s with %(mark)s as the decimal separator, or as "
                           "%(group)s with %(mark)s between thousands; write %(group)s or %(point)s to say which",
                           value=describe(v), point=_plain(as_point), group=_plain(as_group), mark=repr(digits[-4])))
    if _leading_zero_group(digits, point, group):
        # 0.500 in German, 0,500 in English: a thousands group never starts with 0, and
        # reading it as 500 turned half a year into five hundred
        as_point = float(digits.replace(group, "."))
        as_group = float(digits.partition(point)[0].replace(group, ""))
        raise ValueError(t("%(value)s reads as %(point)s with %(mark)s as the decimal separator, or as "
                           "%(group)s with %(mark)s between thousands, but thousands never start with 0; write "
                           "%(written)s or %(group)s", value=describe(v), point=_plain(as_point), mark=repr(group),
                           group=_plain(as_group), written=_plain(as_point).replace('.', point)))
    read = _read(digits, point, group)
    if read is None:
        if point == ".":
            raise ValueError(t("%(value)s: commas may only separate thousands (1,200); write decimals with a "
                               "point (12.5)", value=describe(v)))
        raise ValueError(t("%(value)s: points may only separate thousands (1.200); write decimals with a "
                           "comma (12,5)", value=describe(v)))
    f = read * (_SCALE[scale.group(0).lower()] if scale else 1.0)
    return -f if m.group(1) == "-" else f


def _leading_zero_group(digits: str, point: str, group: str) -> bool:
    """0.500 with . between thousands: a group after a lone 0."""
    whole = digits.partition(point)[0]
    return whole.startswith("0" + group) and _GROUPED[group].fullmatch(whole) is not None


def _plain(x: float) -> str:
    return f"{x:.10g}" if not float(x).is_integer() else str(int(x))


def parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v.strip().lower() in _TRUE | _FALSE:
        return v.strip().lower() in _TRUE
    raise ValueError(t("%(value)s is not yes or no", value=describe(v)))


def normalize_choice(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return str(v)
    if not isinstance(v, str):
        raise ValueError(t("expected one word, found a %(type)s", type=type(v).__name__))
    return re.sub(r"[\s\-/]+", "_", v.strip().lower())


_LOCAL_DATE = re.compile(r"(\d{1,2})([./-])(\d{1,2})\2(\d{4})")
# A time after the date, as CRM exports write it (HubSpot 2023-10-01 09:30,
# Dynamics 4/20/2028 9:30 AM): the date is what is read, the time is dropped.
_TIME_TAIL = re.compile(r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?(?:\s?[AaPp][Mm])?"
                        r"(?:Z|[+-]\d{2}:?\d{2})?)\Z")
_ORDER_TAG = {"mdy": "en-US", "dmy": "en-GB"}


def _date_text(text: str) -> str:
    """`text` without a time of day after its date."""
    if len(text) > 10:
        m = _TIME_TAIL.search(text)
        if m and m.start() >= 8:
            return text[:m.start()]
    return text


def parse_date(v: Any, order: str | None = None) -> str:
    """An ISO date; with `order` ("dmy" or "mdy", from the partner's language)
    also a date written that way (01.11.2026 in German). Without it, 01/11/2026
    is refused: it is the 1st of November or the 11th of January; a date that
    reads only one way (04/20/2028) is read so. A time after the date is
    dropped (2023-10-01 09:30)."""
    if isinstance(v, (_dt.date,)) and not isinstance(v, _dt.datetime):
        return v.isoformat()
    if isinstance(v, _dt.datetime):
        return v.date().isoformat()
    if isinstance(v, str) and len(v) <= MAX_NUMBER_CHARS:
        text = _date_text(v.strip())
        try:
            return _dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        m = _LOCAL_DATE.fullmatch(text)
        if m:
            return _local_date(v, int(m.group(1)), int(m.group(3)), int(m.group(4)), order)
    raise ValueError(_not_a_date(v))


def _not_a_date(v: Any) -> str:
    return t("%(value)s is not a date (write it as YYYY-MM-DD, e.g. 2026-11-01)", value=describe(v))


def _valid(year: int, month: int, day: int) -> _dt.date | None:
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None


def _local_date(v: Any, a: int, b: int, year: int, order: str | None) -> str:
    dmy, mdy = _valid(year, b, a), _valid(year, a, b)
    if order in ("dmy", "mdy"):
        got = dmy if order == "dmy" else mdy
        if got is not None:
            return got.isoformat()
        other = mdy if order == "dmy" else dmy
        if other is not None:  # 04/20/2028 in a day-first file: the export was written the other way
            tag = _ORDER_TAG["mdy" if order == "dmy" else "dmy"]
            raise ValueError(
                t("%(value)s is not a date in the partner's language, which writes the day first; it reads as "
                  "%(other)s with the month first: write it as YYYY-MM-DD, or set partner.language: %(tag)s if "
                  "the file writes dates so", value=describe(v), other=other.isoformat(), tag=tag)
                if order == "dmy" else
                t("%(value)s is not a date in the partner's language, which writes the day second; it reads as "
                  "%(other)s with the day first: write it as YYYY-MM-DD, or set partner.language: %(tag)s if "
                  "the file writes dates so", value=describe(v), other=other.isoformat(), tag=tag))
        day, month = (a, b) if order == "dmy" else (b, a)
        raise ValueError(t("%(value)s is not a date: there is no day %(day)s in month %(month)s of %(year)s",
                           value=describe(v), day=day, month=month, year=year))
    if dmy is not None and mdy is not None and dmy != mdy:
        raise ValueError(t("%(value)s is not a date as written: it reads as %(dmy)s (day first) or %(mdy)s (month "
                           "first); write it as YYYY-MM-DD, or give partner.language (partner.language: en-US reads "
                           "month first, en-GB or de day first)", value=describe(v), dmy=dmy.isoformat(),
                           mdy=mdy.isoformat()))
    got = dmy or mdy
    if got is None:
        raise ValueError(_not_a_date(v))
    return got.isoformat()


def date_order_of(texts: Iterable[str]) -> str | None:
    """"mdy" or "dmy" when the numeric dates among `texts` (one column of an
    export) settle the order: some read only that way (04/20/2028) and none
    only the other way; None when nothing settles it or they disagree."""
    seen: set[str] = set()
    for text in texts:
        m = _LOCAL_DATE.fullmatch(_date_text(text.strip())) if text and not text[:4].isdigit() else None
        if m:
            a, b = int(m.group(1)), int(m.group(3))
            if a > 12 >= b:
                seen.add("dmy")
            elif b > 12 >= a:
                seen.add("mdy")
            if len(seen) > 1:
                return None
    return seen.pop() if seen else None


def check_range(value: float, lo: float | None, hi: float | None, unit: str = "") -> None:
    u = "%" if unit == "percent" else ""
    if lo is not None and value < lo:
        raise ValueError(t("%(value)s is below the allowed minimum %(limit)s", value=_num(value) + u,
                           limit=_num(lo) + u))
    if hi is not None and value > hi:
        raise ValueError(t("%(value)s is above the allowed maximum %(limit)s", value=_num(value) + u,
                           limit=_num(hi) + u))


def fmt_number(x: float) -> str:
    if not math.isfinite(x):  # a derived value that overflowed: never print inf or nan
        return "—"
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
    if not math.isfinite(x):
        return "not assessed"
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


# The number grammar under public names, for the questionnaire page, which
# checks answers with these same patterns (playbook/report/form.py sends them as data).
CORE = _CORE
EXPONENT = _EXPONENT
GROUPED = _GROUPED
AMBIGUOUS = _AMBIGUOUS
CURRENCY_PREFIX = _CUR_PREFIX
SCALE = _SCALE
SCALE_SUFFIX = _SCALE_SUFFIX
UNIT_WORDS = _UNIT_WORDS
UNKNOWN_WORDS = frozenset(_UNKNOWN)
TRUE_WORDS = frozenset(_TRUE)
FALSE_WORDS = frozenset(_FALSE)
