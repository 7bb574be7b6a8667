"""The CLI side of pack authoring: `schema`, `test`, `explain`, `docs`, `coverage`,
`show`, `translate`. It parses and prints; the work is in schema.py, packtest.py,
explain.py, catalog.py, loader.py and packtrans.py. Kept apart from cli.py so that
module stays small; playbook/cli/__init__.py registers its COMMANDS.
"""

from __future__ import annotations

from pathlib import Path

import click

from playbook.base import files
from playbook.cli.output import PACK_OPTION, complete_actions, display, write_output, write_stdout
from playbook.errors import UsageError


@click.command()
@PACK_OPTION
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder to write the schemas into (default: print the answers schema).")
def schema(pack_spec: str | None, out_dir: Path | None) -> None:
    """Write the JSON Schemas for pack files, answers files and results."""
    from playbook.pack.load import load_pack
    from playbook.pack.schema import all_schemas, dumps
    from playbook.pack.translations import choice_labels

    pack = load_pack(pack_spec)
    schemas = all_schemas(pack, choice_labels(pack))  # a choice may be answered in a translation's words
    if out_dir is None:
        write_stdout(dumps(schemas["answers.schema.json"]).encode())
        return
    files.make_folder(out_dir)
    for name, s in schemas.items():
        files.write_output(out_dir / name, dumps(s).encode())
        click.echo(str(out_dir / name))


@click.command("test")
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--coverage", "show_coverage", is_flag=True,
              help="List actions never seen both firing and not firing.")
@click.option("-v", "--verbose", is_flag=True, help="Name every case, not only failures.")
def test_cmd(pack_path: str, show_coverage: bool, verbose: bool) -> None:
    """Run the test cases kept in PACK/tests/*.yaml."""
    from playbook.answers.cases import coverage, load_cases, run_case, trace
    from playbook.pack.load import load_pack

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


@click.command()
@click.argument("answers", type=click.Path(dir_okay=False, path_type=Path, exists=True))
@PACK_OPTION
@click.option("--action", "action_id", default=None, metavar="ID", shell_complete=complete_actions,
              help="Trace this action condition by condition (default: a summary of every action).")
def explain(answers: Path, pack_spec: str | None, action_id: str | None) -> None:
    """Show, for each action, why it fired or did not: every condition, the value seen, the result."""
    from playbook.answers.check import load_answers
    from playbook.base.suggest import did_you_mean
    from playbook.engine.evaluation import evaluate
    from playbook.engine.explain import explain as trace
    from playbook.engine.explain import summary
    from playbook.pack.load import load_pack

    pack = load_pack(pack_spec)
    data = load_answers(answers, pack, display(answers))
    ids = [a.id for a in pack.actions]
    if action_id and action_id not in ids:
        raise UsageError(f"unknown action {action_id!r}{did_you_mean(action_id, ids)}")
    result = evaluate(pack, data)
    if action_id is None:
        for line in summary(pack, result):
            click.echo(line)
        return
    states = {s.id: s.state for s in result.actions}
    for line in trace(pack, data, states, action_id):
        click.echo(line)


@click.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--format", "fmt", type=click.Choice(["md", "html"]), default=None,
              help="md or html (default: from the -o extension, else md).")
@click.option("-o", "--output", default="-", metavar="PATH|-", show_default=True)
def docs(pack_path: str, fmt: str | None, output: str) -> None:
    """Render a catalog of PACK: stages, questions, metrics, benchmarks, actions in plain words."""
    from playbook.pack.load import load_pack
    from playbook.report.catalog import render_catalog

    suffix = Path(output).suffix.lower().lstrip(".") if output != "-" else ""
    by_name = {"md": "md", "markdown": "md", "html": "html", "htm": "html"}.get(suffix)
    if fmt is None:
        fmt = by_name or "md"
    elif by_name and by_name != fmt:
        raise UsageError(f"-o {output} says {by_name} but --format says {fmt}; make them agree")
    write_output(output, render_catalog(load_pack(pack_path), fmt).encode())


@click.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("-o", "--output", default="-", metavar="PATH|-", show_default=True)
def coverage(pack_path: str, output: str) -> None:
    """Write the guide-coverage table of PACK: each cited guide section and the items encoding it."""
    from playbook.pack.load import load_pack
    from playbook.report.catalog import coverage_markdown

    write_output(output, coverage_markdown(load_pack(pack_path)).encode())


@click.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--resolved", is_flag=True, help="Print the pack as it will be evaluated (after extends).")
def show(pack_path: str, resolved: bool) -> None:
    """Print PACK: its files as written, or with --resolved as one YAML document
    with every layer merged, overrides applied and disabled items left out."""
    from playbook.pack.load import load_pack, resolve_pack_dir, resolved_yaml

    if resolved:
        click.echo(resolved_yaml(pack_path), nl=False)
        return
    load_pack(pack_path)  # the same validation as everywhere: a broken pack is reported, not printed
    root = resolve_pack_dir(pack_path)
    for f in [root / "pack.yaml", *sorted(p for p in root.glob("*.yaml") if p.name != "pack.yaml")]:
        click.echo(f"# ---- {f.name} ----")
        click.echo(f.read_text(encoding="utf-8"), nl=False)


@click.command()
@click.argument("pack_path", metavar="PACK", default="default")
@click.option("--lang", "lang", required=True, metavar="LANG", help="Language to translate into, e.g. de.")
@click.option("-o", "--output", default="-", metavar="PATH|-", show_default=True)
def translate(pack_path: str, lang: str, output: str) -> None:
    """Write the translation entries PACK still lacks for LANG (English text
    to replace, with the digest that lets validate notice later edits)."""
    from playbook.i18n import language_tag
    from playbook.pack.load import load_pack
    from playbook.pack.translations import skeleton

    text = skeleton(load_pack(pack_path), language_tag(lang))
    if output == "-":
        click.echo(text, nl=False)
        return
    write_output(output, text.encode())


COMMANDS = (schema, test_cmd, explain, docs, coverage, show, translate)
