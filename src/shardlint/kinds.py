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


def detect_kind(doc: Document, named: bool = False) -> Kind | None:
    """The kind of config ``doc`` is; ``named``: the user named the file, so a YAML made only of
    Accelerate's top-level keys counts as an Accelerate config that lacks its markers (Accelerate loads
    it and stops with "A `distributed_type` must be specified"), where a folder walk passes it over."""
    return _kind_of(doc.data, doc.syntax, named)


def walked_yaml_kind(keys: list[str]) -> Kind | None:
    """:func:`detect_kind` of a YAML mapping a folder walk found, from its top-level keys alone: for
    YAML, unless the user named the file, no value takes part in the decision."""
    return _kind_of(dict.fromkeys(keys), "yaml", named=False)


def _kind_of(data: Any, syntax: str, named: bool) -> Kind | None:
    if not isinstance(data, dict):
        return None
    keys = data.keys()
    if ACCELERATE_MARKERS & keys:
        return "accelerate"
    if syntax == "json" and (DEEPSPEED_MARKERS & keys
                             or any(isinstance(data[k], dict) for k in DEEPSPEED_SECTIONS & keys)):
        return "deepspeed"
    from shardlint.training.recipes import looks_like_recipe  # a recipe may hold fsdp_config too

    if looks_like_recipe(data):  # reads the keys and their number only
        return "recipe"
    if syntax == "yaml" and ACCELERATE_SECTIONS & keys and _mostly_accelerate_keys(data):
        return "accelerate"
    return "accelerate" if named and syntax != "json" and _accelerate_keys_only(data) else None


def _accelerate_keys_only(data: dict[Any, Any]) -> bool:
    """Every top-level key is one of Accelerate's config keys (or a close misspelling of one), and at
    least one is spelled exactly."""
    from shardlint.validation.suggest import closest

    known = _accelerate_top_level_keys()
    if not data or not all(isinstance(key, str) for key in data):
        return False
    return any(key in known for key in data) and all(key in known or closest(key, known) for key in data)


def _mostly_accelerate_keys(data: dict[Any, Any]) -> bool:
    """At least half the top-level keys are Accelerate's: other tools' configs (axolotl's, for one)
    also have an ``fsdp_config`` section, among dozens of keys Accelerate does not know."""
    known = _accelerate_top_level_keys()
    return 2 * sum(key in known for key in data) >= len(data)


def _accelerate_top_level_keys() -> frozenset[str]:
    """The top-level keys of Accelerate's config classes (and the removed ones), from the shipped schema."""
    from shardlint.validation.schemas import schema

    definitions = schema("accelerate")["$defs"]
    keys: set[str] = set()
    for config_class in ("cluster", "sagemaker"):
        keys |= set(definitions[config_class]["properties"])
        keys |= set(definitions[config_class].get("x-shardlint-removed", {}))
    return frozenset(keys)
