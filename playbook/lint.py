"""Consistency warnings: one threshold, one place.

A KPI's number should live in its benchmark. When an action compares the
metric with a number of its own, or a benchmark's `target_text` states
numbers its target does not have, an overlay that moves the target leaves
the action and the text behind (a 9 % churn partner "not met" under a text
that still says "under 8-10 %"). These checks run on the compiled pack and
report where the author has to act: the overlay's line when an overlay set
the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from playbook.model import Action, Benchmark, Condition, Leaf, Not

if TYPE_CHECKING:
    from playbook.loader import _Builder

ORDERING = frozenset({"lt", "le", "gt", "ge", "between", "eq"})
# Target texts are prose: "at least twice a month" states the number 2.
NUMBER_WORDS = {"once": 1.0, "twice": 2.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0,
                "six": 6.0, "seven": 7.0, "eight": 8.0, "nine": 9.0, "ten": 10.0, "half": 50.0}
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?![\w])|\b(" + "|".join(NUMBER_WORDS) + r")\b", re.I)


def text_numbers(text: str) -> set[float]:
    """The numbers a sentence states ("under 8-10 %" -> {8, 10})."""
    out: set[float] = set()
    for digits, word in _NUMBER.findall(text):
        if word:
            out.add(NUMBER_WORDS[word.lower()])
            continue
        try:
            out.add(float(digits.replace(",", "")))
        except ValueError:  # "1.2.3": not a number a reader would see
            continue
    return out


def leaf_numbers(leaf: Leaf | None) -> set[float]:
    if leaf is None or leaf.subject != "metric" or leaf.op not in ORDERING:
        return set()
    vals = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
    return {float(v) for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)}


def _leaves(cond: Condition | None) -> Iterable[Leaf]:
    if cond is None:
        return
    if isinstance(cond, Leaf):
        yield cond
    elif isinstance(cond, Not):
        yield from _leaves(cond.item)
    else:
        for c in cond.items:
            yield from _leaves(c)


def _fmt(x: float) -> str:
    return f"{x:g}"


def _target_words(bm: Benchmark) -> str:
    t = bm.target
    if t.op == "between":
        lo, hi = t.value
        return f"between {_fmt(lo)} and {_fmt(hi)}"
    sym = {"lt": "<", "le": "≤", "gt": ">", "ge": "≥", "eq": "="}[t.op]
    return f"{sym} {_fmt(float(t.value))}"


def consistency(b: _Builder, actions: list[Action], benchmarks: list[Benchmark]) -> None:
    """Add the one-threshold warnings to the builder's problems."""
    by_metric: dict[str, list[Benchmark]] = {}
    for bm in benchmarks:
        by_metric.setdefault(bm.metric, []).append(bm)
    known: dict[str, set[float]] = {}
    for metric, bms in by_metric.items():
        nums: set[float] = set()
        for bm in bms:
            nums |= leaf_numbers(bm.target)
        known[metric] = nums
    _actions(b, actions, by_metric, known)
    _target_texts(b, benchmarks)


def _actions(b: _Builder, actions: list[Action], by_metric: dict[str, list[Benchmark]],
             known: dict[str, set[float]]) -> None:
    raw = {bm["id"]: (doc, path, bm) for doc, path, bm in b.raw["benchmarks"] if isinstance(bm, dict)}
    for a in actions:
        for field, cond in (("when", a.when), ("done_when", a.done_when)):
            for leaf in _leaves(cond):
                nums = leaf_numbers(leaf)
                bms = by_metric.get(leaf.ref, [])
                if not nums or not bms or nums <= known[leaf.ref]:
                    continue
                bm = bms[0]
                odd = ", ".join(_fmt(n) for n in sorted(nums - known[leaf.ref]))
                fix = (f"{{finding: {bm.id}, status: not_met}}, so that one number drives the finding, the "
                       "action and the text")
                moved = b.overridden.get(("benchmarks", bm.id, "target"))
                if moved is not None and moved[0].file != leaf.loc.file and bm.id in raw:
                    # The overlay moved the target and left the action behind: the
                    # author acts in the overlay, so that is where the warning points.
                    doc, path = moved
                    b.err(doc, path, f"this overlay sets {bm.id!r} to {_target_words(bm)}, but action {a.id!r} "
                          f"({leaf.loc}) still compares {leaf.ref} with {odd} in `{field}`; override its "
                          f"`{field}` here to test the benchmark, {fix}", "threshold-mismatch", key=True,
                          severity="warning")
                    continue
                b.problems.append(_at_loc(
                    leaf, f"action {a.id!r} compares {leaf.ref} with {odd} in `{field}`, but the benchmark "
                    f"{bm.id!r} sets its target at {_target_words(bm)}; test the benchmark instead, {fix}",
                    "threshold-mismatch"))


def _target_texts(b: _Builder, benchmarks: list[Benchmark]) -> None:
    raw = {bm["id"]: (doc, path, bm) for doc, path, bm in b.raw["benchmarks"] if isinstance(bm, dict)}
    for bm in benchmarks:
        if not bm.target_text or bm.id not in raw:
            continue
        doc, path, item = raw[bm.id]
        stated = text_numbers(bm.target_text)
        # "(the guide finds 15 % acceptable)": an aside in brackets may quote other figures
        main = text_numbers(re.sub(r"\([^)]*\)", " ", bm.target_text))
        target = leaf_numbers(bm.target)
        allowed = set(target)
        for band in bm.bands:
            allowed |= leaf_numbers(band.when)
        for leaf in _leaves(bm.applies_when):
            allowed |= leaf_numbers(leaf) | ({float(leaf.value)} if isinstance(leaf.value, (int, float))
                                             and not isinstance(leaf.value, bool) else set())
        moved = ("benchmarks", bm.id, "target") in b.overridden
        text_moved = ("benchmarks", bm.id, "target_text") in b.overridden
        where_doc, where_path = b.at("benchmarks", item, doc, path, "target_text" if text_moved else "target")
        missing = target - stated
        if missing:
            msg = (f"benchmark {bm.id!r}: its target is {_target_words(bm)} but its target_text "
                   f"({bm.target_text!r}) does not state {', '.join(_fmt(n) for n in sorted(missing))}; "
                   "make the text say the target's number")
        elif moved and not text_moved and main - target:
            msg = (f"benchmark {bm.id!r}: this overlay changes the target to {_target_words(bm)} but keeps the "
                   f"base pack's target_text ({bm.target_text!r}); override `target_text` here too")
        elif text_moved and main - allowed:
            extra = ", ".join(_fmt(n) for n in sorted(main - allowed))
            msg = (f"benchmark {bm.id!r}: target_text states {extra}, which is neither its target "
                   f"({_target_words(bm)}) nor one of its bands; make the text match the target")
        else:
            continue
        b.err(where_doc, where_path, msg, "target-text-mismatch", key=True, severity="warning")


def _at_loc(leaf: Leaf, message: str, code: str) -> Any:
    from playbook.errors import Problem

    return Problem(leaf.loc.file, leaf.loc.line, leaf.loc.column, message, code, "warning")


def _refs(node: Any, path: tuple[Any, ...]) -> Iterable[tuple[tuple[Any, ...], str, str]]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("question", "metric", "finding") and isinstance(v, str):
                yield path + (k,), k, v
            elif isinstance(v, (dict, list)):
                yield from _refs(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _refs(v, path + (i,))


def broken_references(b: _Builder) -> None:
    """An item left out for a schema error is still searched for unknown ids:
    one bad key must not hide the misspelt metric beside it."""
    from playbook.suggest import did_you_mean

    pools: dict[str, Any] = {"question": b.questions, "metric": b.metrics, "finding": b.benchmark_ids}
    for doc, path, item in b.broken_where:
        for where, subject, ref in _refs(item, path):
            if ref in pools[subject] or (subject, ref) in b.broken_refs or ref in b.disabled:
                continue
            if subject == "metric" and where[-2:-1] == ("derive",):
                continue  # a formula's own shape is checked with the metric
            name = "benchmark" if subject == "finding" else subject
            b.err(doc, where, f"unknown {name} {ref!r}{did_you_mean(ref, sorted(pools[subject]))}",
                  f"unknown-{subject}")
