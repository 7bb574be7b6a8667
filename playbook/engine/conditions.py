"""Conditions: three-valued evaluation over a partner's facts, and the plain
sentences that explain a leaf's outcome.

A leaf that reads an unanswered question or a missing metric is unknown
(None), never false, so an unanswered practice is "not assessed" rather than
silently "no".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from playbook.base import operators as ops
from playbook.base.model import All, Condition, Leaf, Not, Pack
from playbook.engine.result import Evidence, Finding, relative_gap
from playbook.i18n import N_, t
from playbook.i18n import value as format_value

ORDERING_OPS = frozenset({"lt", "le", "gt", "ge", "between"})


@dataclass(frozen=True)
class Facts:
    """Everything a condition can read."""

    answers: dict[str, Any]
    metrics: dict[str, float]
    profile: dict[str, Any]
    findings: dict[str, str | None]  # None: the benchmark's metric does not apply (answered n/a)
    detail: dict[str, Finding] | None = None


def _subject_value(leaf: Leaf, f: Facts) -> Any:
    if leaf.subject == "question":
        return f.answers.get(leaf.ref)
    if leaf.subject == "metric":
        return f.metrics.get(leaf.ref)
    if leaf.subject == "profile":
        return f.profile.get(leaf.ref)
    return f.findings.get(leaf.ref, "not_applicable")


def eval_leaf(leaf: Leaf, f: Facts) -> bool | None:
    v = _subject_value(leaf, f)
    if leaf.op == "present":
        return v is not None
    if leaf.op == "absent":
        return v is None
    if v is None:
        return None
    if leaf.subject == "finding" and v == "not_assessed" and leaf.value != "not_assessed":
        return None  # a blank metric leaves "is the target met?" unknown, never "no"
    if leaf.order:
        v = leaf.order.index(v)
    return ops.OPERATORS[leaf.op].test(v, leaf.value)


def holds(cond: Condition | None, f: Facts) -> bool | None:
    """Kleene three-valued evaluation; an absent condition holds."""
    if cond is None:
        return True
    if isinstance(cond, Leaf):
        return eval_leaf(cond, f)
    if isinstance(cond, Not):
        r = holds(cond.item, f)
        return None if r is None else not r
    unknown = False
    if isinstance(cond, All):
        for c in cond.items:
            r = holds(c, f)
            if r is False:
                return False
            unknown = unknown or r is None
        return None if unknown else True
    for c in cond.items:  # AnyOf
        r = holds(c, f)
        if r is True:
            return True
        unknown = unknown or r is None
    return None if unknown else False


def leaves(cond: Condition | None, negated: bool = False) -> Iterator[tuple[Leaf, bool]]:
    """Every leaf with whether it sits under an odd number of `not`s."""
    if cond is None:
        return
    if isinstance(cond, Leaf):
        yield cond, negated
    elif isinstance(cond, Not):
        yield from leaves(cond.item, not negated)
    else:
        for c in cond.items:
            yield from leaves(c, negated)


def _shown(v: Any) -> str:
    if isinstance(v, (list, tuple)):
        return ", ".join(_shown(x) for x in v)
    if isinstance(v, bool):
        return t("yes") if v else t("no")
    return str(v)


def _choice(v: Any, q: Any = None) -> str:
    return t("“%(choice)s”", choice=q.choice_label(str(v)) if q is not None else str(v).replace("_", " "))


def _is_choice(leaf: Leaf, pack: Pack) -> bool:
    """Choice answers are quoted in reasons, so that `ne: not_vertical` reads
    'is not “not vertical”' rather than 'is not not vertical'."""
    q = pack.questions.get(leaf.ref) if leaf.subject == "question" else None
    return bool(q and q.choices)


def _observed_text(leaf: Leaf, raw: Any, pack: Pack, currency: str) -> str:
    if leaf.subject == "metric":
        m = pack.metrics.get(leaf.ref)
        return format_value(raw, m.unit if m else None, currency)
    if _is_choice(leaf, pack) and raw is not None:
        q = pack.questions[leaf.ref]
        vals = raw if isinstance(raw, (tuple, list)) else [raw]
        return ", ".join(_choice(x, q) for x in vals) or t("none")
    if isinstance(raw, (tuple, list)):
        return ", ".join(str(x) for x in raw) or t("none")
    return format_value(raw, None)


# The operators' plain words, as the reasons write them (operators.py keeps the
# English for docs and the schema; these are marked so the catalogs carry them).
_OP_WORDS = {"eq": N_("is"), "ne": N_("is not"), "lt": N_("is less than"), "le": N_("is at most"),
             "gt": N_("is more than"), "ge": N_("is at least"), "between": N_("is between"),
             "in": N_("is one of"), "not_in": N_("is not one of"), "contains": N_("includes"),
             "present": N_("is answered"), "absent": N_("is not answered")}


def _words(op: ops.Operator) -> str:
    return t(_OP_WORDS[op.name]) if op.name in _OP_WORDS else op.words


def _threshold_text(leaf: Leaf, pack: Pack, currency: str) -> str:
    op = ops.OPERATORS[leaf.op]
    if op.operand == "flag":
        return _words(op)
    if leaf.subject == "metric":
        m = pack.metrics.get(leaf.ref)
        unit = m.unit if m else None
        shown = leaf.shown if isinstance(leaf.shown, list) else [leaf.shown]
        from playbook.base.values import parse_number
        vals = [format_value(parse_number(s, percent=True, money=True), unit, currency) for s in shown]
        return f"{_words(op)} {t(' and ').join(vals) if op.name == 'between' else ', '.join(vals)}"
    if _is_choice(leaf, pack):
        q = pack.questions[leaf.ref]
        choices = leaf.shown if isinstance(leaf.shown, (tuple, list)) else [leaf.shown]
        return f"{_words(op)} {', '.join(_choice(v, q) for v in choices)}"
    return f"{_words(op)} {_shown(leaf.shown).replace('_', ' ')}"


def _subject_label(leaf: Leaf, pack: Pack) -> str:
    if leaf.subject == "question":
        q = pack.questions.get(leaf.ref)
        return t("answer to “%(question)s” (%(id)s)", question=q.text, id=leaf.ref) if q else \
            t("answer to %(id)s", id=leaf.ref)
    if leaf.subject == "metric":
        m = pack.metrics.get(leaf.ref)
        return f"{m.name if m else leaf.ref} ({leaf.ref})"
    if leaf.subject == "profile":
        return t("partner %(field)s", field=leaf.ref)
    return t("benchmark %(id)s", id=leaf.ref)


def _rel_gap(leaf: Leaf, observed: Any) -> float | None:
    if leaf.subject != "metric" or not isinstance(observed, (int, float)) or isinstance(observed, bool):
        return None
    if leaf.op not in ORDERING_OPS:
        return None
    bound = leaf.value[0] if leaf.op == "between" else leaf.value
    scale = max(abs(float(bound)), 1.0)
    return min(1.0, abs(float(observed) - float(bound)) / scale)


def _finding_evidence(leaf: Leaf, f: Facts, currency: str) -> Evidence | None:
    fd = (f.detail or {}).get(leaf.ref)
    if fd is None or fd.value is None:
        return None
    val = format_value(fd.value, fd.unit, currency)
    values = {"metric": fd.metric_name, "id": fd.metric, "value": val, "target": fd.target,
              "benchmark": fd.benchmark}
    text = t("%(metric)s (%(id)s) is %(value)s, which meets the target %(target)s [benchmark %(benchmark)s].",
             **values) if fd.status == "met" else \
        t("%(metric)s (%(id)s) is %(value)s, which misses the target %(target)s [benchmark %(benchmark)s].",
          **values)
    rel = relative_gap(fd)
    if rel is not None:
        rel = min(1.0, rel)
    return Evidence(text, "finding", leaf.ref, fd.value, fd.target, rel)


_ROLE_SENTENCE = {
    "fires": N_("The %(subject)s is %(observed)s; this action is recommended when it %(rule)s."),
    "done": N_("The %(subject)s is %(observed)s; the practice counts as in place when it %(rule)s."),
    "applies": N_("The %(subject)s is %(observed)s; the benchmark applies when it %(rule)s."),
}


def evidence(leaf: Leaf, f: Facts, pack: Pack, currency: str, role: str) -> Evidence:
    if leaf.subject == "finding":
        fe = _finding_evidence(leaf, f, currency)
        if fe is not None:
            return fe
    raw = _subject_value(leaf, f)
    obs = _observed_text(leaf, raw, pack, currency)
    rule = _threshold_text(leaf, pack, currency)
    subject = _subject_label(leaf, pack)
    if role == "fires" and leaf.op == "eq":  # "is X; recommended when it is X" would say it twice
        text = t("The %(subject)s is %(observed)s, which calls for this action.", subject=subject, observed=obs)
    else:
        text = t(_ROLE_SENTENCE[role], subject=subject, observed=obs, rule=rule)
    obs_json = raw if not isinstance(raw, tuple) else list(raw)
    shown = leaf.shown if not isinstance(leaf.shown, tuple) else list(leaf.shown)
    return Evidence(text, leaf.subject, leaf.ref, obs_json, shown, _rel_gap(leaf, raw))


def missing_inputs(cond: Condition | None, f: Facts) -> list[str]:
    out = []
    for leaf, _ in leaves(cond):
        if leaf.op in ("present", "absent"):
            continue
        if _subject_value(leaf, f) is None:
            out.append(f"{leaf.subject} {leaf.ref}")
        elif leaf.subject == "finding" and eval_leaf(leaf, f) is None:
            fd = (f.detail or {}).get(leaf.ref)  # the benchmark waits on its metric: name that
            out.append(f"metric {fd.metric}" if fd else f"finding {leaf.ref}")
    return out
