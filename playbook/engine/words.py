"""A condition in plain words (the pack catalog's "when", the answers
template's "asked only when"): the engine's vocabulary, so both the report
and the answers stage can say a condition without importing each other."""

from __future__ import annotations

from playbook.base import operators as ops
from playbook.base.model import All, AnyOf, Condition, Leaf, Not


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
