"""The operator registry: the single list of comparison operators.

The JSON Schema for conditions (schema.py), the validator's type checks
(loader.py), the engine and the plain-words rendering all read this table, so
they cannot drift apart (as in Cloud Custodian's OPERATORS).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from playbook.base.messages import N_

# Value kinds a subject can have.
NUMBER, BOOL, CHOICE, ORDERED_CHOICE, TEXT, DATE, LIST = (
    "number", "bool", "choice", "ordered_choice", "text", "date", "list")
SCALARS = frozenset({NUMBER, BOOL, CHOICE, ORDERED_CHOICE, TEXT, DATE})
ORDERED = frozenset({NUMBER, ORDERED_CHOICE, DATE})


@dataclass(frozen=True)
class Operator:
    name: str
    words: str  # plain words, for reasons and docs: "is less than"
    symbol: str  # compact form for tables: "<"
    operand: str  # value | list | pair | flag
    kinds: frozenset[str]  # subject kinds it accepts
    test: Callable[[Any, Any], bool]


def _between(a: Any, b: Any) -> bool:
    return bool(b[0] <= a <= b[1])


OPERATORS: dict[str, Operator] = {op.name: op for op in (
    Operator("eq", "is", "=", "value", SCALARS, lambda a, b: bool(a == b)),
    Operator("ne", "is not", "≠", "value", SCALARS, lambda a, b: bool(a != b)),
    Operator("lt", "is less than", "<", "value", ORDERED, lambda a, b: bool(a < b)),
    Operator("le", "is at most", "≤", "value", ORDERED, lambda a, b: bool(a <= b)),
    Operator("gt", "is more than", ">", "value", ORDERED, lambda a, b: bool(a > b)),
    Operator("ge", "is at least", "≥", "value", ORDERED, lambda a, b: bool(a >= b)),
    Operator("between", "is between", "∈", "pair", ORDERED, _between),
    Operator("in", "is one of", "∈", "list", SCALARS, lambda a, b: a in b),
    Operator("not_in", "is not one of", "∉", "list", SCALARS, lambda a, b: a not in b),
    Operator("contains", "includes", "∋", "value", frozenset({LIST}), lambda a, b: b in a),
    # present/absent are decided by the engine before any value is looked at
    Operator("present", "is answered", "✓", "flag", SCALARS | {LIST}, lambda a, b: True),
    Operator("absent", "is not answered", "∅", "flag", SCALARS | {LIST}, lambda a, b: True),
)}

# Operators a benchmark target may use (one bound or a closed range).
TARGET_OPERATORS = ("lt", "le", "gt", "ge", "between")

SUBJECTS = ("question", "metric", "profile", "finding")
COMBINATORS = ("all", "any", "not")
FINDING_STATUSES = ("met", "not_met", "not_assessed")

# Partner profile fields a condition may test, with their kinds.
PROFILE_FIELDS: dict[str, str] = {
    "years_in_cloud": NUMBER,
    "focus": LIST,
    # the line of business the partner leads with: the guide sets the attach target for
    # partners whose primary focus is managed services, not for everyone who lists it
    "primary_focus": TEXT,
    "currency": TEXT,
}
FOCUS_VALUES = ("resale", "project_services", "managed_services", "ip")
# what each line of business is called where a partner reads it (t() translates them)
FOCUS_LABELS = {"resale": N_("Resale"), "project_services": N_("Project services"),
                "managed_services": N_("Managed services"), "ip": N_("IP (intellectual property)")}
