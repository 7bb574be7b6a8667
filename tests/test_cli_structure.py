"""The CLI is not a ring: command modules share cli/output.py and never import
each other; cli/__init__.py alone registers every command (portfolio included)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.conftest import ROOT

CLI = ROOT / "playbook" / "cli"


def _imports(path: Path) -> set[str]:
    """Every playbook.cli module `path` imports, lazy (inside functions) ones included."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "playbook.cli":
                out |= {f"playbook.cli.{a.name}" for a in node.names}
            elif node.module.startswith("playbook.cli."):
                out.add(node.module)
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("playbook.cli.")}
    return out


def test_command_modules_import_only_the_shared_module() -> None:
    graph = {f"playbook.cli.{p.stem}": _imports(p) for p in CLI.glob("*.py") if p.stem != "__init__"}
    assert graph["playbook.cli.output"] == set()
    for module in ("authoring", "web", "batch"):
        assert graph[f"playbook.cli.{module}"] == {"playbook.cli.output"}, module
    # main hands a batch to cli/batch.py; nothing imports main back
    assert graph["playbook.cli.main"] <= {"playbook.cli.output", "playbook.cli.batch"}
    assert not any("playbook.cli.main" in deps for deps in graph.values())


def test_every_command_is_registered_in_one_place() -> None:
    from playbook.cli import cli

    init = (CLI / "__init__.py").read_text()
    assert "add_command" in init
    assert not any("add_command" in p.read_text() for p in CLI.glob("*.py") if p.stem != "__init__")
    assert {"assess", "validate", "init", "schema", "test", "explain", "docs", "coverage", "show", "translate",
            "form", "serve", "portfolio"} <= set(cli.commands)
