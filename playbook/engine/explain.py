"""Why each action fired or did not: the evaluation trace, leaf by leaf."""

from __future__ import annotations

import textwrap
from typing import Any

from playbook.base import operators as ops
from playbook.base.model import All, Answers, AnyOf, Condition, Leaf, Not, Pack
from playbook.engine.conditions import Facts, _subject_value, eval_leaf, holds
from playbook.engine.evaluation import evaluate_findings, resolve_metrics
from playbook.engine.result import Result

MARK = {True: "true", False: "false", None: "unknown"}
TOP = 10  # actions the summary gives with a reason; the rest by id


def facts_for(pack: Pack, answers: Answers) -> Facts:
    metrics, _ = resolve_metrics(pack, answers)
    profile: dict[str, Any] = {"years_in_cloud": answers.years_in_cloud, "focus": answers.focus or None,
                               "primary_focus": answers.primary_focus, "currency": answers.currency or None}
    facts = Facts(answers.answers, metrics, profile, {})
    findings, _ = evaluate_findings(pack, facts, answers.currency)
    return Facts(answers.answers, metrics, profile, {f.benchmark: f.status for f in findings},
                 {f.benchmark: f for f in findings})


def _leaf_line(leaf: Leaf, facts: Facts) -> str:
    v = _subject_value(leaf, facts)
    op = ops.OPERATORS[leaf.op]
    seen = "not given" if v is None else _show(v)
    rule = op.words if op.operand == "flag" else f"{op.words} {_show(leaf.shown)}"
    detail = ""
    fd = (facts.detail or {}).get(leaf.ref) if leaf.subject == "finding" else None
    if fd is not None:
        # the benchmark's own number, so the trace shows which threshold decided
        value = "not given" if fd.value is None else _show(fd.value)
        detail = f" [benchmark {fd.benchmark}: {fd.metric} = {value}, target {fd.target}]"
    return (f"{leaf.subject} {leaf.ref} = {seen}; rule: {rule}{detail} -> {MARK[eval_leaf(leaf, facts)]}"
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


def _ids(label: str, ids: list[str], width: int = 100) -> list[str]:
    if not ids:
        return []
    return [f"{label} ({len(ids)}):", *textwrap.wrap(", ".join(ids), width, initial_indent="  ",
                                                    subsequent_indent="  ", break_on_hyphens=False)]


def summary(pack: Pack, result: Result) -> list[str]:
    """What `explain` prints without --action: the verdict and each action's
    state in a screenful, rather than the full trace of every action."""
    by_state: dict[str, list[str]] = {}
    for s in result.actions:
        by_state.setdefault(s.state, []).append(s.id)
    from playbook.engine.advice_text import advice_sentence

    names = {s.id: s.name for s in pack.stages}
    lines = [f"{result.partner_name}: {result.stage_name} stage. {result.stage_reason}",
             *(advice_sentence(a, names) for a in result.stage_advice), ""]
    if result.plan:
        lines.append(f"Recommended ({len(result.plan)}), in plan order; the first {min(TOP, len(result.plan))} "
                     "with their first reason:")
        from playbook.engine.advice_text import plan_order_notes

        for note in plan_order_notes(result):  # the report's executive summary says the same
            lines += textwrap.wrap(note, 98, initial_indent="  ", subsequent_indent="  ")
        for p in result.plan[:TOP]:
            first = p.reasons[0].text if p.reasons else "no evidence recorded"
            lines.append(f"  {p.priority:>3}. {p.id}  [{p.phase}, {p.tier or 'no tier'}]  ({p.loc})")
            lines += textwrap.wrap(first, 96, initial_indent="       ", subsequent_indent="       ")
        for phase in ("start", "grow", "optimize"):
            rest = [p.id for p in result.plan[TOP:] if p.phase == phase]
            lines += _ids(f"  then, {phase}", rest)
        lines.append("")
    lines += _ids("In place", by_state.get("done", []))
    missing = [s for s in result.actions if s.state == "not_assessed"]
    if missing:
        lines.append(f"Not assessed ({len(missing)}): answer these to assess them")
        for s in missing:
            lines.append(f"  {s.id}: needs {', '.join(s.missing) or 'an answer'}")
    lines += _ids("Not called for (their `when` does not hold)", by_state.get("not_applicable", []))
    lines += ["", "For one action's trace, condition by condition: playbook explain ANSWERS --action ID"]
    return lines
