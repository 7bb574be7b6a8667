"""One German word per term: the catalog and the pack translations follow docs/glossary-de.md."""

from __future__ import annotations

import re
from functools import cache

import pytest
import yaml

from tests.conftest import ROOT

GLOSSARY = ROOT / "docs" / "glossary-de.md"
PO = ROOT / "playbook" / "i18n" / "locale" / "de" / "LC_MESSAGES" / "playbook.po"


def banned() -> dict[str, str]:
    """Each word not to use -> the glossary's word for it."""
    out = {}
    for line in GLOSSARY.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "---") or set(cells[0]) <= {"-"}:
            continue
        for word in filter(None, (w.strip() for w in cells[2].split(","))):
            out[word] = cells[1]
    return out


@cache
def german_texts() -> tuple[tuple[str, str], ...]:
    """(where, text) for every German sentence: the catalog's translations and every pack translation's strings."""
    from babel.messages.pofile import read_po

    with PO.open("rb") as fh:
        catalog = read_po(fh, locale="de")
    texts = []
    for m in catalog:
        for s in (m.string if isinstance(m.string, (tuple, list)) else (m.string,)):
            if s:
                texts.append((f"{PO.relative_to(ROOT)}: {m.id!r}", s))

    def walk(node: object, where: str) -> None:
        if isinstance(node, str):
            texts.append((where, node))
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{where}.{k}")
        elif isinstance(node, list):
            for i, v in enumerate(node):
                walk(v, f"{where}[{i}]")

    for path in sorted((ROOT / "assessments").glob("*/translations/de.yaml")):
        walk(yaml.safe_load(path.read_text()), str(path.relative_to(ROOT)))
    return tuple(texts)


def test_the_glossary_lists_words_to_avoid() -> None:
    words = banned()
    assert {"Ebene", "Praxis", "Detraktoren", "Kundenzustand"} <= set(words), words


@pytest.mark.parametrize("word", sorted(banned()))
def test_no_german_text_uses_a_word_the_glossary_replaces(word: str) -> None:
    pattern = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")
    found = [f"{where}: …{text[max(0, m.start() - 30):m.end() + 30]}…"
             for where, text in german_texts() for m in [pattern.search(text)] if m]
    assert not found, f"use {banned()[word]!r} instead of {word!r}:\n" + "\n".join(found[:10])
