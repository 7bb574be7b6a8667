"""Loading a rule pack, the cross-reference stage: building its items.

`_Builder` holds the raw items of every layer while they are checked and
compiled: conditions and value tests are compiled against the questions,
metrics and benchmarks they name, duplicate ids are found, and every problem
is collected rather than raised. The helpers here turn raw items into model
values (`_formula`, `_text`, `_applies_when`, `_stage_rule`) and check old ids
(`replaces:`, `retired:`); playbook/pack/load.py runs the stages and re-exports
these names.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playbook.base import operators as ops
from playbook.base.model import (
    All,
    AnyOf,
    Condition,
    Formula,
    Leaf,
    Loc,
    Metric,
    Not,
    Question,
    Source,
    StageRule,
)
from playbook.base.suggest import did_you_mean, one_of
from playbook.base.values import QUESTION_TYPES, normalize_choice, parse_bool, parse_date, parse_number
from playbook.base.yamlio import Document, PathKey
from playbook.errors import Problem
from playbook.pack.sources import _check_source, _source_strings

KINDS = ("stages", "maturity_stages", "questions", "metrics", "benchmarks", "actions", "checklists")


class _Builder:
    """Holds the raw items of every file while the pack is checked and compiled."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.raw: dict[str, list[tuple[Document, PathKey, dict[str, Any]]]] = {k: [] for k in KINDS}
        self.questions: dict[str, Question] = {}
        self.metrics: dict[str, Metric] = {}
        self.benchmark_ids: set[str] = set()
        self.broken_ids: set[str] = set()  # actions left out for schema errors: not "unknown"
        # and questions, metrics and benchmarks left out likewise, as (subject, id):
        # a reference to one of them is not a second mistake
        self.broken_refs: set[tuple[str, str]] = set()
        self.broken_items: list[Any] = []  # and every item left out, whose references still count as uses
        self.broken_where: list[tuple[Document, PathKey, Any]] = []  # the same items, located
        self.cited: dict[str, set[str]] = {}  # guide file -> normalized sections cited
        self.disabled: set[str] = set()
        # (kind, id, field) -> where an overlay's `override:` set that field
        self.overridden: dict[tuple[str, str, str], tuple[Document, PathKey]] = {}
        self.top_docs: list[Document] = []  # the files of the extending pack, when it extends one

    def at(self, kind: str, item: dict[str, Any], doc: Document, path: PathKey, field: str) -> tuple[Document, PathKey]:
        """Where a field of an item was written: its overlay override if any."""
        return self.overridden.get((kind, str(item.get("id")), field), (doc, path + (field,)))

    def err(self, doc: Document, path: PathKey, msg: str, code: str, key: bool = False,
            severity: str = "error") -> None:
        self.problems.append(doc.problem(path, msg, code, key=key, severity=severity))

    def loc(self, doc: Document, path: PathKey) -> Loc:
        line, col = doc.where(path)
        return Loc(doc.file, line, col)

    # ---- conditions -------------------------------------------------------

    def subject_kind(self, subject: str, ref: str) -> tuple[str | None, tuple[str, ...], bool]:
        """(kind, choices, ordered) of a condition subject, kind None if unknown."""
        if subject == "question":
            q = self.questions.get(ref)
            if q is None:
                return None, (), False
            kind = QUESTION_TYPES[q.type]
            if q.type == "choice" and q.ordered:
                kind = ops.ORDERED_CHOICE
            return kind, q.choices, q.ordered
        if subject == "metric":
            return (ops.NUMBER if ref in self.metrics else None), (), False
        if subject == "profile":
            return ops.PROFILE_FIELDS.get(ref), (), False
        return (ops.CHOICE if ref in self.benchmark_ids else None), ops.FINDING_STATUSES, False

    def operand(self, doc: Document, path: PathKey, kind: str, choices: tuple[str, ...],
                raw: Any, subject: str, ref: str) -> Any:
        """Check and convert one operand to the subject's value type; None on error."""
        try:
            if kind == ops.NUMBER:
                return parse_number(raw, percent=True, money=True)
            if kind == ops.BOOL:
                return parse_bool(raw)
            if kind == ops.DATE:
                return parse_date(raw)
            if kind in (ops.CHOICE, ops.ORDERED_CHOICE) or (kind == ops.LIST and ref == "focus"):
                allowed = choices or (ops.FOCUS_VALUES if ref == "focus" else ())
                v = normalize_choice(raw)
                if allowed and v not in allowed:
                    self.err(doc, path, f"{raw!r} is not a value of {subject} {ref!r}"
                             f"{did_you_mean(v, allowed)} (its values: {one_of(allowed)})", "unknown-value")
                    return None
                return v
            return raw
        except ValueError as exc:
            self.err(doc, path, f"{exc}; {subject} {ref!r} holds {kind.replace('_', ' ')} values", "operand-type")
            return None

    def condition(self, doc: Document, path: PathKey, raw: Any) -> Condition | None:
        loc = self.loc(doc, path)
        if not isinstance(raw, dict):
            return None  # the schema stage has reported it
        combos = [k for k in ops.COMBINATORS if k in raw]
        if combos:
            return self._combination(doc, path, raw, combos[0], loc)
        return self._leaf(doc, path, raw, loc)

    def _combination(self, doc: Document, path: PathKey, raw: dict[str, Any], key: str, loc: Loc) -> Condition | None:
        """all: / any: / not: over conditions; None when any part is wrong (and reported)."""
        if len(raw) != 1:
            self.err(doc, path, f"{key!r} must stand alone in its mapping; put the other "
                     f"keys ({one_of(k for k in raw if k != key)}) inside it", "condition-shape")
            return None
        if key == "not":
            inner = self.condition(doc, path + ("not",), raw["not"])
            return Not(inner, loc) if inner is not None else None
        items = raw[key] if isinstance(raw[key], list) else []
        kids = [self.condition(doc, path + (key, i), c) for i, c in enumerate(items)]
        if any(k is None for k in kids):
            return None
        return (All if key == "all" else AnyOf)(tuple(k for k in kids if k is not None), loc)

    def _leaf(self, doc: Document, path: PathKey, raw: dict[str, Any], loc: Loc) -> Condition | None:
        """One subject, one operator: its shape, the subject known, the operator fitting its values."""
        subjects = [k for k in ops.SUBJECTS if k in raw]
        if len(subjects) != 1:
            self.err(doc, path, "a condition leaf names exactly one subject (one of: question, metric, "
                     "profile, finding) and one operator, e.g. {question: onboarding_process, eq: no}",
                     "condition-shape")
            return None
        subject = subjects[0]
        ref = raw[subject]
        op_keys = [k for k in raw if k in ops.OPERATORS]
        if subject == "finding":
            if op_keys or "status" not in raw:
                self.err(doc, path, "a finding leaf is written {finding: <benchmark id>, status: met|not_met|not_assessed}",
                         "condition-shape")
                return None
            op_keys, raw = ["eq"], {**raw, "eq": raw["status"]}
        elif "status" in raw:
            self.err(doc, path + ("status",), "'status' belongs to finding leaves only", "condition-shape", key=True)
            return None
        if len(op_keys) != 1:
            self.err(doc, path, f"use exactly one operator ({one_of(ops.OPERATORS, 20)}) "
                     f"with {subject} {ref!r}", "condition-shape")
            return None
        op = ops.OPERATORS[op_keys[0]]
        kind, choices, _ = self.subject_kind(subject, ref)
        if kind is None and (subject, ref) in self.broken_refs:
            return None  # its own error is reported where it is defined
        if kind is None:
            pool: list[str] = sorted({"question": set(self.questions), "metric": set(self.metrics),
                                      "profile": set(ops.PROFILE_FIELDS), "finding": self.benchmark_ids}[subject])
            if ref in self.disabled:
                self.err(doc, path + (subject,), f"{subject} {ref!r} is disabled by the extending pack but used "
                         "here; disable or override this item too", "uses-disabled")
            else:
                self.err(doc, path + (subject,), f"unknown {subject} {ref!r}{did_you_mean(str(ref), pool)}",
                         f"unknown-{subject}")
            return None
        if kind not in op.kinds:
            hint = " (mark the question `ordered: true` to compare choices by position)" \
                if kind == ops.CHOICE and ops.ORDERED_CHOICE in op.kinds else ""
            self.err(doc, path + (op.name,), f"operator {op.name!r} does not apply to {subject} {ref!r}, "
                     f"which holds {kind.replace('_', ' ')} values{hint}", "operator-type", key=True)
            return None
        return self._leaf_value(doc, path, raw, loc, op, kind, choices, subject, ref)

    def _leaf_value(self, doc: Document, path: PathKey, raw: dict[str, Any], loc: Loc, op: ops.Operator, kind: str,
                    choices: tuple[str, ...], subject: str, ref: Any) -> Leaf | None:
        """The leaf with its operand converted to the subject's value type
        (ordered choices as positions); None when the operand is wrong (reported)."""
        value_kind = ops.CHOICE if kind == ops.LIST else kind
        raw_val = raw[op.name]
        opath = path + (op.name,)
        order: tuple[str, ...] = ()
        value: Any
        if op.operand == "flag":
            value = True
        elif op.operand in ("list", "pair"):
            vals = [self.operand(doc, opath + (i,), value_kind, choices, v, subject, ref)
                    for i, v in enumerate(raw_val)]
            if any(v is None for v in vals):
                return None
            value = tuple(vals)
            if op.operand == "pair" and not value[0] <= value[1]:
                self.err(doc, opath, "between takes [low, high] with low <= high", "operand-type")
                return None
        else:
            value = self.operand(doc, opath, value_kind, choices, raw_val, subject, ref)
            if value is None:
                return None
        if kind == ops.ORDERED_CHOICE and op.name in ("lt", "le", "gt", "ge", "between"):
            if any(v not in choices for v in (value if isinstance(value, tuple) else (value,))):
                return None  # a question without choices: its own error is reported where it is defined
            order = choices
            value = tuple(choices.index(v) for v in value) if isinstance(value, tuple) else choices.index(value)
        return Leaf(subject, str(ref), op.name, value, raw_val, loc, order)

    def value_test(self, doc: Document, path: PathKey, raw: Any, metric: str) -> Leaf | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            return None
        (name, val), = raw.items()
        leaf = self.condition(doc, path, {"metric": metric, name: val})
        return leaf if isinstance(leaf, Leaf) else None

    # ---- items ------------------------------------------------------------

    def unique(self, kind: str) -> list[tuple[Document, PathKey, dict[str, Any]]]:
        first: dict[str, tuple[Document, PathKey]] = {}
        out = []
        for doc, path, item in self.raw[kind]:
            iid = item.get("id")
            if not isinstance(iid, str):
                continue
            if iid in first:
                fdoc, fpath = first[iid]
                line, _ = fdoc.where(fpath)
                self.err(doc, path + ("id",), f"duplicate {kind[:-1].replace('_', ' ')} id {iid!r} "
                         f"(first defined at {fdoc.file}:{line})", "duplicate-id")
                continue
            first[iid] = (doc, path)
            out.append((doc, path, item))
        return out


_SUBJECT_OF = {"questions": "question", "metrics": "metric", "benchmarks": "finding"}


def _add_items(b: _Builder, doc: Document, broken: set[tuple[str, PathKey]], sources: dict[str, Source]) -> None:
    for kind in KINDS:
        for i, item in enumerate(doc.data.get(kind) or []):
            if (doc.file, (kind, i)) in broken:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    if kind == "actions":
                        b.broken_ids.add(item["id"])
                    elif kind in _SUBJECT_OF:
                        b.broken_refs.add((_SUBJECT_OF[kind], item["id"]))
                b.broken_items.append(item)
                b.broken_where.append((doc, (kind, i), item))
                continue
            b.raw[kind].append((doc, (kind, i), item))
            if sources:
                for path, src in _source_strings(item, (kind, i)):
                    _check_source(b, doc, path, src, sources)


def _formula(raw: Any) -> Formula:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Formula("const", const=float(raw))
    (op, val), = raw.items()
    if op == "metric":
        return Formula("metric", ref=val)
    return Formula(op, tuple(_formula(a) for a in val))


def _text(item: dict[str, Any], key: str) -> str:
    v = item.get(key)
    return "" if v is None else str(v).strip()


def _stage_rule(raw: dict[str, Any]) -> StageRule:
    # `complete_share` is the older name of `in_place_share`, still accepted
    share = raw.get("in_place_share", raw.get("complete_share", 0.75))
    return StageRule(float(share), _text(raw, "note"))


def _raw_subjects(node: Any) -> Iterator[str]:
    """The subject of every leaf of a raw condition, before it is compiled."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ops.SUBJECTS:
                yield k
            elif k in ops.COMBINATORS:
                yield from _raw_subjects(v)
    elif isinstance(node, list):
        for v in node:
            yield from _raw_subjects(v)


def _applies_when(b: _Builder, kind: str, item: dict[str, Any], doc: Document, path: PathKey) -> Condition | None:
    """A question's or metric's `applies_when`: whether it is asked at all is
    decided before any answer is read, so only the partner's profile may be tested."""
    if "applies_when" not in item:
        return None
    where = b.at(kind, item, doc, path, "applies_when")
    others = sorted(set(_raw_subjects(item["applies_when"])) - {"profile"})
    if others:
        b.err(*where, f"applies_when of {kind[:-1]} {item['id']!r} may test only the partner's profile "
              f"({one_of(ops.PROFILE_FIELDS)}), not {' or '.join(others)}: it decides whether the "
              f"{kind[:-1]} is asked before any answer is read; e.g. {{profile: focus, contains: managed_services}}",
              "applies-when-subject")
        return None
    return b.condition(*where, item["applies_when"])


def _check_old_ids(b: _Builder, question_raw: list[tuple[Document, PathKey, dict[str, Any]]],
                   manifest_doc: Document, m: dict[str, Any]) -> dict[str, str]:
    """`replaces:` of questions and pack-level `retired:`: an old id must not be
    a current question or metric id, nor be taken over twice."""
    current = set(b.questions) | set(b.metrics)
    claimed: dict[str, str] = {}
    for doc, path, q in question_raw:
        for j, old in enumerate(q.get("replaces", ())):
            if old in current:
                b.err(doc, path + ("replaces", j), f"{q['id']!r} replaces {old!r}, which is still a question or "
                      "metric of the pack; an id can be replaced only once it is gone", "replaces-current")
            elif old in claimed and claimed[old] != q["id"]:
                b.err(doc, path + ("replaces", j), f"{old!r} is replaced by both {claimed[old]!r} and {q['id']!r}; "
                      "list it under `retired:` in pack.yaml with a message if it has no single successor",
                      "replaces-twice")
            else:
                claimed[old] = q["id"]
    retired: dict[str, str] = {}
    for i, r in enumerate(m.get("retired") or []):
        rid = r["id"]
        if rid in current or rid in claimed:
            what = "a current question or metric" if rid in current else f"replaced by {claimed[rid]!r}"
            b.err(manifest_doc, ("retired", i, "id"), f"retired id {rid!r} is {what}; drop it from `retired:`",
                  "retired-current")
            continue
        retired[rid] = _text(r, "message")
    return retired

