"""Pins for what mutation testing found unpinned in engine/stage.py (docs/mutation-testing.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from playbook.api import Assessor
from tests.conftest import EXAMPLES


@pytest.fixture(scope="module")
def assessor() -> Assessor:
    return Assessor()


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_each_phase_counts_its_actions_by_state(assessor: Assessor, example: str) -> None:
    """A phase's done / open / not-assessed counts are the plan's own states, counted here independently."""
    r = assessor.assess_file(EXAMPLES / example).result
    by = Counter((a.phase, a.state) for a in r.actions)
    for p in r.phases:
        assert (p.done, p.open, p.not_assessed) == (by[p.phase, "done"], by[p.phase, "recommended"],
                                                    by[p.phase, "not_assessed"]), p


def test_the_deciding_questions_go_past_a_phase_that_is_certainly_in_place(assessor: Assessor) -> None:
    """quick-partial: Start is in place whatever its blanks; Grow is open. What settles the stage is Grow's."""
    r = assessor.assess_file(EXAMPLES / "quick-partial.yaml").result
    start, grow = r.phases[0], r.phases[1]
    assert (r.stage_status, start.status, grow.status) == ("provisional", "in_place", "unknown")
    assert r.deciding_questions and {d.phase for d in r.deciding_questions} == {"grow"}


def test_a_stage_rule_share_in_words_has_no_decimals(tmp_path: Path) -> None:
    from playbook import i18n
    from playbook.engine.stage import _share_words

    for lang, want in (("en", "75 %"), ("de", "75\u00a0%")):
        with i18n.using(lang):
            assert _share_words(0.75) == want


def test_a_choice_threshold_is_written_with_the_packs_label_for_it(default_pack) -> None:
    """engine/conditions._threshold_text names a choice by the (translated) label, not its id in words:
    the one mutation survivor left in conditions.py (q = pack.questions[...] -> None)."""
    from playbook import i18n
    from playbook.base.model import Leaf, Loc
    from playbook.engine.conditions import _threshold_text
    from playbook.pack.translations import translated

    pack = translated(default_pack, "de")
    q = next(q for q in pack.questions.values()
             if q.choices and any(q.choice_label(c) != c.replace("_", " ") for c in q.choices))
    choice = next(c for c in q.choices if q.choice_label(c) != c.replace("_", " "))
    leaf = Leaf("question", q.id, "eq", choice, choice, Loc("x", 1, 1))
    with i18n.using("de"):
        text = _threshold_text(leaf, pack, "EUR")
    assert q.choice_label(choice) in text and choice.replace("_", " ") not in text, (text, choice)
