"""Named facts: the few derived values that need code, so that rules stay data.

Rules refer to them as ``{fact: zero-stage, ...}`` and in messages as
``{zero-stage}``.  Each fact is a function of the evaluation context; its
docstring is what ``docs/rule-format.md`` lists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from shardlint.engine.values import mixed_precision, str_to_bool, to_int

if TYPE_CHECKING:
    from shardlint.engine.reading import Reading

FACTS: dict[str, Callable[[Reading], Any]] = {}


def fact(name: str) -> Callable[[Callable[[Reading], Any]], Callable[[Reading], Any]]:
    def register(func: Callable[[Reading], Any]) -> Callable[[Reading], Any]:
        FACTS[name] = func
        return func

    return register


@fact("distributed-type")
def distributed_type(ctx: Reading) -> str | None:
    """`distributed_type` as written (Accelerate compares it case-sensitively), or null."""
    value = ctx.raw(("distributed_type",))[1]
    return value if isinstance(value, str) else None


@fact("fsdp-version")
def fsdp_version(ctx: Reading) -> int | None:
    """1 or 2: `fsdp_config.fsdp_version` (default 1 through `accelerate launch`); null when unusable."""
    found, value = ctx.effective(("fsdp_config", "fsdp_version"))
    if not found:
        return 1
    value = to_int(value)
    return value if value in (1, 2) and not isinstance(value, bool) else None


@fact("zero-stage")
def zero_stage(ctx: Reading) -> int | None:
    """The ZeRO stage DeepSpeed will run: from the linked DeepSpeed JSON when there is one, else
    `deepspeed_config.zero_stage` (launch default 2); in a DeepSpeed JSON `zero_optimization.stage`
    (default 0). An `"auto"` stage is filled with 2 by Accelerate and the Trainer, and becomes 0 under
    plain DeepSpeed (`--deepspeed-runner deepspeed`). Null when the value is unusable."""
    if ctx.kind == "deepspeed":
        found, value, _ = ctx.raw(("zero_optimization", "stage"))
        return _stage(ctx, value if found else 0)
    if ctx.link.value is not None:
        if ctx.linked is None:
            return None
        found, value = ctx.linked_raw(("zero_optimization", "stage"))
        return _stage(ctx, value if found else 0)
    found, value = ctx.effective(("deepspeed_config", "zero_stage"))
    return _stage(ctx, value)


def _stage(ctx: Reading, value: Any) -> int | None:
    if value == "auto":
        return 0 if ctx.runner == "deepspeed" else 2
    if isinstance(value, bool):  # pydantic's lax mode turns true into 1
        return int(value)
    value = to_int(value)
    return value if isinstance(value, int) and 0 <= value <= 3 else None


PARALLELISM_DIMENSIONS = ("dp_replicate", "dp_shard", "tp", "cp", "sp")


@fact("parallelism-total-size")
def parallelism_total_size(ctx: Reading) -> int | None:
    """The product of the `parallelism_config` sizes (dp_replicate x dp_shard x tp x cp x sp, each
    `parallelism_config_<dim>_size`, default 1), as `ParallelismConfig.total_size`; null when a size is
    not a positive integer."""
    total = 1
    for dim in PARALLELISM_DIMENSIONS:
        found, value, _ = ctx.raw(("parallelism_config", f"parallelism_config_{dim}_size"))
        size = to_int(value) if found else 1  # str() then int() in Accelerate: 2.0 fails
        if not isinstance(size, int) or isinstance(size, bool) or isinstance(value, float) or size < 1:
            return None
        total *= size
    return total


@fact("unsatisfiable-batch")
def unsatisfiable_batch(ctx: Reading) -> str | None:
    """In a DeepSpeed JSON: why no world size satisfies `train_batch_size` = micro batch x accumulation
    steps x world size (the integers written do not divide it; `"auto"` or absent factors are free), e.g.
    `train_batch_size 256 is not a multiple of gradient_accumulation_steps 3 = 3, whatever
    train_micro_batch_size_per_gpu or the world size becomes`; null when one does."""
    from shardlint.engine.batch import unsatisfiable

    return unsatisfiable(ctx.doc.data) if ctx.kind == "deepspeed" else None


@fact("launch-batch-mismatch")
def launch_batch_mismatch(ctx: Reading) -> str | None:
    """In an Accelerate YAML that links a DeepSpeed JSON and fixes `num_processes`: why the JSON's
    `train_batch_size` cannot equal micro batch x accumulation steps (absent: 1, as Accelerate sets it) x
    `num_processes`; null when it can, or when the processes may be split into model-parallel groups
    (`parallelism_config` sizes, the JSON's `sequence_parallel_size` or `tensor_parallel.autotp_size`)."""
    from shardlint.engine.batch import mismatch, model_parallel

    if ctx.linked is None:
        return None
    found, processes = ctx.effective(("num_processes",))
    if not found or not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
        return None
    if ctx.fact("parallelism-total-size") != 1 or model_parallel(ctx.linked.data):
        return None
    return mismatch(ctx.linked.data, processes)


@fact("torch-compile")
def torch_compile(ctx: Reading) -> bool:
    """True when `torch.compile` is on: a `dynamo_config.dynamo_backend` (or the legacy top-level
    `dynamo_backend`) other than `no`."""
    for path in (("dynamo_config", "dynamo_backend"), ("dynamo_backend",)):
        found, value, _ = ctx.raw(path)
        if found and value is not None and value is not False and str(value).upper() != "NO":
            return True
    return False


@fact("mixed-precision")
def effective_mixed_precision(ctx: Reading) -> str:
    """`no`, `fp16`, `bf16` or `fp8` (lower case): the YAML's `mixed_precision` (legacy `fp16: true`
    counts), else, for DeepSpeed, what the linked JSON enables; in a DeepSpeed JSON what its
    `fp16`/`bf16` sections enable (an `"auto"` counts as off)."""
    if ctx.kind == "accelerate":
        found, value, _ = ctx.raw(("mixed_precision",))
        if found and value is not None:
            return str(mixed_precision(value))
        if str_to_bool(ctx.raw(("fp16",))[1]):
            return "fp16"
        if ctx.linked is not None:
            return _json_precision(ctx.linked.data)
        return "no"
    return _json_precision(ctx.doc.data)


def _json_precision(data: Any) -> str:
    if not isinstance(data, dict):
        return "no"
    for section, name in (("bf16", "bf16"), ("bfloat16", "bf16"), ("fp16", "fp16")):
        block = data.get(section)
        if isinstance(block, dict) and block.get("enabled") is not None and block.get("enabled") != "auto" \
                and str_to_bool(block.get("enabled")):
            return name
    return "no"


@fact("uses-deepspeed-config-file")
def uses_deepspeed_config_file(ctx: Reading) -> bool:
    """True when `deepspeed_config.deepspeed_config_file` names a file (not empty, not `none`)."""
    return ctx.link.value is not None


@fact("linked-file")
def linked_file(ctx: Reading) -> str | None:
    """The linked DeepSpeed JSON's path as shown in reports, or null when none was loaded."""
    return ctx.linked.display_path if ctx.linked is not None else None


@fact("deepspeed-runner")
def deepspeed_runner(ctx: Reading) -> str:
    """Who fills a DeepSpeed config's `"auto"` values: `trainer` (default), `accelerate` or
    `deepspeed` (`--deepspeed-runner`)."""
    return ctx.runner


@fact("accelerate-version")
def accelerate_version(ctx: Reading) -> str:
    """The targeted Accelerate version (`--target`), e.g. `1.15.0`."""
    return ".".join(map(str, ctx.target["accelerate"]))
