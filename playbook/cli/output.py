"""What every command module of the CLI shares: the common options and the
output helpers. Command modules (main, authoring, web, batch) import from here
and never from each other; playbook/cli/__init__.py registers their commands.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import click

from playbook.base import files
from playbook.errors import UsageError


def complete_packs(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion: bundled pack ids, then folders (a pack may be any folder with pack.yaml)."""
    from click.shell_completion import CompletionItem

    from playbook.base.resources import bundled_packs

    return [CompletionItem(p) for p in sorted(bundled_packs()) if p.startswith(incomplete)] + \
        [CompletionItem(incomplete, type="dir")]


def complete_actions(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    """Shell completion: the action ids of the pack given so far (or the default pack)."""
    from click.shell_completion import CompletionItem

    from playbook.pack.load import load_pack

    try:
        pack = load_pack(ctx.params.get("pack_spec"))
    except Exception:  # a half-typed command line: offer nothing rather than fail the shell
        return []
    return [CompletionItem(a.id, help=a.title) for a in pack.actions if a.id.startswith(incomplete)]


PACK_OPTION = click.option("--pack", "pack_spec", default=None, metavar="ID|PATH", shell_complete=complete_packs,
                           help="Rule pack: a bundled pack id or a folder with pack.yaml (default: default).")


def lang_value(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    from playbook.i18n import ask_messages, resolve_language

    lang = resolve_language(value)
    ask_messages(lang)  # the messages about the input follow --lang too
    return lang


LANG_OPTION = click.option(
    "--lang", "lang", default=None, metavar="LANG", callback=lang_value,
    help="Language of the report, e.g. de (default: the answers file's partner.language, else English). "
         "Numbers in the answers file are read as its partner.language writes them, whatever the report's language.")

MESSAGES_LANG_OPTION = click.option(
    "--lang", "lang", default=None, metavar="LANG", callback=lang_value,
    help="Language of the messages, e.g. de (default: the answers file's partner.language, else the "
         "environment's locale (LANG), else English).")

STRICT_OPTION = click.option("--strict", is_flag=True,
                             help="Treat warnings as errors: exit 1 if there are any (for scripts and CI).")


def batch_options(f: Callable[..., Any]) -> Callable[..., Any]:
    """The options of many-partner runs (playbook/cli/batch.py holds their code)."""
    opts = [
        click.option("--out-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Write one report per answers file into this folder (<stem>-report.<ext>)."),
        click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
                     help="Worker processes for a batch (default: the CPU count)."),
        click.option("--summary", "summary", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Also write the batch summary to summary.csv or summary.json."),
        click.option("--baseline", type=click.Path(path_type=Path, exists=True), default=None,
                     help="The earlier assessment (answers file or result JSON) to compare with; "
                          "for a batch, a folder holding them under the same file names."),
        click.option("--scheduler", default=None, metavar="ADDRESS",
                     help="Run the batch on a Dask cluster (tcp://host:8786); needs playbook[dask]."),
        click.option("--short", is_flag=True, help="An executive report (at most 6 PDF pages)."),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def single_checks(batch: dict[str, Any]) -> None:
    """The batch options that mean nothing for one file."""
    for opt in ("jobs", "summary", "scheduler"):
        if batch.get(opt) is not None:
            raise UsageError(f"--{opt} is for a batch: give several files, a folder, or --out-dir")


def display(path: Path) -> str:
    return str(path)


def write_output(output: str, data: bytes, inputs: Iterable[Path] = (), default_name: str | None = None) -> None:
    """Write a generated file through the one writer (never over an input, a YAML
    file or anything that is not a regular file) and print where it went; '-' is
    standard output. A folder gets `default_name` inside it."""
    if output == "-":
        files.write_stdout(data)
        return
    target = Path(output)
    if default_name and (target.is_dir() or output.endswith(("/", os.sep))):
        if not target.is_dir():
            raise UsageError(f"cannot write into {output}: no such folder; create it first or choose another -o")
        target = target / default_name
    files.write_output(target, data, inputs=inputs)
    click.echo(str(target))


write_stdout = files.write_stdout
