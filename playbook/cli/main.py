"""The command line. It parses, calls the core and prints; nothing else.

Every PlaybookError is turned into a message and an exit code in one place
(`_Group.invoke`); no traceback reaches the user.
"""

from __future__ import annotations

import gc
import json
import os
import sys
from pathlib import Path
from typing import Any

import click

from playbook import __version__
from playbook.base import files
from playbook.base.operators import FOCUS_VALUES
from playbook.cli.output import LANG_OPTION, MESSAGES_LANG_OPTION, PACK_OPTION, STRICT_OPTION, batch_options, display, lang_value, single_checks, write_output
from playbook.cli.output import write_stdout as _write_stdout
from playbook.errors import EXIT_INTERNAL, InvalidInput, PlaybookError, Problem, UsageError

MAX_SHOWN = 200  # past this, more lines only bury the first mistakes


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        from playbook.i18n import environment_language, messages_asked

        # messages about a partner's input: --lang, else the file's language, else the locale's;
        # the block holds the reporting below too, so a --lang given to the command still counts
        with messages_asked(None, environment_language()):
            return self._invoke(ctx)

    def _invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PlaybookError as exc:
            _report(exc)
            ctx.exit(exc.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)
        except BrokenPipeError:  # `playbook ... | head`: the reader left, which is not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            ctx.exit(0)
        except RecursionError:
            click.echo("error: the input is nested too deeply to process", err=True)
            ctx.exit(1)
        except Exception as exc:  # a bug of ours: say so plainly, still no traceback
            click.echo(f"internal error: {type(exc).__name__}: {exc}\n"
                       "This is a bug in playbook; please report it with the command you ran.", err=True)
            ctx.exit(EXIT_INTERNAL)


def _report(exc: PlaybookError) -> None:
    if isinstance(exc, InvalidInput):
        for p in exc.problems[:MAX_SHOWN]:
            click.echo(p.format(), err=True)
        if len(exc.problems) > MAX_SHOWN:
            click.echo(f"... and {len(exc.problems) - MAX_SHOWN} more; fix these first", err=True)
        from playbook.i18n import message_language, tn, using

        with using(message_language()):
            click.echo(tn("%(n)s error; nothing was written.", "%(n)s errors; nothing was written.",
                          sum(p.severity == "error" for p in exc.problems)), err=True)
    elif isinstance(exc, UsageError):
        click.echo(f"usage error: {exc}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="playbook")
def cli() -> None:
    """Turn partner guidance (YAML rule packs) into a Start / Grow / Optimize action plan."""


@cli.command()
@click.argument("inputs", metavar="FILE|DIR...", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True))
@PACK_OPTION
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "json", "md", "csv", "xlsx"]),
              default=None, help="Report format (default: from the -o extension, else html); csv and xlsx: the "
                                 "action plan, one row per action, for Planner, Jira, Azure Boards or Excel.")
@click.option("-o", "--output", default=None, metavar="PATH|-",
              help="Where to write the report; '-' for standard output. "
                   "Default: <answers stem>-report.<ext> in the current folder.")
@click.option("--brand", "brand_file", type=click.Path(dir_okay=False, path_type=Path, exists=True), default=None,
              help="brand.yaml: firm, logo, accent, confidentiality.")
@click.option("--template-dir", type=click.Path(file_okay=False, exists=True), default=None,
              help="Folder whose templates override the bundled ones.")
@click.option("--pdfa", is_flag=True, help="Make the PDF a PDF/A-3u archive document.")
@STRICT_OPTION
@click.option("--customers", "customers_file", type=click.Path(dir_okay=False, path_type=Path, exists=True),
              default=None, help="A CSV export of customers; replaces the answers file's customers:.")
@click.option("--redact-customers", is_flag=True,
              help="Replace customer names with stable pseudonyms (Customer 7F3A09) in every format.")
@click.option("--columns", "columns_file", type=click.Path(dir_okay=False, path_type=Path, exists=True),
              default=None, help="A YAML map of what the customer CSV's columns are (columns: {revenue: ARR}).")
@LANG_OPTION
@batch_options
def assess(inputs: tuple[Path, ...], pack_spec: str | None, fmt: str | None, output: str | None,
           brand_file: Path | None, template_dir: str | None, pdfa: bool, strict: bool = False,
           customers_file: Path | None = None, redact_customers: bool = False, lang: str | None = None,
           columns_file: Path | None = None, **batch: Any) -> None:
    """Assess answers files (or folders of them) against a rule pack and write the reports.

    One file: the report goes to -o. Several files, a folder or --out-dir: a batch
    (see --jobs, --summary); an invalid file is reported and skipped."""
    if len(inputs) > 1 or inputs[0].is_dir() or batch["out_dir"] is not None:
        if customers_file or redact_customers or columns_file:
            raise UsageError("--customers, --columns and --redact-customers take one answers file; in a batch, name "
                             "each "
                             "partner's CSV under customers: in its answers file")
        from playbook.cli.batch import assess_batch

        assess_batch(inputs, pack_spec, fmt, output, brand_file, template_dir, pdfa, batch_strict=strict, lang=lang,
                     **batch)
        return
    single_checks(batch)
    answers = inputs[0]
    from playbook.api import Assessor
    from playbook.report.render import EXTENSIONS, Brand, RenderOptions, load_brand

    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    if fmt is None:
        if suffix and suffix not in EXTENSIONS and suffix not in ("yaml", "yml"):
            raise UsageError(f"cannot tell the format from '.{suffix}': name the file .html, .pdf, .json, .md, .csv or .xlsx, "
                             "or give --format")
        fmt = suffix if suffix in EXTENSIONS else "html"
    elif suffix in EXTENSIONS and suffix != fmt:
        raise UsageError(f"-o {output} says {suffix} but --format says {fmt}; make them agree")
    if batch["baseline"] is not None and batch["baseline"].is_dir():
        raise UsageError(f"--baseline {batch['baseline']} is a folder; for one file give the earlier answers file "
                         "or result JSON")
    from playbook.engine.questionnaire import answer_counts, counts_line

    options = RenderOptions(brand=load_brand(brand_file) if brand_file else Brand(), template_dir=template_dir,
                            pdf_variant="pdf/a-3u" if pdfa else None)
    assessor = Assessor(pack_spec, options, lang, strict=strict)
    from playbook.customers import load_columns_map

    outcome = assessor.outcome(answers, name=display(answers), baseline=batch["baseline"],
                               customers_file=customers_file, redact_customers=redact_customers,
                               columns=load_columns_map(columns_file) if columns_file else None)
    read_as = outcome.assessment.answers.customer_columns if outcome.assessment is not None else None
    if read_as is not None:  # before the figures: what each column of the customer CSV was read as
        from playbook.customers.header import summary

        click.echo(summary(read_as), err=True)
    for w in outcome.warnings:
        click.echo(w.format(), err=True)
    if outcome.refused_for_warnings:
        n = len(outcome.warnings)
        click.echo(f"{n} warning{'s' if n != 1 else ''} and --strict: nothing was written.", err=True)
        raise click.exceptions.Exit(1)
    a = outcome.assessed()
    click.echo(f"{display(answers)}: {counts_line(answer_counts(assessor.pack, a.answers, a.result))}", err=True)
    from playbook.batch import render_for

    payload = render_for(assessor, a, fmt, batch["short"])
    name = f"{answers.stem}-report{EXTENSIONS[fmt]}"
    from playbook import customers

    write_output(output or str(Path.cwd() / name), payload,
                 (answers, *([brand_file] if brand_file else []), *customers.input_files(a.answers),
                  *([batch["baseline"]] if batch["baseline"] else [])), name)

@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE|PACK...")
@PACK_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@STRICT_OPTION
@MESSAGES_LANG_OPTION
def validate(files: tuple[str, ...], pack_spec: str | None, fmt: str, strict: bool, lang: str | None = None) -> None:
    """Check answers files and rule packs (a folder, its pack.yaml, or a bundled
    pack id such as `default`); report every problem."""
    from playbook.api import Assessor
    from playbook.base.resources import bundled_packs
    from playbook.base.suggest import did_you_mean, one_of
    from playbook.engine.questionnaire import answer_counts, counts_line
    from playbook.pack.load import is_pack_path, load_pack
    from playbook.pack.translations import problems_for

    packs = bundled_packs()
    for name in files:  # like test, docs and show, a bundled pack may be named by its id
        if not Path(name).exists() and name not in packs:
            raise UsageError(f"{name}: no such file or folder, and not a bundled pack id"
                             f"{did_you_mean(name, packs)} (bundled packs: {one_of(packs)})")
    problems: list[Problem] = []
    checked: list[str] = []
    counts: dict[str, str] = {}
    assessor: Assessor | None = None
    refused: set[str] = set()  # answers files refused for a problem in another file (their customer CSV)
    for f in _answer_dirs_expanded(tuple(Path(n) for n in files)):
        name = str(f)
        try:
            if not f.exists():
                pk = load_pack(name)
                problems.extend([*pk.warnings, *problems_for(pk)])
            elif is_pack_path(f):
                pk = load_pack(f)
                problems.extend(pk.warnings)
                problems.extend(problems_for(pk))
            else:
                if assessor is None:
                    assessor = Assessor(pack_spec)
                # the one assessment path: validate refuses and warns as assess does
                outcome = assessor.outcome(f, name=display(f))
                problems.extend([*outcome.warnings, *outcome.problems])
                if outcome.assessment is not None:
                    a = outcome.assessment
                    counts[name] = counts_line(answer_counts(assessor.pack, a.answers, a.result))
                elif any(p.severity == "error" or strict for p in outcome.problems):
                    refused.add(name)
            checked.append(name)
        except InvalidInput as exc:
            problems.extend(exc.problems)
    problems.sort()
    errors = problems if strict else [p for p in problems if p.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({"ok": not errors, "checked": checked, "answered": counts,
                               "problems": [p.as_dict() for p in problems]}, indent=2))
    else:
        for p in problems[:MAX_SHOWN]:
            click.echo(p.format(), err=True)
        if len(problems) > MAX_SHOWN:
            click.echo(f"... and {len(problems) - MAX_SHOWN} more; fix these first", err=True)
        for c in checked:
            if c in counts:
                click.echo(f"{c}: {counts[c]}", err=True)
            if c not in refused and not any(p.file.startswith(c.rstrip("/")) for p in errors):
                click.echo(f"{c}: ok")
        if errors:
            from playbook.i18n import message_language, tn, using

            with using(message_language()):  # --lang, else the locale's (files may differ in language)
                click.echo(tn("%(n)s problem (--strict counts warnings).", "%(n)s problems (--strict counts "
                              "warnings).", len(errors)) if strict else
                           tn("%(n)s error.", "%(n)s errors.", len(errors)), err=True)
    if errors:
        raise click.exceptions.Exit(1)


def _answer_dirs_expanded(files: tuple[Path, ...]) -> list[Path]:
    """A folder that is not a pack stands for the answers files in it."""
    from playbook.batch import collect_inputs

    out: list[Path] = []
    for f in files:
        out.extend(collect_inputs([f]) if f.is_dir() and not (f / "pack.yaml").is_file() else [f])
    return out


@cli.command()
@PACK_OPTION
@click.option("-o", "--output", default="answers.yaml", show_default=True, metavar="PATH|-")
@click.option("--force", is_flag=True, help="Overwrite the output file if it exists.")
@click.option("--quick", is_flag=True,
              help="Only the short questionnaire: the milestones that decide the stage and the headline KPIs.")
@click.option("--focus", multiple=True, type=click.Choice(FOCUS_VALUES),
              help="A line of business you sell (repeat for several); questions that cannot apply to "
                   "your focus are left out.")
@click.option("--years", "years", type=click.FloatRange(0, 100), default=None,
              help="Years since you started selling cloud, filled into the template.")
@click.option("--from", "from_old", type=click.Path(dir_okay=False, path_type=Path, exists=True), default=None,
              help="Last year's answers file: carry its answers forward, marking new and changed questions.")
@click.option("--lang", "lang", default=None, metavar="LANG", callback=lang_value,
              help="Write the template in this language (e.g. de), with partner.language set: its numbers "
                   "and dates are then read that language's way (1.200,50).")
def init(pack_spec: str | None, output: str, force: bool, quick: bool, focus: tuple[str, ...],
         years: float | None, from_old: Path | None = None, lang: str | None = None) -> None:
    """Write a commented answers template: every question (the quick ones first, the rest
    under "Deep dive"), or with --quick the short questionnaire only; with --from, last
    year's answers carried forward."""
    from playbook import i18n
    from playbook.answers.template import answers_template
    from playbook.engine.questionnaire import entries, estimate_minutes
    from playbook.pack.load import load_pack

    pack = load_pack(pack_spec)
    if lang and lang != i18n.DEFAULT:
        from playbook.pack.translations import translated

        pack = translated(pack, lang)
    profile = {"focus": list(focus), "years_in_cloud": years} if focus or years is not None else None
    with i18n.using(lang):
        text = answers_template(pack, "answers.schema.json", quick=quick, profile=profile)
    chosen = entries(pack, quick=quick, profile=profile)
    minutes = estimate_minutes(chosen)
    n_q = sum(e.kind == "question" for e in chosen)
    n_deep = sum(not e.quick for e in chosen)
    n_m = len(chosen) - n_q
    what = (f"{len(chosen)} entries ({n_q} question{'s' if n_q != 1 else ''}, "
            f"{n_m} metric{'s' if n_m != 1 else ''})")
    if quick:
        what += ", the quick questionnaire"
    elif n_deep and n_deep < len(chosen):
        what += f", {len(chosen) - n_deep} quick and {n_deep} in the deep dive"
    summary = f"{what}, about {minutes} minutes"
    if from_old is not None:
        from playbook.answers.carry import carry_forward

        text, carried, new, changed = carry_forward(pack, from_old, "answers.schema.json")
        click.echo(f"{from_old}: {carried} answers carried forward, {new} new and {changed} changed "
                   "questions marked", err=True)
    if output == "-":
        _write_stdout(text.encode())
        click.echo(summary, err=True)
        return
    target = Path(output)
    if target.is_dir():
        target = target / "answers.yaml"
    files.write_output(target, text.encode(), inputs=[from_old] if from_old else [], allow_yaml=True,
                       replace=force)
    click.echo(f"{target}: {summary}; fill it in, then run: playbook assess {target}\n"
               f"For autocomplete in your editor, also run: playbook schema --out {target.parent}")


def main() -> None:
    try:
        cli(prog_name="playbook")
    finally:
        # The process ends here. Collecting what a PDF render left behind, some
        # 100,000 objects in cycles, would add a fifth of a second at exit for
        # nothing: the operating system takes the memory back anyway.
        gc.freeze()
