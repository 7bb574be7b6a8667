"""Loading a rule pack, the citation checks: sources and their sections.

Every `source:` an item carries ("guide.txt § Heading") must name a file that
pack.yaml lists under `sources:` and, when that file lists its sections, one of
them; headings are compared as people retype them. A listed section that
nothing cites needs a `not_encoded` reason, which keeps the coverage table
honest. playbook/pack/load.py runs the stages and re-exports these names.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any, Protocol

from playbook.base.model import Source
from playbook.base.suggest import did_you_mean
from playbook.base.yamlio import Document, PathKey


class _Checker(Protocol):
    """What the source checks need of the pack builder (playbook/pack/build.py
    `_Builder`): where to report a problem and the sections cited so far. A
    protocol rather than an import, so build can call these checks without a cycle."""

    cited: dict[str, set[str]]

    def err(self, doc: Document, path: PathKey, msg: str, code: str, key: bool = False,
            severity: str = "error") -> None: ...


@cache
def _norm_section(section: str) -> str:
    # Headings are cited as people retype them: case and punctuation may differ.
    return re.sub(r"[^a-z0-9%]+", " ", section.lower()).strip()


@cache
def _norm_sections(sections: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_norm_section(s) for s in sections)


def _source_strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Every `source:` in an item, its bands, checklist items and services included."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "source" and isinstance(v, str):
                yield path + (k,), v
            elif isinstance(v, (dict, list)):
                yield from _source_strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _source_strings(v, path + (i,))


def _check_source(b: _Checker, doc: Document, path: PathKey, src: str, sources: dict[str, Source]) -> None:
    f, _, section = (part.strip() for part in src.partition(" § "))
    if f not in sources:
        b.err(doc, path, f"source file {f!r} is not listed in pack.yaml sources{did_you_mean(f, sources)}",
              "unknown-source")
        return
    b.cited.setdefault(f, set()).add(_norm_section(section))
    declared = sources[f].sections
    if declared and _norm_section(section) not in _norm_sections(declared):
        b.err(doc, path, f"section {section!r} is not one of the sections pack.yaml lists for {f}"
              f"{did_you_mean(section, declared)}", "unknown-section")


def _check_sections(b: _Checker, sources: dict[str, Source], where: dict[str, tuple[Document, int]]) -> None:
    """Warnings that keep the coverage table honest: a listed section that
    nothing cites needs a `not_encoded` reason, and one with a reason must
    not be cited."""
    for f, src in sources.items():
        if f not in where:
            continue
        doc, i = where[f]
        cited = b.cited.get(f, set())
        skipped = {_norm_section(sec) for sec, _ in src.not_encoded}
        raw_sections = doc.data["sources"][i].get("sections", [])
        for j, raw in enumerate(raw_sections):
            name = raw if isinstance(raw, str) else raw.get("section", "")
            key = _norm_section(name)
            if key not in cited and key not in skipped:
                b.err(doc, ("sources", i, "sections", j), f"no pack item cites {f} § {name}; encode it, "
                      "or say why not with {section: ..., not_encoded: ...}", "uncovered-section",
                      severity="warning")
            elif key in cited and key in skipped:
                b.err(doc, ("sources", i, "sections", j), f"{f} § {name} is marked not_encoded but pack items "
                      "cite it; drop not_encoded", "cited-not-encoded", severity="warning")


def _source(raw: dict[str, Any]) -> Source:
    sections = tuple(x if isinstance(x, str) else x["section"] for x in raw.get("sections", []))
    skipped = tuple((x["section"], x["not_encoded"]) for x in raw.get("sections", []) if isinstance(x, dict))
    return Source(raw["file"], raw.get("title", ""), raw.get("note", ""), sections, skipped)

