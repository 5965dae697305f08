"""Property test: on generated configs the evaluator and jsonschema say the same thing."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from shardlint.validation.schemas import schema, validator

# values that sit on the edges of the accepted spellings
TRICKY = st.sampled_from([
    True, False, None, 0, 1, 2, 3, 5, 6, -1, 1.0, 2.5, 5e8, "", "auto", "yes", "No", "ON", "1", "7", "1e8",
    "FULL_SHARD", "full_shard", "_HYBRID_SHARD_ZERO2", "BACKWARD_PRE", "NO_PREFETCH", "SHARDED_STATE_DICT",
    "TRANSFORMER_BASED_WARP", "size_based_wrap", "cpu", "CPU", "nvme", "none", "fp16", "BF16", "no", "TPU",
    "FSDP", "inductor", [], [False, False, False], {}, {"enabled": True},
])
FSDP_KEYS = st.sampled_from([
    "fsdp_version", "version", "fsdp_sharding_strategy", "fsdp_reshard_after_forward", "fsdp_offload_params",
    "fsdp_auto_wrap_policy", "fsdp_min_num_params", "fsdp_backward_prefetch", "fsdp_state_dict_type",
    "fsdp_backward_prefetch_policy", "unknown_key", "sync_module_states",
])
TOP_KEYS = st.sampled_from(["distributed_type", "mixed_precision", "num_processes", "gpu_ids", "use_cpu",
                            "compute_environment", "ipex_config", "fp16"])
ZERO_KEYS = st.sampled_from([
    "stage", "overlap_comm", "reduce_bucket_size", "stage3_max_live_parameters", "max_live_parameters",
    "cpu_offload", "offload_optimizer", "stage3_prefetch_bucket_sizes", "sub_group_size",
])


def _agree(kind: str, config: dict[str, Any]) -> None:
    ours = not validator(kind).evaluate(config).failures
    assert ours == Draft202012Validator(schema(kind)).is_valid(config), config


@settings(max_examples=300, deadline=None)
@given(top=st.dictionaries(TOP_KEYS, TRICKY, max_size=4), fsdp=st.dictionaries(FSDP_KEYS, TRICKY, max_size=4))
def test_accelerate_configs(top: dict[str, Any], fsdp: dict[str, Any]) -> None:
    _agree("accelerate", {"distributed_type": "FSDP", **top, "fsdp_config": fsdp})


@settings(max_examples=300, deadline=None)
@given(zero=st.dictionaries(ZERO_KEYS, TRICKY, max_size=4), top=st.dictionaries(
    st.sampled_from(["train_batch_size", "gradient_clipping", "fp16", "bf16", "steps_per_print", "typo"]),
    TRICKY, max_size=3))
def test_deepspeed_configs(zero: dict[str, Any], top: dict[str, Any]) -> None:
    _agree("deepspeed", {**top, "zero_optimization": zero})


def _pattern_sources(node: Any) -> set[str]:
    """Every ``pattern`` and ``patternProperties`` source in a schema."""
    found: set[str] = set()
    if isinstance(node, dict):
        found |= set(node.get("patternProperties", {}))
        if isinstance(node.get("pattern"), str):
            found.add(node["pattern"])
        for value in node.values():
            found |= _pattern_sources(value)
    elif isinstance(node, list):
        for value in node:
            found |= _pattern_sources(value)
    return found


def test_the_evaluators_patterns_find_what_re_finds():
    """Patterns naming one key are matched without compiling them: exactly where ``re.search`` matches."""
    import re

    for kind in ("accelerate", "deepspeed"):
        for source in _pattern_sources(schema(kind)):
            word = source.strip("^$")
            for text in (word, f"{word}\n", f"{word}\n\n", f"_{word}", f"{word}_", word.upper(), "", "\n"):
                assert bool(validator(kind).pattern(source).search(text)) == bool(re.search(source, text)), (source, text)
