"""The hints the answers template writes after each key (`name: ""  # your
company name`): one home, so the template writes them and the answers check
can tell an answer typed after one, without reading answers needing the
template writer."""

from __future__ import annotations

from playbook.base.model import Metric, Question
from playbook.base.operators import FOCUS_VALUES
from playbook.i18n import N_, t

_TYPE_HINT = {
    "yesno": N_("yes or no"),
    "number": N_("a number"),
    "percent": N_("a percentage, e.g. 12% (12 means 12 %)"),
    "money": N_("an amount, e.g. $180,000"),
    "days": N_("a number of days"),
    "date": N_("a date, YYYY-MM-DD"),
}
# The units as the template's comments name them, in the template's language
# (the pack's unit ids are not words a German partner reads).
_UNIT = {"percent": "%", "money": N_("money"), "money_month": N_("money per month"), "count": N_("count"),
         "number": N_("number"), "days": N_("days"), "hours": N_("hours"), "years": N_("years"),
         "ratio": N_("ratio"), "score": N_("score")}


def _unit(unit: str) -> str:
    return t(_UNIT[unit]) if unit in _UNIT else unit


# The hints written after each partner field, kept here so the answers
# check can tell an answer typed after one (`name: ""  # your company name Fabrikam`).
PARTNER_HINTS = {
    "name": N_("your company name"),
    "assessed_on": N_("today's date, YYYY-MM-DD"),
    "years_in_cloud": N_("years since you started selling cloud (selects the recurring-revenue target)"),
    "focus": f"any of: {', '.join(FOCUS_VALUES)}",
}


def question_hint(q: Question) -> str:
    """The comment written after a question's key."""
    hint = f"one of: {', '.join(q.choices)}" if q.type == "choice" else _TYPE_HINT[q.type]
    return hint + (f" ({q.unit})" if q.unit else "")


def metric_hint(m: Metric) -> str:
    """The comment written after a metric's key."""
    derived = " (worked out for you when left blank)" if (m.compute or m.formula) else ""
    unit = {"percent": "%", "money": "money", "money_month": "money per month"}.get(m.unit, m.unit)
    return f"{m.name}; {unit}{derived}".rstrip()
