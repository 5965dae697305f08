"""FSDP's model-state memory per GPU and per node, from the seed's precision tables.

"On Differences in Data Precision Handling": FSDP creates its flat parameters and the
optimizer state in ``torch_dtype`` when there is no mixed precision, so all of it stays in the
load dtype (bf16: weights 2 B + gradients 2 B + Adam 2 x 2 B); with mixed precision Accelerate
upcasts them to fp32 (4 + 4 + 8 B: accelerate accelerator.py ``prepare_model`` upcasts each FSDP1
FlatParameter, utils/fsdp_utils.py ``fsdp2_prepare_model`` every trainable parameter before
``fully_shard``) and FSDP gathers and computes in the 16-bit dtype.

Sharding (PyTorch FSDP ``ShardingStrategy`` / FSDP2 ``reshard_after_forward``): the sharded
states are divided over the shard group, all GPUs, or the GPUs of one node for HYBRID_*.
FULL_SHARD gathers one wrapped unit at a time (a decoder layer with a transformer-based wrap
policy, ``largest_block``); SHARD_GRAD_OP keeps the gathered 16-bit parameters from the forward
to the backward pass, i.e. all of them.  ``fsdp_offload_params`` moves parameters, gradients
and optimizer state to CPU (all or nothing).  With ``fsdp_cpu_ram_efficient_loading`` only the
first process of each node loads the checkpoint (transformers ``from_pretrained``: every other
process builds the model on the meta device when ``is_fsdp_enabled()``, i.e. ACCELERATE_USE_FSDP and
FSDP_CPU_RAM_EFFICIENT_LOADING, and not ``is_local_dist_rank_0()``); otherwise every process does.
"""

from __future__ import annotations

from shardlint.convert import table
from shardlint.estimate.breakdown import Estimate, Parts
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import Setup, World

SOURCE = "shardlint, from the guide's precision tables (On Differences in Data Precision Handling)"
_KEEP_GATHERED = (table.SHARD_GRAD_OP, table.HYBRID_SHARD_ZERO2)


def shard_group(setup: Setup, world: World) -> int:
    if setup.sharding is table.NO_SHARD:
        return 1
    if setup.sharding in (table.HYBRID_SHARD, table.HYBRID_SHARD_ZERO2):
        return world.per_node
    return world.num_processes


def fsdp_estimate(setup: Setup, model: ModelSize, world: World, dtype_bytes: int) -> Estimate:
    p, unit = model.total, model.largest_block
    stored = 4 if setup.mixed else dtype_bytes          # sharded parameters and gradients
    compute = 2 if setup.mixed else dtype_bytes         # gathered parameters and unsharded gradients
    shards = shard_group(setup, world)
    gathered = compute * (p if setup.sharding in _KEEP_GATHERED else unit)
    if setup.sharding is table.NO_SHARD:
        gathered = compute * unit if setup.mixed else 0  # the 16-bit copy of the unit running now
    states = Parts(parameters=stored * p // shards, gradients=stored * p // shards,
                   optimizer=2 * stored * p // shards)
    loading = dtype_bytes * p * (1 if setup.efficient_loading else world.per_node)
    if setup.offload:
        gpu = Parts(parameters=gathered, gradients=compute * unit)
        cpu = Parts(parameters=states.parameters * world.per_node, gradients=states.gradients * world.per_node,
                    optimizer=states.optimizer * world.per_node)
        return Estimate(gpu, cpu, loading, source=SOURCE)
    unsharded_grads = 0 if setup.sharding is table.NO_SHARD else compute * unit
    gpu = Parts(parameters=states.parameters + gathered, gradients=states.gradients + unsharded_grads,
                optimizer=states.optimizer)
    return Estimate(gpu, Parts(), loading, source=SOURCE)
