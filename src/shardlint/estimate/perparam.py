"""The before/after line ``shardlint convert`` prints: model states per GPU, per parameter."""

from __future__ import annotations

from pathlib import Path

from shardlint.convert.model import Target
from shardlint.estimate.compare import converted
from shardlint.estimate.compute import Training, estimate
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import EstimateError, Setup, World, load

_UNIT = 10**9   # a model of this many parameters, without gathered-layer terms: bytes per parameter


def _bytes(setup: Setup, world: World) -> str:
    per_param = estimate(setup, ModelSize(_UNIT), world, Training()).gpu.model_states / _UNIT
    return f"{per_param:.2f} B"


def before_after(text: str, path: Path, target: Target) -> str | None:
    """``None`` when the source cannot be estimated (the conversion itself has reported why)."""
    try:
        loaded = load(path, text=text)
    except EstimateError:
        return None
    after = converted(loaded, path, target)
    if after is None:
        return None
    world = loaded.world
    gpus = f"{world.num_processes} GPU{'s' if world.num_processes > 1 else ''}" + (
        " (num_processes unset)" if world.assumed else "")
    assumed = list(loaded.setup.assumptions)
    if any(side.backend == "deepspeed" and side.mixed for side in (loaded.setup, after)):
        assumed.append("DeepSpeed as its estimators count it, with a 4 B fp32 gradient partition (18 B sharded)")
    if not (loaded.setup.mixed and after.mixed):
        assumed.append(f"without mixed precision FSDP keeps the states in torch_dtype, taken as {Training().dtype}")
    return (f"memory, model states per GPU and parameter with {gpus}: {loaded.setup.label} "
            f"{_bytes(loaded.setup, world)} -> {after.label} {_bytes(after, world)}"
            + "".join(f"; {a}" for a in assumed) + " (shardlint estimate CONFIG --model MODEL for GiB)\n")
