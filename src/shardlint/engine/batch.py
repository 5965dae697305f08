"""DeepSpeed's batch arithmetic: train_batch_size = micro batch x accumulation steps x data-parallel size.

``DeepSpeedConfig._configure_train_batch_size`` derives a missing factor by integer division and then
asserts the equation. A factor that is written as an integer is fixed; one that is ``"auto"`` (filled
by the Trainer or Accelerate) or derived by DeepSpeed can take any positive value. When the fixed
factors alone do not divide ``train_batch_size``, no value of the free ones satisfies the equation.
"""

from __future__ import annotations

from typing import Any, NamedTuple

MICRO = "train_micro_batch_size_per_gpu"
ACCUMULATION = "gradient_accumulation_steps"


class Factor(NamedTuple):
    name: str
    value: int | None  # None: free (``"auto"``, or derived by DeepSpeed)


def positive_int(value: Any) -> int | None:
    """A count as DeepSpeed reads it from the top level: an integer (not a boolean) above 0."""
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def _factor(config: dict[str, Any], key: str, absent: int | None) -> Factor | None:
    """The factor ``key`` of ``config``: fixed, free, or None when the value is unusable (another check's job)."""
    if key not in config:
        return Factor(key, absent)
    value = config[key]
    if value == "auto":
        return Factor(key, None)
    number = positive_int(value)
    return Factor(key, number) if number is not None else None


def train_batch_size(config: Any) -> int | None:
    """The config's train_batch_size when it is a count and elasticity does not compute it."""
    if not isinstance(config, dict):
        return None
    elasticity = config.get("elasticity")
    if isinstance(elasticity, dict) and elasticity.get("enabled") is True:  # elasticity computes the batch
        return None
    return positive_int(config.get("train_batch_size"))


def _describe(train_batch: int, factors: list[Factor]) -> str | None:
    """Why ``train_batch`` cannot be the product of ``factors``, or None when it can."""
    fixed = [f for f in factors if f.value is not None]
    product = 1
    for factor in fixed:
        product *= factor.value  # type: ignore[operator]
    terms = " x ".join(f"{f.name} {f.value}" for f in fixed) + (f" = {product}" if len(fixed) > 1 else "")
    if len(fixed) == len(factors):
        if train_batch == product:
            return None
        return f"train_batch_size {train_batch} is not {terms}"
    if train_batch % product == 0:
        return None
    free = " or ".join(f.name for f in factors if f.value is None)
    return f"train_batch_size {train_batch} is not a multiple of {terms}, whatever {free} becomes"


def unsatisfiable(config: Any) -> str | None:
    """For a DeepSpeed config on its own (any world size): why no world size fits, or None."""
    train_batch = train_batch_size(config)
    if train_batch is None:
        return None
    micro, accumulation = _factor(config, MICRO, None), _factor(config, ACCUMULATION, None)
    if micro is None or accumulation is None:
        return None
    return _describe(train_batch, [micro, accumulation, Factor("the world size", None)])


def mismatch(config: Any, world_size: int) -> str | None:
    """For a DeepSpeed config launched on ``world_size`` data-parallel processes through Accelerate,
    which sets a missing gradient_accumulation_steps to 1: why the equation fails, or None."""
    train_batch = train_batch_size(config)
    if train_batch is None:
        return None
    micro, accumulation = _factor(config, MICRO, None), _factor(config, ACCUMULATION, 1)
    if micro is None or accumulation is None:
        return None
    return _describe(train_batch, [micro, accumulation, Factor("num_processes", world_size)])


def model_parallel(config: Any) -> bool:
    """Whether the DeepSpeed config splits the processes into model-parallel groups, so that DeepSpeed's
    world size (the data-parallel ranks) is smaller than the number of processes."""
    if not isinstance(config, dict):
        return False
    if "sequence_parallel_size" in config:
        return True
    tensor_parallel = config.get("tensor_parallel")
    return isinstance(tensor_parallel, dict) and positive_int(tensor_parallel.get("autotp_size")) not in (None, 1)
