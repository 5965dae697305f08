"""A small JSON Schema evaluator for the ``schema:`` test of a rule predicate.

Rule fragments use a subset of JSON Schema 2020-12 (listed in SUPPORTED); the
full ``jsonschema`` package is kept off the ``check`` path, where importing it
would cost more than linting a file.
"""

from __future__ import annotations

import re
from typing import Any

SUPPORTED = frozenset({
    "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "pattern", "minLength", "maxLength", "required", "properties", "additionalProperties",
    "items", "minItems", "maxItems", "not", "anyOf", "allOf", "oneOf", "description", "$comment",
})
_TYPES = {"string": str, "object": dict, "array": list, "null": type(None)}


def unsupported_keywords(schema: Any) -> set[str]:
    """Keywords of ``schema`` (recursively) this evaluator does not implement."""
    if not isinstance(schema, dict):
        return set()
    out = set(schema) - SUPPORTED
    for key in ("not", "items", "additionalProperties"):
        out |= unsupported_keywords(schema.get(key))
    for key in ("anyOf", "allOf", "oneOf"):
        for sub in schema.get(key, []) or []:
            out |= unsupported_keywords(sub)
    for sub in (schema.get("properties") or {}).values():
        out |= unsupported_keywords(sub)
    return out


def _is(value: Any, name: str) -> bool:
    if name == "boolean":
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    if name == "number":
        return isinstance(value, (int, float))
    return isinstance(value, _TYPES[name])


def _equal(a: Any, b: Any) -> bool:
    from shardlint.engine.values import same

    return same(a, b)


def validate_fragment(value: Any, schema: Any) -> bool:
    if schema is True or schema == {}:
        return True
    if schema is False:
        return False
    kind = schema.get("type")
    if kind is not None and not any(_is(value, k) for k in (kind if isinstance(kind, list) else [kind])):
        return False
    if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]):
        return False
    if "const" in schema and not _equal(value, schema["const"]):
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            return False
        if "maximum" in schema and value > schema["maximum"]:
            return False
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            return False
        if "exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"]:
            return False
    if isinstance(value, str):
        if "pattern" in schema and re.search(schema["pattern"], value) is None:
            return False
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", len(value)):
            return False
    if isinstance(value, dict):
        if any(k not in value for k in schema.get("required", [])):
            return False
        props = schema.get("properties", {})
        for key, sub in props.items():
            if key in value and not validate_fragment(value[key], sub):
                return False
        extra = schema.get("additionalProperties")
        if extra is not None and any(not validate_fragment(v, extra) for k, v in value.items() if k not in props):
            return False
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", len(value)):
            return False
        if "items" in schema and not all(validate_fragment(v, schema["items"]) for v in value):
            return False
    if "not" in schema and validate_fragment(value, schema["not"]):
        return False
    if "allOf" in schema and not all(validate_fragment(value, s) for s in schema["allOf"]):
        return False
    if "anyOf" in schema and not any(validate_fragment(value, s) for s in schema["anyOf"]):
        return False
    if "oneOf" in schema and sum(validate_fragment(value, s) for s in schema["oneOf"]) != 1:
        return False
    return True
