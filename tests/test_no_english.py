"""No English left where a German partner reads: the German report (HTML and
Markdown), the German form and `init --lang de` are searched for words of the
catalog's English vocabulary that are not also German words (in the catalog's
German or the pack's German translation).

Left alone, as docs/glossary-de.md says: the terms that stay English, ids
(snake_case: the answers file's keys), and the guide's own titles and section
names where the report cites them (after "Quelle:" or "§"). What is still
English is listed in KNOWN, each with why; the test fails on anything new and
on an entry that no longer occurs, so the list only shrinks."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from babel.messages.pofile import read_po
from click.testing import CliRunner

from playbook import i18n
from playbook.cli.main import cli
from playbook.pack.load import load_pack
from playbook.pack.translations import translated
from playbook.report import form as form_mod

ROOT = Path(__file__).resolve().parent.parent
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{4,}")
ID = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")
# citations of the guide: its titles and section names are English
CITED = re.compile(r"(?:Quellen?:|§)[^\n]*")

# Still English, and why, as (output, word): empty now; an entry needs a reason beside it
KNOWN: set[tuple[str, str]] = set()


def _vocabulary() -> tuple[set[str], set[str]]:
    """(English words of the catalog, words that are German as well)."""
    with (ROOT / "playbook/i18n/locale/de/LC_MESSAGES/playbook.po").open("rb") as fh:
        po = read_po(fh, locale="de")
    english: set[str] = set()
    german: set[str] = set()
    for m in po:
        if not m.id:
            continue
        for text in (m.id if isinstance(m.id, tuple) else (m.id,)):
            english |= {w.lower() for w in WORD.findall(re.sub(r"%\(\w+\)s", " ", text))}
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            german |= _words(text or "")
    for text in _strings(yaml.safe_load((ROOT / "assessments/default/translations/de.yaml").read_text(
            encoding="utf-8"))):
        german |= _words(text)
    return english, german


def _words(german_text: str) -> set[str]:
    """The words of a German text, without its placeholders, ids, citations and
    quoted English titles („Use CLV to optimize the business“)."""
    text = re.sub(r"%\(\w+\)s|„[^“]*“", " ", german_text)
    return {w.lower() for w in WORD.findall(CITED.sub(" ", ID.sub(" ", text)))}


def _strings(data: object) -> list[str]:
    """Every text of the pack translation (values, not its keys, which are ids)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [t for k, v in data.items() if k != "of" for t in _strings(v)]
    if isinstance(data, list):
        return [t for v in data for t in _strings(v)]
    return []


def _allowed() -> set[str]:
    """The terms docs/glossary-de.md keeps English, the guide's titles as the
    pack cites them, and the partner's own data."""
    glossary = (ROOT / "docs/glossary-de.md").read_text(encoding="utf-8")
    stay = glossary.split("Terms that stay English", 1)[1]
    words = {w.lower() for w in WORD.findall(stay)}
    manifest = yaml.safe_load((ROOT / "assessments/default/pack.yaml").read_text(encoding="utf-8"))
    titles = [str(s.get("title", "")) for s in manifest.get("sources") or [] if isinstance(s, dict)]
    assert titles, "the pack names its sources' titles"
    words |= {w.lower() for title in titles for w in WORD.findall(title)}
    words |= {w.lower() for w in WORD.findall((ROOT / "examples/german-partner.yaml").read_text(encoding="utf-8"))}
    return words


def _text(page: str) -> str:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S).replace("<wbr>", "")
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def _english(text: str) -> dict[str, int]:
    english, german = _vocabulary()
    allowed = _allowed()
    # a term quoted from the guide („All-Stars“) is a citation too
    text = CITED.sub(" ", ID.sub(" ", re.sub(r"„[^“]*“", " ", text)))
    found: dict[str, int] = {}
    for w in WORD.findall(text):
        low = w.lower()
        if low in english and low not in german and low not in allowed:
            found[low] = found.get(low, 0) + 1
    return found


def _outputs(tmp_path: Path) -> dict[str, str]:
    out = {"report.html": _text((ROOT / "examples/german-partner-report.html").read_text(encoding="utf-8")),
           "report.md": (ROOT / "examples/german-partner-report.md").read_text(encoding="utf-8")}
    with i18n.using("de"):
        out["form"] = _text(form_mod.form_html(translated(load_pack(None), "de"), quick=False).decode())
    target = tmp_path / "antworten.yaml"
    r = CliRunner().invoke(cli, ["init", "--lang", "de", "-o", str(target)], env={"LANG": "C.UTF-8"})
    assert r.exit_code == 0, r.output
    # the keys are ids; what the partner reads is the comments
    out["init"] = "\n".join(line.split("#", 1)[1] for line in target.read_text(encoding="utf-8").splitlines()
                            if "#" in line)
    return out


def test_the_vocabulary_finds_english(tmp_path: Path) -> None:
    # so an empty answer below means "no English", not "the search is broken"
    assert _english("Write the date; the renewal is due without delay") == {"write": 1, "without": 1}
    assert _english("Schreiben Sie das Datum; Quelle: Optimize and Grow Guide § Measure results") == {}


@pytest.mark.parametrize("what", ["report.html", "report.md", "form", "init"])
def test_no_english_is_left_in_german_output(tmp_path: Path, what: str) -> None:
    found = _english(_outputs(tmp_path)[what])
    known = {w for (out, w) in KNOWN if out == what}
    assert set(found) - known == set(), f"English in the German {what}: {sorted(found.items())}"
    assert known - set(found) == set(), f"KNOWN lists English no longer in the German {what}: remove it"
