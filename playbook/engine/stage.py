"""The stage model: which phase a partner is in, decided by milestones only.

A milestone is an item of the guide's own Start, Grow and Optimize lists
(`Action.milestone`). Every other practice stays in the plan with its phase
and tier but does not decide the stage. A pack without any milestone falls
back to treating every practice as one.

The rule (the pack's own reading of the guide, `Pack.stage_rule`): a phase is
*in place* when at least `in_place_share` of its applicable, **answered**
milestones are in place. A blank is an unknown, never a no, and a milestone
that does not apply (an `n/a` answer, a `when` that does not hold, a
question the profile rules out) is left out of every share. The partner is at
the first phase that is not in place; when Start and Grow are both in place
the partner is at Optimize (so Optimize's own milestones never move the stage).

The blanks give a range: the lowest stage is the one where every blank
milestone turns out not in place, the highest the one where every blank turns
out in place. Both bound the stage from answered milestones, because adding a
"yes" to a phase can only raise its share and adding a "no" only lower it.
The stage is confirmed when both ends agree, provisional otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playbook.base.model import PHASES, Pack
from playbook.engine.conditions import Facts
from playbook.engine.result import ActionState, DecidingInput, PhaseProgress, StageAdvice
from playbook.i18n import NBSP, current, number, t, tn

EPS = 1e-9  # 3 of 4 against a share of 0.75 is in place, whatever the float rounding


@dataclass(frozen=True)
class PhaseCount:
    phase: str
    done: int
    open: int
    blank: int

    @property
    def applicable(self) -> int:
        return self.done + self.open + self.blank


def in_place(done: int, open_: int, share: float) -> bool:
    """A phase whose answered milestones are `done` in place and `open_` not."""
    answered = done + open_
    return answered > 0 and done >= share * answered - EPS


def phase_in_place(c: PhaseCount, share: float) -> tuple[bool, bool, bool]:
    """(from the answered milestones, if every blank is not in place, if every
    blank is in place). A phase with no applicable milestone holds nobody back."""
    if c.applicable == 0:
        return True, True, True
    return in_place(c.done, c.open, share), in_place(c.done, c.open + c.blank, share), \
        in_place(c.done + c.blank, c.open, share)


def stage_of(passed: Sequence[bool]) -> str:
    """The first phase not in place; Optimize when every earlier phase is."""
    for phase, ok in zip(PHASES[:-1], passed):
        if not ok:
            return phase
    return PHASES[-1]


@dataclass(frozen=True)
class StageVerdict:
    stage: str
    status: str  # confirmed | provisional
    range: tuple[str, str]
    phases: tuple[PhaseProgress, ...]
    deciding: tuple[DecidingInput, ...]
    reason: str
    advice: tuple[StageAdvice, ...] = ()


def milestone_states(pack: Pack, states: Sequence[ActionState]) -> list[ActionState]:
    """The states that decide the stage: the milestones, or every practice of a
    pack that marks none."""
    marked = [s for s in states if s.milestone]
    return marked if marked else list(states)


def _counts(deciding_states: Sequence[ActionState]) -> list[PhaseCount]:
    out = []
    for p in PHASES:
        mine = [s for s in deciding_states if s.phase == p]
        out.append(PhaseCount(p, sum(s.state == "done" for s in mine), sum(s.state == "recommended" for s in mine),
                              sum(s.state == "not_assessed" for s in mine)))
    return out


def deciding_inputs(pack: Pack, deciding_states: Sequence[ActionState], counts: Sequence[PhaseCount],
                    share: float) -> tuple[DecidingInput, ...]:
    """The fewest unanswered inputs whose answers settle the stage, whatever
    those answers turn out to be, in the order that settles it fastest.

    A phase whose blanks cannot change whether it is in place is settled. For
    an unsettled phase, every one of its blank milestones is needed: with even
    one left blank, the other answers can land exactly at the threshold, where
    that last blank still tips the phase either way. So the inputs are those
    of the blank milestones of each unsettled phase, walking up from Start and
    stopping at the first phase that is settled as not in place (nothing above
    it can matter then); Optimize never decides the stage. Lower phases come
    first, since settling Start as not in place settles everything; inside a
    phase, the quickest to answer first (the questionnaire's time estimate),
    so a partner who stops early has settled as much as the time allowed.
    An input shared by several milestones is asked once.
    """
    from playbook.engine.questionnaire import input_seconds, input_text

    out: list[DecidingInput] = []
    seen: set[tuple[str, str]] = set()
    for c in counts[:-1]:
        _, low, high = phase_in_place(c, share)
        if low == high:
            if not low:
                break
            continue
        phase_inputs = []
        for s in deciding_states:
            if s.phase != c.phase or s.state != "not_assessed":
                continue
            for what in s.missing:
                kind, ref = what.split(" ", 1)
                if kind == "finding":  # a KPI target: its metric is what to answer
                    kind, ref = "metric", next(b.metric for b in pack.benchmarks if b.id == ref)
                if (kind, ref) in seen:
                    continue
                seen.add((kind, ref))
                phase_inputs.append(DecidingInput(kind, ref, input_text(pack, kind, ref), c.phase,
                                                  input_seconds(pack, kind, ref)))
        out += sorted(phase_inputs, key=lambda d: (d.seconds, d.id))
    return tuple(out)


def _share_words(share: float) -> str:
    # the number and its % stay on one line in translations (NBSP); English keeps its space
    return f"{number(round(share * 100), 0)}{' ' if current() == 'en' else NBSP}%"


def _reason(pack: Pack, counts: Sequence[PhaseCount], point: Sequence[bool], stage: str,
            status: str, rng: tuple[str, str], share: float) -> str:
    names = {s.id: s.name for s in pack.stages}
    rule = t("(the pack's rule: a phase is in place when at least %(share)s of its answered milestones are)",
             share=_share_words(share))
    passed = [c for c, ok in zip(counts[:-1], point) if ok and c.applicable and c.phase != stage]
    parts = "; ".join(t("%(phase)s %(done)s of %(total)s", phase=names[c.phase], done=c.done, total=c.done + c.open)
                      for c in passed)
    first = {"start": names.get(PHASES[0], PHASES[0]), "grow": names.get(PHASES[1], PHASES[1])}
    if stage == PHASES[-1]:
        text = (t("The %(start)s and %(grow)s milestones are in place (%(parts)s); what remains is refinement "
                  "%(rule)s.", parts=parts, rule=rule, **first)
                if passed else t("No %(start)s or %(grow)s milestone applies; what remains is refinement %(rule)s.",
                                 rule=rule, **first))
    else:
        before = t("%(phases)s milestones are in place (%(parts)s). ",
                   phases=t(" and ").join(names[c.phase] for c in passed), parts=parts) if passed else ""
        c = next(x for x in counts if x.phase == stage)
        answered = c.done + c.open
        blank = t(", %(n)s not answered", n=c.blank) if c.blank else ""
        if answered == 0:
            what = tn("its only milestone is not", "none of its %(n)s milestones is", c.applicable)
            text = t("%(before)s%(stage)s: %(what)s answered yet %(rule)s.", before=before, stage=names[stage],
                     what=what, rule=rule)
        else:
            text = t("%(before)s%(stage)s: %(done)s of %(answered)s answered milestones are in place%(blank)s "
                     "%(rule)s.", before=before, stage=names[stage], done=c.done,
                     answered=answered, blank=blank, rule=rule)
    if status == "provisional":
        text += " " + t("Provisional: the unanswered milestones allow anything from %(low)s to %(high)s.",
                        low=names[rng[0]], high=names[rng[1]])
    return text


def _verdicts(pack: Pack, states: Sequence[ActionState]) -> tuple[list[PhaseCount], list[tuple[bool, bool, bool]],
                                                                   str, tuple[str, str], str]:
    """The stage rule: counts, each phase's verdicts, the stage, its range and status."""
    share = pack.stage_rule.in_place_share
    counts = _counts(milestone_states(pack, states))
    verdicts = [phase_in_place(c, share) for c in counts]
    stage = stage_of([v[0] for v in verdicts])
    rng = (stage_of([v[1] for v in verdicts]), stage_of([v[2] for v in verdicts]))
    return counts, verdicts, stage, rng, "confirmed" if rng[0] == rng[1] else "provisional"


def stage_advice(pack: Pack, states: Sequence[ActionState], facts: Facts) -> tuple[StageAdvice, ...]:
    """The answers that move the stage on, then (provisional) those that confirm it."""
    from playbook.engine.advice import Advisor

    counts, _, stage, _, status = _verdicts(pack, states)

    def outcome(after: Sequence[ActionState]) -> tuple[str, str]:
        v = _verdicts(pack, after)
        return v[2], v[4]

    advisor = Advisor(pack, facts, milestone_states(pack, states), pack.stage_rule.in_place_share, outcome,
                      in_place)
    move = advisor.move(stage, {c.phase: (c.done, c.open) for c in counts})
    confirm = advisor.confirm(stage, {c.phase: (c.done, c.open, c.blank) for c in counts}) \
        if status == "provisional" else None
    return tuple(a for a in (move, confirm) if a is not None)


def decide(pack: Pack, states: Sequence[ActionState], facts: Facts | None = None) -> StageVerdict:
    share = pack.stage_rule.in_place_share
    names = {s.id: s.name for s in pack.stages}
    deciding_states = milestone_states(pack, states)
    counts, verdicts, stage, rng, status = _verdicts(pack, states)
    point = [v[0] for v in verdicts]
    advice = stage_advice(pack, states, facts) if facts is not None else ()
    deciding = deciding_inputs(pack, deciding_states, counts, share) if status == "provisional" else ()
    phases = []
    for p, c, (_, low, high) in zip(PHASES, counts, verdicts):
        mine = [s for s in states if s.phase == p]
        phase_status = "empty" if not c.applicable else "in_place" if low else \
            "not_in_place" if not high else "unknown"
        phases.append(PhaseProgress(
            p, names[p], sum(s.state == "done" for s in mine), sum(s.state == "recommended" for s in mine),
            sum(s.state == "not_assessed" for s in mine), sum(s.state == "does_not_apply" for s in mine),
            c.done, c.open, c.blank, phase_status))
    reason = _reason(pack, counts, point, stage, status, rng, share)
    return StageVerdict(stage, status, rng, tuple(phases), deciding, reason, advice)

