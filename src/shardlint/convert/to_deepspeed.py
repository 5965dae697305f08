"""FSDP (1 or 2) -> DeepSpeed."""

from __future__ import annotations

from typing import Any

from shardlint.convert import table
from shardlint.convert.model import FSDP_MAPPED, NAMES, Entry, Plan, came_from, number, shown_value
from shardlint.convert.notes import Note
from shardlint.convert.source import SourceConfig


def to_deepspeed(s: SourceConfig, data: dict[str, Any]) -> Plan:
    notes, sec, row, stage = list(s.notes), s.section, s.sharding, s.sharding.zero_stage
    plan = Plan(f"{NAMES[s.flavour]} -> DeepSpeed", "DEEPSPEED", "deepspeed_config", [],
                drop_sections=["fsdp_config"], notes=notes)
    where = sec.where("fsdp_sharding_strategy" if s.flavour == "fsdp1" else "fsdp_reshard_after_forward")
    plan.entries.append(Entry("zero_stage", stage, came_from(s, "sharding")))
    if row.deepspeed_note:
        notes.append(Note("approximated", where, f"{row.name} -> zero_stage {stage}: {row.deepspeed_note}"))
    _offload_to_deepspeed(s, plan, stage)
    _loading_to_deepspeed(s, plan, stage)
    _checkpoint_to_deepspeed(s, plan, stage)
    if number(data, "num_machines", 1) > 1:
        plan.entries.append(Entry("deepspeed_multinode_launcher", "standard",
                                  "torchrun-style on every node, as FSDP was launched"))
        notes.append(Note("check", "deepspeed_config.deepspeed_multinode_launcher",
                          "standard keeps FSDP's launch (accelerate launch on every node with its "
                          "machine_rank); the default pdsh needs a deepspeed_hostfile and passwordless SSH "
                          "from the main node"))
    for key in sec.values:
        if key in FSDP_MAPPED or (key == "fsdp_sharding_strategy" and s.flavour == "fsdp2"):
            continue
        unmapped = table.FSDP_ONLY.get(key)
        reason = unmapped.reason if unmapped else "not an fsdp_config key Accelerate reads, so it had no effect"
        notes.append(Note("left out", sec.where(key) + f" {shown_value(sec, key)}", reason))
    if isinstance(data.get("deepspeed_config"), dict) and data["deepspeed_config"]:
        notes.append(Note("left out", "deepspeed_config (old section)",
                          "FSDP ignored it; replaced by the converted section"))
    _parallelism_to_deepspeed(data, plan)
    notes.append(Note("check", "gradient_accumulation_steps, gradient_clipping",
                      "not written, so Accelerate fills both as \"auto\" from Accelerator(...) / "
                      "TrainingArguments, as FSDP took them (guide: Training); do not write `auto` in the "
                      "YAML, a plain Accelerator() then fails on int('auto')"))
    notes.append(_memory_note(s, data.get("num_processes")))
    if str(s.mixed_precision).lower() == "fp8":
        notes.append(Note("check", "mixed_precision: fp8", "under DeepSpeed, fp8 runs with DeepSpeed's bf16 "
                          "enabled (accelerate: utils/dataclasses.py DeepSpeedPlugin.set_mixed_precision)"))
    return plan


def _offload_to_deepspeed(s: SourceConfig, plan: Plan, stage: int) -> None:
    # seed table "offload" + Offloading; reference §7 offload; parameter offload is ZeRO-3 only (§3)
    comment = came_from(s, "offload")
    if stage == 0:
        if s.offload_params:
            plan.notes.append(Note("left out", s.section.where("fsdp_offload_params"),
                                   "ZeRO-0 cannot offload; DeepSpeed offloads from ZeRO-1 (optimizer) and "
                                   "ZeRO-3 (parameters) on"))
        return
    device = "cpu" if s.offload_params else "none"
    plan.entries.append(Entry("offload_optimizer_device", device, comment))
    if stage == 3:
        plan.entries.append(Entry("offload_param_device", device, comment))
    elif s.offload_params:
        plan.notes.append(Note("approximated", s.section.where("fsdp_offload_params"),
                               f"ZeRO-{stage} can offload only the optimizer state; parameters are "
                               "offloaded with ZeRO-3 only (guide: Offloading)"))


def _loading_to_deepspeed(s: SourceConfig, plan: Plan, stage: int) -> None:
    # seed table "model loading" + Model Loading; reference §7; zero3_init_flag is ZeRO-3 only (A50)
    if stage == 3:
        plan.entries.append(Entry("zero3_init_flag", s.efficient_loading, came_from(s, "loading")))
        return
    plan.entries.append(Entry("zero3_init_flag", False, f"ZeRO-{stage}: zero.Init is ZeRO-3 only"))
    if s.efficient_loading:
        plan.notes.append(Note("approximated", s.section.where("fsdp_cpu_ram_efficient_loading"),
                               f"only ZeRO-3 loads models memory-efficiently (zero3_init_flag); at "
                               f"ZeRO-{stage} every rank loads the whole model (guide: Model Loading)"))


def _checkpoint_to_deepspeed(s: SourceConfig, plan: Plan, stage: int) -> None:
    # seed table "efficient checkpointing" + Checkpointing; reference §7 checkpoint format (T15)
    where = s.section.where("fsdp_state_dict_type")
    if stage == 3:
        plan.entries.append(Entry("zero3_save_16bit_model", s.full_state_dict, came_from(s, "checkpoint")))
        if not s.full_state_dict:
            plan.notes.append(Note("check", "deepspeed_config.zero3_save_16bit_model",
                                   "false keeps checkpoints sharded like SHARDED_STATE_DICT, but then "
                                   "accelerator.get_state_dict raises under ZeRO-3 (it cannot gather 16-bit "
                                   "weights); the guide recommends true (guide: Checkpointing)"))
            # accelerate: accelerator.py Accelerator.get_state_dict ("Cannot get 16bit model weights ...")
    elif s.full_state_dict:
        plan.notes.append(Note("approximated", where,
                               f"FULL_STATE_DICT: at ZeRO-{stage} every rank holds whole parameters, so "
                               "the saved model is full anyway; DeepSpeed's training checkpoints are always "
                               "sharded (guide: Checkpointing)"))


def _parallelism_to_deepspeed(data: dict[str, Any], plan: Plan) -> None:
    parallelism = data.get("parallelism_config")
    if not isinstance(parallelism, dict):
        return
    for key in parallelism:
        if key in table.FSDP2_PARALLELISM:
            plan.parallelism_remove.append(key)
            plan.notes.append(Note("left out", f"parallelism_config.{key} ({parallelism[key]})",
                                   table.FSDP2_PARALLELISM[key].reason))


def _memory_note(s: SourceConfig, processes: Any) -> Note:
    """The fp32 cost of DeepSpeed as a per-parameter formula for the target ZeRO stage."""
    mp = str(s.mixed_precision).lower() if s.mixed_precision not in (None, False) else "no"
    mixed = mp in ("fp16", "bf16", "fp8")
    weights, grads, optimizer = table.DEEPSPEED_BYTES["mixed" if mixed else "fp32"]
    low = "fp16" if mp == "fp16" else "bf16"
    if mixed:
        parts = (f"{low} weights {weights} B + {low} gradients {grads} B + fp32 master weights 4 B + "
                 f"Adam moments 2 x 4 B = {weights + grads + optimizer} B")
    else:
        parts = (f"fp32 weights {weights} B + fp32 gradients {grads} B + Adam moments 2 x 4 B = "
                 f"{weights + grads + optimizer} B (no mixed precision: DeepSpeed trains in fp32)")
    sharded = table.ZERO_SHARDS[s.stage]
    sizes = {"weights": weights, "gradients": grads, "optimizer": optimizer}
    whole = sum(v for k, v in sizes.items() if k not in sharded)
    split = sum(v for k, v in sizes.items() if k in sharded)
    n = processes if isinstance(processes, int) and not isinstance(processes, bool) and processes > 0 else None
    terms = [f"{whole} B"] if whole else []
    if split:
        terms.append(f"{split} B / num_processes" + (f" ({split / n:g} B with {n})" if n else ""))
    fsdp = table.FSDP_MEMORY_MP if mixed else table.FSDP_MEMORY_NO_MP
    return Note("check", f"mixed_precision ({mp})", table.DEEPSPEED_MEMORY.format(
        source=table.PRECISION_SOURCE, parts=parts, stage=s.stage, per_gpu=" + ".join(terms) + " per parameter",
        fsdp=fsdp))
