"""customers.analysis on small hand-built customer lists, every expected figure
worked out by hand in the comments (the mutation sample's survivors there:
inline customers, capped revenues, churn's 12-month window, the renewal lists'
edges, the Pareto curve, the notes and warnings' words)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from playbook.base.model import Customer, MaturityStage
from playbook.base.values import MAX_MAGNITUDE
from playbook.customers.analysis import analyse
from playbook.customers.figures import CustomerBase
from playbook.customers.read import CustomerRow

ON = "2026-06-30"
STAGES = (MaturityStage("ad_hoc", "Ad hoc", "", (), ""), MaturityStage("managed", "Managed", "", (), ""))


def run(customers: list[Any], metrics: dict[str, float] | None = None, on: str | None = ON,
        ids: tuple[str, ...] = ("active_customers", "mrr", "churn_rate_annual", "nps", "renewals_due_90_days",
                                "renewal_revenue_90_days", "customers_without_renewal_date")) -> CustomerBase:
    return analyse(customers, source="t", assessed_on=on, metrics=metrics or {}, nps_responses=None,
                   maturity_stages=STAGES, metric_ids=ids)


def day(n: int) -> str:
    return (dt.date.fromisoformat(ON) + dt.timedelta(days=n)).isoformat()


def test_inline_customers_keep_their_revenue_and_a_revenue_past_the_cap_is_not_given() -> None:
    base = run([Customer("A", "ad_hoc", 1200.0, None), Customer("B", "ad_hoc", None, None),
                Customer("C", "managed", MAX_MAGNITUDE * 10, None), Customer("D", "managed", MAX_MAGNITUDE, None)],
               {"churn_rate_annual": 20})
    # A and D have a revenue (D exactly at the cap); B none; C's is past the cap, so treated as none
    assert base.with_revenue == 2 and base.revenue == 1200.0 + MAX_MAGNITUDE
    assert [(n.name, n.revenue) for n in base.top] == [("D", MAX_MAGNITUDE), ("A", 1200.0)]
    # CLV = revenue x 100 / churn = 5 x revenue
    assert base.top[1].clv == 6000.0
    assert {s.stage: (s.customers, s.revenue) for s in base.stages} == {"ad_hoc": (2, 1200.0),
                                                                       "managed": (2, MAX_MAGNITUDE)}


def test_churn_counts_the_twelve_months_to_the_assessment_date() -> None:
    rows = [
        CustomerRow("Old", "ad_hoc", 100.0, None, first_purchase=day(-365)),            # a customer on day one
        CustomerRow("New", "ad_hoc", 100.0, None, first_purchase=day(-364)),            # joined after it: not in the base
        CustomerRow("Left", "ad_hoc", 100.0, None, first_purchase=day(-900), ended=day(-10)),  # lost
        CustomerRow("Gone", "ad_hoc", 100.0, None, first_purchase=day(-900), ended=day(-365)),  # left before: not in base
        CustomerRow("Later", "ad_hoc", 100.0, None, first_purchase=day(-900), ended=day(5)),    # leaves after the date
    ]
    base = run(rows)
    # base: Old, Left, Later = 3; lost: Left = 1 -> 33.33 %
    assert base.churn == 33.33 and base.churn_origin == "derived"
    assert base.active == 3 and base.ended == 2  # Old, New, Later are still customers on the date
    assert base.derived["churn_rate_annual"] == 33.33
    # 1 / 33.33 % = 3.0 years of revenue, the churn cited with where it came from
    assert "annual churn (33.33 %, derived)" in base.clv_method and "i.e. 3.0 years" in base.clv_method


def test_without_churn_there_is_no_origin_and_the_notes_say_what_is_missing() -> None:
    base = run([Customer("A", "ad_hoc", 100.0, None)], on=None)
    assert (base.churn, base.churn_origin, base.average_clv) == (None, "", None)
    assert base.notes == (
        "CLV needs the annual churn: give churn_rate_annual, or an ended column with the dates customers left, and "
        "partner.assessed_on. Until then customers are ranked by annual revenue.",
        "Give partner.assessed_on for the renewal calendar and churn from the rows: they count days from the "
        "assessment date.")


def test_renewal_lists_name_the_date_and_keep_the_largest_on_the_last_day() -> None:
    # eleven renewals in the 91-day-to-12-month window and nothing after them: the list shows ten,
    # the soonest first; on day 105 (the tenth and eleventh) the larger of the two
    rows = [CustomerRow(f"R{k:02d}", "ad_hoc", 1000.0 + k, day(96 + k)) for k in range(9)]
    rows += [CustomerRow("Small", "ad_hoc", 10.0, day(105)), CustomerRow("Large", "ad_hoc", 5000.0, day(105))]
    base = run(rows, {"churn_rate_annual": 50})
    [w] = [w for w in base.renewals if w.id == "d365"]
    assert w.customers == 11 and w.revenue == sum(1000.0 + k for k in range(9)) + 5010.0
    assert [n.name for n in w.names] == [f"R{k:02d}" for k in range(9)] + ["Large"]
    assert [n.detail for n in w.names] == [day(96 + k) for k in range(9)] + [day(105)]
    assert w.names[0].clv == 2000.0  # 1000 x 100 / 50


def test_renewals_within_90_days_are_rounded_to_cents() -> None:
    base = run([CustomerRow("A", "ad_hoc", 1000.123, day(10)), CustomerRow("B", "ad_hoc", 1.0, day(91))])
    assert base.derived["renewal_revenue_90_days"] == 1000.12
    assert base.derived["renewals_due_90_days"] == 1.0


def test_customers_without_a_renewal_date_carry_their_clv() -> None:
    base = run([CustomerRow("A", "ad_hoc", 300.0, None), CustomerRow("B", "managed", 100.0, day(3))],
               {"churn_rate_annual": 25})
    assert [(n.name, n.revenue, n.clv) for n in base.no_renewal_names] == [("A", 300.0, 1200.0)]
    assert base.no_renewal_revenue == 300.0 and base.no_renewal_date == 1


def test_the_pareto_curve_of_forty_customers_ends_at_all_of_them() -> None:
    base = run([CustomerRow(f"C{k:02d}", "ad_hoc", float(40 - k), None) for k in range(40)])
    assert base.all_stars is not None
    curve = base.all_stars.curve
    # 40 points plus the origin, one per customer, ending at 100 % of customers and revenue
    assert len(curve) == 41 and curve[0] == (0.0, 0.0) and curve[-1] == (100.0, 100.0)
    assert curve[1] == (2.5, round(100 * 40 / 820, 2))  # the largest: 40 of 1 + ... + 40 = 820


def test_a_top_customer_over_customers_without_revenue_has_no_multiple() -> None:
    base = run([CustomerRow("A", "ad_hoc", 100.0, None), CustomerRow("B", "ad_hoc", 0.0, None)])
    assert base.all_stars is not None
    # the rest earn nothing: "x times the rest" has no meaning, rather than a division by zero
    assert base.all_stars.top10_multiple is None and base.all_stars.top10_count == 1


@pytest.mark.parametrize(("metric", "given", "words"), [
    ("active_customers", 1.0, "customers not ended"),
    ("mrr", 1000.0, "annual revenue of active customers ÷ 12"),
])
def test_a_disagreeing_given_metric_is_warned_in_plain_words(metric: str, given: float, words: str) -> None:
    # two active customers earning 1,200 a year each: 2 customers, MRR 200
    base = run([CustomerRow("A", "ad_hoc", 1200.0, None), CustomerRow("B", "ad_hoc", 1200.0, None)], {metric: given})
    assert len(base.warnings) == 1 and f"({words})" in base.warnings[0], base.warnings
