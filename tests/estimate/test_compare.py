"""The comparison rows: the other backend exactly as ``shardlint convert`` maps the config."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from shardlint.convert import convert_text
from shardlint.estimate.compare import alternatives, converted
from shardlint.estimate.setup import load, settings_of, setup_from_settings
from tests.conftest import ROOT, write

EXAMPLES = ROOT / "examples"
FSDP1_GRAD_OP = """distributed_type: FSDP
mixed_precision: bf16
num_processes: 8
fsdp_config:
  fsdp_sharding_strategy: SHARD_GRAD_OP
  fsdp_offload_params: true
  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
"""
DEEPSPEED_INLINE = """distributed_type: DEEPSPEED
mixed_precision: fp16
num_processes: 4
deepspeed_config:
  zero_stage: 3
  offload_optimizer_device: cpu
  offload_param_device: none
  zero3_init_flag: false
"""


def _as_convert_writes(path: Path, target: str):
    written = yaml.safe_load(convert_text(path.read_text(), target, path).text)
    settings, _ = settings_of(written, path)
    return setup_from_settings(settings)


@pytest.mark.parametrize("name, text, target", [
    ("fsdp1.yaml", FSDP1_GRAD_OP, "deepspeed"),
    ("ds.yaml", DEEPSPEED_INLINE, "fsdp2"),
])
def test_the_other_backend_is_what_convert_writes(tmp_path: Path, name: str, text: str, target: str):
    path = write(tmp_path, name, text)
    assert converted(load(path), path) == _as_convert_writes(path, target)


def test_a_linked_json_converts_too(tmp_path: Path):
    for name in ("deepspeed-bad.yaml", "ds_config_bad.json"):
        write(tmp_path, name, (EXAMPLES / name).read_text())
    path = tmp_path / "deepspeed-bad.yaml"
    other = converted(load(path), path)
    assert other == _as_convert_writes(path, "fsdp2")
    assert other.backend == "fsdp" and other.sharding.name == "SHARD_GRAD_OP" and other.mixed_precision == "bf16"


def test_the_nearest_stage_of_shard_grad_op_is_zero2(tmp_path: Path):
    path = write(tmp_path, "fsdp1.yaml", FSDP1_GRAD_OP)
    other = converted(load(path), path)
    # convert maps SHARD_GRAD_OP to ZeRO-2, whose parameters cannot be offloaded: only the optimizer is
    assert (other.stage, other.param_device, other.optimizer_device) == (2, "none", "cpu")


def test_an_assumed_precision_carries_to_the_other_row():
    path = EXAMPLES / "deepspeed-zero3.yaml"
    other = converted(load(path), path)
    assert other.mixed_precision == "bf16"


def test_the_fixed_rows_and_no_duplicates():
    path = EXAMPLES / "fsdp2-good.yaml"
    loaded = load(path)
    rows = alternatives(loaded, path)
    labels = [setup.label for _, setup in rows]
    assert len(labels) == len(set(labels)) and loaded.setup.label not in labels
    assert labels == ["DeepSpeed ZeRO-3, bf16 mixed", "FSDP2 FULL_SHARD, no mixed precision",
                      "FSDP2 FULL_SHARD, CPU offload, bf16 mixed",
                      "DeepSpeed ZeRO-3, offload params cpu + optimizer cpu, bf16 mixed"]
    assert rows[0][0] == "shardlint convert --to deepspeed"
