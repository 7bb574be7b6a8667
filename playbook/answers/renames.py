"""Answers under ids the pack has retired or renamed: each is a warning that
says what became of it, never "unknown id"."""

from __future__ import annotations

from typing import Any

from playbook.base.model import Pack
from playbook.base.yamlio import Document
from playbook.errors import Problem
from playbook.i18n import t


def retired(doc: Document, pack: Pack, section: str, given: dict[str, Any],
             warnings: list[Problem]) -> list[tuple[str, Any]]:
    """The answers of a section without those under ids the pack has retired,
    each of which is a warning carrying the pack's message (not "unknown id")."""
    out = []
    for key, v in given.items():
        if key in pack.retired and key not in pack.questions and key not in pack.metrics:
            if v is not None:
                warnings.append(doc.problem((section, key), t("%(id)s is no longer asked by this pack: %(why)s",
                                                              id=key, why=pack.retired[key]),
                                            "retired-id", key=True, severity="warning"))
            continue
        out.append((key, v))
    return out


def renamed(doc: Document, pack: Pack, given: dict[str, Any], warnings: list[Problem]) -> list[tuple[str, Any]]:
    """Question answers with old ids read as the question that `replaces` them,
    with a warning naming the new id; an answer under the new id wins."""
    successor = {old: q.id for q in pack.questions.values() for old in q.replaces}
    out = []
    for key, v in retired(doc, pack, "answers", given, warnings):
        new = successor.get(key) if key not in pack.questions else None
        if new is None:
            out.append((key, v))
            continue
        if v is None:
            continue
        if given.get(new) is not None:
            warnings.append(doc.problem(("answers", key), t("%(old)s is now asked as %(new)s, which is answered "
                                                            "too; the answer under %(old)s is ignored", old=key,
                                                            new=new), "renamed-id", key=True, severity="warning"))
            continue
        warnings.append(doc.problem(("answers", key), t("%(old)s is now asked as %(new)s: the answer is read as "
                                                        "%(new)s; rename it in the file", old=key, new=new),
                                    "renamed-id", key=True, severity="warning"))
        out.append((new, v))
    return out
