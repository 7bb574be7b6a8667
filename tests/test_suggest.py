from __future__ import annotations

from playbook.base.suggest import did_you_mean, one_of


def test_suggestions_for_names_people_mistype() -> None:
    assert did_you_mean("churn_rate_anual", ["churn_rate_annual", "mrr"]) == "; did you mean 'churn_rate_annual'?"
    assert did_you_mean("greater_than", ["gt", "lt"]) == "; did you mean 'gt'?"
    assert did_you_mean("zzz", ["gt"]) == ""


def test_any_yaml_value_may_be_the_word() -> None:
    # a pack or answers file can put a number, yes/no or null where a name belongs (issue 11:
    # 'int' object has no attribute 'lower'); options may hold them too
    assert did_you_mean(5, ["a", "b", 3]) == ""
    assert did_you_mean(True, ["yes"]) == ""
    assert did_you_mean(None, ["a"]) == ""
    assert did_you_mean(12, ["12a"]) == "; did you mean '12a'?"
    assert one_of([3, "a", None]) == "3, None, a"


def test_a_pasted_paragraph_gets_no_suggestion() -> None:
    assert did_you_mean("gt" * 10_000, ["gt"]) == ""
