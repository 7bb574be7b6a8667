"""Three-valued logic: `not`, `all` and `any` follow Kleene's tables, in the
engine (engine/conditions.holds), through a pack's YAML into an action's state,
and in the questionnaire's own checker (templates/form.js `F.holds`).

"A blank is never a no": under `not:` an unknown stays unknown. The oracle is
the textbook tables written out literally, and an evaluator that orders
false < unknown < true and takes min (all) / max (any) / mirror (not), a
formulation that shares nothing with the engine's loops."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from playbook.answers.check import parse_answers
from playbook.base.model import All, AnyOf, Condition, Leaf, Loc, Not, Pack
from playbook.engine.conditions import Facts, holds
from playbook.engine.evaluation import evaluate
from playbook.pack.load import load_pack
from playbook.report import form as form_mod
from tests import chrome

T, F, U = True, False, None
NAMES = {T: "true", F: "false", U: "unknown"}

# The tables as a logic textbook prints them.
NOT = {T: F, F: T, U: U}
AND = {(T, T): T, (T, F): F, (T, U): U,
       (F, T): F, (F, F): F, (F, U): F,
       (U, T): U, (U, F): F, (U, U): U}
OR = {(T, T): T, (T, F): T, (T, U): T,
      (F, T): T, (F, F): F, (F, U): U,
      (U, T): T, (U, F): U, (U, U): U}

RANK = {F: 0, U: 1, T: 2}
BY_RANK = {0: F, 1: U, 2: T}
LOC = Loc("kleene", 1, 1)


def oracle(c: Condition, truth: dict[str, bool | None]) -> bool | None:
    """Kleene by order: false < unknown < true."""
    if isinstance(c, Leaf):
        return truth[c.ref]
    if isinstance(c, Not):
        return BY_RANK[2 - RANK[oracle(c.item, truth)]]
    ranks = [RANK[oracle(i, truth)] for i in c.items]
    return BY_RANK[min(ranks) if isinstance(c, All) else max(ranks)]


def test_the_order_oracle_agrees_with_the_printed_tables() -> None:
    x, y = leaf("x"), leaf("y")
    for a in (T, F, U):
        assert oracle(Not(x, LOC), {"x": a}) is NOT[a]
        for b in (T, F, U):
            assert oracle(All((x, y), LOC), {"x": a, "y": b}) is AND[a, b]
            assert oracle(AnyOf((x, y), LOC), {"x": a, "y": b}) is OR[a, b]


def leaf(ref: str) -> Leaf:
    """A profile leaf that is true when the field is `yes`, false when `no`,
    unknown when missing (both checkers read a profile field by its name)."""
    return Leaf("profile", ref, "eq", "yes", "yes", LOC)


def facts_for(truth: dict[str, bool | None]) -> dict[str, str | None]:
    return {k: None if v is None else "yes" if v else "no" for k, v in truth.items()}


X, Y, Z = leaf("x"), leaf("y"), leaf("z")


def _conditions() -> list[Condition]:
    """not, all and any of one, two and three items, and nestings up to three levels."""
    return [
        X, Not(X, LOC), Not(Not(X, LOC), LOC),
        All((X,), LOC), AnyOf((X,), LOC),
        All((X, Y), LOC), AnyOf((X, Y), LOC), All((X, Y, Z), LOC), AnyOf((X, Y, Z), LOC),
        Not(All((X, Y), LOC), LOC), Not(AnyOf((X, Y), LOC), LOC),
        All((Not(X, LOC), Y), LOC), AnyOf((Not(X, LOC), Y), LOC),
        All((X, AnyOf((Y, Not(Z, LOC)), LOC)), LOC), AnyOf((Not(All((X, Y), LOC), LOC), Z), LOC),
        Not(AnyOf((All((X, Not(Y, LOC)), LOC), Not(Z, LOC)), LOC), LOC),
    ]


CONDITIONS = _conditions()
ASSIGNMENTS = [dict(zip("xyz", v)) for v in itertools.product((T, F, U), repeat=3)]


def test_not_all_any_tables_in_the_engine() -> None:
    for a in (T, F, U):
        got = holds(Not(X, LOC), Facts({}, {}, facts_for({"x": a}), {}))
        assert got is NOT[a], (NAMES[a], got)
        for b in (T, F, U):
            f = Facts({}, {}, facts_for({"x": a, "y": b}), {})
            assert holds(All((X, Y), LOC), f) is AND[a, b], (NAMES[a], NAMES[b])
            assert holds(AnyOf((X, Y), LOC), f) is OR[a, b], (NAMES[a], NAMES[b])


@pytest.mark.parametrize("cond", CONDITIONS, ids=lambda c: json.dumps(form_mod.condition_json(c)))
def test_nested_conditions_in_the_engine(cond: Condition) -> None:
    for truth in ASSIGNMENTS:
        assert holds(cond, Facts({}, {}, facts_for(truth), {})) is oracle(cond, truth), truth


# ---- the same through a pack: `not:` written in YAML, read back as an action's state -------

STATE = {T: "recommended", F: "not_applicable", U: "not_assessed"}


@pytest.fixture(scope="module")
def kleene_pack(tmp_path_factory: pytest.TempPathFactory) -> Pack:
    root = tmp_path_factory.mktemp("kleene")
    (root / "pack.yaml").write_text("id: k\nname: K\nversion: 1.0.0\nengine: '>=0.1,<1'\nareas: [{id: x, name: X}]\n")
    def q(name: str) -> dict[str, Any]:
        return {"question": name, "eq": "yes"}

    whens = {
        "not_a": {"not": q("a")},
        "not_not_a": {"not": {"not": q("a")}},
        "all_a_not_b": {"all": [q("a"), {"not": q("b")}]},
        "any_not_a_b": {"any": [{"not": q("a")}, q("b")]},
        "not_all_a_b": {"not": {"all": [q("a"), q("b")]}},
        "not_any_a_b": {"not": {"any": [q("a"), q("b")]}},
        "nested": {"any": [{"not": {"all": [q("a"), q("b")]}}, q("c")]},
    }
    content = {"questions": [{"id": n, "text": f"{n}?", "type": "yesno", "section": "S"} for n in "abc"],
               "actions": [{"id": k, "title": k, "phase": "start", "area": "x", "when": w} for k, w in whens.items()]}
    (root / "content.yaml").write_text(yaml.safe_dump(content, sort_keys=False))
    return load_pack(root)


def _by_hand(truth: dict[str, bool | None]) -> dict[str, bool | None]:
    a, b, c = truth["a"], truth["b"], truth["c"]
    return {"not_a": NOT[a], "not_not_a": NOT[NOT[a]], "all_a_not_b": AND[a, NOT[b]],
            "any_not_a_b": OR[NOT[a], b], "not_all_a_b": NOT[AND[a, b]], "not_any_a_b": NOT[OR[a, b]],
            "nested": OR[NOT[AND[a, b]], c]}


def test_not_in_a_pack_is_kleene_through_evaluate(kleene_pack: Pack) -> None:
    assert isinstance(next(a for a in kleene_pack.actions if a.id == "not_a").when, Not)
    for values in itertools.product((T, F, U), repeat=3):
        truth = dict(zip("abc", values))
        answers = {k: ("yes" if v else "no") for k, v in truth.items() if v is not None}
        doc = yaml.safe_dump({"partner": {"name": "P"}, "answers": answers}).encode()
        r = evaluate(kleene_pack, parse_answers(doc, kleene_pack, "a.yaml"))
        got = {s.id: s.state for s in r.actions}
        assert got == {k: STATE[v] for k, v in _by_hand(truth).items()}, truth


def test_an_unknown_under_not_names_its_missing_input(kleene_pack: Pack) -> None:
    doc = yaml.safe_dump({"partner": {"name": "P"}, "answers": {"b": "yes"}}).encode()
    r = evaluate(kleene_pack, parse_answers(doc, kleene_pack, "a.yaml"))
    [s] = [s for s in r.actions if s.id == "not_a"]
    assert s.state == "not_assessed" and s.missing == ("question a",)
    assert "not_a" not in {a.id for a in r.plan}


# ---- the questionnaire's checker, in Chromium ------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, kleene_pack: Pack) -> Iterator[Any]:
    page = tmp_path_factory.mktemp("kleene-form") / "questionnaire.html"
    page.write_bytes(form_mod.form_html(kleene_pack, quick=False))
    for drv in chrome.session():
        drv.get(page.as_uri())
        yield drv


@pytest.mark.slow
def test_the_forms_checker_follows_the_same_tables(browser: Any) -> None:
    conds = [form_mod.condition_json(c) for c in CONDITIONS]
    profiles = [facts_for(t) for t in ASSIGNMENTS]
    got = browser.execute_script(
        "var F = window.playbookForm, ps = arguments[1];"
        "return arguments[0].map(function (c) { return ps.map(function (p) { return F.holds(c, p); }); });",
        conds, profiles)
    assert len(got) == len(CONDITIONS)
    for cond, row in zip(CONDITIONS, got):
        assert row == [oracle(cond, t) for t in ASSIGNMENTS], form_mod.condition_json(cond)


def test_the_page_carries_the_not_it_is_given() -> None:
    """What the checker receives: `not` stays a `not` in the form's data."""
    assert form_mod.condition_json(Not(AnyOf((X, Y), LOC), LOC)) == {
        "not": {"any": [{"subject": "profile", "ref": "x", "op": "eq", "value": "yes"},
                        {"subject": "profile", "ref": "y", "op": "eq", "value": "yes"}]}}
