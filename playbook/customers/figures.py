"""The figures about a customer base, as plain frozen data (made by analysis.py)."""

from __future__ import annotations

from dataclasses import dataclass

from playbook.base.model import ColumnsRead


@dataclass(frozen=True)
class Named:
    name: str
    revenue: float | None  # annual
    clv: float | None
    detail: str = ""  # e.g. the renewal date or the gap to the next tier


@dataclass(frozen=True)
class Segment:
    label: str
    customers: int
    revenue: float
    average_revenue: float
    average_clv: float | None
    revenue_share: float  # 0..100
    clv_to_cac: float | None


@dataclass(frozen=True)
class SegmentTable:
    dimension: str  # size | industry | service | roster
    title: str
    rows: tuple[Segment, ...]
    not_given: int  # customers with no value for this dimension


@dataclass(frozen=True)
class AllStars:
    count: int  # the smallest set of customers making 80 % of revenue
    customer_share: float  # that set as a % of customers with revenue
    revenue_share_top20: float  # % of revenue from the top 20 % of customers
    top10_multiple: float | None  # average revenue of the top 10 % / average of the rest
    top1_multiple: float | None
    top10_count: int
    top1_count: int
    curve: tuple[tuple[float, float], ...]  # (% of customers, % of revenue), largest first
    names: tuple[Named, ...]


@dataclass(frozen=True)
class Tier:
    name: str
    min_revenue: float  # annual revenue from which a customer is in this tier
    min_clv: float | None
    customers: int
    revenue: float


@dataclass(frozen=True)
class RenewalWindow:
    id: str
    label: str
    days_from: int
    days_to: int
    customers: int
    revenue: float
    step: str
    names: tuple[Named, ...]


@dataclass(frozen=True)
class Month:
    label: str  # e.g. "Dec 2026"
    customers: int
    revenue: float


@dataclass(frozen=True)
class StageCount:
    stage: str
    name: str
    customers: int
    revenue: float
    names: tuple[str, ...]  # the largest few


@dataclass(frozen=True)
class CustomerBase:
    source: str  # the CSV file, or "answers file" for the inline list
    rows: int
    active: int
    ended: int
    with_revenue: int
    revenue: float  # annual recurring revenue of active customers
    churn: float | None  # % a year, used for CLV
    churn_origin: str  # given | derived | ""
    clv_method: str
    average_clv: float | None
    cac: float | None
    clv_to_cac: float | None
    top: tuple[Named, ...]
    segments: tuple[SegmentTable, ...]
    all_stars: AllStars | None
    tiers: tuple[Tier, ...]
    closest_to_next_tier: tuple[Named, ...]
    renewals: tuple[RenewalWindow, ...]  # empty without an assessment date
    renewals_within_90: int
    renewal_revenue_within_90: float
    months: tuple[Month, ...]
    no_renewal_date: int
    no_renewal_revenue: float
    no_renewal_names: tuple[Named, ...]
    stages: tuple[StageCount, ...]
    derived: dict[str, float]  # metric id -> value from the rows, for metrics not given
    named: dict[str, tuple[str, ...]]  # metric id -> the customers behind it, for action reasons
    warnings: tuple[str, ...]
    notes: tuple[str, ...]  # figures that could not be made, and why
    columns: ColumnsRead | None = None  # what the CSV's columns were read as (None for the inline list)
