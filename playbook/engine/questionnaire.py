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

from playbook.base.model import Answers, Condition, Pack
from playbook.engine.conditions import Facts, holds
from playbook.engine.result import practice_counts
from playbook.errors import Problem

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
        "primary_focus": answers.primary_focus,
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

    return holds(cond, Facts({}, {}, _normal_profile(profile), {}))


PROFILE_TEXT = {"years_in_cloud": "Years selling cloud", "focus": "Lines of business (focus)",
                "primary_focus": "Primary focus",
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


# ---- how much of a file was answered ------------------------------------------

def is_quick(pack: Pack, answers: Answers) -> bool:
    """Whether the file was made from the quick questionnaire (`init --quick`,
    the form's quick mode): it names questions, and only quick ones."""
    if all(q.quick for q in pack.questions.values()):
        return False  # the quick questionnaire is the whole one
    named = [i for i in answers.listed if i in pack.questions or i in pack.metrics]
    return bool(named) and all((pack.questions[i] if i in pack.questions else pack.metrics[i]).quick
                               for i in named)


def in_questionnaire(pack: Pack, kind: str, id: str, quick: bool) -> bool:
    """Whether the questionnaire (quick or full) asks this input."""
    if not quick:
        return True
    if kind == "question":
        return id in pack.questions and pack.questions[id].quick
    if kind == "metric":
        return id in pack.metrics and pack.metrics[id].quick
    return True  # the profile is asked by both


@dataclass(frozen=True)
class Counts:
    questions_answered: int  # n/a included: it is an answer
    questions: int  # the questions the file asks (its keys), less those the profile rules out
    metrics_answered: int
    metrics: int  # metrics to give (derived ones only when given)
    not_applicable: int
    milestones_blank: int | None  # None: the pack marks no milestones
    practices_blank: int
    quick: bool = False  # made from the quick questionnaire: counted against it
    practices_assessed: int | None = None  # with a result: practice_counts
    practices: int | None = None
    advice: tuple[str, ...] = ()  # the stage advice, as sentences


def answer_counts(pack: Pack, answers: Answers, result: Any = None) -> Counts:
    """What a file answered, against what it asks: the quick questionnaire
    for a file made from it, else the ids it names (a template names all it
    asks), or the whole questionnaire for a file that names none. `result`
    (an engine Result) adds the milestones left blank, the practices and the
    stage advice."""
    profile = profile_of(answers)
    quick = is_quick(pack, answers)
    asked = frozenset(e.id for e in entries(pack, quick=True, profile=profile)) if quick else \
        answers.listed or frozenset(e.id for e in entries(pack, quick=False, profile=profile))
    q_answered = {q for q in pack.questions if q in answers.answers or q in answers.not_applicable}
    m_answered = {m for m in pack.metrics if m in answers.metrics or m in answers.not_applicable}
    q_asked = {q for q in pack.questions if q in asked and applies(pack, "question", q, profile) is not False}
    m_asked = {m for m, mt in pack.metrics.items() if m in asked and not (mt.compute or mt.formula)
               and applies(pack, "metric", m, profile) is not False}
    milestones_blank: int | None = None
    practices_blank = 0
    assessed: int | None = None
    practices: int | None = None
    advice: tuple[str, ...] = ()
    if result is not None:
        from playbook.engine.advice_text import ADVICE_SHOWN, advice_sentence

        blank = [a for a in result.actions if a.state == "not_assessed"]
        practices_blank = len(blank)
        if any(a.milestone for a in pack.actions):
            milestones_blank = sum(a.milestone for a in blank)
        assessed, practices = practice_counts(result.actions)
        names = {s.id: s.name for s in pack.stages}
        advice = tuple(advice_sentence(a, names, ADVICE_SHOWN) for a in result.stage_advice)
    return Counts(len(q_answered), len(q_asked | q_answered), len(m_answered), len(m_asked | m_answered),
                  len(answers.not_applicable), milestones_blank, practices_blank, quick, assessed, practices,
                  advice)


def answered_of(pack: Pack, answers: Answers) -> Any:
    """The engine's record of how much of the questionnaire was answered."""
    from playbook.engine.result import Answered

    c = answer_counts(pack, answers)
    return Answered("quick" if c.quick else "full", c.questions_answered, c.questions, c.metrics_answered,
                    c.metrics)


def counts_line(c: Counts) -> str:
    """'answered 14 of 28 quick questions and 3 of 5 quick metrics; 20 of 123
    practices assessed; 3 milestones not answered. To move on to Grow, answer
    partner_of_record: all.'"""
    kind = "quick " if c.quick else ""
    text = (f"answered {c.questions_answered} of {c.questions} {kind}questions and "
            f"{c.metrics_answered} of {c.metrics} {kind}metrics")
    if c.not_applicable:
        text += f" ({c.not_applicable} n/a)"
    if c.milestones_blank is not None:
        text += f"; {c.milestones_blank} milestone{'s' if c.milestones_blank != 1 else ''} not answered"
    elif c.practices_blank:
        text += f"; {c.practices_blank} practice{'s' if c.practices_blank != 1 else ''} not assessed"
    if c.practices is not None:
        text += f"; {c.practices_assessed} of {c.practices} practices assessed"
    if c.advice:
        text += ". " + " ".join(c.advice)
    return text


def nothing_answered(answers: Answers) -> Problem | None:
    """The problem with a file in which nothing was read (an untouched
    template, or answers typed after a `#`), or None."""
    if answers.answers or answers.metrics or answers.not_applicable or answers.nps_responses or answers.customers:
        return None
    return Problem(answers.file, 0, 0, "nothing is answered: every question and metric is blank, so there is "
                   "nothing to assess. Write each answer after its colon (`question_id: yes`); text after a # "
                   "is a comment and is not read", "unanswered")
