"""The command line: `playbook` and its command groups (see main.py)."""

from playbook.cli.main import cli, main

__all__ = ["cli", "main"]
