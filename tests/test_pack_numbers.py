"""Every number in the default pack traces to the guide or says it is the
pack's own (issue 20). The pack's partner-facing texts and its thresholds are
read for numbers; tests/data/default-pack-numbers.yaml lists each with the guide
sections it comes from, or the items that state it as the pack's own, whose
text must then say so where the partner reads it."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from playbook.base.model import Condition, Pack
from playbook.pack.lint import NUMBER_WORDS, _leaves
from playbook.pack.load import load_pack

ROOT = Path(__file__).resolve().parents[1]
NUMBERS = ROOT / "tests" / "data" / "default-pack-numbers.yaml"
GUIDE = Path(os.environ.get("PLAYBOOK_GUIDE_DIR", ROOT.parent / "shared" / "guide"))
# digits only: "one or two KPIs" and "twice a month" are words a reader weighs as prose
DIGITS = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)(?![\w])")
OWN_LABEL = "pack's own"


def _fmt(x: float) -> str:
    return f"{x:g}"


# "004 asks", "(000 § 2. Grow)", "§ Part 4": a citation names a file and a section, it states no number
CITATION = re.compile(r"\b00[0-4]\b|§\s*(?:Part\s+)?\d+\.?")


def numbers_in(text: str) -> set[str]:
    out = set()
    for d in DIGITS.findall(CITATION.sub(" ", text or "")):
        try:
            out.add(_fmt(float(d.replace(",", ""))))
        except ValueError:
            continue
    return out


@cache
def _pack() -> Pack:
    return load_pack("default")


def _thresholds(cond: Condition | None) -> set[str]:
    out = set()
    for leaf in _leaves(cond):
        if leaf.order or leaf.subject == "finding":
            continue  # an ordered choice compares positions in its list, not numbers
        vals = leaf.value if isinstance(leaf.value, tuple) else (leaf.value,)
        out |= {_fmt(float(v)) for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)}
    return out


def stated(pack: Pack) -> Iterator[tuple[str, str, str]]:
    """(item, the text a partner reads, the numbers it states or tests)."""
    for q in pack.questions.values():
        text = f"{q.text} {q.help}"
        yield f"question {q.id}", text, " ".join(numbers_in(text) | _thresholds(q.applies_when))
    for a in pack.actions:
        text = f"{a.title} {a.description}"
        yield f"action {a.id}", text, " ".join(numbers_in(text) | _thresholds(a.when) | _thresholds(a.done_when))
    for m in pack.metrics.values():
        text = f"{m.name} {m.description}"
        yield f"metric {m.id}", text, " ".join(numbers_in(text))
    for b in pack.benchmarks:
        text = " ".join([b.target_text, *(bd.label for bd in b.bands)])
        nums = numbers_in(text) | _thresholds(b.target) | _thresholds(b.applies_when)
        for bd in b.bands:
            nums |= _thresholds(bd.when)
        yield f"benchmark {b.id}", text, " ".join(nums)
    for c in pack.checklists:
        yield f"checklist {c.id}", c.title, " ".join(numbers_in(c.title))
        for it in c.items:
            yield f"checklist item {c.id}.{it.id}", it.text, " ".join(numbers_in(it.text) | _thresholds(it.done_when))
    for s in pack.stages:
        yield f"stage {s.id}", f"{s.name} {s.description}", " ".join(numbers_in(f"{s.name} {s.description}"))
    for ms in pack.maturity_stages:
        text = " ".join([ms.name, ms.description, *(f"{sv.title} {sv.description}" for sv in ms.services)])
        yield f"maturity stage {ms.id}", text, " ".join(numbers_in(text))


@cache
def _listed() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(NUMBERS.read_text(encoding="utf-8"))
    return {str(k): v or {} for k, v in data["numbers"].items()}


def test_every_number_the_pack_states_or_tests_is_listed_with_its_origin() -> None:
    listed = _listed()
    missing = sorted({f"{n} ({item})" for item, _t, nums in stated(_pack()) for n in nums.split() if n not in listed})
    assert missing == [], "add these to tests/data/default-pack-numbers.yaml with their source or as the pack's own"


def cited(pack: Pack) -> dict[str, set[str]]:
    """The guide sections each item cites (its own, its checklist's, its bands')."""
    out: dict[str, set[str]] = {}
    for q in pack.questions.values():
        out[f"question {q.id}"] = {q.source, *q.also_asks}
    for a in pack.actions:
        out[f"action {a.id}"] = {a.source}
    for m in pack.metrics.values():
        out[f"metric {m.id}"] = {m.source}
    for b in pack.benchmarks:
        out[f"benchmark {b.id}"] = {b.source, *(bd.source for bd in b.bands if bd.source)}
    for c in pack.checklists:
        out[f"checklist {c.id}"] = {c.source}
        for it in c.items:
            out[f"checklist item {c.id}.{it.id}"] = {it.source, c.source}
    for s in pack.stages:
        out[f"stage {s.id}"] = {s.source}
    for ms in pack.maturity_stages:
        out[f"maturity stage {ms.id}"] = {ms.source}
    return out


def test_each_number_is_traced_where_it_is_stated() -> None:
    """Per item: the number comes from a section the item cites, or the list
    names the section it comes from instead, or the item states it as the
    pack's own (and says so), or it is plain arithmetic (a count above zero,
    months in a year, a step's position), with the reason."""
    listed, sources_of = _listed(), cited(_pack())
    bad = []
    for item, text, nums in stated(_pack()):
        for n in nums.split():
            entry = listed.get(n, {})
            sources = set(entry.get("sources") or [])
            if item in (entry.get("own") or []):
                if OWN_LABEL not in text.lower():
                    bad.append(f"{n}: {item} states it as the pack's own, but its text does not say {OWN_LABEL!r}")
            elif item in (entry.get("plain") or {}):
                continue
            elif item in (entry.get("from") or {}):
                if entry["from"][item] not in sources:
                    bad.append(f"{n}: {item}: {entry['from'][item]!r} is not among its sources")
            elif not sources & sources_of.get(item, set()):
                bad.append(f"{n}: {item} cites none of its sources ({', '.join(sorted(sources)) or 'none'})")
    assert bad == []


def test_the_list_names_no_stale_items() -> None:
    items = {item for item, _t, _n in stated(_pack())}
    stale = [f"{n}: {i}" for n, e in _listed().items() for key in ("own", "plain", "from")
             for i in e.get(key) or [] if i not in items]
    assert stale == []


def guide_texts(folder: Path) -> dict[str, list[str]]:
    """Each guide file as normalised lines. "1,500 - 1,700 hours": digit
    grouping goes, so 1500 is found as one number."""
    return {p.name: [_norm(re.sub(r"<[^>]+>", " ", re.sub(r"(?<=\d),(?=\d{3})", "", line)))
                     for line in p.read_text(errors="replace").splitlines()] for p in folder.glob("*.txt")}


def _norm(s: str) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", s.lower()).strip()


@pytest.mark.skipif(not GUIDE.is_dir(), reason="the guide (../shared/guide) is not beside this checkout")
def test_each_listed_source_section_states_the_number() -> None:
    texts = guide_texts(GUIDE)
    sections = {s.file: [_norm(x) for x in s.sections] for s in _pack().sources}
    bad = []
    for n, entry in _listed().items():
        for source in entry.get("sources") or []:
            if not section_states(texts, sections, source, n):
                bad.append(f"{n}: {source} does not state it")
    assert bad == []


def section_states(texts: dict[str, list[str]], sections: dict[str, list[str]], source: str, n: str) -> bool:
    """Whether a guide section states n: from a line that is the section's
    heading to the next line that is another listed heading (the contents
    list's entries carry page numbers, so they are not headings)."""
    file, _, section = source.partition(" § ")
    lines, head = texts.get(file, []), _norm(section)
    others = set(sections.get(file, [])) - {head}
    # the guide writes some numbers as words: "twice a month", "by year three"
    words = [w for w, v in NUMBER_WORDS.items() if _fmt(v) == n and w != "half"]
    pattern = re.compile("|".join([rf"(?<![0-9]){re.escape(_norm(n))}(?![0-9])", *(rf"\b{w}\b" for w in words)]))
    inside = False
    for line in lines:
        if line == head:
            inside = True
        elif line in others:
            inside = False
        if inside and pattern.search(line):
            return True
    return False


@pytest.mark.parametrize(("churn", "years"), [(2, 5.0), (20, 5.0), (25, 4.0), (50, 2.0)])
def test_clv_stops_at_the_guides_horizon_and_says_the_model_is_the_packs_own(churn: float, years: float) -> None:
    # 002 § Use CLV: "2-5 years of revenue"; 1 / 2 % churn alone would be 50 years
    from playbook.answers.check import parse_answers
    from playbook.engine.evaluation import evaluate

    pack = _pack()
    doc = f"partner: {{name: P}}\nmetrics: {{mrr: 10000, active_customers: 10, churn_rate_annual: {churn}%}}\n"
    result = evaluate(pack, parse_answers(doc.encode(), pack))
    assert result.metrics["clv"] == pytest.approx(10000 * 12 / 10 * years)
    assert OWN_LABEL in pack.metrics["clv"].description and "2-5 years" in pack.metrics["clv"].description
