"""Pack translations: applied, overlay-able, and every gap a located warning."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from playbook.cli.main import cli
from playbook.errors import UsageError
from playbook.i18n import Formatter, parse_decimal, resolve_language
from playbook.pack.load import load_pack
from playbook.pack.translations import problems_for, translate
from tests.conftest import DATA, MINI


def _copy(tmp_path: Path, name: str = "mini") -> Path:
    dst = tmp_path / name
    shutil.copytree(DATA / "packs" / name, dst)
    return dst


def test_a_complete_translation_applies_and_has_no_warnings() -> None:
    pack = load_pack(MINI)
    assert problems_for(pack) == []
    de, problems = translate(pack, "de")
    assert problems == []
    assert de.action("formal_onboarding").title == "Einen formellen Onboarding-Prozess einführen"
    assert de.questions["renewal_outreach"].text.startswith("Wie gehen Sie")
    assert [s.name for s in de.stages] == ["Start", "Wachsen", "Optimieren"]
    assert de.checklists[0].items[0].text == "Formelles Onboarding"
    assert pack.action("formal_onboarding").title == "Set up a formal onboarding process"  # untouched


def test_missing_extra_and_stale_entries_are_located_warnings(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    de = root / "translations" / "de.yaml"
    text = de.read_text(encoding="utf-8")
    text = text.replace("  raise_nps:\n    of: 948b2ce7\n    title: NPS steigern\n", "")  # missing
    text = text.replace("  reduce_churn:\n", "  reduce_chrun:\n")  # extra, misspelt
    de.write_text(text, encoding="utf-8")
    content = root / "content.yaml"
    content.write_text(content.read_text(encoding="utf-8").replace(
        "Set up a formal onboarding process", "Set up a formal, owned onboarding process"), encoding="utf-8")
    problems = problems_for(load_pack(root))
    got = {(p.code, p.line) for p in problems}
    lines = de.read_text(encoding="utf-8").splitlines()
    assert ("translation-extra", lines.index("  reduce_chrun:") + 1) in got
    assert ("translation-stale", lines.index("    of: ca2b21b9") + 1) in got
    assert any(p.code == "translation-missing" and "'raise_nps'" in p.message for p in problems)
    assert any("did you mean 'reduce_churn'" in p.message for p in problems)
    assert all(p.severity == "warning" and p.file.endswith("translations/de.yaml") for p in problems)
    # a missing entry falls back to English rather than failing
    assert translate(load_pack(root), "de")[0].action("raise_nps").title == "Raise NPS"


def test_an_overlay_translation_adds_to_and_overrides_its_base(tmp_path: Path) -> None:
    _copy(tmp_path, "mini")
    overlay = _copy(tmp_path, "mini-overlay")
    (overlay / "translations").mkdir()
    (overlay / "translations" / "de.yaml").write_text(
        "language: de\nactions:\n  hire_first_csm:\n    title: Eine erste Kundenerfolgsverantwortung benennen\n"
        "  reduce_churn:\n    title: Abwanderung unter 15 % senken\n", encoding="utf-8")
    pack = load_pack(overlay)
    de, problems = translate(pack, "de")
    assert de.action("reduce_churn").title == "Abwanderung unter 15 % senken"
    assert de.action("formal_onboarding").title == "Einen formellen Onboarding-Prozess einführen"
    assert de.action("hire_first_csm").title.startswith("Eine erste")
    # raise_nps is disabled by the overlay: its base entry is not "extra"
    assert not [p for p in problems if p.code == "translation-extra"]
    assert {p.code for p in problems} == {"translation-stale"}  # the overlay entries have no `of:`


def test_a_broken_translation_file_is_an_error(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    (root / "translations" / "de.yaml").write_text("language: de\nactions:\n  reduce_churn: [x]\n")
    r = CliRunner().invoke(cli, ["validate", str(root)])
    assert r.exit_code == 1 and "de.yaml:3:17: error: actions.reduce_churn: expected a mapping" in r.output


def test_translate_writes_the_missing_entries(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["translate", str(MINI), "--lang", "fr"])
    assert r.exit_code == 0
    assert "language: fr" in r.output and "of: ca2b21b9" in r.output
    assert "title: Set up a formal onboarding process" in r.output
    r = CliRunner().invoke(cli, ["translate", str(MINI), "--lang", "de"])
    assert r.exit_code == 0 and "actions:" not in r.output  # nothing left to translate
    r = CliRunner().invoke(cli, ["translate", str(MINI), "--lang", "d e"])
    assert r.exit_code == 2 and "not a language tag" in r.output


def test_languages_and_locale_formats() -> None:
    assert resolve_language(None) == "en" and resolve_language("de-AT") == "de"
    with pytest.raises(UsageError, match="available: en, de"):
        resolve_language("fr")
    de = Formatter("de", "EUR")
    assert de.value(180000, "money_month") == "180.000\u00a0€ / Monat"  # a number never breaks from its unit
    assert de.value(12.5, "percent") == "12,5\u00a0%"
    assert de.value(None, "percent") == "nicht bewertet"
    assert de.date("2026-11-01") == "1. November 2026"
    assert Formatter("en", "USD").value(180000, "money_month") == "USD 180,000 / month"
    assert parse_decimal("1.200,50", "de") == 1200.5
    with pytest.raises(ValueError, match="as German writes it"):
        parse_decimal("1,200.50", "de")
