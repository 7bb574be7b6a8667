"""The library API: load a pack once, assess many partners, render any format.

This module is part of the public contract (stable names and signatures):

    from playbook.api import Assessor
    assessor = Assessor("default")                 # the pack is loaded once
    a = assessor.assess_file("fabrikam-2026.yaml")   # or assess_mapping({...})
    html = assessor.render(a, "html")              # bytes; also "pdf", "json", "md"

The CLI's batch, baseline and portfolio commands are built on it.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playbook.base.model import Answers, Pack
from playbook.engine.result import Result, to_dict
from playbook.errors import InvalidInput, Problem
from playbook.report.render import EXTENSIONS, FORMATS, RenderOptions, render, write_atomic

__all__ = ["Assessment", "Assessor", "FORMATS", "EXTENSIONS"]


@dataclass(frozen=True)
class Assessment:
    """One partner assessed: where the answers came from, the parsed answers, the result."""

    source: str
    answers: Answers
    result: Result

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(self.answers.warnings)

    def to_dict(self) -> dict[str, Any]:
        """The result's public JSON shape (contract section 4)."""
        return to_dict(self.result)


class Assessor:
    """A rule pack loaded once, ready to assess any number of partners.

    `pack` is a bundled pack id, a folder with pack.yaml, or an already loaded Pack.
    Every method raises playbook.errors.InvalidInput (with every problem found)
    for invalid answers and never prints.
    """

    def __init__(self, pack: str | Path | Pack | None = None, options: RenderOptions | None = None,
                 lang: str | None = None):
        """`lang`: the language of every result and report (`de`); None follows
        each answers file's `partner.language`, else English. It never changes
        how a file's numbers are read: that is its own `partner.language`'s
        convention (a consultant's German report of an English file must not
        read $180,000 as 180)."""
        from playbook.i18n import resolve_language
        from playbook.pack.load import load_pack

        self.pack: Pack = pack if isinstance(pack, Pack) else load_pack(pack)
        self.options: RenderOptions = options or RenderOptions()
        self.lang: str | None = resolve_language(lang) if lang else None
        self._decimal: str | None = None

    # ---- assessing -------------------------------------------------------
    def assess_file(self, path: str | Path, *, baseline: str | Path | None = None,
                    display: str | None = None) -> Assessment:
        """Assess an answers file; with `baseline` (an older answers file or result
        JSON) the result carries the comparison with it."""
        from playbook.answers.check import load_answers

        p = Path(path)
        answers = load_answers(p, self.pack, display or str(p), decimal=self._decimal)
        return self._finish(display or str(p), answers, baseline, p if baseline is not None else None)

    def assess_bytes(self, raw: bytes, name: str = "<answers>", *,
                     baseline: str | Path | None = None) -> Assessment:
        """Assess the text of an answers file (YAML), e.g. an upload."""
        from playbook.answers.check import parse_answers

        return self._finish(name, parse_answers(raw, self.pack, name, decimal=self._decimal), baseline, raw)

    def assess_mapping(self, data: Mapping[str, Any], name: str = "<answers>", *,
                       baseline: str | Path | None = None) -> Assessment:
        """Assess answers held in memory, shaped like an answers file
        ({"partner": {...}, "answers": {...}, "metrics": {...}})."""
        from playbook.answers.check import check_answers
        from playbook.base.yamlio import Document

        plain = json.loads(json.dumps(dict(data), default=str))  # plain data only: no objects reach the engine
        digest = hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()
        answers = check_answers(Document(name, plain), self.pack, "sha256:" + digest, decimal=self._decimal)
        return self._finish(name, answers, baseline)

    def assess_many(self, paths: Iterable[str | Path]) -> Iterator[Assessment | InvalidInput]:
        """Assess files one after another in this process; an invalid file yields
        its InvalidInput instead of stopping the others."""
        for p in paths:
            try:
                yield self.assess_file(p)
            except InvalidInput as exc:
                yield exc

    def _finish(self, source: str, answers: Answers, baseline: str | Path | None,
                written: Path | bytes | None = None) -> Assessment:
        from playbook.engine.evaluation import evaluate

        result = evaluate(self.pack, answers, self.lang)
        if baseline is not None:
            from playbook.report.baseline import answers_text, compare, load_baseline

            result = dataclasses.replace(result, baseline=compare(result, load_baseline(Path(baseline), self.pack),
                                                                  self.pack, answers, answers_text(written)))
        return Assessment(source, answers, result)

    # ---- rendering -------------------------------------------------------
    def render(self, what: Assessment | Result, fmt: str, options: RenderOptions | None = None) -> bytes:
        """The report as bytes in `fmt` (html, pdf, json, md; csv or xlsx: the action plan as a table)."""
        result = what.result if isinstance(what, Assessment) else what
        return render(result, self.pack, fmt, options or self.options)

    def write(self, what: Assessment | Result, fmt: str, path: str | Path,
              options: RenderOptions | None = None) -> Path:
        """Render and write atomically: the file is whole or not there."""
        target = Path(path)
        write_atomic(target, self.render(what, fmt, options))
        return target
