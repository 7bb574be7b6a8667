"""Reading a partner's answers file and checking it against a pack."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from playbook import operators as ops
from playbook.errors import InvalidInput, Problem
from playbook.model import Answers, Customer, Pack
from playbook.schema import NOT_APPLICABLE_PATTERN, answers_schema
from playbook.suggest import did_you_mean, one_of
from playbook.validation import schema_errors
from playbook.values import (
    check_range, normalize_choice, parse_bool, parse_date, parse_number,
)
from playbook.yamlio import Document, decode, loads

TOP_KEYS = ("partner", "answers", "metrics", "nps_responses", "customers")


def load_answers(path: Path, pack: Pack, display: str | None = None) -> Answers:
    name = display or str(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InvalidInput([Problem(name, 0, 0, f"cannot read the file: {exc.strerror}", "unreadable")]) from None
    return parse_answers(raw, pack, name)


def parse_answers(raw: bytes, pack: Pack, name: str = "<answers>") -> Answers:
    doc = loads(decode(raw, name), name)
    return check_answers(doc, pack, "sha256:" + hashlib.sha256(raw).hexdigest())


def _value(question_type: str, v: Any, choices: tuple[str, ...]) -> Any:
    if question_type == "yesno":
        return parse_bool(v)
    if question_type == "choice":
        c = normalize_choice(v)
        if c not in choices:
            shown = c if isinstance(v, bool) else repr(v)  # YAML reads a bare yes as True
            raise ValueError(f"{shown} is not one of the allowed answers{did_you_mean(c, choices)} "
                             f"(allowed: {', '.join(choices)})")
        return c
    if question_type == "date":
        return parse_date(v)
    return parse_number(v, percent=question_type == "percent", money=question_type == "money")


def _fraction_warning(doc: Document, path: tuple[str, str], key: str, raw: Any, val: float) -> list[Problem]:
    """A percentage between 0 and 1 written without a % sign is most likely a
    fraction (0.12 for 12 %). It stays as written, since small percentages are
    real, but the reader is told; writing the % sign says it is meant."""
    if not 0 < val < 1 or (isinstance(raw, str) and "%" in raw):
        return []
    return [doc.problem(path, f"{key} is {val:g}, which reads as {val:g} %; percentages are written as "
                        f"whole numbers, so write {val * 100:g} if you meant {val * 100:g} %, "
                        f"or '{val:g}%' to keep it", "percent-fraction", severity="warning")]


def check_answers(doc: Document, pack: Pack, input_hash: str = "") -> Answers:
    problems: list[Problem] = []
    warnings: list[Problem] = []
    data = doc.data
    if data is None:
        raise InvalidInput([doc.problem((), "the file is empty; run `playbook init` for a template to fill in",
                                        "empty")])
    if not isinstance(data, dict):
        raise InvalidInput([doc.problem((), "an answers file must be a mapping with the keys "
                                        f"{', '.join(TOP_KEYS)}; run `playbook init` for a template", "type")])
    # Structural problems are reported together with every other mistake;
    # only the parts they are about are left out of the later checks.
    errors = schema_errors(doc, answers_schema(None))
    problems.extend(p for _, p in errors)
    broken = {path[:n] for path, _ in errors for n in (1, 2)}
    if any(not path for path, _ in errors):
        raise InvalidInput(problems)

    def ok(*path: Any) -> bool:
        return path[:1] not in broken and path[:2] not in broken

    # a blank or "" field in a template that was not filled in means "not given"
    partner = {k: v for k, v in ((data.get("partner") if ok("partner") else None) or {}).items()
               if v not in (None, "") and ok("partner", k)}
    name = partner.get("name")
    years = None
    if partner.get("years_in_cloud") is not None:
        try:
            years = parse_number(partner["years_in_cloud"])
            check_range(years, 0, 100)
        except ValueError as exc:
            problems.append(doc.problem(("partner", "years_in_cloud"), f"years_in_cloud: {exc}", "value"))
    assessed_on = None
    if partner.get("assessed_on") is not None:
        try:
            assessed_on = parse_date(partner["assessed_on"])
        except ValueError as exc:
            problems.append(doc.problem(("partner", "assessed_on"), f"assessed_on: {exc}", "value"))
    focus = tuple(sorted(set(partner.get("focus") or [])))

    answers: dict[str, Any] = {}
    not_applicable: set[str] = set()
    listed: set[str] = set()  # every question and metric id the file names, answered or blank
    given_q = (data.get("answers") if ok("answers") else None) or {}
    for qid, v in _renamed(doc, pack, given_q, warnings):
        q = pack.questions.get(qid)
        if q is None and qid in pack.disabled:
            continue  # the same answers file serves a pack that leaves this question out
        if q is None:
            problems.append(doc.problem(("answers", qid), f"unknown question {qid!r}"
                                        f"{did_you_mean(qid, pack.questions)}", "unknown-question", key=True))
            continue
        listed.add(qid)
        if v is None:
            continue  # left blank: not assessed
        if _is_not_applicable(v):
            not_applicable.add(qid)
            continue
        try:
            val = _value(q.type, v, q.choices)
            if isinstance(val, float):
                check_range(val, q.min, q.max, q.type)
            answers[qid] = val
            if q.type == "percent":
                warnings.extend(_fraction_warning(doc, ("answers", qid), qid, v, val))
        except ValueError as exc:
            problems.append(doc.problem(("answers", qid), f"{qid}: {exc}", "value"))

    metrics: dict[str, float] = {}
    given_m = (data.get("metrics") if ok("metrics") else None) or {}
    for mid, v in _retired(doc, pack, "metrics", given_m, warnings):
        m = pack.metrics.get(mid)
        if m is None and mid in pack.disabled:
            continue
        if m is None:
            problems.append(doc.problem(("metrics", mid), f"unknown metric {mid!r}"
                                        f"{did_you_mean(mid, pack.metrics)}", "unknown-metric", key=True))
            continue
        listed.add(mid)
        if v is None:
            continue
        if _is_not_applicable(v):
            not_applicable.add(mid)
            continue
        try:
            val = parse_number(v, percent=m.unit == "percent", money=m.unit.startswith("money"))
            check_range(val, m.min, m.max, m.unit)
            metrics[mid] = val
            if m.unit == "percent":
                warnings.extend(_fraction_warning(doc, ("metrics", mid), mid, v, val))
        except ValueError as exc:
            problems.append(doc.problem(("metrics", mid), f"{mid}: {exc}", "value"))

    responses = data.get("nps_responses") if not any(p[:1] == ("nps_responses",) for p in broken) else None
    nps: tuple[int, ...] | None = None
    if responses is not None:
        nps = tuple(int(r) for r in responses)  # the schema stage checked 0..10 integers

    customers = []
    stage_ids = [s.id for s in pack.maturity_stages]
    for i, c in enumerate((data.get("customers") if ok("customers") else None) or []):
        if not ok("customers", i):
            continue
        stage = normalize_choice(c.get("stage", ""))
        if stage_ids and stage not in stage_ids:
            problems.append(doc.problem(("customers", i, "stage"), f"unknown customer stage {c.get('stage')!r}"
                                        f"{did_you_mean(stage, stage_ids)} (stages: {one_of(stage_ids)})",
                                        "unknown-stage"))
            continue
        revenue = None
        if c.get("revenue") is not None:
            try:
                revenue = parse_number(c["revenue"], money=True)
                check_range(revenue, 0, None, "money")
            except ValueError as exc:
                problems.append(doc.problem(("customers", i, "revenue"), f"revenue: {exc}", "value"))
        renewal = None
        if c.get("renewal_date") is not None:
            try:
                renewal = parse_date(c["renewal_date"])
            except ValueError as exc:
                problems.append(doc.problem(("customers", i, "renewal_date"), f"renewal_date: {exc}", "value"))
        customers.append(Customer(str(c.get("name", "")), stage, revenue, renewal))

    if problems:
        raise InvalidInput(problems + warnings)
    return Answers(
        file=doc.file, partner_name=str(name) if name is not None else "",
        assessed_on=assessed_on, years_in_cloud=years, focus=focus,
        currency=str(partner.get("currency") or ""), answers=answers, metrics=metrics,
        nps_responses=nps, customers=tuple(customers), input_hash=input_hash,
        warnings=tuple(warnings), not_applicable=frozenset(not_applicable), listed=frozenset(listed),
    )


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


def known_focus() -> tuple[str, ...]:
    return ops.FOCUS_VALUES
