"""Pack translations: `PACK/translations/<lang>.yaml`, checked and applied.

A translation file maps each kind of item to its ids and the translated
fields. Each entry records, in `of:`, a short digest of the English text it
was made from, so that an edit of the English is seen as a stale translation
rather than silently shown in the old wording:

    language: de
    actions:
      formal_onboarding_process:
        of: 3f2a9c1e
        title: Einen formellen Onboarding-Prozess einführen
        description: ...

Like the rest of a pack, translations are overlay-able: an extending pack's
`translations/de.yaml` adds to and overrides its base pack's. Problems are
warnings (a missing entry falls back to English), located in the file that
holds the entry, with a did-you-mean for an id that does not exist.
`playbook translate PACK --lang de` writes the entries still missing.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from playbook.base.model import Pack
from playbook.base.suggest import did_you_mean
from playbook.base.values import normalize_choice
from playbook.base.yamlio import Document, dump, load_file
from playbook.errors import InvalidInput, Problem

# kind -> the fields a translation may give (items are found by id)
FIELDS: dict[str, tuple[str, ...]] = {
    "stages": ("name", "description"),
    "areas": ("name",),
    "maturity_stages": ("name", "description"),
    "questions": ("section", "text", "help"),
    "metrics": ("name", "description"),
    "benchmarks": ("target_text",),
    "actions": ("title", "description"),
    "checklists": ("title",),
}
# The pack's own texts, one entry (`pack:` with `of:`) rather than items by id.
PACK_FIELDS = ("name", "description", "stage_rule_note")
NESTED = {"questions": "choices", "maturity_stages": "services", "checklists": "items", "benchmarks": "bands"}


def _items(pack: Pack, kind: str) -> dict[str, Any]:
    if kind in ("questions", "metrics"):
        return dict(getattr(pack, kind))
    return {x.id: x for x in getattr(pack, kind)}


def _english(kind: str, item: Any) -> dict[str, Any]:
    """The English text of one item: what its translation must cover."""
    out: dict[str, Any] = {f: getattr(item, f) for f in FIELDS[kind] if getattr(item, f, "")}
    if kind == "questions" and item.choices:
        out["choices"] = {c: c.replace("_", " ") for c in item.choices}
    elif kind == "maturity_stages":
        out["services"] = {s.id: s.title for s in item.services}
    elif kind == "checklists":
        out["items"] = {it.id: it.text for it in item.items}
    elif kind == "benchmarks" and item.bands:
        out["bands"] = {b.label: b.label for b in item.bands}
    return out


def _pack_english(pack: Pack) -> dict[str, Any]:
    values = {"name": pack.name, "description": pack.description, "stage_rule_note": pack.stage_rule.note}
    return {k: v for k, v in values.items() if v}


def digest(english: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(english, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:8]


def layer_roots(pack: Pack) -> list[Path]:
    """The pack's folders, base first: translations stack like the pack does."""
    from playbook.pack.load import _extends_target

    roots: list[Path] = []
    root: Path | None = Path(pack.root)
    while root is not None and root not in roots:
        roots.insert(0, root)
        try:
            manifest = load_file(root / "pack.yaml").data
        except InvalidInput:
            break
        ext = manifest.get("extends") if isinstance(manifest, dict) else None
        root = _extends_target(root, str(ext)) if ext else None
    return roots


def _entries(doc: Document, problems: list[Problem]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem((), "a translation file is a mapping of kinds (actions:, questions:, ...) "
                                    "to ids", "translation-shape"))
        return
    for kind, items in data.items():
        if kind in ("language", "pack"):
            continue
        if kind not in FIELDS:
            problems.append(doc.problem((kind,), f"unknown kind {kind!r}{did_you_mean(str(kind), FIELDS)}",
                                        "translation-unknown", key=True, severity="warning"))
            continue
        if not isinstance(items, dict):
            problems.append(doc.problem((kind,), f"{kind}: expected a mapping of ids to translated fields",
                                        "translation-shape"))
            continue
        for iid, entry in items.items():
            if not isinstance(entry, dict):
                problems.append(doc.problem((kind, iid), f"{kind}.{iid}: expected a mapping of fields",
                                            "translation-shape"))
                continue
            yield kind, str(iid), entry


def read(pack: Pack, lang: str) -> tuple[dict[str, dict[str, dict[str, Any]]], list[Problem]]:
    """Every layer's translation entries, merged (top layer wins), and every
    problem found in them."""
    problems: list[Problem] = []
    merged, pack_doc, found, files = _read_layers(pack, lang, problems)
    if not files:
        return merged, problems
    if pack_doc is not None:
        problems += _check_pack(pack_doc, merged["pack"], _pack_english(pack))
    elif _pack_english(pack):
        top = files[-1]
        problems.append(top.problem((), f"no {lang} translation of the pack's own texts (pack: name, description, "
                                    "stage_rule_note); they are shown in English", "translation-missing",
                                    key=True, severity="warning"))
    for kind in FIELDS:
        problems += _check_kind(pack, lang, kind, merged[kind], found, files[-1])
    return merged, problems


_Merged = dict[str, dict[str, dict[str, Any]]]
_Found = dict[tuple[str, str], tuple[Document, dict[str, Any]]]


def _read_layers(pack: Pack, lang: str, problems: list[Problem]) -> tuple[_Merged, Document | None, _Found,
                                                                          list[Document]]:
    """Each layer's translation file, merged (top layer wins); where each
    entry was written, the file with the pack's own texts, the files read."""
    merged: _Merged = {k: {} for k in (*FIELDS, "pack")}
    pack_doc: Document | None = None
    found: _Found = {}
    files: list[Document] = []
    for root in layer_roots(pack):
        path = root / "translations" / f"{lang}.yaml"
        if not path.is_file():
            continue
        try:
            doc = load_file(path, f"{root.name}/translations/{lang}.yaml")
        except InvalidInput as exc:
            problems.extend(exc.problems)
            continue
        if doc.data is not None and not isinstance(doc.data, dict):
            problems.append(doc.problem((), "a translation file is a mapping (language:, pack:, questions:, "
                                        "actions: ...), not a single value; start from `playbook translate`",
                                        "translation-shape"))
            continue
        files.append(doc)
        declared = doc.data.get("language") if isinstance(doc.data, dict) else None
        if declared is not None and str(declared) != lang:
            problems.append(doc.problem(("language",), f"this file is named {lang}.yaml but says language "
                                        f"{declared!r}", "translation-language", severity="warning"))
        own = doc.data.get("pack") if isinstance(doc.data, dict) else None
        if isinstance(own, dict):
            merged["pack"].update({str(k): v for k, v in own.items()})
            pack_doc = doc
        elif own is not None:
            problems.append(doc.problem(("pack",), "pack: expected a mapping of name, description, stage_rule_note",
                                        "translation-shape"))
        for kind, iid, entry in _entries(doc, problems):
            merged[kind].setdefault(iid, {}).update(entry)
            found[(kind, iid)] = (doc, merged[kind][iid])
    return merged, pack_doc, found, files


def _check_kind(pack: Pack, lang: str, kind: str, entries: dict[str, dict[str, Any]], found: _Found,
                top: Document) -> list[Problem]:
    """One kind of item's entries: each for an item the pack has, each checked
    against its English, and every item with English text translated."""
    problems: list[Problem] = []
    items = _items(pack, kind)
    for iid, entry in entries.items():
        doc, _ = found[(kind, iid)]
        if iid not in items:
            if iid not in pack.disabled:
                problems.append(doc.problem((kind, iid), f"{kind[:-1].replace('_', ' ')} {iid!r} is not in the "
                                            f"pack{did_you_mean(iid, items)}; remove this entry or fix its id",
                                            "translation-extra", key=True, severity="warning"))
            continue
        english = _english(kind, items[iid])
        problems += _check_entry(doc, kind, iid, entry, english)
    for iid, item in items.items():
        if iid not in entries and _english(kind, item):
            problems.append(top.problem((kind,) if kind in (top.data or {}) else (), f"no {lang} translation "
                                        f"for {kind[:-1].replace('_', ' ')} {iid!r}; it is shown in English "
                                        f"(`playbook translate {pack.id} --lang {lang}` adds the missing "
                                        "entries)", "translation-missing", key=True, severity="warning"))
    return problems


def _check_pack(doc: Document, entry: dict[str, Any], english: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    for field, value in entry.items():
        if field != "of" and field not in PACK_FIELDS:
            out.append(doc.problem(("pack", field), f"pack: unknown field {field!r}"
                                   f"{did_you_mean(str(field), PACK_FIELDS)}", "translation-unknown", key=True,
                                   severity="warning"))
        elif field != "of" and not isinstance(value, str):
            out.append(doc.problem(("pack", field), f"pack.{field}: expected text", "translation-shape"))
    missing = [f for f in english if f not in entry]
    if missing:
        out.append(doc.problem(("pack",), f"pack: no translation of {', '.join(missing)}; shown in English",
                               "translation-missing", key=True, severity="warning"))
    if str(entry.get("of", "")) != digest(english):
        out.append(doc.problem(("pack", "of") if "of" in entry else ("pack",),
                               "pack: the English text changed since this was translated; check the translation "
                               f"against it and set `of: {digest(english)}`", "translation-stale",
                               key="of" not in entry, severity="warning"))
    return out


def _check_entry(doc: Document, kind: str, iid: str, entry: dict[str, Any], english: dict[str, Any]) -> list[Problem]:
    out: list[Problem] = []
    allowed = set(FIELDS[kind]) | {"of"} | ({NESTED[kind]} if kind in NESTED else set())
    for field, value in entry.items():
        if field not in allowed:
            out.append(doc.problem((kind, iid, field), f"{kind}.{iid}: unknown field {field!r}"
                                   f"{did_you_mean(str(field), sorted(allowed))}", "translation-unknown", key=True,
                                   severity="warning"))
        elif field == NESTED.get(kind):
            if not isinstance(value, dict):
                out.append(doc.problem((kind, iid, field), f"{kind}.{iid}.{field}: expected a mapping",
                                       "translation-shape"))
                continue
            for sub in value:
                if sub not in english.get(field, {}):
                    out.append(doc.problem((kind, iid, field, sub), f"{kind}.{iid}.{field}: {sub!r} is not one of "
                                           f"its {field}{did_you_mean(str(sub), english.get(field, {}))}",
                                           "translation-extra", key=True, severity="warning"))
        elif field != "of" and not isinstance(value, str):
            out.append(doc.problem((kind, iid, field), f"{kind}.{iid}.{field}: expected text", "translation-shape"))
    missing = [f for f in english if f not in entry]
    missing += [f"{f}.{sub}" for f in english if isinstance(english[f], dict) and isinstance(entry.get(f), dict)
                for sub in english[f] if sub not in entry[f]]
    if missing:
        out.append(doc.problem((kind, iid), f"{kind}.{iid}: no translation of {', '.join(missing)}; shown in "
                               "English", "translation-missing", key=True, severity="warning"))
    if "of" in entry and str(entry["of"]) != digest(english):
        out.append(doc.problem((kind, iid, "of"), f"{kind}.{iid}: the English text changed since this was "
                               f"translated; check the translation against it and set `of: {digest(english)}`",
                               "translation-stale", severity="warning"))
    elif "of" not in entry:
        out.append(doc.problem((kind, iid), f"{kind}.{iid}: no `of:` digest, so a later change of the English "
                               f"cannot be noticed; add `of: {digest(english)}`", "translation-stale", key=True,
                               severity="warning"))
    return out


def translate(pack: Pack, lang: str) -> tuple[Pack, list[Problem]]:
    """The pack with its texts in `lang` where a translation gives them."""
    from playbook.i18n import DEFAULT

    if lang == DEFAULT:
        return pack, []
    merged, problems = read(pack, lang)
    if any(p.severity == "error" for p in problems):
        raise InvalidInput(problems)

    def text(kind: str, iid: str, field: str, default: str) -> str:
        v = merged[kind].get(iid, {}).get(field)
        return v if isinstance(v, str) and v.strip() else default

    def sub(kind: str, iid: str, field: str) -> dict[str, Any]:
        v = merged[kind].get(iid, {}).get(NESTED[kind])
        return v if isinstance(v, dict) else {}

    def fields(kind: str, item: Any) -> Any:
        changes: dict[str, Any] = {f: text(kind, item.id, f, getattr(item, f)) for f in FIELDS[kind]}
        if kind == "maturity_stages":
            names = sub(kind, item.id, "services")
            changes["services"] = tuple(dataclasses.replace(s, title=str(names.get(s.id) or s.title))
                                        for s in item.services)
        elif kind == "checklists":
            texts = sub(kind, item.id, "items")
            changes["items"] = tuple(dataclasses.replace(it, text=str(texts.get(it.id) or it.text))
                                     for it in item.items)
        elif kind == "benchmarks":
            labels = sub(kind, item.id, "bands")
            changes["bands"] = tuple(dataclasses.replace(b, label=str(labels.get(b.label) or b.label))
                                     for b in item.bands)
        elif kind == "questions" and hasattr(item, "choice_labels"):
            labels = sub(kind, item.id, "choices")
            changes["choice_labels"] = tuple(str(labels.get(c) or c.replace("_", " ")) for c in item.choices)
        return dataclasses.replace(item, **changes)

    own = merged["pack"]

    def pack_text(field: str, default: str) -> str:
        v = own.get(field)
        return v if isinstance(v, str) and v.strip() else default

    return dataclasses.replace(
        pack,
        name=pack_text("name", pack.name), description=pack_text("description", pack.description),
        stage_rule=dataclasses.replace(pack.stage_rule, note=pack_text("stage_rule_note", pack.stage_rule.note)),
        stages=tuple(fields("stages", s) for s in pack.stages),
        areas=tuple(fields("areas", a) for a in pack.areas),
        maturity_stages=tuple(fields("maturity_stages", m) for m in pack.maturity_stages),
        questions={k: fields("questions", q) for k, q in pack.questions.items()},
        metrics={k: fields("metrics", m) for k, m in pack.metrics.items()},
        benchmarks=tuple(fields("benchmarks", b) for b in pack.benchmarks),
        actions=tuple(fields("actions", a) for a in pack.actions),
        checklists=tuple(fields("checklists", c) for c in pack.checklists),
    ), problems


_TRANSLATED: dict[tuple[str, str, str, str], Pack] = {}


def translated(pack: Pack, lang: str) -> Pack:
    """translate()'s pack, kept per pack and language: a batch or the web app
    assesses many partners in the same language, and reading the translation
    file once is enough. Its problems are `validate`'s to report."""
    key = (pack.id, pack.root, pack.content_hash, lang)
    if key not in _TRANSLATED:
        if len(_TRANSLATED) >= 8:
            _TRANSLATED.pop(next(iter(_TRANSLATED)))
        _TRANSLATED[key] = translate(pack, lang)[0]
    return _TRANSLATED[key]


def skeleton(pack: Pack, lang: str) -> str:
    """A translation file for `lang` with every entry the pack's top layer is
    still missing: the English as the value to replace, and its digest."""
    merged, _ = read(pack, lang)
    out: dict[str, Any] = {"language": lang}
    if not merged["pack"] and _pack_english(pack):
        out["pack"] = {"of": digest(_pack_english(pack)), **_pack_english(pack)}
    for kind in FIELDS:
        todo: dict[str, Any] = {}
        for iid, item in _items(pack, kind).items():
            english = _english(kind, item)
            if not english or iid in merged[kind]:
                continue
            todo[iid] = {"of": digest(english), **english}
        if todo:
            out[kind] = todo
    header = (f"# {lang} translation of the {pack.id} pack: replace each English text, keep `of:`\n"
              "# (it records which English text the entry translates; `playbook validate` reports stale ones).\n")
    return header + dump(out)


def problems_for(pack: Pack) -> list[Problem]:
    """The translation problems of every language the pack (or a base) ships."""
    langs = sorted({p.stem for root in layer_roots(pack) for p in (root / "translations").glob("*.yaml")})
    out: list[Problem] = []
    for lang in langs:
        out += read(pack, lang)[1]
    return out


def choice_words(pack: Pack, lang: str) -> dict[str, dict[str, str]]:
    """question id -> {a choice's label in `lang`, normalised as answers are:
    its id}; empty for English or a language without a translation. A label
    that is another choice's id, or that two choices share, is left out: it
    could not say which one is meant."""
    from playbook.i18n import DEFAULT, languages

    if not lang or lang == DEFAULT or lang not in languages():
        return {}
    return {q.id: label_words(q) for q in translated(pack, lang).questions.values()
            if q.type == "choice" and q.choice_labels}


def label_words(q: Any) -> dict[str, str]:
    """A translated choice question's labels, normalised as answers are ->
    the choice each stands for (a label that reads as an id stands for that
    id; one two choices share, for neither)."""
    words: dict[str, str] = {}
    shared: set[str] = set()
    for choice, label in zip(q.choices, q.choice_labels):
        key = normalize_choice(label)
        if key in q.choices:
            words[key] = key
            continue
        if key in words:
            shared.add(key)
        words[key] = choice
    return {k: v for k, v in words.items() if k not in shared}


def choice_labels(pack: Pack) -> dict[str, list[str]]:
    """question id -> its choices' labels in every shipped translation (for
    the answers schema, which accepts what the answers check reads)."""
    from playbook.i18n import languages

    out: dict[str, list[str]] = {}
    for lang in languages()[1:]:
        for qid, words in choice_words(pack, lang).items():
            out.setdefault(qid, []).extend(w for w in sorted(words) if w != words[w] and w not in out.get(qid, []))
    return out
