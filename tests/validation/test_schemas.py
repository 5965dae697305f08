"""The shipped schemas: valid 2020-12 schemas, documented, and printed as is by `shardlint schema`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from shardlint.resources import data_dir
from shardlint.validation.evaluator import Validator
from shardlint.validation.schemas import SCHEMA_FILES, schema
from tests.conftest import run_shardlint

KINDS = sorted(SCHEMA_FILES)
REQUIRED_WITHOUT_DEFAULT = {"distributed_type", "ec2_instance_type", "iam_role_name"}


def _objects(node: Any, where: str = "#") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            if key != "if":  # a condition, not a place where keys live
                yield from _objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _objects(value, f"{where}/{i}")


@pytest.mark.parametrize("kind", KINDS)
def test_schema_is_valid_against_the_2020_12_metaschema(kind: str) -> None:
    document = schema(kind)
    assert document["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(document)


@pytest.mark.parametrize("kind", KINDS)
def test_every_property_has_description_default_and_source(kind: str) -> None:
    missing = []
    for where, obj in _objects(schema(kind)):
        for name, prop in obj["properties"].items():
            if "description" not in prop or "x-source" not in prop:
                missing.append(f"{where}/{name}: description or x-source")
            if "default" not in prop and name not in REQUIRED_WITHOUT_DEFAULT:
                missing.append(f"{where}/{name}: default")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("kind", KINDS)
def test_closed_objects_say_what_the_library_does_with_unknown_keys(kind: str) -> None:
    for where, obj in _objects(schema(kind)):
        if obj.get("additionalProperties") is False:
            assert obj.get("x-shardlint-unknown") in ("error", "warning"), where
            assert obj.get("x-shardlint-unknown-note"), where
            for old, info in obj.get("x-shardlint-renamed", {}).items():
                assert info["to"] in obj["properties"], f"{where}: {old} -> {info['to']}"
                assert old not in obj["properties"]
            for old in obj.get("x-shardlint-removed", {}):
                assert old not in obj["properties"], f"{where}: {old}"


@pytest.mark.parametrize("kind", KINDS)
def test_every_ref_resolves(kind: str) -> None:
    document = schema(kind)
    refs = {r.split('"', 1)[0] for r in json.dumps(document).split('"$ref": "')[1:]}
    assert refs
    for ref in refs:
        assert ref.startswith("#/$defs/"), ref
        assert isinstance(Validator(document).resolve({"$ref": ref}), dict), ref


def test_both_spellings_of_every_zero3_knob_are_accepted() -> None:
    zero = schema("deepspeed")["$defs"]["zero_optimization"]["properties"]
    for alias in [k for k in zero if k.startswith("stage3_") and k != "stage3_gather_fp16_weights_on_model_save"]:
        assert alias.removeprefix("stage3_") in zero, alias


@pytest.mark.parametrize("kind", KINDS)
def test_schema_command_prints_the_shipped_file(kind: str) -> None:
    proc = run_shardlint("schema", kind)
    assert proc.returncode == 0, proc.stderr
    path = data_dir("schemas") / SCHEMA_FILES[kind]
    assert proc.stdout == path.read_text(encoding="utf-8")
    assert json.loads(proc.stdout)["$id"].endswith(SCHEMA_FILES[kind])
    located = run_shardlint("schema", kind, "--path")
    assert located.stdout.strip() == str(path)


def test_schema_command_rejects_an_unknown_kind() -> None:
    proc = run_shardlint("schema", "megatron")
    assert proc.returncode == 2
    assert "invalid choice" in proc.stderr


# what draft-07 tools (yaml-language-server, older editors) understand, plus $defs (reached only through
# JSON-pointer $refs, which every draft resolves) and annotations such tools ignore
EDITOR_KEYWORDS = {
    "$schema", "$id", "$comment", "$defs", "$ref", "title", "description", "default", "examples", "deprecated",
    "type", "enum", "const", "pattern", "minimum", "maximum", "minItems", "maxItems", "properties",
    "patternProperties", "additionalProperties", "required", "items", "anyOf", "allOf", "not", "if", "then", "else",
}


def _keywords(node: Any, inside_properties: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if not inside_properties:
                yield key
            named = key in ("properties", "patternProperties", "$defs") and not inside_properties
            if isinstance(value, dict) and named:
                for sub in value.values():
                    yield from _keywords(sub)
            elif not key.startswith("x-") and key not in ("enum", "const", "default", "examples"):
                yield from _keywords(value)
    elif isinstance(node, list):
        for item in node:
            yield from _keywords(item)


@pytest.mark.parametrize("kind", KINDS)
def test_schema_uses_only_keywords_editors_understand(kind: str) -> None:
    used = {k for k in _keywords(schema(kind)) if not k.startswith("x-")}
    assert used <= EDITOR_KEYWORDS, used - EDITOR_KEYWORDS
