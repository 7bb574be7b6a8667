"""JSON Schemas, generated from the registries so code and schema cannot drift.

`playbook schema --out schemas/` writes them; a test checks that the copies
in `schemas/` equal what this module generates.
"""

from __future__ import annotations

import json
import re
from typing import Any

from playbook.base import operators as ops
from playbook.base import values
from playbook.base.model import BETTER, LEVELS, PHASES, TIERS
from playbook.base.values import QUESTION_TYPES, UNITS

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://playbook.example/schemas/"
ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
TEXT = {"type": "string", "minLength": 1}
SOURCE = {"type": "string", "pattern": "^\\S+ § .+$",
          "description": "<guide file> § <section heading>"}
SCALAR = {"type": ["string", "number", "boolean"]}
NUM = {"type": "number"}
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


def _obj(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props, "additionalProperties": False}


def _formula() -> dict[str, Any]:
    arith = {k: {"type": "array", "items": {"$ref": "#/$defs/formula"}, "minItems": 2}
             for k in ("add", "sub", "mul", "div", "min", "max")}
    return {"oneOf": [{"type": "number"},
                      {"type": "object", "properties": {"metric": ID, **arith},
                       "additionalProperties": False, "minProperties": 1, "maxProperties": 1}]}


def pack_file_schema() -> dict[str, Any]:
    from playbook.pack.computations import COMPUTATIONS

    cond = {"$ref": "#/$defs/condition"}
    common = {"source": SOURCE, "notes": {"type": "string"}}
    asked = {
        "quick": {"type": "boolean", "description": "part of the short questionnaire (init --quick)"},
        "applies_when": {**cond, "description": "profile conditions only: when false for the partner, "
                                                "not asked and never reported as not assessed"},
    }
    stage = _obj(["id", "name", "description"], {"id": ID, "name": TEXT, "description": TEXT, **common})
    service = _obj(["id", "title"], {"id": ID, "title": TEXT, "description": {"type": "string"}, **common})
    maturity = _obj(["id", "name", "description", "services"], {
        "id": ID, "name": TEXT, "description": TEXT,
        "services": {"type": "array", "items": service}, **common})
    question = _obj(["id", "text", "type", "section"], {
        "id": ID, "text": TEXT, "help": {"type": "string"}, "section": TEXT,
        "type": {"enum": list(QUESTION_TYPES)},
        "choices": {"type": "array", "items": {"type": "string"}, "minItems": 2, "uniqueItems": True},
        "ordered": {"type": "boolean"}, "unit": {"type": "string"},
        "min": NUM, "max": NUM, **asked,
        "replaces": {"type": "array", "items": ID, "uniqueItems": True,
                     "description": "retired question ids whose answers are read as this question"},
        **common})
    metric = _obj(["id", "name", "unit", "better"], {
        "id": ID, "name": TEXT, "unit": {"enum": list(UNITS)}, "better": {"enum": list(BETTER)},
        "min": NUM, "max": NUM, "description": {"type": "string"},
        "track_only": {"type": "boolean",
                       "description": "shown in reports although no benchmark or rule uses it"},
        "derive": {"type": "object", "properties": {
            "compute": {"enum": sorted(COMPUTATIONS)}, "formula": {"$ref": "#/$defs/formula"}},
            "additionalProperties": False, "minProperties": 1, "maxProperties": 1},
        **asked, **common})
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

    def arr(s: dict[str, Any]) -> dict[str, Any]:
        return {"type": "array", "items": s}

    def partial(s: dict[str, Any]) -> dict[str, Any]:
        return {**s, "required": ["id"]}

    items = {"stages": stage, "maturity_stages": maturity, "questions": question, "metrics": metric,
             "benchmarks": benchmark, "actions": action, "checklists": checklist}
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
        "properties": {
            "stages": arr(stage), "maturity_stages": arr(maturity), "questions": arr(question),
            "metrics": arr(metric), "benchmarks": arr(benchmark), "actions": arr(action),
            "checklists": arr(checklist), **overlay,
        },
        "$defs": {"condition": condition_schema(), "value_test": value_test_schema(), "formula": _formula()},
    }


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
        return "".join("[\\s/_-]+" if ch == "_" else f"[{ch.lower()}{ch.upper()}]" if ch.isalpha()
                       else re.escape(ch) for ch in word)
    return "^\\s*(?:" + "|".join(one(w) for w in words) + ")\\s*$"


def answers_schema(pack: Any | None = None) -> dict[str, Any]:
    """The answers file; with a pack, question and metric ids are spelled out
    so editors can autocomplete them."""
    answer_props: dict[str, Any] = {}
    metric_props: dict[str, Any] = {}
    if pack is not None:
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
                s = {"anyOf": [{"enum": [*q.choices, None]},
                               {"type": "string", "pattern": _words_pattern(q.choices)}, NOT_APPLICABLE]}
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
                                     "description": "a CSV export, relative to the answers file"}]},
        },
    }


def result_schema() -> dict[str, Any]:
    reason = _obj(["text"], {"text": TEXT, "subject": {"type": "string"}, "ref": {"type": "string"},
                              "observed": {}, "threshold": {}})
    finding = {"type": "object", "required": ["benchmark", "metric", "value", "status", "target", "source"],
               "properties": {
                   "benchmark": ID, "metric": ID, "value": {"type": ["number", "null"]},
                   "status": {"enum": list(ops.FINDING_STATUSES)}, "target": TEXT,
                   "gap": {"type": ["number", "null"]}, "band": {"type": ["string", "null"]},
                   "source": {"type": "string"}}}
    action = {"type": "object",
              "required": ["id", "title", "phase", "tier", "priority", "reasons", "source"],
              "properties": {
                  "id": ID, "title": TEXT, "description": {"type": "string"},
                  "phase": {"enum": list(PHASES)}, "tier": {"enum": [*TIERS, None]},
                  "area": {"type": "string"}, "impact": {"enum": list(LEVELS)},
                  "effort": {"enum": list(LEVELS)},
                  "priority": {"type": "integer", "minimum": 1}, "score": {"type": "number"},
                  "reasons": {"type": "array", "items": {"type": "string"}},
                  "evidence": {"type": "array", "items": reason},
                  "requires": {"type": "array", "items": ID},
                  "source": {"type": "string"}}}
    return {
        "$schema": DRAFT, "$id": BASE + "result.schema.json", "title": "playbook assessment result",
        "type": "object",
        "required": ["pack", "partner", "stage", "stage_reason", "metrics", "findings", "actions"],
        "properties": {
            "pack": {"type": "object", "required": ["id", "version"],
                     "properties": {"id": ID, "version": {"type": "string"}, "hash": {"type": "string"}}},
            "partner": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
            "language": {"type": "string", "description": "the language of the result's texts (a base tag: "
                                                          "en, de); ids and numbers do not change with it"},
            "stage": {"enum": list(PHASES)},
            "stage_reason": TEXT,
            "stage_status": {"enum": ["confirmed", "provisional"],
                             "description": "provisional when unanswered milestones could change the stage"},
            "stage_range": {"type": "array", "items": {"enum": list(PHASES)}, "minItems": 2, "maxItems": 2,
                            "description": "[lowest, highest]: the stages the blanks allow"},
            "deciding_questions": {
                "type": "array", "description": "the unanswered inputs that would settle a provisional stage, "
                                                "in the order to answer them",
                "items": _obj(["kind", "id", "text", "phase"], {
                    "kind": {"enum": ["question", "metric", "profile"]}, "id": {"type": "string"},
                    "text": {"type": "string"}, "phase": {"enum": list(PHASES)}})},
            "stage_advice": {
                "type": "array", "description": "the fewest answers that move the stage on (goal move) or confirm "
                                                "a provisional stage (goal confirm), worked out from the stage rule; "
                                                "with them the stage is `stage` with status `status`",
                "items": _obj(["goal", "stage", "status", "answers"], {
                    "goal": {"enum": ["move", "confirm"]}, "stage": {"enum": list(PHASES)},
                    "status": {"enum": ["confirmed", "provisional"]},
                    "answers": {"type": "array", "items": _obj(["kind", "id", "answer", "phase", "change"], {
                        "kind": {"enum": ["question"]}, "id": {"type": "string"}, "text": {"type": "string"},
                        "answer": {"type": "string", "description": "as written in an answers file"},
                        "phase": {"enum": list(PHASES)},
                        "change": {"type": "boolean", "description": "answered already: the answer means "
                                                                     "putting the milestone in place"}})}})},
            "answered": {"type": "object", "description": "how much of what was asked the file answered",
                         "properties": {
                             "questionnaire": {"enum": ["quick", "full"]},
                             "questions": {"type": "object", "properties": {
                                 "answered": {"type": "integer"}, "asked": {"type": "integer"}}},
                             "metrics": {"type": "object", "properties": {
                                 "answered": {"type": "integer"}, "asked": {"type": "integer"}}}}},
            "practices": {"type": "object", "description": "the practices that apply, and how many were assessed: "
                                                           "the one count every report shows",
                          "properties": {"assessed": {"type": "integer"}, "total": {"type": "integer"}}},
            "stage_rule": {"type": "object", "properties": {
                "in_place_share": {"type": "number"}, "note": {"type": "string"}}},
            "phases": {"type": "array", "items": {"type": "object", "properties": {
                "phase": {"enum": list(PHASES)}, "done": {"type": "integer"}, "open": {"type": "integer"},
                "not_assessed": {"type": "integer"}, "does_not_apply": {"type": "integer"},
                "status": {"enum": ["in_place", "not_in_place", "unknown", "empty"]},
                "milestones": {"type": "object", "properties": {
                    "done": {"type": "integer"}, "open": {"type": "integer"},
                    "not_assessed": {"type": "integer"}}}}}},
            "areas": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string"}, "score": {"type": ["integer", "null"]},
                "assessed": {"type": "integer", "description": "practices and KPIs of the area answered"},
                "total": {"type": "integer", "description": "practices and KPIs of the area that apply"},
                "does_not_apply": {"type": "integer"}}}},
            "not_assessed": {"type": "array", "items": {"type": "object", "properties": {
                "kind": {"type": "string"}, "id": {"type": "string"}, "text": {"type": "string"},
                "phase": {"enum": [*PHASES, None]}, "deciding": {"type": "boolean"}}}},
            "not_applicable": {"type": "array", "description": "questions and metrics that do not apply: "
                                                               "answered n/a, or ruled out by the profile",
                               "items": _obj(["kind", "id", "text", "reason"], {
                                   "kind": {"enum": ["question", "metric"]}, "id": {"type": "string"},
                                   "text": {"type": "string"}, "reason": {"enum": ["answered_na", "profile"]}})},
            "does_not_apply_actions": {"type": "array", "items": ID},
            "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
            "findings": {"type": "array", "items": finding},
            "actions": {"type": "array", "items": action},
            "customer_base": _customer_base(),
            "baseline": _baseline_schema(),
        },
    }


def _customer_base() -> dict[str, Any]:
    """The customer analysis (playbook/customers); null when no customers were given."""
    num = {"type": ["number", "null"]}
    named = {"type": "array", "items": {"type": "object", "required": ["name", "revenue", "clv"], "properties": {
        "name": {"type": "string"}, "revenue": num, "clv": num, "detail": {"type": "string"}}}}
    return {"type": ["object", "null"], "required": ["source", "rows", "active", "clv", "all_stars", "tiers",
                                                     "renewals", "stages"], "properties": {
        "source": {"type": "string"}, "rows": {"type": "integer"}, "active": {"type": "integer"},
        "ended": {"type": "integer"}, "with_revenue": {"type": "integer"}, "annual_revenue": num,
        "clv": {"type": "object", "required": ["method", "average"], "properties": {
            "method": {"type": "string"}, "churn_rate_annual": num, "churn_origin": {"enum": ["given", "derived", None]},
            "average": num, "cac": num, "clv_to_cac": num, "top": named, "source": {"type": "string"}}},
        "segments": {"type": "array", "items": {"type": "object", "properties": {
            "dimension": {"enum": ["size", "industry", "service", "roster"]}, "title": {"type": "string"},
            "not_given": {"type": "integer"}, "rows": {"type": "array", "items": {"type": "object", "properties": {
                "label": {"type": "string"}, "customers": {"type": "integer"}, "revenue": num,
                "average_revenue": num, "average_clv": num, "revenue_share": num, "clv_to_cac": num}}}}}},
        "all_stars": {"type": ["object", "null"], "properties": {
            "count": {"type": "integer"}, "customer_share": num, "revenue_share_top20": num, "top10_multiple": num,
            "top1_multiple": num, "top10_count": {"type": "integer"}, "top1_count": {"type": "integer"},
            "guide": {"type": "object"}, "customers": named, "source": {"type": "string"}}},
        "tiers": {"type": "array", "items": {"type": "object", "properties": {
            "name": {"type": "string"}, "min_revenue": num, "min_clv": num, "customers": {"type": "integer"},
            "revenue": num}}},
        "closest_to_next_tier": named,
        "renewals": {"type": "object", "properties": {
            "windows": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"enum": ["overdue", "d30", "d60", "d90", "d365"]}, "label": {"type": "string"},
                "days_from": {"type": "integer"}, "days_to": {"type": "integer"}, "customers": {"type": "integer"},
                "revenue": num, "step": {"type": "string"}, "names": named}}},
            "within_90_days": {"type": "object"}, "months": {"type": "array"},
            "no_renewal_date": {"type": "object"}, "source": {"type": "string"}}},
        "stages": {"type": "array", "items": {"type": "object", "properties": {
            "stage": {"type": ["string", "null"]}, "name": {"type": "string"}, "customers": {"type": "integer"},
            "revenue": num, "largest": {"type": "array", "items": {"type": "string"}}}}},
        "derived_metrics": {"type": "object", "additionalProperties": {"type": "number"}},
        "warnings": {"type": "array", "items": {"type": "string"}},
        "notes": {"type": "array", "items": {"type": "string"}},
    }}


def _baseline_schema() -> dict[str, Any]:
    """The comparison `playbook assess --baseline OLD` adds (see playbook/report/baseline.py)."""
    num = {"type": ["number", "null"]}
    ids = {"type": "array", "items": ID}
    kpi = _obj(["metric", "previous", "current", "change", "direction"], {
        "metric": ID, "previous": num, "current": num, "change": num,
        "direction": {"enum": ["better", "worse", "same", "new", "no_longer_given"]},
        "better": {"enum": ["higher", "lower"]},
        "status_then": {"type": ["string", "null"]}, "status_now": {"type": ["string", "null"]}})
    return _obj(["stage_then", "stage_now", "stage_change", "kpis", "actions", "not_comparable"], {
        "source": {"type": "string"}, "assessed_on": {"type": ["string", "null"]},
        "pack_version": {"type": "string"},
        "stage_then": {"type": "string"}, "stage_now": {"enum": list(PHASES)},
        "stage_change": {"enum": ["advanced", "fell_back", "unchanged"]},
        "kpis": {"type": "array", "items": kpi},
        "actions": _obj(["closed", "new", "still_open"], {"closed": ids, "new": ids, "still_open": ids}),
        "areas": {"type": "array", "items": _obj(["id", "previous", "current"], {
            "id": ID, "previous": {"type": ["integer", "null"]}, "current": {"type": ["integer", "null"]}})},
        "not_comparable": {"type": "array", "items": _obj(["kind", "id", "reason"], {
            "kind": {"type": "string"}, "id": {"type": "string"}, "reason": TEXT})},
    })


def all_schemas(pack: Any | None = None) -> dict[str, dict[str, Any]]:
    return {
        "pack.schema.json": manifest_schema(),
        "pack-file.schema.json": pack_file_schema(),
        "answers.schema.json": answers_schema(pack),
        "result.schema.json": result_schema(),
    }


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=False) + "\n"
