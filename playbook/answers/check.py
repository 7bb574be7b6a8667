"""Reading a partner's answers file and checking it against a pack."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playbook.answers.hints import PARTNER_HINTS, metric_hint, question_hint
from playbook.base import operators as ops
from playbook.base.model import Answers, ColumnsRead, Customer, Pack
from playbook.base.reading import Reading, read_value
from playbook.base.suggest import Suggestions, did_you_mean, one_of
from playbook.base.values import Bounds, check_range, describe, normalize_choice
from playbook.base.yamlio import Document, decode, loads, read_file
from playbook.customers import read_customers_entry
from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention
from playbook.pack.schema import NOT_APPLICABLE_PATTERN, answers_schema
from playbook.pack.validation import schema_errors

NEUTRAL = Convention()
TOP_KEYS = ("partner", "answers", "metrics", "nps_responses", "customers")
# Free text is printed in every report: a bound keeps a pasted document (or
# an attack) from making a 15 MB HTML file and a PDF past its deadline.
TEXT_LIMITS = {"name": 200, "contact": 200, "industry": 200, "region": 200, "notes": 2000}

ASSESSED_YEARS = (1900, 2999)  # partner.assessed_on: a real day, far from the calendar's ends


def load_answers(path: Path, pack: Pack, display: str | None = None, *, decimal: str | None = None,
                 columns: Mapping[str, str] | None = None) -> Answers:
    """`columns`: what the customer CSV's columns are (``assess --columns``)."""
    name = display or str(path)
    return parse_answers(read_file(path, name), pack, name, decimal=decimal, customers_dir=path.parent,
                         columns=columns)


def parse_answers(raw: bytes, pack: Pack, name: str = "<answers>", *, decimal: str | None = None,
                  customers_dir: Path | None = None, columns: Mapping[str, str] | None = None) -> Answers:
    doc = loads(decode(raw, name), name)
    return check_answers(doc, pack, "sha256:" + hashlib.sha256(raw).hexdigest(), decimal=decimal,
                         customers_dir=customers_dir, columns=columns)


# question type -> the kind of value values.read_value reads (the customer CSV reads the same kinds)
_KIND = {"yesno": "yesno", "number": "number", "percent": "percent", "money": "money", "days": "number",
         "date": "date"}


def _metric_kind(unit: str) -> str:
    return "percent" if unit == "percent" else "money" if unit.startswith("money") else \
        "count" if unit == "count" else "number"


def _value(question_type: str, v: Any, choices: tuple[str, ...], currency: str | None = None,
           convention: Reading = NEUTRAL, within: Bounds = (None, None)) -> Any:
    if question_type == "choice":
        c = normalize_choice(v)
        if c not in choices:
            shown = c if isinstance(v, bool) else describe(v)  # YAML reads a bare yes as True
            raise ValueError(f"{shown} is not one of the allowed answers{did_you_mean(c, choices)} "
                             f"(allowed: {', '.join(choices)})")
        return c
    return read_value(_KIND.get(question_type, "number"), v, convention, currency=currency, within=within)


def _currency(v: Any) -> str | None:
    """partner.currency as written, normalized, or None when it is neither an
    ISO 4217 code (three letters) nor a short symbol ($, €, R$, kr)."""
    s = str(v).strip()
    if re.fullmatch(r"[A-Za-z]{3}", s):
        return s.upper()
    if 0 < len(s) <= 3 and all(not c.isdigit() and not c.isspace() and unicodedata.category(c)[0] != "C"
                               for c in s):
        return s
    return None


def _typed_after_hint(doc: Document, path: tuple[str, str], hint: str, check: Any) -> list[Problem]:
    """An answer written after the template's hint comment (`onboarding_process:
    # yes or no  yes`) is a comment to YAML, so the answer reads as blank.
    Text that is a valid answer there is an error; other text, a warning."""
    if not doc.text or not hint:
        return []
    line_no, _ = doc.where(path, key=True)
    line = doc.line(line_no)
    # plain string steps, no pattern: the line may be 2 MB long
    key, colon, rest = line.partition(":")
    if not colon or key.strip().strip("'\"") != path[-1]:
        return []
    rest = rest.lstrip()
    for blank in ('""', "''", "[]"):  # the template writes name: "" and focus: []
        if rest.startswith(blank):
            rest = rest[len(blank):].lstrip()
            break
    if not rest.startswith("#"):
        return []
    comment = rest[1:].lstrip()
    if not comment.startswith(hint):
        return []
    tail = comment[len(hint):].strip()
    if not tail:
        return []
    col = len(line) - len(comment) + comment.index(tail, len(hint)) + 1
    try:
        check(tail)
        valid = True
    except ValueError:
        valid = False
    shown = tail if len(tail) <= 60 else describe(tail)
    what = "is read as blank" if valid else "is not read"
    fix = (f"move `{shown}` before the `#` ({path[-1]}: {shown}  # {hint})" if valid
           else f"if `{shown}` is your answer, move it before the `#`")
    return [Problem(doc.file, line_no, col, f"{path[-1]}: the text after the hint comment is part of the "
                    f"comment, so {path[-1]} {what}; {fix}", "answer-in-comment",
                    "error" if valid else "warning")]


def _fraction_warning(doc: Document, path: tuple[str, str], key: str, raw: Any, val: float) -> list[Problem]:
    """A percentage between 0 and 1 written without a % sign is most likely a
    fraction (0.12 for 12 %). It stays as written, since small percentages are
    real, but the reader is told; writing the % sign says it is meant."""
    if not 0 < val < 1 or (isinstance(raw, str) and "%" in raw):
        return []
    return [doc.problem(path, f"{key} is {val:g}, which reads as {val:g} %; percentages are written as "
                        f"whole numbers, so write {val * 100:g} if you meant {val * 100:g} %, "
                        f"or '{val:g}%' to keep it", "percent-fraction", severity="warning")]


def check_answers(doc: Document, pack: Pack, input_hash: str = "", *, decimal: str | None = None,
                  customers_dir: Path | None = None, columns: Mapping[str, str] | None = None) -> Answers:
    """The checked answers. `decimal` is the decimal separator when a locale
    settles it ("." or ","); None refuses numbers that read differently under
    the two conventions (1.200). `customers_dir` is where a `customers:` CSV
    path is looked up; answers from bytes (a web form) have none, so they
    cannot make us read a file."""
    data = doc.data
    if data is None:
        raise InvalidInput([doc.problem((), "the file is empty; run `playbook init` for a template to fill in",
                                        "empty")])
    if not isinstance(data, dict):
        raise InvalidInput([doc.problem((), "an answers file must be a mapping with the keys "
                                        f"{', '.join(TOP_KEYS)}; run `playbook init` for a template", "type")])
    c = _Check.of(doc, data)
    p = _partner(c, decimal)
    listed: set[str] = set()  # every question and metric id the file names, answered or blank
    not_applicable: set[str] = set()
    answers = _answers(c, pack, p, listed, not_applicable)
    metrics = _metrics(c, pack, p, listed, not_applicable)
    responses = data.get("nps_responses") if not any(k[:1] == ("nps_responses",) for k in c.broken) else None
    nps: tuple[int, ...] | None = None
    if responses is not None:
        nps = tuple(int(r) for r in responses)  # the schema stage checked 0..10 integers
    customers, customer_columns = _customers(c, pack, p, customers_dir, columns)
    if c.problems:
        raise InvalidInput(c.problems + c.warnings)
    return Answers(
        file=doc.file, partner_name=str(p.name) if p.name is not None else "",
        assessed_on=p.assessed_on, years_in_cloud=p.years, focus=p.focus,
        currency=p.currency or "", answers=answers, metrics=metrics,
        nps_responses=nps, customers=tuple(customers), input_hash=input_hash,
        warnings=tuple(c.warnings), not_applicable=frozenset(not_applicable), listed=frozenset(listed),
        language=p.language, primary_focus=p.primary_focus, locale=p.locale, customer_columns=customer_columns,
    )


@dataclass
class _Check:
    """The state of one check: the problems found so far (every one is
    reported at once) and the parts the schema stage found broken, which the
    later checks leave out."""

    doc: Document
    data: dict[str, Any]
    problems: list[Problem]
    warnings: list[Problem]
    broken: set[tuple[Any, ...]]
    broken_sections: set[tuple[Any, ...]]
    # did-you-mean for unknown ids and stages: capped before it runs, however many the file has
    suggest: Suggestions = dataclasses.field(default_factory=Suggestions)

    @classmethod
    def of(cls, doc: Document, data: dict[str, Any]) -> _Check:
        # Structural problems are reported together with every other mistake;
        # only the parts they are about are left out of the later checks.
        errors = schema_errors(doc, answers_schema(None))
        problems = [p for _, p in errors]
        # An error inside a field leaves out that field only (a wrong focus entry
        # must not hide a bad date beside it); an error about a section itself
        # (answers: not a mapping) leaves out the section.
        # An unknown key is reported at its parent but concerns only itself.
        errors_at = [(path, p) for path, p in errors if p.code != "unknown-key"]
        broken = {tuple(path[:2]) for path, _ in errors_at if path}
        broken_sections = {tuple(path[:1]) for path, _ in errors_at if len(path) == 1}
        if any(not path for path, _ in errors):
            raise InvalidInput(problems)
        return cls(doc, data, problems, [], broken, broken_sections)

    def ok(self, *path: Any) -> bool:
        return path[:1] not in self.broken_sections and (len(path) < 2 or path[:2] not in self.broken)

    def section(self, key: str) -> Any:
        return (self.data.get(key) if self.ok(key) else None) or {}

    def found(self, found: list[Problem]) -> None:
        """An answer typed after its hint: an error if it would have been read, else a warning."""
        (self.problems if any(p.severity == "error" for p in found) else self.warnings).extend(found)

    def split(self, found: list[Problem]) -> None:
        self.problems.extend(p for p in found if p.severity == "error")
        self.warnings.extend(p for p in found if p.severity != "error")


@dataclass(frozen=True)
class _Partner:
    name: Any
    years: float | None
    assessed_on: Any
    focus: tuple[str, ...]
    currency: str | None
    language: str
    convention: Convention  # the partner's own (partner.language with its region) settles 1.200 and 01.11.2026
    primary_focus: str | None
    locale: str  # partner.language as written (de-CH)


def _partner(c: _Check, decimal: str | None) -> _Partner:
    doc = c.doc
    # a blank or "" field in a template that was not filled in means "not given"
    partner = {k: v for k, v in c.section("partner").items() if v not in (None, "") and c.ok("partner", k)}
    for field, limit in TEXT_LIMITS.items():
        if isinstance(partner.get(field), str) and len(partner[field]) > limit:
            c.problems.append(doc.problem(("partner", field), f"partner.{field} is {len(partner[field]):,} "
                                          f"characters long; keep it under {limit:,}", "too-long"))
            del partner[field]
    currency: str | None = None
    if partner.get("currency") is not None:
        currency = _currency(partner["currency"])
        if currency is None:
            c.problems.append(doc.problem(("partner", "currency"), f"currency: {describe(partner['currency'])} is "
                                          "not a currency; write a three-letter ISO 4217 code (USD, EUR, GBP) or a "
                                          "symbol such as $ or €", "value"))
    language = locale = ""
    if partner.get("language") is not None:
        language, found = _language(doc, partner["language"])
        locale = str(partner["language"]).strip() if language else ""
        c.split(found)
    # the partner's own convention, region included, settles 1.200 (a thousand in German,
    # 1.2 in Swiss German) and 01.11.2026; a language whose decimal mark is neither . nor ,
    # refuses such values
    convention = Convention.of(locale) if language else Convention(decimal)
    raw_partner = c.section("partner")
    for field, hint in PARTNER_HINTS.items():
        if field in raw_partner and raw_partner[field] in (None, "", []):
            checker = {"assessed_on": lambda t: read_value("date", t, convention),
                       "years_in_cloud": lambda t: read_value("number", t, convention, within=(0, 100)),
                       "focus": lambda t: [_focus_word(w) for w in re.split(r"[\s,]+", t.strip("[]")) if w]
                       }.get(field, lambda t: t)
            c.found(_typed_after_hint(doc, ("partner", field), hint, checker))
    years = None
    if partner.get("years_in_cloud") is not None:
        try:
            years = read_value("number", doc.written.get(("partner", "years_in_cloud"), partner["years_in_cloud"]),
                               convention, within=(0, 100))
            check_range(years, 0, 100)
        except ValueError as exc:
            c.problems.append(doc.problem(("partner", "years_in_cloud"), f"years_in_cloud: {exc}", "value"))
    assessed_on = None
    if partner.get("assessed_on") is not None:
        try:
            assessed_on = read_value("date", partner["assessed_on"], convention)
            if not ASSESSED_YEARS[0] <= int(assessed_on[:4]) <= ASSESSED_YEARS[1]:
                # the renewal calendar counts years either side of it: year 9998 would run off the calendar
                raise ValueError(f"{assessed_on} is not a plausible assessment date; give the day of "
                                 f"the assessment (a year from {ASSESSED_YEARS[0]} to {ASSESSED_YEARS[1]})")
        except ValueError as exc:
            c.problems.append(doc.problem(("partner", "assessed_on"), f"assessed_on: {exc}", "value"))
    primary_focus = partner.get("primary_focus") or None
    # the line led with is one of the lines of business, listed or not
    focus = tuple(sorted(set(partner.get("focus") or []) | ({primary_focus} if primary_focus else set())))
    return _Partner(partner.get("name"), years, assessed_on, focus, currency, language, convention,
                    primary_focus, locale)


def _answers(c: _Check, pack: Pack, p: _Partner, listed: set[str], not_applicable: set[str]) -> dict[str, Any]:
    doc, answers = c.doc, {}
    for qid, v in _renamed(doc, pack, c.section("answers"), c.warnings):
        q = pack.questions.get(qid)
        if q is None and qid in pack.disabled:
            continue  # the same answers file serves a pack that leaves this question out
        if q is None:
            c.problems.append(doc.problem(("answers", qid), f"unknown question {qid!r}"
                                          f"{c.suggest(qid, pack.questions)}", "unknown-question", key=True))
            continue
        listed.add(qid)
        if v is None:  # left blank: not assessed, unless the answer went into the comment
            c.found(_typed_after_hint(doc, ("answers", qid), question_hint(q), lambda t, q=q: _value(
                q.type, t, q.choices, p.currency, p.convention, (q.min, q.max))))
            continue
        if _is_not_applicable(v):
            not_applicable.add(qid)
            continue
        v = doc.written.get(("answers", qid), v)  # `1.200` as typed, not the float YAML made of it
        try:
            val = _value(q.type, v, q.choices, p.currency, p.convention, (q.min, q.max))
            if isinstance(val, float):
                check_range(val, q.min, q.max, q.type)
            answers[qid] = val
            if q.type == "percent":
                c.warnings.extend(_fraction_warning(doc, ("answers", qid), qid, v, val))
        except ValueError as exc:
            c.problems.append(doc.problem(("answers", qid), f"{qid}: {exc}", "value"))
    return answers


def _metrics(c: _Check, pack: Pack, p: _Partner, listed: set[str], not_applicable: set[str]) -> dict[str, float]:
    doc, metrics = c.doc, {}
    for mid, v in _retired(doc, pack, "metrics", c.section("metrics"), c.warnings):
        m = pack.metrics.get(mid)
        if m is None and mid in pack.disabled:
            continue
        if m is None:
            c.problems.append(doc.problem(("metrics", mid), f"unknown metric {mid!r}"
                                          f"{c.suggest(mid, pack.metrics)}", "unknown-metric", key=True))
            continue
        listed.add(mid)
        if v is None:
            c.found(_typed_after_hint(doc, ("metrics", mid), metric_hint(m), lambda t, m=m: read_value(
                _metric_kind(m.unit), t, p.convention, currency=p.currency, within=(m.min, m.max))))
            continue
        if _is_not_applicable(v):
            not_applicable.add(mid)
            continue
        v = doc.written.get(("metrics", mid), v)
        try:
            val = read_value(_metric_kind(m.unit), v, p.convention, currency=p.currency, within=(m.min, m.max))
            check_range(val, m.min, m.max, m.unit)
            metrics[mid] = val
            if m.unit == "percent":
                c.warnings.extend(_fraction_warning(doc, ("metrics", mid), mid, v, val))
        except ValueError as exc:
            c.problems.append(doc.problem(("metrics", mid), f"{mid}: {exc}", "value"))
    return metrics


def _customers(c: _Check, pack: Pack, p: _Partner, customers_dir: Path | None,
               columns: Mapping[str, str] | None = None) -> tuple[list[Customer], ColumnsRead | None]:
    doc = c.doc
    customers: list[Customer] = []
    stage_ids = [s.id for s in pack.maturity_stages]
    given_customers = c.data.get("customers") if c.ok("customers") else None
    understood = None
    if isinstance(given_customers, (str, dict)):  # a CSV export, relative to the answers file (playbook/customers)
        rows, found, understood = read_customers_entry(given_customers, customers_dir, doc, stage_ids, p.locale,
                                                       p.currency, columns, str(p.name or ""))
        customers.extend(rows)
        c.split(found)
        given_customers = None
    for i, row in enumerate(given_customers or []):
        if not c.ok("customers", i):
            continue
        stage = normalize_choice(row.get("stage", ""))
        if stage_ids and stage not in stage_ids:
            c.problems.append(doc.problem(("customers", i, "stage"), "unknown customer stage "
                                          f"{describe(row.get('stage'))}{c.suggest(stage, stage_ids)} "
                                          f"(stages: {one_of(stage_ids)})", "unknown-stage"))
            continue
        revenue = None
        if row.get("revenue") is not None:
            try:
                revenue = read_value("money", doc.written.get(("customers", i, "revenue"), row["revenue"]),
                                     p.convention, currency=p.currency)
                check_range(revenue, 0, None, "money")
            except ValueError as exc:
                c.problems.append(doc.problem(("customers", i, "revenue"), f"revenue: {exc}", "value"))
        renewal = None
        if row.get("renewal_date") is not None:
            try:
                renewal = read_value("date", row["renewal_date"], p.convention)
            except ValueError as exc:
                c.problems.append(doc.problem(("customers", i, "renewal_date"), f"renewal_date: {exc}", "value"))
        customers.append(Customer(str(row.get("name", "")), stage, revenue, renewal))
    return customers, understood


def _language(doc: Document, v: Any) -> tuple[str, list[Problem]]:
    """partner.language as a base tag ("de-AT" -> "de"), and its problems: not a
    tag is an error; a language without a shipped translation is a warning
    (the report is in English, numbers are still read the language's way)."""
    from playbook.errors import UsageError
    from playbook.i18n import language_tag, languages

    try:
        lang = language_tag(str(v))
    except UsageError:
        return "", [doc.problem(("partner", "language"), f"language: {describe(v)} is not a language tag; write it "
                                f"like de or de-DE (languages with a translation: {', '.join(languages())})",
                                "value")]
    if lang not in languages():
        return lang, [doc.problem(("partner", "language"), f"language: no translation for {lang!r}"
                                  f"{did_you_mean(lang, languages())}, so the report is in English; numbers are "
                                  f"read as {lang!r} writes them (translations: {', '.join(languages())})",
                                  "language", severity="warning")]
    return lang, []


def _is_not_applicable(v: Any) -> bool:
    """`n/a`, `N/A`, `na`, `not applicable`: the answer says it does not apply (not a blank)."""
    return isinstance(v, str) and re.fullmatch(NOT_APPLICABLE_PATTERN, v) is not None


def _retired(doc: Document, pack: Pack, section: str, given: dict[str, Any],
             warnings: list[Problem]) -> list[tuple[str, Any]]:
    """The answers of a section without those under ids the pack has retired,
    each of which is a warning carrying the pack's message (not "unknown id")."""
    out = []
    for key, v in given.items():
        if key in pack.retired and key not in pack.questions and key not in pack.metrics:
            if v is not None:
                warnings.append(doc.problem((section, key), f"{key} is no longer asked by this pack: "
                                            f"{pack.retired[key]}", "retired-id", key=True, severity="warning"))
            continue
        out.append((key, v))
    return out


def _renamed(doc: Document, pack: Pack, given: dict[str, Any], warnings: list[Problem]) -> list[tuple[str, Any]]:
    """Question answers with old ids read as the question that `replaces` them,
    with a warning naming the new id; an answer under the new id wins."""
    successor = {old: q.id for q in pack.questions.values() for old in q.replaces}
    out = []
    for key, v in _retired(doc, pack, "answers", given, warnings):
        new = successor.get(key) if key not in pack.questions else None
        if new is None:
            out.append((key, v))
            continue
        if v is None:
            continue
        if given.get(new) is not None:
            warnings.append(doc.problem(("answers", key), f"{key} is now asked as {new}, which is answered "
                                        f"too; the answer under {key} is ignored", "renamed-id", key=True,
                                        severity="warning"))
            continue
        warnings.append(doc.problem(("answers", key), f"{key} is now asked as {new}: the answer is read as "
                                    f"{new}; rename it in the file", "renamed-id", key=True, severity="warning"))
        out.append((new, v))
    return out


def _focus_word(w: str) -> str:
    if w not in ops.FOCUS_VALUES:
        raise ValueError(f"{w!r} is not a focus")
    return w
