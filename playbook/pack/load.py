"""Loading a rule pack in stages: YAML, JSON Schema, then cross-references.

Every problem in every file is collected and raised at once as InvalidInput.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from playbook import ENGINE_VERSION
from playbook.base.model import (
    PHASES,
    Action,
    Area,
    Band,
    Benchmark,
    Checklist,
    ChecklistItem,
    MaturityStage,
    Metric,
    Pack,
    Question,
    Service,
    Stage,
)
from playbook.base.suggest import did_you_mean, one_of
from playbook.base.values import UNITS, normalize_choice
from playbook.base.yamlio import Document, PathKey
from playbook.errors import InvalidInput
from playbook.pack import cache as pack_cache
from playbook.pack.build import _SUBJECT_OF as _SUBJECT_OF
from playbook.pack.build import KINDS as KINDS
from playbook.pack.build import _add_items as _add_items
from playbook.pack.build import _applies_when as _applies_when
from playbook.pack.build import _Builder as _Builder
from playbook.pack.build import _check_old_ids as _check_old_ids
from playbook.pack.build import _formula as _formula
from playbook.pack.build import _raw_subjects as _raw_subjects
from playbook.pack.build import _stage_rule as _stage_rule
from playbook.pack.build import _text as _text
from playbook.pack.computations import COMPUTATIONS, formula_refs
from playbook.pack.lint import broken_references, consistency, lint_pack
from playbook.pack.overlay import _apply_overlay as _apply_overlay

# The stages live in sibling modules; their names are re-exported here so that
# `from playbook.pack.load import ...` keeps working.
from playbook.pack.read import DEFAULT_PACK as DEFAULT_PACK
from playbook.pack.read import _extends_target as _extends_target
from playbook.pack.read import _Layer as _Layer
from playbook.pack.read import _read_layer as _read_layer
from playbook.pack.read import _resolve_extends as _resolve_extends
from playbook.pack.read import is_pack_path as is_pack_path
from playbook.pack.read import resolve_pack_dir as resolve_pack_dir
from playbook.pack.sources import _check_sections as _check_sections
from playbook.pack.sources import _check_source as _check_source
from playbook.pack.sources import _norm_section as _norm_section
from playbook.pack.sources import _norm_sections as _norm_sections
from playbook.pack.sources import _source as _source
from playbook.pack.sources import _source_strings as _source_strings

DEFAULT_STAGES = {
    "start": "Put the basics of a cloud practice in place.",
    "grow": "Expand revenue and deepen customer relationships.",
    "optimize": "Refine, automate and scale what works.",
}


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


def _check_engine(b: _Builder, manifest_doc: Document) -> None:
    spec = str(manifest_doc.data["engine"])
    compat = engine_compatible(spec)
    if compat is None:
        b.err(manifest_doc, ("engine",), f"cannot read the engine range {spec!r}; write it like '>=0.1,<1'", "engine")
    elif not compat:
        b.err(manifest_doc, ("engine",), f"this pack needs engine {spec}, but this is playbook "
              f"{ENGINE_VERSION}; upgrade playbook or use a pack made for this version", "engine")


def load_pack(spec: str | Path | None = None) -> Pack:
    """The validated pack. A validated pack is cached per user (playbook/pack/cache.py:
    data only, checked against every YAML file of every layer), because
    validating it again costs more than the rest of a run.
    PLAYBOOK_NO_CACHE=1 turns the cache off."""
    name = pack_cache.cache_file(resolve_pack_dir(str(spec) if spec is not None else None).resolve())
    if name is not None:
        hit = pack_cache.read(name, _extends_target)
        if hit is not None:
            return hit
    with pack_cache.recording() as seen:  # the bytes parsed, for the cache entry's digest
        pack, _, _, layer_dirs = _load(spec)
    if name is not None:
        pack_cache.write(name, pack, layer_dirs, seen)
    return pack


def resolved_yaml(spec: str | Path | None = None) -> str:
    """The pack as it will be evaluated, after `extends`, overrides and disables."""
    from playbook.base.yamlio import dump

    pack, manifest, raw, _ = _load(spec)
    out: dict[str, Any] = {k: v for k, v in manifest.items() if k != "extends"}
    out["content_hash"] = pack.content_hash
    for kind in KINDS:
        if raw[kind]:
            out[kind] = [item for _, _, item in raw[kind]]
    return dump(out)


_Raw = dict[str, list[tuple[Document, PathKey, dict[str, Any]]]]
_Items = list[tuple[Document, PathKey, dict[str, Any]]]


def _load(spec: str | Path | None) -> tuple[Pack, dict[str, Any], _Raw, tuple[Path, ...]]:
    """Read every layer, build and cross-check the items, lint: the pack, its
    merged manifest, the raw items and the layer folders."""
    root = resolve_pack_dir(str(spec) if spec is not None else None).resolve()
    b = _Builder(root)
    hasher = hashlib.sha256()
    layers, seen = _read_chain(root, b, hasher)
    top = layers[-1]
    m, source_where, retired_where = _merged_manifest(layers)
    for layer in layers[:-1]:
        _check_engine(b, layer.manifest)
    _check_engine(b, top.manifest)
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

    question_raw = _questions(b)
    metric_raw, deps = _metrics(b)
    retired = _check_old_ids(b, question_raw, retired_where, m)
    for cyc in _cycles(deps):
        doc, path, _ = next(x for x in metric_raw if x[2]["id"] == cyc[0])
        b.err(doc, path + ("derive",), f"derived metrics form a cycle: {' -> '.join(cyc + [cyc[0]])}", "cycle")
    benchmarks = _benchmarks(b)
    stages, maturity = _stages(b)
    action_raw, action_ids, actions = _actions(b, area_ids)
    checklists = _checklists(b)

    lint_pack(b, action_raw, actions, benchmarks, checklists, metric_raw)
    consistency(b, actions, benchmarks, checklists)
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


def _read_chain(root: Path, b: _Builder, hasher: Any) -> tuple[list[_Layer], list[Path]]:
    """The pack and the packs it extends, base first; a cycle of `extends` is an error."""
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
    return layers, seen


def _merged_manifest(layers: list[_Layer]) -> tuple[dict[str, Any], dict[str, tuple[Document, int]], Document]:
    """The top pack's manifest, with areas and sources accumulated along the
    chain and stage_rule / retired inherited when the top pack has none; also
    where each source is listed and which manifest's `retired:` is used."""
    manifest_doc = layers[-1].manifest
    m: dict[str, Any] = dict(manifest_doc.data)
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
    return m, source_where, retired_where


def _questions(b: _Builder) -> _Items:
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
            replaces=tuple(q.get("replaces", ())), also_asks=tuple(q.get("also_asks", ())))
    return question_raw


def _metrics(b: _Builder) -> tuple[_Items, dict[str, set[str]]]:
    """The metrics, and what each derived one is derived from (for the cycle check)."""
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
    return metric_raw, deps


def _benchmarks(b: _Builder) -> list[Benchmark]:
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
    return benchmarks


def _stages(b: _Builder) -> tuple[list[Stage], tuple[MaturityStage, ...]]:
    """The three phases (exactly Start, Grow, Optimize) and the maturity stages."""
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
    return stages, maturity


def _actions(b: _Builder, area_ids: set[str]) -> tuple[_Items, set[str], list[Action]]:
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
        _check_requires(b, doc, path, a, action_ids, phase_of)
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
    return action_raw, action_ids, actions


def _check_requires(b: _Builder, doc: Document, path: PathKey, a: dict[str, Any], action_ids: set[str],
                    phase_of: dict[str, str]) -> None:
    """An action's prerequisites exist, are not disabled, and come no later than it."""
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


def _checklists(b: _Builder) -> list[Checklist]:
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
    return checklists


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

