"""Why each action fired or did not: the evaluation trace, leaf by leaf."""

from __future__ import annotations

from typing import Any

from playbook import operators as ops
from playbook.conditions import Facts, _subject_value, eval_leaf, holds
from playbook.engine import evaluate_findings, resolve_metrics
from playbook.model import All, AnyOf, Answers, Condition, Leaf, Not, Pack

MARK = {True: "true", False: "false", None: "unknown"}


def facts_for(pack: Pack, answers: Answers) -> Facts:
    metrics, _ = resolve_metrics(pack, answers)
    profile: dict[str, Any] = {"years_in_cloud": answers.years_in_cloud, "focus": answers.focus or None,
                               "currency": answers.currency or None}
    facts = Facts(answers.answers, metrics, profile, {})
    findings, _ = evaluate_findings(pack, facts, answers.currency)
    return Facts(answers.answers, metrics, profile, {f.benchmark: f.status for f in findings},
                 {f.benchmark: f for f in findings})


def _leaf_line(leaf: Leaf, facts: Facts) -> str:
    v = _subject_value(leaf, facts)
    op = ops.OPERATORS[leaf.op]
    seen = "not given" if v is None else _show(v)
    rule = op.words if op.operand == "flag" else f"{op.words} {_show(leaf.shown)}"
    return (f"{leaf.subject} {leaf.ref} = {seen}; rule: {rule} -> {MARK[eval_leaf(leaf, facts)]}"
            f"  ({leaf.loc.file}:{leaf.loc.line})")


def _show(v: object) -> str:
    """Values as the answers file writes them: yes/no, not True/False."""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_show(x) for x in v) + "]"
    return repr(v)


def trace_condition(cond: Condition | None, facts: Facts, indent: str = "    ") -> list[str]:
    if cond is None:
        return [f"{indent}(none: always true)"]
    if isinstance(cond, Leaf):
        return [indent + _leaf_line(cond, facts)]
    r = MARK[holds(cond, facts)]
    if isinstance(cond, Not):
        return [f"{indent}not -> {r}", *trace_condition(cond.item, facts, indent + "  ")]
    name = "all" if isinstance(cond, All) else "any"
    assert isinstance(cond, (All, AnyOf))
    out = [f"{indent}{name} -> {r}"]
    for c in cond.items:
        out += trace_condition(c, facts, indent + "  ")
    return out


def explain(pack: Pack, answers: Answers, states: dict[str, str], action_id: str | None = None) -> list[str]:
    facts = facts_for(pack, answers)
    lines: list[str] = []
    for a in pack.actions:
        if action_id and a.id != action_id:
            continue
        lines.append(f"{a.id}: {states[a.id].replace('_', ' ')}  [{a.phase}, {a.tier or 'no tier'}]  "
                     f"({a.loc.file}:{a.loc.line})")
        lines.append(f"  {a.title}")
        lines.append("  when:")
        lines += trace_condition(a.when, facts)
        lines.append("  done_when:")
        lines += trace_condition(a.done_when, facts) if a.done_when is not None else ["    (none: never done)"]
        if a.requires:
            reqs = ", ".join(f"{r} ({states[r].replace('_', ' ')})" for r in a.requires)
            lines.append(f"  requires: {reqs}")
        lines.append("")
    return lines
