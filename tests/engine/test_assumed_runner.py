"""Errors that hold only for the assumed DeepSpeed runner are warnings naming the runners they fail under."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_shardlint, write

NO_ZERO = json.dumps({"train_batch_size": 32, "fp16": {"enabled": True}}, indent=2) + "\n"
# a removed optimizer (DS132): DeepSpeed refuses it whoever hands it the file
REMOVED_OPTIMIZER = json.dumps({"train_batch_size": 32, "zero_optimization": {"stage": 0},
                                "optimizer": {"type": "OneBitAdam", "params": {"lr": 0.001}}}, indent=2) + "\n"


def _findings(folder: Path, *args: str) -> dict[str, tuple[int, str]]:
    proc = run_shardlint("check", "--isolated", "--format", "json", *args, str(folder))
    assert proc.returncode in (0, 1), proc.stderr
    return {d["code"]: (d["severity"], d["message"]) for f in json.loads(proc.stdout)["files"]
            for d in f["diagnostics"]}


def test_an_error_some_runner_accepts_is_a_warning_when_the_runner_is_assumed(tmp_path: Path) -> None:
    write(tmp_path, "ds.json", NO_ZERO)
    severity, message = _findings(tmp_path)["HF106"]
    assert severity == 2
    assert message.endswith("(an error if the Trainer or Accelerate runs this file; --deepspeed-runner or a "
                            "launch naming the file says which runs it)")


def test_a_runner_that_is_given_keeps_the_error(tmp_path: Path) -> None:
    write(tmp_path, "ds.json", NO_ZERO)
    assert _findings(tmp_path, "--deepspeed-runner", "trainer")["HF106"][0] == 1
    assert "HF106" not in _findings(tmp_path, "--deepspeed-runner", "deepspeed")
    write(tmp_path, ".shardlint.toml", 'deepspeed-runner = "accelerate"\n')
    proc = run_shardlint("check", "--format", "json", str(tmp_path))
    codes = {d["code"]: d["severity"] for f in json.loads(proc.stdout)["files"] for d in f["diagnostics"]}
    assert codes["HF106"] == 1


def test_a_launch_that_shows_the_trainer_keeps_the_error(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "ds.json", NO_ZERO)
    write(tmp_path, "train.py", "from transformers import HfArgumentParser, TrainingArguments\n"
                                "parser = HfArgumentParser(TrainingArguments)\n")
    write(tmp_path, "run.sh", "torchrun --nproc_per_node 2 train.py --deepspeed ds.json --output_dir out\n")
    assert _findings(tmp_path)["HF106"][0] == 1


def test_an_error_every_runner_gives_stays_an_error(tmp_path: Path) -> None:
    write(tmp_path, "ds.json", REMOVED_OPTIMIZER)
    severity, message = _findings(tmp_path)["DS132"]
    assert severity == 1
    assert "an error if" not in message
