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
from playbook.answers.renames import renamed as _renamed
from playbook.answers.renames import retired as _retired
from playbook.base import operators as ops
from playbook.base.model import Answers, ColumnsRead, Customer, Pack
from playbook.base.reading import Reading, read_value
from playbook.base.suggest import Suggestions, did_you_mean, one_of
from playbook.base.values import Bounds, check_range, describe, normalize_choice
from playbook.base.yamlio import Document, decode, loads, read_file
from playbook.customers import read_customers_entry
from playbook.errors import InvalidInput, Problem
from playbook.i18n import Convention, message_language, t, using
from playbook.pack.schema import NOT_APPLICABLE_PATTERN, answers_schema
from playbook.pack.translations import choice_words
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
    with using(message_language()):  # before partner.language is read: --lang, else the locale's
        raw = read_file(path, name)
    return parse_answers(raw, pack, name, decimal=decimal, customers_dir=path.parent, columns=columns)


def parse_answers(raw: bytes, pack: Pack, name: str = "<answers>", *, decimal: str | None = None,
                  customers_dir: Path | None = None, columns: Mapping[str, str] | None = None) -> Answers:
    with using(message_language()):  # before partner.language is read: --lang, else the locale's
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
           convention: Reading = NEUTRAL, within: Bounds = (None, None),
           labels: Mapping[str, str] | None = None) -> Any:
    """`labels`: the partner's words for the choices (normalised label -> id), also accepted."""
    if question_type == "choice":
        labels = labels or {}
        c = normalize_choice(v)
        if c not in choices and c in labels:
            return labels[c]
        if c not in choices:
            shown = c if isinstance(v, bool) else describe(v)  # YAML reads a bare yes as True
            said = {ch: label.replace("_", " ") for label, ch in labels.items()}
            allowed = ", ".join(f"{said[ch]} ({ch})" if ch in said else ch for ch in choices)
            raise ValueError(t("%(value)s is not one of the allowed answers%(near)s (allowed: %(allowed)s)",
                               value=shown, near=did_you_mean(c, [*choices, *labels]), allowed=allowed))
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
    # the template's hint in English, or in the language the file is checked in (init --lang de)
    hint = next((h for h in (hint, t(hint) if hint else "") if h and comment.startswith(h)), "")
    if not hint:
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
    message = (t("%(key)s: the text after the hint comment is part of the comment, so %(key)s is read as blank; "
                 "move `%(shown)s` before the `#` (%(key)s: %(shown)s  # %(hint)s)", key=path[-1], shown=shown,
                 hint=hint) if valid else
               t("%(key)s: the text after the hint comment is part of the comment, so %(key)s is not read; if "
                 "`%(shown)s` is your answer, move it before the `#`", key=path[-1], shown=shown))
    return [Problem(doc.file, line_no, col, message, "answer-in-comment", "error" if valid else "warning")]


def _fraction_warning(doc: Document, path: tuple[str, str], key: str, raw: Any, val: float) -> list[Problem]:
    """A percentage between 0 and 1 written without a % sign is most likely a
    fraction (0.12 for 12 %). It stays as written, since small percentages are
    real, but the reader is told; writing the % sign says it is meant."""
    if not 0 < val < 1 or (isinstance(raw, str) and "%" in raw):
        return []
    return [doc.problem(path, t("%(key)s is %(val)s, which reads as %(val)s %%; percentages are written as whole "
                                "numbers, so write %(whole)s if you meant %(whole)s %%, or '%(val)s%%' to keep it",
                                key=key, val=format(val, "g"), whole=format(val * 100, "g")),
                        "percent-fraction", severity="warning")]


def check_answers(doc: Document, pack: Pack, input_hash: str = "", *, decimal: str | None = None,
                  customers_dir: Path | None = None, columns: Mapping[str, str] | None = None) -> Answers:
    """The checked answers. `decimal` is the decimal separator when a locale
    settles it ("." or ","); None refuses numbers that read differently under
    the two conventions (1.200). `customers_dir` is where a `customers:` CSV
    path is looked up; answers from bytes (a web form) have none, so they
    cannot make us read a file. Its messages are in the partner's language
    (playbook.i18n.message_language)."""
    with using(message_language(_written_language(doc.data))):
        return _check_answers(doc, pack, input_hash, decimal=decimal, customers_dir=customers_dir, columns=columns)


def _written_language(data: Any) -> str | None:
    """partner.language's base tag, if the file gives one that reads as a tag
    and a translation ships for it."""
    from playbook.errors import UsageError
    from playbook.i18n import language_tag, languages

    partner = data.get("partner") if isinstance(data, dict) else None
    given = partner.get("language") if isinstance(partner, dict) else None
    try:
        tag = language_tag(given) if isinstance(given, str) else None
    except UsageError:
        return None
    return tag if tag in languages() else None


def _check_answers(doc: Document, pack: Pack, input_hash: str, *, decimal: str | None,
                   customers_dir: Path | None, columns: Mapping[str, str] | None) -> Answers:
    data = doc.data
    if data is None:
        raise InvalidInput([doc.problem((), t("the file is empty; run `playbook init` for a template to fill in"),
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
            c.problems.append(doc.problem(("partner", field), t(
                "partner.%(field)s is %(n)s characters long; keep it under %(limit)s", field=field,
                n=format(len(partner[field]), ","), limit=format(limit, ",")), "too-long"))
            del partner[field]
    currency: str | None = None
    if partner.get("currency") is not None:
        currency = _currency(partner["currency"])
        if currency is None:
            c.problems.append(doc.problem(("partner", "currency"), t(
                "currency: %(value)s is not a currency; write a three-letter ISO 4217 code (USD, EUR, GBP) or a "
                "symbol such as $ or €", value=describe(partner['currency'])), "value"))
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
                raise ValueError(t("%(date)s is not a plausible assessment date; give the day of the assessment "
                                   "(a year from %(first)s to %(last)s)", date=assessed_on,
                                   first=ASSESSED_YEARS[0], last=ASSESSED_YEARS[1]))
        except ValueError as exc:
            c.problems.append(doc.problem(("partner", "assessed_on"), f"assessed_on: {exc}", "value"))
    primary_focus = partner.get("primary_focus") or None
    # the line led with is one of the lines of business, listed or not
    focus = tuple(sorted(set(partner.get("focus") or []) | ({primary_focus} if primary_focus else set())))
    return _Partner(partner.get("name"), years, assessed_on, focus, currency, language, convention,
                    primary_focus, locale)


def _answers(c: _Check, pack: Pack, p: _Partner, listed: set[str], not_applicable: set[str]) -> dict[str, Any]:
    doc, answers = c.doc, {}
    words = choice_words(pack, p.language)  # `einige` for `some` in a German file
    for qid, v in _renamed(doc, pack, c.section("answers"), c.warnings):
        q = pack.questions.get(qid)
        if q is None and qid in pack.disabled:
            continue  # the same answers file serves a pack that leaves this question out
        if q is None:
            c.problems.append(doc.problem(("answers", qid), t("unknown question %(id)s%(near)s", id=repr(qid),
                                          near=c.suggest(qid, pack.questions)), "unknown-question", key=True))
            continue
        listed.add(qid)
        if v is None:  # left blank: not assessed, unless the answer went into the comment
            c.found(_typed_after_hint(doc, ("answers", qid), question_hint(q), lambda t, q=q: _value(
                q.type, t, q.choices, p.currency, p.convention, (q.min, q.max), words.get(q.id, {}))))
            continue
        if _is_not_applicable(v):
            not_applicable.add(qid)
            continue
        v = doc.written.get(("answers", qid), v)  # `1.200` as typed, not the float YAML made of it
        try:
            val = _value(q.type, v, q.choices, p.currency, p.convention, (q.min, q.max), words.get(q.id, {}))
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
            c.problems.append(doc.problem(("metrics", mid), t("unknown metric %(id)s%(near)s", id=repr(mid),
                                          near=c.suggest(mid, pack.metrics)), "unknown-metric", key=True))
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
            c.problems.append(doc.problem(("customers", i, "stage"), t(
                "unknown customer stage %(value)s%(near)s (stages: %(stages)s)", value=describe(row.get('stage')),
                near=c.suggest(stage, stage_ids), stages=one_of(stage_ids)), "unknown-stage"))
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
        return "", [doc.problem(("partner", "language"), t(
            "language: %(value)s is not a language tag; write it like de or de-DE (languages with a translation: "
            "%(known)s)", value=describe(v), known=", ".join(languages())), "value")]
    if lang not in languages():
        return lang, [doc.problem(("partner", "language"), t(
            "language: no translation for %(lang)s%(near)s, so the report is in English; numbers are read as "
            "%(lang)s writes them (translations: %(known)s)", lang=repr(lang), near=did_you_mean(lang, languages()),
            known=", ".join(languages())), "language", severity="warning")]
    return lang, []


def _is_not_applicable(v: Any) -> bool:
    """`n/a`, `N/A`, `na`, `not applicable`: the answer says it does not apply (not a blank)."""
    return isinstance(v, str) and re.fullmatch(NOT_APPLICABLE_PATTERN, v) is not None


def _focus_word(w: str) -> str:
    if w not in ops.FOCUS_VALUES:
        raise ValueError(t("%(value)s is not a focus", value=repr(w)))
    return w
