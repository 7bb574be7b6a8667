"""pre-commit entry point: validate the packs that changed files belong to, and
the changed answers files; leave every other YAML of the repository alone.

An answers file is recognised by its schema modeline (`playbook init` writes
`# yaml-language-server: $schema=...answers.schema.json` on line 1), or, with
`--answers-files`, by the hook's own `files:` pattern (README: pre-commit). A CI
workflow, mkdocs.yml or docker-compose.yml is never read as an answers file.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from playbook.cli.main import cli

# the modeline on one of the first lines, naming the answers schema (any path or URL to it)
MODELINE = re.compile(r"^#\s*yaml-language-server:\s*\$schema=\S*answers[\w.-]*\.json\s*$", re.M)
HEAD_BYTES = 2048
SKIP_NAMES = ("brand.yaml", "overrides.yaml")


def is_answers_file(path: Path) -> bool:
    """Whether the file says it is an answers file (the modeline in its first lines)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(HEAD_BYTES).decode("utf-8-sig", errors="replace")
    except OSError:
        return False
    return bool(MODELINE.search("\n".join(head.splitlines()[:5])))


def targets(names: list[str], answers_files: bool = False) -> list[str]:
    """What to validate for the changed files `names`: pack folders and answers files, each once."""
    out: list[str] = []
    for name in names:
        p = Path(name).resolve()
        if p.suffix.lower() not in (".yaml", ".yml"):
            continue
        pack = next((d for d in [p.parent, *p.parents] if (d / "pack.yaml").is_file()), None)
        if pack is not None:
            inside = p.relative_to(pack).parts
            if "tests" in inside or any(part.startswith(".") for part in inside):
                continue  # pack test cases are checked by `playbook test`; .github/ is not the pack
            out.append(str(pack))
        elif p.name.startswith(".") or p.name in SKIP_NAMES:
            continue
        elif answers_files or is_answers_file(p):
            out.append(name)
    return list(dict.fromkeys(out))


def main() -> None:
    args = sys.argv[1:]
    answers_files = "--answers-files" in args
    found = targets([a for a in args if a != "--answers-files"], answers_files)
    if not found:
        return
    cli(["validate", *found], prog_name="playbook")
