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
from playbook.base.operators import FOCUS_VALUES
from playbook.errors import InvalidInput, PlaybookError, Problem, UsageError

EXIT_INTERNAL = 70
MAX_SHOWN = 200  # past this, more lines only bury the first mistakes


class _Group(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
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
            import os

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
        n = sum(p.severity == "error" for p in exc.problems)
        click.echo(f"{n} error{'s' if n != 1 else ''}; nothing was written.", err=True)
    elif isinstance(exc, UsageError):
        click.echo(f"usage error: {exc}", err=True)
    else:
        click.echo(f"error: {exc}", err=True)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="playbook")
def cli() -> None:
    """Turn partner guidance (YAML rule packs) into a Start / Grow / Optimize action plan."""


def BATCH_OPTIONS(f: Any) -> Any:
    """The options of many-partner runs (playbook/cli/batch.py holds their code)."""
    from playbook.cli.batch import batch_options

    return batch_options(f)


def _batch_single_checks(batch: dict[str, Any]) -> None:
    from playbook.cli.batch import single_checks

    single_checks(batch)


def _complete_packs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion: bundled pack ids, then folders (a pack may be any folder with pack.yaml)."""
    from click.shell_completion import CompletionItem

    from playbook.base.resources import bundled_packs

    return [CompletionItem(p) for p in sorted(bundled_packs()) if p.startswith(incomplete)] + \
        [CompletionItem(incomplete, type="dir")]


def _complete_actions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion: the action ids of the pack given so far (or the default pack)."""
    from click.shell_completion import CompletionItem

    from playbook.pack.load import load_pack

    try:
        pack = load_pack(ctx.params.get("pack_spec"))
    except Exception:  # a half-typed command line: offer nothing rather than fail the shell
        return []
    return [CompletionItem(a.id, help=a.title) for a in pack.actions if a.id.startswith(incomplete)]


PACK_OPTION = click.option("--pack", "pack_spec", default=None, metavar="ID|PATH", shell_complete=_complete_packs,
                           help="Rule pack: a bundled pack id or a folder with pack.yaml (default: default).")


def _display(path: Path) -> str:
    return str(path)


def _write_output(output: str, data: bytes, inputs: tuple[Path, ...] = (), default_name: str | None = None) -> None:
    """Write a generated file atomically, never over an input, a YAML file or
    anything that is not a regular file: a slip of `-o` must not destroy an
    answers file, a pack or a device. A folder gets `default_name` inside it."""
    if output == "-":
        _write_stdout(data)
        return
    target = Path(output)
    if default_name and (target.is_dir() or output.endswith(("/", os.sep))):
        if not target.is_dir():
            raise UsageError(f"cannot write into {output}: no such folder")
        target = target / default_name
    # the checks look at what would really be replaced: a symlink's target
    resolved = target.resolve()
    if (any(resolved == Path(i).resolve() for i in inputs)
            or {target.suffix.lower(), resolved.suffix.lower()} & {".yaml", ".yml"}):
        shown = target if resolved == target.absolute() else f"{target} (-> {resolved})"
        raise UsageError(f"refusing to overwrite {shown}: it is an input or a YAML file; choose another -o")
    _write_file(target, data)
    click.echo(str(target))


def _write_file(target: Path, data: bytes) -> None:
    """write_atomic with every file-system failure as a plain usage error (exit 2)."""
    from playbook.report.render import write_atomic

    resolved = target.resolve()
    if resolved.is_dir():
        raise UsageError(f"cannot write {target}: it is a folder; give a file name")
    if os.path.lexists(resolved) and not resolved.is_file():
        raise UsageError(f"refusing to replace {target}: it is not a regular file (a FIFO, device or socket); "
                         "choose another -o")
    if not resolved.parent.is_dir():
        raise UsageError(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        write_atomic(resolved, data)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror or exc}") from None


def _write_stdout(data: bytes) -> None:
    try:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as exc:
        # nothing more can reach this stdout; keep Python's exit-time flush from failing again
        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):
            pass
        raise UsageError(f"cannot write the report to standard output: {exc.strerror or exc}") from None


def _lang_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from playbook.i18n import resolve_language

    return resolve_language(value)


LANG_OPTION = click.option(
    "--lang", "lang", default=None, metavar="LANG", callback=_lang_value,
    help="Language of the report, e.g. de (default: the answers file's partner.language, else English). "
         "Numbers in the answers file are read as its partner.language writes them, whatever the report's language.")

STRICT_OPTION = click.option("--strict", is_flag=True,
                             help="Treat warnings as errors: exit 1 if there are any (for scripts and CI).")


@cli.command()
@click.argument("inputs", metavar="FILE|DIR...", nargs=-1, required=True,
                type=click.Path(path_type=Path, exists=True))
@PACK_OPTION
@click.option("--format", "fmt", type=click.Choice(["html", "pdf", "json", "md"]), default=None,
              help="Report format (default: from the -o extension, else html).")
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
@BATCH_OPTIONS
def assess(inputs: tuple[Path, ...], pack_spec: str | None, fmt: str | None, output: str | None,
           brand_file: Path | None, template_dir: str | None, pdfa: bool, strict: bool = False,
           customers_file: Path | None = None, redact_customers: bool = False, lang: str | None = None,
           columns_file: Path | None = None, **batch: Any) -> None:
    """Assess answers files (or folders of them) against a rule pack and write the reports.

    One file: the report goes to -o. Several files, a folder or --out-dir: a batch
    (see --jobs, --summary); an invalid file is reported and skipped."""
    if len(inputs) > 1 or inputs[0].is_dir() or batch["out_dir"] is not None:
        if customers_file or redact_customers or columns_file:
            raise UsageError("--customers, --columns and --redact-customers take one answers file; in a batch, name each "
                             "partner's CSV under customers: in its answers file")
        from playbook.cli.batch import assess_batch

        assess_batch(inputs, pack_spec, fmt, output, brand_file, template_dir, pdfa, batch_strict=strict, lang=lang,
                     **batch)
        return
    _batch_single_checks(batch)
    answers = inputs[0]
    from playbook.answers.check import load_answers
    from playbook.engine.evaluation import evaluate
    from playbook.pack.load import load_pack
    from playbook.report.render import EXTENSIONS, RenderOptions, load_brand, render

    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    if fmt is None:
        if suffix and suffix not in EXTENSIONS and suffix not in ("yaml", "yml"):
            raise UsageError(f"cannot tell the format from '.{suffix}': name the file .html, .pdf, .json or .md, "
                             "or give --format")
        fmt = suffix if suffix in EXTENSIONS else "html"
    elif suffix in EXTENSIONS and suffix != fmt:
        raise UsageError(f"-o {output} says {suffix} but --format says {fmt}; make them agree")
    from playbook.engine.questionnaire import answer_counts, counts_line, nothing_answered

    pack = load_pack(pack_spec)
    from playbook import customers
    columns = customers.load_columns_map(columns_file) if columns_file else None
    data = load_answers(answers, pack, _display(answers), columns=columns)
    if customers_file or redact_customers:
        data = customers.load_customers_option(data, customers_file, pack, columns) if customers_file else data
        data = customers.redact(data) if redact_customers else data
    if data.customer_columns is not None:  # before the figures: what each column was read as
        from playbook.customers.header import summary

        click.echo(summary(data.customer_columns), err=True)
    warnings = [*pack.warnings, *data.warnings] if strict else list(data.warnings)
    for w in warnings:
        click.echo(w.format(), err=True)
    if strict and warnings:
        click.echo(f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''} and --strict: nothing was written.",
                   err=True)
        raise click.exceptions.Exit(1)
    empty = nothing_answered(data)
    if empty is not None:
        raise InvalidInput([empty])
    brand = load_brand(brand_file) if brand_file else None
    from playbook.report.render import Brand
    options = RenderOptions(brand=brand or Brand(), template_dir=template_dir,
                            pdf_variant="pdf/a-3u" if pdfa else None)
    result = evaluate(pack, data, lang)
    for text in result.customer_base.warnings if result.customer_base else ():
        click.echo(f"{data.file}: warning: {text} [customer-metrics]", err=True)
    click.echo(f"{_display(answers)}: {counts_line(answer_counts(pack, data, result))}", err=True)
    if batch["baseline"] is not None:
        from playbook.cli.batch import with_baseline

        result = with_baseline(result, pack, batch["baseline"])
    if batch["short"]:
        from playbook.report.short import render_short

        payload = render_short(result, pack, fmt, options)
    else:
        payload = render(result, pack, fmt, options)
    name = f"{answers.stem}-report{EXTENSIONS[fmt]}"
    _write_output(output or str(Path.cwd() / name), payload,
                  (answers, *([brand_file] if brand_file else []), *customers.input_files(data)), name)


@cli.command()
@click.argument("files", nargs=-1, required=True, metavar="FILE|PACK...")
@PACK_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@STRICT_OPTION
def validate(files: tuple[str, ...], pack_spec: str | None, fmt: str, strict: bool) -> None:
    """Check answers files and rule packs (a folder, its pack.yaml, or a bundled
    pack id such as `default`); report every problem."""
    from playbook.answers.check import load_answers
    from playbook.base.resources import bundled_packs
    from playbook.base.suggest import did_you_mean, one_of
    from playbook.engine.evaluation import evaluate
    from playbook.engine.questionnaire import answer_counts, counts_line, nothing_answered
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
    answer_pack = None
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
                if answer_pack is None:
                    answer_pack = load_pack(pack_spec)
                data = load_answers(f, answer_pack, _display(f))
                problems.extend(data.warnings)
                empty = nothing_answered(data)
                if empty is not None:
                    problems.append(empty)
                else:
                    counts[name] = counts_line(answer_counts(answer_pack, data, evaluate(answer_pack, data)))
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
            if not any(p.file.startswith(c.rstrip("/")) for p in errors):
                click.echo(f"{c}: ok")
        if errors:
            kind = "problem" if strict else "error"
            click.echo(f"{len(errors)} {kind}{'s' if len(errors) != 1 else ''}"
                       f"{' (--strict counts warnings)' if strict else ''}.", err=True)
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
@click.option("--lang", "lang", default=None, metavar="LANG", callback=_lang_value,
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
    if os.path.lexists(target) and not force:
        raise UsageError(f"{target} already exists; choose another -o or add --force to overwrite it")
    _write_file(target, text.encode())
    click.echo(f"{target}: {summary}; fill it in, then run: playbook assess {target}\n"
               f"For autocomplete in your editor, also run: playbook schema --out {target.parent}")


# The command groups kept in their own modules (so this one stays small). Importing
# cli_authoring and cli_web registers their commands on `cli`; they import the
# group and the shared options above, hence the imports at the end.
from playbook.cli import authoring as cli_authoring  # noqa: E402,F401
from playbook.cli import web as cli_web  # noqa: E402,F401
from playbook.cli.batch import portfolio_cmd  # noqa: E402 - the command lives with the batch code

cli.add_command(portfolio_cmd)


def main() -> None:
    try:
        cli(prog_name="playbook")
    finally:
        # The process ends here. Collecting what a PDF render left behind, some
        # 100,000 objects in cycles, would add a fifth of a second at exit for
        # nothing: the operating system takes the memory back anyway.
        gc.freeze()
