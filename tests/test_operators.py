from __future__ import annotations

import pytest

from playbook.base import operators as ops
from playbook.pack.schema import condition_schema, value_test_schema


def test_every_operator_is_in_the_condition_schema() -> None:
    props = condition_schema()["properties"]
    assert set(ops.OPERATORS) <= set(props)
    assert set(props) == set(ops.OPERATORS) | set(ops.SUBJECTS) | set(ops.COMBINATORS) | {"status"}


def test_target_operators_exist() -> None:
    assert set(value_test_schema()["properties"]) == set(ops.TARGET_OPERATORS) <= set(ops.OPERATORS)


@pytest.mark.parametrize("name,a,b,want", [
    ("eq", 1, 1, True), ("ne", 1, 2, True), ("lt", 1, 2, True), ("le", 2, 2, True), ("gt", 3, 2, True),
    ("ge", 1, 2, False), ("between", 5, (1, 10), True), ("between", 11, (1, 10), False),
    ("in", "a", ("a", "b"), True), ("not_in", "a", ("a", "b"), False), ("contains", ("x", "y"), "y", True),
])
def test_operator_semantics(name: str, a: object, b: object, want: bool) -> None:
    assert ops.OPERATORS[name].test(a, b) is want
