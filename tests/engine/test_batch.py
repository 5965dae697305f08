"""DeepSpeed's batch arithmetic (shardlint.engine.batch) and the facts built on it."""

from __future__ import annotations

import json

import pytest

from shardlint.engine.batch import mismatch, model_parallel, unsatisfiable


@pytest.mark.parametrize(("config", "fails"), [
    ({"train_batch_size": 256, "gradient_accumulation_steps": 3}, True),  # 85 x 3 x 1 = 255 on one GPU
    ({"train_batch_size": 256, "gradient_accumulation_steps": 4}, False),
    ({"train_batch_size": 256, "train_micro_batch_size_per_gpu": 8, "gradient_accumulation_steps": 1}, False),
    ({"train_batch_size": 30, "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": 4}, True),
    ({"train_batch_size": 30, "train_micro_batch_size_per_gpu": 4}, True),
    ({"train_batch_size": 4, "train_micro_batch_size_per_gpu": 8}, True),  # fewer samples than one micro batch
    ({"train_batch_size": "auto", "train_micro_batch_size_per_gpu": 5}, False),
    ({"train_batch_size": 30}, False),
    ({"train_batch_size": 30, "train_micro_batch_size_per_gpu": "4"}, False),  # a string: DS005's finding
    ({"train_batch_size": True, "train_micro_batch_size_per_gpu": 4}, False),
    ({"train_batch_size": 30, "train_micro_batch_size_per_gpu": 4, "elasticity": {"enabled": True}}, False),
    ([], False),
])
def test_unsatisfiable(config, fails: bool) -> None:
    assert (unsatisfiable(config) is not None) is fails


@pytest.mark.parametrize(("config", "world", "expected"), [
    ({"train_batch_size": 8, "train_micro_batch_size_per_gpu": 1}, 8, None),
    ({"train_batch_size": 8, "train_micro_batch_size_per_gpu": 1}, 4,
     "train_batch_size 8 is not train_micro_batch_size_per_gpu 1 x gradient_accumulation_steps 1 x num_processes 4 = 4"),
    ({"train_batch_size": 6, "train_micro_batch_size_per_gpu": "auto", "gradient_accumulation_steps": 1}, 4,
     "train_batch_size 6 is not a multiple of gradient_accumulation_steps 1 x num_processes 4 = 4, "
     "whatever train_micro_batch_size_per_gpu becomes"),
    ({"train_batch_size": 16, "train_micro_batch_size_per_gpu": "auto"}, 4, None),
    ({"train_batch_size": 16, "gradient_accumulation_steps": "auto", "train_micro_batch_size_per_gpu": 2}, 4, None),
    ({"train_batch_size": "auto", "train_micro_batch_size_per_gpu": 3}, 4, None),
])
def test_mismatch(config, world: int, expected: str | None) -> None:
    assert mismatch(config, world) == expected


@pytest.mark.parametrize(("config", "expected"), [
    ({"sequence_parallel_size": 2}, True),
    ({"tensor_parallel": {"autotp_size": 2}}, True),
    ({"tensor_parallel": {"autotp_size": 1}}, False),
    ({"zero_optimization": {"stage": 3}}, False),
])
def test_model_parallel(config, expected: bool) -> None:
    assert model_parallel(config) is expected


def test_unsatisfiable_batch_fact(context) -> None:
    config = {"train_batch_size": 256, "gradient_accumulation_steps": 3}
    assert context(json.dumps(config), name="ds_config.json").fact("unsatisfiable-batch") == (
        "train_batch_size 256 is not a multiple of gradient_accumulation_steps 3, "
        "whatever train_micro_batch_size_per_gpu or the world size becomes")


LINKED = {"ds.json": json.dumps({"train_batch_size": 8, "train_micro_batch_size_per_gpu": 1,
                                 "zero_optimization": {"stage": 3}})}


@pytest.mark.parametrize(("yaml", "mismatched"), [
    ("num_processes: 8\n", False),
    ("num_processes: 4\n", True),
    ("num_processes: '4'\n", True),  # read as an integer; YAML126 is about the quotes
    ("num_processes: -1\n", False),  # passed on the command line
    ("", False),
    ("num_processes: 4\nparallelism_config:\n  parallelism_config_tp_size: 2\n", False),
    ("num_processes: 4\nparallelism_config: {}\n", True),
])
def test_launch_batch_mismatch_fact(context, yaml: str, mismatched: bool) -> None:
    text = "distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n" + yaml
    assert (context(text, files=LINKED).fact("launch-batch-mismatch") is not None) is mismatched
