"""DeepSpeed -> FSDP (1 or 2), and FSDP1 <-> FSDP2 in place."""

from __future__ import annotations

from typing import Any

from shardlint.convert import table
from shardlint.convert.model import (DEEPSPEED_MAPPED, FSDP_MAPPED, FSDP_SHARED, Entry, Plan, came_from,
                                     number, shown_value)
from shardlint.convert.notes import Note
from shardlint.convert.source import ConvertError, Section, SourceConfig
from shardlint.fixes.migrate import plan_migration
from shardlint.semantics.accelerate import FSDP1_ONLY, REMOVED, newest_default


def deepspeed_to_fsdp(s: SourceConfig, data: dict[str, Any], version: int) -> Plan:
    notes, sec, row = list(s.notes), s.section, s.sharding
    plan = Plan(f"DeepSpeed -> FSDP{version}", "FSDP", "fsdp_config", [], drop_sections=["deepspeed_config"],
                notes=notes)
    sharding_from = came_from(s, "sharding")
    approximation = row.fsdp1_note if version == 1 else row.fsdp2_note
    if approximation:
        notes.append(Note("approximated", f"ZeRO-{row.zero_stage}", approximation))
    plan.entries.append(Entry("fsdp_version", version))
    if version == 2:
        notes.append(Note("check", "fsdp_version: 2", table.FSDP2_REQUIRES))
    if version == 1:
        plan.entries.append(Entry("fsdp_sharding_strategy", row.fsdp1, sharding_from))
    else:
        plan.entries.append(Entry("fsdp_reshard_after_forward", row.fsdp2, sharding_from))
    offload = s.offload_params or s.offload_optimizer
    plan.entries.append(Entry("fsdp_offload_params", offload, came_from(s, "offload")))
    if s.offload_params != s.offload_optimizer:
        notes.append(Note("approximated", "deepspeed_config offload",
                          "FSDP offload is all or nothing: parameters, gradients and optimizer state all "
                          "go to CPU (guide: Offloading)"))
    loading = s.efficient_loading if row.zero_stage == 3 else True
    plan.entries.append(Entry("fsdp_cpu_ram_efficient_loading", loading,
                              came_from(s, "loading") if row.zero_stage == 3 else "FSDP's launch default"))
    if row.zero_stage < 3:
        notes.append(Note("approximated", "fsdp_cpu_ram_efficient_loading",
                          f"ZeRO-{row.zero_stage} has no memory-efficient loading; FSDP's launch default "
                          "(true: rank 0 loads the weights, FSDP broadcasts them) is written "
                          "(guide: Model Loading)"))
    state_dict = "FULL_STATE_DICT" if s.full_state_dict else "SHARDED_STATE_DICT"
    plan.entries.append(Entry("fsdp_state_dict_type", state_dict,
                              came_from(s, "checkpoint") or "DeepSpeed checkpoints are sharded"))
    plan.entries += _additions(version, set())
    for key in sec.values:
        if key in DEEPSPEED_MAPPED:
            continue
        unmapped = table.DEEPSPEED_ONLY.get(key)
        reason = unmapped.reason if unmapped else "not a deepspeed_config key Accelerate reads, so it had no effect"
        notes.append(Note("left out", sec.where(key) + f" {shown_value(sec, key)}", reason))
    if s.linked is not None:
        carried = ("its ZeRO stage, offload, 16-bit save and precision were read into the keys above; "
                   "everything else it holds is listed under \"left out\"") if s.linked.read else \
            "nothing was carried over from it (see above)"
        notes.append(Note("check", "deepspeed_config.deepspeed_config_file",
                          f"{s.linked.written} is no longer used: {carried}"))
    if isinstance(data.get("fsdp_config"), dict) and data["fsdp_config"]:
        notes.append(Note("left out", "fsdp_config (old section)",
                          "DeepSpeed ignored it; replaced by the converted section"))
    _precision_to_fsdp(s, plan)
    _parallelism_to_fsdp(data, plan, version)
    fp8 = data.get("fp8_config")
    if isinstance(fp8, dict) and str(fp8.get("backend", fp8.get("fp8_backend", ""))).upper() == "MSAMP":
        notes.append(Note("check", "fp8_config.backend: MSAMP",
                          "MS-AMP works with DeepSpeed only; FSDP raises NotImplementedError"))
    return plan


def _precision_to_fsdp(s: SourceConfig, plan: Plan) -> None:
    if s.mixed_precision_from_json:
        plan.top_level["mixed_precision"] = s.mixed_precision
        plan.notes.append(Note("check", "mixed_precision",
                               f"{s.mixed_precision}, {came_from(s, 'precision')}: Accelerate forbids it in a YAML "
                               "beside a deepspeed_config_file, FSDP needs it here"))
    mp = str(s.mixed_precision).lower() if s.mixed_precision not in (None, False) else "no"
    if mp == "no":
        plan.notes.append(Note("check", "mixed_precision (no)",
                               "DeepSpeed trained in fp32; FSDP without mixed precision trains and keeps the "
                               "optimizer in the dtype the model is loaded in (torch_dtype) "
                               f"({table.PRECISION_SOURCE})"))


def _parallelism_to_fsdp(data: dict[str, Any], plan: Plan, version: int) -> None:
    parallelism = data.get("parallelism_config")
    if not isinstance(parallelism, dict):
        return
    for key in parallelism:
        if version == 2 and key in table.FSDP2_PARALLELISM:
            continue
        plan.parallelism_remove.append(key)
        why = ("parallelism_config is FSDP2-only" if version == 1 else
               "DeepSpeed sequence parallelism (ALST/Ulysses) needs DeepSpeed; FSDP2's closest is context "
               "parallelism, parallelism_config_cp_size")
        plan.notes.append(Note("left out", f"parallelism_config.{key} ({parallelism[key]})",
                               f"{why} ({table.PARALLELISM_SOURCE})"))
    _fold_sequence_parallelism(parallelism, plan, version)


def _fold_sequence_parallelism(parallelism: dict[str, Any], plan: Plan, version: int) -> None:
    """FSDP2 has no sequence parallelism: the GPUs of each sequence-parallel group shard data instead.

    Without this the remaining mesh sizes would no longer multiply to ``num_processes``, which
    Accelerate refuses (ParallelismConfig._validate_accelerator, reference A66).
    """
    sp_size = number(parallelism, "parallelism_config_sp_size", 1)
    if version != 2 or sp_size <= 1:
        return
    key = "parallelism_config_dp_shard_size"
    shard = number(parallelism, key, 1)
    plan.parallelism_set[key] = shard * sp_size
    plan.notes.append(Note("approximated", f"parallelism_config.{key} ({shard} -> {shard * sp_size})",
                           f"the {sp_size} GPUs of each sequence-parallel group now shard data, so the mesh "
                           f"still covers num_processes ({table.PARALLELISM_SOURCE}, total_size check)"))



# ---------------------------------------------------------------- FSDP1 <-> FSDP2
def fsdp1_to_fsdp2(s: SourceConfig, data: dict[str, Any]) -> Plan:
    """In place, by the FSDP1 -> FSDP2 migration FSDP190's fix makes (``fixes.migrate``): the plan
    restates that migration's changes, with the notes and end-of-line comments convert adds."""
    sec = s.section
    migration = plan_migration(data[sec.name] if isinstance(data.get(sec.name), dict) else {})
    if migration.blocker:
        raise ConvertError(migration.blocker)
    notes = list(s.notes)
    plan = Plan("FSDP1 -> FSDP2", "FSDP", sec.name, [], in_place=True, notes=notes, migration=migration)
    notes.append(Note("check", "fsdp_version: 2", table.FSDP2_REQUIRES))
    row = table.FSDP1_STRATEGIES[migration.strategy]
    if row.fsdp2_note:
        notes.append(Note("approximated", row.name, row.fsdp2_note))
    for change in (migration.reshard, migration.state_dict, migration.version):
        if change is not None:
            plan.entries.append(Entry(change.key, change.value, change.why, change.replaces))
    if migration.state_dict is not None and "fsdp_state_dict_type" in sec.values:
        notes.append(Note("approximated", sec.where("fsdp_state_dict_type"), migration.state_dict.why))
    for drop in migration.dropped:
        plan.remove_keys.append(drop.key)
        notes.append(Note("left out", sec.where(drop.canonical) + f" {shown_value(sec, drop.canonical)}", drop.reason))
    notes += _unread_keys(sec)
    return plan


def fsdp2_to_fsdp1(s: SourceConfig, data: dict[str, Any]) -> Plan:
    sec, row = s.section, s.sharding
    plan = Plan("FSDP2 -> FSDP1", "FSDP", "fsdp_config", [], in_place=True, notes=list(s.notes))
    plan.entries.append(Entry("fsdp_version", 1))
    replaces = sec.actual.get("fsdp_reshard_after_forward")
    if "fsdp_sharding_strategy" in sec.values:
        if replaces:
            plan.remove_keys.append(replaces)
        replaces = sec.actual["fsdp_sharding_strategy"]
    plan.entries.append(Entry("fsdp_sharding_strategy", row.fsdp1, came_from(s, "sharding"), replaces=replaces))
    if row in (table.HYBRID_SHARD, table.HYBRID_SHARD_ZERO2):
        for key in ("parallelism_config_dp_replicate_size", "parallelism_config_dp_shard_size"):
            if key in data["parallelism_config"]:
                plan.parallelism_remove.append(key)
        plan.notes.append(Note("approximated", "parallelism_config", f"the HSDP mesh becomes {row.fsdp1}, "
                               "which replicates across nodes and shards within a node"))
    parallelism = data.get("parallelism_config")
    for key in parallelism if isinstance(parallelism, dict) else ():
        if key not in plan.parallelism_remove:
            plan.parallelism_remove.append(key)
            plan.notes.append(Note("left out", f"parallelism_config.{key} ({parallelism[key]})",
                                   f"parallelism_config is FSDP2-only ({table.PARALLELISM_SOURCE})"))
    plan.entries += _additions(1, {"fsdp_auto_wrap_policy"})  # a wrap policy the FSDP2 config has is kept
    if "fsdp_state_dict_type" not in sec.values:
        kept = newest_default(sec.name, "fsdp_state_dict_type", fsdp_version=2)
        plan.entries.append(Entry("fsdp_state_dict_type", kept,
                                  f"FSDP2's default; FSDP1 defaults to "
                                  f"{newest_default(sec.name, 'fsdp_state_dict_type', fsdp_version=1)}"))
    plan.notes += _unread_keys(sec)
    return plan


def _unread_keys(sec: Section) -> list[Note]:
    return [Note("check", sec.where(key), "not an fsdp_config key Accelerate reads; kept as is")
            for key in sec.values
            if key not in FSDP_SHARED and key not in FSDP_MAPPED and key not in FSDP1_ONLY and key not in REMOVED]


def _additions(version: int, skip: set[str]) -> list[Entry]:
    return [Entry(a.key, a.value, a.why) for a in table.FSDP_ADDITIONS
            if version in a.versions and a.key not in skip]
