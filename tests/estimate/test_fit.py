"""The finding: over the GPU's memory, and what brings the estimate under it."""

from __future__ import annotations

from shardlint.convert import table
from shardlint.estimate.compute import Training, estimate
from shardlint.estimate.fit import check_fit
from shardlint.estimate.setup import Setup, World
from tests.estimate.conftest import model

GiB = 2**30
LLAMA = model("Llama-3.1-8B")
FSDP = Setup("fsdp", table.FULL_SHARD, fsdp_version=2, mixed_precision="bf16", efficient_loading=True)
OFFLOAD = Setup("fsdp", table.FULL_SHARD, fsdp_version=2, param_device="cpu", optimizer_device="cpu",
                mixed_precision="bf16", efficient_loading=True)
ZERO2 = Setup("deepspeed", table.SHARD_GRAD_OP, mixed_precision="bf16")
WORLD = World(8, 1)


def test_nothing_when_it_fits():
    assert check_fit(FSDP, LLAMA, WORLD, Training(), 80 * GiB, []) is None


def test_offload_and_more_gpus_bring_it_under():
    finding = check_fit(FSDP, LLAMA, WORLD, Training(), 12 * GiB, [ZERO2, OFFLOAD])
    assert finding is not None and "exceeds the GPU memory, 12.00 GiB" in finding.message
    assert finding.fixes[0].startswith("FSDP2 FULL_SHARD, CPU offload")            # ZeRO-2 does not fit
    assert finding.fixes[-1].startswith("more GPUs: 16 GPUs on 2 machines")
    assert estimate(FSDP, LLAMA, World(16, 2), Training()).gpu_total <= 12 * GiB


def test_checkpointing_comes_first_when_activations_are_the_problem():
    training = Training(seq_len=4096, micro_batch=1)
    finding = check_fit(FSDP, LLAMA, WORLD, training, 24 * GiB, [])
    assert finding is not None and finding.fixes[0].startswith("activation checkpointing: ")
    # already checkpointing: not suggested again
    again = check_fit(FSDP, LLAMA, WORLD, Training(seq_len=32768, micro_batch=8, checkpointing=True), 24 * GiB, [])
    assert again is not None and not any("checkpointing" in fix for fix in again.fixes)


def test_unsharded_setups_are_not_told_to_add_gpus():
    no_shard = Setup("fsdp", table.NO_SHARD, fsdp_version=1, mixed_precision="bf16")
    finding = check_fit(no_shard, LLAMA, WORLD, Training(), 40 * GiB, [])
    assert finding is not None and finding.fixes == ()
