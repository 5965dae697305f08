"""Choose the direction: from the effective settings of a source to the plan for the target."""

from __future__ import annotations

from typing import Any

from shardlint.convert.model import Plan, Target
from shardlint.convert.source import ConvertError, SourceConfig
from shardlint.convert.to_deepspeed import to_deepspeed
from shardlint.convert.to_fsdp import deepspeed_to_fsdp, fsdp1_to_fsdp2, fsdp2_to_fsdp1


def build_plan(settings: SourceConfig, data: dict[str, Any], target: Target) -> Plan:
    if target == "deepspeed":
        if settings.flavour == "deepspeed":
            raise ConvertError("the config already uses DeepSpeed")
        return to_deepspeed(settings, data)
    version = 2 if target == "fsdp2" else 1
    if settings.flavour == f"fsdp{version}":
        raise ConvertError(f"the config already uses FSDP{version}")
    if settings.flavour == "deepspeed":
        return deepspeed_to_fsdp(settings, data, version)
    return fsdp1_to_fsdp2(settings, data) if version == 2 else fsdp2_to_fsdp1(settings, data)
