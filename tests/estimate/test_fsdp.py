"""FSDP strategies, offload and loading."""

from __future__ import annotations

from dataclasses import replace

from shardlint.convert import table
from shardlint.estimate.compute import Training, estimate
from shardlint.estimate.fsdp import shard_group
from shardlint.estimate.setup import Setup, World
from tests.estimate.conftest import model

LLAMA = model("Llama-2-7b-hf")
BASE = Setup("fsdp", table.FULL_SHARD, fsdp_version=1, mixed_precision="bf16", efficient_loading=True)
TWO_NODES = World(16, 2)


def _gpu(setup: Setup, world: World = TWO_NODES) -> int:
    return estimate(setup, LLAMA, world, Training(dtype="bf16")).gpu.model_states


def test_shard_groups():
    assert shard_group(BASE, TWO_NODES) == 16
    assert shard_group(replace(BASE, sharding=table.HYBRID_SHARD), TWO_NODES) == 8
    assert shard_group(replace(BASE, sharding=table.HYBRID_SHARD_ZERO2), TWO_NODES) == 8
    assert shard_group(replace(BASE, sharding=table.NO_SHARD), TWO_NODES) == 1


def test_strategies_order_as_their_sharding_does():
    full, grad_op = _gpu(BASE), _gpu(replace(BASE, sharding=table.SHARD_GRAD_OP))
    hybrid, no_shard = _gpu(replace(BASE, sharding=table.HYBRID_SHARD)), _gpu(replace(BASE, sharding=table.NO_SHARD))
    assert full < hybrid < no_shard
    assert full < grad_op < no_shard
    # SHARD_GRAD_OP keeps the whole 16-bit model gathered from forward to backward
    assert grad_op - full == 2 * (LLAMA.total - LLAMA.largest_block)


def test_no_shard_holds_everything():
    got = estimate(replace(BASE, sharding=table.NO_SHARD), LLAMA, TWO_NODES, Training()).gpu
    assert got.optimizer == 8 * LLAMA.total and got.gradients == 4 * LLAMA.total


def test_fsdp1_and_fsdp2_shard_alike():
    assert _gpu(BASE) == _gpu(replace(BASE, fsdp_version=2))


def test_offload_is_all_or_nothing():
    offload = replace(BASE, param_device="cpu", optimizer_device="cpu")
    got = estimate(offload, LLAMA, TWO_NODES, Training(dtype="bf16"))
    assert got.gpu.optimizer == 0
    assert got.gpu.model_states == 2 * 2 * LLAMA.largest_block        # one gathered unit and its gradients
    on_gpu = estimate(BASE, LLAMA, TWO_NODES, Training(dtype="bf16")).gpu
    per_node = TWO_NODES.per_node
    assert got.cpu.optimizer == on_gpu.optimizer * per_node


def test_efficient_loading_loads_once_per_node():
    slow = estimate(replace(BASE, efficient_loading=False), LLAMA, TWO_NODES, Training(dtype="bf16"))
    fast = estimate(BASE, LLAMA, TWO_NODES, Training(dtype="bf16"))
    assert fast.loading == 2 * LLAMA.total
    assert slow.loading == 8 * fast.loading
