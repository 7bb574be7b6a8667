"""Turning JSON Schema errors into located, plain-language problems."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from playbook.base.suggest import Suggestions, did_you_mean, one_of
from playbook.base.yamlio import Document, PathKey
from playbook.errors import Problem
from playbook.i18n import N_, t

if TYPE_CHECKING:
    import jsonschema

# a partner reads these about an answers file, in the language it is checked in (t())
_TYPE_WORDS = {"object": N_("a mapping (key: value)"), "array": N_("a list"), "string": N_("text"),
               "number": N_("a number"), "integer": N_("a whole number"), "boolean": N_("yes or no"),
               "null": N_("nothing")}


def _found(v: Any) -> str:
    if isinstance(v, dict):
        return t("a mapping")
    if isinstance(v, list):
        return t("a list")
    if isinstance(v, bool):
        return t("yes/no")
    if v is None:
        return t("nothing")
    return repr(v)


def _where(data: Any, path: PathKey) -> str:
    """'in actions[3] (id 'x')' style context for messages."""
    node, label = data, ""
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        label = f"{label}[{part}]" if isinstance(part, int) else (f"{label}.{part}" if label else str(part))
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            label = f"{label} ({node['id']})"
    return t(" in %(where)s", where=label) if label else ""


def schema_errors(doc: Document, schema: dict[str, Any]) -> list[tuple[PathKey, Problem]]:
    """Each problem with the data path it is about, so callers can skip broken items."""
    if _surely_valid(doc.data, schema):
        return []
    validator = _validator(json.dumps(schema, sort_keys=True))
    out: list[tuple[PathKey, Problem]] = []
    seen: set[tuple[PathKey, str]] = set()
    for err in validator.iter_errors(doc.data):
        out.extend((tuple(err.absolute_path), p) for p in _convert(doc, err, seen))
    return out


@lru_cache(maxsize=16)
def _validator(schema_json: str) -> jsonschema.Draft202012Validator:
    import jsonschema

    return jsonschema.Draft202012Validator(json.loads(schema_json))


# Importing jsonschema costs more than the rest of an assessment with a cached
# pack, and almost every file is valid. So a file is first checked against the
# few keywords the answers schema uses; jsonschema runs (and words the
# messages) only when that check is not sure. The check is one-sided: it says
# "valid" only when every keyword met is one it decides exactly as JSON Schema
# does, and gives up on anything else (an unknown keyword, an integer written
# as 1.0, an additionalProperties schema), leaving the verdict to jsonschema.
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default", "examples"})
_TYPES: dict[str, Any] = {"object": dict, "array": list, "string": str, "null": type(None), "boolean": bool}


def _is_type(v: Any, name: str) -> bool:
    if name in ("number", "integer"):
        return type(v) is int or (name == "number" and type(v) is float)
    return type(v) is _TYPES.get(name, ())


def _json_types(v: Any) -> set[str] | None:
    """The JSON types a value has, exactly as JSON Schema sees it (None: not a JSON value)."""
    if v is None:
        return {"null"}
    if type(v) is bool:
        return {"boolean"}
    if type(v) is int:
        return {"integer", "number"}
    if type(v) is float:
        return {"number", "integer"} if v.is_integer() else {"number"}
    for kind, name in ((str, "string"), (list, "array"), (dict, "object")):
        if type(v) is kind:
            return {name}
    return None


def _surely_invalid_type(v: Any, schema: Any) -> bool:
    """The schema's own `type` rules the value out (so a oneOf branch cannot match)."""
    types = _json_types(v)
    want = schema.get("type") if isinstance(schema, dict) else None
    if types is None or want is None:
        return False
    return not types & set(want if isinstance(want, list) else [want])


def _surely_valid(v: Any, schema: Any, root: Any = None) -> bool:
    root = schema if root is None else root
    if schema is True:
        return True
    if not isinstance(schema, dict):
        return False
    for key, want in schema.items():
        if key in _ANNOTATIONS or key == "$defs":
            continue
        if key == "type":
            if not any(_is_type(v, t) for t in (want if isinstance(want, list) else [want])):
                return False
        elif key == "$ref":
            name = want[len("#/$defs/"):] if isinstance(want, str) and want.startswith("#/$defs/") else None
            defs = root.get("$defs", {}) if isinstance(root, dict) else {}
            if name is None or name not in defs or not _surely_valid(v, defs[name], root):
                return False
        elif key == "oneOf":
            # exactly one branch: one surely valid, every other ruled out by its type
            fits = [b for b in want if not _surely_invalid_type(v, b)]
            if len(fits) != 1 or not _surely_valid(v, fits[0], root):
                return False
        elif key == "anyOf":
            # at least one branch: one that is surely valid settles it
            if not any(_surely_valid(v, b, root) for b in want):
                return False
        elif key == "enum":
            if not any(type(e) is type(v) and e == v for e in want):
                return False
        elif key == "const":
            if not (type(want) in (str, bool, int) and type(v) is type(want) and v == want):
                return False
        elif key == "properties":
            if isinstance(v, dict) and not all(_surely_valid(v[k], sub, root) for k, sub in want.items() if k in v):
                return False
        elif key == "additionalProperties":
            if want is not True and (want is not False or "patternProperties" in schema
                                     or isinstance(v, dict) and any(k not in schema.get("properties", {}) for k in v)):
                return False
        elif key == "required":
            if isinstance(v, dict) and any(k not in v for k in want):
                return False
        elif key == "items":
            if isinstance(v, list) and not all(_surely_valid(x, want, root) for x in v):
                return False
        elif not _surely_within(v, key, want):
            return False
    return True


def _surely_within(v: Any, key: str, want: Any) -> bool:
    """The value keywords (sizes, lengths, bounds, pattern, uniqueness); an
    unknown keyword is never surely met."""
    if key == "uniqueItems":
        return not (want and isinstance(v, list) and not (all(type(x) is str for x in v) and len(set(v)) == len(v)))
    if key in ("minItems", "maxItems", "minProperties", "maxProperties"):
        kind = list if key.endswith("Items") else dict
        return not (isinstance(v, kind) and (len(v) < want if key.startswith("min") else len(v) > want))
    if key == "pattern":
        # jsonschema itself tests a pattern with re.search
        return not (isinstance(v, str) and not _pattern(want).search(v))
    if key in ("minLength", "maxLength"):
        return not (isinstance(v, str) and (len(v) < want if key == "minLength" else len(v) > want))
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return not (type(v) in (int, float) and not {"minimum": v >= want, "maximum": v <= want,
                                                     "exclusiveMinimum": v > want, "exclusiveMaximum": v < want}[key])
    return False


@lru_cache(maxsize=256)
def _pattern(p: str) -> re.Pattern[str]:
    return re.compile(p)


def _convert(doc: Document, err: Any, seen: set[tuple[PathKey, str]]) -> list[Problem]:
    # `err` is a jsonschema ValidationError; its stubs type most fields as
    # possibly unset, which they never are for the validators handled here
    if err.validator in ("oneOf", "anyOf") and err.context:
        from jsonschema.exceptions import best_match

        return _convert(doc, best_match(err.context), seen)
    path: PathKey = tuple(err.absolute_path)
    ctx = _where(doc.data, path)
    out: list[Problem] = []

    def add(p: PathKey, msg: str, code: str, key: bool = False) -> None:
        if (p, msg) not in seen:
            seen.add((p, msg))
            out.append(doc.problem(p, msg, code, key=key))

    if err.validator == "additionalProperties":
        for extra, message in _unknown_keys(err, ctx):
            add(path + (extra,), message, "unknown-key", key=True)
    elif err.validator == "required":
        missing = err.message.split("'")[1] if "'" in err.message else err.message
        add(path, t("missing required key %(key)s%(where)s", key=repr(missing), where=ctx), "missing-key")
    elif err.validator == "enum":
        opts = [str(o) for o in err.validator_value if o is not None]
        hint = did_you_mean(str(err.instance), opts)
        add(path, t("%(value)s is not allowed%(where)s%(near)s (use one of: %(options)s)", value=_found(err.instance),
                    where=ctx, near=hint, options=one_of(opts, 20)), "enum")
    elif err.validator == "const":
        add(path, f"{_found(err.instance)} is not allowed{ctx}: write true", "enum")
    elif err.validator == "type":
        want = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        words = t(" or ").join(t(_TYPE_WORDS[str(w)]) if str(w) in _TYPE_WORDS else str(w) for w in want)
        add(path, t("expected %(kind)s%(where)s, found %(value)s", kind=words, where=ctx,
                    value=_found(err.instance)), "type")
    elif err.validator == "pattern":
        if err.schema.get("description"):
            add(path, f"{_found(err.instance)}{ctx} must look like {err.schema['description']}", "pattern")
        else:
            add(path, f"{_found(err.instance)}{ctx} must be lower-case letters, digits and underscores "
                      f"(like churn_rate_annual)" if "a-z" in str(err.validator_value)
                else f"{_found(err.instance)}{ctx} does not match the expected form {err.validator_value}", "pattern")
    elif err.validator in ("minProperties", "maxProperties") and isinstance(err.instance, dict):
        if err.validator == "minProperties":
            add(path, f"this mapping{ctx} is empty", "empty")
        else:
            add(path, f"use exactly one of {one_of(err.schema.get('properties', {}))}{ctx}, "
                      f"found {one_of(err.instance)}", "too-many")
    elif err.validator == "maxLength":
        add(path, t("the text%(where)s is longer than %(n)s characters; shorten it", where=ctx,
                    n=err.validator_value), "too-long")
    elif err.validator in ("maximum", "minimum"):
        add(path, _bound(err, ctx), err.validator)
    elif err.validator in ("minItems", "maxItems"):
        add(path, f"{err.message}{ctx}", "items")
    else:
        add(path, f"{err.message}{ctx}", err.validator)
    return out


def _bound(err: Any, ctx: str) -> str:
    """jsonschema's own sentence for a number past a bound, in the language of the check."""
    if err.validator == "maximum":
        return t("%(value)s is greater than the maximum of %(limit)s%(where)s", value=repr(err.instance),
                 limit=repr(err.validator_value), where=ctx)
    return t("%(value)s is less than the minimum of %(limit)s%(where)s", value=repr(err.instance),
             limit=repr(err.validator_value), where=ctx)


def _unknown_keys(err: Any, ctx: str) -> list[tuple[str, str]]:
    """Each key the schema does not know, with its message."""
    allowed = list(err.schema.get("properties", {}))
    suggest = Suggestions()  # capped before it runs: a mapping may hold 100,000 unknown keys
    out = []
    for extra in sorted(set(err.instance) - set(allowed)):
        # `{revenue: $96,000}` splits at the comma and leaves a key "000".
        comma = (t(" - a comma inside {...} separates entries, so quote a value that contains one "
                   "(revenue: \"$96,000\")") if str(extra).isdigit() else "")
        out.append((extra, t("unknown key %(key)s%(where)s%(comma)s%(near)s (valid keys: %(keys)s)", key=repr(extra),
                             where=ctx, comma=comma, near=suggest(extra, allowed), keys=one_of(allowed, 40))))
    return out
