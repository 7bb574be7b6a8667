"""Languages: the German partner read the German way, reports in German with
German formats, every string translated, and English untouched."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from playbook import i18n
from playbook.answers.check import load_answers, parse_answers
from playbook.cli.main import cli
from playbook.engine.evaluation import evaluate
from playbook.errors import InvalidInput, UsageError
from playbook.i18n import catalogs
from playbook.report.render import render
from tests.conftest import EXAMPLES, ROOT

GERMAN = EXAMPLES / "german-partner.yaml"


@pytest.fixture(scope="module")
def german(default_pack):
    answers = load_answers(GERMAN, default_pack)
    return answers, evaluate(default_pack, answers)


# ---- reading ---------------------------------------------------------------

def test_german_numbers_money_and_dates_are_read_the_german_way(german) -> None:
    answers, result = german
    assert answers.language == "de" and result.language == "de"
    assert answers.metrics["mrr"] == 165000  # 165.000 €
    assert answers.metrics["cac"] == 8750.5  # 8.750,50 €
    assert answers.metrics["arpu"] == 42.5  # 42,50 €
    assert answers.metrics["churn_rate_annual"] == 12.5  # 12,5 %
    assert answers.metrics["bmur"] == 2.1  # 2,1
    assert answers.assessed_on == "2026-11-01"  # 01.11.2026
    revenue = {c.name: c.revenue for c in answers.customers}
    assert revenue["Café Sonnenschein"] == 18000 and revenue["Bergmann Logistik AG"] == 96000
    assert {c.name: c.renewal_date for c in answers.customers}["Bergmann Logistik AG"] == "2027-01-31"


def _parse(pack, text: str):
    return parse_answers(text.encode(), pack, "a.yaml")


def test_without_a_language_a_value_that_reads_two_ways_is_an_error_naming_both(mini) -> None:
    with pytest.raises(InvalidInput) as exc:
        _parse(mini, "partner: {assessed_on: 01/11/2026}\nmetrics: {mrr: '€1.200'}\n")
    text = "\n".join(p.format() for p in exc.value.problems)
    assert "1.2" in text and "1200" in text  # both readings of €1.200
    assert "2026-11-01" in text and "2026-01-11" in text  # both readings of the date


def test_in_german_the_same_values_read_one_way(mini) -> None:
    a = _parse(mini, "partner: {assessed_on: 01.11.2026, language: de-DE, currency: EUR}\n"
                     "metrics: {mrr: '1.200,50 €'}\n")
    assert a.metrics["mrr"] == 1200.5 and a.assessed_on == "2026-11-01" and a.language == "de"
    with pytest.raises(InvalidInput) as exc:  # a point is not a decimal point in German
        _parse(mini, "partner: {language: de}\nmetrics: {mrr: '1200.5'}\n")
    assert "Komma" in exc.value.problems[0].message  # and is told so in German, the file's language


def test_a_language_without_translation_is_a_warning_and_a_bad_tag_an_error(mini) -> None:
    a = _parse(mini, "partner: {language: fr}\nmetrics: {mrr: '1 200,50'}\n")
    assert a.language == "fr" and a.metrics["mrr"] == 1200.5
    assert [w.code for w in a.warnings] == ["language"] and "English" in a.warnings[0].message
    assert evaluate(mini, a).language == "en"
    with pytest.raises(InvalidInput) as exc:
        _parse(mini, "partner: {language: 'Deutsch!'}\n")
    assert exc.value.problems[0].code == "value" and exc.value.problems[0].line == 1


def test_lang_option_never_changes_how_numbers_are_read(default_pack) -> None:
    """A consultant's German report of an English file keeps $180,000."""
    english = load_answers(EXAMPLES / "grow-stage.yaml", default_pack)
    result = evaluate(default_pack, english, "de")
    assert result.language == "de" and result.metrics["mrr"] == 180000
    assert evaluate(default_pack, english).language == "en"
    with pytest.raises(UsageError, match="available: en, de"):
        evaluate(default_pack, english, "xx")


def test_every_mistake_in_the_partner_block_at_once(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_text("partner:\n  assessed_on: 01/11/2026\n  years_in_cloud: 6 years\n  focus: [resale, cloud]\n"
                 "  currency: dollars\n  langauge: de\n")
    r = CliRunner().invoke(cli, ["validate", str(f)])
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if ": error: " in ln]
    assert [ln.split(":")[1] for ln in lines] == ["2", "3", "4", "5", "6"], r.output
    assert "did you mean 'language'" in r.output


# ---- the report ------------------------------------------------------------

def test_the_german_html_report_is_german_with_german_formats(german, default_pack) -> None:
    html = render(german[1], default_pack, "html").decode()
    assert '<html lang="de">' in html
    for german_text in ("Zusammenfassung", "Maßnahmenplan", "1. November 2026", "165.000\u00a0€", "8.750\u00a0€",
                        "12,5\u00a0%", "Nordlicht Cloud Services GmbH"):
        assert german_text in html, german_text
    text = re.sub(r"<style>.*?</style>|<[^>]+>", " ", html, flags=re.S)
    for english in ("Executive summary", "Action plan", "KPI scorecard", "Not assessed", "answered milestones",
                    "this action is recommended when", "USD", "Why "):
        assert english not in text, english


def test_the_german_markdown_and_json(german, default_pack) -> None:
    md = render(german[1], default_pack, "md").decode()
    assert "165.000\u00a0€" in md and "Maßnahmenplan" in md
    import json

    data = json.loads(render(german[1], default_pack, "json"))
    assert data["language"] == "de"
    assert data["metrics"]["mrr"] == 165000  # numbers stay numbers; only the words change
    assert data["actions"][0]["id"] in {a.id for a in default_pack.actions}
    assert "Meilenstein" in data["stage_reason"]


@pytest.mark.slow
def test_the_german_pdf(german, default_pack) -> None:
    pypdf = pytest.importorskip("pypdf")
    data = render(german[1], default_pack, "pdf")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(p.extract_text() for p in reader.pages[:6])
    assert "Nordlicht" in text and "1. November 2026" in text and "Seite" in text
    assert "Zusammenfassung" in text and "Executive summary" not in text
    assert "/Lang" in reader.trailer["/Root"] and reader.trailer["/Root"]["/Lang"] == "de"


def test_english_reports_are_unchanged_by_a_german_run_before(german, default_pack, monkeypatch) -> None:
    """The language is per call: a German render leaves no trace in the next English one."""
    monkeypatch.chdir(ROOT)
    render(german[1], default_pack, "html")
    example = EXAMPLES / "grow-stage.yaml"
    got = render(evaluate(default_pack, load_answers(example.relative_to(ROOT), default_pack)),
                 default_pack, "html").decode()
    assert got == (EXAMPLES / "grow-stage-report.html").read_text()


def test_assess_lang_option_and_init_lang(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "--lang", "de", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "Maßnahmenplan" in out.read_text() and "180.000\u00a0$" in out.read_text()
    r = CliRunner().invoke(cli, ["assess", str(EXAMPLES / "grow-stage.yaml"), "--lang", "klingon", "-o", str(out)])
    assert r.exit_code == 2 and "language tag" in r.output
    tpl = tmp_path / "answers.yaml"
    r = CliRunner().invoke(cli, ["init", "--quick", "--lang", "de", "-o", str(tpl)])
    assert r.exit_code == 0, r.output
    text = tpl.read_text()
    assert "  language: de" in text and "Ja heißt:" in text and "1.200,50" in text
    # the German template, filled in the German way, is read the German way
    data = yaml.safe_load(text)
    assert data["partner"]["language"] == "de"


# ---- the catalogs ----------------------------------------------------------

def test_every_report_and_form_string_has_a_german_translation() -> None:
    missing = catalogs.untranslated("de")
    assert not missing, "run python -m playbook.i18n.catalogs update de, then translate:\n" + "\n".join(missing[:40])


def test_the_shipped_compiled_catalog_is_the_po_compiled() -> None:
    """The package reads the .mo (no Babel at run time): it must say what the .po says."""
    assert not catalogs.stale_mo("de"), "run python -m playbook.i18n.catalogs compile de"


def test_a_po_edited_after_its_mo_is_read_directly(tmp_path: Path, monkeypatch) -> None:
    from playbook import i18n

    po = tmp_path / "de" / "LC_MESSAGES" / "playbook.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr "Hallo"\n')
    mo = po.with_suffix(".mo")
    mo.write_bytes(i18n.compile_po(po, "de"))
    po.write_text(po.read_text().replace("Hallo", "Servus"))
    os.utime(mo, (1, 1))  # the .mo is older than the edit
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.messages.cache_clear()
    try:
        assert i18n.messages("de").gettext("Hello") == "Servus"
        os.utime(mo, None)
        os.utime(po, (1, 1))
        i18n.messages.cache_clear()
        assert i18n.messages("de").gettext("Hello") == "Hallo"
    finally:
        i18n.messages.cache_clear()


def test_german_translations_keep_their_placeholders() -> None:
    cat = catalogs.read("de")
    bad = []
    for m in cat:
        if not m.id or not m.string:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        want = set(re.findall(r"%\(\w+\)s", " ".join(ids)))
        for s in strings:
            if set(re.findall(r"%\(\w+\)s", s)) - want or (want - set(re.findall(r"%\(\w+\)s", s))
                                                          and len(ids) == 1):
                bad.append((m.id, s))
            if s.count("%%") != ids[0].count("%%"):
                bad.append((m.id, s))
    assert not bad, bad[:10]


def test_every_pack_text_has_a_german_translation(default_pack) -> None:
    from playbook.pack.translations import read

    _, problems = read(default_pack, "de")
    assert not problems, [p.format() for p in problems[:10]]


def test_catalog_check_command_reports_what_is_missing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(catalogs, "po_path", lambda lang: tmp_path / "none.po")
    assert catalogs.main(["check", "de"]) == 1
    assert catalogs.main(["nonsense"]) == 2


def test_formatter_german_and_english() -> None:
    with i18n.using("de"):
        assert i18n.value(180000, "money_month", "EUR") == "180.000\u00a0€ / Monat"
        assert i18n.value(12.5, "percent") == "12,5\u00a0%"
        assert i18n.date("2026-11-01") == "1. November 2026"
        assert i18n.plain(1500.0) == "1500" and i18n.fixed(2.0, 1) == "2,0"
    assert i18n.current() == "en"
    assert i18n.value(180000, "money_month", "USD") == "USD 180,000 / month"
    assert i18n.date("2026-11-01") == "2026-11-01"


def _pdf_words(data: bytes) -> set[str]:
    import pypdf

    reader = pypdf.PdfReader(io.BytesIO(data))
    # words, not layout: fonts on another machine may break lines and pages elsewhere
    return set(re.findall(r"[^\W\d_]{3,}", " ".join(p.extract_text() for p in reader.pages)))


@pytest.mark.slow
def test_the_shipped_german_pdf_says_what_the_code_produces(german, default_pack) -> None:
    pytest.importorskip("pypdf")
    shipped = _pdf_words((EXAMPLES / "german-partner-report.pdf").read_bytes())
    got = _pdf_words(render(german[1], default_pack, "pdf"))
    assert got == shipped, ("examples/german-partner-report.pdf is stale: run playbook assess "
                            f"examples/german-partner.yaml -o examples/german-partner-report.pdf "
                            f"(only in the new: {sorted(got - shipped)[:10]}, only in the old: "
                            f"{sorted(shipped - got)[:10]})")


def test_a_pack_translation_of_the_packs_own_texts_is_checked(tmp_path: Path, mini) -> None:
    import shutil

    from playbook.pack.load import load_pack
    from playbook.pack.translations import read

    root = tmp_path / "mini"
    shutil.copytree(ROOT / "tests" / "data" / "packs" / "mini", root)
    f = root / "translations" / "de.yaml"
    f.write_text(f.read_text().replace("  name: Mini-Testpaket\n", "  nmae: Mini-Testpaket\n"))
    _, problems = read(load_pack(root), "de")
    codes = {p.code for p in problems}
    assert {"translation-unknown", "translation-missing"} <= codes
    assert any("did you mean 'name'" in p.message and p.line == 5 for p in problems)


def test_the_pack_format_documents_overlays_and_every_translation_kind_and_warning() -> None:
    from playbook.pack.translations import FIELDS, PACK_FIELDS

    doc = (ROOT / "docs" / "pack-format.md").read_text()
    assert "## Extending a pack (`extends`, `override`, `disable`)" in doc
    section = doc.split("## Translations (`translations/<lang>.yaml`)", 1)[1].split("\n## ", 1)[0]
    for kind in FIELDS:
        assert f"`{kind}`" in section, kind
    for code in ("translation-missing", "translation-extra", "translation-stale", "translation-unknown"):
        assert code in section, code
    assert "playbook translate" in section and "python -m playbook.i18n.catalogs" in section
    assert "`pack`" in section and all(f"`{f}`" in section for f in PACK_FIELDS)


def test_a_german_customer_export_is_read_the_german_way(tmp_path: Path, default_pack) -> None:
    """Spreadsheets set to German export with ';', 1.234,56 and 31.01.2027."""
    (tmp_path / "kunden.csv").write_text("name;stage;revenue;renewal_date\n"
                                         "Bergmann Logistik AG;repeatable;96.000,50;31.01.2027\n"
                                         "Café Sonnenschein;opportunistic;1.250;15.03.2027\n", encoding="utf-8")
    f = tmp_path / "a.yaml"
    f.write_text("partner: {language: de, currency: EUR, assessed_on: 01.11.2026}\ncustomers: kunden.csv\n")
    a = load_answers(f, default_pack)
    assert [(c.name, c.revenue, c.renewal_date) for c in a.customers] == [
        ("Bergmann Logistik AG", 96000.5, "2027-01-31"), ("Café Sonnenschein", 1250.0, "2027-03-15")]
    # without the partner's language the same export is refused, saying how to fix it
    f.write_text("partner: {currency: EUR}\ncustomers: kunden.csv\n")
    with pytest.raises(InvalidInput) as exc:
        load_answers(f, default_pack)
    assert exc.value.problems[0].code == "delimiter" and "partner.language" in exc.value.problems[0].message


def test_ja_and_nein_answer_a_yes_no_question(mini) -> None:
    """The German template asks for ja or nein."""
    a = _parse(mini, "partner: {language: de}\nanswers: {onboarding_process: ja, renewal_outreach: ad_hoc}\n")
    assert a.answers["onboarding_process"] is True
    assert _parse(mini, "answers: {onboarding_process: Nein}\n").answers["onboarding_process"] is False
