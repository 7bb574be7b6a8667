"""The stage and the plan agree: the executive summary says why the first
actions come first, and its order is the one `playbook explain` gives."""

from __future__ import annotations

import html as htmllib
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.base.model import PHASES
from playbook.cli.main import cli
from playbook.engine.advice_text import plan_order_notes
from tests.conftest import EXAMPLES

EXAMPLE_NAMES = ["grow-stage", "optimize-stage", "start-stage", "quick-partial", "customers-partner"]


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_the_top_five_are_explains_first_five_with_the_same_reasons(tmp_path: Path, example: str) -> None:
    from playbook.api import Assessor

    path = EXAMPLES / f"{example}.yaml"
    result = Assessor().assess_file(path).result
    r = CliRunner().invoke(cli, ["assess", str(path), "-o", str(tmp_path / "r.html")])
    assert r.exit_code == 0, r.output
    page = (tmp_path / "r.html").read_text()
    summary = page[page.index('id="summary"'):page.index("</section>", page.index('id="summary"'))]
    top = re.findall(r'<ol class="top">(.*?)</ol>', summary, re.S)[0]
    html_order = re.findall(r'href="#action-([a-z0-9_]+)"', top)
    out = CliRunner().invoke(cli, ["explain", str(path)]).stdout
    explain_order = re.findall(r"^\s+\d+\. ([a-z0-9_]+)\s", out, re.M)
    assert html_order == explain_order[:5] == [a.id for a in result.plan[:5]]
    flat = re.sub(r"\s+", " ", out)
    for note in plan_order_notes(result):
        assert note in _text(summary) and note in flat


@pytest.mark.parametrize("example", EXAMPLE_NAMES)
def test_the_notes_say_what_the_plan_does(example: str) -> None:
    from playbook.api import Assessor

    r = Assessor().assess_file(EXAMPLES / f"{example}.yaml").result
    notes = plan_order_notes(r)
    below = [a for a in r.plan[:5] if PHASES.index(a.phase) < PHASES.index(r.stage)]
    # the lower-phase actions are the first ones, and the note counts them
    assert [a.id for a in r.plan[:len(below)]] == [a.id for a in below]
    gap = [n for n in notes if "below your stage" in n]
    assert bool(gap) == bool(below)
    if len(below) > 1:
        assert f"The first {len(below)} actions" in gap[0]
    # a first action that waits for an open prerequisite says so; the prerequisite is placed before it
    pos = {a.id: i for i, a in enumerate(r.plan)}
    for a in r.plan[:5]:
        before = [b for b in r.plan if b.id in a.requires]
        assert all(pos[b.id] < pos[a.id] for b in before if b.phase == a.phase)
        said = any(n.startswith(f"“{a.title}” comes after") for n in notes)
        assert said == any(pos[b.id] < pos[a.id] for b in before)


def test_a_first_action_with_a_prerequisite_says_why() -> None:
    from playbook.api import Assessor

    r = Assessor().assess_file(EXAMPLES / "start-stage.yaml").result
    waiting = [a for a in r.plan[:5] if any(b.id in a.requires for b in r.plan)]
    assert waiting, "start-stage's top five include an action with an open prerequisite"
    a = waiting[0]
    first = next(b for b in r.plan if b.id in a.requires)
    assert f"“{a.title}” comes after “{first.title}”, which it builds on." in plan_order_notes(r)

def test_a_grow_partner_is_told_why_start_actions_lead() -> None:
    from playbook.api import Assessor

    r = Assessor().assess_file(EXAMPLES / "grow-stage.yaml").result
    assert r.stage == "grow" and r.plan[0].phase == "start"
    assert plan_order_notes(r)[0] == ("The first 4 actions are Start practices still open below your stage (Grow): "
                                      "earlier phases come first.")
