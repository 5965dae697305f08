"""The DeepSpeed figures equal DeepSpeed's own estimators over a grid.

``data/deepspeed/estimators.json`` holds what DeepSpeed 0.19.8's
``estimate_zero2_model_states_mem_needs`` / ``estimate_zero3_model_states_mem_needs`` returned
(see ``measure.py`` beside it); the tests never import DeepSpeed.
"""

from __future__ import annotations

import json

import pytest

from shardlint.convert import table
from shardlint.estimate.deepspeed import ESTIMATOR_2, ESTIMATOR_3, OWN, deepspeed_estimate
from shardlint.estimate.setup import Setup, World
from tests.estimate.conftest import DATA, model

ROWS = json.loads((DATA / "deepspeed" / "estimators.json").read_text(encoding="utf-8"))["rows"]


def _setup(stage: int, offload_optimizer: bool, offload_param: bool, zero_init: bool,
           precision: str = "bf16") -> Setup:
    return Setup("deepspeed", table.ZERO_STAGES[stage], param_device="cpu" if offload_param else "none",
                 optimizer_device="cpu" if offload_optimizer else "none", mixed_precision=precision,
                 efficient_loading=zero_init)


def test_the_grid_covers_what_was_asked():
    assert {r["stage"] for r in ROWS} == {2, 3}
    assert {r["nodes"] for r in ROWS} == {1, 2, 3, 4}
    assert {r["gpus_per_node"] for r in ROWS} == set(range(1, 9))
    assert {(r["offload_optimizer"], r["offload_param"], r["zero_init"]) for r in ROWS if r["stage"] == 3} == {
        (o, p, z) for o, p in ((False, False), (True, False), (True, True)) for z in (False, True)}


@pytest.mark.parametrize("precision", ["bf16", "fp16"])
def test_model_states_equal_deepspeeds_estimators(precision: str):
    models = {name: model(name) for name in {r["model"] for r in ROWS}}
    mismatches = []
    for row in ROWS:
        world = World(row["nodes"] * row["gpus_per_node"], row["nodes"])
        setup = _setup(row["stage"], row["offload_optimizer"], row["offload_param"], row["zero_init"], precision)
        got = deepspeed_estimate(setup, models[row["model"]], world)
        if (got.gpu.model_states, got.cpu.model_states) != (row["gpu"], row["cpu"]):
            mismatches.append((row, got.gpu.model_states, got.cpu.model_states))
        assert got.source == (ESTIMATOR_2 if row["stage"] == 2 else ESTIMATOR_3)
    assert not mismatches, mismatches[:3]


def test_zero2_split_follows_the_estimators_multipliers():
    # 2 B parameters whole; 18 B / N = 2 + 4 gradients, 4 + 8 optimizer
    p, n = model("Llama-2-7b-hf").total, 8
    got = deepspeed_estimate(_setup(2, False, False, False), model("Llama-2-7b-hf"), World(n, 1))
    assert got.gpu.parameters == 2 * p
    assert got.gpu.optimizer == 12 * p // n
    assert got.gpu.gradients == pytest.approx(6 * p / n, abs=1)


def test_stage_0_and_1_follow_the_same_bytes_and_say_so():
    m, world = model("Llama-2-7b-hf"), World(8, 1)
    p = m.total
    zero0 = deepspeed_estimate(_setup(0, False, False, False), m, world)
    zero1 = deepspeed_estimate(_setup(1, False, False, False), m, world)
    zero2 = deepspeed_estimate(_setup(2, False, False, False), m, world)
    assert zero0.gpu.model_states == 20 * p                     # nothing partitioned: 2 + 18
    assert zero1.gpu.model_states == 4 * p + 16 * p // 8        # 16-bit gradients stay whole
    assert zero2.gpu.model_states < zero1.gpu.model_states < zero0.gpu.model_states
    assert zero0.source == zero1.source == OWN


def test_parameter_offload_without_optimizer_offload_is_not_an_estimator_case():
    got = deepspeed_estimate(_setup(3, False, True, True), model("Llama-2-7b-hf"), World(8, 1))
    assert got.source == OWN
    no_offload = deepspeed_estimate(_setup(3, False, False, True), model("Llama-2-7b-hf"), World(8, 1))
    assert got.gpu.model_states < no_offload.gpu.model_states


def test_fp32_training_is_marked():
    got = deepspeed_estimate(_setup(2, False, False, False, "no"), model("Llama-2-7b-hf"), World(8, 1))
    assert got.source == OWN and any("fp32" in note for note in got.notes)
    assert got.gpu.parameters == 4 * model("Llama-2-7b-hf").total


def test_nvme_is_noted():
    setup = Setup("deepspeed", table.ZERO_STAGES[3], param_device="nvme", optimizer_device="nvme",
                  mixed_precision="bf16", efficient_loading=True)
    got = deepspeed_estimate(setup, model("Llama-2-7b-hf"), World(8, 1))
    assert any("NVMe" in note for note in got.notes)
