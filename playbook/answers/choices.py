"""Choice answers in the partner's words: a German file may answer `einige`
for `some`, as the German template and form show the choices."""

from __future__ import annotations

from playbook.base.model import Pack
from playbook.base.values import normalize_choice


def choice_words(pack: Pack, lang: str) -> dict[str, dict[str, str]]:
    """question id -> {a choice's label in `lang`, normalised as answers are:
    its id}; empty for English or a language without a translation. A label
    that is another choice's id, or that two choices share, is left out: it
    could not say which one is meant."""
    from playbook.i18n import DEFAULT, languages

    if not lang or lang == DEFAULT or lang not in languages():
        return {}
    from playbook.pack.translations import translated

    out: dict[str, dict[str, str]] = {}
    for q in translated(pack, lang).questions.values():
        if q.type != "choice" or not q.choice_labels:
            continue
        words: dict[str, str] = {}
        shared: set[str] = set()
        for choice, label in zip(q.choices, q.choice_labels):
            key = normalize_choice(label)
            if key in q.choices:
                continue
            if key in words:
                shared.add(key)
            words[key] = choice
        out[q.id] = {k: v for k, v in words.items() if k not in shared}
    return out
