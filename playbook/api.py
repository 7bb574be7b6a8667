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
from playbook.report.render import EXTENSIONS, FORMATS, RenderOptions, render

__all__ = ["Assessment", "Assessor", "Outcome", "assess_one", "FORMATS", "EXTENSIONS"]


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


@dataclass(frozen=True)
class Outcome:
    """One answers file through the one assessment path (`assess_one`): either an
    assessment, or the problems it was refused for; the warnings either way.

    The single-file CLI, the batch (local or on Dask), the web app and the
    Assessor methods all decide through it, so they refuse the same files."""

    source: str
    assessment: Assessment | None
    problems: tuple[Problem, ...] = ()  # why it was refused: errors, or under strict the warnings
    warnings: tuple[Problem, ...] = ()
    strict: bool = False

    @property
    def ok(self) -> bool:
        return self.assessment is not None

    @property
    def refused_for_warnings(self) -> bool:
        """Refused only because --strict counts its warnings (it has no error)."""
        return not self.ok and self.strict and not any(p.severity == "error" for p in self.problems)

    def assessed(self) -> Assessment:
        """The assessment, or InvalidInput with every problem (the Assessor methods' way)."""
        if self.assessment is None:
            raise InvalidInput(list(self.problems))
        return self.assessment


Source = str | Path | bytes | Mapping[str, Any]


class Assessor:
    """A rule pack loaded once, ready to assess any number of partners.

    `pack` is a bundled pack id, a folder with pack.yaml, or an already loaded Pack.
    Every method raises playbook.errors.InvalidInput (with every problem found)
    for invalid answers and never prints.
    """

    def __init__(self, pack: str | Path | Pack | None = None, options: RenderOptions | None = None,
                 lang: str | None = None, *, strict: bool = False):
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
        self.strict = strict  # warnings (answers, customers, pack) refuse a file, as `--strict` does

    # ---- assessing -------------------------------------------------------
    def outcome(self, source: Source, *, name: str | None = None, baseline: str | Path | None = None,
                customers_file: Path | None = None, redact_customers: bool = False,
                default_lang: str | None = None, columns: Mapping[str, str] | None = None) -> Outcome:
        """The one assessment path: read `source` (a path, the bytes of an answers
        file, or a mapping), refuse it or assess it, and collect its warnings.
        Never raises for a bad answers file: the problems are in the Outcome."""
        return assess_one(source, self, name=name, baseline=baseline, customers_file=customers_file,
                          redact_customers=redact_customers, default_lang=default_lang, columns=columns)

    def assess_file(self, path: str | Path, *, baseline: str | Path | None = None,
                    display: str | None = None) -> Assessment:
        """Assess an answers file; with `baseline` (an older answers file or result
        JSON) the result carries the comparison with it."""
        return self.outcome(Path(path), name=display, baseline=baseline).assessed()

    def assess_bytes(self, raw: bytes, name: str = "<answers>", *,
                     baseline: str | Path | None = None) -> Assessment:
        """Assess the text of an answers file (YAML), e.g. an upload."""
        return self.outcome(raw, name=name, baseline=baseline).assessed()

    def assess_mapping(self, data: Mapping[str, Any], name: str = "<answers>", *,
                       baseline: str | Path | None = None) -> Assessment:
        """Assess answers held in memory, shaped like an answers file
        ({"partner": {...}, "answers": {...}, "metrics": {...}})."""
        return self.outcome(data, name=name, baseline=baseline).assessed()

    def assess_many(self, paths: Iterable[str | Path]) -> Iterator[Assessment | InvalidInput]:
        """Assess files one after another in this process; an invalid file yields
        its InvalidInput instead of stopping the others."""
        for p in paths:
            try:
                yield self.assess_file(p)
            except InvalidInput as exc:
                yield exc

    def _read(self, source: Source, name: str | None, columns: Mapping[str, str] | None = None) -> Answers:
        from playbook.answers.check import check_answers, load_answers, parse_answers
        from playbook.base.yamlio import Document

        if isinstance(source, bytes):
            return parse_answers(source, self.pack, name or "<answers>", decimal=self._decimal)
        if isinstance(source, (str, Path)):
            p = Path(source)
            return load_answers(p, self.pack, name or str(p), decimal=self._decimal, columns=columns)
        plain = json.loads(json.dumps(dict(source), default=str))  # plain data only: no objects reach the engine
        digest = hashlib.sha256(json.dumps(plain, sort_keys=True).encode()).hexdigest()
        return check_answers(Document(name or "<answers>", plain), self.pack, "sha256:" + digest,
                             decimal=self._decimal)

    def _finish(self, source: str, answers: Answers, baseline: str | Path | None,
                lang: str | None = None, written: Path | bytes | None = None) -> Assessment:
        """`written`: the answers file as written (path or bytes), whose `# CARRIED`
        marks tell a comparison which figures were not re-measured."""
        from playbook.engine.evaluation import evaluate

        result = evaluate(self.pack, answers, lang or self.lang)
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
        """Render and write atomically: the file is whole or not there. Never over
        a YAML file, the answers file assessed, or anything but a regular file;
        a file-system failure is playbook.errors.FileSystemError."""
        from playbook.base.files import write_output

        target = Path(path)
        inputs = [Path(what.source)] if isinstance(what, Assessment) and Path(what.source).is_file() else []
        write_output(target, self.render(what, fmt, options), inputs=inputs)
        return target


def assess_one(source: Source, assessor: Assessor, *, name: str | None = None,
               baseline: str | Path | None = None, customers_file: Path | None = None,
               redact_customers: bool = False, default_lang: str | None = None,
               columns: Mapping[str, str] | None = None) -> Outcome:
    """Refusals, strictness and warnings, decided once for every front end.

    Refused: an invalid file (every problem), a file with nothing answered, and
    under `assessor.strict` a file with any warning (its own, its customers',
    the pack's). `default_lang` is the language for a file that names none
    (the web app's questionnaire language); `assessor.lang` still wins."""
    from playbook import customers
    from playbook.engine.questionnaire import nothing_answered

    shown = name or (str(source) if isinstance(source, (str, Path)) else "<answers>")
    strict = assessor.strict
    try:
        answers = assessor._read(source, name, columns)  # columns: what the customer CSV's columns are
        if customers_file is not None:
            answers = customers.load_customers_option(answers, customers_file, assessor.pack, columns)
        if redact_customers:
            answers = customers.redact(answers)
    except InvalidInput as exc:
        return Outcome(shown, None, tuple(exc.problems), (), strict)
    empty = nothing_answered(answers)
    if empty is not None:
        return Outcome(shown, None, (empty,), tuple(answers.warnings), strict)
    try:
        written = Path(source) if isinstance(source, (str, Path)) else source if isinstance(source, bytes) else None
        a = assessor._finish(shown, answers, baseline, None if answers.language else default_lang, written)
    except InvalidInput as exc:
        return Outcome(shown, None, tuple(exc.problems), tuple(answers.warnings), strict)
    base = a.result.customer_base
    found = [*answers.warnings, *(Problem(answers.file, 0, 0, text, "customer-metrics", "warning")
                                  for text in (base.warnings if base else ()))]
    late = a.result.baseline.past_due if a.result.baseline is not None else None
    if late is not None:
        found.append(Problem(answers.file, 0, 0, f"{late.customers} renewal date(s) already past at the assessment "
                             f"date ({', '.join(late.names[:5])}{', ...' if len(late.names) > 5 else ''}); confirm "
                             "each renewal and correct the date: a past date improves no KPI and closes no action",
                             "past-due-renewal", "warning"))
    if strict:
        found = [*assessor.pack.warnings, *found]
        if found:
            return Outcome(shown, None, tuple(found), tuple(found), strict)
    return Outcome(shown, a, (), tuple(found), strict)
