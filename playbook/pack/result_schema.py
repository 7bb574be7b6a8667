"""The JSON Schema of the result JSON (engine/result.py `to_dict`): every
top-level key described and no other allowed, so the schema and the JSON
cannot drift apart (tests/test_architecture.py checks it for every example).
`playbook schema` writes it beside the pack and answers schemas."""

from __future__ import annotations

from typing import Any

from playbook.base import operators as ops
from playbook.base.model import LEVELS, PHASES, TIERS
from playbook.pack.schema_parts import BASE, DRAFT, ID, TEXT
from playbook.pack.schema_parts import obj as _obj

# an action's state in a result (engine/result.py ActionState)
ACTION_STATES = ("recommended", "done", "not_applicable", "not_assessed", "does_not_apply")


def result_schema() -> dict[str, Any]:
    """The result JSON (engine/result.py `to_dict`): every top-level key is
    described and no other is allowed, so the schema and the JSON cannot drift
    apart (tests/test_architecture.py checks it for every example)."""
    return {
        "$schema": DRAFT, "$id": BASE + "result.schema.json", "title": "playbook assessment result",
        "type": "object",
        "required": ["pack", "partner", "stage", "stage_reason", "metrics", "findings", "actions"],
        "properties": {**_result_head(), **_result_stage(), **_result_body()},
        "additionalProperties": False,
    }


def _result_head() -> dict[str, Any]:
    """Who and what was assessed, with what."""
    return {
        "playbook_version": {"type": "string", "description": "the playbook version that wrote the result"},
        "pack": {"type": "object", "required": ["id", "version"],
                 "properties": {"id": ID, "version": {"type": "string"}, "hash": {"type": "string"}}},
        "partner": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}},
        "input_hash": {"type": "string", "description": "sha256 of the answers as read (the same answers give "
                                                        "the same hash), so a result can be traced to its input"},
        "language": {"type": "string", "description": "the language of the result's texts (a base tag: "
                                                      "en, de); ids and numbers do not change with it"},
    }


def _result_stage() -> dict[str, Any]:
    """The stage and why: the phases' progress, the rule, what would settle it."""
    return {
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
        "milestones": {"type": "array", "description": "the pack's milestone practices (the ones the stage "
                                                       "rests on) and the state of each",
                       "items": _obj(["id", "phase", "state"], {
                           "id": ID, "phase": {"enum": list(PHASES)}, "state": {"enum": list(ACTION_STATES)}})},
    }


def _result_body() -> dict[str, Any]:
    """The KPIs, the plan, the practices' states, checklists and customers."""
    return {
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
        "done": {"type": "array", "items": ID, "description": "the practices already in place"},
        "not_assessed_actions": {"type": "array", "description": "practices that cannot be judged yet, each with "
                                                                  "the inputs it waits for",
                                 "items": _obj(["id", "missing"], {"id": ID, "missing": {
                                     "type": "array", "items": {"type": "string",
                                                               "description": "<kind> <id>, e.g. question crm"}}})},
        "does_not_apply_actions": {"type": "array", "items": ID},
        "metrics": {"type": "object", "additionalProperties": {"type": "number"}},
        "metric_origin": {"type": "object", "description": "where each metric's value came from",
                          "additionalProperties": {"enum": ["given", "derived"]}},
        "findings": {"type": "array", "items": _result_finding()},
        "actions": {"type": "array", "items": _result_action()},
        "checklists": {"type": "array", "description": "the customer-lifecycle checklists, item by item",
                       "items": _obj(["id", "title", "items"], {
                           "id": ID, "title": {"type": "string"}, "items": {"type": "array", "items": _obj(
                               ["id", "text", "status"], {"id": ID, "text": {"type": "string"}, "status": {
                                   "enum": ["done", "not_done", "not_assessed", "does_not_apply"]}})}})},
        "customer_stages": {"type": "array", "description": "the partner's customers grouped by the pack's "
                                                            "customer maturity stages",
                            "items": _obj(["stage", "name", "customers"], {
                                "stage": ID, "name": {"type": "string"},
                                "customers": {"type": "array", "items": {"type": "string"}},
                                "services": {"type": "array", "items": _obj(["id", "title"], {
                                    "id": ID, "title": {"type": "string"}})},
                                "revenue": {"type": ["number", "null"]},
                                "next_renewal": {"type": ["string", "null"]},
                                "source": {"type": "string"}})},
        "customer_base": _customer_base(),
        "baseline": _baseline_schema(),
    }


def _result_finding() -> dict[str, Any]:
    return {"type": "object", "required": ["benchmark", "metric", "value", "status", "target", "source"],
            "properties": {
                "benchmark": ID, "metric": ID, "value": {"type": ["number", "null"]},
                "status": {"enum": list(ops.FINDING_STATUSES)}, "target": TEXT,
                "gap": {"type": ["number", "null"]}, "band": {"type": ["string", "null"]},
                "source": {"type": "string"}}}


def _result_action() -> dict[str, Any]:
    reason = _obj(["text"], {"text": TEXT, "subject": {"type": "string"}, "ref": {"type": "string"},
                              "observed": {}, "threshold": {}})
    return {"type": "object",
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
        "columns": {"type": "object", "description": "what the CSV's columns were read as (a CSV only)",
                    "properties": {"profile": {"type": "string"}, "used": {"type": "array", "items": {
                        "type": "object", "properties": {"header": {"type": "string"}, "column": {"type": "string"},
                                                         "meaning": {"type": "string"}}}},
                                   "unused": {"type": "array", "items": {"type": "object", "properties": {
                                       "header": {"type": "string"}, "why": {"type": "string"}}}}}},
    }}


def _baseline_schema() -> dict[str, Any]:
    """The comparison `playbook assess --baseline OLD` adds (see playbook/report/baseline.py)."""
    num = {"type": ["number", "null"]}
    ids = {"type": "array", "items": ID}
    kpi = _obj(["metric", "previous", "current", "change", "direction"], {
        "metric": ID, "previous": num, "current": num, "change": num,
        "direction": {"enum": ["better", "worse", "same", "new", "no_longer_given", "carried"]},
        "better": {"enum": ["higher", "lower"]},
        "status_then": {"type": ["string", "null"]}, "status_now": {"type": ["string", "null"]}})
    return _obj(["stage_then", "stage_now", "stage_change", "kpis", "actions", "not_comparable"], {
        "source": {"type": "string"}, "assessed_on": {"type": ["string", "null"]},
        "pack_version": {"type": "string"},
        "stage_then": {"type": "string"}, "stage_now": {"enum": list(PHASES)},
        "stage_change": {"enum": ["advanced", "fell_back", "unchanged"]},
        "kpis": {"type": "array", "items": kpi},
        "partner": {"type": ["string", "null"]},
        # inputs still marked `# CARRIED` by init --from and unchanged: reported as carried, not re-measured
        "carried": {"type": "array", "items": {"type": "string"}},
        "past_due_renewals": {"type": ["object", "null"], "properties": {
            "customers": {"type": "integer"}, "revenue": num, "names": {"type": "array", "items": {"type": "string"}}}},
        "actions": _obj(["closed", "new", "still_open"], {"closed": ids, "new": ids, "still_open": ids,
                                                           "not_confirmed_closed": ids}),
        "areas": {"type": "array", "items": _obj(["id", "previous", "current"], {
            "id": ID, "previous": {"type": ["integer", "null"]}, "current": {"type": ["integer", "null"]}})},
        "not_comparable": {"type": "array", "items": _obj(["kind", "id", "reason"], {
            "kind": {"type": "string"}, "id": {"type": "string"}, "reason": TEXT})},
    })
