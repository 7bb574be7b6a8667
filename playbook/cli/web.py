"""The CLI side of the self-assessment in the browser (issue 12): `form`, `serve`.
It parses and prints; the work is in form.py and web.py. Kept apart from cli.py so
that module stays small; playbook/cli/__init__.py registers its COMMANDS.
"""

from __future__ import annotations

from pathlib import Path

import click

from playbook.cli.output import PACK_OPTION, display, lang_value, write_output
from playbook.errors import UsageError


@click.command()
@PACK_OPTION
@click.option("--quick/--full", default=True, show_default=True,
              help="The quick questionnaire (the questions that decide the stage) or every question.")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False, path_type=Path, exists=True), default=None,
              help="Prefill the form from an earlier answers file (e.g. last year's, for review).")
@click.option("-o", "--output", default="questionnaire.html", show_default=True, metavar="PATH|-")
@click.option("--lang", "lang", default=None, metavar="LANG", callback=lang_value,
              help="The questionnaire's language (e.g. de); the saved answers say so in partner.language, "
                   "and numbers are typed that language's way (1.200,50).")
def form(pack_spec: str | None, quick: bool, answers_file: Path | None, output: str, lang: str | None) -> None:
    """Write the questionnaire as one self-contained HTML file to send to a partner."""
    from playbook import i18n
    from playbook.pack.load import load_pack
    from playbook.report.form import form_html, prefill

    pack = load_pack(pack_spec)
    if answers_file and lang is None:  # last year's file in German: this year's form too
        file_lang = prefill(answers_file, pack, display(answers_file))[1]
        lang = file_lang if file_lang in i18n.languages() else None
    with i18n.using(lang):
        state = prefill(answers_file, pack, display(answers_file))[0] if answers_file else None
        if lang and lang != i18n.DEFAULT:
            from playbook.pack.translations import translated

            pack = translated(pack, lang)
        page = form_html(pack, quick=quick, state=state)
    write_output(output, page, (answers_file,) if answers_file else ())


@click.command()
@PACK_OPTION
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on. Anything but loopback exposes the app, which has no authentication.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--quick/--full", default=True, show_default=True, help="Which questionnaire the app serves.")
@click.option("--lang", "lang", default=None, metavar="LANG", callback=lang_value,
              help="The questionnaire's and the reports' language (e.g. de).")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Server processes, each with the pack loaded once (default: one per core). A report is "
                   "CPU work: one process makes one at a time.")
def serve(pack_spec: str | None, host: str, port: int, quick: bool, lang: str | None, workers: int | None) -> None:
    """Serve the questionnaire; a submitted form is answered with the report (nothing is stored)."""
    from playbook.pack.load import load_pack

    try:
        from playbook.web import is_loopback, run
    except ImportError as exc:
        raise UsageError(f"playbook serve needs the web extra ({exc.name} is missing): "
                         "pip install 'playbook-assess[web]'") from None

    pack = load_pack(pack_spec)
    if not is_loopback(host):
        click.echo(f"warning: listening on {host}: playbook serve has no authentication of its own; anyone who "
                   "can reach this address can use it. Put it behind a reverse proxy with authentication "
                   "(see the README, 'Self-assessment in the browser').", err=True)
    run(pack, host=host, port=port, quick=quick, lang=lang, pack_spec=pack_spec, workers=workers)


COMMANDS = (form, serve)
