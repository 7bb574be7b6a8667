"""Loading a rule pack in stages: YAML, JSON Schema, then cross-references.

Every problem in every file is collected and raised at once as InvalidInput.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from collections.abc import Iterator
from typing import Any

from playbook import ENGINE_VERSION
from playbook import cache as pack_cache
from playbook import operators as ops
from playbook.computations import COMPUTATIONS, formula_refs
from playbook.lint import broken_references, consistency, lint_pack
from playbook.errors import InvalidInput, Problem, UsageError
from playbook.model import (
    PHASES, Action, All, AnyOf, Area, Band, Benchmark, Checklist, ChecklistItem, Condition,
    Formula, Leaf, Loc, MaturityStage, Metric, Not, Pack, Question, Service, Source, Stage, StageRule,
)
from playbook.resources import bundled_packs
from playbook.schema import manifest_schema, pack_file_schema
from playbook.suggest import did_you_mean, one_of
from playbook.validation import schema_errors
from playbook.values import (
    QUESTION_TYPES, UNITS, describe, normalize_choice, parse_bool, parse_date, parse_number,
)
from playbook.yamlio import Document, PathKey, load_file

DEFAULT_PACK = "default"
KINDS = ("stages", "maturity_stages", "questions", "metrics", "benchmarks", "actions", "checklists")
DEFAULT_STAGES = {
    "start": "Put the basics of a cloud practice in place.",
    "grow": "Expand revenue and deepen customer relationships.",
    "optimize": "Refine, automate and scale what works.",
}


def resolve_pack_dir(spec: str | None) -> Path:
    """A pack given by bundled id or by folder (or its pack.yaml) path."""
    spec = spec or DEFAULT_PACK
    p = Path(spec)
    packs = bundled_packs()
    # A bare bundled id means the bundled pack even if the working directory
    # happens to hold a folder of that name; write ./NAME for the folder.
    if spec in packs and "/" not in spec and "\\" not in spec:
        return packs[spec]
    try:
        is_file, is_dir = p.is_file(), p.is_dir()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: no such pack
        is_file = is_dir = False
    if is_file and p.name == "pack.yaml":
        return p.parent
    if is_dir:
        if not (p / "pack.yaml").is_file():
            raise UsageError(f"{spec}: not a rule pack (no pack.yaml in this folder)")
        return p
    raise UsageError(f"unknown pack {describe(spec)}{did_you_mean(spec, packs)}; "
                     f"bundled packs: {one_of(packs) or 'none'}; or give a folder holding pack.yaml")


def is_pack_path(path: Path) -> bool:
    return path.is_dir() or path.name == "pack.yaml"


def _version_tuple(v: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", v.split("-")[0].split("+")[0])[:3])


def engine_compatible(spec: str, version: str = ENGINE_VERSION) -> bool | None:
    """Check `version` against '>=0.1,<1' style ranges; None if spec is malformed."""
    have = _version_tuple(version)
    for clause in [c.strip() for c in spec.split(",") if c.strip()]:
        m = re.fullmatch(r"(>=|<=|==|!=|>|<|~=)?\s*(\d+(?:\.\d+){0,2})", clause)
        if not m:
            return None
        op, want = m.group(1) or "==", _version_tuple(m.group(2))
        n = max(len(have), len(want))
        a, b = have + (0,) * (n - len(have)), want + (0,) * (n - len(want))
        ok = {">=": a >= b, "<=": a <= b, ">": a > b, "<": a < b, "==": a[:len(want)] == want,
              "!=": a[:len(want)] != want, "~=": a >= b and a[:max(1, len(want) - 1)] == want[:max(1, len(want) - 1)]}[op]
        if not ok:
            return False
    return True


class _Builder:
    """Holds the raw items of every file while the pack is checked and compiled."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []
        self.raw: dict[str, list[tuple[Document, PathKey, dict[str, Any]]]] = {k: [] for k in KINDS}
        self.questions: dict[str, Question] = {}
        self.metrics: dict[str, Metric] = {}
        self.benchmark_ids: set[str] = set()
        self.broken_ids: set[str] = set()  # actions left out for schema errors: not "unknown"
        # and questions, metrics and benchmarks left out likewise, as (subject, id):
        # a reference to one of them is not a second mistake
        self.broken_refs: set[tuple[str, str]] = set()
        self.broken_items: list[Any] = []  # and every item left out, whose references still count as uses
        self.broken_where: list[tuple[Document, PathKey, Any]] = []  # the same items, located
        self.cited: dict[str, set[str]] = {}  # guide file -> normalized sections cited
        self.disabled: set[str] = set()
        # (kind, id, field) -> where an overlay's `override:` set that field
        self.overridden: dict[tuple[str, str, str], tuple[Document, PathKey]] = {}
        self.top_docs: list[Document] = []  # the files of the extending pack, when it extends one

    def at(self, kind: str, item: dict[str, Any], doc: Document, path: PathKey, field: str) -> tuple[Document, PathKey]:
        """Where a field of an item was written: its overlay override if any."""
        return self.overridden.get((kind, str(item.get("id")), field), (doc, path + (field,)))

    def err(self, doc: Document, path: PathKey, msg: str, code: str, key: bool = False,
            severity: str = "error") -> None:
        self.problems.append(doc.problem(path, msg, code, key=key, severity=severity))

    def loc(self, doc: Document, path: PathKey) -> Loc:
        line, col = doc.where(path)
        return Loc(doc.file, line, col)

    # ---- conditions -------------------------------------------------------

    def subject_kind(self, subject: str, ref: str) -> tuple[str | None, tuple[str, ...], bool]:
        """(kind, choices, ordered) of a condition subject, kind None if unknown."""
        if subject == "question":
            q = self.questions.get(ref)
            if q is None:
                return None, (), False
            kind = QUESTION_TYPES[q.type]
            if q.type == "choice" and q.ordered:
                kind = ops.ORDERED_CHOICE
            return kind, q.choices, q.ordered
        if subject == "metric":
            return (ops.NUMBER if ref in self.metrics else None), (), False
        if subject == "profile":
            return ops.PROFILE_FIELDS.get(ref), (), False
        return (ops.CHOICE if ref in self.benchmark_ids else None), ops.FINDING_STATUSES, False

    def operand(self, doc: Document, path: PathKey, kind: str, choices: tuple[str, ...],
                raw: Any, subject: str, ref: str) -> Any:
        """Check and convert one operand to the subject's value type; None on error."""
        try:
            if kind == ops.NUMBER:
                return parse_number(raw, percent=True, money=True)
            if kind == ops.BOOL:
                return parse_bool(raw)
            if kind == ops.DATE:
                return parse_date(raw)
            if kind in (ops.CHOICE, ops.ORDERED_CHOICE) or (kind == ops.LIST and ref == "focus"):
                allowed = choices or (ops.FOCUS_VALUES if ref == "focus" else ())
                v = normalize_choice(raw)
                if allowed and v not in allowed:
                    self.err(doc, path, f"{raw!r} is not a value of {subject} {ref!r}"
                             f"{did_you_mean(v, allowed)} (its values: {one_of(allowed)})", "unknown-value")
                    return None
                return v
            return raw
        except ValueError as exc:
            self.err(doc, path, f"{exc}; {subject} {ref!r} holds {kind.replace('_', ' ')} values", "operand-type")
            return None

    def condition(self, doc: Document, path: PathKey, raw: Any) -> Condition | None:
        loc = self.loc(doc, path)
        if not isinstance(raw, dict):
            return None  # the schema stage has reported it
        combos = [k for k in ops.COMBINATORS if k in raw]
        if combos:
            if len(raw) != 1:
                self.err(doc, path, f"{combos[0]!r} must stand alone in its mapping; put the other "
                         f"keys ({one_of(k for k in raw if k != combos[0])}) inside it", "condition-shape")
                return None
            key = combos[0]
            if key == "not":
                inner = self.condition(doc, path + ("not",), raw["not"])
                return Not(inner, loc) if inner is not None else None
            items = raw[key] if isinstance(raw[key], list) else []
            kids = [self.condition(doc, path + (key, i), c) for i, c in enumerate(items)]
            if any(k is None for k in kids):
                return None
            return (All if key == "all" else AnyOf)(tuple(k for k in kids if k is not None), loc)
        subjects = [k for k in ops.SUBJECTS if k in raw]
        if len(subjects) != 1:
            self.err(doc, path, "a condition leaf names exactly one subject (one of: question, metric, "
                     "profile, finding) and one operator, e.g. {question: onboarding_process, eq: no}",
                     "condition-shape")
            return None
        subject = subjects[0]
        ref = raw[subject]
        op_keys = [k for k in raw if k in ops.OPERATORS]
        if subject == "finding":
            if op_keys or "status" not in raw:
                self.err(doc, path, "a finding leaf is written {finding: <benchmark id>, status: met|not_met|not_assessed}",
                         "condition-shape")
                return None
            op_keys, raw = ["eq"], {**raw, "eq": raw["status"]}
        elif "status" in raw:
            self.err(doc, path + ("status",), "'status' belongs to finding leaves only", "condition-shape", key=True)
            return None
        if len(op_keys) != 1:
            self.err(doc, path, f"use exactly one operator ({one_of(ops.OPERATORS, 20)}) "
                     f"with {subject} {ref!r}", "condition-shape")
            return None
        op = ops.OPERATORS[op_keys[0]]
        kind, choices, _ = self.subject_kind(subject, ref)
        if kind is None and (subject, ref) in self.broken_refs:
            return None  # its own error is reported where it is defined
        if kind is None:
            pool: list[str] = sorted({"question": set(self.questions), "metric": set(self.metrics),
                                      "profile": set(ops.PROFILE_FIELDS), "finding": self.benchmark_ids}[subject])
            if ref in self.disabled:
                self.err(doc, path + (subject,), f"{subject} {ref!r} is disabled by the extending pack but used "
                         "here; disable or override this item too", "uses-disabled")
            else:
                self.err(doc, path + (subject,), f"unknown {subject} {ref!r}{did_you_mean(str(ref), pool)}",
                         f"unknown-{subject}")
            return None
        if kind not in op.kinds:
            hint = " (mark the question `ordered: true` to compare choices by position)" \
                if kind == ops.CHOICE and ops.ORDERED_CHOICE in op.kinds else ""
            self.err(doc, path + (op.name,), f"operator {op.name!r} does not apply to {subject} {ref!r}, "
                     f"which holds {kind.replace('_', ' ')} values{hint}", "operator-type", key=True)
            return None
        value_kind = ops.CHOICE if kind == ops.LIST else kind
        raw_val = raw[op.name]
        opath = path + (op.name,)
        order: tuple[str, ...] = ()
        value: Any
        if op.operand == "flag":
            value = True
        elif op.operand in ("list", "pair"):
            vals = [self.operand(doc, opath + (i,), value_kind, choices, v, subject, ref)
                    for i, v in enumerate(raw_val)]
            if any(v is None for v in vals):
                return None
            value = tuple(vals)
            if op.operand == "pair" and not value[0] <= value[1]:
                self.err(doc, opath, "between takes [low, high] with low <= high", "operand-type")
                return None
        else:
            value = self.operand(doc, opath, value_kind, choices, raw_val, subject, ref)
            if value is None:
                return None
        if kind == ops.ORDERED_CHOICE and op.name in ("lt", "le", "gt", "ge", "between"):
            if any(v not in choices for v in (value if isinstance(value, tuple) else (value,))):
                return None  # a question without choices: its own error is reported where it is defined
            order = choices
            value = tuple(choices.index(v) for v in value) if isinstance(value, tuple) else choices.index(value)
        return Leaf(subject, str(ref), op.name, value, raw_val, loc, order)

    def value_test(self, doc: Document, path: PathKey, raw: Any, metric: str) -> Leaf | None:
        if not isinstance(raw, dict) or len(raw) != 1:
            return None
        (name, val), = raw.items()
        leaf = self.condition(doc, path, {"metric": metric, name: val})
        return leaf if isinstance(leaf, Leaf) else None

    # ---- items ------------------------------------------------------------

    def unique(self, kind: str) -> list[tuple[Document, PathKey, dict[str, Any]]]:
        first: dict[str, tuple[Document, PathKey]] = {}
        out = []
        for doc, path, item in self.raw[kind]:
            iid = item.get("id")
            if not isinstance(iid, str):
                continue
            if iid in first:
                fdoc, fpath = first[iid]
                line, _ = fdoc.where(fpath)
                self.err(doc, path + ("id",), f"duplicate {kind[:-1].replace('_', ' ')} id {iid!r} "
                         f"(first defined at {fdoc.file}:{line})", "duplicate-id")
                continue
            first[iid] = (doc, path)
            out.append((doc, path, item))
        return out


def _check_engine(b: _Builder, manifest_doc: Document) -> None:
    spec = str(manifest_doc.data["engine"])
    compat = engine_compatible(spec)
    if compat is None:
        b.err(manifest_doc, ("engine",), f"cannot read the engine range {spec!r}; write it like '>=0.1,<1'", "engine")
    elif not compat:
        b.err(manifest_doc, ("engine",), f"this pack needs engine {spec}, but this is playbook "
              f"{ENGINE_VERSION}; upgrade playbook or use a pack made for this version", "engine")


@lru_cache(maxsize=None)
def _norm_section(section: str) -> str:
    # Headings are cited as people retype them: case and punctuation may differ.
    return re.sub(r"[^a-z0-9%]+", " ", section.lower()).strip()


@lru_cache(maxsize=None)
def _norm_sections(sections: tuple[str, ...]) -> frozenset[str]:
    return frozenset(_norm_section(s) for s in sections)


def _source_strings(node: Any, path: PathKey) -> Iterator[tuple[PathKey, str]]:
    """Every `source:` in an item, its bands, checklist items and services included."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "source" and isinstance(v, str):
                yield path + (k,), v
            elif isinstance(v, (dict, list)):
                yield from _source_strings(v, path + (k,))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _source_strings(v, path + (i,))


_SUBJECT_OF = {"questions": "question", "metrics": "metric", "benchmarks": "finding"}


def _add_items(b: _Builder, doc: Document, broken: set[tuple[str, PathKey]], sources: dict[str, Source]) -> None:
    for kind in KINDS:
        for i, item in enumerate(doc.data.get(kind) or []):
            if (doc.file, (kind, i)) in broken:
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    if kind == "actions":
                        b.broken_ids.add(item["id"])
                    elif kind in _SUBJECT_OF:
                        b.broken_refs.add((_SUBJECT_OF[kind], item["id"]))
                b.broken_items.append(item)
                b.broken_where.append((doc, (kind, i), item))
                continue
            b.raw[kind].append((doc, (kind, i), item))
            if sources:
                for path, src in _source_strings(item, (kind, i)):
                    _check_source(b, doc, path, src, sources)


def _check_source(b: _Builder, doc: Document, path: PathKey, src: str, sources: dict[str, Source]) -> None:
    f, _, section = (part.strip() for part in src.partition(" § "))
    if f not in sources:
        b.err(doc, path, f"source file {f!r} is not listed in pack.yaml sources{did_you_mean(f, sources)}",
              "unknown-source")
        return
    b.cited.setdefault(f, set()).add(_norm_section(section))
    declared = sources[f].sections
    if declared and _norm_section(section) not in _norm_sections(declared):
        b.err(doc, path, f"section {section!r} is not one of the sections pack.yaml lists for {f}"
              f"{did_you_mean(section, declared)}", "unknown-section")


def _check_sections(b: _Builder, sources: dict[str, Source], where: dict[str, tuple[Document, int]]) -> None:
    """Warnings that keep the coverage table honest: a listed section that
    nothing cites needs a `not_encoded` reason, and one with a reason must
    not be cited."""
    for f, src in sources.items():
        if f not in where:
            continue
        doc, i = where[f]
        cited = b.cited.get(f, set())
        skipped = {_norm_section(sec) for sec, _ in src.not_encoded}
        raw_sections = doc.data["sources"][i].get("sections", [])
        for j, raw in enumerate(raw_sections):
            name = raw if isinstance(raw, str) else raw.get("section", "")
            key = _norm_section(name)
            if key not in cited and key not in skipped:
                b.err(doc, ("sources", i, "sections", j), f"no pack item cites {f} § {name}; encode it, "
                      "or say why not with {section: ..., not_encoded: ...}", "uncovered-section",
                      severity="warning")
            elif key in cited and key in skipped:
                b.err(doc, ("sources", i, "sections", j), f"{f} § {name} is marked not_encoded but pack items "
                      "cite it; drop not_encoded", "cited-not-encoded", severity="warning")


def _source(raw: dict[str, Any]) -> Source:
    sections = tuple(x if isinstance(x, str) else x["section"] for x in raw.get("sections", []))
    skipped = tuple((x["section"], x["not_encoded"]) for x in raw.get("sections", []) if isinstance(x, dict))
    return Source(raw["file"], raw.get("title", ""), raw.get("note", ""), sections, skipped)


def _formula(raw: Any) -> Formula:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return Formula("const", const=float(raw))
    (op, val), = raw.items()
    if op == "metric":
        return Formula("metric", ref=val)
    return Formula(op, tuple(_formula(a) for a in val))


def _text(item: dict[str, Any], key: str) -> str:
    v = item.get(key)
    return "" if v is None else str(v).strip()


@dataclass
class _Layer:
    root: Path
    manifest: Document
    content: list[Document]
    broken: set[tuple[str, PathKey]]


def _read_layer(root: Path, b: _Builder, hasher: Any) -> _Layer | None:
    """Read one pack folder: YAML, then the JSON Schema stage."""
    files = sorted(p for p in root.glob("*.yaml") if p.name != "pack.yaml")
    base = root.parent

    def display(p: Path) -> str:
        # Authors read `default/actions-lifecycle.yaml:31`; a bundled pack inside an
        # installed package (site-packages, under a venv in the working folder) is
        # named by its pack folder rather than by the path into the install.
        installed = any(part in ("site-packages", "dist-packages") for part in p.parts)
        if not installed:
            try:
                return str(p.relative_to(Path.cwd().resolve()))
            except ValueError:
                pass
        return str(p.relative_to(base)) if p.is_relative_to(base) else str(p)

    for stray in sorted(root.glob("*.yml")):
        b.problems.append(Problem(display(stray), 0, 0, "this file is not read: pack files end in .yaml; "
                                  "rename it", "ignored-file", severity="warning"))
    docs: list[Document] = []
    unreadable = False
    for p in [root / "pack.yaml", *files]:
        try:
            doc = load_file(p, display(p))
        except InvalidInput as exc:
            b.problems.extend(exc.problems)
            unreadable = True
            continue
        hasher.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
        docs.append(doc)
    manifest_doc = next((d for d in docs if Path(d.file).name == "pack.yaml"), None)
    if manifest_doc is None or unreadable:
        # every id an unreadable file defines would be reported as unknown
        # wherever it is used: fix the files that cannot be read first
        return None
    content_docs = [d for d in docs if d is not manifest_doc]
    # Items that fail the schema are left out of the cross-reference stage
    # (checking them would only add noise), but every other item is still
    # checked, so one run reports every mistake.
    broken: set[tuple[str, PathKey]] = set()
    usable: list[Document] = []
    for doc, schema in [(manifest_doc, manifest_schema()), *[(d, pack_file_schema()) for d in content_docs]]:
        if doc.data is None:
            b.err(doc, (), "the file is empty", "empty")
            continue
        if not isinstance(doc.data, dict):
            b.err(doc, (), "the file must be a mapping of keys (e.g. `actions:`) to lists", "type")
            continue
        errs = schema_errors(doc, schema)
        b.problems.extend(p for _, p in errs)
        if any(len(path) < 2 for path, _ in errs) and doc is not manifest_doc:
            continue  # the file's own shape is wrong: nothing in it can be trusted
        broken |= {(doc.file, path[:2]) for path, _ in errs}
        broken |= {(doc.file, path[:3]) for path, _ in errs if path[:1] in (("override",), ("disable",))}
        if doc is not manifest_doc:
            usable.append(doc)
    if any(p.file == manifest_doc.file for p in b.problems) or not isinstance(manifest_doc.data, dict):
        return None
    return _Layer(root, manifest_doc, usable, broken)


def _apply_overlay(b: _Builder, doc: Document, broken: set[tuple[str, PathKey]]) -> None:
    """`disable:` and `override:` of an extending pack, applied to the items read so far."""
    # parts the schema stage refused are left out here as everywhere: their
    # shape (`disable: {actions: true}`, an override that is not a mapping) is unknown
    disable = doc.data.get("disable")
    for kind, ids in (disable.items() if isinstance(disable, dict) else ()):
        if (doc.file, ("disable", kind)) in broken or kind not in b.raw or not isinstance(ids, list):
            continue
        for j, iid in enumerate(ids):
            if (doc.file, ("disable", kind, j)) in broken or not isinstance(iid, str):
                continue
            known = [x[2].get("id") for x in b.raw[kind]]
            if iid not in known:
                b.err(doc, ("disable", kind, j), f"cannot disable unknown {kind[:-1].replace('_', ' ')} {iid!r}"
                      f"{did_you_mean(iid, [k for k in known if isinstance(k, str)])}", "unknown-override")
                continue
            b.raw[kind] = [x for x in b.raw[kind] if x[2].get("id") != iid]
            b.disabled.add(iid)
    override = doc.data.get("override")
    for kind, entries in (override.items() if isinstance(override, dict) else ()):
        if (doc.file, ("override", kind)) in broken or kind not in b.raw or not isinstance(entries, list):
            continue
        for j, entry in enumerate(entries):
            if ((doc.file, ("override", kind, j)) in broken or not isinstance(entry, dict)
                    or not isinstance(entry.get("id"), str)):
                continue
            known = [x[2].get("id") for x in b.raw[kind]]
            iid = entry["id"]
            if iid not in known and iid in b.disabled:
                b.err(doc, ("override", kind, j, "id"), f"cannot override {iid!r}: this pack also disables it",
                      "unknown-override")
                continue
            if iid not in known:
                b.err(doc, ("override", kind, j, "id"), f"cannot override unknown {kind[:-1].replace('_', ' ')} "
                      f"{iid!r}{did_you_mean(iid, [k for k in known if isinstance(k, str)])}", "unknown-override")
                continue
            i = known.index(iid)
            bdoc, bpath, item = b.raw[kind][i]
            b.raw[kind][i] = (bdoc, bpath, {**item, **entry})
            for field in entry:
                if field != "id":
                    b.overridden[(kind, iid, field)] = (doc, ("override", kind, j, field))


def _extends_target(root: Path, spec: str) -> Path | None:
    """A folder relative to the extending pack first, then a bundled pack id."""
    p = root / spec
    try:
        if p.is_dir() and (p / "pack.yaml").is_file():
            return p.resolve()
    except (OSError, ValueError):  # a name too long for the file system, a NUL: no such folder
        pass
    packs = bundled_packs()
    return packs[spec].resolve() if spec in packs else None


def _resolve_extends(layer: _Layer, spec: str) -> Path:
    target = _extends_target(layer.root, spec)
    if target is not None:
        return target
    packs = bundled_packs()
    raise InvalidInput([layer.manifest.problem(("extends",), f"cannot find the pack {describe(spec)} to extend"
                        f"{did_you_mean(spec, packs)}; give a bundled pack id ({one_of(packs)}) or a folder "
                        "path relative to this pack", "extends")])


def load_pack(spec: str | Path | None = None) -> Pack:
    """The validated pack. A validated pack is cached per user (playbook/cache.py:
    data only, checked against every YAML file of every layer), because
    validating it again costs more than the rest of a run.
    PLAYBOOK_NO_CACHE=1 turns the cache off."""
    name = pack_cache.cache_file(resolve_pack_dir(str(spec) if spec is not None else None).resolve())
    if name is not None:
        hit = pack_cache.read(name, _extends_target)
        if hit is not None:
            return hit
    pack, _, _, layer_dirs = _load(spec)
    if name is not None:
        pack_cache.write(name, pack, layer_dirs)
    return pack


def resolved_yaml(spec: str | Path | None = None) -> str:
    """The pack as it will be evaluated, after `extends`, overrides and disables."""
    from playbook.yamlio import dump

    pack, manifest, raw, _ = _load(spec)
    out: dict[str, Any] = {k: v for k, v in manifest.items() if k != "extends"}
    out["content_hash"] = pack.content_hash
    for kind in KINDS:
        if raw[kind]:
            out[kind] = [item for _, _, item in raw[kind]]
    return dump(out)


def _load(spec: str | Path | None) -> tuple[
        Pack, dict[str, Any], dict[str, list[tuple[Document, PathKey, dict[str, Any]]]], tuple[Path, ...]]:
    root = resolve_pack_dir(str(spec) if spec is not None else None).resolve()
    b = _Builder(root)
    hasher = hashlib.sha256()
    layers: list[_Layer] = []
    seen: list[Path] = []
    while True:
        if root in seen:
            chain = " -> ".join(p.name for p in [*seen, root])
            raise InvalidInput([*b.problems, layers[0].manifest.problem(
                ("extends",), f"packs extend each other in a cycle: {chain}", "cycle")])
        seen.append(root)
        layer = _read_layer(root, b, hasher)
        if layer is None:
            raise InvalidInput(b.problems)
        layers.insert(0, layer)
        ext = layer.manifest.data.get("extends")
        if not ext:
            break
        root = _resolve_extends(layer, str(ext))
    top = layers[-1]
    manifest_doc = top.manifest
    m: dict[str, Any] = dict(manifest_doc.data)
    # areas and sources accumulate along the chain; the rest comes from the top pack
    areas_raw: dict[str, Any] = {}
    sources_raw: dict[str, Any] = {}
    source_where: dict[str, tuple[Document, int]] = {}
    retired_where = manifest_doc  # the manifest whose `retired:` is used, for messages
    for layer in layers:
        for a in layer.manifest.data.get("areas", []):
            areas_raw[a["id"]] = a
        for i, src in enumerate(layer.manifest.data.get("sources", [])):
            sources_raw[src["file"]] = src
            source_where[src["file"]] = (layer.manifest, i)
        if "stage_rule" in layer.manifest.data and "stage_rule" not in manifest_doc.data:
            m["stage_rule"] = layer.manifest.data["stage_rule"]
        if "retired" in layer.manifest.data and "retired" not in manifest_doc.data:
            m["retired"] = layer.manifest.data["retired"]
            retired_where = layer.manifest
    m["areas"] = list(areas_raw.values())
    m["sources"] = list(sources_raw.values())
    for layer in layers[:-1]:
        _check_engine(b, layer.manifest)
    _check_engine(b, manifest_doc)
    areas = tuple(Area(a["id"], a["name"]) for a in m.get("areas", []))
    area_ids = {a.id for a in areas} or {"general"}
    if not areas:
        areas = (Area("general", "General"),)
    sources = tuple(_source(s) for s in m.get("sources", []))
    by_file = {s.file: s for s in sources}

    b.top_docs = [top.manifest, *top.content] if len(layers) > 1 else []
    for layer in layers:
        for doc in layer.content:
            _add_items(b, doc, layer.broken, by_file)
            _apply_overlay(b, doc, layer.broken)
    _check_sections(b, by_file, source_where)

    # questions
    question_raw = b.unique("questions")
    for doc, path, q in question_raw:
        qtype = q["type"]
        choices = tuple(normalize_choice(c) for c in q.get("choices", []))
        if qtype == "choice" and not choices:
            b.err(doc, path + ("type",), "a choice question needs `choices:`", "choices")
        if qtype != "choice" and choices:
            b.err(doc, path + ("choices",), f"`choices` only applies to type choice (this is {qtype})", "choices", key=True)
        lo, hi = q.get("min"), q.get("max")
        if qtype == "percent":
            lo = 0.0 if lo is None else lo
            hi = 100.0 if hi is None else hi
        elif qtype in ("money", "days"):
            lo = 0.0 if lo is None else lo
        b.questions[q["id"]] = Question(
            q["id"], _text(q, "text"), _text(q, "help"), _text(q, "section"), qtype, choices,
            bool(q.get("ordered", False)), _text(q, "unit"), lo, hi, _text(q, "source"), b.loc(doc, path),
            quick=bool(q.get("quick", False)), applies_when=_applies_when(b, "questions", q, doc, path),
            replaces=tuple(q.get("replaces", ())))

    # metrics
    metric_raw = b.unique("metrics")
    for doc, path, mt in metric_raw:
        unit = mt["unit"]
        _, dlo, dhi = UNITS[unit]
        derive = mt.get("derive") or {}
        formula = _formula(derive["formula"]) if "formula" in derive else None
        b.metrics[mt["id"]] = Metric(
            mt["id"], _text(mt, "name"), unit, mt["better"],
            float(mt["min"]) if "min" in mt else dlo, float(mt["max"]) if "max" in mt else dhi,
            _text(mt, "description"), _text(mt, "source"), derive.get("compute"), formula, b.loc(doc, path),
            quick=bool(mt.get("quick", False)), applies_when=_applies_when(b, "metrics", mt, doc, path))
    deps: dict[str, set[str]] = {}
    for doc, path, mt in metric_raw:
        met = b.metrics[mt["id"]]
        refs = set(COMPUTATIONS[met.compute].needs) if met.compute else formula_refs(met.formula) if met.formula else set()
        for r in sorted(refs):
            if r not in b.metrics and ("metric", r) not in b.broken_refs:
                b.err(doc, path + ("derive",), f"metric {met.id!r} is derived from unknown metric {r!r}"
                      f"{did_you_mean(r, b.metrics)}", "unknown-metric")
        deps[met.id] = refs & set(b.metrics)
    retired = _check_old_ids(b, question_raw, retired_where, m)
    for cyc in _cycles(deps):
        doc, path, _ = next(x for x in metric_raw if x[2]["id"] == cyc[0])
        b.err(doc, path + ("derive",), f"derived metrics form a cycle: {' -> '.join(cyc + [cyc[0]])}", "cycle")

    # benchmarks
    bench_raw = b.unique("benchmarks")
    b.benchmark_ids = {x[2]["id"] for x in bench_raw}
    benchmarks = []
    for doc, path, bm in bench_raw:
        if bm["metric"] in b.disabled and bm["metric"] not in b.metrics:
            b.err(doc, path + ("metric",), f"metric {bm['metric']!r} is disabled by the extending pack but used "
                  "here; disable or override this item too", "uses-disabled")
            continue
        if bm["metric"] not in b.metrics:
            if ("metric", bm["metric"]) in b.broken_refs:
                continue
            b.err(doc, path + ("metric",), f"unknown metric {bm['metric']!r}{did_you_mean(bm['metric'], b.metrics)}",
                  "unknown-metric")
            continue
        target = b.value_test(*b.at("benchmarks", bm, doc, path, "target"), bm["target"], bm["metric"])
        applies = (b.condition(*b.at("benchmarks", bm, doc, path, "applies_when"), bm["applies_when"])
                   if "applies_when" in bm else None)
        bands = []
        for j, band in enumerate(bm.get("bands", [])):
            leaf = b.value_test(doc, path + ("bands", j, "when"), band["when"], bm["metric"])
            if leaf is not None:
                bands.append(Band(leaf, band["label"], _text(band, "source") or _text(bm, "source")))
        if target is not None:
            benchmarks.append(Benchmark(bm["id"], bm["metric"], target, _text(bm, "target_text"), applies,
                                        tuple(bands), _text(bm, "source"), _text(bm, "notes"), b.loc(doc, path)))

    # stages
    stages = []
    stage_raw = b.unique("stages")
    if stage_raw:
        ids = [s["id"] for _, _, s in stage_raw]
        if ids != list(PHASES):
            doc, path, _ = stage_raw[0]
            b.err(doc, path[:1], f"stages must be exactly {', '.join(PHASES)} in this order (found {', '.join(ids)})",
                  "stages")
        stages = [Stage(s["id"], s["name"], s["description"], _text(s, "source")) for _, _, s in stage_raw]
    else:
        stages = [Stage(p, p.capitalize(), DEFAULT_STAGES[p], "") for p in PHASES]
    maturity = tuple(
        MaturityStage(s["id"], s["name"], s["description"],
                      tuple(Service(v["id"], v["title"], _text(v, "description")) for v in s.get("services", [])),
                      _text(s, "source"))
        for _, _, s in b.unique("maturity_stages"))

    # actions
    action_raw = b.unique("actions")
    action_ids = {a["id"] for _, _, a in action_raw}
    actions: list[Action] = []
    phase_of = {a["id"]: a["phase"] for _, _, a in action_raw}
    for doc, path, a in action_raw:
        if a["area"] not in area_ids:
            b.err(doc, path + ("area",), f"unknown area {a['area']!r}{did_you_mean(a['area'], area_ids)} "
                  f"(areas are declared in pack.yaml: {one_of(area_ids)})", "unknown-area")
        when = b.condition(*b.at("actions", a, doc, path, "when"), a["when"]) if "when" in a else None
        done = b.condition(*b.at("actions", a, doc, path, "done_when"), a["done_when"]) if "done_when" in a else None
        for j, r in enumerate(a.get("requires", [])):
            if r in b.broken_ids:
                continue
            if r not in action_ids and r in b.disabled:
                b.err(doc, path + ("requires", j), f"prerequisite {r!r} is disabled by the extending pack; "
                      f"disable or override {a['id']!r} too", "uses-disabled")
            elif r not in action_ids:
                b.err(doc, path + ("requires", j), f"unknown prerequisite {r!r}{did_you_mean(r, action_ids)}",
                      "unknown-action")
            elif PHASES.index(phase_of[r]) > PHASES.index(a["phase"]):
                b.err(doc, path + ("requires", j), f"{a['id']!r} ({a['phase']}) requires {r!r}, which comes in a "
                      f"later phase ({phase_of[r]}); a prerequisite must be in the same or an earlier phase",
                      "prerequisite-phase")
        if "when" not in a and "done_when" not in a:
            b.err(doc, path, f"action {a['id']!r} has neither `when` nor `done_when`, so it would always fire; "
                  "add `done_when` saying what shows the practice is in place", "unconditional", severity="warning")
        actions.append(Action(
            a["id"], _text(a, "title"), _text(a, "description"), a["phase"], a.get("tier"), a["area"],
            a.get("impact", "medium"), a.get("effort", "medium"), when, done,
            tuple(r for r in a.get("requires", []) if r in action_ids), _text(a, "source"), _text(a, "notes"),
            b.loc(doc, path), milestone=bool(a.get("milestone", False))))
    for cyc in _cycles({a.id: set(a.requires) for a in actions}):
        doc, path, _ = next(x for x in action_raw if x[2]["id"] == cyc[0])
        b.err(doc, path + ("requires",), f"prerequisites form a cycle: {' -> '.join(cyc + [cyc[0]])}", "cycle", key=True)

    checklists = []
    for doc, path, c in b.unique("checklists"):
        items = []
        item_ids: set[str] = set()
        for j, it in enumerate(c["items"]):
            if it["id"] in item_ids:
                b.err(doc, path + ("items", j, "id"), f"duplicate checklist item id {it['id']!r}", "duplicate-id")
            item_ids.add(it["id"])
            cond = b.condition(doc, path + ("items", j, "done_when"), it["done_when"])
            if cond is not None:
                items.append(ChecklistItem(it["id"], it["text"], cond, _text(it, "source") or _text(c, "source")))
        checklists.append(Checklist(c["id"], c["title"], tuple(items), _text(c, "source")))

    lint_pack(b, action_raw, actions, benchmarks, checklists, metric_raw)
    consistency(b, actions, benchmarks)
    broken_references(b, area_ids, action_ids)
    rule = _stage_rule(m.get("stage_rule") or {})
    errors = [p for p in b.problems if p.severity == "error"]
    if errors:
        raise InvalidInput(b.problems)
    pack = Pack(
        id=m["id"], name=m["name"], version=m["version"], engine=str(m["engine"]),
        description=_text(m, "description"), areas=areas, sources=sources,
        complete_share=rule.in_place_share, stage_rule=rule, retired=retired,
        stages=tuple(stages), maturity_stages=maturity, questions=dict(b.questions),
        metrics=dict(b.metrics), benchmarks=tuple(benchmarks), actions=tuple(actions),
        checklists=tuple(checklists), root=str(top.root), content_hash="sha256:" + hasher.hexdigest(),
        files=tuple(d.file for layer in layers for d in [layer.manifest, *layer.content]),
        warnings=tuple(b.problems), disabled=tuple(sorted(b.disabled)),
    )
    return pack, m, b.raw, tuple(seen)


def _stage_rule(raw: dict[str, Any]) -> StageRule:
    # `complete_share` is the older name of `in_place_share`, still accepted
    share = raw.get("in_place_share", raw.get("complete_share", 0.75))
    return StageRule(float(share), _text(raw, "note"))


def _raw_subjects(node: Any) -> Iterator[str]:
    """The subject of every leaf of a raw condition, before it is compiled."""
    if isinstance(node, dict):
        for k, v in node.items():
            if k in ops.SUBJECTS:
                yield k
            elif k in ops.COMBINATORS:
                yield from _raw_subjects(v)
    elif isinstance(node, list):
        for v in node:
            yield from _raw_subjects(v)


def _applies_when(b: _Builder, kind: str, item: dict[str, Any], doc: Document, path: PathKey) -> Condition | None:
    """A question's or metric's `applies_when`: whether it is asked at all is
    decided before any answer is read, so only the partner's profile may be tested."""
    if "applies_when" not in item:
        return None
    where = b.at(kind, item, doc, path, "applies_when")
    others = sorted(set(_raw_subjects(item["applies_when"])) - {"profile"})
    if others:
        b.err(*where, f"applies_when of {kind[:-1]} {item['id']!r} may test only the partner's profile "
              f"({one_of(ops.PROFILE_FIELDS)}), not {' or '.join(others)}: it decides whether the "
              f"{kind[:-1]} is asked before any answer is read; e.g. {{profile: focus, contains: managed_services}}",
              "applies-when-subject")
        return None
    return b.condition(*where, item["applies_when"])


def _check_old_ids(b: _Builder, question_raw: list[tuple[Document, PathKey, dict[str, Any]]],
                   manifest_doc: Document, m: dict[str, Any]) -> dict[str, str]:
    """`replaces:` of questions and pack-level `retired:`: an old id must not be
    a current question or metric id, nor be taken over twice."""
    current = set(b.questions) | set(b.metrics)
    claimed: dict[str, str] = {}
    for doc, path, q in question_raw:
        for j, old in enumerate(q.get("replaces", ())):
            if old in current:
                b.err(doc, path + ("replaces", j), f"{q['id']!r} replaces {old!r}, which is still a question or "
                      "metric of the pack; an id can be replaced only once it is gone", "replaces-current")
            elif old in claimed and claimed[old] != q["id"]:
                b.err(doc, path + ("replaces", j), f"{old!r} is replaced by both {claimed[old]!r} and {q['id']!r}; "
                      "list it under `retired:` in pack.yaml with a message if it has no single successor",
                      "replaces-twice")
            else:
                claimed[old] = q["id"]
    retired: dict[str, str] = {}
    for i, r in enumerate(m.get("retired") or []):
        rid = r["id"]
        if rid in current or rid in claimed:
            what = "a current question or metric" if rid in current else f"replaced by {claimed[rid]!r}"
            b.err(manifest_doc, ("retired", i, "id"), f"retired id {rid!r} is {what}; drop it from `retired:`",
                  "retired-current")
            continue
        retired[rid] = _text(r, "message")
    return retired


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Each elementary cycle found by DFS, reported once, from its smallest id."""
    found: list[list[str]] = []
    seen_sets: set[frozenset[str]] = set()
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> None:
        state[n] = 1
        stack.append(n)
        for nxt in sorted(graph.get(n, ())):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):]
                key = frozenset(cyc)
                if key not in seen_sets:
                    seen_sets.add(key)
                    i = cyc.index(min(cyc))
                    found.append(cyc[i:] + cyc[:i])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[n] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return found
