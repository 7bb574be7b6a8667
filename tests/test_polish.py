"""Issue 13 point 7: brand contrast, extending bundled templates, printing folded reasons, completion."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES

from playbook.cli.main import cli
from playbook.errors import InvalidInput
from playbook.report.render import contrast, load_brand, readable_shade


def test_a_light_accent_is_refused_with_a_readable_shade(tmp_path: Path) -> None:
    b = tmp_path / "brand.yaml"
    b.write_text('accent: "#f5f5f5"\n')
    with pytest.raises(InvalidInput) as exc:
        load_brand(b)
    msg = exc.value.problems[0].message
    shade = readable_shade("#f5f5f5")
    assert "WCAG AA" in msg and shade in msg and contrast(shade, "#ffffff") >= 4.5
    b.write_text(f'accent: "{shade}"\n')
    assert load_brand(b).accent == shade


def test_a_template_dir_report_extends_the_bundled_one(tmp_path: Path) -> None:
    (tmp_path / "report.html.j2").write_text(
        '{% extends "report.html.j2" %}\n{% block extra_sections %}<section id="ours">Our notes</section>'
        '{% endblock %}\n')
    (tmp_path / "other.html.j2").write_text('{% extends "bundled/report.html.j2" %}')
    out = tmp_path / "r.html"
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "--template-dir", str(tmp_path),
                                 "-o", str(out)])
    assert r.exit_code == 0, r.output
    html = out.read_text()
    assert '<section id="ours">Our notes</section>' in html and "Executive summary" in html


def test_print_css_unfolds_details() -> None:
    css = (Path(__file__).resolve().parent.parent / "templates" / "report.css").read_text()
    media_print = css[css.index("@media print"):]
    assert "details::details-content" in media_print and "details:not([open])" in media_print


def test_completion_offers_pack_and_action_ids(monkeypatch: pytest.MonkeyPatch) -> None:
    r = CliRunner().invoke(cli, [], env={"_PLAYBOOK_COMPLETE": "bash_complete",
                                         "COMP_WORDS": "playbook explain x.yaml --action clm_quar", "COMP_CWORD": "4"},
                           prog_name="playbook")
    assert "clm_quarterly_needs_assessment" in r.output
    r = CliRunner().invoke(cli, [], env={"_PLAYBOOK_COMPLETE": "bash_complete",
                                         "COMP_WORDS": "playbook assess --pack def", "COMP_CWORD": "3"},
                           prog_name="playbook")
    assert "default" in r.output
