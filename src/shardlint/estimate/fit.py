"""The finding: an estimate over the GPU's memory, and the settings that bring it under."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shardlint.convert import table
from shardlint.estimate.compute import Training, checkpointing, estimate
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import Setup, World
from shardlint.estimate.units import gib

MAX_MACHINES = 64


@dataclass(frozen=True)
class Finding:
    message: str
    fixes: tuple[str, ...]


def _more_gpus(setup: Setup, model: ModelSize, world: World, training: Training, limit: int) -> str | None:
    """The fewest machines of the same size on which the config as written fits."""
    if setup.sharding in (table.NO_SHARD, table.HYBRID_SHARD, table.HYBRID_SHARD_ZERO2) and \
            setup.backend == "fsdp":
        return None  # the shard group does not grow with more machines
    if setup.backend == "deepspeed" and setup.stage == 0:
        return None
    for machines in range(world.num_machines + 1, MAX_MACHINES + 1):
        bigger = replace(world, num_processes=world.per_node * machines, num_machines=machines)
        needed = estimate(setup, model, bigger, training).gpu_total
        if needed <= limit:
            return f"more GPUs: {bigger.num_processes} GPUs on {machines} machines ({gib(needed)} GiB per GPU)"
    return None


def check_fit(setup: Setup, model: ModelSize, world: World, training: Training, limit: int,
              alternatives: list[Setup]) -> Finding | None:
    current = estimate(setup, model, world, training)
    if current.gpu_total <= limit:
        return None
    fixes = [f"{alt.label}: {gib(total)} GiB per GPU" for alt in alternatives
             if (total := estimate(alt, model, world, training).gpu_total) <= limit]
    if current.activations and not checkpointing(setup, training):
        with_ckpt = estimate(setup, model, world, replace(training, checkpointing=True)).gpu_total
        if with_ckpt <= limit:
            fixes.insert(0, f"activation checkpointing: {gib(with_ckpt)} GiB per GPU")
    more = _more_gpus(setup, model, world, training, limit)
    if more:
        fixes.append(more)
    return Finding(f"the estimate, {gib(current.gpu_total)} GiB per GPU, exceeds the GPU memory, {gib(limit)} GiB",
                   tuple(fixes))
