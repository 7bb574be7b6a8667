"""The building blocks every generated JSON Schema shares (pack/schema.py,
pack/result_schema.py): one home, so the schemas agree on what an id is."""

from __future__ import annotations

from typing import Any

DRAFT = "https://json-schema.org/draft/2020-12/schema"
BASE = "https://playbook.example/schemas/"
ID = {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"}
TEXT = {"type": "string", "minLength": 1}


def obj(required: list[str], props: dict[str, Any]) -> dict[str, Any]:
    """An object with these properties, these required, and no other."""
    return {"type": "object", "required": required, "properties": props, "additionalProperties": False}
