"""The words of the stage advice and of the plan's order: one wording for
every surface (reports, terminal summary, served banner, explain), in the
current language. The advice itself is worked out in engine/advice.py."""

from __future__ import annotations

from collections.abc import Mapping

from playbook.base.model import PHASES
from playbook.engine.result import AdviceAnswer, Result, StageAdvice
from playbook.i18n import t, tn


def advice_head(a: StageAdvice, names: Mapping[str, str]) -> str:
    """The heading of the advice as a list: 'To move on to Grow, answer:'."""
    if a.goal == "move":
        return t("To move on to %(stage)s, answer:", stage=names.get(a.stage, a.stage))
    return t("%(stage)s is confirmed with these answers:", stage=names.get(a.stage, a.stage))


def advice_item(a: AdviceAnswer) -> str:
    """One answer of the advice, as the line to write in the answers file."""
    if a.change:
        return t("%(id)s: %(answer)s (once it is in place)", id=a.id, answer=a.answer)
    return t("%(id)s: %(answer)s", id=a.id, answer=a.answer)


ADVICE_SHOWN = 3  # the answers a short surface (summary, terminal, banner) names before "and N more"


def advice_sentence(a: StageAdvice, names: Mapping[str, str], limit: int | None = None) -> str:
    """'To move on to Grow, answer customer_discovery: yes.', every surface's
    one wording; with `limit`, the first answers and how many more follow."""
    shown = a.answers if limit is None else a.answers[:limit]
    more = "; " + t("and %(n)s more", n=len(a.answers) - len(shown)) if len(shown) < len(a.answers) else ""
    if a.goal == "move" and all(x.change for x in a.answers) and len({x.answer for x in a.answers}) == 1:
        # only work moves it on: the milestones to put in place, said once
        return t("To move on to %(stage)s, put these in place and answer them %(answer)s: %(ids)s.",
                 stage=names.get(a.stage, a.stage), answer=a.answers[0].answer,
                 ids="; ".join(x.id for x in shown) + more)
    items = "; ".join(advice_item(x) for x in shown) + more
    if a.goal == "move":
        return t("To move on to %(stage)s, answer %(answers)s.", stage=names.get(a.stage, a.stage), answers=items)
    return t("%(stage)s is confirmed with %(answers)s.", stage=names.get(a.stage, a.stage), answers=items)


TOP_ACTIONS = 5  # the executive summary's "top five actions"


def plan_order_notes(result: Result, top: int = TOP_ACTIONS) -> tuple[str, ...]:
    """Why the first actions of the plan come first, when it is not plain:
    actions of a phase below the partner's stage (the plan closes earlier
    phases first, evaluation._order), and a first action that waits for an
    open prerequisite (placed before it, whatever the scores)."""
    first = result.plan[:top]
    names = {p.phase: p.name for p in result.phases}
    notes = []
    lower = [a for a in first if PHASES.index(a.phase) < PHASES.index(result.stage)]
    if lower:
        phases = t(" and ").join(names.get(p, p) for p in PHASES if any(a.phase == p for a in lower))
        notes.append(tn("The first action is a %(phases)s practice still open below your stage (%(stage)s): "
                        "earlier phases come first.",
                        "The first %(n)s actions are %(phases)s practices still open below your stage "
                        "(%(stage)s): earlier phases come first.",
                        len(lower), phases=phases, stage=result.stage_name))
    pos = {a.id: i for i, a in enumerate(result.plan)}
    for a in first:
        # an open prerequisite is always placed before what requires it (evaluation._order)
        before = [b.title for b in result.plan if b.id in a.requires and pos[b.id] < pos[a.id]]
        if before:
            notes.append(t("“%(title)s” comes after %(others)s, which it builds on.", title=a.title,
                           others=t(" and ").join(f"“{x}”" for x in before)))
    return tuple(notes)
