"""FSDP -> DeepSpeed -> FSDP restores every mapped field (and DeepSpeed -> FSDP -> DeepSpeed)."""

from __future__ import annotations

import itertools

import yaml

import pytest

# the rows that map exactly in both directions; hybrid strategies and ZeRO-1 are approximations,
# and below ZeRO-3 loading and checkpoint format have no DeepSpeed key (seed table: "only ZeRO 3")
EXACT = [
    *[("FULL_SHARD", offload, loading, state_dict)
      for offload, loading, state_dict in itertools.product(
          ("true", "false"), ("true", "false"), ("FULL_STATE_DICT", "SHARDED_STATE_DICT"))],
    ("SHARD_GRAD_OP", "true", "true", "SHARDED_STATE_DICT"),
    ("SHARD_GRAD_OP", "false", "true", "SHARDED_STATE_DICT"),
    ("NO_SHARD", "false", "true", "SHARDED_STATE_DICT"),
]
COMMENTED = """\
# team default, reviewed 2024-05
compute_environment: LOCAL_MACHINE
distributed_type: FSDP
fsdp_config:
{body}machine_rank: 0
mixed_precision: bf16  # A100s
num_machines: 1
num_processes: 8
"""


def _fsdp1(strategy: str, offload: str, loading: str, state_dict: str) -> str:
    body = (f"  fsdp_version: 1\n  fsdp_sharding_strategy: {strategy}\n  fsdp_offload_params: {offload}\n"
            f"  fsdp_cpu_ram_efficient_loading: {loading}\n  fsdp_sync_module_states: true\n"
            f"  fsdp_state_dict_type: {state_dict}\n")
    return COMMENTED.format(body=body)


def _fsdp2(reshard: str, offload: str, loading: str, state_dict: str) -> str:
    body = (f"  fsdp_version: 2\n  fsdp_reshard_after_forward: {reshard}\n  fsdp_offload_params: {offload}\n"
            f"  fsdp_cpu_ram_efficient_loading: {loading}\n  fsdp_state_dict_type: {state_dict}\n")
    return COMMENTED.format(body=body)


def _mapped(fsdp: dict) -> dict:
    keys = ("fsdp_version", "fsdp_sharding_strategy", "fsdp_reshard_after_forward", "fsdp_offload_params",
            "fsdp_cpu_ram_efficient_loading", "fsdp_state_dict_type")
    return {k: fsdp[k] for k in keys if k in fsdp}


@pytest.mark.parametrize("row", EXACT, ids="-".join)
def test_fsdp1_deepspeed_fsdp1_restores_mapped_fields(convert, row):
    original = yaml.safe_load(_fsdp1(*row))["fsdp_config"]
    there = convert(_fsdp1(*row), "deepspeed")
    back = convert(there.text, "fsdp")
    assert _mapped(back.fsdp) == _mapped(original)
    assert back.fsdp["fsdp_sync_module_states"] is True
    assert back.data["mixed_precision"] == "bf16" and back.data["num_processes"] == 8
    # the user's comments survive both trips, and the first trip's notes do not pile up
    assert "# team default, reviewed 2024-05" in back.text and "# A100s" in back.text
    assert back.text.count("# shardlint convert") == 1


@pytest.mark.parametrize("row", [("true" if r[0] == "FULL_SHARD" else "false", *r[1:]) for r in EXACT[:10]],
                         ids="-".join)
def test_fsdp2_deepspeed_fsdp2_restores_mapped_fields(convert, row):
    original = yaml.safe_load(_fsdp2(*row))["fsdp_config"]
    back = convert(convert(_fsdp2(*row), "deepspeed").text, "fsdp2")
    assert _mapped(back.fsdp) == _mapped(original)


@pytest.mark.parametrize("stage", [0, 2, 3])
@pytest.mark.parametrize("offload", ["cpu", "none"])
def test_deepspeed_fsdp_deepspeed_restores_stage_and_offload(convert, stage, offload):
    param = offload if stage == 3 else "none"
    text = ("distributed_type: DEEPSPEED\nmixed_precision: bf16\nnum_processes: 8\ndeepspeed_config:\n"
            f"  zero_stage: {stage}\n  offload_optimizer_device: {offload if stage else 'none'}\n"
            f"  offload_param_device: {param}\n  zero3_init_flag: {str(stage == 3).lower()}\n"
            f"  zero3_save_16bit_model: {str(stage == 3).lower()}\n")
    for via in ("fsdp", "fsdp2") if stage else ("fsdp",):  # FSDP2 has no unsharded mode (noted)
        back = convert(convert(text, via).text, "deepspeed")
        assert back.ds["zero_stage"] == stage
        if stage:
            assert back.ds["offload_optimizer_device"] == (offload if stage else "none")
        if stage == 3:
            assert back.ds["offload_param_device"] == param
            assert back.ds["zero3_init_flag"] is True and back.ds["zero3_save_16bit_model"] is True


@pytest.mark.parametrize("row", EXACT[:8], ids="-".join)
def test_fsdp1_fsdp2_fsdp1_restores_mapped_fields(convert, row):
    original = yaml.safe_load(_fsdp1(*row))["fsdp_config"]
    back = convert(convert(_fsdp1(*row), "fsdp2").text, "fsdp")
    assert _mapped(back.fsdp) == _mapped(original)
