"""The words of the messages base writes (a value that does not read, a
did-you-mean), in the language of the check under way.

base sits below playbook.i18n, so it cannot open a catalog itself:
playbook.i18n.using() puts the block's translator here, the way it sets the
block's language. With none (English, or base used on its own) a message is
its English text, as written at the call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol


class Translator(Protocol):
    def gettext(self, msg: str) -> str: ...
    def number(self, x: float) -> str: ...


_translator: ContextVar[Translator | None] = ContextVar("playbook_base_translator", default=None)


@contextmanager
def translating(translator: Translator | None) -> Iterator[None]:
    token = _translator.set(translator)
    try:
        yield
    finally:
        _translator.reset(token)


def t(msg: str, **values: Any) -> str:
    """`msg` in the language of the block, `%(name)s` placeholders filled."""
    tr = _translator.get()
    text = msg if tr is None else tr.gettext(msg)
    return text % values if values else text


def number(x: float, english: str) -> str:
    """`x` in a message: `english` as the English text writes it, else as the block's language does."""
    tr = _translator.get()
    return english if tr is None else tr.number(x)


def N_(msg: str) -> str:
    """Marks `msg` for the catalog where it is defined; t() translates it where it is shown."""
    return msg
