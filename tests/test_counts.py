"""Counts relative to what was asked: a file made from the quick
questionnaire is counted against it on every surface, and every surface
shows the one practice count."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.cli.main import cli
from playbook.engine.questionnaire import entries
from tests.conftest import EXAMPLES

QUICK = EXAMPLES / "quick-partial.yaml"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", htmllib.unescape(re.sub(r"<[^>]+>", " ", html)))


def _assess(path: Path, out: Path) -> tuple[str, str]:
    r = CliRunner().invoke(cli, ["assess", str(path), "-o", str(out)])
    assert r.exit_code == 0, r.output
    return r.stderr, out.read_text()


def _without_blanks(tmp_path: Path) -> Path:
    """The quick file with its blank keys deleted, as a partner might: 14 of 14 must still read 14 of 28."""
    lines = [ln for ln in QUICK.read_text().splitlines() if not re.fullmatch(r"\s+[a-z_]+:\s*(#.*)?", ln)]
    p = tmp_path / "trimmed.yaml"
    p.write_text("\n".join(lines) + "\n")
    return p


@pytest.mark.parametrize("trim", [False, True])
def test_a_quick_file_is_counted_against_the_quick_questionnaire(tmp_path: Path, default_pack, trim: bool) -> None:
    path = _without_blanks(tmp_path) if trim else QUICK
    n_quick = sum(e.kind == "question" for e in entries(default_pack, quick=True))
    assert n_quick == 28
    line, _ = _assess(path, tmp_path / "r.json")
    data = json.loads((tmp_path / "r.json").read_text())
    answered = data["answered"]
    assert answered["questionnaire"] == "quick" and answered["questions"]["asked"] == n_quick
    q = answered["questions"]["answered"]
    assert f"answered {q} of {n_quick} quick questions" in line
    _, html = _assess(path, tmp_path / "r.html")
    _, md = _assess(path, tmp_path / "r.md")
    assert f"Answered {q} of {n_quick} quick questions" in _text(html)
    assert f"Answered {q} of {n_quick} quick questions" in md


def test_left_blank_holds_only_what_the_quick_questionnaire_asked(tmp_path: Path, default_pack) -> None:
    _, html = _assess(QUICK, tmp_path / "r.html")
    section = html[html.index('id="not-assessed"'):html.index('id="does-not-apply"')]
    blank, unasked = section.split('<details class="unasked"', 1)

    def ids(part: str) -> set[str]:
        return {i.replace("<wbr>", "") for i in re.findall(r'class="id">([^<]*(?:<wbr>[^<]*)*)<', part)}

    quick_ids = {q.id for q in default_pack.questions.values() if q.quick} | \
        {m.id for m in default_pack.metrics.values() if m.quick}
    profile = {"years_in_cloud", "focus", "currency", "primary_focus"}  # the partner block both questionnaires ask
    assert ids(blank) and ids(blank) <= quick_ids | profile
    assert ids(unasked) and not ids(unasked) & quick_ids
    assert "Left blank" in blank and "playbook init" in unasked


def test_a_full_file_has_no_quick_words(tmp_path: Path) -> None:
    line, html = _assess(EXAMPLES / "start-stage.yaml", tmp_path / "r.html")
    assert "quick" not in line and "quick questionnaire" not in html


@pytest.mark.parametrize("example", ["quick-partial", "start-stage", "grow-stage", "customers-partner"])
def test_every_surface_shows_the_one_practice_count(tmp_path: Path, example: str) -> None:
    path = EXAMPLES / f"{example}.yaml"
    line, raw = _assess(path, tmp_path / "r.json")
    practices = json.loads(raw)["practices"]
    want = f"{practices['assessed']} of {practices['total']} practices"
    assert want + " assessed" in line
    _, html = _assess(path, tmp_path / "r.html")
    _, md = _assess(path, tmp_path / "r.md")
    counts = set(re.findall(r"\d+ of \d+ practices", _text(html))) | set(re.findall(r"\d+ of \d+ practices", md))
    assert counts == {want}
