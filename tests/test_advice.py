"""The stage advice is computed from the stage rule: following it literally
(each named question set to the named answer) moves the stage on, or
confirms it, exactly as its sentence says; and every surface shows it."""

from __future__ import annotations

import html as htmllib
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playbook.api import Assessor
from playbook.base.model import PHASES, Pack
from playbook.engine.advice_text import advice_sentence
from playbook.engine.evaluation import evaluate
from playbook.engine.result import Result, StageAdvice
from playbook.pack.load import load_pack
from tests.conftest import DATA

PACK = load_pack("default")
def _milestone_questions(pack: Pack) -> list[str]:
    from playbook.engine.conditions import leaves

    refs = {lf.ref for a in pack.actions if a.milestone for cond in (a.when, a.done_when)
            for lf, _ in leaves(cond) if lf.subject == "question"}
    return sorted(refs)


QUESTIONS = _milestone_questions(PACK)


def _values(qid: str) -> list[Any]:
    q = PACK.questions[qid]
    return ["yes", "no"] if q.type == "yesno" else list(q.choices)


def _assess(answers: dict[str, Any]) -> Result:


    data = {"partner": {"name": "P", "years_in_cloud": 2, "focus": ["resale"]}, "answers": answers}
    return Assessor(PACK).assess_mapping(data).result


def _follow(answers: dict[str, Any], advice: StageAdvice) -> Result:
    return _assess({**answers, **{a.id: a.answer for a in advice.answers}})


answer_files = st.fixed_dictionaries({}, optional={q: st.sampled_from(_values(q)) for q in QUESTIONS}) \
    .filter(lambda d: len(d) > 0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(answer_files)
def test_following_the_advice_does_what_it_says(answers: dict[str, Any]) -> None:
    r = _assess(answers)
    goals = [a.goal for a in r.stage_advice]
    assert goals == sorted(goals, reverse=True) and len(set(goals)) == len(goals)  # move, then confirm
    assert ("confirm" in goals) <= (r.stage_status == "provisional")
    for advice in r.stage_advice:
        assert advice.answers
        after = _follow(answers, advice)
        assert (after.stage, after.stage_status) == (advice.stage, advice.status)
        if advice.goal == "move":
            assert PHASES.index(after.stage) > PHASES.index(r.stage)
        else:
            assert after.stage == r.stage and after.stage_status == "confirmed"
        # the fewest: leaving any one named answer out does not get there
        for skip in advice.answers:
            rest = {a.id: a.answer for a in advice.answers if a is not skip}
            short = _assess({**answers, **rest})
            assert (short.stage, short.stage_status) != (advice.stage, advice.status) or \
                (advice.goal == "move" and short.stage == r.stage)


def test_the_eight_answer_file_names_the_one_answer_that_moves_it() -> None:


    pb = Assessor(PACK)
    r = pb.assess_file(DATA / "answers" / "eight-answers.yaml").result
    assert (r.stage, r.stage_status) == ("start", "provisional")
    move = next(a for a in r.stage_advice if a.goal == "move")
    assert [(a.id, a.answer, a.phase) for a in move.answers] == [("partner_of_record", "all", "start")]
    assert move.stage == "grow"
    assert advice_sentence(move, {"grow": "Grow"}) == "To move on to Grow, answer partner_of_record: all."
    raw = (DATA / "answers" / "eight-answers.yaml").read_bytes()
    followed = pb.assess_bytes(raw.replace(b"answers:\n", b"answers:\n  partner_of_record: all\n")).result
    assert followed.stage == "grow"
    # a Grow question answered yes, as a reader of the old list might, does not move it
    grow = pb.assess_bytes(raw.replace(b"success_stories: no", b"success_stories: yes")).result
    assert grow.stage == "start"


def test_a_confirmed_stage_is_moved_on_by_putting_milestones_in_place() -> None:
    answers = {q: "no" if PACK.questions[q].type == "yesno" else _values(q)[0] for q in QUESTIONS}
    r = _assess(answers)
    assert r.stage == "start" and r.stage_status == "confirmed"
    (move,) = r.stage_advice
    assert move.goal == "move" and all(a.change for a in move.answers)
    assert _follow(answers, move).stage == move.stage
    names = {s.id: s.name for s in PACK.stages}
    if len({a.answer for a in move.answers}) == 1:
        assert advice_sentence(move, names) == (
            f"To move on to {names[move.stage]}, put these in place and answer them {move.answers[0].answer}: "
            + "; ".join(a.id for a in move.answers) + ".")


def test_the_advice_is_data_in_the_json() -> None:


    pb = Assessor(PACK)
    a = pb.assess_file(DATA / "answers" / "eight-answers.yaml")
    data = json.loads(pb.render(a, "json"))
    assert data["stage_advice"][0] == {
        "goal": "move", "stage": "grow", "status": data["stage_advice"][0]["status"],
        "answers": [{"kind": "question", "id": "partner_of_record", "text": PACK.questions["partner_of_record"].text,
                     "answer": "all", "phase": "start", "change": False}]}


@pytest.mark.parametrize("limit", [1, 2])
def test_a_shortened_list_says_how_many_more(limit: int) -> None:
    from playbook.engine.result import AdviceAnswer

    answers = tuple(AdviceAnswer("question", f"q{i}", "text", "yes", "start") for i in range(3))
    text = advice_sentence(StageAdvice("move", "grow", "confirmed", answers), {"grow": "Grow"}, limit)
    assert text.endswith(f"and {3 - limit} more.")
    assert text.count(": yes") == limit


def test_evaluate_directly_gives_the_same_advice() -> None:
    from playbook.answers.check import load_answers

    data = load_answers(DATA / "answers" / "eight-answers.yaml", PACK, "eight")
    assert evaluate(PACK, data).stage_advice == _assess(dict(
        value_proposition_defined="yes", services_beyond_resale="yes", customer_discovery="no",
        sales_marketing_adapted="yes", consultative_selling="yes", success_stories="no",
        retention_activities="no", crm_tracking="yes")).stage_advice


def test_without_nameable_answers_the_report_still_lists_what_settles_it() -> None:
    """Milestones on numbers have no single answer to name: the report falls
    back to the inputs that settle the stage, without answers."""
    import dataclasses

    from playbook.report.render import render_html, render_markdown

    r = Assessor(PACK).assess_file(DATA / "answers" / "eight-answers.yaml").result
    bare = dataclasses.replace(r, stage_advice=())
    assert bare.stage_status == "provisional" and bare.deciding_questions
    html, md = render_html(bare, PACK), render_markdown(bare, PACK)
    assert 'id="advice"' in html and "Answering these settles the stage, whatever the answers:" in html
    for d in bare.deciding_questions:
        assert d.text in htmllib.unescape(html) and f"({d.id})".replace("_", "\\_") in md
    # with nameable answers, no fallback
    assert "Answering these settles" not in render_html(r, PACK)
