"""The edits that turn a source config into the target: what every direction module returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from shardlint.convert.notes import Note
from shardlint.convert.source import Section, SourceConfig
from shardlint.fixes.migrate import Migration

Target = Literal["deepspeed", "fsdp", "fsdp2"]
TARGETS: tuple[Target, ...] = ("deepspeed", "fsdp", "fsdp2")
NAMES = {"fsdp1": "FSDP1", "fsdp2": "FSDP2", "deepspeed": "DeepSpeed"}

# keys whose meaning the conversion carries (everything else in the section is noted)
FSDP_MAPPED = frozenset({"fsdp_version", "fsdp_sharding_strategy", "fsdp_reshard_after_forward",
                         "fsdp_offload_params", "fsdp_cpu_ram_efficient_loading", "fsdp_state_dict_type"})
DEEPSPEED_MAPPED = frozenset({"zero_stage", "offload_param_device", "offload_optimizer_device",
                              "zero3_init_flag", "zero3_save_16bit_model", "deepspeed_config_file"})
# keys both FSDP versions read the same way (reference §2 "both")
FSDP_SHARED = frozenset({"fsdp_offload_params", "fsdp_auto_wrap_policy", "fsdp_transformer_layer_cls_to_wrap",
                         "fsdp_min_num_params", "fsdp_cpu_ram_efficient_loading", "fsdp_state_dict_type",
                         "fsdp_activation_checkpointing", "fsdp_ignored_modules"})


@dataclass
class Entry:
    key: str
    value: Any
    comment: str = ""          # end-of-line comment: where the value came from
    replaces: str | None = None  # in place: the source key whose position it takes


@dataclass
class Plan:
    title: str
    distributed_type: str
    section: str
    entries: list[Entry]
    in_place: bool = False
    remove_keys: list[str] = field(default_factory=list)      # in place: keys as written
    drop_sections: list[str] = field(default_factory=list)
    top_level: dict[str, Any] = field(default_factory=dict)
    parallelism_remove: list[str] = field(default_factory=list)
    parallelism_set: dict[str, int] = field(default_factory=dict)  # sizes that change value
    notes: list[Note] = field(default_factory=list)
    migration: Migration | None = None  # FSDP1 -> FSDP2: the migration whose text edits come first


def came_from(settings: SourceConfig, concern: str) -> str:
    return f"from {settings.provenance[concern]}" if concern in settings.provenance else ""


def number(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def shown_value(sec: Section, key: str) -> str:
    """`` (value)`` as written, for "left out" notes."""
    return f"({sec.shown(key).split(': ', 1)[1]})"
