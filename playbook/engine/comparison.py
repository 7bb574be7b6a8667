"""This year against last, as data: the comparison a Result carries when it was
compared with an earlier assessment (report/baseline.py makes it, the report
renders it). The types live in the engine because the Result holds one; the
report stage adds the reading and comparing on top."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class KpiChange:
    metric: str
    name: str
    unit: str
    better: str  # higher | lower
    previous: float | None
    current: float | None
    change: float | None  # current - previous
    direction: str  # better | worse | same | new | no_longer_given | carried (not re-measured)
    status_then: str | None  # the benchmark status then (met | not_met | not_assessed), when one exists
    status_now: str | None


@dataclass(frozen=True)
class AreaChange:
    id: str
    name: str
    previous: int | None
    current: int | None


@dataclass(frozen=True)
class NotComparable:
    kind: str  # metric | action | area | question
    id: str
    reason: str


@dataclass(frozen=True)
class PastDue:
    """Renewals dated before the assessment date for customers still active."""

    customers: int
    revenue: float
    names: tuple[str, ...]


@dataclass(frozen=True)
class Comparison:
    source: str
    assessed_on: str | None
    pack_version: str
    stage_then: str
    stage_now: str
    stage_change: str  # advanced | fell_back | unchanged
    kpis: tuple[KpiChange, ...]
    closed: tuple[str, ...]  # open then; done or no longer recommended now
    new: tuple[str, ...]  # open now; not open then
    still_open: tuple[str, ...]
    areas: tuple[AreaChange, ...]
    not_comparable: tuple[NotComparable, ...]
    partner: str = ""  # the baseline named as a reader knows it: partner and date, not a file name
    carried: tuple[str, ...] = ()  # inputs still marked `# CARRIED` and unchanged ("metrics.arpu", "customers")
    unconfirmed: tuple[str, ...] = ()  # open then, not recommended now, yet nothing behind them changed
    past_due: PastDue | None = None

    @property
    def worse(self) -> bool:
        """The stage fell back or a KPI moved the wrong way."""
        return self.stage_change == "fell_back" or any(k.direction == "worse" for k in self.kpis)

    def to_dict(self) -> dict[str, Any]:
        def num(x: float | None) -> float | None:
            return None if x is None else round(float(x), 4)
        return {
            "source": self.source, "assessed_on": self.assessed_on, "pack_version": self.pack_version,
            "stage_then": self.stage_then, "stage_now": self.stage_now, "stage_change": self.stage_change,
            "kpis": [{"metric": k.metric, "previous": num(k.previous), "current": num(k.current),
                      "change": num(k.change), "direction": k.direction, "better": k.better,
                      "status_then": k.status_then, "status_now": k.status_now} for k in self.kpis],
            "partner": self.partner or None, "carried": list(self.carried),
            "past_due_renewals": None if self.past_due is None else {
                "customers": self.past_due.customers, "revenue": num(self.past_due.revenue),
                "names": list(self.past_due.names)},
            "actions": {"closed": list(self.closed), "new": list(self.new), "still_open": list(self.still_open),
                        "not_confirmed_closed": list(self.unconfirmed)},
            "areas": [{"id": a.id, "previous": a.previous, "current": a.current} for a in self.areas],
            "not_comparable": [{"kind": n.kind, "id": n.id, "reason": n.reason} for n in self.not_comparable],
        }
