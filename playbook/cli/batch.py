"""The CLI side of many-partner runs: `assess FILE|DIR ...`, `--baseline`,
`portfolio`. It parses and prints; the work is in batch.py, baseline.py,
portfolio.py and distributed.py. Kept apart from cli.py so that module stays small.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from playbook.base import files as files_mod
from playbook.cli.output import write_output
from playbook.errors import UsageError


def assess_batch(inputs: tuple[Path, ...], pack_spec: str | None, fmt: str | None, output: str | None,
                 brand_file: Path | None, template_dir: str | None, pdfa: bool, *, out_dir: Path | None,
                 jobs: int | None, summary: Path | None, baseline: Path | None, scheduler: str | None,
                 short: bool, batch_strict: bool = False, lang: str | None = None, **_: Any) -> None:
    from playbook.batch import BatchConfig, Row, collect_inputs, run_local, summary_bytes

    if output is not None:
        raise UsageError("-o names one report; for several files give --out-dir DIR")
    if summary is not None and summary.suffix.lower() not in (".csv", ".json"):
        raise UsageError(f"--summary {summary}: name it .csv or .json")
    files = collect_inputs(inputs)
    if not files:
        raise UsageError(f"no answers files (*.yaml) in {', '.join(map(str, inputs))}")
    ins = (*files, *([brand_file] if brand_file else []))
    if summary is not None:  # a summary that cannot be written is said before any report is
        files_mod.resolve_target(summary, inputs=ins)
    target = files_mod.make_folder(out_dir or Path.cwd())
    config = BatchConfig(out_dir=str(target), fmt=fmt or "html", pack_spec=pack_spec,
                         brand_file=str(brand_file) if brand_file else None, template_dir=template_dir,
                         pdf_variant="pdf/a-3u" if pdfa else None, short=short,
                         baseline=str(baseline) if baseline else None, strict=batch_strict, lang=lang,
                         inputs=tuple(str(Path(i).resolve()) for i in ins))  # workers have another cwd
    bar = _progress(len(files))
    with bar as advance:
        if scheduler:
            from playbook.distributed import run_distributed

            rows = run_distributed(files, config, address=scheduler, progress=advance)
        else:
            rows = run_local(files, config, jobs=jobs, progress=advance)
    for r in rows:
        for m in r.messages:
            click.echo(m, err=True)
    _table(rows)
    if summary is not None:
        files_mod.write_output(summary, summary_bytes(rows, summary.suffix.lower().lstrip(".")), inputs=ins)
        click.echo(f"summary: {summary}")
    bad = [r for r in rows if not r.ok]
    n_ok = len(rows) - len(bad)
    click.echo(f"{n_ok} of {len(rows)} report{'s' if len(rows) != 1 else ''} written to {target}"
               + (f"; {len(bad)} skipped (see above)" if bad else ""), err=True)
    if bad:
        raise click.exceptions.Exit(1)
    del Row


class _Progress:
    """click's progress bar on a terminal; silent otherwise (logs and pipes get the summary only)."""

    def __init__(self, total: int):
        self.total = total
        self.bar: Any = None

    def __enter__(self) -> Callable[[Any], None]:
        if sys.stderr.isatty() and self.total > 1:
            self.bar = click.progressbar(length=self.total, label="Assessing", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
        return self.advance

    def advance(self, _row: Any) -> None:
        if self.bar is not None:
            self.bar.update(1)

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)


def _progress(total: int) -> _Progress:
    return _Progress(total)


def _table(rows: Sequence[Any]) -> None:
    head = ("file", "partner", "stage", "status", "errors", "warnings")
    cells = [(str(Path(r.file).name), r.partner or "—",
              r.stage + (f" ({r.stage_status})" if r.stage_status == "provisional" else "") or "—",
              r.status, str(r.errors), str(r.warnings)) for r in rows]
    widths = [min(40, max(len(h), *(len(c[i]) for c in cells))) for i, h in enumerate(head)]
    for line in (head, tuple("-" * w for w in widths), *cells):
        click.echo("  ".join(str(v)[:w].ljust(w) for v, w in zip(line, widths)).rstrip())


@click.command("portfolio")
@click.argument("inputs", metavar="FILE|DIR...", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True))
@click.option("--pack", "pack_spec", default=None, metavar="ID|PATH",
              help="Rule pack for answers files (default: default).")
@click.option("-o", "--output", default="portfolio.html", show_default=True, metavar="PATH|-",
              help="portfolio.html, .json, .csv, .xlsx or .md.")
@click.option("--reports", "reports_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder holding the partners' reports to link to (default: beside each input).")
@click.option("--plan", "plan_out", default=None, metavar="PATH.csv|PATH.xlsx",
              help="Also write every partner's action plan in one table (Planner, Jira, Azure Boards, Excel).")
def portfolio_cmd(inputs: tuple[Path, ...], pack_spec: str | None, output: str, reports_dir: Path | None,
                  plan_out: str | None = None) -> None:
    """One overview of many partners, from answers files or result JSON files."""
    from playbook.portfolio import build, render_plans, render_portfolio

    suffix = Path(output).suffix.lower().lstrip(".") if output != "-" else "html"
    if suffix not in ("html", "json", "csv", "md", "xlsx"):
        raise UsageError(f"-o {output}: name it .html, .json, .csv, .xlsx or .md")
    plan_fmt = Path(plan_out).suffix.lower().lstrip(".") if plan_out else None
    if plan_out is not None and plan_fmt not in ("csv", "xlsx"):
        raise UsageError(f"--plan {plan_out}: name it .csv or .xlsx")
    out_path = Path.cwd() if output == "-" else Path(output).resolve().parent
    pf = build(list(inputs), pack_spec, link_from=out_path, reports_dir=reports_dir)
    for m in pf.problems:
        click.echo(m, err=True)
    write_output(output, render_portfolio(pf, suffix), inputs)
    if plan_out is not None and plan_fmt is not None:
        write_output(plan_out, render_plans(pf, plan_fmt), inputs)
    if pf.problems:
        raise click.exceptions.Exit(1)


COMMANDS = (portfolio_cmd,)
