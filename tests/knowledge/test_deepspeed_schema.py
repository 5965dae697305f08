"""schemas/deepspeed-config.schema.json knows exactly the keys the newest DeepSpeed snapshot reads.

Top level: the keys ``DeepSpeedConfig`` reads from the user's JSON, followed through the
functions it hands the dict to (``config_reads`` in the snapshot). Sections validated by a
pydantic model (``DeepSpeedZeroConfig`` ...): the model's fields and aliases, and whether
the model refuses unknown keys (``extra="forbid"``) or not.
"""

from __future__ import annotations

import pytest

from tests.knowledge.snapshots import resolve, schema, schema_keys, snapshot

# sections whose model is built from a dict the extraction cannot follow (a comprehension)
EXTRA_SECTIONS = {
    # deepspeed/monitor/config.py:get_monitor_config builds DeepSpeedMonitorConfig(**{key: param_dict.get(key)})
    "tensorboard": "TensorBoardConfig",
    "wandb": "WandbConfig",
    "csv_monitor": "CSVConfig",
    "comet": "CometConfig",
}
# Sections the schema leaves free-form (no properties), and why.
UNMODELLED = {
    "weight_quantization": "post-training quantization settings (WeightQuantConfig); not a training config concern",
    "tensor_parallel.tensor_parallel": "TPConfig's tp_size/tp_grain_size/mpu/tp_group; tp_group and mpu are objects set from code",
}
# Top-level keys the schema knows that DeepSpeed no longer reads, beyond the ones it refuses by name.
SCHEMA_ONLY_TOP_LEVEL: dict[str, str] = {}
# Top-level keys DeepSpeed reads that the schema leaves out, and why.
LIBRARY_ONLY_TOP_LEVEL: dict[str, str] = {}


def _models() -> dict:
    return snapshot("deepspeed")["models"]


def _sections() -> dict[str, str]:
    """Key path -> pydantic model, nested sections found through the fields' annotations."""
    models = _models()
    found = {**snapshot("deepspeed")["config_reads"]["sections"], **EXTRA_SECTIONS}
    queue = list(found.items())
    while queue:
        path, model = queue.pop()
        for field in models[model]["fields"]:
            for candidate in models:
                if candidate in _type_names(field["annotation"]):
                    found[f"{path}.{field['name']}"] = candidate
                    queue.append((f"{path}.{field['name']}", candidate))
    return found


def _type_names(annotation: str) -> set[str]:
    for char in "[],|":
        annotation = annotation.replace(char, " ")
    return set(annotation.split())


def _field_names(model: str) -> set[str]:
    """The names a model accepts: fields and their aliases (populate_by_name=True takes both)."""
    names = set()
    for field in _models()[model]["fields"]:
        names.add(field["name"])
        if isinstance(field.get("alias"), str):
            names.add(field["alias"])
    return names


def _schema_node(path: str) -> dict | None:
    root = schema("deepspeed-config")
    node = root
    for part in path.split("."):
        props = resolve(root, node).get("properties", {})
        if part not in props:
            return None
        node = props[part]
    return resolve(root, node)


def _removed() -> set[str]:
    return {key for keys in snapshot("deepspeed")["removed_keys"].values() for key in keys}


def _top_level_reads() -> set[str]:
    return {key.split(".")[0] for key in snapshot("deepspeed")["config_reads"]["keys"]}


def test_schema_knows_every_top_level_key():
    missing = _top_level_reads() - set(schema("deepspeed-config")["properties"]) - set(LIBRARY_ONLY_TOP_LEVEL)
    assert not missing, f"DeepSpeed {snapshot('deepspeed')['version']} reads {sorted(missing)}, unknown to the schema"


def test_schema_top_level_keys_are_read_or_refused():
    extra = set(schema("deepspeed-config")["properties"]) - _top_level_reads() - _removed() - set(SCHEMA_ONLY_TOP_LEVEL)
    assert not extra, f"the schema has {sorted(extra)}, which DeepSpeed {snapshot('deepspeed')['version']} never reads"


def test_refused_keys_are_the_ones_the_removal_rules_name():
    """Keys DeepSpeed refuses by name are still in the schema (so rules can say "removed", not "unknown")."""
    known = set(schema("deepspeed-config")["properties"]) | set(schema("deepspeed-config")["$defs"]["zero_optimization"]["properties"])
    assert _removed() <= known


@pytest.mark.parametrize("path", sorted(_sections()))
def test_model_sections_match_their_fields(path):
    model = _sections()[path]
    node = _schema_node(path)
    assert node is not None, f"{path} ({model}) is not in the schema"
    if path in UNMODELLED:
        assert "properties" not in node
        return
    known = schema_keys(schema("deepspeed-config"), node)
    fields = _field_names(model)
    refused = _removed()
    assert not fields - known, f"{model} has {sorted(fields - known)}, which the schema's {path} does not know"
    assert not known - fields - refused, f"the schema's {path} has {sorted(known - fields - refused)}, not in {model}"


@pytest.mark.parametrize("path", sorted(_sections()))
def test_unknown_key_policy_follows_the_model(path):
    if path in UNMODELLED:
        return
    model = _models()[_sections()[path]]
    node = _schema_node(path)
    if model["extra"] == "forbid":
        assert node.get("additionalProperties") is False and node.get("x-shardlint-unknown") == "error", path
    else:
        assert node.get("x-shardlint-unknown") != "error", path


def test_deprecated_fields_are_marked():
    """A field the model marks deprecated (json_schema_extra) is deprecated or renamed in the schema too."""
    for path, model in _sections().items():
        node = _schema_node(path)
        if path in UNMODELLED or node is None:
            continue
        for field in _models()[model]["fields"]:
            if field.get("deprecated") and field["name"] in node.get("properties", {}):
                prop = node["properties"][field["name"]]
                renamed = node.get("x-shardlint-renamed", {})
                assert "x-shardlint-deprecated" in prop or field["name"] in renamed, f"{path}.{field['name']} is deprecated"


def test_allow_lists_are_still_needed():
    for path in UNMODELLED:
        assert path in _sections()
    for key in LIBRARY_ONLY_TOP_LEVEL:
        assert key in _top_level_reads()
    for key in SCHEMA_ONLY_TOP_LEVEL:
        assert key not in _top_level_reads()
