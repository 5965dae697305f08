"""Every ``accelerate launch`` option that sets a config key reaches exactly one setting record, per packaged release.

The option tables are read here as the generated JSON, apart from the model that joins them, so a
table entry the join drops, or a record spelled so that two records claim one flag, fails here.
"""

from __future__ import annotations

import pytest

from shardlint.engine.paths import canonical_key
from shardlint.knowledge import accelerate_launch_flags, accelerate_launch_versions
from shardlint.semantics.accelerate import SETTINGS, deepspeed_plugin_fills
from shardlint.semantics.launch_flags import accelerate_options, flag_setting, flag_settings, flags_of

VERSIONS = sorted(accelerate_launch_versions())
# keys only a config file sets: no accelerate launch option writes them (config_args.py:BaseConfig)
FILE_ONLY = {("compute_environment",), ("use_cpu",)}


def _canonical(path: tuple[str, ...]) -> tuple[str, ...]:
    return (path[0], canonical_key(path[0], path[1])) if len(path) == 2 else path


def _table(version: str) -> list[dict]:
    return accelerate_launch_flags(version)["options"]


def test_the_packaged_releases_are_the_snapshotted_ones():
    assert VERSIONS == ["1.15.0", "1.16.0"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_option_that_sets_a_key_is_joined_to_exactly_one_record(version):
    setting_options = [entry for entry in _table(version) if entry["config_key"]]
    assert len(setting_options) > 90
    for entry in setting_options:
        written = tuple(entry["config_key"].split("."))
        claims = [record for record in SETTINGS.values() if _canonical(record.path) == _canonical(written)]
        assert len(claims) <= 1, f"{entry['flag']}: several records claim {entry['config_key']}"
        found, *others = [flag_setting(spelling, version) for spelling in entry["spellings"]]
        assert all(other == found for other in others), f"{entry['flag']}: its spellings reach different settings"
        assert found is not None and found.option.flag == entry["flag"]
        assert found.setting.path == _canonical(written)
        if claims:
            assert found.setting is claims[0], f"{entry['flag']} is not joined to the record of {claims[0].path}"
    assert [f.option.flag for f in flag_settings(version)] == [e["flag"] for e in setting_options]


@pytest.mark.parametrize("version", VERSIONS)
def test_options_that_set_no_key_reach_no_setting(version):
    for entry in _table(version):
        if not entry["config_key"]:
            assert all(flag_setting(s, version) is None for s in entry["spellings"]), entry["flag"]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_record_is_reached_by_its_flags_or_is_set_only_in_a_file(version):
    unreached = {path for path in SETTINGS if not flags_of(path, version)}
    assert unreached == FILE_ONLY
    for path in SETTINGS:
        assert _canonical(path) == path, f"{path} is not written as the launcher reads it"


def test_a_flag_reaches_its_setting_normalised_as_the_plugin_reads_it():
    joined = flag_setting("--fsdp-sharding-strategy", "1.16.0")
    assert joined.setting.path == ("fsdp_config", "fsdp_sharding_strategy")
    assert joined.normaliser == "sharding-strategy"
    assert [(e.function, e.name) for e in joined.option.exports] == [
        ("prepare_multi_gpu_env", "FSDP_SHARDING_STRATEGY")]
    stage = flag_setting("--zero_stage", "1.15.0")
    assert stage.setting.path == ("deepspeed_config", "zero_stage") and stage.normaliser == "int"
    assert stage.option.value == "int" and stage.option.takes_value
    assert [e.name for e in stage.option.exports] == ["ACCELERATE_DEEPSPEED_ZERO_STAGE"]
    processes = flag_setting("--num_processes", "1.16.0")
    assert processes.setting is SETTINGS[("num_processes",)] and processes.option.precedence == "flag-if-none"
    # the launcher adds the section's prefix (reference launch.md LF4): fp8_config.backend is read as fp8_backend
    assert flag_setting("--fp8_backend", "1.16.0").setting.path == ("fp8_config", "fp8_backend")
    assert {f.option.flag for f in flags_of(("tpu_use_cluster",), "1.16.0")} == {"--tpu_cluster", "--no_tpu_cluster"}
    assert not flag_setting("--use_fsdp", "1.16.0").option.takes_value


def test_the_exported_variables_follow_the_launchers_prepare_functions():
    """utils/launch.py: FSDP values go out in prepare_multi_gpu_env (lower-cased booleans), DeepSpeed values
    in prepare_deepspeed_cmd_env only when not None, the nvme paths never (reference launch.md LF13)."""
    options = accelerate_options("1.15.0")
    offload = options["--fsdp_offload_params"].exports
    assert [(e.name, e.value) for e in offload] == [("FSDP_OFFLOAD_PARAMS", "str(args.fsdp_offload_params).lower()")]
    assert options["--offload_param_nvme_path"].exports == ()
    assert options["--offload_optimizer_nvme_path"].exports == ()
    assert {e.name for e in options["--mixed_precision"].exports} == {"ACCELERATE_MIXED_PRECISION"}
    assert {e.name for e in options["--fp8_margin"].exports} == {"ACCELERATE_FP8_MARGIN"}
    assert {e.name for e in options["--fp8_override_linear_precision"].exports} == {
        "ACCELERATE_FP8_OVERRIDE_FPROP", "ACCELERATE_FP8_OVERRIDE_DGRAD", "ACCELERATE_FP8_OVERRIDE_WGRAD"}
    assert {e.name for e in options["--cpu"].exports} == {"ACCELERATE_USE_CPU"}
    assert "--fp8_opt_level" not in accelerate_options("1.16.0")  # removed in 1.16.0


def test_the_deepspeed_json_keys_the_plugin_fills_belong_to_flagged_settings():
    """DeepSpeedPlugin.__post_init__ plugin_to_config_mapping: eight settings, each with one launch option."""
    fills = deepspeed_plugin_fills()
    assert len(fills) == 8
    for version in VERSIONS:
        assert all(len(flags_of(path, version)) == 1 for path in fills)
