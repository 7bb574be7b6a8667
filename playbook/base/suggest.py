"""Did-you-mean suggestions for unknown names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from playbook.base.messages import t

# Longer than any id: comparing a pasted paragraph with every name costs
# time and never finds a match worth offering.
_MAX_WORD = 100

# Words people reach for that mean one of our names.
ALIASES = {
    "greater_than": "gt", "more_than": "gt", "above": "gt", ">": "gt",
    "greater_or_equal": "ge", "gte": "ge", "at_least": "ge", ">=": "ge",
    "less_than": "lt", "below": "lt", "under": "lt", "<": "lt",
    "less_or_equal": "le", "lte": "le", "at_most": "le", "<=": "le",
    "equals": "eq", "equal": "eq", "is": "eq", "==": "eq",
    "not_equal": "ne", "neq": "ne", "!=": "ne",
    "one_of": "in", "not_one_of": "not_in", "nin": "not_in",
    "exists": "present", "missing": "absent", "has": "contains",
    "and": "all", "or": "any", "all_of": "all", "any_of": "any",
    "prerequisites": "requires", "depends_on": "requires", "condition": "when", "if": "when",
    "done_if": "done_when", "citation": "source", "name": "title",
}


def did_you_mean(word: Any, options: Iterable[Any]) -> str:
    """' (did you mean 'x'?)' or '' when nothing is close. The word and the
    options may be anything a YAML file holds (a number, yes/no, null): they
    are compared as text, since that is how the user wrote them."""
    word = word if isinstance(word, str) else "" if word is None else str(word)
    opts = sorted({o for o in options if isinstance(o, str)})
    if not word or len(word) > _MAX_WORD:
        return ""
    alias = ALIASES.get(word.lower())
    if alias and alias in opts:
        return _mean(alias)
    close = difflib.get_close_matches(word, opts, n=1, cutoff=0.6)
    if not close:
        close = [o for o in opts if word and (o.startswith(word) or word.startswith(o))][:1]
    return _mean(close[0]) if close else ""


def _mean(name: str) -> str:
    return t("; did you mean %(name)s?", name=repr(name))


class Suggestions:
    """did_you_mean for at most `limit` words, then nothing: a file with
    100,000 unknown keys costs 20 comparisons, not 100,000. The count is
    taken before the work, so the cap holds however long each one would take."""

    def __init__(self, limit: int = 20) -> None:
        self.left = limit

    def __call__(self, word: Any, options: Iterable[Any]) -> str:
        if self.left <= 0:
            return ""
        self.left -= 1
        return did_you_mean(word, options)


def one_of(options: Iterable[Any], limit: int = 12) -> str:
    opts = sorted({str(o) for o in options})
    shown = ", ".join(opts[:limit])
    return shown + (f", ... ({len(opts)} in all)" if len(opts) > limit else "")
