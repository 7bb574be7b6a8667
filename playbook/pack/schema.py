"""JSON Schemas, generated from the registries so code and schema cannot drift.

`playbook schema --out schemas/` writes them; a test checks that the copies
in `schemas/` equal what this module generates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from playbook.base import operators as ops
from playbook.base import values
from playbook.base.model import BETTER, LEVELS, PHASES, TIERS
from playbook.base.values import QUESTION_TYPES, UNITS
from playbook.pack.result_schema import result_schema as result_schema
from playbook.pack.schema_parts import BASE, DRAFT, ID, TEXT
from playbook.pack.schema_parts import obj as _obj

SOURCE = {"type": "string", "pattern": "^\\S+ § .+$",
          "description": "<guide file> § <section heading>"}
SCALAR = {"type": ["string", "number", "boolean"]}
NUM = {"type": "number"}
# a bound beyond what an answer may give means nothing, and 400 digits would overflow float()
BOUND = {"type": "number", "minimum": -int(values.MAX_MAGNITUDE), "maximum": int(values.MAX_MAGNITUDE)}
# An answer meaning "does not apply to this partner": n/a, N/A, na, not applicable.
NOT_APPLICABLE_PATTERN = r"^\s*(?:[nN]\s*/?\s*[aA]|[nN][oO][tT][\s_-]+[aA][pP][pP][lL][iI][cC][aA][bB][lL][eE])\s*$"
NOT_APPLICABLE = {"type": "string", "pattern": NOT_APPLICABLE_PATTERN, "description": "does not apply"}


# the words values.parse_bool reads, so an editor accepts what the CLI accepts
_YESNO_WORDS = tuple(sorted(values.TRUE_WORDS)) + tuple(sorted(values.FALSE_WORDS))

def _operand(op: ops.Operator) -> dict[str, Any]:
    if op.operand == "flag":
        return {"const": True}
    if op.operand == "list":
        return {"type": "array", "items": SCALAR, "minItems": 1}
    if op.operand == "pair":
        return {"type": "array", "items": SCALAR, "minItems": 2, "maxItems": 2}
    return SCALAR


def condition_schema() -> dict[str, Any]:
    props: dict[str, Any] = {
        "all": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1},
        "any": {"type": "array", "items": {"$ref": "#/$defs/condition"}, "minItems": 1},
        "not": {"$ref": "#/$defs/condition"},
        "question": ID, "metric": ID, "finding": ID,
        "profile": {"enum": sorted(ops.PROFILE_FIELDS)},
        "status": {"enum": list(ops.FINDING_STATUSES)},
    }
    for name, op in ops.OPERATORS.items():
        props[name] = {**_operand(op), "description": f"the subject {op.words} this value"}
    return {"type": "object", "properties": props, "additionalProperties": False,
            "minProperties": 1, "description": "all / any / not, or a leaf: one subject and one operator"}


def value_test_schema() -> dict[str, Any]:
    """A bound on a metric's own value (benchmark targets and bands)."""
    props = {n: _operand(ops.OPERATORS[n]) for n in ops.TARGET_OPERATORS}
    return {"type": "object", "properties": props, "additionalProperties": False,
            "minProperties": 1, "maxProperties": 1}


def _formula() -> dict[str, Any]:
    arith = {k: {"type": "array", "items": {"$ref": "#/$defs/formula"}, "minItems": 2}
             for k in ("add", "sub", "mul", "div", "min", "max")}
    return {"oneOf": [{"type": "number"},
                      {"type": "object", "properties": {"metric": ID, **arith},
                       "additionalProperties": False, "minProperties": 1, "maxProperties": 1}]}


def pack_file_schema() -> dict[str, Any]:
    items = _pack_items()

    def arr(s: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": s}

    def partial(s: dict[str, Any]) -> dict[str, Any]:
        return {**s, "required": ["id"]}

    overlay = {
        "override": {"type": "object", "additionalProperties": False,
                     "description": "change fields of items of the extended pack, by id",
                     "properties": {k: arr(partial(v)) for k, v in items.items()}},
        "disable": {"type": "object", "additionalProperties": False,
                    "description": "remove items of the extended pack, by id",
                    "properties": {k: {"type": "array", "items": ID} for k in items}},
    }
    return {
        "$schema": DRAFT, "$id": BASE + "pack-file.schema.json",
        "title": "playbook rule-pack content file",
        "type": "object", "additionalProperties": False,
        "properties": {**{k: arr(v) for k, v in items.items()}, **overlay},
        "$defs": {"condition": condition_schema(), "value_test": value_test_schema(), "formula": _formula()},
    }


_COND = {"$ref": "#/$defs/condition"}
_COMMON = {"source": SOURCE, "notes": {"type": "string"}}


def _pack_items() -> dict[str, dict[str, Any]]:
    """The schema of each kind of pack item, in the order a pack file lists them."""
    cond, common = _COND, _COMMON
    stage = _obj(["id", "name", "description"], {"id": ID, "name": TEXT, "description": TEXT, **common})
    service = _obj(["id", "title"], {"id": ID, "title": TEXT, "description": {"type": "string"}, **common})
    maturity = _obj(["id", "name", "description", "services"], {
        "id": ID, "name": TEXT, "description": TEXT,
        "services": {"type": "array", "items": service}, **common})
    question, metric = _asked_items()
    band = _obj(["when", "label"], {"when": {"$ref": "#/$defs/value_test"}, "label": TEXT, **common})
    benchmark = _obj(["id", "metric", "target", "target_text"], {
        "id": ID, "metric": ID, "target": {"$ref": "#/$defs/value_test"}, "target_text": TEXT,
        "applies_when": cond, "bands": {"type": "array", "items": band}, **common})
    action = _obj(["id", "title", "phase", "area"], {
        "id": ID, "title": TEXT, "description": {"type": "string"},
        "phase": {"enum": list(PHASES)}, "tier": {"enum": [*TIERS, None]},
        "area": ID, "impact": {"enum": list(LEVELS)}, "effort": {"enum": list(LEVELS)},
        "when": cond, "done_when": cond,
        "requires": {"type": "array", "items": ID, "uniqueItems": True},
        "milestone": {"type": "boolean", "description": "an item of the guide's Start/Grow/Optimize lists; "
                                                        "only milestones decide the stage"},
        **common})
    item = _obj(["id", "text", "done_when"], {"id": ID, "text": TEXT, "done_when": cond, **common})
    checklist = _obj(["id", "title", "items"], {
        "id": ID, "title": TEXT, "items": {"type": "array", "items": item, "minItems": 1}, **common})
    return {"stages": stage, "maturity_stages": maturity, "questions": question, "metrics": metric,
            "benchmarks": benchmark, "actions": action, "checklists": checklist}


def _asked_items() -> tuple[dict[str, Any], dict[str, Any]]:
    """Questions and metrics: what the partner is asked."""
    from playbook.pack.computations import COMPUTATIONS

    cond, common = _COND, _COMMON
    asked = {
        "quick": {"type": "boolean", "description": "part of the short questionnaire (init --quick)"},
        "applies_when": {**cond, "description": "profile conditions only: when false for the partner, "
                                                "not asked and never reported as not assessed"},
    }
    question = _obj(["id", "text", "type", "section"], {
        "id": ID, "text": TEXT, "help": {"type": "string"}, "section": TEXT,
        "type": {"enum": list(QUESTION_TYPES)},
        "choices": {"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": True},
        "ordered": {"type": "boolean"}, "unit": {"type": "string"},
        "min": BOUND, "max": BOUND, **asked,
        "replaces": {"type": "array", "items": ID, "uniqueItems": True,
                     "description": "retired question ids whose answers are read as this question"},
        "also_asks": {"type": "array", "items": SOURCE, "uniqueItems": True,
                      "description": "guide passages beyond `source` whose practice the question's text and "
                                     "help ask as they stand; a done_when citing another passage is warned"},
        **common})
    metric = _obj(["id", "name", "unit", "better"], {
        "id": ID, "name": TEXT, "unit": {"enum": list(UNITS)}, "better": {"enum": list(BETTER)},
        "min": BOUND, "max": BOUND, "description": {"type": "string"},
        "track_only": {"type": "boolean",
                       "description": "shown in reports although no benchmark or rule uses it"},
        "derive": {"type": "object", "properties": {
            "compute": {"enum": sorted(COMPUTATIONS)}, "formula": {"$ref": "#/$defs/formula"}},
            "additionalProperties": False, "minProperties": 1, "maxProperties": 1},
        **asked, **common})
    return question, metric


def manifest_schema() -> dict[str, Any]:
    share = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    return {
        "$schema": DRAFT, "$id": BASE + "pack.schema.json",
        "title": "playbook rule-pack manifest (pack.yaml)",
        **_obj(["id", "name", "version", "engine"], {
            "id": ID, "name": TEXT,
            "version": {"type": "string", "pattern": r"^(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:[-+][0-9A-Za-z.-]+)?$",
                        "description": "a semantic version such as 1.2.0 (quote it in YAML: \"1.2.0\")"},
            "engine": {"type": "string", "description": "engine versions, e.g. '>=0.1,<1'"},
            "description": {"type": "string"},
            "extends": {"type": "string", "description": "a bundled pack id, or a path to a pack folder"},
            "areas": {"type": "array", "items": _obj(["id", "name"], {"id": ID, "name": TEXT})},
            "sources": {"type": "array", "items": _obj(["file"], {
                "file": TEXT, "title": {"type": "string"},
                "note": {"type": "string", "description": "how the pack uses this file"},
                "sections": {
                    "type": "array",
                    "description": "every section of the file, in order; citations must name one of them",
                    "items": {"oneOf": [
                        TEXT,
                        _obj(["section", "not_encoded"], {
                            "section": TEXT,
                            "not_encoded": {"type": "string", "minLength": 1,
                                            "description": "why no pack item encodes this section"}}),
                    ]},
                },
            })},
            "stage_rule": _obj([], {
                "in_place_share": {**share, "description": "the share of a phase's applicable, answered "
                                                          "milestones that makes the phase in place"},
                "complete_share": {**share, "description": "older name of in_place_share"},
                "note": {"type": "string", "description": "the rule in the pack's own words, shown in "
                                                          "the report as the pack's reading of the guide"}}),
            "retired": {"type": "array", "description": "question or metric ids with no single successor",
                        "items": _obj(["id", "message"], {"id": ID, "message": TEXT})},
        }),
    }


def _words_pattern(words: Any) -> str:
    """A regex matching any of `words` in any case, with spaces, hyphens or
    slashes for underscores (what values.normalize_choice accepts)."""
    def one(word: str) -> str:
        return "".join("[\\s/_-]+" if ch in "_ -/" else f"[{ch.lower()}{ch.upper()}]" if ch.isalpha()
                       else re.escape(ch) for ch in word)
    return "^\\s*(?:" + "|".join(one(w) for w in words) + ")\\s*$"


def answers_schema(pack: Any | None = None, labels: Mapping[str, Sequence[str]] | None = None) -> dict[str, Any]:
    """The answers file; with a pack, question and metric ids are spelled out
    so editors can autocomplete them. `labels`: question id -> the words a
    translation gives its choices (pack.translations.choice_labels), which an
    answer may use as well as the ids."""
    answer_props, metric_props = _id_properties(pack, labels or {}) if pack is not None else ({}, {})
    customer = _obj(["name", "stage"], {
        "name": {"type": "string", "maxLength": 200},
        "stage": ({"anyOf": [{"enum": [s.id for s in pack.maturity_stages]},
                             {"type": "string", "pattern": _words_pattern([s.id for s in pack.maturity_stages])}]}
                  if pack is not None else TEXT),
        "revenue": {"type": ["number", "string"]},
        "renewal_date": {"type": "string"},
    })
    return {
        "$schema": DRAFT, "$id": BASE + "answers.schema.json",
        "title": "playbook answers file",
        "type": "object", "additionalProperties": False,
        "properties": {
            "partner": {"type": ["object", "null"], "properties": {
                "name": {"type": ["string", "null"], "maxLength": 200},
                "assessed_on": {"type": ["string", "null"]},
                "years_in_cloud": {"type": ["number", "string", "null"]},
                "focus": {"type": ["array", "null"], "items": {"enum": list(ops.FOCUS_VALUES)}},
                "primary_focus": {"enum": [*ops.FOCUS_VALUES, None],
                                  "description": "the line of business you lead with (selects the managed-"
                                                 "services attach target)"},
                "currency": {"type": ["string", "null"]},
                "language": {"type": ["string", "null"], "maxLength": 35,
                             "description": "the report's language and how numbers are written: de reads "
                                            "1.200,50 as 1200.5 (a tag such as de or de-DE)"},
                "contact": {"type": "string"}, "industry": {"type": "string"},
                "region": {"type": "string"}, "notes": {"type": "string"},
            }, "additionalProperties": False},
            "answers": {"type": ["object", "null"], "properties": answer_props,
                        **({"additionalProperties": False} if pack is not None else {})},
            "metrics": {"type": ["object", "null"], "properties": metric_props,
                        **({"additionalProperties": False} if pack is not None else {})},
            "nps_responses": {"type": ["array", "null"],
                              "items": {"type": "integer", "minimum": 0, "maximum": 10}},
            "customers": {"anyOf": [{"type": ["array", "null"], "items": customer},
                                    {"type": "string", "maxLength": 500,
                                     "description": "a CSV export, relative to the answers file"},
                                    {"type": "object", "required": ["file"], "additionalProperties": False,
                                     "description": "a CSV export and what its columns are",
                                     "properties": {"file": {"type": "string", "maxLength": 500},
                                                    "columns": {"type": ["object", "null"], "maxProperties": 50,
                                                                "additionalProperties": {"type": "string",
                                                                                         "maxLength": 200}}}}]},
        },
    }


def _id_properties(pack: Any, labels: Mapping[str, Sequence[str]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The pack's question and metric ids, each with its title and the values it takes."""
    answer_props: dict[str, Any] = {}
    metric_props: dict[str, Any] = {}
    for q in pack.questions.values():
        s: dict[str, Any]
        # A blank answer (null) means "not assessed". Words are accepted the
        # way the CLI reads them (any case, spaces or hyphens for _), while
        # the enum still gives editors the canonical values to offer.
        if q.type == "yesno":
            s = {"anyOf": [{"enum": [True, False, "yes", "no", None]},
                           {"type": "string", "pattern": _words_pattern(_YESNO_WORDS)},
                           NOT_APPLICABLE]}
        elif q.type == "choice":
            # a choice may also be answered by its label in a shipped translation (einige for some)
            s = {"anyOf": [{"enum": [*q.choices, None]},
                           {"type": "string", "pattern": _words_pattern([*q.choices, *labels.get(q.id, ())])},
                           NOT_APPLICABLE]}
        elif q.type == "date":
            s = {"anyOf": [{"type": "null"}, {"type": "string", "format": "date"}, NOT_APPLICABLE]}
        else:
            s = {"type": ["number", "string", "null"]}
        answer_props[q.id] = {**s, "title": q.text, "description": q.help}
    for m in pack.metrics.values():
        metric_props[m.id] = {"type": ["number", "string", "null"], "title": m.name,
                              "description": f"{m.description} ({m.unit})".strip()}
    # old ids still load (with a warning), so an editor must not flag them as unknown
    for q in pack.questions.values():
        for old in q.replaces:
            answer_props.setdefault(old, {"deprecated": True, "description": f"now asked as {q.id}"})
    for rid, message in getattr(pack, "retired", {}).items():
        for props in (answer_props, metric_props):
            props.setdefault(rid, {"deprecated": True, "description": message})
    return answer_props, metric_props


def all_schemas(pack: Any | None = None,
                labels: Mapping[str, Sequence[str]] | None = None) -> dict[str, dict[str, Any]]:
    return {
        "pack.schema.json": manifest_schema(),
        "pack-file.schema.json": pack_file_schema(),
        "answers.schema.json": answers_schema(pack, labels),
        "result.schema.json": result_schema(),
    }


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
