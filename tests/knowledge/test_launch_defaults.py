"""shardlint's launch defaults (engine/defaults.py) agree with the launch flags' defaults of each snapshot.

Through ``accelerate launch`` an absent key takes its flag's default. Where the flag's
default is a literal, the table must give the same value for that release; where it is
None, the launcher or the plugin fills the value, and the key must be listed below with
where that happens. A release that changes a flag's default fails here until the table's
history says so.
"""

from __future__ import annotations

from typing import Any

import pytest

from shardlint.engine.defaults import ACCELERATE
from shardlint.engine.versions import parse_version
from tests.knowledge.snapshots import snapshot, versions

# keys whose flag default is None (or absent): the value comes from elsewhere
FILLED_ELSEWHERE = {
    "compute_environment": "config_args.py:BaseConfig (LOCAL_MACHINE)",
    "mixed_precision": "launch.py:_validate_launch_command ('no' when neither flag nor config sets it)",
    "num_processes": "launch.py:_validate_launch_command (device count, 1 for NO)",
    "num_machines": "launch.py:_validate_launch_command (1)",
    "machine_rank": "launch.py:_validate_launch_command (0)",
    "use_cpu": "config_args.py:BaseConfig (False)",
    "fsdp_auto_wrap_policy": "dataclasses.py:FullyShardedDataParallelPlugin (NO_WRAP)",
    "fsdp_min_num_params": "the flag's default is int(1e8), not a literal",
    "fsdp_backward_prefetch": "dataclasses.py:FullyShardedDataParallelPlugin (NO_PREFETCH)",
    "fsdp_state_dict_type": "dataclasses.py:FullyShardedDataParallelPlugin (by FSDP version)",
    "zero_stage": "utils/launch.py:prepare_deepspeed_cmd_env (2)",
    "offload_optimizer_device": "utils/launch.py:prepare_deepspeed_cmd_env ('none')",
    "offload_param_device": "utils/launch.py:prepare_deepspeed_cmd_env ('none')",
    "zero3_init_flag": "dataclasses.py:DeepSpeedPlugin (by ZeRO stage)",
    "zero3_save_16bit_model": "dataclasses.py:DeepSpeedPlugin (false)",
    "deepspeed_multinode_launcher": "dataclasses.py:DeepSpeedPlugin (pdsh)",
    "dynamo_backend": "utils/launch.py:prepare_*_env ('no')",
}


def _as_table_value(value: Any) -> Any:
    """A flag default as the config value it stands for (the plugins read "true"/"1" with str_to_bool/int)."""
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return value


def _table_value(path: tuple[str, ...], version: str) -> tuple[bool, Any]:
    chosen, found = None, False
    for since, value in ACCELERATE[path]:
        if parse_version(version) >= parse_version(since):
            chosen, found = value, True
    return found, chosen


@pytest.mark.parametrize("version", versions("accelerate"))
def test_literal_flag_defaults_match_the_table(version):
    flags = {f["dest_name"]: f for f in snapshot("accelerate", version)["launch_flags"]}
    for path in ACCELERATE:
        key = path[-1]
        flag = flags.get(key)
        found, ours = _table_value(path, version)
        if flag is None or key in FILLED_ELSEWHERE:
            continue
        assert "default_value" in flag, f"--{key} has no literal default in {version}: list it in FILLED_ELSEWHERE"
        assert found, f"{'.'.join(path)} has no table entry for Accelerate {version}"
        expected = _as_table_value(flag["default_value"])
        assert callable(ours) or ours == expected, (
            f"{'.'.join(path)}: the table says {ours!r} for Accelerate {version}, --{key} defaults to {expected!r}")


@pytest.mark.parametrize("version", versions("accelerate"))
def test_keys_filled_elsewhere_still_have_no_literal_default(version):
    flags = {f["dest_name"]: f for f in snapshot("accelerate", version)["launch_flags"]}
    for key in FILLED_ELSEWHERE:
        flag = flags.get(key)
        if flag is not None and key != "fsdp_min_num_params":
            assert flag.get("default_value") in (None, ""), f"--{key} now defaults to {flag['default_value']!r}"


def test_dynamo_use_dynamic_is_left_to_torch_from_1_16():
    assert _table_value(("dynamo_config", "dynamo_use_dynamic"), "1.15.0") == (True, False)
    assert _table_value(("dynamo_config", "dynamo_use_dynamic"), "1.16.0") == (True, None)
    assert _table_value(("dynamo_config", "dynamo_use_dynamic"), "0.16.0") == (False, None)
