"""The lint stage of pack loading: warnings about a pack that loads.

First, rules that can never fire or be done, and questions and metrics nothing
uses (`lint_pack`). Then consistency: one threshold, one place.

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
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from playbook.base.model import Action, All, AnyOf, Benchmark, Checklist, Condition, Leaf, Not
from playbook.base.yamlio import Document, PathKey
from playbook.pack.computations import COMPUTATIONS, formula_refs

if TYPE_CHECKING:
    from playbook.pack.build import _Builder

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


def consistency(b: _Builder, actions: list[Action], benchmarks: list[Benchmark],
                checklists: Iterable[Checklist] = ()) -> None:
    """Add the one-threshold warnings to the builder's problems."""
    by_metric: dict[str, list[Benchmark]] = {}
    for bm in benchmarks:
        by_metric.setdefault(bm.metric, []).append(bm)
    rules: list[tuple[str, str, Condition | None]] = []
    for a in actions:
        rules += [(f"action {a.id!r}", "when", a.when), (f"action {a.id!r}", "done_when", a.done_when)]
    for c in checklists:
        rules += [(f"checklist item '{c.id}.{it.id}'", "done_when", it.done_when) for it in c.items]
    _rules(b, rules, by_metric)
    _target_texts(b, benchmarks)


def _rules(b: _Builder, rules: list[tuple[str, str, Condition | None]],
           by_metric: dict[str, list[Benchmark]]) -> None:
    """A rule that compares a benchmarked metric with a number, the target's own
    or another, states a threshold a second time: an overlay that moves the
    target leaves the rule behind. It should test the benchmark's status."""
    raw = {bm["id"] for _doc, _path, bm in b.raw["benchmarks"] if isinstance(bm, dict)}
    for who, field, cond in rules:
        for leaf in _leaves(cond):
            nums = leaf_numbers(leaf)
            bms = by_metric.get(leaf.ref, [])
            if not nums or not bms:
                continue
            bm = bms[0]
            target = leaf_numbers(bm.target)
            said = ", ".join(_fmt(n) for n in sorted(nums))
            status = "met" if field == "done_when" else "not_met"
            fix = (f"{{finding: {bm.id}, status: {status}}}, so that one number drives the finding, the "
                   "rule and the text")
            moved = b.overridden.get(("benchmarks", bm.id, "target"))
            if moved is not None and moved[0].file != leaf.loc.file and bm.id in raw:
                # The overlay moved the target and left the rule behind: the
                # author acts in the overlay, so that is where the warning points.
                doc, path = moved
                b.err(doc, path, f"this overlay sets {bm.id!r} to {_target_words(bm)}, but {who} "
                      f"({leaf.loc}) still compares {leaf.ref} with {said} in `{field}`; override its "
                      f"`{field}` here to test the benchmark, {fix}", "threshold-mismatch", key=True,
                      severity="warning")
                continue
            how = (f"the target of benchmark {bm.id!r} again" if nums <= target else
                   f"a threshold of its own beside benchmark {bm.id!r} ({_target_words(bm)})")
            b.problems.append(_at_loc(
                leaf, f"{who} compares {leaf.ref} with {said} in `{field}`, stating {how}; "
                f"test the benchmark instead, {fix}", "threshold-mismatch"))


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


def broken_references(b: _Builder, area_ids: Any = (), action_ids: Any = ()) -> None:
    """An item left out for a schema error is still searched for unknown ids
    (its conditions' subjects, an action's area and prerequisites): one bad key
    or a wrong type in one field must not hide the misspelt id beside it."""
    from playbook.base.suggest import did_you_mean

    pools: dict[str, Any] = {"question": b.questions, "metric": b.metrics, "finding": b.benchmark_ids}
    for doc, path, item in b.broken_where:
        for where, subject, ref in _refs(item, path):
            if ref in pools[subject] or (subject, ref) in b.broken_refs or ref in b.disabled:
                continue
            if subject == "metric" and where[-2:-1] == ("derive",):
                continue  # a formula's own shape is checked with the metric
            name = "benchmark" if subject == "finding" else subject
            known = sorted(set(pools[subject]) | {r for s, r in b.broken_refs if s == subject})
            b.err(doc, where, f"unknown {name} {ref!r}{did_you_mean(ref, known)}", f"unknown-{subject}")
        if path[:1] != ("actions",) or not isinstance(item, dict):
            continue
        area = item.get("area")
        if area_ids and isinstance(area, str) and area not in area_ids:
            b.err(doc, path + ("area",), f"unknown area {area!r}{did_you_mean(area, sorted(area_ids))}",
                  "unknown-area")
        requires = item.get("requires")
        for j, r in enumerate(requires if isinstance(requires, list) else []):
            if isinstance(r, str) and r not in action_ids and r not in b.broken_ids and r not in b.disabled:
                b.err(doc, path + ("requires", j), f"unknown prerequisite {r!r}"
                      f"{did_you_mean(r, sorted(set(action_ids) | b.broken_ids))}", "unknown-action")


# ---- rules that can never hold, items nothing uses -------------------------------

def _impossible(cond: Condition | None, lo_hi: dict[str, tuple[float | None, float | None]]) -> str | None:
    """Why a condition can never hold, for the common cases: a bound outside the
    metric's range, or an `all` whose numeric bounds on one metric do not overlap."""
    if cond is None or isinstance(cond, (Not, AnyOf)):
        return None
    leaves = [cond] if isinstance(cond, Leaf) else [c for c in cond.items if isinstance(c, Leaf)]
    bounds: dict[str, list[float]] = {}
    for leaf in leaves:
        if leaf.subject != "metric" or leaf.op not in ("lt", "le", "gt", "ge", "between", "eq"):
            continue
        lo, hi = bounds.setdefault(leaf.ref, [float("-inf"), float("inf")])
        v = leaf.value
        if leaf.op in ("gt", "ge"):
            lo = max(lo, float(v) + (1e-9 if leaf.op == "gt" else 0))
        elif leaf.op in ("lt", "le"):
            hi = min(hi, float(v) - (1e-9 if leaf.op == "lt" else 0))
        elif leaf.op == "between":
            lo, hi = max(lo, float(v[0])), min(hi, float(v[1]))
        else:
            lo, hi = max(lo, float(v)), min(hi, float(v))
        mlo, mhi = lo_hi.get(leaf.ref, (None, None))
        if mlo is not None:
            lo = max(lo, mlo)
        if mhi is not None:
            hi = min(hi, mhi)
        bounds[leaf.ref] = [lo, hi]
    for ref, (lo, hi) in bounds.items():
        if lo > hi:
            return f"no value of metric {ref!r} satisfies it"
    equals: dict[str, set[str]] = {}
    for leaf in leaves:
        if leaf.subject == "question" and leaf.op == "eq":
            shown = ("yes" if leaf.value else "no") if isinstance(leaf.value, bool) else str(leaf.value)
            equals.setdefault(leaf.ref, set()).add(shown)
    for ref, values in equals.items():
        if len(values) > 1:
            return f"question {ref!r} cannot equal both {' and '.join(sorted(values))}"
    for sub in (cond.items if isinstance(cond, All) else ()):
        why = _impossible(sub, lo_hi) if isinstance(sub, All) else None
        if why:
            return why
    return None


def _num(v: float | None) -> str:
    return "any" if v is None else f"{v:g}"


def lint_pack(b: _Builder, action_raw: Any, actions: list[Action], benchmarks: list[Benchmark],
          checklists: list[Checklist], metric_raw: Any) -> None:
    """Warnings: rules that can never fire, questions and metrics nothing uses."""
    ranges = {m.id: (m.min, m.max) for m in b.metrics.values()}
    raw_by_id = {a["id"]: (doc, path) for doc, path, a in action_raw}
    for a in actions:
        why = _impossible(a.when, ranges)
        if why and a.id in raw_by_id:
            doc, path = raw_by_id[a.id]
            b.err(doc, path + ("when",), f"action {a.id!r} can never fire: {why}", "never-true",
                  key=True, severity="warning")
        why = _impossible(a.done_when, ranges)
        if why and a.id in raw_by_id:
            doc, path = raw_by_id[a.id]
            b.err(doc, path + ("done_when",), f"action {a.id!r} can never be done: {why}", "never-true",
                  key=True, severity="warning")
    raw_bm = {bm["id"]: (doc, path, bm) for doc, path, bm in b.raw["benchmarks"] if isinstance(bm, dict)}
    for bm in benchmarks:
        if bm.id not in raw_bm:
            continue
        for field, cond, verb in (("target", bm.target, "be met"), ("applies_when", bm.applies_when, "apply")):
            why = _impossible(cond, ranges)
            if why:
                m = b.metrics[bm.metric]
                span = f" (its range is {_num(m.min)} to {_num(m.max)})" if field == "target" else ""
                b.err(*b.at("benchmarks", raw_bm[bm.id][2], *raw_bm[bm.id][:2], field),
                      f"benchmark {bm.id!r} can never {verb}: {why}{span}", "never-true", key=True,
                      severity="warning")
    _unasked(b, actions, checklists)
    used_q: set[str] = set()
    used_m: set[str] = set()
    conds: list[Condition | None] = [c for a in actions for c in (a.when, a.done_when)]
    conds += [bm.applies_when for bm in benchmarks]
    conds += [it.done_when for c in checklists for it in c.items]
    for cond in conds:
        for leaf in _leaves(cond):
            (used_q if leaf.subject == "question" else used_m).add(leaf.ref)
    used_m |= {bm.metric for bm in benchmarks}
    # an item left out for an error of its own still uses what it names: no second warning for one mistake
    for node in b.broken_items:
        for key, ref in _named_refs(node):
            (used_q if key == "question" else used_m).add(ref)
    for m in b.metrics.values():
        if m.compute:
            used_m |= set(COMPUTATIONS[m.compute].needs)
        elif m.formula:
            used_m |= formula_refs(m.formula)
    for doc, path, q in b.raw["questions"]:
        if q.get("id") in b.questions and q["id"] not in used_q:
            if not _unused_by_overlay(b, doc, path, "question", q["id"]):
                b.err(doc, path + ("id",), f"question {q['id']!r} is not used by any action, checklist or "
                      "benchmark; use it in a condition or remove it", "unused-question", severity="warning")
    for doc, path, mt in metric_raw:
        if mt["id"] not in used_m and not mt.get("track_only"):
            if not _unused_by_overlay(b, doc, path, "metric", mt["id"]):
                b.err(doc, path + ("id",), f"metric {mt['id']!r} has no benchmark and no rule uses it",
                      "unused-metric", severity="warning")


def _unused_by_overlay(b: _Builder, doc: Document, path: PathKey, kind: str, iid: str) -> bool:
    """A base item that the overlay left unused (by disabling or overriding what
    used it) is the overlay's to fix: warn there, and say to disable it."""
    if not b.top_docs or doc in b.top_docs:
        return False
    target = next(((d, ("disable",)) for d in b.top_docs if isinstance(d.data, dict) and "disable" in d.data),
                  (b.top_docs[0], ("extends",)))
    line, _ = doc.where(path)
    b.err(*target, f"{kind} {iid!r} ({doc.file}:{line}) is no longer used once this pack disables or overrides "
          f"what used it; add it to `disable: {kind}s:` here", f"unused-{kind}", key=True, severity="warning")
    return True


def _named_refs(node: Any) -> Iterator[tuple[str, str]]:
    """Every `question:` and `metric:` reference anywhere in a raw item."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ("question", "metric") and isinstance(v, str):
                yield k, v
            else:
                yield from _named_refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _named_refs(v)


def _short(source: str) -> str:
    """'002_d852….txt § Renewal strategy' -> '002 § Renewal strategy'."""
    file, _, section = source.partition(" § ")
    return f"{file.split('_', 1)[0]} § {section}" if section else source


def _unasked(b: _Builder, actions: list[Action], checklists: list[Checklist]) -> None:
    """No tick without an answer behind it: a done_when citing one guide passage
    must rest on a question written for that passage (its `source`, or one of
    its `also_asks`). "The customer success manager leads renewals" ticked on
    "is there a customer success manager?" is a claim no answer made."""
    rules: list[tuple[str, str, Condition | None]] = [(f"action {a.id!r}", a.source, a.done_when) for a in actions]
    rules += [(f"checklist item '{c.id}.{it.id}'", it.source or c.source, it.done_when)
              for c in checklists for it in c.items]
    for who, source, cond in rules:
        if not source:
            continue
        for leaf in _leaves(cond):
            q = b.questions.get(leaf.ref) if leaf.subject == "question" else None
            if q is None or not q.source or source == q.source or source in q.also_asks:
                continue
            b.problems.append(_at_loc(
                leaf, f"{who} cites {_short(source)} but its done_when rests on question {q.id!r}, which asks "
                f"what {_short(q.source)} says: ask this practice in a question citing {_short(source)}, or, if "
                f"{q.id!r} asks exactly this practice as worded, add {source!r} to its `also_asks`",
                "unasked-evidence"))
