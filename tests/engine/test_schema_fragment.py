"""The ``schema:`` test of a predicate: JSON Schema through the schema validator's evaluator."""

from __future__ import annotations

import pytest

from shardlint.validation.evaluator import Validator, unsupported_keywords

OBJECT = {"type": "object", "required": ["device"],
          "properties": {"device": {"enum": ["cpu", "nvme"]}, "buffer_count": {"type": "integer", "minimum": 1}},
          "additionalProperties": False}


@pytest.mark.parametrize(("value", "schema", "ok"), [
    ({"device": "cpu"}, OBJECT, True),
    ({"device": "gpu"}, OBJECT, False),
    ({}, OBJECT, False),
    ({"device": "cpu", "buffer_count": 0}, OBJECT, False),
    ({"device": "cpu", "pin_memory": True}, OBJECT, False),
    (True, {"type": "integer"}, False),
    (5.0, {"type": "integer"}, True),
    (5, {"exclusiveMaximum": 5}, False),
    ("auto", {"not": {"const": "auto"}}, False),
    ("1e8", {"type": "string", "pattern": "^[0-9.]+e[0-9]+$"}, True),
    ([1, 2], {"type": "array", "items": {"type": "integer"}, "maxItems": 1}, False),
    ("x", {"oneOf": [{"type": "string"}, {"minLength": 1}]}, False),
    ("x", {"anyOf": [{"type": "integer"}, {"minLength": 1}]}, True),
    ("x", {"oneOf": [{"type": "integer"}, {"minLength": 1}]}, True),
    ("", {"minLength": 1}, False),
    ("abc", {"maxLength": 2}, False),
    (8, {"$defs": {"n": {"type": "integer", "maximum": 4}}, "$ref": "#/$defs/n"}, False),
    ({}, {"not": {"const": {}}}, False),
])
def test_schema_fragments(value: object, schema: dict, ok: bool) -> None:
    assert Validator(schema).is_valid(value, schema) is ok


def test_unsupported_keywords_are_found_anywhere() -> None:
    assert unsupported_keywords({"properties": {"a": {"format": "uri"}}, "anyOf": [{"uniqueItems": True}]}) \
        == {"format", "uniqueItems"}
    assert unsupported_keywords({**OBJECT, "description": "d", "x-shardlint-values": []}) == set()
