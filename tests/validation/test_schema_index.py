"""Reading descriptions, values and children out of JSON Schemas by key path."""

from __future__ import annotations

from shardlint.validation.schema_index import SchemaIndex, schema_index

SCHEMA = {
    "type": "object",
    "if": {"properties": {"env": {"const": "cloud"}}, "required": ["env"]},
    "then": {"$ref": "#/$defs/cloud"},
    "else": {"$ref": "#/$defs/local"},
    "$defs": {
        "flag": {"description": "A boolean.", "anyOf": [{"type": "boolean"}, {"enum": [0, 1]}]},
        "local": {
            "properties": {
                "env": {"enum": ["local", "cloud"]},
                "mode": {
                    "description": "How it runs.",
                    "anyOf": [{"type": "string", "enum": ["FAST", "SLOW"]},
                              {"const": False, "description": "Unquoted NO read as false."}],
                    "default": "FAST",
                },
                "section": {
                    "type": "object",
                    "properties": {
                        "level": {"enum": [1, 2, "1", "2"], "x-shardlint-values": [1, 2], "default": 1,
                                  "x-source": "lib: level.py"},
                        "old": {"$ref": "#/$defs/flag", "deprecated": True,
                                "x-shardlint-deprecated": {"use": "section.level", "note": "Replaced"}},
                    },
                    "patternProperties": {"^lvl$": {"description": "Alias of level."}},
                    "x-shardlint-renamed": {"legacy": {"to": "level", "version": "2.0", "note": "spelling"}},
                },
                "items": {"type": "array", "items": {"properties": {"name": {"type": "string"}}}},
            },
        },
        "cloud": {"properties": {"env": {"enum": ["local", "cloud"]}, "region": {"type": "string"}}},
    },
}


def test_values_prefer_canonical_spellings_and_keep_defaults_and_sources() -> None:
    info = SchemaIndex(SCHEMA).info(("section", "level"), {"env": "local"})
    assert info.values == [1, 2] and info.default == 1 and info.has_default
    assert info.sources == ["lib: level.py"]


def test_const_branches_describe_a_value_without_being_offered() -> None:
    info = SchemaIndex(SCHEMA).info(("mode",))
    assert info.descriptions == ["How it runs."]
    assert info.values == ["FAST", "SLOW"]
    assert info.value_notes == {"False": "Unquoted NO read as false."}


def test_booleans_are_suggested_as_true_and_false() -> None:
    info = SchemaIndex(SCHEMA).info(("section", "old"))
    assert info.values == [True, False] and info.descriptions == ["A boolean."]
    assert info.deprecated == "Replaced. Use `section.level`."


def test_if_is_decided_by_the_document_and_both_branches_count_when_unknown() -> None:
    index = SchemaIndex(SCHEMA)
    assert "region" in index.properties((), {"env": "cloud"}) and "mode" not in index.properties((), {"env": "cloud"})
    assert "mode" in index.properties((), {"env": "local"}) and "region" not in index.properties((), {"env": "local"})
    assert {"mode", "region"} <= index.properties(()).keys()


def test_patterns_arrays_and_retired_keys() -> None:
    index = SchemaIndex(SCHEMA)
    assert index.info(("section", "lvl")).descriptions == ["Alias of level."]
    assert index.info(("items", 3, "name")).types == ["string"]
    assert index.info(("section", "legacy")).retired == "Renamed to `level` (no longer read since 2.0): spelling."
    assert not index.info(("nowhere",)).known


def test_the_accelerate_schema_picks_the_sagemaker_key_set_by_compute_environment() -> None:
    index = schema_index("accelerate")
    assert index is not None
    sagemaker = index.properties((), {"compute_environment": "AMAZON_SAGEMAKER"})
    cluster = index.properties((), {"compute_environment": "LOCAL_MACHINE"})
    assert "ec2_instance_type" in sagemaker and "ec2_instance_type" not in cluster
    assert "fsdp_version" in index.properties(("fsdp_config",), {})
