"""The engine: a pure function from (pack, answers) to a Result.

Logic is three-valued (playbook/engine/conditions.py): a condition that reads an
unanswered question or a missing metric is unknown (None), never false, so an
unanswered practice is "not assessed" rather than silently "no". The stage is
decided in playbook/engine/stage.py.
"""

from __future__ import annotations

import dataclasses
import heapq
import math
from typing import TYPE_CHECKING, Any

from playbook import customers
from playbook.base import operators as ops
from playbook.base.model import PHASES, Answers, Condition, Leaf, Pack

if TYPE_CHECKING:
    from playbook.customers.figures import CustomerBase

# the condition logic lives in playbook/engine/conditions.py; its public names stay importable from here
from playbook.engine.conditions import Facts as Facts
from playbook.engine.conditions import _subject_value
from playbook.engine.conditions import eval_leaf as eval_leaf
from playbook.engine.conditions import evidence as evidence
from playbook.engine.conditions import holds as holds
from playbook.engine.conditions import leaves as leaves
from playbook.engine.conditions import missing_inputs as missing_inputs
from playbook.engine.questionnaire import answered_of
from playbook.engine.result import (
    ActionState,
    AreaScore,
    ChecklistItemResult,
    ChecklistResult,
    CustomerGroup,
    Evidence,
    Finding,
    NotApplicable,
    NotAssessed,
    PlannedAction,
    Result,
)
from playbook.engine.stage import decide
from playbook.i18n import t
from playbook.i18n import value as format_value
from playbook.pack.computations import COMPUTATIONS, eval_formula, formula_refs

IMPACT = {"high": 3, "medium": 2, "low": 1}
EASE = {"low": 3, "medium": 2, "high": 1}  # low effort is easiest
TIER_BONUS = {"good": 1.0, "better": 0.5, "best": 0.0, None: 0.5}


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
        return t("between %(low)s and %(high)s", low=format_value(lo, unit, currency),
                 high=format_value(hi, unit, currency))
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
                missing.append(NotAssessed(kind, ref, t("needed to choose the %(id)s benchmark", id=b.id), 1))
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


def evaluate(pack: Pack, answers: Answers, lang: str | None = None) -> Result:
    """The assessment of `answers` against `pack`, with every text in the
    language `lang` (`--lang`), else the answers file's `partner.language`
    when a translation ships for it, else English."""
    from playbook import i18n

    language = i18n.resolve_language(lang) if lang else \
        answers.language if answers.language in i18n.languages() else i18n.DEFAULT
    if language != i18n.DEFAULT:
        from playbook.pack.translations import translated

        pack = translated(pack, language)
    with i18n.using(language):
        result = _evaluate(pack, answers)
    return result if language == i18n.DEFAULT else dataclasses.replace(result, language=language)


def _evaluate(pack: Pack, answers: Answers) -> Result:
    base = customers.analyse_answers(pack, answers)  # figures from the customer rows, and the metrics they give
    metrics, origin = resolve_metrics(pack, customers.with_row_metrics(answers, base))
    origin.update({k: "derived" for k in (base.derived if base else {}) if k not in answers.metrics})
    profile: dict[str, Any] = {
        "years_in_cloud": answers.years_in_cloud,
        "focus": answers.focus or None,
        "primary_focus": answers.primary_focus,
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
    unknown = _Unknown(frozenset(na_refs))
    states, candidates = _action_states(pack, facts, unknown, cur, base)
    verdict = decide(pack, states, facts)
    skip = frozenset(n.id for n in inapplicable)
    deciding = {(d.kind, d.id) for d in verdict.deciding}
    return Result(
        pack_id=pack.id, pack_name=pack.name, pack_version=pack.version, pack_hash=pack.content_hash,
        partner_name=answers.partner_name, assessed_on=answers.assessed_on,
        years_in_cloud=answers.years_in_cloud, focus=answers.focus, currency=cur,
        input_hash=answers.input_hash, stage=verdict.stage,
        stage_name=next(s.name for s in pack.stages if s.id == verdict.stage), stage_reason=verdict.reason,
        phases=verdict.phases, metrics=metrics, metric_origin=origin, findings=tuple(findings),
        plan=_order(candidates), actions=tuple(states), checklists=_checklists(pack, facts, unknown),
        areas=_areas(pack, states, findings), customers=_customers(pack, answers),
        not_assessed=_not_assessed(pack, facts, bench_missing, skip, deciding),
        stage_status=verdict.status, stage_range=verdict.range, deciding_questions=verdict.deciding,
        stage_advice=verdict.advice, answered=answered_of(pack, answers),
        not_applicable=inapplicable, stage_rule=(pack.stage_rule.in_place_share, pack.stage_rule.note),
        customer_base=base,
    )


@dataclasses.dataclass(frozen=True)
class _Unknown:
    """Why a condition is unknown: an input that does not apply to this partner
    (answered n/a, or ruled out by the profile) makes it "does_not_apply";
    anything else missing makes it "not_assessed"."""

    na_refs: frozenset[str]

    def __call__(self, missing: list[str]) -> str:
        return "does_not_apply" if any(m in self.na_refs for m in missing) else "not_assessed"


def _action_states(pack: Pack, facts: Facts, unknown: _Unknown, cur: str,
                   base: CustomerBase | None) -> tuple[list[ActionState], list[tuple[Any, tuple[Evidence, ...], float]]]:
    """Each action's state, and the recommended ones with their reasons and score."""
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
            candidates.append((a, tuple(_with_customers(e, base) for e in reasons), score))
    return states, candidates


def _with_customers(e: Evidence, base: CustomerBase | None) -> Evidence:
    """A reason that cites a customer metric names the customers behind it
    (e.g. "renewals due in 90 days is 4 (customers: Contoso, Fabrikam and 2
    more)."): the names are kept as data on the reason, and the sentence says them."""
    names = base.named.get(e.ref) if base is not None and e.subject == "metric" else None
    if not names:
        return e
    # a count metric names some of its customers; a money total is not a count of them
    more = int(e.observed) - len(names) if e.ref != "renewal_revenue_90_days" and isinstance(
        e.observed, (int, float)) else 0
    tail = t(" and %(n)s more", n=more) if more > 0 else ""
    text = t("%(reason)s (customers: %(names)s%(more)s).", reason=e.text.rstrip("."), names=", ".join(names),
             more=tail)
    return dataclasses.replace(e, text=text, customers=tuple(names))


def _checklists(pack: Pack, facts: Facts, unknown: _Unknown) -> tuple[ChecklistResult, ...]:
    checklists = []
    for c in pack.checklists:
        items = []
        for it in c.items:
            r = holds(it.done_when, facts)
            status = unknown(missing_inputs(it.done_when, facts)) if r is None else "done" if r else "not_done"
            items.append(ChecklistItemResult(it.id, it.text, status, it.source))
        checklists.append(ChecklistResult(c.id, c.title, tuple(items), c.source))
    return tuple(checklists)


def _order(candidates: list[tuple[Any, tuple[Evidence, ...], float]]) -> tuple[PlannedAction, ...]:
    """Phase by phase; inside a phase the highest score first, but never
    before a prerequisite that is itself in the plan."""
    by_id = {a.id: (a, r, s) for a, r, s in candidates}
    out: list[PlannedAction] = []
    for phase in PHASES:
        ids = [a.id for a, _, _ in candidates if a.phase == phase]
        waiting = {i: {r for r in by_id[i][0].requires if r in by_id and by_id[r][0].phase == phase} for i in ids}
        # who waits on whom, so placing an action touches only its dependents (linear, not quadratic)
        dependents: dict[str, list[str]] = {}
        for j in ids:
            for r in waiting[j]:
                dependents.setdefault(r, []).append(j)
        heap = [(-by_id[i][2], i) for i in ids if not waiting[i]]
        heapq.heapify(heap)
        while heap:
            _, i = heapq.heappop(heap)
            a, reasons, score = by_id[i]
            out.append(PlannedAction(a.id, a.title, a.description, a.phase, a.tier, a.area, a.impact, a.effort,
                                     len(out) + 1, score, reasons, a.requires, a.source, a.notes, str(a.loc)))
            for j in dependents.get(i, ()):
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


def _total(values: list[float]) -> float | None:
    """A sum that cannot overflow to infinity (None when it would, or when empty)."""
    total = sum(values) if values else None
    return total if total is None or math.isfinite(total) else None


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
            tuple(sorted(c.name for c in mine)), _total(revenues),
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
