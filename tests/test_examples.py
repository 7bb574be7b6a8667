"""What each shipped example report must say, asserted beside its goldens.

The goldens (examples/*-report.*) are rewritten by the code when
PLAYBOOK_UPDATE_GOLDEN=1, so they catch a change but not a wrong answer. These
assertions come from elsewhere:

- the stage, from the pack's own rule (assessments/default/pack.yaml
  `stage_rule`) applied here to the milestones' states: a phase is in place when
  at least that share of its answered milestones are done; the stage is the
  first phase not in place (engine/stage.py is not called);
- each KPI's status, from the benchmark's target and `applies_when` in
  assessments/default/*.yaml and the number the example's YAML gives, read by
  the tiny reader below (NPS from the example's responses);
- the stage and the first actions of the plan, written out per example.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from conftest import EXAMPLES, ROOT

from playbook.api import Assessor

PACK = ROOT / "assessments" / "default"
PHASES = ("start", "grow", "optimize")
OPS: dict[str, Callable[[Any, Any], bool]] = {"lt": operator.lt, "le": operator.le, "gt": operator.gt,
                                               "ge": operator.ge}

# example -> (stage, the first three actions of the plan)
EXPECTED = {
    "start-stage": ("start", ["clm_partner_of_record", "clm_quote_renewals_early", "scorecard_good"]),
    "grow-stage": ("grow", ["renewals_due_without_outreach", "record_renewal_dates", "onboarding_small_scope_kpis"]),
    "german-partner": ("grow", ["renewals_due_without_outreach", "record_renewal_dates",
                                "onboarding_small_scope_kpis"]),
    "customers-partner": ("grow", ["renewals_due_without_outreach", "record_renewal_dates",
                                   "onboarding_small_scope_kpis"]),
    "optimize-stage": ("optimize", ["record_renewal_dates", "refresh_digital_content", "product_development_plan"]),
    "quick-partial": ("grow", ["clm_partner_of_record", "grow_recurring_revenue", "referral_program"]),
}
# metrics an example does not give as a number but that come from its customer CSV: the
# status is then checked against the engine's figure (still with the pack's threshold)
FROM_CUSTOMER_ROWS = {("customers-partner", "churn_rate_annual"), ("customers-partner", "nps")}


def raw(name: str) -> Any:
    return yaml.safe_load((PACK / name).read_text(encoding="utf-8"))


def examples() -> list[str]:
    return sorted(p.name[:-len("-report.json")] for p in EXAMPLES.glob("*-report.json"))


def test_every_example_with_a_golden_is_covered() -> None:
    assert examples() == sorted(EXPECTED)


@pytest.fixture(scope="module")
def assessed() -> dict[str, dict[str, Any]]:
    a = Assessor("default")
    return {name: a.assess_file(EXAMPLES / f"{name}.yaml").to_dict() for name in EXPECTED}


def number(text: Any, german: bool) -> float:
    """The example's way of writing a number: '$180,000', '12%', '12,5 %', '165.000 €'."""
    if isinstance(text, (int, float)):
        return float(text)
    s = re.sub(r"[\s$€%]", "", str(text))
    s = s.replace(".", "").replace(",", ".") if german else s.replace(",", "")
    return float(s)


def applies(cond: dict[str, Any] | None, partner: dict[str, Any]) -> bool | None:
    """`applies_when` over the partner's profile, three-valued (a profile field the
    example does not give is unknown): the few forms the default pack uses."""
    if cond is None:
        return True
    if "all" in cond:
        got = [applies(c, partner) for c in cond["all"]]
        return False if False in got else None if None in got else True
    field = cond["profile"]
    [(op, value)] = [(k, v) for k, v in cond.items() if k != "profile"]
    if partner.get(field) is None:
        return None
    if op == "contains":
        return value in partner[field]
    if op == "eq":
        return bool(partner[field] == value)
    return OPS[op](partner[field], value)


def nps(responses: list[int]) -> float:
    promoters = len([r for r in responses if r >= 9])
    detractors = len([r for r in responses if r <= 6])
    return round(100 * (promoters - detractors) / len(responses), 1)


def expected_kpis(name: str, result: dict[str, Any]) -> dict[str, str]:
    doc = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    partner, given = doc["partner"], doc.get("metrics") or {}
    german = partner.get("language") == "de"
    metric_when = {m["id"]: m.get("applies_when") for m in raw("metrics.yaml")["metrics"]}
    out = {}
    for b in raw("benchmarks.yaml")["benchmarks"]:
        if not (applies(b.get("applies_when"), partner) is True and applies(metric_when[b["metric"]], partner) is True):
            # the benchmark does not apply to this partner, or cannot be known to (the attach-rate
            # target for a partner who gives no primary_focus): no finding
            continue
        if (name, b["metric"]) in FROM_CUSTOMER_ROWS:
            value = result["metrics"][b["metric"]]
        elif b["metric"] == "nps" and doc.get("nps_responses"):
            value = nps(doc["nps_responses"])
        elif given.get(b["metric"]) is not None:
            value = number(given[b["metric"]], german)
        else:
            out[b["id"]] = "not_assessed"
            continue
        [(op, bound)] = b["target"].items()
        out[b["id"]] = "met" if OPS[op](value, bound) else "not_met"
    return out


def stage_by_the_rule(milestones: list[dict[str, Any]]) -> tuple[str, str]:
    """(stage from the answered milestones, stage if every blank milestone were done)."""
    share = raw("pack.yaml")["stage_rule"]["in_place_share"]

    def stage(blank_done: bool) -> str:
        for phase in PHASES[:-1]:
            mine = [m["state"] for m in milestones if m["phase"] == phase]
            done = mine.count("done") + (mine.count("not_assessed") if blank_done else 0)
            answered = done + mine.count("recommended")
            applicable = mine.count("done") + mine.count("recommended") + mine.count("not_assessed")
            if applicable and not (answered and done >= share * answered):
                return phase
        return PHASES[-1]
    return stage(False), stage(True)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_stage_follows_the_packs_rule(name: str, assessed: dict[str, dict[str, Any]]) -> None:
    r = assessed[name]
    low, high = stage_by_the_rule(r["milestones"])
    assert r["stage"] == low == EXPECTED[name][0]
    assert r["stage_status"] == ("confirmed" if low == high else "provisional")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_top_actions(name: str, assessed: dict[str, dict[str, Any]]) -> None:
    plan = assessed[name]["actions"]
    assert [a["id"] for a in plan[:3]] == EXPECTED[name][1]
    # each is open: the plan holds recommended practices only, never done or not assessed ones
    done_or_blank = {m["id"] for m in assessed[name]["milestones"] if m["state"] != "recommended"}
    assert not done_or_blank & {a["id"] for a in plan}
    assert [a["priority"] for a in plan] == list(range(1, len(plan) + 1))
    assert [PHASES.index(a["phase"]) for a in plan] == sorted(PHASES.index(a["phase"]) for a in plan)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_kpi_status_follows_its_benchmark(name: str, assessed: dict[str, dict[str, Any]]) -> None:
    r = assessed[name]
    want = expected_kpis(name, r)
    assert {f["benchmark"]: f["status"] for f in r["findings"]} == want
    assert len(want) >= 9


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_golden_says_the_same(name: str, assessed: dict[str, dict[str, Any]]) -> None:
    """The stored report (what a reader of the repository sees) agrees with the above."""
    import json

    golden = json.loads((EXAMPLES / f"{name}-report.json").read_text(encoding="utf-8"))
    assert golden["stage"] == EXPECTED[name][0]
    assert [a["id"] for a in golden["actions"][:3]] == EXPECTED[name][1]
    assert {f["benchmark"]: f["status"] for f in golden["findings"]} == expected_kpis(name, golden)
    md = (EXAMPLES / f"{name}-report.md").read_text(encoding="utf-8")
    # the stage's name in the report's language (the German names from the pack's translation)
    de = yaml.safe_load((PACK / "translations" / "de.yaml").read_text(encoding="utf-8"))["stages"]
    names = {s: de[s]["name"] for s in PHASES} if name == "german-partner" else \
        {"start": "Start", "grow": "Grow", "optimize": "Optimize"}
    first = re.search(r"\*\*(" + "|".join(names.values()) + r")\b", md)
    assert first is not None and first.group(1) == names[EXPECTED[name][0]]  # the summary's stage line


def test_the_example_numbers_are_read_as_written() -> None:
    assert number("$180,000", False) == 180000 and number("12,5 %", True) == 12.5
    assert number("165.000 €", True) == 165000 and number("36%", False) == 36 and number(2.1, False) == 2.1
    assert nps([10, 9, 6, 7]) == 25.0 and nps([10, 10, 3]) == 33.3
