"""Which language the messages about a partner's input are in: --lang, else
the file's partner.language, else the environment's locale, else English."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

DEFAULT = "en"


# The language of messages about a partner's input as the front end asked for
# it: (--lang, the environment's locale). The file's partner.language comes
# between the two, and is only known once the file is read (message_language).
# A library call asks nothing and gets the file's language, else English.
_asked: ContextVar[tuple[str | None, str | None]] = ContextVar("playbook_messages_asked", default=(None, None))


@contextmanager
def messages_asked(lang: str | None, fallback: str | None = None) -> Iterator[None]:
    """Within the block, messages about input files are in `lang` (--lang)
    when given, else the file's partner.language, else `fallback` (the
    environment's locale), else English."""
    token = _asked.set((lang, fallback))
    try:
        yield
    finally:
        _asked.reset(token)


def ask_messages(lang: str | None) -> None:
    """--lang for the messages of the rest of the command: a command-line
    option's callback calls it within the command's messages_asked block,
    which ends the setting with the command."""
    _asked.set((lang, _asked.get()[1]))


def message_language(partner_language: str | None = None) -> str:
    """The language of the messages about a file whose partner.language is
    `partner_language` (a base tag with a shipped translation, or None): see messages_asked."""
    asked, fallback = _asked.get()
    if asked:
        return asked
    if partner_language:
        return partner_language
    return fallback or DEFAULT
