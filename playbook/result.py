"""The result of an evaluation: plain frozen data, and its public JSON shape."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from playbook import __version__

if TYPE_CHECKING:
    from playbook.baseline import Comparison


@dataclass(frozen=True)
class Evidence:
    text: str  # one plain sentence, for people
    subject: str  # question | metric | profile | finding
    ref: str
    observed: Any
    threshold: Any
    gap: float | None  # relative distance from the threshold, 0..1, metrics only


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
    state: str  # recommended | done | not_applicable | not_assessed
    missing: tuple[str, ...]  # what was not assessed, when state is not_assessed
    source: str


@dataclass(frozen=True)
class ChecklistItemResult:
    id: str
    text: str
    status: str  # done | not_done | not_assessed
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


@dataclass(frozen=True)
class PhaseProgress:
    phase: str
    name: str
    done: int
    open: int
    not_assessed: int


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
    baseline: Comparison | None = None  # set by --baseline: the comparison with the earlier assessment


def _num(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def to_dict(r: Result) -> dict[str, Any]:
    """The public JSON shape (contract section 4), plus additions."""
    return {
        "playbook_version": __version__,
        "pack": {"id": r.pack_id, "name": r.pack_name, "version": r.pack_version, "hash": r.pack_hash},
        "partner": {"name": r.partner_name, "assessed_on": r.assessed_on, "years_in_cloud": r.years_in_cloud,
                    "focus": list(r.focus), "currency": r.currency},
        "input_hash": r.input_hash,
        "stage": r.stage,
        "stage_reason": r.stage_reason,
        "phases": [{"phase": p.phase, "done": p.done, "open": p.open, "not_assessed": p.not_assessed}
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
        "not_assessed_actions": [{"id": a.id, "missing": list(a.missing)} for a in r.actions
                                 if a.state == "not_assessed"],
        "checklists": [{"id": c.id, "title": c.title, "items": [
            {"id": i.id, "text": i.text, "status": i.status} for i in c.items]} for c in r.checklists],
        "areas": [{"id": a.id, "name": a.name, "score": a.score, "done": a.done, "open": a.open,
                   "not_assessed": a.not_assessed} for a in r.areas],
        "customer_stages": [{
            "stage": g.stage, "name": g.stage_name, "customers": list(g.customers),
            "services": [{"id": s[0], "title": s[1]} for s in g.services],
            "revenue": _num(g.revenue), "next_renewal": g.next_renewal, "source": g.source,
        } for g in r.customers],
        "not_assessed": [{"kind": n.kind, "id": n.id, "text": n.text} for n in r.not_assessed],
        **({"baseline": r.baseline.to_dict()} if r.baseline is not None else {}),
    }


def to_json(r: Result) -> str:
    return json.dumps(to_dict(r), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
