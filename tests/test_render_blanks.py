"""How reports show blanks, n/a and a provisional stage (issue 10)."""

from __future__ import annotations

import html as htmllib
import re

import pytest
import yaml

from playbook.answers.check import parse_answers
from playbook.engine.evaluation import evaluate
from playbook.report.render import render_html, render_markdown


def _result(pack, doc):
    return evaluate(pack, parse_answers(yaml.safe_dump(doc).encode(), pack, "a.yaml"))


BASICS = {"partner": {"name": "P", "focus": ["resale"]},
          "answers": {"onboarding_process": "yes", "renewal_outreach": "scheduled_90_60_30"},
          "metrics": {"churn_rate_annual": 1.5}}


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_a_provisional_stage_is_shown_as_provisional_with_its_questions(mini) -> None:
    r = _result(mini, BASICS)
    assert r.stage_status == "provisional"
    html, md = render_html(r, mini), render_markdown(r, mini)
    text = _text(html)
    assert "Grow – provisional" in text and "answer this question to confirm" in text
    assert "**Grow – provisional** (answer this question to confirm; anything from Grow to Optimize)" in md
    # the executive summary names the answer that moves the stage on and the one that confirms it
    summary = text[text.index("(you are here"):text.index("Scores by area")]
    assert "To move on to Optimize, answer references_collected: yes. " \
        "Grow is confirmed with references_collected: no." in summary
    # the plan section lists them in full, with the questions
    full = text[text.index("What moves the stage"):]
    assert "To move on to Optimize, answer: Do you have customers who act as references for you? " \
        "references_ collected : yes" in full
    assert "(references_collected): **yes**" in md.replace("\\_", "_")


def test_a_confirmed_stage_has_no_provisional_words(mini) -> None:
    r = _result(mini, {**BASICS, "answers": {**BASICS["answers"], "references_collected": "yes"}})
    assert r.stage_status == "confirmed"
    html = render_html(r, mini)
    assert "– provisional" not in _text(html) and "is confirmed with these answers" not in html


def test_an_unknown_phase_is_never_nothing_open(mini) -> None:
    r = _result(mini, {"partner": {"name": "P"}, "answers": {"onboarding_process": "yes"}})
    html, md = render_html(r, mini), render_markdown(r, mini)
    text = _text(html)
    grow = text[text.index("Grow 0 open"):text.index("Optimize 0 open")]
    assert "No open action found, but 3 practices of this phase are not assessed" in grow
    assert "Nothing open in this phase" not in grow
    assert "No open action found, but" in md


def test_areas_say_how_much_was_assessed(mini) -> None:
    r = _result(mini, BASICS)
    html, md = render_html(r, mini), render_markdown(r, mini)
    lifecycle = next(a for a in r.areas if a.id == "customer_lifecycle")
    assert f"{lifecycle.assessed} of {lifecycle.total}" in _text(html)
    assert "| Assessed |" in md


def test_does_not_apply_is_listed_apart_from_blanks(mini) -> None:
    r = _result(mini, {**BASICS, "answers": {**BASICS["answers"], "references_collected": "n/a"}})
    html, md = render_html(r, mini), render_markdown(r, mini)
    text = _text(html)
    dna = text[text.index("Does not apply Answered"):text.index("Method The names")]
    assert "Do you have customers who act as references for you?" in dna and "answered n/a" in dna
    # the IP margin is outside a resale focus: not asked, so not "not assessed" either
    assert "What gross margin does your own IP earn?" in dna and "not in the partner's profile" in dna
    assert "references_collected" not in {n.id for n in r.not_assessed}
    assert "## Does not apply" in md and "Practice left out: Turn satisfied customers into references" in md


def test_the_radar_says_how_much_of_each_area_was_assessed(default_pack) -> None:
    r = _result(default_pack, {"partner": {"name": "P"}, "answers": {"onboarding_process": "yes"}})
    html = render_html(r, default_pack)
    radar = html[html.index('<svg class="radar"'):html.index("</svg>", html.index('<svg class="radar"'))]
    for a in r.areas:  # an area with nothing answered is labelled so, not scored
        assert (f"{a.assessed}/{a.total} assessed" if a.score is not None else f"{a.name}: not assessed") in radar


def test_every_metric_definition_is_in_the_report(mini) -> None:
    r = _result(mini, BASICS)
    html, md = render_html(r, mini), render_markdown(r, mini)
    described = [m for m in mini.metrics.values() if m.description]
    assert described
    for m in described:
        assert m.description in html and m.description in md
    # a metric left blank is still listed, with its definition, as not given
    blank = _result(mini, {**BASICS, "metrics": {}})
    assert "churn_rate_annual" not in blank.metrics
    assert described[0].description in render_html(blank, mini)
    assert "| Annual churn | — | not given |" in render_markdown(blank, mini)


def test_method_explains_the_stage_model_and_the_packs_own_rule(mini) -> None:
    html = _text(render_html(_result(mini, BASICS), mini))
    method = html[html.index("Method The names"):]
    assert "milestones" in method and "at least 75 %" in method
    assert "the pack's own reading of the guide" in method and mini.stage_rule.note in method
    assert "Blanks are unknowns, never noes" in method and "n/a" in method


@pytest.mark.parametrize("names", [
    ["Strategy and value proposition", "Metrics and scorecards", "Customer lifecycle", "Operations and IP", "Partnering"],
    ["Strategie und Wertversprechen", "Kennzahlen und Scorecards", "Kundenlebenszyklus", "Kundenerlebnis und Feedback",
     "Betrieb und IP", "Partnerschaften"],
])
def test_the_radar_leaves_a_gap_for_an_unassessed_area_marks_thin_ones_and_clips_no_label(names) -> None:
    from playbook.report.charts import RADAR_CHAR, RADAR_FONT, radar

    areas = [{"name": n, "score": None if i == 1 else 100 if i == 2 else 50, "assessed": 0 if i == 1 else 1 if i == 2 else 9,
              "total": 19 if i == 2 else 10} for i, n in enumerate(names)]
    rd = radar(areas)
    gap, thin = rd["axes"][1], rd["axes"][2]
    assert gap["gap"] and gap["point"] is None and gap["lines"][-1] == "not assessed"
    # the line is open at the gap (one run through the other areas), never dipping to the centre
    assert not rd["complete"] and "Z" not in rd["path"] and rd["path"].count("M") == 1
    assert rd["path"].count(",") == len(names) - 1
    assert f"{rd['c']},{rd['c']}" not in rd["path"]
    assert thin["low"] and thin["lines"][-1] == "low confidence" and not rd["axes"][0]["low"]
    left, top, width, height = rd["view"]
    for a in rd["axes"]:  # every label, at its widest line, inside the view box
        w = max(len(line) for line in a["lines"]) * RADAR_FONT * RADAR_CHAR
        x0 = {"start": a["lx"], "middle": a["lx"] - w / 2, "end": a["lx"] - w}[a["anchor"]]
        assert left <= x0 and x0 + w <= left + width, a["lines"]
        assert top <= a["ly"] - RADAR_FONT and a["ly"] + rd["line"] * (len(a["lines"]) - 1) <= top + height, a["lines"]
    full = radar([{**a, "score": 40, "assessed": 9} for a in areas])
    assert full["complete"] and full["path"].endswith("Z") and full["path"].count("M") == 1
