"""Report wording: the engine's evidence sentences as a client reads them.

The engine's sentences name each input by text and by id ("The answer to “…”
(renewal_outreach) is …", "… [benchmark attach_rate_target]"): the ids serve
the JSON, `playbook explain` and pack authors. A client report, and the action
plan a consultant hands on, show the words only; the JSON keeps the ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from playbook.base.model import Pack
from playbook.engine.result import Evidence


def without_ids(e: Evidence, metric_of: Mapping[str, str]) -> str:
    """`e.text` without the ids it names: its own ref and, for a benchmark, the metric's."""
    text = e.text
    ids = [e.ref] + ([metric_of[e.ref]] if e.subject == "finding" and e.ref in metric_of else [])
    for i in ids:
        text = text.replace(f" ({i})", "")
    if e.subject == "finding":  # "[benchmark <id>]" in any language: the bracket that ends with the id
        text = re.sub(r" \[[^\[\]]*?" + re.escape(e.ref) + r"\]", "", text)
    return text


def reason_text(pack: Pack) -> Callable[[Evidence], str]:
    metric_of = {b.id: b.metric for b in pack.benchmarks}
    return lambda e: without_ids(e, metric_of)


def citer(pack: Pack) -> Callable[[str], str]:
    """"<file> § <section>" as a reader sees it: the source's title, not its file name."""
    titles = {s.file: s.title for s in pack.sources}

    def cite(source: str) -> str:
        file, sep, section = source.partition(" § ")
        return f"{titles.get(file.strip()) or file}{sep}{section}"
    return cite
