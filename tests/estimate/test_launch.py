"""``shardlint estimate SCRIPT[:LINE]``: the launch gives the world size, the config and the training arguments."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_shardlint, write
from tests.estimate.conftest import MODELS

FSDP = "distributed_type: FSDP\nmixed_precision: bf16\nnum_processes: 8\nfsdp_config:\n  fsdp_version: 2\n"
DS = ('{"train_micro_batch_size_per_gpu": 4, "bf16": {"enabled": true},\n'
      ' "zero_optimization": {"stage": 2, "offload_optimizer": {"device": "cpu"}}}\n')
SCRIPT = """\
accelerate launch --config_file configs/fsdp.yaml --num_machines 2 --num_processes 16 --use_deepspeed --zero_stage 3 \\
  train.py --model_name_or_path models/llama --max_seq_length 2048 --per_device_train_batch_size=2 \\
  --gradient_checkpointing false
torchrun --nproc_per_node 8 --nnodes 4 train.py --deepspeed ds.json --model_name_or_path models/llama
deepspeed --num_gpus 4 --num_nodes 2 train.py --deepspeed_config ds.json --max_length 1024
torchrun --nproc_per_node 8 train.py --model_name_or_path models/llama
"""


@pytest.fixture()
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "configs/fsdp.yaml", FSDP)
    write(tmp_path, "ds.json", DS)
    write(tmp_path, "train.py", "")
    write(tmp_path, "scripts/run.sh", SCRIPT)
    shutil.copytree(MODELS / "Llama-3.1-8B", tmp_path / "models" / "llama")
    return tmp_path


def _estimate(repo: Path, *args: str) -> dict:
    proc = run_shardlint("estimate", *args, "--format", "json", cwd=repo / "scripts")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_accelerate_launch_flags_over_the_config_file(repo: Path) -> None:
    out = _estimate(repo, "run.sh:2")
    assert out["config"] == "run.sh:1 (accelerate launch)"
    assert (out["world_size"], out["num_machines"]) == (16, 2)  # the flags, not the file's 8
    assert out["setup"].startswith("DeepSpeed ZeRO-3")  # --use_deepspeed --zero_stage 3 over distributed_type
    assert out["model"]["name"] == "models/llama" and out["params"] == 8030261248  # found from the repository root
    notes = "\n".join(out["notes"])
    assert "seq len 2048: --max_seq_length at run.sh:2:" in notes
    assert "micro batch 2: --per_device_train_batch_size at run.sh:2:" in notes
    assert "activation checkpointing off: --gradient_checkpointing at run.sh:3:" in notes
    assert "activations" in out["per_gpu_bytes"]


def test_torchrun_with_a_deepspeed_json(repo: Path) -> None:
    out = _estimate(repo, "run.sh:4")
    assert (out["world_size"], out["num_machines"]) == (32, 4)
    assert out["setup"] == "DeepSpeed ZeRO-2, offload optimizer cpu, bf16 mixed"
    assert any("--nproc_per_node 8 x --nnodes 4" in note for note in out["notes"])


def test_deepspeed_cli_and_the_command_line_going_first(repo: Path) -> None:
    out = _estimate(repo, "run.sh:5", "--params", "7B", "--num-processes", "4", "--num-machines", "1")
    assert (out["params"], out["world_size"], out["num_machines"]) == (7_000_000_000, 4, 1)
    assert not any(note.startswith("from the launch: world size") for note in out["notes"])


def test_same_as_estimating_the_config_with_the_same_inputs(repo: Path) -> None:
    write(repo, "scripts/fsdp.sh", "accelerate launch --config_file ../configs/fsdp.yaml train.py\n")
    from_launch = _estimate(repo, "fsdp.sh", "--params", "7B")
    from_config = _estimate(repo, "../configs/fsdp.yaml", "--params", "7B")
    assert from_launch["per_gpu_bytes"] == from_config["per_gpu_bytes"]
    assert from_launch["world_size"] == from_config["world_size"] == 8


@pytest.mark.parametrize(("target", "message"), [
    ("run.sh", "has 4 launch commands (lines 1, 4, 5, 6): name one as run.sh:LINE"),
    ("run.sh:99", "run.sh:99: no launch command found"),
    ("run.sh:6", "the launch runs no FSDP or DeepSpeed and its training script is given no DeepSpeed config"),
])
def test_unusable_launches_are_explained(repo: Path, target: str, message: str) -> None:
    proc = run_shardlint("estimate", target, "--params", "7B", cwd=repo / "scripts")
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_a_launch_whose_arguments_are_kept_in_a_variable_above(repo: Path) -> None:
    write(repo, "scripts/vars.sh", 'ARGS="train.py --deepspeed ../ds.json"\necho start\ndeepspeed --num_gpus 2 --num_nodes 1 $ARGS\n')
    out = _estimate(repo, "vars.sh:3", "--params", "7B")
    assert out["config"] == "vars.sh:3 (deepspeed)" and out["world_size"] == 2
    assert out["setup"] == "DeepSpeed ZeRO-2, offload optimizer cpu, bf16 mixed"
