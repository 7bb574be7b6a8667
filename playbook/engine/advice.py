"""The stage advice: the fewest answers that move the stage on, or that
confirm it, each named with the answer it needs.

It is worked out from the stage rule itself (playbook/engine/stage.py), not
phrased: for the phase that holds the partner back, how many of its blank
milestones answered "in place" (or open milestones put in place) make its
share of answered milestones reach the rule's share; for a provisional stage,
how many blanks below it answered "in place" and how many of its own answered
"not in place" leave no other stage possible. Each milestone's answer is
found by trying the values its question can take against its `done_when`,
and the whole set is then checked by re-deciding the stage with those
answers in place, so a sentence built from it says only what would happen.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from playbook.base.model import PHASES, Action, Pack
from playbook.engine.conditions import Facts, holds, leaves, missing_inputs
from playbook.engine.result import ActionState, AdviceAnswer, StageAdvice

MAX_TRIES = 64  # value combinations tried per milestone: a milestone rests on one or two questions


def _candidates(pack: Pack, qid: str, action: Action) -> list[Any]:
    """The values question `qid` can take that matter to `action`'s rules."""
    q = pack.questions[qid]
    if q.type == "yesno":
        return [True, False]
    if q.choices:
        return list(q.choices)
    out: list[Any] = []
    for cond in (action.when, action.done_when):
        for leaf, _ in leaves(cond):
            if leaf.subject != "question" or leaf.ref != qid:
                continue
            values = leaf.value if isinstance(leaf.value, (list, tuple)) else [leaf.value]
            for v in values:
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    out += [v, v + 1, v - 1]
                elif v is not None:
                    out.append(v)
    return list(dict.fromkeys(out))


def written(value: Any) -> str:
    """A value as a partner writes it in an answers file."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def state_of(action: Action, facts: Facts) -> str:
    """A practice's state as the engine decides it (evaluation.py), for inputs
    that are questions: done | recommended | not_assessed | not_applicable."""
    w = holds(action.when, facts)
    if w is False:
        return "not_applicable"
    if w is None:
        return "not_assessed"
    d = holds(action.done_when, facts) if action.done_when is not None else False
    return "done" if d is True else "not_assessed" if d is None else "recommended"


def _with(facts: Facts, answers: Mapping[str, Any]) -> Facts:
    return Facts({**facts.answers, **answers}, facts.metrics, facts.profile, facts.findings, facts.detail)


def _inputs(action: Action, facts: Facts, state: str) -> list[str] | None:
    """The questions to set for this milestone: its blank ones, or (open) the
    answered ones of its done_when; None when one is not a question."""
    if state == "not_assessed":
        refs = missing_inputs(action.when, facts) + missing_inputs(action.done_when, facts)
    else:
        refs = [f"{lf.subject} {lf.ref}" for lf, _ in leaves(action.done_when)]
    ids = []
    for r in dict.fromkeys(refs):
        kind, ref = r.split(" ", 1)
        if kind != "question":
            return None
        ids.append(ref)
    return ids


def _answer_for(pack: Pack, action: Action, facts: Facts, state: str, want: str) -> dict[str, Any] | None:
    """The first answers to the milestone's questions that leave it `want`."""
    ids = _inputs(action, facts, state)
    if not ids:
        return None
    options = [_candidates(pack, q, action) for q in ids]
    for combo in itertools.islice(itertools.product(*options), MAX_TRIES):
        trial = dict(zip(ids, combo))
        if state_of(action, _with(facts, trial)) == want:
            return trial
    return None


class Advisor:
    """The milestones of one assessment, and what each needs to change."""

    def __init__(self, pack: Pack, facts: Facts, states: Sequence[ActionState], share: float,
                 decide_stage: Callable[[Sequence[ActionState]], tuple[str, str]],
                 in_place: Callable[[int, int, float], bool]) -> None:
        self.pack, self.facts, self.share = pack, facts, share
        # the stage rule, from engine/stage.py: (states) -> (stage, status), and a phase's share test
        self.decide_stage, self.in_place = decide_stage, in_place
        by_id = {a.id: a for a in pack.actions}
        self.states = list(states)
        self.actions = {s.id: by_id[s.id] for s in states}

    def _ordered(self, phase: str, state: str, want: str) -> list[tuple[ActionState, dict[str, Any]]]:
        """The milestones of `phase` in `state` that an answer can make `want`,
        the quickest to answer first."""
        from playbook.engine.questionnaire import input_seconds

        out = []
        for s in self.states:
            if s.phase != phase or s.state != state:
                continue
            trial = _answer_for(self.pack, self.actions[s.id], self.facts, state, want)
            if trial is not None:
                out.append((s, trial))
        return sorted(out, key=lambda x: (sum(input_seconds(self.pack, "question", q) for q in x[1]), x[0].id))

    def outcome(self, trial: Mapping[str, Any]) -> tuple[str, str]:
        """The stage and its status once the answers in `trial` are given."""
        facts = _with(self.facts, trial)
        states = []
        for s in self.states:
            if s.state != "does_not_apply" and \
                    any(q in trial for q in _refs(self.actions[s.id])):
                s = ActionState(s.id, s.title, s.phase, s.tier, s.area, state_of(self.actions[s.id], facts),
                                (), s.source, s.milestone)
            states.append(s)
        return self.decide_stage(states)

    def _answers(self, picked: Sequence[tuple[ActionState, dict[str, Any], bool]]) -> tuple[AdviceAnswer, ...]:
        out = []
        for s, trial, change in picked:
            for qid, v in trial.items():
                out.append(AdviceAnswer("question", qid, self.pack.questions[qid].text, written(v), s.phase,
                                        change))
        return tuple(out)

    @staticmethod
    def _merge(picked: Sequence[tuple[ActionState, dict[str, Any], bool]]) -> dict[str, Any] | None:
        merged: dict[str, Any] = {}
        for _, trial, _ in picked:
            for k, v in trial.items():
                if merged.get(k, v) != v:
                    return None  # two milestones need one question answered two ways
                merged[k] = v
        return merged

    def move(self, stage: str, counts: Mapping[str, tuple[int, int]]) -> StageAdvice | None:
        """The fewest answers that put the partner's phase in place, blanks
        answered before answered milestones changed."""
        if stage == PHASES[-1]:
            return None
        done, open_ = counts[stage]
        blanks = self._ordered(stage, "not_assessed", "done")
        opens = self._ordered(stage, "recommended", "done")
        for n in range(1, len(blanks) + len(opens) + 1):
            for b in range(min(n, len(blanks)), -1, -1):
                o = n - b
                if o > len(opens) or not self.in_place(done + b + o, open_ - o, self.share):
                    continue
                picked = [(s, t, False) for s, t in blanks[:b]] + [(s, t, True) for s, t in opens[:o]]
                merged = self._merge(picked)
                if merged is None:
                    continue
                after, status = self.outcome(merged)
                if PHASES.index(after) > PHASES.index(stage):
                    return StageAdvice("move", after, status, self._answers(picked))
        return None

    def confirm(self, stage: str, blanks: Mapping[str, tuple[int, int, int]]) -> StageAdvice | None:
        """The fewest answers that leave `stage` the only one possible: enough
        blanks below it in place, enough of its own not in place."""
        picked: list[tuple[ActionState, dict[str, Any], bool]] = []
        for phase in PHASES[:PHASES.index(stage) + 1]:
            if phase == PHASES[-1]:
                break
            done, open_, blank = blanks[phase]
            if phase != stage:  # in place even if its other blanks are not
                yes = self._ordered(phase, "not_assessed", "done")
                k = next((k for k in range(len(yes) + 1) if self.in_place(done + k, open_ + blank - k, self.share)), None)
                if k is None:
                    return None
                picked += [(s, t, False) for s, t in yes[:k]]
            else:  # not in place even if its other blanks are
                no = self._ordered(phase, "not_assessed", "recommended")
                k = next((k for k in range(len(no) + 1)
                          if not self.in_place(done + blank - k, open_ + k, self.share)), None)
                if k is None:
                    return None
                picked += [(s, t, False) for s, t in no[:k]]
        merged = self._merge(picked)
        if not picked or merged is None:
            return None
        after, status = self.outcome(merged)
        if after != stage or status != "confirmed":
            return None
        return StageAdvice("confirm", after, status, self._answers(picked))


def _refs(action: Action) -> Iterator[str]:
    for cond in (action.when, action.done_when):
        for leaf, _ in leaves(cond):
            if leaf.subject == "question":
                yield leaf.ref
