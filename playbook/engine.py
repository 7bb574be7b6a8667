"""The engine: a pure function from (pack, answers) to a Result.

Logic is three-valued: a condition that reads an unanswered question or a
missing metric is unknown (None), never false, so an unanswered practice is
"not assessed" rather than silently "no".
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from playbook import operators as ops
from playbook.computations import COMPUTATIONS, eval_formula, formula_refs
from playbook.model import PHASES, All, AnyOf, Answers, Condition, Leaf, Not, Pack
from playbook.result import (
    ActionState, AreaScore, ChecklistItemResult, ChecklistResult, CustomerGroup, Evidence, Finding,
    NotApplicable, NotAssessed, PlannedAction, Result, relative_gap,
)
from playbook.stage import decide
from playbook.values import format_value

IMPACT = {"high": 3, "medium": 2, "low": 1}
EASE = {"low": 3, "medium": 2, "high": 1}  # low effort is easiest
TIER_BONUS = {"good": 1.0, "better": 0.5, "best": 0.0, None: 0.5}
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
        return "yes" if v else "no"
    return str(v)


def _choice(v: Any) -> str:
    return f"“{str(v).replace('_', ' ')}”"


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
        vals = raw if isinstance(raw, (tuple, list)) else [raw]
        return ", ".join(_choice(x) for x in vals) or "none"
    if isinstance(raw, (tuple, list)):
        return ", ".join(str(x) for x in raw) or "none"
    return format_value(raw, None)


def _threshold_text(leaf: Leaf, pack: Pack, currency: str) -> str:
    op = ops.OPERATORS[leaf.op]
    if op.operand == "flag":
        return op.words
    if leaf.subject == "metric":
        m = pack.metrics.get(leaf.ref)
        unit = m.unit if m else None
        shown = leaf.shown if isinstance(leaf.shown, list) else [leaf.shown]
        from playbook.values import parse_number
        vals = [format_value(parse_number(s, percent=True, money=True), unit, currency) for s in shown]
        return f"{op.words} {' and '.join(vals) if op.name == 'between' else ', '.join(vals)}"
    if _is_choice(leaf, pack):
        choices = leaf.shown if isinstance(leaf.shown, (tuple, list)) else [leaf.shown]
        return f"{op.words} {', '.join(_choice(v) for v in choices)}"
    return f"{op.words} {_shown(leaf.shown).replace('_', ' ')}"


def _subject_label(leaf: Leaf, pack: Pack) -> str:
    if leaf.subject == "question":
        q = pack.questions.get(leaf.ref)
        return f"answer to “{q.text}” ({leaf.ref})" if q else f"answer to {leaf.ref}"
    if leaf.subject == "metric":
        m = pack.metrics.get(leaf.ref)
        return f"{m.name if m else leaf.ref} ({leaf.ref})"
    if leaf.subject == "profile":
        return f"partner {leaf.ref}"
    return f"benchmark {leaf.ref}"


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
    state = "meets" if fd.status == "met" else "misses"
    text = f"{fd.metric_name} ({fd.metric}) is {val}, which {state} the target {fd.target} [benchmark {fd.benchmark}]."
    rel = relative_gap(fd)
    if rel is not None:
        rel = min(1.0, rel)
    return Evidence(text, "finding", leaf.ref, fd.value, fd.target, rel)


def evidence(leaf: Leaf, f: Facts, pack: Pack, currency: str, role: str) -> Evidence:
    if leaf.subject == "finding":
        fe = _finding_evidence(leaf, f, currency)
        if fe is not None:
            return fe
    raw = _subject_value(leaf, f)
    obs = _observed_text(leaf, raw, pack, currency)
    rule = _threshold_text(leaf, pack, currency)
    verb = {"fires": "this action is recommended when it", "done": "the practice counts as in place when it",
            "applies": "the benchmark applies when it"}[role]
    if role == "fires" and leaf.op == "eq":  # "is X; recommended when it is X" would say it twice
        text = f"The {_subject_label(leaf, pack)} is {obs}, which calls for this action."
    else:
        text = f"The {_subject_label(leaf, pack)} is {obs}; {verb} {rule}."
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
    return out


# ---- metrics and findings ---------------------------------------------------

def resolve_metrics(pack: Pack, answers: Answers) -> tuple[dict[str, float], dict[str, str]]:
    values = dict(answers.metrics)
    origin = {k: "given" for k in values}
    pending = [m for m in pack.metrics.values() if m.id not in values and (m.compute or m.formula)]
    progress = True
    while pending and progress:  # dependency order, without assuming the file order
        progress = False
        for m in list(pending):
            needs = set(COMPUTATIONS[m.compute].needs) if m.compute else formula_refs(m.formula) if m.formula else set()
            if any(n not in values and any(p.id == n for p in pending) for n in needs):
                continue
            pending.remove(m)
            progress = True
            if m.compute:
                v = COMPUTATIONS[m.compute].fn(values, answers.nps_responses)
            else:
                v = eval_formula(m.formula, values) if m.formula else None
            if v is not None and math.isfinite(v):
                values[m.id] = float(v)
                origin[m.id] = "derived"
    return values, origin


def _target_text(leaf: Leaf, unit: str, currency: str) -> str:
    op = ops.OPERATORS[leaf.op]
    if leaf.op == "between":
        lo, hi = leaf.value
        return f"between {format_value(lo, unit, currency)} and {format_value(hi, unit, currency)}"
    return f"{op.symbol} {format_value(leaf.value, unit, currency)}"


def _gap(leaf: Leaf, v: float) -> float:
    """How far the value is from meeting the target (0 when met), in the metric's unit."""
    t = leaf.value
    if leaf.op in ("ge", "gt"):
        return max(0.0, float(t) - v)
    if leaf.op in ("le", "lt"):
        return max(0.0, v - float(t))
    lo, hi = t
    return max(0.0, float(lo) - v, v - float(hi))


def evaluate_findings(pack: Pack, facts: Facts, currency: str,
                      skip: frozenset[str] = frozenset()) -> tuple[list[Finding], list[NotAssessed]]:
    """The KPI findings; benchmarks on a metric in `skip` (one that does not apply) are left out."""
    findings: list[Finding] = []
    missing: list[NotAssessed] = []
    for b in pack.benchmarks:
        if b.metric in skip:
            continue
        applies = holds(b.applies_when, facts)
        if applies is False:
            continue
        if applies is None:
            for what in missing_inputs(b.applies_when, facts):
                kind, ref = what.split(" ", 1)
                missing.append(NotAssessed(kind, ref, f"needed to choose the {b.id} benchmark", 1))
            continue
        m = pack.metrics[b.metric]
        v = facts.metrics.get(b.metric)
        target_text = b.target_text or _target_text(b.target, m.unit, currency)
        if v is None:
            status, gap, band = "not_assessed", None, None
        else:
            status = "met" if eval_leaf(b.target, facts) else "not_met"
            gap = _gap(b.target, v)
            band = next((bd.label for bd in b.bands if eval_leaf(bd.when, facts)), None)
        findings.append(Finding(b.id, b.metric, m.name, m.unit, v, status, target_text, b.target.op,
                                b.target.value, gap, band, m.better, b.source, b.notes))
    return findings, missing


# ---- the whole evaluation ---------------------------------------------------

def not_applicable_inputs(pack: Pack, answers: Answers, profile: dict[str, Any]) -> tuple[NotApplicable, ...]:
    """Questions and metrics answered n/a, and those whose `applies_when` rules
    them out for this profile and that were left blank."""
    out = []
    pf = Facts({}, {}, profile, {})
    for q in pack.questions.values():
        if q.id in answers.not_applicable:
            out.append(NotApplicable("question", q.id, q.text, "answered_na"))
        elif q.id not in answers.answers and holds(q.applies_when, pf) is False:
            out.append(NotApplicable("question", q.id, q.text, "profile"))
    for m in pack.metrics.values():
        if m.id in answers.not_applicable:
            out.append(NotApplicable("metric", m.id, m.name, "answered_na"))
        elif m.id not in answers.metrics and holds(m.applies_when, pf) is False:
            out.append(NotApplicable("metric", m.id, m.name, "profile"))
    return tuple(out)


def evaluate(pack: Pack, answers: Answers) -> Result:
    metrics, origin = resolve_metrics(pack, answers)
    profile: dict[str, Any] = {
        "years_in_cloud": answers.years_in_cloud,
        "focus": answers.focus or None,
        "currency": answers.currency or None,
    }
    inapplicable = not_applicable_inputs(pack, answers, profile)
    na_metrics = frozenset(n.id for n in inapplicable if n.kind == "metric")
    facts = Facts(answers.answers, metrics, profile, {})
    cur = answers.currency
    findings, bench_missing = evaluate_findings(pack, facts, cur, na_metrics)
    skipped: dict[str, str | None] = {b.id: None for b in pack.benchmarks if b.metric in na_metrics}
    facts = Facts(answers.answers, metrics, profile, {**skipped, **{f.benchmark: f.status for f in findings}},
                  {f.benchmark: f for f in findings})
    # what an unknown leaf may rest on without the practice being "not assessed"
    na_refs = {f"{n.kind} {n.id}" for n in inapplicable} | {f"finding {b}" for b in skipped}

    def unknown(missing: list[str]) -> str:
        return "does_not_apply" if any(m in na_refs for m in missing) else "not_assessed"

    states: list[ActionState] = []
    candidates = []
    for a in pack.actions:
        w = holds(a.when, facts)
        d = holds(a.done_when, facts) if a.done_when is not None else False
        missing: list[str] = []
        if w is False:
            state = "not_applicable"
        elif w is None:
            missing = missing_inputs(a.when, facts)
            state = unknown(missing)
        elif d is True:
            state = "done"
        elif d is None:
            missing = missing_inputs(a.done_when, facts)
            state = unknown(missing)
        else:
            state = "recommended"
        if state == "does_not_apply":
            missing = []
        states.append(ActionState(a.id, a.title, a.phase, a.tier, a.area, state, tuple(missing), a.source,
                                  a.milestone))
        if state == "recommended":
            reasons = [evidence(lf, facts, pack, cur, "fires") for lf, neg in leaves(a.when)
                       if eval_leaf(lf, facts) is (not neg)]
            reasons += [evidence(lf, facts, pack, cur, "done") for lf, neg in leaves(a.done_when)
                        if eval_leaf(lf, facts) is neg]
            gaps = [e.gap for e in reasons if e.gap is not None]
            distance = max(gaps) if gaps else 0.0
            score = round(3 * IMPACT[a.impact] + 2 * EASE[a.effort] + 2 * distance + TIER_BONUS[a.tier], 2)
            candidates.append((a, tuple(reasons), score))

    plan = _order(candidates)

    checklists = []
    for c in pack.checklists:
        items = []
        for it in c.items:
            r = holds(it.done_when, facts)
            status = unknown(missing_inputs(it.done_when, facts)) if r is None else "done" if r else "not_done"
            items.append(ChecklistItemResult(it.id, it.text, status, it.source))
        checklists.append(ChecklistResult(c.id, c.title, tuple(items), c.source))

    verdict = decide(pack, states)
    skip = frozenset(n.id for n in inapplicable)
    deciding = {(d.kind, d.id) for d in verdict.deciding}
    return Result(
        pack_id=pack.id, pack_name=pack.name, pack_version=pack.version, pack_hash=pack.content_hash,
        partner_name=answers.partner_name, assessed_on=answers.assessed_on,
        years_in_cloud=answers.years_in_cloud, focus=answers.focus, currency=cur,
        input_hash=answers.input_hash, stage=verdict.stage,
        stage_name=next(s.name for s in pack.stages if s.id == verdict.stage), stage_reason=verdict.reason,
        phases=verdict.phases, metrics=metrics, metric_origin=origin, findings=tuple(findings), plan=plan,
        actions=tuple(states), checklists=tuple(checklists), areas=_areas(pack, states, findings),
        customers=_customers(pack, answers),
        not_assessed=_not_assessed(pack, facts, bench_missing, skip, deciding),
        stage_status=verdict.status, stage_range=verdict.range, deciding_questions=verdict.deciding,
        not_applicable=inapplicable, stage_rule=(pack.stage_rule.in_place_share, pack.stage_rule.note),
    )


def _order(candidates: list[tuple[Any, tuple[Evidence, ...], float]]) -> tuple[PlannedAction, ...]:
    """Phase by phase; inside a phase the highest score first, but never
    before a prerequisite that is itself in the plan."""
    by_id = {a.id: (a, r, s) for a, r, s in candidates}
    out: list[PlannedAction] = []
    for phase in PHASES:
        ids = [a.id for a, _, _ in candidates if a.phase == phase]
        waiting = {i: {r for r in by_id[i][0].requires if r in by_id and by_id[r][0].phase == phase} for i in ids}
        heap = [(-by_id[i][2], i) for i in ids if not waiting[i]]
        heapq.heapify(heap)
        placed: set[str] = set()
        while heap:
            _, i = heapq.heappop(heap)
            placed.add(i)
            a, reasons, score = by_id[i]
            out.append(PlannedAction(a.id, a.title, a.description, a.phase, a.tier, a.area, a.impact, a.effort,
                                     len(out) + 1, score, reasons, a.requires, a.source, a.notes, str(a.loc)))
            for j in ids:
                if j not in placed and i in waiting[j]:
                    waiting[j].discard(i)
                    if not waiting[j]:
                        heapq.heappush(heap, (-by_id[j][2], j))
    return tuple(out)


def _areas(pack: Pack, states: list[ActionState], findings: list[Finding]) -> tuple[AreaScore, ...]:
    out = []
    for area in pack.areas:
        mine = [s for s in states if s.area == area.id]
        done = sum(s.state == "done" for s in mine)
        open_ = sum(s.state == "recommended" for s in mine)
        na = sum(s.state == "not_assessed" for s in mine)
        if area.id == "metrics":  # the KPI findings are practices of the metrics area too
            done += sum(f.status == "met" for f in findings)
            open_ += sum(f.status == "not_met" for f in findings)
            na += sum(f.status == "not_assessed" for f in findings)
        score = round(100 * done / (done + open_)) if done + open_ else None
        out.append(AreaScore(area.id, area.name, score, done, open_, na,
                             sum(s.state == "does_not_apply" for s in mine)))
    return tuple(out)


def _customers(pack: Pack, answers: Answers) -> tuple[CustomerGroup, ...]:
    groups = []
    for ms in pack.maturity_stages:
        mine = [c for c in answers.customers if c.stage == ms.id]
        if not mine:
            continue
        revenues = [c.revenue for c in mine if c.revenue is not None]
        renewals = sorted(c.renewal_date for c in mine if c.renewal_date)
        groups.append(CustomerGroup(
            ms.id, ms.name, ms.description, tuple((s.id, s.title, s.description) for s in ms.services),
            tuple(sorted(c.name for c in mine)), sum(revenues) if revenues else None,
            renewals[0] if renewals else None, ms.source))
    return tuple(groups)


def _not_assessed(pack: Pack, facts: Facts, extra: list[NotAssessed], skip: frozenset[str],
                  deciding: set[tuple[str, str]]) -> tuple[NotAssessed, ...]:
    """Every blank input some rule waits on, with the earliest phase of a
    practice waiting on it; inputs that do not apply (`skip`) are not listed."""
    uses: dict[tuple[str, str], int] = {}
    phase_of: dict[tuple[str, str], int] = {}
    metric_of = {b.id: b.metric for b in pack.benchmarks}
    conds: list[tuple[Condition | None, int | None]] = []
    for a in pack.actions:
        conds += [(a.when, PHASES.index(a.phase)), (a.done_when, PHASES.index(a.phase))]
    for c in pack.checklists:
        conds += [(it.done_when, None) for it in c.items]
    for cond, phase in conds:
        for leaf, _ in leaves(cond):
            key = (leaf.subject, leaf.ref)
            if leaf.subject == "finding" and metric_of.get(leaf.ref) not in facts.metrics:
                key = ("metric", metric_of.get(leaf.ref, ""))  # waiting on the benchmark's metric
            elif leaf.subject not in ("question", "metric") or _subject_value(leaf, facts) is not None:
                continue
            if key[1] in skip:
                continue
            if leaf.subject != "finding":
                uses[key] = uses.get(key, 0) + 1
            if phase is not None:
                phase_of[key] = min(phase_of.get(key, phase), phase)
    for b in pack.benchmarks:
        if b.metric not in facts.metrics and b.metric not in skip and holds(b.applies_when, facts) is not False:
            uses[("metric", b.metric)] = uses.get(("metric", b.metric), 0) + 1
    out = []
    for (kind, ref), count in uses.items():
        text = pack.questions[ref].text if kind == "question" else pack.metrics[ref].name
        first = PHASES[phase_of[(kind, ref)]] if (kind, ref) in phase_of else None
        out.append(NotAssessed(kind, ref, text, count, first, (kind, ref) in deciding))
    seen = {(n.kind, n.id) for n in out}
    for n in extra:
        if (n.kind, n.id) not in seen and n.id not in skip:
            seen.add((n.kind, n.id))
            out.append(n)
    order = {"profile": 0, "question": 1, "metric": 2}
    return tuple(sorted(out, key=lambda n: (order.get(n.kind, 3), n.id)))
