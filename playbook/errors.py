"""The one exception hierarchy and the exit codes it maps to.

The CLI's error funnel (playbook/cli/main.py `_Group.invoke`) prints each error
and exits with `exit_code`: 1 bad input, 2 usage or file system, 3 rendering;
EXIT_INTERNAL (70) only for a bug of ours, never for input.
"""

from __future__ import annotations

from dataclasses import dataclass

EXIT_INTERNAL = 70


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input, located as precisely as we can."""

    file: str
    line: int  # 1-based; 0 when the problem has no line (e.g. binary file)
    column: int  # 1-based; 0 when unknown
    message: str
    code: str = "invalid"
    severity: str = "error"  # error | warning

    def format(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column}"
        return f"{where}: {self.severity}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
        }


class PlaybookError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    exit_code = 1


class InvalidInput(PlaybookError):
    """The user's file (answers or pack) is invalid; carries every problem found."""

    exit_code = 1

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__("\n".join(p.format() for p in self.problems))


class UsageError(PlaybookError):
    """The command line itself is wrong (unknown pack, unwritable output...)."""

    exit_code = 2


class FileSystemError(UsageError):
    """An output cannot be written (missing or read-only folder, full disk, a path
    that must not be replaced). Exit 2 like every usage error."""


class RenderError(PlaybookError):
    """A report could not be produced (too big, too slow, renderer failure)."""

    exit_code = 3
