"""The rows of the guide's precision tables ("On Differences in Data Precision Handling") as tests.

Framework | Model Loading (torch_dtype) | Mixed Precision | Preparation (Local) | Training | Optimizer (Local)
FSDP      | bf16 | default (none) | bf16 | bf16 | bf16
FSDP      | bf16 | bf16           | fp32 | bf16 | fp32
DeepSpeed | fp32 | bf16           | fp32 | bf16 | fp32

Per parameter and GPU, with the states fully sharded over N GPUs: prepared (flat) parameters
and gradients in the preparation dtype, Adam's two moments in the optimizer dtype.  Large N
and a model given by --params keep the gathered-layer terms out of the comparison.
"""

from __future__ import annotations

import pytest

from shardlint.convert import table
from shardlint.estimate.compute import Training, estimate
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import Setup, World

P, N = 8 * 10**9, 8
MODEL, WORLD = ModelSize(P), World(N, 1)


def _fsdp(mixed: str) -> Setup:
    return Setup("fsdp", table.FULL_SHARD, fsdp_version=2, mixed_precision=mixed, efficient_loading=True)


def _per_param(setup: Setup, dtype: str) -> tuple[float, float, float]:
    got = estimate(setup, MODEL, WORLD, Training(dtype=dtype)).gpu
    return got.parameters * N / P, got.gradients * N / P, got.optimizer * N / P


def test_fsdp_bf16_without_mixed_precision_keeps_everything_in_bf16():
    # preparation bf16, optimizer bf16: 2 B + 2 B + 2 x 2 B
    assert _per_param(_fsdp("no"), "bf16") == (2, 2, 4)


def test_fsdp_bf16_with_bf16_mixed_precision_upcasts_to_fp32():
    # preparation fp32, optimizer fp32: 4 B + 4 B + 2 x 4 B
    assert _per_param(_fsdp("bf16"), "bf16") == (4, 4, 8)


@pytest.mark.parametrize("loaded", ["fp32", "bf16", "fp16"])
def test_deepspeed_disregards_torch_dtype(loaded: str):
    # preparation fp32 whatever the load dtype: fp32 master weights and moments (12 B) in the optimizer
    setup = Setup("deepspeed", table.FULL_SHARD, mixed_precision="bf16", efficient_loading=True)
    got = estimate(setup, MODEL, WORLD, Training(dtype=loaded))
    assert got == estimate(setup, MODEL, WORLD, Training(dtype="fp32"))
    assert got.gpu.optimizer * N / P == 12


def test_the_overhead_is_amortised_by_the_number_of_gpus():
    # "the Local column ... memory overheads by upcasting should be understood to be amortized by the number of gpus"
    deepspeed = Setup("deepspeed", table.FULL_SHARD, mixed_precision="bf16", efficient_loading=True)
    fsdp_low = _fsdp("no")
    gaps = []
    for n in (1, 2, 8, 64):
        world = World(n, 1 if n <= 8 else n // 8)
        gaps.append(estimate(deepspeed, MODEL, world, Training(dtype="bf16")).gpu.model_states
                    - estimate(fsdp_low, MODEL, world, Training(dtype="bf16")).gpu.model_states)
    assert gaps == sorted(gaps, reverse=True) and gaps[-1] < gaps[0] / 32


def test_fsdp_with_mixed_precision_costs_about_what_deepspeed_does():
    # "with mixed precision, then FSDP (like DeepSpeed) will upcast in the model preparation step"
    deepspeed = Setup("deepspeed", table.FULL_SHARD, mixed_precision="bf16", efficient_loading=True)
    ds = estimate(deepspeed, MODEL, WORLD, Training()).gpu.model_states
    fsdp = estimate(_fsdp("bf16"), MODEL, WORLD, Training()).gpu.model_states
    low = estimate(_fsdp("no"), MODEL, WORLD, Training(dtype="bf16")).gpu.model_states
    assert low == fsdp // 2 and abs(ds - fsdp) / ds < 0.15
