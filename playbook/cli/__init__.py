"""The `playbook` command line. The group and its error funnel are in main.py;
each command module defines its commands and this file registers them, the one
place that does (the modules share options and output helpers through
output.py and never import each other)."""

from playbook.cli import authoring, batch, web
from playbook.cli.main import cli, main

for _module in (authoring, web, batch):
    for _command in _module.COMMANDS:
        cli.add_command(_command)

__all__ = ["cli", "main"]
