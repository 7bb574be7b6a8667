"""No tick without an answer behind it (issue 20): over every checklist item,
milestone and action of the default pack, a "done" needs the answers that show
it, and each item's deciding answer is written down for reviewers."""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from playbook.answers.check import parse_answers
from playbook.base.model import Condition, Pack
from playbook.engine.evaluation import evaluate
from playbook.engine.result import Result
from playbook.pack.computations import COMPUTATIONS, formula_refs
from playbook.pack.lint import _leaves
from playbook.pack.load import load_pack

ROOT = Path(__file__).resolve().parents[1]


@cache
def _pack() -> Pack:
    return load_pack("default")


def _run(doc: dict[str, Any]) -> Result:
    pack = _pack()
    return evaluate(pack, parse_answers(yaml.safe_dump(doc).encode(), pack, "a.yaml"))


def _refs(cond: Condition | None) -> set[tuple[str, str]]:
    return {(leaf.subject, leaf.ref) for leaf in _leaves(cond)}


def _items() -> dict[str, Condition | None]:
    return {f"{c.id}.{it.id}": it.done_when for c in _pack().checklists for it in c.items}


def test_with_no_answers_no_item_milestone_or_action_is_done() -> None:
    r = _run({"partner": {"name": "Blank"}})
    ticked = [f"{c.id}.{it.id}" for c in r.checklists for it in c.items if it.status == "done"]
    assert ticked == []
    assert [a.id for a in r.actions if a.state == "done"] == []
    statuses = {it.status for c in r.checklists for it in c.items}
    assert statuses == {"not_assessed"}, "a blank file leaves every checklist item not assessed, never not done"
    milestones = [a for a in r.actions if _pack().action(a.id).milestone]
    assert milestones and all(a.state == "not_assessed" for a in milestones)


def test_every_done_when_rests_on_an_answer() -> None:
    # an item with no answer behind it could only ever be "done" by default
    pack = _pack()
    empty = [iid for iid, cond in _items().items() if not _refs(cond)]
    empty += [a.id for a in pack.actions if a.done_when is not None and not _refs(a.done_when)]
    assert empty == []


def _value(q: Any) -> st.SearchStrategy[Any]:
    if q.type == "yesno":
        return st.sampled_from(["yes", "no"])
    if q.type == "choice":
        return st.sampled_from(list(q.choices))
    lo = 0.0 if q.min is None else q.min
    hi = lo + 1000 if q.max is None else q.max
    return st.integers(int(lo), int(hi))


@st.composite
def _documents(draw: st.DrawFn) -> dict[str, Any]:
    pack = _pack()
    answers = {qid: draw(_value(q)) for qid, q in pack.questions.items() if draw(st.booleans())}
    inputs = sorted({bm.metric for bm in pack.benchmarks if not pack.metrics[bm.metric].compute
                     and not pack.metrics[bm.metric].formula})
    metrics = {}
    for mid in inputs:
        if draw(st.booleans()):
            m = pack.metrics[mid]
            lo = -100.0 if m.min is None else m.min
            hi = lo + 500 if m.max is None else m.max
            metrics[mid] = draw(st.integers(int(lo), int(hi)))
    partner = {"name": "P", "years_in_cloud": draw(st.sampled_from([0.3, 1.5, 2.5, 4])),
               "focus": draw(st.sampled_from([["managed_services"], ["resale", "managed_services"], ["ip"]]))}
    return {"partner": partner, "answers": answers, "metrics": metrics}


def _assert_each_tick_stands_on_its_answers(doc: dict[str, Any]) -> int:
    """Take away the answers an item's done_when names and its tick must go:
    a tick that survives stood on nothing the partner said. Returns how many
    ticks were checked."""
    pack = _pack()
    parsed = parse_answers(yaml.safe_dump(doc).encode(), pack, "a.yaml")
    r = evaluate(pack, parsed)
    done = [f"{c.id}.{it.id}" for c in r.checklists for it in c.items if it.status == "done"]
    done_actions = [a.id for a in r.actions if a.state == "done"]
    findings = {bm.id: bm.metric for bm in pack.benchmarks}
    items = _items()
    for key, cond in [(k, items[k]) for k in done] + [(a, pack.action(a).done_when) for a in done_actions]:
        gone = {ref if subject != "finding" else findings[ref] for subject, ref in _refs(cond)}
        # a derived metric's evidence is what it is derived from (NPS from the raw responses)
        derived = [pack.metrics[m] for m in gone if m in pack.metrics]
        for m in derived:
            gone |= set(COMPUTATIONS[m.compute].needs) if m.compute else formula_refs(m.formula) if m.formula else set()
        responses = None if any(m.compute == "nps_from_responses" for m in derived) else parsed.nps_responses
        stripped = dataclasses.replace(
            parsed, answers={k: v for k, v in parsed.answers.items() if k not in gone},
            metrics={k: v for k, v in parsed.metrics.items() if k not in gone}, listed=parsed.listed - gone,
            nps_responses=responses)
        again = evaluate(pack, stripped)
        if key in items:
            cid, iid = key.split(".", 1)
            status = next(it.status for c in again.checklists if c.id == cid for it in c.items if it.id == iid)
            assert status == "not_assessed", key
        else:
            assert next(a.state for a in again.actions if a.id == key) == "not_assessed", key
    return len(done) + len(done_actions)


@pytest.mark.parametrize("example", ["optimize-stage.yaml", "grow-stage.yaml"])
def test_every_tick_of_a_shipped_example_stands_on_its_deciding_answers(example: str) -> None:
    doc = yaml.safe_load((ROOT / "examples" / example).read_text(encoding="utf-8"))
    doc.pop("customers", None)
    assert _assert_each_tick_stands_on_its_answers(doc) > 40


@pytest.mark.slow
@settings(max_examples=25, deadline=None)
@given(_documents())
def test_a_done_item_is_undone_by_removing_the_answers_that_decide_it(doc: dict[str, Any]) -> None:
    _assert_each_tick_stands_on_its_answers(doc)


def test_the_default_pack_ticks_nothing_on_a_question_written_for_another_passage() -> None:
    unasked = [p.format() for p in _pack().warnings if p.code == "unasked-evidence"]
    assert unasked == []


def test_coverage_names_the_deciding_answer_of_every_checklist_item() -> None:
    text = (ROOT / "docs" / "coverage.md").read_text(encoding="utf-8")
    table = text[text.index("## Which answer decides each checklist item"):]
    for c in _pack().checklists:
        for it in c.items:
            row = next((line for line in table.splitlines() if line.startswith(f"| `{c.id}.{it.id}` |")), None)
            assert row is not None, f"{c.id}.{it.id} has no row"
            for _subject, ref in _refs(it.done_when):
                assert f"`{ref}`" in row, f"{c.id}.{it.id}: {ref} not named"


@pytest.mark.parametrize("bad", ["{question: dedicated_customer_success, eq: yes}"])
def test_validate_warns_where_an_item_rests_on_a_question_that_does_not_ask_it(tmp_path: Path, bad: str) -> None:
    pack = tmp_path / "overlay"
    pack.mkdir()
    (pack / "pack.yaml").write_text("id: o\nname: O\nversion: 0.1.0\nengine: '>=0.1,<1'\nextends: default\n")
    (pack / "more.yaml").write_text(
        "checklists:\n  - id: renew\n    title: Renew\n    source: 002_d85274969c44507d.txt § Renewal strategy\n"
        f"    items:\n      - {{id: csm_leads, text: The CSM leads renewals, done_when: {bad}}}\n")
    found = [p for p in load_pack(pack).warnings if p.code == "unasked-evidence"]
    assert [(Path(p.file).name, p.line) for p in found] == [("more.yaml", 6)]
    assert "'dedicated_customer_success'" in found[0].message and "also_asks" in found[0].message
