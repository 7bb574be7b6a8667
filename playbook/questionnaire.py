"""The questionnaire as a partner meets it: which questions and metrics are
asked (all, or the quick ones), whether each applies to the partner's
profile, and how long answering takes.

`playbook init`, the web form and the answered/unanswered counts all read
this module, so the three always agree on what "the questionnaire" is.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from playbook.errors import Problem
from playbook.model import Answers, Condition, Pack

READING_WPM = 200  # words per minute for reading a question and its help
# seconds to give an answer once the question is read and understood
ANSWER_SECONDS = {
    "yesno": 15,
    "choice": 25,
    "date": 30,
    # a number is usually looked up (a report, the books) rather than known
    "number": 60, "percent": 60, "money": 60, "days": 60,
}
METRIC_SECONDS = 60
DERIVED_METRIC_SECONDS = 15  # worked out from other answers when left blank: optional


@dataclass(frozen=True)
class Entry:
    kind: str  # "question" | "metric"
    id: str
    section: str
    text: str
    quick: bool
    seconds: int


def _reading_seconds(*texts: str) -> int:
    words = sum(len(t.split()) for t in texts)
    return math.ceil(words * 60 / READING_WPM)


def profile_of(answers: Answers) -> dict[str, Any]:
    """The profile fields conditions can test; a field not given is None (unknown)."""
    return {
        "years_in_cloud": answers.years_in_cloud,
        "focus": answers.focus or None,
        "currency": answers.currency or None,
    }


def _normal_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(profile)
    if "focus" in out and out["focus"] is not None:
        out["focus"] = tuple(out["focus"]) or None  # no focus given: unknown, not "none"
    return out


def condition_of(pack: Pack, kind: str, id: str) -> Condition | None:
    if kind == "question":
        return pack.questions[id].applies_when
    if kind == "metric":
        return pack.metrics[id].applies_when
    raise ValueError(f"kind is 'question' or 'metric', not {kind!r}")


def applies(pack: Pack, kind: str, id: str, profile: Mapping[str, Any] | None) -> bool | None:
    """Whether a question or metric applies to a partner with this profile:
    True, False, or None when the profile does not say yet (no profile, or
    the field its `applies_when` tests is not given)."""
    cond = condition_of(pack, kind, id)
    if cond is None:
        return True
    if profile is None:
        return None
    from playbook.engine import Facts, holds  # the engine in turn asks this module for time estimates

    return holds(cond, Facts({}, {}, _normal_profile(profile), {}))


PROFILE_TEXT = {"years_in_cloud": "Years selling cloud", "focus": "Lines of business (focus)",
                "currency": "Currency"}
PROFILE_SECONDS = 10


def input_seconds(pack: Pack, kind: str, id: str) -> int:
    """The time to answer one question, metric or profile field."""
    if kind == "question" and id in pack.questions:
        q = pack.questions[id]
        return _reading_seconds(q.text, q.help, " ".join(q.choices)) + ANSWER_SECONDS.get(q.type, 30)
    if kind == "metric" and id in pack.metrics:
        m = pack.metrics[id]
        derived = m.compute is not None or m.formula is not None
        return _reading_seconds(m.name, m.description) + (DERIVED_METRIC_SECONDS if derived else METRIC_SECONDS)
    return PROFILE_SECONDS


def input_text(pack: Pack, kind: str, id: str) -> str:
    if kind == "question" and id in pack.questions:
        return pack.questions[id].text
    if kind == "metric" and id in pack.metrics:
        return pack.metrics[id].name
    return PROFILE_TEXT.get(id, id)


def _question_entries(pack: Pack) -> list[Entry]:
    return [Entry("question", q.id, q.section, q.text, q.quick, input_seconds(pack, "question", q.id))
            for q in sorted(pack.questions.values(), key=lambda q: (q.section, q.loc.file, q.loc.line))]


def _metric_entries(pack: Pack) -> list[Entry]:
    # the order of the answers template: metrics to give first, derived ones last
    return [Entry("metric", m.id, "metrics", m.name, m.quick, input_seconds(pack, "metric", m.id))
            for m in sorted(pack.metrics.values(),
                            key=lambda m: (m.formula is not None or m.compute is not None, m.id))]


def entries(pack: Pack, *, quick: bool, profile: Mapping[str, Any] | None = None) -> tuple[Entry, ...]:
    """The questions then the metrics a partner is asked, in template order.
    quick: only those marked `quick`. profile: leave out what cannot apply to
    it (an entry whose applies_when is unknown for the profile stays in)."""
    out = []
    for e in [*_question_entries(pack), *_metric_entries(pack)]:
        if quick and not e.quick:
            continue
        if profile is not None and applies(pack, e.kind, e.id, profile) is False:
            continue
        out.append(e)
    return tuple(out)


def estimate_minutes(items: Iterable[Entry]) -> int:
    """Whole minutes, rounded up, for a prepared partner to answer these entries."""
    return math.ceil(sum(e.seconds for e in items) / 60)
