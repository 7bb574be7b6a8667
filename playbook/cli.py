"""The command line. It parses, calls the core and prints; nothing else.

Every PlaybookError is turned into a message and an exit code in one place
(`_Group.invoke`); no traceback reaches the user.
"""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path
from typing import Any

import click

from playbook import __version__
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


def BATCH_OPTIONS(f: Any) -> Any:  # noqa: N802 - used as a decorator
    """The options of many-partner runs (playbook/cli_batch.py holds their code)."""
    from playbook.cli_batch import batch_options

    return batch_options(f)


def _batch_single_checks(batch: dict[str, Any]) -> None:
    from playbook.cli_batch import single_checks

    single_checks(batch)


def _with_baseline(result: Any, pack: Any, old: Path) -> Any:
    from playbook.cli_batch import with_baseline

    return with_baseline(result, pack, old)


def _render_short(result: Any, pack: Any, fmt: str, options: Any) -> bytes:
    from playbook.short import render_short

    return render_short(result, pack, fmt, options)


def _complete_packs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion: bundled pack ids, then folders (a pack may be any folder with pack.yaml)."""
    from click.shell_completion import CompletionItem

    from playbook.resources import bundled_packs

    return [CompletionItem(p) for p in sorted(bundled_packs()) if p.startswith(incomplete)] + \
        [CompletionItem(incomplete, type="dir")]


def _complete_actions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion: the action ids of the pack given so far (or the default pack)."""
    from click.shell_completion import CompletionItem

    from playbook.loader import load_pack

    try:
        pack = load_pack(ctx.params.get("pack_spec"))
    except Exception:  # a half-typed command line: offer nothing rather than fail the shell
        return []
    return [CompletionItem(a.id, help=a.title) for a in pack.actions if a.id.startswith(incomplete)]


PACK_OPTION = click.option("--pack", "pack_spec", default=None, metavar="ID|PATH", shell_complete=_complete_packs,
                           help="Rule pack: a bundled pack id or a folder with pack.yaml (default: default).")


def _display(path: Path) -> str:
    return str(path)


def _write_output(output: str, data: bytes, inputs: tuple[Path, ...] = ()) -> None:
    """Write a generated file atomically, never over an input or a YAML file:
    a slip of `-o` must not destroy an answers file or a pack."""
    from playbook.render import write_atomic

    if output == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    target = Path(output)
    resolved = target.resolve()
    if any(resolved == Path(i).resolve() for i in inputs) or target.suffix.lower() in (".yaml", ".yml"):
        raise UsageError(f"refusing to overwrite {target}: it is an input or a YAML file; choose another -o")
    if target.is_dir():
        raise UsageError(f"cannot write {target}: it is a folder; give a file name")
    if not resolved.parent.is_dir():
        raise UsageError(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise UsageError(f"cannot write {target}: {exc.strerror}") from None
    click.echo(str(target))


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
@BATCH_OPTIONS
def assess(inputs: tuple[Path, ...], pack_spec: str | None, fmt: str | None, output: str | None,
           brand_file: Path | None, template_dir: str | None, pdfa: bool, **batch: Any) -> None:
    """Assess answers files (or folders of them) against a rule pack and write the reports.

    One file: the report goes to -o. Several files, a folder or --out-dir: a batch
    (see --jobs, --summary); an invalid file is reported and skipped."""
    if len(inputs) > 1 or inputs[0].is_dir() or batch["out_dir"] is not None:
        from playbook.cli_batch import assess_batch

        assess_batch(inputs, pack_spec, fmt, output, brand_file, template_dir, pdfa, **batch)
        return
    _batch_single_checks(batch)
    answers = inputs[0]
    from playbook.answers import load_answers
    from playbook.engine import evaluate
    from playbook.loader import load_pack
    from playbook.render import EXTENSIONS, RenderOptions, load_brand, render

    suffix = Path(output).suffix.lower().lstrip(".") if output and output != "-" else ""
    if fmt is None:
        if suffix and suffix not in EXTENSIONS and suffix not in ("yaml", "yml"):
            raise UsageError(f"cannot tell the format from '.{suffix}': name the file .html, .pdf, .json or .md, "
                             "or give --format")
        fmt = suffix if suffix in EXTENSIONS else "html"
    elif suffix in EXTENSIONS and suffix != fmt:
        raise UsageError(f"-o {output} says {suffix} but --format says {fmt}; make them agree")
    pack = load_pack(pack_spec)
    data = load_answers(answers, pack, _display(answers))
    for w in data.warnings:
        click.echo(w.format(), err=True)
    brand = load_brand(brand_file) if brand_file else None
    from playbook.render import Brand
    options = RenderOptions(brand=brand or Brand(), template_dir=template_dir,
                            pdf_variant="pdf/a-3u" if pdfa else None)
    result = evaluate(pack, data)
    if batch["baseline"] is not None:
        result = _with_baseline(result, pack, batch["baseline"])
    payload = _render_short(result, pack, fmt, options) if batch["short"] else render(result, pack, fmt, options)
    target = output or str(Path.cwd() / f"{answers.stem}-report{EXTENSIONS[fmt]}")
    _write_output(target, payload, (answers, *([brand_file] if brand_file else [])))


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@PACK_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def validate(files: tuple[Path, ...], pack_spec: str | None, fmt: str) -> None:
    """Check answers files and rule packs (a folder or its pack.yaml); report every problem."""
    from playbook.answers import load_answers
    from playbook.loader import is_pack_path, load_pack

    problems: list[Problem] = []
    checked: list[str] = []
    answer_pack = None
    for f in _answer_dirs_expanded(files):
        try:
            if is_pack_path(f):
                pk = load_pack(f)
                problems.extend(pk.warnings)
            else:
                if answer_pack is None:
                    answer_pack = load_pack(pack_spec)
                problems.extend(load_answers(f, answer_pack, _display(f)).warnings)
            checked.append(str(f))
        except InvalidInput as exc:
            problems.extend(exc.problems)
    problems.sort()
    errors = [p for p in problems if p.severity == "error"]
    if fmt == "json":
        click.echo(json.dumps({"ok": not errors, "checked": checked,
                               "problems": [p.as_dict() for p in problems]}, indent=2))
    else:
        for p in problems[:MAX_SHOWN]:
            click.echo(p.format(), err=True)
        if len(problems) > MAX_SHOWN:
            click.echo(f"... and {len(problems) - MAX_SHOWN} more; fix these first", err=True)
        for c in checked:
            if not any(p.file.startswith(c.rstrip("/")) and p.severity == "error" for p in problems):
                click.echo(f"{c}: ok")
        if errors:
            click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''}.", err=True)
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
@click.option("--from", "from_old", type=click.Path(dir_okay=False, path_type=Path, exists=True), default=None,
              help="Last year's answers file: carry its answers forward, marking new and changed questions.")
def init(pack_spec: str | None, output: str, force: bool, from_old: Path | None = None) -> None:
    """Write a commented answers template listing every question."""
    from playbook.init_template import answers_template
    from playbook.loader import load_pack
    from playbook.render import write_atomic

    pack = load_pack(pack_spec)
    text = answers_template(pack, "answers.schema.json")
    if from_old is not None:
        from playbook.carry import carry_forward

        text, carried, new, changed = carry_forward(pack, from_old, "answers.schema.json")
        click.echo(f"{from_old}: {carried} answers carried forward, {new} new and {changed} changed "
                   "questions marked", err=True)
    if output == "-":
        click.echo(text, nl=False)
        return
    target = Path(output)
    if target.exists() and not force:
        raise UsageError(f"{target} already exists; choose another -o or add --force to overwrite it")
    write_atomic(target, text.encode())
    click.echo(f"{target}: {len(pack.questions)} questions; fill it in, then run: playbook assess {target}\n"
               f"For autocomplete in your editor, also run: playbook schema --out {target.parent}")


@cli.command()
@PACK_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the schemas into (default: print the answers schema).")
def schema(pack_spec: str | None, out_dir: Path | None) -> None:
    """Write the JSON Schemas for pack files, answers files and results."""
    from playbook.loader import load_pack
    from playbook.render import write_atomic
    from playbook.schema import all_schemas, dumps

    schemas = all_schemas(load_pack(pack_spec))
    if out_dir is None:
        click.echo(dumps(schemas["answers.schema.json"]), nl=False)
        return
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, s in schemas.items():
        write_atomic(out_dir / name, dumps(s).encode())
        click.echo(str(out_dir / name))


@cli.command("test")
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--coverage", "show_coverage", is_flag=True,
              help="List actions never seen both firing and not firing.")
@click.option("-v", "--verbose", is_flag=True, help="Name every case, not only failures.")
def test_cmd(pack_path: str, show_coverage: bool, verbose: bool) -> None:
    """Run the test cases kept in PACK/tests/*.yaml."""
    from playbook.loader import load_pack
    from playbook.packtest import coverage, load_cases, run_case, trace

    pack = load_pack(pack_path)
    cases = load_cases(pack)
    if not cases:
        raise UsageError(f"{pack.root}: no test cases in tests/*.yaml; zero cases is not a pass")
    results = [run_case(pack, c) for c in cases]
    failed = [r for r in results if not r.ok]
    for r in results:
        if r.ok and verbose:
            click.echo(f"PASS {r.case.file}:{r.case.line}: {r.case.name}")
        if not r.ok:
            click.echo(f"FAIL {r.case.file}:{r.case.line}: {r.case.name}")
            for f in r.failures:
                click.echo(f"  - {f}")
            if r.result is not None:
                click.echo("  trace:")
                for line in trace(pack, r.result, r.failures):
                    click.echo("  " + line)
    if show_coverage:
        missing = coverage(pack, results)
        click.echo(f"coverage: {len(pack.actions) - len(missing)} of {len(pack.actions)} actions seen both "
                   "firing and not firing")
        for aid in missing:
            click.echo(f"  not covered: {aid}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise click.exceptions.Exit(1)


@cli.command()
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path, exists=True))
@PACK_OPTION
@click.option("--action", "action_id", default=None, metavar="ID", shell_complete=_complete_actions,
              help="Explain only this action.")
def explain(answers: Path, pack_spec: str | None, action_id: str | None) -> None:
    """Show, for each action, why it fired or did not: every condition, the value seen, the result."""
    from playbook.answers import load_answers
    from playbook.engine import evaluate
    from playbook.explain import explain as trace
    from playbook.loader import load_pack
    from playbook.suggest import did_you_mean

    pack = load_pack(pack_spec)
    data = load_answers(answers, pack, _display(answers))
    ids = [a.id for a in pack.actions]
    if action_id and action_id not in ids:
        raise UsageError(f"unknown action {action_id!r}{did_you_mean(action_id, ids)}")
    result = evaluate(pack, data)
    states = {s.id: s.state for s in result.actions}
    for line in trace(pack, data, states, action_id):
        click.echo(line)


@cli.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default="md")
@click.option("-o", "--output", default="-", metavar="PATH|-", show_default=True)
def docs(pack_path: str, fmt: str, output: str) -> None:
    """Render a catalog of PACK: stages, questions, metrics, benchmarks, actions in plain words."""
    from playbook.catalog import render_catalog
    from playbook.loader import load_pack

    _write_output(output, render_catalog(load_pack(pack_path), fmt).encode())


@cli.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("-o", "--output", default="-", metavar="PATH|-", show_default=True)
def coverage(pack_path: str, output: str) -> None:
    """Write the guide-coverage table of PACK: each cited guide section and the items encoding it."""
    from playbook.catalog import coverage_markdown
    from playbook.loader import load_pack

    _write_output(output, coverage_markdown(load_pack(pack_path)).encode())


@cli.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--resolved", is_flag=True, help="Print the pack as it will be evaluated (after extends).")
def show(pack_path: str, resolved: bool) -> None:
    """Print PACK: its files as written, or with --resolved as one YAML document
    with every layer merged, overrides applied and disabled items left out."""
    from playbook.loader import load_pack, resolve_pack_dir, resolved_yaml

    if resolved:
        click.echo(resolved_yaml(pack_path), nl=False)
        return
    load_pack(pack_path)  # the same validation as everywhere: a broken pack is reported, not printed
    root = resolve_pack_dir(pack_path)
    for f in [root / "pack.yaml", *sorted(p for p in root.glob("*.yaml") if p.name != "pack.yaml")]:
        click.echo(f"# ---- {f.name} ----")
        click.echo(f.read_text(encoding="utf-8"), nl=False)


from playbook.cli_batch import portfolio_cmd  # noqa: E402 - the command lives with the batch code

cli.add_command(portfolio_cmd)


def main() -> None:
    try:
        cli(prog_name="playbook")
    finally:
        # The process ends here. Collecting what a PDF render left behind, some
        # 100,000 objects in cycles, would add a fifth of a second at exit for
        # nothing: the operating system takes the memory back anyway.
        gc.freeze()
