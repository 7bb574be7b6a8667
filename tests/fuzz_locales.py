"""Answers written the way people of other locales write them, with an oracle
(issue 22): a number, amount, percentage or date is formatted by Babel for a
locale (and varied as people type it), put in an answers file with that
partner.language (or none), and must read exactly as meant or be refused on
its own line. Used by tests/test_fuzz.py and benchmarks/fuzz.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import tempfile
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import test_fuzz as fz
import yaml

LOCALES = ("en", "en-US", "en-GB", "de", "de-CH", "de-AT", "fr", "fr-CH", "nl", "it", "es")
CURRENCIES = ("EUR", "USD", "CHF", "GBP")
# metric id -> (kind, largest value meant): within each metric's min/max, so a refusal is the reader's
ORACLE_METRICS = {"cac": ("money", 10**8), "mrr": ("money", 10**8), "arpu": ("money", 10**5),
                  "churn_rate_annual": ("percent", 100), "renewal_rate": ("percent", 100),
                  "active_customers": ("count", 10**6), "bmur": ("number", 20), "backlog_days": ("number", 900),
                  "gross_margin_project": ("percent", 100)}  # min -100: a loss is written with a minus
NEGATIVE = {"gross_margin_project"}
SPACES = ("\u00a0", "\u202f", "\u2009")


# ---- 1. answers in many locales, with an oracle ------------------------------------

@dataclass
class Meant:
    """One value as a person of `locale` wrote it, and what they meant by it."""

    where: tuple[str, ...]  # ("metrics", "cac"), ("partner", "assessed_on"), ("customers", "revenue"), ...
    kind: str
    value: Any  # Decimal, or an ISO date string
    text: str
    must_refuse: bool = False  # reads two ways without a language, or in a currency not the partner's
    line: int = 0


def _babel(tag: str) -> Any:
    from babel import Locale

    return Locale.parse(tag.replace("-", "_"))


def _amount(rng: random.Random, top: int, places: int) -> Decimal:
    whole = int(10 ** rng.uniform(0, len(str(top)) - 1)) if rng.random() < 0.9 else rng.randrange(0, 13)
    whole = min(whole, top - 1)
    frac = rng.randrange(10 ** places) if places and rng.random() < 0.6 else 0
    return Decimal(whole) + (Decimal(frac) / 10 ** places if places else 0)


def _careless_number(rng: random.Random, text: str, loc: Any, symbol: str | None, code: str | None) -> str:
    """As people type it: other spaces, other group marks, the currency on the other side."""
    from babel.numbers import get_group_symbol

    group = get_group_symbol(loc)
    op = rng.randrange(7)
    if op == 0:
        for s in SPACES:
            text = text.replace(s, " ")
    elif op in (1, 2, 3) and group:
        mark = ["", "'", " ", "\u00a0"][op if op < 3 else rng.randrange(4)]
        text = re.sub(rf"(?<=\d){re.escape(group)}(?=\d{{3}}(?!\d))", mark, text)
    elif op in (4, 5) and symbol and symbol in text:
        bare = text.replace(symbol, "").strip(" \u00a0\u202f")
        mark = code if op == 5 and code and rng.random() < 0.5 else symbol
        gap = rng.choice(["", " ", "\u00a0"])
        text = f"{mark}{gap}{bare}" if rng.random() < 0.5 else f"{bare}{gap}{mark}"
    elif op == 6:
        text = rng.choice(["", " "]) + text + rng.choice(["", " "])
    return text


def _compact(rng: random.Random, kind: str, top: int, loc: Any, currency: str) -> Meant:
    """1.2M, 1,2 Mio. €, 2,5 mld.: a short form, of a value it shows exactly."""
    from babel.numbers import format_compact_currency, format_compact_decimal

    v = Decimal(rng.randrange(10, 100)) / 10 * 10 ** rng.choice([3, 6, 9])
    text = format_compact_currency(v, currency, locale=loc, fraction_digits=1) if kind == "money" \
        else format_compact_decimal(v, locale=loc, fraction_digits=1)
    return Meant(("metrics",), kind, v, text)


def _write_number(rng: random.Random, kind: str, top: int, tag: str, currency: str) -> Meant:
    from babel.numbers import format_currency, format_decimal, format_percent, get_currency_symbol

    loc = _babel(tag)
    if kind in ("money", "number") and top >= 10**5 and rng.random() < 0.1:
        return _compact(rng, kind, top, loc, currency)
    if kind == "money":
        v = _amount(rng, top, 2)
        foreign = rng.random() < 0.12
        cur = rng.choice([c for c in CURRENCIES if c != currency]) if foreign else currency
        text = format_currency(v, cur, locale=loc)
        symbol = get_currency_symbol(cur, locale=loc)
        text = _careless_number(rng, text, loc, symbol, cur) if rng.random() < 0.5 else text
        return Meant(("metrics",), kind, v, text, must_refuse=foreign)
    if kind == "percent":
        v = _amount(rng, top, 1)
        text = format_percent(v / 100, locale=loc, decimal_quantization=False)
    else:
        v = _amount(rng, top, 0 if kind == "count" else 2)
        text = format_decimal(v, locale=loc, decimal_quantization=False)
    text = _careless_number(rng, text, loc, None, None) if rng.random() < 0.5 else text
    return Meant(("metrics",), kind, v, text)


def _write_date(rng: random.Random, tag: str) -> Meant:
    from babel.dates import format_date

    day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(3650))
    loc = _babel(tag)
    how = rng.randrange(5)
    if how == 0:
        text = day.isoformat()
    elif how == 1:
        text = format_date(day, "medium", locale=loc)
    else:  # the numeric short form with the year in full, as people write it in a file
        pattern = re.sub(r"y+", "yyyy", str(loc.date_formats["short"].pattern))
        if how == 3:
            pattern = pattern.replace("dd", "d").replace("MM", "M")
        text = format_date(day, pattern, locale=loc)
    return Meant((), "date", day.isoformat(), text)


def _ambiguous(rng: random.Random) -> Meant:
    """A value that reads two ways when no language says which."""
    if rng.random() < 0.5:
        d, m = rng.sample(range(1, 13), 2)
        day = dt.date(rng.randrange(2020, 2030), m, d)
        return Meant((), "date", day.isoformat(), f"{d:02d}/{m:02d}/{day.year}", must_refuse=True)
    a, b = rng.randrange(1, 1000), rng.randrange(0, 1000)
    return Meant(("metrics",), "money", Decimal(f"{a}.{b:03d}"), f"{a}{rng.choice('.,')}{b:03d}", must_refuse=True)


def _yaml_scalar(rng: random.Random, text: str) -> str:
    try:
        bare = yaml.safe_load(f"k: {text}")
        plain = isinstance(bare, dict) and isinstance(bare.get("k"), (str, int, float, dt.date)) \
            and text == text.strip() and text
    except yaml.YAMLError:
        plain = False
    return text if plain and rng.random() < 0.7 else json.dumps(text, ensure_ascii=False)


@dataclass
class LocaleCase:
    tag: str | None  # partner.language, or None: no language given
    meaning: str  # the locale the values were written in
    currency: str
    values: list[Meant]
    csv: bool = False  # the customer's values in a customer CSV (customers: customers.csv), not inline
    csv_bytes: bytes = b""

    def text(self, rng: random.Random, drop: frozenset[int] = frozenset()) -> str:
        """The answers file, noting on each value the line it is on."""
        rng = random.Random(rng.random())
        lines = ["partner:", "  name: Fuzz Partner"]
        keep = [m for i, m in enumerate(self.values) if i not in drop]
        date = next((m for m in keep if m.where == ("partner", "assessed_on")), None)
        if date is not None:
            date.line = len(lines) + 1
            lines.append(f"  assessed_on: {_yaml_scalar(rng, date.text)}")
        lines.append(f"  currency: {self.currency}")
        if self.tag:
            lines.append(f"  language: {self.tag}")
        metrics = [m for m in keep if m.where[:1] == ("metrics",)]
        if metrics:
            lines.append("metrics:")
            for m in metrics:
                m.line = len(lines) + 1
                lines.append(f"  {m.where[1]}: {_yaml_scalar(rng, m.text)}")
        rows = [m for m in keep if m.where[:1] == ("customers",)]
        if rows and self.csv:  # a value in the CSV is located by its column (line -column here)
            comma = self.tag is not None and _babel(self.meaning).number_symbols.get("latn", {}).get("decimal") == ","
            buf = io.StringIO()
            w = csv.writer(buf, delimiter=";" if comma and rng.random() < 0.7 else ",", lineterminator="\r\n")
            w.writerow(["name", "stage", *(m.where[1] for m in rows)])
            w.writerow(["Kunde Eins", "managed", *(m.text for m in rows)])
            for c, m in enumerate(rows):
                m.line = -(c + 3)
            self.csv_bytes = buf.getvalue().encode("utf-8")
            lines.append("customers: customers.csv")
        elif rows:
            lines += ["customers:", "  - name: Kunde Eins", "    stage: managed"]
            for m in rows:
                m.line = len(lines) + 1
                lines.append(f"    {m.where[1]}: {_yaml_scalar(rng, m.text)}")
        return "\n".join(lines) + "\n"


def locale_case(rng: random.Random) -> LocaleCase:
    meaning = rng.choice(LOCALES)
    given = rng.random() >= 0.2  # a fifth without partner.language: anything read must still be what was meant
    currency = rng.choice(CURRENCIES)
    values: list[Meant] = []
    for metric in rng.sample(sorted(ORACLE_METRICS), rng.randint(1, 4)):
        kind, top = ORACLE_METRICS[metric]
        m = _write_number(rng, kind, top, meaning, currency)
        m.where = ("metrics", metric)
        if metric in NEGATIVE and rng.random() < 0.4:
            from babel.numbers import format_percent

            m.value = -m.value
            m.text = format_percent(m.value / 100, locale=_babel(meaning), decimal_quantization=False)
        values.append(m)
    d = _write_date(rng, meaning)
    d.where = ("partner", "assessed_on")
    values.append(d)
    if rng.random() < 0.4:
        rev = _write_number(rng, "money", 10**7, meaning, currency)
        rev.where = ("customers", "revenue")
        ren = _write_date(rng, meaning)
        ren.where = ("customers", "renewal_date")
        values += [rev, ren]
    csv_file = rng.random() < 0.5
    if not given and rng.random() < 0.5:  # swap one value for one that reads two ways
        amb = _ambiguous(rng)
        if amb.kind == "date":
            i = next(j for j, m in enumerate(values) if m.where == ("partner", "assessed_on"))
        else:  # money (a comma before three digits is thousands there, documented) or a ratio with no cap
            i = next((j for j, m in enumerate(values) if m.where[:1] == ("metrics",)), 0)
            metric = rng.choice(["cac", "mrr", "backlog_days"])
            if metric != "backlog_days":
                amb.text = amb.text.replace(",", ".")
            values = [m for m in values if m.where != ("metrics", metric)]
            i = min(i, len(values) - 1)
            amb.kind = ORACLE_METRICS[metric][0]
            values.insert(i, values[i])
        amb.where = values[i].where if amb.kind == "date" else ("metrics", metric)
        values[i] = amb
    return LocaleCase(meaning if given else None, meaning, currency, values, csv=csv_file)


def _read(answers: Any, m: Meant) -> Any:
    if m.where[0] == "metrics":
        return answers.metrics.get(m.where[1])
    if m.where == ("partner", "assessed_on"):
        return answers.assessed_on
    row = answers.customers[0] if answers.customers else None
    return getattr(row, m.where[1], None) if row else None


def _same(got: Any, m: Meant) -> bool:
    if m.kind == "date":
        return str(got) == m.value
    if not isinstance(got, (int, float)):
        return False
    want = float(m.value)
    return abs(got - want) <= 1e-9 * max(1.0, abs(want))


_FOLDER: list[Path] = []


def run_locale_case(pack: Any, rng: random.Random, stats: Counter[str] | None = None) -> fz.Outcome:
    return check_locale_case(pack, locale_case(rng), stats)


def _where(p: Any, name: str) -> int | None:
    """The line a problem names in the answers file, or -column in the customer CSV's one row."""
    if p.file == name:
        return int(p.line)
    if p.file.endswith("customers.csv") and p.line == 2:
        return -int(p.column)
    return None


def check_locale_case(pack: Any, case: LocaleCase, stats: Counter[str] | None = None) -> fz.Outcome:
    """The oracle: every value reads exactly as meant, or is refused by an error on
    its own line; never another number or date."""
    from playbook.answers.check import parse_answers
    from playbook.errors import InvalidInput

    stats = stats if stats is not None else Counter()
    name = "locale.yaml"

    def check() -> list[str]:
        drop: set[int] = set()
        first_raw = b""
        for _round in range(3):
            text = case.text(random.Random(_round), frozenset(drop))
            raw = text.encode("utf-8")
            first_raw = first_raw or raw
            live = [(i, m) for i, m in enumerate(case.values) if i not in drop]
            if not _FOLDER:
                _FOLDER.append(Path(tempfile.mkdtemp(prefix="playbook-fuzz-")))
            (_FOLDER[0] / "customers.csv").write_bytes(case.csv_bytes)
            try:
                answers = parse_answers(raw, pack, name, customers_dir=_FOLDER[0])
            except InvalidInput as exc:
                bad = fz.check_problems([p for p in exc.problems if p.file == name], {name: raw})
                errors = [p for p in exc.problems if p.severity == "error"]
                lines = {m.line: i for i, m in live}
                stray = [p for p in errors if _where(p, name) not in lines]
                if bad or stray:
                    return bad + [f"{case.tag or 'no language'}: error not on a value's line: {p.format()[:300]}\n"
                                  f"{text}\n{case.csv_bytes.decode()}" for p in stray]
                for i in {lines[_where(p, name)] for p in errors}:
                    drop.add(i)
                    stats["refused " + case.values[i].kind] += 1
                    stats["refused as it must"] += case.values[i].must_refuse
                continue
            out = []
            for _i, m in live:
                got = _read(answers, m)
                if m.must_refuse:
                    out.append(f"{case.tag or 'no language'} ({case.meaning}, {case.currency}): {m.text!r} read as "
                               f"{got!r}, but it must be refused (line {m.line})\n{text}")
                elif not _same(got, m):
                    out.append(f"SILENT MISREADING {case.tag or 'no language'} ({case.meaning}, {case.currency}): "
                               f"{m.text!r} meant {m.value}, read {got!r} (line {m.line})\n{text}"
                               f"{case.csv_bytes.decode()}")
                else:
                    stats["read " + m.kind] += 1
                    stats["read from a CSV"] += m.line < 0
            if drop and not out:
                raise InvalidInput([])  # the file as written was refused: the exit the user sees is 1
            return out
        return ["still refused after dropping each value an error named"]

    return fz._run(check)


