"""pre-commit entry point: validate the packs that changed files belong to."""

from __future__ import annotations

import sys
from pathlib import Path

from playbook.cli.main import cli


def main() -> None:
    targets: list[str] = []
    for name in sys.argv[1:]:
        p = Path(name).resolve()
        pack = next((d for d in [p.parent, *p.parents] if (d / "pack.yaml").is_file()), None)
        if pack is not None:
            if "tests" in p.relative_to(pack).parts:
                continue  # pack test cases are checked by `playbook test`
            targets.append(str(pack))
        elif p.suffix in (".yaml", ".yml") and not p.name.startswith(".") and p.name != "brand.yaml":
            targets.append(name)
    targets = list(dict.fromkeys(targets))
    if not targets:
        return
    cli(["validate", *targets], prog_name="playbook")
