"""A readable catalog of a pack (`playbook docs`): generated, so it cannot go stale."""

from __future__ import annotations

from typing import Any

from playbook import operators as ops
from playbook.computations import COMPUTATIONS, describe_formula
from playbook.model import All, AnyOf, Condition, Leaf, Not, Pack


def words(cond: Condition | None) -> str:
    """A condition in plain words."""
    if cond is None:
        return "always"
    if isinstance(cond, Leaf):
        op = ops.OPERATORS[cond.op]
        if cond.subject == "finding":
            return f"benchmark {cond.ref} is {str(cond.shown).replace('_', ' ')}"
        shown = cond.shown
        if isinstance(shown, (list, tuple)):
            shown = " and ".join(map(str, shown)) if cond.op == "between" else ", ".join(map(str, shown))
        elif isinstance(shown, bool):
            shown = "yes" if shown else "no"
        tail = "" if op.operand == "flag" else f" {shown}"
        return f"{cond.subject} {cond.ref} {op.words}{tail}"
    if isinstance(cond, Not):
        return f"not ({words(cond.item)})"
    joiner = " and " if isinstance(cond, All) else " or "
    assert isinstance(cond, (All, AnyOf))
    parts = [words(c) for c in cond.items]
    return parts[0] if len(parts) == 1 else "(" + joiner.join(parts) + ")"


def catalog_context(pack: Pack) -> dict[str, Any]:
    sections: dict[str, list[Any]] = {}
    for q in pack.questions.values():
        sections.setdefault(q.section, []).append(q)
    metrics = []
    for m in pack.metrics.values():
        derive = ""
        if m.compute:
            derive = COMPUTATIONS[m.compute].describe
        elif m.formula:
            derive = describe_formula(m.formula)
        metrics.append({"m": m, "derive": derive})
    actions = {p.id: [{"a": a, "when": words(a.when) if a.when else "",
                       "done": words(a.done_when) if a.done_when else ""}
                      for a in pack.actions if a.phase == p.id] for p in pack.stages}
    benchmarks = [{"b": b, "applies": words(b.applies_when) if b.applies_when else "",
                   "target": words(b.target).replace(f"metric {b.metric} ", ""),
                   "bands": [(words(bd.when).replace(f"metric {b.metric} ", ""), bd.label) for bd in b.bands]}
                  for b in pack.benchmarks]
    return {"pack": pack, "sections": dict(sorted(sections.items())), "metrics": metrics,
            "benchmarks": benchmarks, "actions": actions, "areas": {a.id: a.name for a in pack.areas}}


def render_catalog(pack: Pack, fmt: str) -> str:
    from playbook.render import _env

    env = _env(None, markdown=fmt == "md")
    return env.get_template(f"catalog.{fmt}.j2").render(**catalog_context(pack))
