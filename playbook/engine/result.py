"""The result of an evaluation: plain frozen data, and its public JSON shape."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playbook import __version__
from playbook.engine.comparison import Comparison

if TYPE_CHECKING:  # the customer analysis is imported by the runs that have customers
    from playbook.customers.figures import CustomerBase


@dataclass(frozen=True)
class Evidence:
    text: str  # one plain sentence, for people
    subject: str  # question | metric | profile | finding
    ref: str
    observed: Any
    threshold: Any
    gap: float | None  # relative distance from the threshold, 0..1, metrics only
    # the customers behind a reason that cites a customer metric (the engine's sentence names them too)
    customers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    benchmark: str
    metric: str
    metric_name: str
    unit: str
    value: float | None
    status: str  # met | not_met | not_assessed
    target: str
    target_op: str
    target_value: Any
    gap: float | None
    band: str | None
    better: str
    source: str
    notes: str


def relative_gap(f: Finding) -> float | None:
    """How far a missed target is, as a share of the target (0 when met or unknown)."""
    if f.gap is None or f.status == "met":
        return None
    bound = f.target_value[0] if isinstance(f.target_value, (tuple, list)) else f.target_value
    return float(f.gap) / max(abs(float(bound)), 1.0)


@dataclass(frozen=True)
class PlannedAction:
    id: str
    title: str
    description: str
    phase: str
    tier: str | None
    area: str
    impact: str
    effort: str
    priority: int
    score: float
    reasons: tuple[Evidence, ...]
    requires: tuple[str, ...]
    source: str
    notes: str
    loc: str


@dataclass(frozen=True)
class ActionState:
    id: str
    title: str
    phase: str
    tier: str | None
    area: str
    # recommended | done | not_applicable (its `when` does not hold) | not_assessed
    # | does_not_apply (it rests on an answer of n/a, or on a question the profile rules out)
    state: str
    missing: tuple[str, ...]  # what was not assessed, when state is not_assessed
    source: str
    milestone: bool = False


@dataclass(frozen=True)
class ChecklistItemResult:
    id: str
    text: str
    status: str  # done | not_done | not_assessed | does_not_apply
    source: str


@dataclass(frozen=True)
class ChecklistResult:
    id: str
    title: str
    items: tuple[ChecklistItemResult, ...]
    source: str


@dataclass(frozen=True)
class AreaScore:
    id: str
    name: str
    score: int | None  # 0..100 share of assessed practices in place; None when nothing assessed
    done: int
    open: int
    not_assessed: int
    does_not_apply: int = 0  # left out of the score and of the total

    @property
    def assessed(self) -> int:
        return self.done + self.open

    @property
    def total(self) -> int:
        """Practices (and KPIs) of the area that apply to the partner."""
        return self.done + self.open + self.not_assessed


@dataclass(frozen=True)
class CustomerGroup:
    stage: str
    stage_name: str
    description: str
    services: tuple[tuple[str, str, str], ...]  # (id, title, description)
    customers: tuple[str, ...]
    revenue: float | None
    next_renewal: str | None
    source: str


@dataclass(frozen=True)
class NotAssessed:
    kind: str  # question | metric | profile
    id: str
    text: str
    used_by: int  # how many rules wait on it
    phase: str | None = None  # the earliest phase of a practice waiting on it; None: KPIs and checklists only
    deciding: bool = False  # one of the inputs that would settle a provisional stage


@dataclass(frozen=True)
class DecidingInput:
    """An unanswered input of a milestone whose answer is needed to settle the stage."""
    kind: str  # question | metric | profile
    id: str
    text: str
    phase: str  # the phase of the milestone(s) waiting on it
    seconds: int  # the questionnaire's estimate of the time to answer it


@dataclass(frozen=True)
class AdviceAnswer:
    """One answer of the stage advice: set question `id` to `answer`."""
    kind: str  # question
    id: str
    text: str
    answer: str  # as written in an answers file: yes, no, a choice, a number
    phase: str  # the phase of the milestone it decides
    change: bool = False  # answered already: the answer means putting the milestone in place


@dataclass(frozen=True)
class StageAdvice:
    """The fewest answers that move the stage on (`goal` move) or confirm it
    (`goal` confirm), worked out from the stage rule and checked against it:
    with them, the stage is `stage` and its status `status`."""
    goal: str  # move | confirm
    stage: str
    status: str  # confirmed | provisional
    answers: tuple[AdviceAnswer, ...]


@dataclass(frozen=True)
class Answered:
    """How much of what was asked a file answered (engine/questionnaire.answer_counts)."""
    questionnaire: str  # quick | full: a file made from the quick questionnaire is counted against it
    questions_answered: int
    questions: int
    metrics_answered: int
    metrics: int


@dataclass(frozen=True)
class NotApplicable:
    """A question or metric that does not apply to the partner: answered n/a, or
    ruled out by its `applies_when` for the partner's profile."""
    kind: str  # question | metric
    id: str
    text: str
    reason: str  # answered_na | profile


@dataclass(frozen=True)
class PhaseProgress:
    phase: str
    name: str
    done: int
    open: int
    not_assessed: int
    does_not_apply: int = 0
    # the milestones of the phase that apply, and how they were answered
    milestones_done: int = 0
    milestones_open: int = 0
    milestones_not_assessed: int = 0
    # in_place | not_in_place, whatever the blanks; unknown: the blanks decide;
    # empty: no milestone of this phase applies
    status: str = "empty"

    @property
    def milestones(self) -> int:
        return self.milestones_done + self.milestones_open + self.milestones_not_assessed


@dataclass(frozen=True)
class Result:
    pack_id: str
    pack_name: str
    pack_version: str
    pack_hash: str
    partner_name: str
    assessed_on: str | None
    years_in_cloud: float | None
    focus: tuple[str, ...]
    currency: str
    input_hash: str
    stage: str
    stage_name: str
    stage_reason: str
    phases: tuple[PhaseProgress, ...]
    metrics: dict[str, float]
    metric_origin: dict[str, str]  # given | derived
    findings: tuple[Finding, ...]
    plan: tuple[PlannedAction, ...]
    actions: tuple[ActionState, ...]
    checklists: tuple[ChecklistResult, ...]
    areas: tuple[AreaScore, ...]
    customers: tuple[CustomerGroup, ...]
    not_assessed: tuple[NotAssessed, ...]
    stage_status: str = "confirmed"  # confirmed | provisional
    stage_range: tuple[str, str] = ("start", "start")  # (lowest, highest) stage the blanks allow
    deciding_questions: tuple[DecidingInput, ...] = ()  # settle the stage, in the order to ask them
    stage_advice: tuple[StageAdvice, ...] = ()  # the answers that move the stage on or confirm it
    answered: Answered | None = None  # how much of the questionnaire the file answered
    not_applicable: tuple[NotApplicable, ...] = ()
    stage_rule: tuple[float, str] = (0.75, "")  # the pack's in_place_share and note, for the Method section
    customer_base: CustomerBase | None = None  # the customer analysis (playbook/customers), when rows were given
    baseline: Comparison | None = None  # set by --baseline: the comparison with the earlier assessment
    language: str = "en"  # the language of every text in the result and its reports


def _num(x: float | None) -> float | None:
    return None if x is None or not math.isfinite(x) else round(float(x), 4)


def _finite(node: Any) -> Any:
    """The shape with every non-finite number made null: JSON has no
    Infinity or NaN, and a derived value that overflowed is not known."""
    if isinstance(node, float):
        return node if math.isfinite(node) else None
    if isinstance(node, dict):
        return {k: _finite(v) for k, v in node.items()}
    if isinstance(node, (list, tuple)):
        return [_finite(v) for v in node]
    return node


def practice_counts(actions: Iterable[ActionState]) -> tuple[int, int]:
    """(assessed, practices): the one count of practices every surface shows.
    A practice is an action of the pack that applies to the partner: neither
    ruled out by its `when` nor resting on an input that does not apply.
    Benchmarks are counted apart (the KPI scorecard)."""
    applying = [a for a in actions if a.state not in ("not_applicable", "does_not_apply")]
    return sum(a.state != "not_assessed" for a in applying), len(applying)


def _practices(r: Result) -> dict[str, int]:
    assessed, total = practice_counts(r.actions)
    return {"assessed": assessed, "total": total}


def _advice_dict(r: Result) -> dict[str, Any]:
    """The stage advice, what was answered of what was asked, and the practice count."""
    return {
        "stage_advice": [{"goal": a.goal, "stage": a.stage, "status": a.status,
                          "answers": [{"kind": x.kind, "id": x.id, "text": x.text, "answer": x.answer,
                                       "phase": x.phase, "change": x.change} for x in a.answers]}
                         for a in r.stage_advice],
        **({"answered": {"questionnaire": r.answered.questionnaire,
                         "questions": {"answered": r.answered.questions_answered, "asked": r.answered.questions},
                         "metrics": {"answered": r.answered.metrics_answered, "asked": r.answered.metrics}}}
           if r.answered is not None else {}),
        "practices": _practices(r),
    }


def to_dict(r: Result) -> dict[str, Any]:
    """The public JSON shape (contract section 4), plus additions; every
    number in it is finite."""
    out: dict[str, Any] = _finite({
        "playbook_version": __version__,
        "pack": {"id": r.pack_id, "name": r.pack_name, "version": r.pack_version, "hash": r.pack_hash},
        "partner": {"name": r.partner_name, "assessed_on": r.assessed_on, "years_in_cloud": r.years_in_cloud,
                    "focus": list(r.focus), "currency": r.currency},
        "input_hash": r.input_hash,
        "language": r.language,
        "stage": r.stage,
        "stage_reason": r.stage_reason,
        "stage_status": r.stage_status,
        "stage_range": list(r.stage_range),
        "deciding_questions": [{"kind": d.kind, "id": d.id, "text": d.text, "phase": d.phase}
                               for d in r.deciding_questions],
        **_advice_dict(r),
        "stage_rule": {"in_place_share": r.stage_rule[0], "note": r.stage_rule[1]},
        "phases": [{"phase": p.phase, "done": p.done, "open": p.open, "not_assessed": p.not_assessed,
                    "does_not_apply": p.does_not_apply, "status": p.status,
                    "milestones": {"done": p.milestones_done, "open": p.milestones_open,
                                   "not_assessed": p.milestones_not_assessed}}
                   for p in r.phases],
        "metrics": {k: _num(v) for k, v in sorted(r.metrics.items())},
        "metric_origin": dict(sorted(r.metric_origin.items())),
        "findings": [{
            "benchmark": f.benchmark, "metric": f.metric, "value": _num(f.value), "status": f.status,
            "target": f.target, "gap": _num(f.gap), "band": f.band, "source": f.source,
        } for f in r.findings],
        "actions": [{
            "id": a.id, "title": a.title, "description": a.description, "phase": a.phase, "tier": a.tier,
            "area": a.area, "impact": a.impact, "effort": a.effort, "priority": a.priority,
            "score": a.score, "reasons": [e.text for e in a.reasons],
            "evidence": [{"text": e.text, "subject": e.subject, "ref": e.ref,
                          "observed": e.observed, "threshold": e.threshold} for e in a.reasons],
            "requires": list(a.requires), "source": a.source,
        } for a in r.plan],
        "done": [a.id for a in r.actions if a.state == "done"],
        "milestones": [{"id": a.id, "phase": a.phase, "state": a.state} for a in r.actions if a.milestone],
        "not_assessed_actions": [{"id": a.id, "missing": list(a.missing)} for a in r.actions
                                 if a.state == "not_assessed"],
        "checklists": [{"id": c.id, "title": c.title, "items": [
            {"id": i.id, "text": i.text, "status": i.status} for i in c.items]} for c in r.checklists],
        "does_not_apply_actions": [a.id for a in r.actions if a.state == "does_not_apply"],
        "areas": [{"id": a.id, "name": a.name, "score": a.score, "done": a.done, "open": a.open,
                   "not_assessed": a.not_assessed, "does_not_apply": a.does_not_apply,
                   "assessed": a.assessed, "total": a.total} for a in r.areas],
        "customer_stages": [{
            "stage": g.stage, "name": g.stage_name, "customers": list(g.customers),
            "services": [{"id": s[0], "title": s[1]} for s in g.services],
            "revenue": _num(g.revenue), "next_renewal": g.next_renewal, "source": g.source,
        } for g in r.customers],
        "not_assessed": [{"kind": n.kind, "id": n.id, "text": n.text, "phase": n.phase, "deciding": n.deciding}
                         for n in r.not_assessed],
        "not_applicable": [{"kind": n.kind, "id": n.id, "text": n.text, "reason": n.reason}
                           for n in r.not_applicable],
        "customer_base": None if r.customer_base is None else _customer_dict(r.customer_base),
        **({"baseline": r.baseline.to_dict()} if r.baseline is not None else {}),
    })
    return out


def to_json(r: Result) -> str:
    # allow_nan=False: strict JSON, or a loud failure instead of `Infinity` in a file
    return json.dumps(to_dict(r), indent=2, ensure_ascii=False, sort_keys=False, allow_nan=False) + "\n"


def _customer_dict(base: CustomerBase) -> dict[str, Any] | None:
    from playbook.customers import base_to_dict

    return base_to_dict(base)
