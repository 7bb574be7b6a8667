"""Messages about an answers file in the partner's language, and choices
answered in the partner's words."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from playbook.cli.main import cli
from playbook.i18n import environment_language

# three mistakes: an unknown question, a bad yes/no, a bad number
THREE = """partner:
  name: Muster GmbH
  language: de
answers:
  onboarding_prozess: ja
  onboarding_kpis: vielleicht
metrics:
  nps: viele
"""


def _validate(tmp_path: Path, text: str, *args: str, env: dict[str, str] | None = None) -> tuple[int, list[str]]:
    f = tmp_path / "a.yaml"
    f.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(cli, ["validate", *args, str(f)], env={"LANG": "C.UTF-8", "LC_ALL": "",
                                                                  "LC_MESSAGES": "", **(env or {})})
    return r.exit_code, [line for line in r.output.splitlines() if ": error: " in line]


def test_a_german_file_is_told_its_three_mistakes_in_german(tmp_path: Path) -> None:
    code, lines = _validate(tmp_path, THREE)
    assert code == 1 and len(lines) == 3, lines
    assert lines[0].endswith("error: unbekannte Frage 'onboarding_prozess'; meinten Sie 'onboarding_process'? "
                             "[unknown-question]")
    assert lines[0].startswith(f"{tmp_path / 'a.yaml'}:5:3: error: ")  # the located prefix stays as it was
    assert "onboarding_kpis: 'vielleicht' ist weder ja noch nein [value]" in lines[1]
    assert "nps: 'viele' ist keine Zahl [value]" in lines[2]


def test_lang_en_keeps_the_messages_english(tmp_path: Path) -> None:
    code, lines = _validate(tmp_path, THREE, "--lang", "en")
    assert code == 1
    assert [line.split(": error: ", 1)[1] for line in lines] == [
        "unknown question 'onboarding_prozess'; did you mean 'onboarding_process'? [unknown-question]",
        "onboarding_kpis: 'vielleicht' is not yes or no [value]",
        "nps: 'viele' is not a number [value]"]


def test_without_partner_language_the_locale_decides(tmp_path: Path) -> None:
    english_file = THREE.replace("  language: de\n", "")
    _, lines = _validate(tmp_path, english_file, env={"LANG": "de_DE.UTF-8"})
    assert "ist keine Zahl" in lines[-1]
    _, lines = _validate(tmp_path, english_file)
    assert "is not a number" in lines[-1]
    _, lines = _validate(tmp_path, THREE, "--lang", "en", env={"LANG": "de_DE.UTF-8"})  # --lang first
    assert "is not a number" in lines[-1]


def test_environment_language() -> None:
    assert environment_language({"LANG": "de_DE.UTF-8"}) == "de"
    assert environment_language({"LC_ALL": "C", "LANG": "de_DE.UTF-8"}) is None  # LC_ALL wins, as in POSIX
    assert environment_language({"LANG": "fr_FR.UTF-8"}) is None  # no French translation ships
    assert environment_language({}) is None


def test_a_choice_may_be_answered_in_the_partners_words(tmp_path: Path) -> None:
    text = "partner: {language: de}\nanswers:\n  partner_of_record: einige\n"
    code, lines = _validate(tmp_path, text)
    assert code == 0, lines
    from playbook.answers.check import parse_answers
    from playbook.pack.load import load_pack

    pack = load_pack("default")
    assert parse_answers(text.encode(), pack).answers["partner_of_record"] == "some"
    assert parse_answers(text.replace("einige", "some").encode(), pack).answers["partner_of_record"] == "some"
    # a near miss is offered the partner's word; the message lists words and ids
    code, lines = _validate(tmp_path, text.replace("einige", "einig"))
    assert code == 1 and "meinten Sie 'einige'?" in lines[0] and "einige (some)" in lines[0], lines
    # an English file does not read German labels
    code, lines = _validate(tmp_path, text.replace("{language: de}", "{name: X}"))
    assert code == 1 and "'einige' is not one of the allowed answers" in lines[0], lines


def test_a_file_that_does_not_parse_is_told_in_lang_or_the_locale(tmp_path: Path) -> None:
    dup = "partner:\n  name: a\n  name: b\n"
    f = tmp_path / "a.yaml"
    f.write_text(dup, encoding="utf-8")
    base = {"LANG": "C.UTF-8", "LC_ALL": "", "LC_MESSAGES": ""}
    r = CliRunner().invoke(cli, ["validate", "--lang", "de", str(f)], env=base)
    assert "error: doppelter Schlüssel 'name' (zuerst in Zeile 2); entfernen Sie einen davon [duplicate-key]" \
        in r.output and r.output.rstrip().endswith("1 Fehler.")
    r = CliRunner().invoke(cli, ["assess", str(f), "-o", str(tmp_path / "r.html")], env={**base, "LANG": "de_DE.UTF-8"})
    assert r.exit_code == 1 and "1 Fehler; es wurde nichts geschrieben." in r.output
    r = CliRunner().invoke(cli, ["validate", str(f)], env=base)
    assert "duplicate key 'name'" in r.output and r.output.rstrip().endswith("1 error.")


def _german_template(tmp_path: Path) -> str:
    out = tmp_path / "antworten.yaml"
    r = CliRunner().invoke(cli, ["init", "--lang", "de", "-o", str(out)], env={"LANG": "C.UTF-8"})
    assert r.exit_code == 0, r.output
    return out.read_text(encoding="utf-8")


def test_every_choice_word_the_german_template_offers_is_read_as_its_choice(tmp_path: Path) -> None:
    import re

    from playbook.answers.check import parse_answers
    from playbook.pack.load import load_pack

    pack = load_pack("default")
    lines = _german_template(tmp_path).splitlines()
    seen = 0
    for hint, key in zip(lines, lines[1:]):
        m = re.fullmatch(r"  # \(eines von: (.*); oder n/a\)", hint)
        if not m:
            continue
        qid = key.strip().rstrip(":")
        offered = [w.strip().strip("„“") for w in re.findall(r"\s*(„[^“]*“|[^,]+)", m.group(1))]
        assert len(offered) == len(pack.questions[qid].choices), (qid, offered)
        for word, choice in zip(offered, pack.questions[qid].choices):
            text = f"partner: {{language: de}}\nanswers:\n  {qid}: \"{word}\"\n"
            assert parse_answers(text.encode(), pack).answers[qid] == choice, (qid, word)
            seen += 1
    assert seen > 30  # the pack's choice questions were all found
    assert "ad_hoc" not in "\n".join(ln for ln in lines if ln.startswith("  # (eines von:"))


def test_the_german_template_says_when_a_group_applies_in_german(tmp_path: Path) -> None:
    text = _german_template(tmp_path)
    assert "Nur wenn: Ihr Schwerpunkt umfasst Managed Services" in text
    assert "your focus" not in text and "includes" not in text


def test_the_report_scorecard_shows_no_benchmark_ids() -> None:
    import re

    root = Path(__file__).resolve().parent.parent
    for name in ("german-partner-report.html", "grow-stage-report.html"):
        page = (root / "examples" / name).read_text(encoding="utf-8")
        # the KPI rows (the table of every metric keeps its ids: they are the answers file's keys)
        scorecard = re.search(r'<table class="scorecard">(.*?)</table>', page, re.S)
        assert scorecard and 'class="id"' not in scorecard.group(1), name


def test_the_served_german_form_shows_the_servers_field_errors_in_german() -> None:
    import json
    import re
    import warnings

    import pytest

    pytest.importorskip("httpx", reason="Starlette's TestClient needs httpx")
    with warnings.catch_warnings():  # Starlette 1.x would rather have httpx2; httpx still works
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

    from playbook import web
    from playbook.pack.load import load_pack

    with TestClient(web.create_app(load_pack(None), lang="de")) as client:
        # no partner.language: the questionnaire's language says how to tell it
        r = client.post("/report", data={"answers": "metrics:\n  churn_rate_annual: 140%\n"})
        assert r.status_code == 422
        errors = json.loads(re.search(r'id="form-data">(.*?)</script>', r.text, re.S).group(1))["errors"]
        assert "liegt über dem erlaubten Maximum 100" in errors["m:churn_rate_annual"], errors


def test_an_answer_typed_after_the_german_hint_is_found(tmp_path: Path) -> None:
    text = 'partner:\n  language: de\n  assessed_on: ""          # heutiges Datum, JJJJ-MM-TT 01.11.2026\n'
    code, lines = _validate(tmp_path, text)
    assert code == 1 and "gilt assessed_on als leer; setzen Sie `01.11.2026` vor das `#`" in lines[0], lines


def test_structural_mistakes_are_told_in_german_too(tmp_path: Path) -> None:
    text = "partner:\n  language: de\n  name: [a]\nantworten:\n  x: 1\nnps_responses: [11]\n"
    code, lines = _validate(tmp_path, text)
    said = [line.split(": error: ", 1)[1] for line in lines]
    assert said == ["Text oder nichts erwartet in partner.name, gefunden: eine Liste [type]",
                    "unbekannter Schlüssel 'antworten' (gültige Schlüssel: answers, customers, metrics, "
                    "nps_responses, partner) [unknown-key]",
                    "11 liegt über dem Maximum 10 in nps_responses[0] [maximum]"]
    _, lines = _validate(tmp_path, text, "--lang", "en")
    assert lines[-1].endswith("error: 11 is greater than the maximum of 10 in nps_responses[0] [maximum]")
