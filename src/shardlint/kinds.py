"""Which tool a config file is for, decided from its content."""

from __future__ import annotations

from typing import Any

from shardlint.document import Document, Kind

ACCELERATE_MARKERS = frozenset({"distributed_type", "compute_environment"})
# an Accelerate config that lost its distributed_type is still recognisable by these
ACCELERATE_SECTIONS = frozenset({"fsdp_config", "deepspeed_config", "megatron_lm_config"})
DEEPSPEED_MARKERS = frozenset({
    "zero_optimization", "train_batch_size", "train_micro_batch_size_per_gpu",
    "gradient_clipping", "steps_per_print", "wall_clock_breakdown",
    "zero_allow_untested_optimizer", "zero_force_ds_cpu_optimizer",
})
DEEPSPEED_SECTIONS = frozenset({"fp16", "bf16", "bfloat16", "optimizer", "scheduler"})


def detect_kind(doc: Document) -> Kind | None:
    data: Any = doc.data
    if not isinstance(data, dict):
        return None
    keys = data.keys()
    if ACCELERATE_MARKERS & keys:
        return "accelerate"
    if doc.syntax == "json" and (DEEPSPEED_MARKERS & keys
                                 or any(isinstance(data[k], dict) for k in DEEPSPEED_SECTIONS & keys)):
        return "deepspeed"
    from shardlint.training.recipes import looks_like_recipe  # a recipe may hold fsdp_config too

    if looks_like_recipe(data):
        return "recipe"
    if doc.syntax == "yaml" and ACCELERATE_SECTIONS & keys:
        return "accelerate"
    return None
