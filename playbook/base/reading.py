"""One reader per kind of value, the same for an answers file and a customer CSV.

Whatever a partner writes (an answer, a metric, a CSV cell) is read by
:func:`read_value` with the convention of the file (playbook.i18n.Convention,
from partner.language with its region): what one accepts, the other accepts,
and ambiguity, currency and the size cap are checked the same way.
The grammar itself lives in :mod:`playbook.base.values`.
"""

from __future__ import annotations

from typing import Any, Protocol

from playbook.base.values import Bounds, parse_bool, parse_date, parse_number


class Reading(Protocol):
    """How a file writes numbers and dates (playbook.i18n.Convention, made
    from partner.language): what the readers below need of it."""

    @property
    def decimal(self) -> str | None: ...
    @property
    def group(self) -> str | None: ...
    @property
    def date_order(self) -> str | None: ...


# The field kinds, each read by one function below, the same for an answers
# file and a customer CSV: what one accepts, the other accepts.
KINDS = ("number", "percent", "money", "count", "date", "yesno")


def read_value(kind: str, v: Any, convention: Reading, *, currency: str | None = None,
               within: Bounds = (None, None)) -> Any:
    """`v` read as a value of `kind` the way `convention` writes it: a float
    (number, percent, money: currency always checked against `currency`;
    count: whole), an ISO date string, or a bool. ValueError says why not."""
    if kind == "date":
        return parse_date(v, convention.date_order)
    if kind == "yesno":
        return parse_bool(v)
    if kind not in KINDS:
        raise ValueError(f"unknown kind of value {kind!r}")
    return parse_number(v, percent=kind == "percent", money=kind == "money", whole=kind == "count",
                        currency=currency, decimal=convention.decimal, group=convention.group, within=within)
