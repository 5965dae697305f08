"""One setup, one model, one world: the estimate, activations included when they can be."""

from __future__ import annotations

from dataclasses import dataclass, replace

from shardlint.estimate.activations import activation_bytes
from shardlint.estimate.breakdown import Estimate
from shardlint.estimate.deepspeed import deepspeed_estimate
from shardlint.estimate.fsdp import fsdp_estimate
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import Setup, World

DTYPE_BYTES = {"float32": 4, "fp32": 4, "bfloat16": 2, "bf16": 2, "float16": 2, "fp16": 2}


@dataclass(frozen=True)
class Training:
    """What the training arguments say; activations need all three."""

    seq_len: int | None = None
    micro_batch: int | None = None
    checkpointing: bool | None = None
    dtype: str = "bf16"               # the dtype the model is loaded in (torch_dtype)

    @property
    def dtype_bytes(self) -> int:
        return DTYPE_BYTES[self.dtype]


def checkpointing(setup: Setup, training: Training) -> bool:
    """The command line's choice, else the config's (``fsdp_activation_checkpointing``)."""
    return bool(training.checkpointing if training.checkpointing is not None else setup.checkpointing)


def estimate(setup: Setup, model: ModelSize, world: World, training: Training) -> Estimate:
    if setup.backend == "deepspeed":
        result = deepspeed_estimate(setup, model, world)
    else:
        result = fsdp_estimate(setup, model, world, training.dtype_bytes)
    micro_batch = training.micro_batch or setup.micro_batch
    if training.seq_len and micro_batch:
        compute_bytes = 2 if setup.mixed else (4 if setup.backend == "deepspeed" else training.dtype_bytes)
        act = activation_bytes(model, training.seq_len, micro_batch, checkpointing(setup, training), compute_bytes)
        result = replace(result, activations=act)
    return result
