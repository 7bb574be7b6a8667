"""The engine names the customers behind a reason as data, and its sentence says them."""

from __future__ import annotations

from typing import Any

from playbook.answers.check import load_answers
from playbook.engine.evaluation import evaluate
from tests.conftest import EXAMPLES


def test_a_reason_citing_a_customer_metric_carries_the_customers_and_says_them(default_pack: Any) -> None:
    result = evaluate(default_pack, load_answers(EXAMPLES / "customers-partner.yaml", default_pack))
    reasons = [e for a in result.plan for e in a.reasons if e.ref == "renewals_due_90_days"]
    assert reasons
    for e in reasons:
        assert len(e.customers) == 5  # five named ...
        assert e.text.endswith(f"(customers: {', '.join(e.customers)} and {int(e.observed) - 5} more).")
    base = result.customer_base
    assert base is not None and reasons[0].customers == base.named["renewals_due_90_days"]


def test_reasons_without_customer_metrics_name_nobody(default_pack: Any) -> None:
    result = evaluate(default_pack, load_answers(EXAMPLES / "grow-stage.yaml", default_pack))
    for a in result.plan:
        for e in a.reasons:
            assert bool(e.customers) == ("(customers: " in e.text)
