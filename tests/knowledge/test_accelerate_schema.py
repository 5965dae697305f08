"""schemas/accelerate-config.schema.json knows exactly the keys the newest Accelerate snapshot has.

A config file's top-level keys are the fields of ``ClusterConfig`` / ``SageMakerConfig``
(``commands/config/config_args.py``); the keys of its sections (``fsdp_config:`` ...) work
only when ``_validate_launch_command`` finds a launch option with that name
(``commands/launch.py``), so each section's keys are the ``dest`` of a group of launch flags.
When a release adds or removes one, these tests fail until the schema (and a rule with
``versions:`` for the older or newer releases) says so, or the allow-lists below explain why not.
"""

from __future__ import annotations

import pytest

from tests.knowledge.snapshots import schema, schema_keys, snapshot

# schema section -> how to pick its keys among the launch flags: (group title, dest prefix)
SECTIONS = {
    "fsdp_config": ("FSDP Arguments", "fsdp_"),
    "deepspeed_config": ("DeepSpeed Arguments", ""),
    "dynamo_config": (None, "dynamo_"),
    "fp8_config": ("FP8 Arguments", "fp8_"),
    "parallelism_config": ("ParallelismConfig Arguments", "parallelism_config_"),
    "megatron_lm_config": ("Megatron-LM Arguments", "megatron_lm_"),
    "mpirun_config": ("MPI Arguments", "mpirun_"),
}
CONFIG_CLASSES = {"cluster": "ClusterConfig", "sagemaker": "SageMakerConfig"}

# Keys the schema knows that the newest release does not have, and why they stay.
SCHEMA_ONLY = {
    # from_yaml_file converts these legacy keys before checking for unknown ones
    # (commands/config/config_args.py:BaseConfig.from_yaml_file): fp16 -> mixed_precision,
    # dynamo_backend -> dynamo_config.dynamo_backend
    ("cluster", "fp16"): "legacy key converted on load",
    ("cluster", "dynamo_backend"): "legacy key converted on load",
    ("sagemaker", "fp16"): "legacy key converted on load",
    ("sagemaker", "dynamo_backend"): "legacy key converted on load",
    # removed with MS-AMP in Accelerate 1.16.0 (the --fp8_opt_level flag is gone); valid for older
    # targets, and ACC142 reports it as silently ignored from 1.16.0
    ("fp8_config", "fp8_opt_level"): "removed in 1.16.0, reported by ACC142",
}
# Keys the newest release has that the schema leaves out on purpose, and why.
LIBRARY_ONLY: dict[tuple[str, str], str] = {}
# Values of an enumerated key the schema accepts beyond the newest release's, and why.
SCHEMA_ONLY_VALUES = {
    # FP8BackendType lost MSAMP in 1.16.0; older targets accept it, ACC141 reports it from 1.16.0
    ("fp8_backend", "MSAMP"): "removed in 1.16.0, reported by ACC141",
}


def _section_keys(snap: dict, group: str | None, prefix: str) -> set[str]:
    """A section's keys: its launch flags, and the other names the launcher reads from its arguments."""
    keys = {f["dest_name"] for f in snap["launch_flags"]
            if (group is None or f["group"] == group) and f["dest_name"].startswith(prefix)}
    if prefix:
        keys |= {name for name in snap["launch_args_read"] if name.startswith(prefix)}
    if prefix == "fp8_":
        keys |= _fp8_env_keys(snap)
    return keys


def _fp8_env_keys(snap: dict) -> set[str]:
    """``setup_fp8_env`` exports every ``fp8_*`` argument as ACCELERATE_FP8_*; a recipe that reads one makes it a key."""
    read = {env for plugin in snap["plugins"].values() for env in plugin["env"]}
    return {"fp8_" + env.removeprefix("ACCELERATE_FP8_").lower() for env in read
            if env.startswith("ACCELERATE_FP8_") and not env.startswith("ACCELERATE_FP8_OVERRIDE_")}


def _config_fields(classes: dict, name: str) -> set[str]:
    record = classes[name]
    fields = {f["name"] for f in record["fields"]}
    for base in record["bases"]:
        if base in classes:
            fields |= _config_fields(classes, base)
    return fields


def _library_keys() -> dict[str, set[str]]:
    snap = snapshot("accelerate")
    keys = {section: _section_keys(snap, group, prefix)
            for section, (group, prefix) in SECTIONS.items()}
    keys.update({section: _config_fields(snap["config_classes"], cls) for section, cls in CONFIG_CLASSES.items()})
    return keys


@pytest.mark.parametrize("section", [*SECTIONS, *CONFIG_CLASSES])
def test_schema_knows_every_library_key(section):
    root = schema("accelerate-config")
    known = schema_keys(root, root["$defs"][section])
    missing = {k for k in _library_keys()[section] - known if (section, k) not in LIBRARY_ONLY}
    assert not missing, (f"Accelerate {snapshot('accelerate')['version']} has {sorted(missing)} in {section}, "
                         "which the schema does not know")


@pytest.mark.parametrize("section", [*SECTIONS, *CONFIG_CLASSES])
def test_schema_has_no_key_the_library_lacks(section):
    root = schema("accelerate-config")
    known = schema_keys(root, root["$defs"][section])
    extra = {k for k in known - _library_keys()[section] if (section, k) not in SCHEMA_ONLY}
    assert not extra, (f"the schema's {section} has {sorted(extra)}, which Accelerate "
                       f"{snapshot('accelerate')['version']} does not read")


def test_allow_lists_are_still_needed():
    library = _library_keys()
    root = schema("accelerate-config")
    for section, key in SCHEMA_ONLY:
        assert key not in library[section], f"{section}.{key} is back in the library: drop it from SCHEMA_ONLY"
        assert key in schema_keys(root, root["$defs"][section])
    for section, key in LIBRARY_ONLY:
        assert key in library[section]


def test_removed_and_renamed_keys_are_not_live_keys():
    """A key the schema calls removed or renamed must not be a working key of the newest release."""
    root = schema("accelerate-config")
    library = _library_keys()
    for section in [*SECTIONS, *CONFIG_CLASSES]:
        node = root["$defs"][section]
        for old in [*node.get("x-shardlint-removed", {}), *node.get("x-shardlint-renamed", {})]:
            assert old not in library[section], f"{section}.{old} is marked removed/renamed but the library reads it"


def test_fp8_backend_values_match_the_enum():
    root = schema("accelerate-config")
    accepted = {v for v in root["$defs"]["fp8_config"]["properties"]["fp8_backend"]["enum"] if v is not None}
    members = set(snapshot("accelerate")["enums"]["FP8BackendType"].values())
    assert members <= accepted
    assert accepted - members == {value for _, value in SCHEMA_ONLY_VALUES}


def test_mixed_precision_values_match_the_flag():
    root = schema("accelerate-config")
    flags = {f["dest_name"]: f for f in snapshot("accelerate")["launch_flags"]}
    choices = set(flags["mixed_precision"]["choices_value"])
    node = root["$defs"]["cluster"]["properties"]["mixed_precision"]
    accepted = {str(v).lower() for branch in [node, *node.get("anyOf", [])] for v in branch.get("x-shardlint-values", [])}
    assert choices == accepted
