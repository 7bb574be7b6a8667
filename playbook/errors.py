"""The one exception hierarchy; cli.py maps it to messages and exit codes."""

from __future__ import annotations

from dataclasses import dataclass


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


class RenderError(PlaybookError):
    """A report could not be produced (too big, too slow, renderer failure)."""

    exit_code = 3
