"""The alternative rows: the same model and world size under the other backend and nearby settings.

The other backend's row is the converter's own plan (``shardlint convert``) applied to the
config's data, then read back like any config; the fixed rows are small Accelerate configs read
the same way.  No equivalence between FSDP and DeepSpeed is restated here.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from shardlint.convert.model import Plan, Target
from shardlint.convert.plan import build_plan
from shardlint.convert.source import ConvertError
from shardlint.estimate.setup import Loaded, Setup, settings_of, setup_from_settings


def planned_data(data: dict[str, Any], plan: Plan) -> dict[str, Any]:
    """The config ``data`` after ``plan``: what ``shardlint convert`` writes, as plain data."""
    out = {k: copy.deepcopy(v) for k, v in data.items() if k not in plan.drop_sections}
    out["distributed_type"] = plan.distributed_type
    old = data.get(plan.section)
    section = dict(old) if plan.in_place and isinstance(old, dict) else {}
    for key in plan.remove_keys:
        section.pop(key, None)
    for entry in plan.entries:
        if entry.replaces is not None:
            section.pop(entry.replaces, None)
        section[entry.key] = entry.value
    out[plan.section] = section
    out.update(plan.top_level)
    parallelism = out.get("parallelism_config")
    if isinstance(parallelism, dict):
        for key in plan.parallelism_remove:
            parallelism.pop(key, None)
        parallelism.update(plan.parallelism_set)
    return out


def converted(loaded: Loaded, path: Path, target: Target | None = None) -> Setup | None:
    """The config as ``shardlint convert --to target`` maps it; by default, under the other backend."""
    target = target or ("fsdp2" if loaded.setup.backend == "deepspeed" else "deepspeed")
    try:
        plan = build_plan(loaded.settings, loaded.data, target)
        data = planned_data(loaded.data, plan)
        if loaded.setup.assumptions and loaded.settings.mixed_precision is None:
            data["mixed_precision"] = loaded.setup.mixed_precision   # the same assumption on both rows
        settings, _ = settings_of(data, path)
    except (ConvertError, ValueError):
        return None
    return setup_from_settings(settings)


def _fixed(mixed_precision: str) -> list[dict[str, Any]]:
    fsdp2 = {"fsdp_version": 2, "fsdp_reshard_after_forward": True, "fsdp_cpu_ram_efficient_loading": True}
    return [
        {"distributed_type": "DEEPSPEED", "mixed_precision": mixed_precision,
         "deepspeed_config": {"zero_stage": 3, "zero3_init_flag": True}},
        {"distributed_type": "FSDP", "mixed_precision": "bf16", "fsdp_config": dict(fsdp2)},
        {"distributed_type": "FSDP", "mixed_precision": "no", "fsdp_config": dict(fsdp2)},
        {"distributed_type": "FSDP", "mixed_precision": "bf16",
         "fsdp_config": {**fsdp2, "fsdp_offload_params": True}},
        {"distributed_type": "DEEPSPEED", "mixed_precision": mixed_precision,
         "deepspeed_config": {"zero_stage": 3, "zero3_init_flag": True, "offload_param_device": "cpu",
                              "offload_optimizer_device": "cpu"}},
    ]


def alternatives(loaded: Loaded, path: Path) -> list[tuple[str, Setup]]:
    """(why, setup) rows besides the config itself, without duplicates."""
    written = loaded.setup
    mixed = written.mixed_precision if written.mixed else "bf16"
    rows: list[tuple[str, Setup]] = []
    other = converted(loaded, path)
    if other is not None:
        rows.append(("shardlint convert --to " + ("fsdp2" if other.backend == "fsdp" else "deepspeed"), other))
    for data in _fixed(mixed):
        settings, _ = settings_of(data, path)
        rows.append(("", setup_from_settings(settings)))
    seen = {written.label}
    out = []
    for why, setup in rows:
        if setup.label not in seen:
            seen.add(setup.label)
            out.append((why, setup))
    return out
