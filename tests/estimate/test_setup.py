"""Reading what a config means for memory, through the converter's reading of settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.convert import table
from shardlint.estimate.setup import EstimateError, load
from tests.conftest import ROOT, write

EXAMPLES = ROOT / "examples"


def test_accelerate_config_with_linked_json():
    loaded = load(EXAMPLES / "deepspeed-zero3.yaml")
    setup = loaded.setup
    assert (setup.backend, setup.stage, setup.offload, setup.efficient_loading) == ("deepspeed", 3, False, True)
    assert setup.mixed_precision == "bf16" and "auto" in setup.assumptions[0]
    assert (loaded.world.num_processes, loaded.world.num_machines, loaded.world.assumed) == (8, 1, False)


def test_deepspeed_json_alone(tmp_path: Path):
    path = write(tmp_path, "ds.json", '{"bf16": {"enabled": true}, "train_micro_batch_size_per_gpu": 4, '
                 '"zero_optimization": {"stage": 3, "offload_param": {"device": "nvme"}, '
                 '"offload_optimizer": {"device": "cpu"}}}')
    loaded = load(path)
    setup = loaded.setup
    assert (setup.stage, setup.param_device, setup.optimizer_device) == (3, "nvme", "cpu")
    assert (setup.mixed_precision, setup.micro_batch, setup.assumptions) == ("bf16", 4, ())
    assert loaded.world.assumed and loaded.world.num_processes == 1


def test_parameter_offload_below_zero3_is_ignored_as_deepspeed_does(tmp_path: Path):
    path = write(tmp_path, "a.yaml", "distributed_type: DEEPSPEED\ndeepspeed_config:\n  zero_stage: 2\n"
                 "  offload_param_device: cpu\n  offload_optimizer_device: cpu\nmixed_precision: fp16\n")
    setup = load(path).setup
    assert (setup.param_device, setup.optimizer_device, setup.mixed_precision) == ("none", "cpu", "fp16")


def test_fsdp_settings(tmp_path: Path):
    path = write(tmp_path, "f.yaml", "distributed_type: FSDP\nnum_processes: 16\nnum_machines: 2\n"
                 "fsdp_config:\n  fsdp_sharding_strategy: 4\n  fsdp_offload_params: 'true'\n"
                 "  fsdp_activation_checkpointing: true\n  fsdp_cpu_ram_efficient_loading: false\n")
    loaded = load(path)
    setup = loaded.setup
    assert setup.sharding is table.HYBRID_SHARD and setup.fsdp_version == 1
    assert setup.offload and setup.checkpointing is True and not setup.efficient_loading
    assert setup.mixed_precision == "no"
    assert loaded.world.per_node == 8


def test_fsdp2_hybrid_through_parallelism_config(tmp_path: Path):
    path = write(tmp_path, "f.yaml", "distributed_type: FSDP\nmixed_precision: bf16\nfsdp_config:\n"
                 "  fsdp_version: 2\n  fsdp_reshard_after_forward: false\nparallelism_config:\n"
                 "  parallelism_config_dp_replicate_size: 2\n  parallelism_config_dp_shard_size: 8\n")
    assert load(path).setup.sharding is table.HYBRID_SHARD_ZERO2


def test_command_line_world_wins(tmp_path: Path):
    loaded = load(EXAMPLES / "fsdp2-good.yaml", num_processes=32, num_machines=4)
    assert (loaded.world.num_processes, loaded.world.per_node) == (32, 8)


@pytest.mark.parametrize("name, text, message", [
    ("bad.yaml", "distributed_type: FSDP\nfsdp_config: [\n", "bad.yaml:"),
    ("ddp.yaml", "distributed_type: MULTI_GPU\nnum_processes: 2\n", "covers FSDP and DEEPSPEED"),
    ("other.json", '{"name": 1}', "neither an Accelerate config nor a DeepSpeed JSON"),
    ("missing.yaml", "distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: nowhere.json\n",
     "nowhere.json"),
    ("uneven.yaml", "distributed_type: FSDP\nnum_processes: 7\nnum_machines: 2\n", "do not split evenly"),
    ("strategy.yaml", "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HALF\n", "HALF"),
])
def test_bad_input_is_a_message(tmp_path: Path, name: str, text: str, message: str):
    with pytest.raises(EstimateError, match=message):
        load(write(tmp_path, name, text))


def test_a_folder_is_a_message(tmp_path: Path):
    with pytest.raises(EstimateError, match="directory"):
        load(tmp_path)
