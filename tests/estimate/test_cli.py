"""``shardlint estimate`` as a user runs it: output, exit codes, settings, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_shardlint, write
from tests.estimate.conftest import MODELS

EXAMPLES = ROOT / "examples"


def _copy_examples(folder: Path) -> None:
    for name in ("deepspeed-zero3.yaml", "ds_config_zero3.json", "fsdp2-good.yaml"):
        write(folder, name, (EXAMPLES / name).read_text(encoding="utf-8"))


def test_json_contract(tmp_path: Path):
    _copy_examples(tmp_path)
    proc = run_shardlint("estimate", "deepspeed-zero3.yaml", "--model", str(MODELS / "Mistral-7B-v0.1"),
                         "--seq-len", "2048", "--micro-batch", "2", "--checkpointing", "--format", "json",
                         cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["params"] == 7241732096 and data["world_size"] == 8
    gpu = data["per_gpu_bytes"]
    assert list(gpu) == ["parameters", "gradients", "optimizer", "model_states", "activations", "total"]
    assert gpu["model_states"] == gpu["parameters"] + gpu["gradients"] + gpu["optimizer"]
    assert gpu["total"] == gpu["model_states"] + gpu["activations"]
    # DeepSpeed's ZeRO-3 estimator: 4 * largest layer + int(18 * params / GPUs)
    assert gpu["model_states"] == 4 * 131072000 + int(18 * 7241732096 / 8)
    cpu = data["per_node_cpu_bytes"]
    assert list(cpu) == ["parameters", "gradients", "optimizer", "model_states", "loading", "total"]
    assert data["source"] == "DeepSpeed's estimate_zero3_model_states_mem_needs"
    assert [row["setup"] for row in data["comparison"]][0].startswith("FSDP2 FULL_SHARD")


def test_gpu_memory_from_the_project_settings(tmp_path: Path):
    _copy_examples(tmp_path)
    write(tmp_path, "pyproject.toml", '[tool.shardlint]\ngpu-memory = "16GiB"\n')
    proc = run_shardlint("estimate", "fsdp2-good.yaml", "--params", "13B", cwd=tmp_path)
    assert proc.returncode == 1
    assert "warning: the estimate" in proc.stdout and "16.00 GiB" in proc.stdout
    assert "fits with" in proc.stdout
    # the command line wins
    proc = run_shardlint("estimate", "fsdp2-good.yaml", "--params", "13B", "--gpu-memory", "80GiB", cwd=tmp_path)
    assert proc.returncode == 0 and "warning" not in proc.stdout


def test_a_bad_setting_names_the_file(tmp_path: Path):
    _copy_examples(tmp_path)
    write(tmp_path, "pyproject.toml", '[tool.shardlint]\ngpu-memory = "lots"\n')
    proc = run_shardlint("estimate", "fsdp2-good.yaml", "--params", "7B", cwd=tmp_path)
    assert proc.returncode == 2 and "pyproject.toml" in proc.stderr and "gpu-memory" in proc.stderr


@pytest.mark.parametrize("args, message", [
    (["fsdp2-good.yaml"], "--params"),
    (["missing.yaml", "--params", "7B"], "missing.yaml"),
    (["fsdp2-good.yaml", "--model", "no/such-model-anywhere"], "no/such-model-anywhere"),
    (["fsdp2-good.yaml", "--params", "7B", "--num-processes", "0"], "at least 1"),
    (["fsdp2-good.yaml", "--params", "seven"], "not a parameter count"),
    (["fsdp2-good.yaml", "--params", "7B", "--gpu-memory", "big"], "not a memory size"),
])
def test_bad_input_is_a_message_not_a_traceback(tmp_path: Path, args: list[str], message: str):
    _copy_examples(tmp_path)
    proc = run_shardlint("estimate", *args, cwd=tmp_path)
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr


def test_convert_prints_the_before_after_line(tmp_path: Path):
    _copy_examples(tmp_path)
    proc = run_shardlint("convert", "--to", "deepspeed", "fsdp2-good.yaml", cwd=tmp_path)
    assert proc.returncode == 0
    line = proc.stderr.strip().splitlines()[-1]
    assert line == ("memory, model states per GPU and parameter with 8 GPUs: FSDP2 FULL_SHARD, bf16 mixed "
                    "2.00 B -> DeepSpeed ZeRO-3, bf16 mixed 2.25 B; DeepSpeed as its estimators count it, with a "
                    "4 B fp32 gradient partition (18 B sharded) (shardlint estimate CONFIG --model MODEL for GiB)")
