"""The message catalogs' upkeep: which sentences the code and templates
write, and which of them a language's `.po` file still lacks.

Babel extracts the messages (its Python and JavaScript extractors, and
Jinja's for the templates) and merges them into the `.po` files, so nothing
here parses code by hand. For maintainers and the tests:

    python -m playbook.i18n.catalogs update de    # add new messages to de's .po, mark changed ones fuzzy
    python -m playbook.i18n.catalogs check de     # list what is untranslated or fuzzy; exit 1 if any
    python -m playbook.i18n.catalogs compile de   # write the .mo the package reads (update does it too)
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playbook.base.resources import data_dir
from playbook.i18n import LOCALE_DIR

PACKAGE = Path(__file__).resolve().parents[1]  # playbook/

# The templates whose words reach a partner: the report in every format, its
# customer and baseline sections, the short report and the questionnaire.
# The catalog and portfolio pages are for pack authors and consultants and
# stay English for now.
TEMPLATES = ("report.html.j2", "macros.html.j2", "report.md.j2", "report-short.html.j2", "report.css",
             "customers.html.j2", "customers.md.j2", "baseline.html.j2", "baseline.md.j2", "form.html.j2")
PY_KEYWORDS: dict[str, Any] = {"t": None, "tn": (1, 2), "N_": None, "_t": (2,)}


def _python_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "catalogs.py")


def messages() -> Iterator[tuple[str | tuple[str, ...], str, int]]:
    """Every message: (msgid or (singular, plural), file, line)."""
    from babel.messages.extract import extract_from_file

    templates = data_dir("templates")
    jinja = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true",
             "newstyle_gettext": "true"}
    for name in TEMPLATES:
        for lineno, msg, _c, _x in extract_from_file("jinja2.ext:babel_extract", str(templates / name),
                                                       options=jinja):
            yield msg, f"templates/{name}", lineno
    for lineno, msg, _c, _x in extract_from_file("javascript", str(templates / "form.js"), keywords={"T": None}):
        yield msg, "templates/form.js", lineno
    for path in _python_files():
        for lineno, msg, _c, _x in extract_from_file("python", str(path), keywords=PY_KEYWORDS):
            yield msg, str(path.relative_to(PACKAGE.parent)), lineno


def template_catalog() -> Any:
    from babel.messages.catalog import Catalog

    cat = Catalog(project="playbook", charset="utf-8")
    for msg, file, line in messages():
        cat.add(msg, locations=[(file, line)])
    return cat


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / "playbook.po"


def read(lang: str) -> Any:
    from babel.messages.pofile import read_po

    path = po_path(lang)
    if not path.is_file():
        from babel.messages.catalog import Catalog

        return Catalog(locale=lang, project="playbook", charset="utf-8")
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def update(lang: str) -> Path:
    """Merge the current messages into `lang`'s `.po`: new ones empty, changed
    ones fuzzy (Babel's matching), gone ones kept as obsolete comments."""
    from babel.messages.pofile import write_po

    cat = read(lang)
    cat.update(template_catalog(), no_fuzzy_matching=False)
    path = po_path(lang)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".po.tmp")
    with tmp.open("wb") as fh:
        write_po(fh, cat, width=100, sort_output=False, include_previous=True, omit_header=False)
    tmp.replace(path)
    compile_mo(lang)
    return path


def mo_path(lang: str) -> Path:
    return po_path(lang).with_suffix(".mo")


def compile_mo(lang: str) -> Path:
    """Write `lang`'s compiled catalog, which the package ships and reads."""
    from playbook.i18n import compile_po

    path = mo_path(lang)
    tmp = path.with_suffix(".mo.tmp")
    tmp.write_bytes(compile_po(po_path(lang), lang))
    tmp.replace(path)
    return path


def stale_mo(lang: str) -> bool:
    """True when the shipped `.mo` does not hold what the `.po` says."""
    from playbook.i18n import compile_po

    path = mo_path(lang)
    return not path.is_file() or path.read_bytes() != compile_po(po_path(lang), lang)


def untranslated(lang: str) -> list[str]:
    """Every message the code or templates write that `lang` does not translate
    (missing, empty or fuzzy), with where it is written."""
    cat = read(lang)
    out = []
    seen: set[Any] = set()
    for msg, file, line in messages():
        key = msg[0] if isinstance(msg, tuple) else msg
        if key in seen:
            continue
        seen.add(key)
        m = cat.get(key)
        strings = m.string if m is not None else None
        done = m is not None and not m.fuzzy and (all(strings) if isinstance(strings, (tuple, list))
                                                   else bool(strings))
        if not done:
            out.append(f"{file}:{line}: {key!r}" + (" (fuzzy)" if m is not None and m.fuzzy else ""))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in ("update", "check", "compile"):
        print(__doc__.strip().splitlines()[-2].strip(), file=sys.stderr)
        print("usage: python -m playbook.i18n.catalogs update|check|compile LANG", file=sys.stderr)
        return 2
    cmd, lang = argv
    if cmd == "update":
        print(update(lang))
        return 0
    if cmd == "compile":
        print(compile_mo(lang))
        return 0
    missing = untranslated(lang)
    for line in missing:
        print(line)
    print(f"{len(missing)} message(s) without a {lang} translation", file=sys.stderr)
    if stale_mo(lang):
        print(f"{mo_path(lang)} is not compiled from the current .po: run python -m playbook.i18n.catalogs compile {lang}",
              file=sys.stderr)
        return 1
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
