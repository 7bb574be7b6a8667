"""The figures the guide asks for about a partner's own customer base.

Pure functions of the customer rows, the assessment date and the given metrics;
every figure carries the guide section it answers (``file § section``). Only
summaries and the top few customers are kept, so a result (and any report made
from it) stays small whatever the number of rows.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as _dt
import heapq
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from operator import attrgetter

from playbook.base.model import Customer, MaturityStage
from playbook.base.values import MAX_MAGNITUDE
from playbook.customers.figures import (
    AllStars,
    CustomerBase,
    Month,
    Named,
    RenewalWindow,
    Segment,
    SegmentTable,
    StageCount,
    Tier,
)
from playbook.customers.read import CustomerRow, paused_gc
from playbook.i18n import N_, fixed, month_label, plain, t
from playbook.pack.computations import clv_years

# the guide sections the JSON cites for the CLV, all-star and renewal figures (the templates cite their own)
CLV_SEGMENTS = "000_ef716df2dd0cf0de.txt § Measure Your Success"
CLV_USES = "002_d85274969c44507d.txt § Understanding customer lifetime value"
RENEWALS = "002_d85274969c44507d.txt § Renewal strategy"
TOP_N = 10  # customers named per list: the reports show summaries, not every row
PARETO_POINTS = 40

# Each renewal window with the step the guide's 90/60/30-day outreach puts in it
# (our reading of 002 § Renewal strategy, which lists the activities without
# assigning each to a day; the order follows the paragraph).
WINDOWS: tuple[tuple[str, str, int, int, str], ...] = (
    ("overdue", N_("Renewal date passed"), -100_000, -1,
     N_("The renewal date is past but the customer is still active: confirm the renewal and correct the date.")),
    ("d30", N_("Next 30 days"), 0, 30,
     N_("Review licence use, offer to remove licences the customer gets no value from, and close the renewal.")),
    ("d60", N_("31–60 days"), 31, 60,
     N_("Present upgrade options and any offers that secure an earlier or larger commitment.")),
    ("d90", N_("61–90 days"), 61, 90,
     N_("Start the outreach: the customer success manager confirms satisfaction, utilisation and that the "
        "solution delivered what was promised.")),
    ("d365", N_("91 days – 12 months"), 91, 365,
     N_("Put each renewal on the automated 90/60/30-day outreach schedule, with dated, measured activities.")),
)
TIERS: tuple[tuple[str, float], ...] = ((N_("Top 10 %"), 0.10), (N_("Next 20 %"), 0.30), (N_("Next 30 %"), 0.60),
                                        (N_("Remaining 40 %"), 1.0))


# The functions below run over every row, so they are written for 100,000 of
# them: dates compared as ISO strings, sorts keyed on one attribute, and the
# top few taken with heapq rather than by sorting everything.

MAX_REVENUE = MAX_MAGNITUDE  # the largest amount an answers file or CSV may give


def _rows(rows: Sequence[Customer]) -> list[CustomerRow]:
    """Inline-list customers carry only name, stage, revenue and renewal date.
    An answers file or CSV caps every amount (values.parse_number); a library
    caller may not, and a revenue past the cap would make totals infinite, so
    it is treated as not given."""
    out = [c if isinstance(c, CustomerRow) else CustomerRow(c.name, c.stage, c.revenue, c.renewal_date)
           for c in rows]
    return [dataclasses.replace(c, revenue=None) if c.revenue is not None and not abs(c.revenue) <= MAX_REVENUE
            else c for c in out]


def _named(c: Customer, clv_factor: float | None, detail: str = "") -> Named:
    rev = c.revenue
    return Named(c.name, rev, rev * clv_factor if rev is not None and clv_factor is not None else None, detail)


def _churn_from_rows(rows: Sequence[CustomerRow], on: _dt.date) -> float | None:
    """Customers lost in the 12 months to the assessment date, as a % of those
    who were customers when the 12 months began."""
    if not any(c.ended for c in rows):
        return None  # no ended column, or nobody ever left: the rows cannot tell
    start = (on - _dt.timedelta(days=365)).isoformat()
    today = on.isoformat()
    base = lost = 0
    for c in rows:
        first, ended = c.first_purchase, c.ended
        if (first is None or first <= start) and (ended is None or ended > start):
            base += 1
            if ended is not None and ended <= today:
                lost += 1
    return round(100.0 * lost / base, 2) if base else None


def _nps_from_rows(rows: Sequence[CustomerRow]) -> float | None:
    scores = [c.nps for c in rows if c.nps is not None]
    if not scores:
        return None
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    return round(100.0 * (promoters - detractors) / len(scores), 1)


def _segments(with_revenue: Sequence[CustomerRow], factor: float | None, total: float, cac: float | None,
              ) -> tuple[SegmentTable, ...]:
    groups: dict[str, dict[str, list[float]]] = {d: {} for d in ("size", "industry", "service", "roster")}
    missing = dict.fromkeys(groups, 0)
    rosters: dict[tuple[str, ...], str] = {}
    g_size, g_ind, g_svc, g_ros = (groups[d] for d in ("size", "industry", "service", "roster"))
    for c in with_revenue:
        rev = float(c.revenue or 0.0)
        if c.size:
            g_size.setdefault(c.size, []).append(rev)
        else:
            missing["size"] += 1
        if c.industry:
            g_ind.setdefault(c.industry, []).append(rev)
        else:
            missing["industry"] += 1
        svc = c.services
        if not svc:
            missing["service"] += 1
            missing["roster"] += 1
            continue
        for s in svc:
            g_svc.setdefault(s, []).append(rev)
        key = rosters.get(svc)
        if key is None:
            key = rosters[svc] = " + ".join(sorted(svc))
        g_ros.setdefault(key, []).append(rev)
    tables = []
    for dim, title in (("size", t("Company size")), ("industry", t("Industry")),
                       ("service", t("Service consumed")), ("roster", t("Roster of services"))):
        if not groups[dim]:
            continue
        rows = []
        for label, revs in groups[dim].items():
            summed = math.fsum(revs)
            avg = summed / len(revs)
            clv = avg * factor if factor is not None else None
            rows.append(Segment(label, len(revs), summed, avg, clv, 100.0 * summed / total if total else 0.0,
                                clv / cac if clv is not None and cac else None))
        # a roster shared by one customer says little: rosters by total revenue, the rest by average
        rows.sort(key=lambda r: (-r.revenue if dim == "roster" else -r.average_revenue, r.label))
        tables.append(SegmentTable(dim, title, tuple(rows[:TOP_N]), missing[dim]))
    return tuple(tables)


def _all_stars(ranked: Sequence[Customer], revs: Sequence[float], cum: Sequence[float], factor: float | None,
               ) -> AllStars | None:
    """``revs``: annual revenues largest first; ``cum``: their running sums."""
    n = len(revs)
    total = cum[-1] if n else 0.0
    if not n or total <= 0:
        return None
    k = bisect.bisect_left(cum, 0.8 * total - 1e-9) + 1
    n20 = max(1, math.ceil(n * 0.2))
    marks = sorted({max(1, round(n * i / PARETO_POINTS)) for i in range(1, PARETO_POINTS + 1)})
    curve = ((0.0, 0.0), *((round(100.0 * i / n, 2), round(100.0 * cum[i - 1] / total, 2)) for i in marks))

    def multiple(m: int) -> float | None:
        if m >= n:
            return None
        rest = (total - cum[m - 1]) / (n - m)
        return round((cum[m - 1] / m) / rest, 2) if rest > 0 else None

    n10, n1 = max(1, math.ceil(n * 0.1)), max(1, math.ceil(n * 0.01))
    return AllStars(k, round(100.0 * k / n, 1), round(100.0 * cum[n20 - 1] / total, 1), multiple(n10),
                    multiple(n1), n10, n1, curve, tuple(_named(c, factor) for c in ranked[:TOP_N]))


def _tiers(ranked: Sequence[Customer], revs: Sequence[float], cum: Sequence[float], factor: float | None,
           ) -> tuple[tuple[Tier, ...], tuple[Named, ...]]:
    """Ranked largest first, so tiers are consecutive runs, found by bisection on
    the revenues alone; a customer is in the first tier whose threshold it
    reaches, so equal revenues share a tier. The customers nearest the next tier
    are among the largest few of each tier."""
    n = len(revs)
    if not n:
        return (), ()
    bounds = [(t(name), revs[max(1, math.ceil(n * upto)) - 1]) for name, upto in TIERS]
    neg = [-r for r in revs]  # ascending, for bisect
    ends = [bisect.bisect_right(neg, -lo) for _, lo in bounds[:-1]] + [n]
    starts = [0, *ends[:-1]]
    tiers = []
    candidates: list[tuple[float, int, int]] = []
    for k, ((name, lo), i, j) in enumerate(zip(bounds, starts, ends)):
        tiers.append(Tier(name, lo, lo * factor if factor is not None else None, j - i,
                          (cum[j - 1] if j else 0.0) - (cum[i - 1] if i else 0.0)))
        if k > 0:
            up = bounds[k - 1][1]
            candidates += [((up - revs[x]) / max(up, 1.0), x, k - 1) for x in range(i, min(j, i + TOP_N))]
    candidates.sort()
    near = tuple(_named(ranked[x], factor, t("%(gap)s %% below the %(tier)s tier", gap=fixed(rel * 100, 1),
                                             tier=bounds[k][0])) for rel, x, k in candidates[:TOP_N])
    return tuple(tiers), near


def _renewals(active: Sequence[CustomerRow], on: _dt.date, factor: float | None,
              ) -> tuple[tuple[RenewalWindow, ...], tuple[Month, ...], list[CustomerRow]]:
    """The windows, the 12 months, and the renewals within 90 days (soonest first).
    One sort by date; every window and month is then a slice found by bisection."""
    def day(n: int) -> str:
        return (on + _dt.timedelta(days=n)).isoformat()
    dated = [c for c in active if c.renewal_date]
    dated.sort(key=attrgetter("renewal_date"))
    dates = [c.renewal_date or "" for c in dated]
    cum = [0.0, *itertools.accumulate(c.revenue or 0.0 for c in dated)]
    left = bisect.bisect_left

    def span(lo: int, hi: int) -> tuple[int, int]:  # dates d with lo <= d - on <= hi
        return (0 if lo < -9999 else left(dates, day(lo))), left(dates, day(hi + 1))

    def soonest(i: int, j: int) -> list[CustomerRow]:
        """The first few, the largest first on a day: the ties of the last day shown are sorted too."""
        if j - i > TOP_N:
            j = bisect.bisect_right(dates, dates[i + TOP_N - 1], i, j)
        return sorted(dated[i:j], key=lambda c: (c.renewal_date or "", -(c.revenue or 0.0), c.name))[:TOP_N]
    windows = []
    for wid, label, lo, hi, step in WINDOWS:
        i, j = span(lo, hi)
        windows.append(RenewalWindow(wid, t(label), max(lo, -9999), hi, j - i, cum[j] - cum[i], t(step),
                                     tuple(_named(c, factor, str(c.renewal_date)) for c in soonest(i, j))))
    months = []
    for k in range(12):
        y, m = divmod(on.month - 1 + k, 12)
        i, j = span((k * 366 + 11) // 12, ((k + 1) * 366 + 11) // 12 - 1 if k < 11 else 365)
        months.append(Month(month_label(_dt.date(on.year + y, m + 1, 1)), j - i, cum[j] - cum[i]))
    i, j = span(0, 90)
    return tuple(windows), tuple(months), soonest(i, j)


# the figures _disagree compares, as a client reads them: a name, not an id, and the unit's format
_CHECKED = {"churn_rate_annual": (N_("annual churn rate"), "percent"),
            "active_customers": (N_("active customers"), "count"),
            "mrr": (N_("monthly recurring revenue"), "money"), "nps": (N_("Net Promoter Score"), "number")}


def _disagree(given: Mapping[str, float], mid: str, derived: float | None, what: str, tol: float,
              relative: bool, out: list[str]) -> None:
    from playbook.i18n import value

    g = given.get(mid)
    if g is None or derived is None:
        return
    off = abs(g - derived) / max(abs(g), 1e-9) if relative else abs(g - derived)
    if off > tol:
        name, unit = _CHECKED.get(mid, (mid, "number"))
        out.append(t("The answers give %(id)s = %(given)s, but the customer rows give %(rows)s (%(what)s); "
                     "check which is current. The given value is used.", id=t(name), given=value(g, unit),
                     rows=value(derived, unit), what=t(what)))


def _largest(rows: Iterable[CustomerRow], n: int) -> list[CustomerRow]:
    return heapq.nsmallest(n, rows, key=lambda c: (-(c.revenue or 0.0), c.name))


def analyse(customers: Sequence[Customer], *, source: str, assessed_on: str | None,
            metrics: Mapping[str, float], nps_responses: Sequence[int] | None,
            maturity_stages: Iterable[MaturityStage], metric_ids: Iterable[str]) -> CustomerBase:
    """Every figure about the customer base; ``metrics`` are the given ones."""
    with paused_gc():
        return _analyse(customers, source, assessed_on, metrics, nps_responses, maturity_stages, metric_ids)


def _analyse(customers: Sequence[Customer], source: str, assessed_on: str | None, metrics: Mapping[str, float],
             nps_responses: Sequence[int] | None, maturity_stages: Iterable[MaturityStage],
             metric_ids: Iterable[str]) -> CustomerBase:
    rows = _rows(customers)
    on = _dt.date.fromisoformat(assessed_on) if assessed_on else None
    notes: list[str] = []
    warnings: list[str] = []
    today = on.isoformat() if on else None
    active = [c for c in rows if not c.ended or (today is not None and c.ended > today)]
    # Passes over every customer go in file order: in ranked order each one is a
    # cache miss, which made 100,000 rows cost fifteen times 10,000.
    with_revenue = [c for c in active if c.revenue is not None]
    ranked = sorted(with_revenue, key=attrgetter("name"))
    ranked.sort(key=attrgetter("revenue"), reverse=True)  # stable: equal revenues stay in name order
    revs = sorted(map(attrgetter("revenue"), with_revenue), reverse=True)
    cum = list(itertools.accumulate(revs))
    total = math.fsum(revs)

    row_churn = _churn_from_rows(rows, on) if on else None
    row_nps = _nps_from_rows(active)
    churn, churn_origin = (metrics["churn_rate_annual"], N_("given")) if "churn_rate_annual" in metrics else (
        (row_churn, N_("derived")) if row_churn is not None else (None, ""))
    factor = clv_years(churn)
    method = _clv_method(churn, churn_origin, factor)
    if factor is None:
        notes.append(method)
    if on is None:
        notes.append(t("Give partner.assessed_on for the renewal calendar and churn from the rows: "
                       "they count days from the assessment date."))
    cac = metrics.get("cac")
    average_clv = total / len(ranked) * factor if ranked and factor is not None else None

    windows, months, due = _renewals(active, on, factor) if on else ((), (), [])
    within = [w for w in windows if w.id in ("d30", "d60", "d90")]
    no_date = [c for c in active if not c.renewal_date]
    tiers, near = _tiers(ranked, revs, cum, factor)

    stage_rows = _stage_counts(active, maturity_stages)
    found: dict[str, float | None] = {
        "active_customers": float(len(active)),
        "mrr": round(total / 12, 2) if ranked else None,
        "churn_rate_annual": row_churn,
        "nps": row_nps if not nps_responses else None,
        "renewals_due_90_days": float(sum(w.customers for w in within)) if on else None,
        "renewal_revenue_90_days": round(sum(w.revenue for w in within), 2) if on else None,
        "customers_without_renewal_date": float(len(no_date)),
    }
    derived = _derived(found, metrics, set(metric_ids), len(active), row_churn, row_nps, notes, warnings)
    largest_undated = _largest(no_date, TOP_N)
    named = {"renewals_due_90_days": tuple(c.name for c in due[:5]),
             "renewal_revenue_90_days": tuple(c.name for c in due[:5]),
             "customers_without_renewal_date": tuple(c.name for c in largest_undated[:5])}
    return CustomerBase(
        source=source, rows=len(rows), active=len(active), ended=len(rows) - len(active), with_revenue=len(ranked),
        revenue=total, churn=churn, churn_origin=churn_origin, clv_method=method, average_clv=average_clv,
        cac=cac, clv_to_cac=average_clv / cac if average_clv is not None and cac else None,
        top=tuple(_named(c, factor) for c in ranked[:TOP_N]),
        segments=_segments(with_revenue, factor, total, cac), all_stars=_all_stars(ranked, revs, cum, factor),
        tiers=tiers, closest_to_next_tier=near, renewals=windows,
        renewals_within_90=sum(w.customers for w in within), renewal_revenue_within_90=sum(w.revenue for w in within),
        months=months, no_renewal_date=len(no_date),
        no_renewal_revenue=math.fsum(float(c.revenue or 0.0) for c in no_date),
        no_renewal_names=tuple(_named(c, factor) for c in largest_undated), stages=tuple(stage_rows),
        derived=derived, named=named, warnings=tuple(warnings), notes=tuple(notes),
    )


def _clv_method(churn: float | None, churn_origin: str, factor: float | None) -> str:
    """How CLV is worked out here, or why it cannot be yet."""
    if factor is not None:
        return t("CLV = annual recurring revenue × expected years: 1 ÷ annual churn (%(churn)s %%, %(origin)s), at "
                 "most the guide's 5-year horizon (002: 2-5 years of revenue), i.e. %(years)s years of today's "
                 "revenue; the expected-years model is the pack's own, the same as for the pack's clv metric.",
                 churn=plain(churn or 0.0), origin=t(churn_origin), years=fixed(factor, 1))
    return t("CLV needs the annual churn: give churn_rate_annual, or an ended column with the dates "
             "customers left, and partner.assessed_on. Until then customers are ranked by annual revenue.")


def _stage_counts(active: list[CustomerRow], maturity_stages: Iterable[MaturityStage]) -> list[StageCount]:
    by_stage: dict[str, list[CustomerRow]] = {}
    for c in active:
        by_stage.setdefault(c.stage, []).append(c)
    stage_rows = []
    for ms in [*maturity_stages, None]:
        mine = by_stage.get(ms.id if ms else "")
        if mine:
            stage_rows.append(StageCount(ms.id if ms else "", ms.name if ms else t("Stage not given"), len(mine),
                                         math.fsum(float(c.revenue or 0.0) for c in mine),
                                         tuple(c.name for c in _largest(mine, 5))))
    return stage_rows


def _derived(found: dict[str, float | None], metrics: Mapping[str, float], ids: set[str], n_active: int,
             row_churn: float | None, row_nps: float | None, notes: list[str], warnings: list[str]) -> dict[str, float]:
    """The metrics the rows give for metrics the answers leave blank, and a
    warning where the rows and a given metric disagree."""
    # Rows for far fewer customers than the answers say are active (the
    # example's five largest of 120) are a sample: their totals say nothing of
    # the whole base, so they neither stand in for the base's metrics nor are
    # set against them.
    given_active = metrics.get("active_customers")
    sample = given_active is not None and n_active < 0.9 * given_active
    if sample:
        for k in ("active_customers", "mrr", "churn_rate_annual"):
            found[k] = None
        notes.append(t("The customer rows list %(rows)s of the %(given)s active customers the answers give: the "
                       "figures below describe those customers only.", rows=n_active, given=plain(given_active or 0.0)))
    derived = {k: v for k, v in found.items() if v is not None and k in ids and k not in metrics}
    if not sample:
        _disagree(metrics, "churn_rate_annual", row_churn, N_("customers lost in the last 12 months"), 3.0, False,
                  warnings)
        _disagree(metrics, "active_customers", float(n_active), N_("customers not ended"), 0.10, True, warnings)
        _disagree(metrics, "mrr", found["mrr"], N_("annual revenue of active customers ÷ 12"), 0.10, True, warnings)
    _disagree(metrics, "nps", row_nps, N_("from each customer's last NPS response"), 10.0, False, warnings)
    return derived
