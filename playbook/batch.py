"""Many partners in one run: the pack is loaded once per worker process, each
answers file is assessed and rendered on its own, an invalid file is reported
and skipped, and every report is written atomically (whole, or not at all).

The same `assess_one` runs locally (here) and on a Dask cluster (distributed.py),
so both give byte-identical reports.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from playbook.errors import InvalidInput, PlaybookError, UsageError

ANSWER_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class BatchConfig:
    """Everything a worker needs; plain and picklable."""

    out_dir: str
    fmt: str = "html"
    pack_spec: str | None = None
    brand_file: str | None = None
    template_dir: str | None = None
    pdf_variant: str | None = None
    short: bool = False
    baseline: str | None = None  # a file (one input) or a folder of earlier answers/results, matched by name
    strict: bool = False
    lang: str | None = None  # --lang: every report in this language
    inputs: tuple[str, ...] = ()  # every file the run reads: a report never replaces one


@dataclass(frozen=True)
class Row:
    """One line of the summary."""

    file: str
    partner: str = ""
    stage: str = ""
    stage_status: str = ""
    status: str = "ok"  # ok | invalid | error
    errors: int = 0
    warnings: int = 0
    output: str = ""
    messages: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def collect_inputs(paths: Iterable[Path]) -> list[Path]:
    """Answers files from files and folders (a folder's *.yaml/*.yml, not recursing,
    leaving out packs and hidden files), in a stable order, each once."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            if (p / "pack.yaml").is_file():
                raise UsageError(f"{p} is a rule pack, not a folder of answers files; give it with --pack")
            for f in sorted(p.iterdir()):
                if f.suffix.lower() in ANSWER_SUFFIXES and f.is_file() and not f.name.startswith(".") \
                        and f.name not in ("pack.yaml", "brand.yaml", "overrides.yaml"):
                    out.append(f)
        else:
            out.append(p)
    seen: set[Path] = set()
    unique = []
    for f in out:
        key = f.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique


def output_names(files: Sequence[Path], fmt: str) -> dict[Path, str]:
    """<stem>-report.<ext> for each input; two inputs with one stem are a usage error
    (one report must never overwrite another)."""
    from playbook.report.render import EXTENSIONS

    names: dict[Path, str] = {}
    clash: dict[str, list[str]] = {}
    for f in files:
        name = f"{f.stem}-report{EXTENSIONS[fmt]}"
        clash.setdefault(name, []).append(str(f))
        names[f] = name
    dup = {k: v for k, v in clash.items() if len(v) > 1}
    if dup:
        k, v = next(iter(dup.items()))
        raise UsageError(f"{' and '.join(v)} would both be written as {k}; rename one or run them separately")
    return names


def find_baseline(config: BatchConfig, answers: Path, single: bool) -> Path | None:
    """The earlier assessment of this partner: the --baseline file, or in a --baseline
    folder the file with the same name, or its <stem>-report.json."""
    if not config.baseline:
        return None
    base = Path(config.baseline)
    if not base.is_dir():
        return base if single else None
    for cand in (base / answers.name, base / f"{answers.stem}-report.json", base / f"{answers.stem}.json"):
        if cand.is_file():
            return cand
    return None


# One Assessor per process: a worker loads the pack once, then serves every file.
_ASSESSORS: dict[tuple[Any, ...], Any] = {}


def _assessor(config: BatchConfig) -> Any:
    from playbook.api import Assessor
    from playbook.report.render import Brand, RenderOptions, load_brand

    key = (config.pack_spec, config.brand_file, config.template_dir, config.pdf_variant, config.lang,
           config.strict)
    if key not in _ASSESSORS:
        brand = load_brand(Path(config.brand_file)) if config.brand_file else Brand()
        _ASSESSORS[key] = Assessor(config.pack_spec, RenderOptions(brand=brand, template_dir=config.template_dir,
                                                                   pdf_variant=config.pdf_variant), config.lang,
                                   strict=config.strict)
    return _ASSESSORS[key]


def render_for(assessor: Any, assessment: Any, fmt: str, short: bool) -> bytes:
    if short and fmt in ("html", "pdf"):
        from playbook.report.short import render_short

        return render_short(assessment.result, assessor.pack, fmt, assessor.options)
    data: bytes = assessor.render(assessment, fmt)
    return data


def assess_one(path: str, out_name: str, config: BatchConfig, baseline: str | None = None) -> Row:
    """Assess and render one partner, writing its report atomically into config.out_dir.
    Never raises for bad input: the problem is in the returned Row. What is
    refused, and which warnings count, is api.assess_one's decision, as for one file."""
    from playbook.base.files import write_output

    try:
        assessor = _assessor(config)
        outcome = assessor.outcome(Path(path), name=path, baseline=baseline)
        warnings = tuple(w.format() for w in outcome.warnings)
        if outcome.assessment is None:
            if outcome.refused_for_warnings:
                return Row(path, status="invalid", errors=0, warnings=len(warnings),
                           messages=warnings + ("--strict: warnings count as errors; nothing was written",))
            errs = [p for p in outcome.problems if p.severity == "error"]
            shown = tuple(p.format() for p in outcome.problems)
            return Row(path, status="invalid", errors=len(errs), warnings=len(outcome.problems) - len(errs)
                       + len(outcome.warnings), messages=tuple(dict.fromkeys(warnings + shown)))
        a = outcome.assessment
        data = render_for(assessor, a, config.fmt, config.short)
        target = Path(config.out_dir) / out_name
        write_output(target, data, inputs=[Path(i) for i in (*config.inputs, path, *([baseline] if baseline else []))])
        return Row(path, a.result.partner_name, a.result.stage, _stage_status(a.result), "ok", 0,
                   len(warnings), str(target), warnings)
    except InvalidInput as exc:
        errs = [p for p in exc.problems if p.severity == "error"]
        return Row(path, status="invalid", errors=len(errs), warnings=len(exc.problems) - len(errs),
                   messages=tuple(p.format() for p in exc.problems))
    except PlaybookError as exc:
        return Row(path, status="error", errors=1, messages=(f"{path}: error: {exc}",))


def _stage_status(result: Any) -> str:
    return str(getattr(result, "stage_status", "") or "")


def _chunk(items: list[Any], size: int) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _assess_chunk(tasks: list[tuple[str, str, str | None]], config: BatchConfig) -> list[Row]:
    return [assess_one(p, n, config, b) for p, n, b in tasks]


def plan_tasks(files: Sequence[Path], config: BatchConfig) -> list[tuple[str, str, str | None]]:
    names = output_names(files, config.fmt)
    single = len(files) == 1
    out = []
    for f in files:
        b = find_baseline(config, f, single)
        out.append((str(f), names[f], str(b) if b else None))
    return out


def run_local(files: Sequence[Path], config: BatchConfig, jobs: int | None = None,
              progress: Callable[[Row], None] | None = None) -> list[Row]:
    """Assess `files` with `jobs` worker processes (default: the CPU count);
    rows come back in input order. `progress` is called once per finished file."""
    out_dir = Path(config.out_dir)
    if not out_dir.is_dir():
        raise UsageError(f"--out-dir {out_dir}: no such folder")
    tasks = plan_tasks(files, config)
    jobs = max(1, jobs or os.cpu_count() or 1)
    _assessor(config)  # a broken pack or brand is one usage error, reported before any worker starts
    rows: dict[str, Row] = {}
    if jobs == 1 or len(tasks) <= 1:
        for t in tasks:
            row = assess_one(t[0], t[1], config, t[2])
            rows[t[0]] = row
            if progress:
                progress(row)
    else:
        # Chunks amortise the round trip for cheap formats (JSON) without starving
        # a worker at the end; PDFs, at seconds each, go one by one.
        size = 1 if config.fmt == "pdf" else max(1, min(50, len(tasks) // (jobs * 8)))
        import gc

        # forked workers share the loaded pack copy-on-write; the collector
        # walking those objects would copy every page into each worker
        gc.freeze()
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # a bounded number of chunks in flight: memory stays flat however many partners
            chunks = _chunk(tasks, size)
            pending: dict[Any, list[tuple[str, str, str | None]]] = {}
            while True:
                while len(pending) < jobs * 4:
                    c = next(chunks, None)
                    if c is None:
                        break
                    pending[pool.submit(_assess_chunk, c, config)] = c
                if not pending:
                    break
                finished, _ = wait(list(pending), return_when=FIRST_COMPLETED)
                for fut in finished:
                    chunk = pending.pop(fut)
                    try:
                        done = fut.result()
                    except Exception as exc:  # a worker died (killed, out of memory) or a bug: say so per file
                        done = [Row(t[0], status="error", errors=1,
                                    messages=(f"{t[0]}: error: the worker failed ({type(exc).__name__}: {exc}); "
                                              "nothing was written for it",)) for t in chunk]
                    for row in done:
                        rows[row.file] = row
                        if progress:
                            progress(row)
    return [rows[t[0]] for t in tasks]


def summary_bytes(rows: Sequence[Row], fmt: str) -> bytes:
    """The summary as CSV or JSON (file, partner, stage, status, errors, warnings, output, message:
    the first problem, so a failed client says why without the terminal log)."""
    cols = ["file", "partner", "stage", "stage_status", "status", "errors", "warnings", "output"]
    if fmt == "json":
        return (json.dumps([{**{k: asdict(r)[k] for k in cols}, "message": r.messages[0] if r.messages else "",
                             "messages": list(r.messages)} for r in rows],
                           indent=2, ensure_ascii=False) + "\n").encode()
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([*cols, "message"])
    for r in rows:
        # a spreadsheet would run a cell starting with = + - @ as a formula: partner names are untrusted
        w.writerow([_csv_safe(str(v)) for v in [*(getattr(r, c) for c in cols), r.messages[0] if r.messages else ""]])
    return buf.getvalue().encode()


def _csv_safe(v: str) -> str:
    from playbook.base.formula import neutralise

    return neutralise(v)
