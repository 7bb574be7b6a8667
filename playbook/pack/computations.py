"""Named computations for derived metrics (no eval: each is plain Python)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from playbook.base.model import Formula


@dataclass(frozen=True)
class Computation:
    name: str
    needs: tuple[str, ...]  # metric ids it reads
    describe: str
    fn: Callable[[Mapping[str, float], Sequence[int] | None], float | None]


# 002 § Use CLV to optimize the business: "there could be 2-5 years of revenue
# in the future, once acquired". 1 / churn alone gives 50 years at the guide's
# own excellent 2 % churn, so the expected lifetime stops at the guide's horizon.
CLV_HORIZON_YEARS = 5.0


def clv_years(churn_rate_annual: float | None) -> float | None:
    """Expected years of revenue from a customer: 1 / annual churn, at most the
    guide's 5-year horizon; None when churn is not known or zero."""
    if not churn_rate_annual or churn_rate_annual < 0:
        return None
    try:
        return min(100.0 / churn_rate_annual, CLV_HORIZON_YEARS)
    except (ZeroDivisionError, OverflowError):  # churn so small it underflows
        return None


def _clv(m: Mapping[str, float], _r: Sequence[int] | None) -> float | None:
    mrr, customers = m.get("mrr"), m.get("active_customers")
    years = clv_years(m.get("churn_rate_annual"))
    if mrr is None or not customers or years is None:
        return None  # a churn of zero or none given: leave CLV unassessed
    return mrr * 12 / customers * years


def _nps(_m: Mapping[str, float], responses: Sequence[int] | None) -> float | None:
    if not responses:
        return None
    promoters = sum(1 for r in responses if r >= 9)
    detractors = sum(1 for r in responses if r <= 6)
    return round(100.0 * (promoters - detractors) / len(responses), 1)


COMPUTATIONS: dict[str, Computation] = {c.name: c for c in (
    Computation("clv_from_mrr", ("mrr", "active_customers", "churn_rate_annual"),
                "mrr × 12 ÷ active_customers × expected years (100 ÷ churn_rate_annual, at most 5: the "
                "guide's 2-5-year horizon)", _clv),
    Computation("nps_from_responses", (),
                "% of responses 9-10 (promoters) minus % of responses 0-6 (detractors)", _nps),
)}


def formula_refs(f: Formula) -> set[str]:
    if f.op == "metric":
        return {f.ref}
    out: set[str] = set()
    for a in f.args:
        out |= formula_refs(a)
    return out


def eval_formula(f: Formula, m: Mapping[str, float]) -> float | None:
    if f.op == "const":
        return f.const
    if f.op == "metric":
        return m.get(f.ref)
    vals = [eval_formula(a, m) for a in f.args]
    if any(v is None for v in vals):
        return None
    nums = [float(v) for v in vals if v is not None]
    if f.op == "add":
        return sum(nums)
    if f.op == "mul":
        out = 1.0
        for v in nums:
            out *= v
        return out
    if f.op == "sub":
        return nums[0] - sum(nums[1:])
    if f.op == "div":
        out = nums[0]
        for v in nums[1:]:
            try:
                out /= v
            except ZeroDivisionError:
                return None
        return out
    if f.op == "min":
        return min(nums)
    return max(nums)


def describe_formula(f: Formula) -> str:
    if f.op == "const":
        return f"{f.const:g}"
    if f.op == "metric":
        return f.ref
    sym = {"add": " + ", "sub": " − ", "mul": " × ", "div": " ÷ "}.get(f.op)
    parts = [describe_formula(a) for a in f.args]
    return f"({sym.join(parts)})" if sym else f"{f.op}({', '.join(parts)})"
