"""From the effective settings of a source config to the edits that make the target config."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from shardlint.convert import table
from shardlint.convert.notes import Note
from shardlint.convert.settings import ConvertError, Section, Settings

Target = Literal["deepspeed", "fsdp", "fsdp2"]
TARGETS: tuple[Target, ...] = ("deepspeed", "fsdp", "fsdp2")
NAMES = {"fsdp1": "FSDP1", "fsdp2": "FSDP2", "deepspeed": "DeepSpeed", "fsdp": "FSDP1"}

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
    notes: list[Note] = field(default_factory=list)


def build_plan(settings: Settings, data: dict[str, Any], target: Target) -> Plan:
    if target == "deepspeed":
        if settings.flavour == "deepspeed":
            raise ConvertError("the config already uses DeepSpeed")
        return _to_deepspeed(settings, data)
    version = 2 if target == "fsdp2" else 1
    if settings.flavour == f"fsdp{version}":
        raise ConvertError(f"the config already uses FSDP{version}")
    if settings.flavour == "deepspeed":
        return _deepspeed_to_fsdp(settings, data, version)
    return _fsdp_to_fsdp(settings, data, version)


def _from(settings: Settings, concern: str) -> str:
    return f"from {settings.provenance[concern]}" if concern in settings.provenance else ""


def _number(data: dict[str, Any], key: str, default: int) -> int:
    value = data.get(key, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


# ---------------------------------------------------------------- FSDP -> DeepSpeed
def _to_deepspeed(s: Settings, data: dict[str, Any]) -> Plan:
    notes, sec, row, stage = list(s.notes), s.section, s.sharding, s.sharding.zero_stage
    plan = Plan(f"{NAMES[s.flavour]} -> DeepSpeed", "DEEPSPEED", "deepspeed_config", [],
                drop_sections=["fsdp_config"], notes=notes)
    where = sec.where("fsdp_sharding_strategy" if s.flavour == "fsdp1" else "fsdp_reshard_after_forward")
    plan.entries.append(Entry("zero_stage", stage, _from(s, "sharding")))
    if row.deepspeed_note:
        notes.append(Note("approximated", where, f"{row.name} -> zero_stage {stage}: {row.deepspeed_note}"))
    _offload_to_deepspeed(s, plan, stage)
    _loading_to_deepspeed(s, plan, stage)
    _checkpoint_to_deepspeed(s, plan, stage)
    if _number(data, "num_machines", 1) > 1:
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
        notes.append(Note("left out", sec.where(key) + f" {_value(sec, key)}", reason))
    if isinstance(data.get("deepspeed_config"), dict):
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


def _value(sec: Section, key: str) -> str:
    return f"({sec.shown(key).split(': ', 1)[1]})"


def _offload_to_deepspeed(s: Settings, plan: Plan, stage: int) -> None:
    comment = _from(s, "offload")
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


def _loading_to_deepspeed(s: Settings, plan: Plan, stage: int) -> None:
    if stage == 3:
        plan.entries.append(Entry("zero3_init_flag", s.efficient_loading, _from(s, "loading")))
        return
    plan.entries.append(Entry("zero3_init_flag", False, f"ZeRO-{stage}: zero.Init is ZeRO-3 only"))
    if s.efficient_loading:
        plan.notes.append(Note("approximated", s.section.where("fsdp_cpu_ram_efficient_loading"),
                               f"only ZeRO-3 loads models memory-efficiently (zero3_init_flag); at "
                               f"ZeRO-{stage} every rank loads the whole model (guide: Model Loading)"))


def _checkpoint_to_deepspeed(s: Settings, plan: Plan, stage: int) -> None:
    where = s.section.where("fsdp_state_dict_type")
    if stage == 3:
        plan.entries.append(Entry("zero3_save_16bit_model", s.full_state_dict, _from(s, "checkpoint")))
        if not s.full_state_dict:
            plan.notes.append(Note("check", "deepspeed_config.zero3_save_16bit_model",
                                   "false keeps checkpoints sharded like SHARDED_STATE_DICT, but then "
                                   "accelerator.get_state_dict / save_model cannot gather the weights "
                                   "under ZeRO-3; the guide recommends true (guide: Checkpointing)"))
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
                                   f"FSDP2-only (HSDP / tensor / context parallel) ({table.PARALLELISM_SOURCE})"))


def _memory_note(s: Settings, processes: Any) -> Note:
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


# ---------------------------------------------------------------- DeepSpeed -> FSDP
def _deepspeed_to_fsdp(s: Settings, data: dict[str, Any], version: int) -> Plan:
    notes, sec, row = list(s.notes), s.section, s.sharding
    plan = Plan(f"DeepSpeed -> FSDP{version}", "FSDP", "fsdp_config", [], drop_sections=["deepspeed_config"],
                notes=notes)
    sharding_from = _from(s, "sharding")
    approximation = row.fsdp1_note if version == 1 else row.fsdp2_note
    if approximation:
        notes.append(Note("approximated", f"ZeRO-{row.zero_stage}", approximation))
    plan.entries.append(Entry("fsdp_version", version))
    if version == 1:
        plan.entries.append(Entry("fsdp_sharding_strategy", row.fsdp1, sharding_from))
    else:
        plan.entries.append(Entry("fsdp_reshard_after_forward", row.fsdp2, sharding_from))
    offload = s.offload_params or s.offload_optimizer
    plan.entries.append(Entry("fsdp_offload_params", offload, _from(s, "offload")))
    if s.offload_params != s.offload_optimizer:
        notes.append(Note("approximated", "deepspeed_config offload",
                          "FSDP offload is all or nothing: parameters, gradients and optimizer state all "
                          "go to CPU (guide: Offloading)"))
    plan.entries.append(Entry("fsdp_auto_wrap_policy", "TRANSFORMER_BASED_WRAP",
                              "FSDP needs a wrap policy (guide: Model)"))
    if version == 1:
        plan.entries.append(Entry("fsdp_backward_prefetch", "BACKWARD_PRE",
                                  "DeepSpeed always prefetched (guide: Prefetching)"))
    loading = s.efficient_loading if row.zero_stage == 3 else True
    plan.entries.append(Entry("fsdp_cpu_ram_efficient_loading", loading,
                              _from(s, "loading") if row.zero_stage == 3 else "FSDP's launch default"))
    if row.zero_stage < 3:
        notes.append(Note("approximated", "fsdp_cpu_ram_efficient_loading",
                          f"ZeRO-{row.zero_stage} has no memory-efficient loading; FSDP's launch default "
                          "(true: rank 0 loads the weights, FSDP broadcasts them) is written "
                          "(guide: Model Loading)"))
    if version == 1:
        plan.entries.append(Entry("fsdp_sync_module_states", True,
                                  "required with cpu_ram_efficient_loading (guide: Model Loading; accelerate launch checks it)"))
    state_dict = "FULL_STATE_DICT" if s.full_state_dict else "SHARDED_STATE_DICT"
    plan.entries.append(Entry("fsdp_state_dict_type", state_dict,
                              _from(s, "checkpoint") or "DeepSpeed checkpoints are sharded"))
    if version == 1:
        plan.entries.append(Entry("fsdp_use_orig_params", True, "transparent in DeepSpeed "
                                  "(guide: Parameters Summoning)"))
    for key in sec.values:
        if key in DEEPSPEED_MAPPED:
            continue
        unmapped = table.DEEPSPEED_ONLY.get(key)
        reason = unmapped.reason if unmapped else "not a deepspeed_config key Accelerate reads, so it had no effect"
        notes.append(Note("left out", sec.where(key) + f" {_value(sec, key)}", reason))
    if s.linked is not None:
        notes.append(Note("check", "deepspeed_config.deepspeed_config_file",
                          f"{s.linked.written} is no longer used: its ZeRO stage, offload, 16-bit save "
                          "and precision were read into the keys above; everything else it holds is listed "
                          "under \"left out\""))
    if isinstance(data.get("fsdp_config"), dict):
        notes.append(Note("left out", "fsdp_config (old section)",
                          "DeepSpeed ignored it; replaced by the converted section"))
    _precision_to_fsdp(s, plan)
    _parallelism_to_fsdp(data, plan, version)
    fp8 = data.get("fp8_config")
    if isinstance(fp8, dict) and str(fp8.get("backend", fp8.get("fp8_backend", ""))).upper() == "MSAMP":
        notes.append(Note("check", "fp8_config.backend: MSAMP",
                          "MS-AMP works with DeepSpeed only; FSDP raises NotImplementedError"))
    return plan


def _precision_to_fsdp(s: Settings, plan: Plan) -> None:
    if s.mixed_precision_from_json:
        plan.top_level["mixed_precision"] = s.mixed_precision
        plan.notes.append(Note("check", "mixed_precision",
                               f"{s.mixed_precision}, {_from(s, 'precision')}: Accelerate forbids it in a YAML "
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


# ---------------------------------------------------------------- FSDP1 <-> FSDP2
def _fsdp_to_fsdp(s: Settings, data: dict[str, Any], version: int) -> Plan:
    notes, sec, row = list(s.notes), s.section, s.sharding
    plan = Plan(f"FSDP{3 - version} -> FSDP{version}", "FSDP", "fsdp_config", [], in_place=True, notes=notes)
    plan.entries.append(Entry("fsdp_version", version))
    if version == 2:
        _fsdp1_to_fsdp2(s, plan, row)
    else:
        _fsdp2_to_fsdp1(s, data, plan, row)
    if "fsdp_state_dict_type" not in sec.values:
        default = table.FSDP_DEFAULT_STATE_DICT[3 - version]
        plan.entries.append(Entry("fsdp_state_dict_type", default,
                                  f"FSDP{3 - version}'s default; FSDP{version} defaults to "
                                  f"{table.FSDP_DEFAULT_STATE_DICT[version]}"))
    for key in sec.values:
        if key not in FSDP_SHARED and key not in FSDP_MAPPED and key not in table.FSDP1_ONLY:
            notes.append(Note("check", sec.where(key), "not an fsdp_config key Accelerate reads; kept as is"))
    return plan


def _fsdp1_to_fsdp2(s: Settings, plan: Plan, row: table.Sharding) -> None:
    sec = s.section
    source_key = "fsdp_sharding_strategy" if "fsdp_sharding_strategy" in sec.values else None
    if "fsdp_reshard_after_forward" in sec.values:
        if source_key:
            plan.remove_keys.append(sec.actual[source_key])
        source_key = "fsdp_reshard_after_forward"
    plan.entries.append(Entry("fsdp_reshard_after_forward", row.fsdp2, _from(s, "sharding"),
                              replaces=sec.actual.get(source_key) if source_key else None))
    if row.fsdp2_note:
        plan.notes.append(Note("approximated", f"{row.name}", row.fsdp2_note))
    for key, unmapped in table.FSDP1_ONLY.items():
        if key in sec.values:
            plan.remove_keys.append(sec.actual[key])
            plan.notes.append(Note("left out", sec.where(key) + f" {_value(sec, key)}", unmapped.reason))
    state_dict = sec.values.get("fsdp_state_dict_type")
    if state_dict is not None and str(state_dict).upper() in ("LOCAL_STATE_DICT", "2"):
        plan.entries.append(Entry("fsdp_state_dict_type", "SHARDED_STATE_DICT", "FSDP2 has no LOCAL_STATE_DICT"))
        plan.notes.append(Note("approximated", sec.where("fsdp_state_dict_type"),
                               "Accelerate rejects LOCAL_STATE_DICT with FSDP2; SHARDED_STATE_DICT is the "
                               "closest (guide: FSDP1 vs FSDP2)"))


def _fsdp2_to_fsdp1(s: Settings, data: dict[str, Any], plan: Plan, row: table.Sharding) -> None:
    sec = s.section
    replaces = sec.actual.get("fsdp_reshard_after_forward")
    if "fsdp_sharding_strategy" in sec.values:
        if replaces:
            plan.remove_keys.append(replaces)
        replaces = sec.actual["fsdp_sharding_strategy"]
    plan.entries.append(Entry("fsdp_sharding_strategy", row.fsdp1, _from(s, "sharding"), replaces=replaces))
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
    plan.entries += [
        Entry("fsdp_backward_prefetch", "BACKWARD_PRE", "FSDP2 always overlapped like BACKWARD_PRE"),
        Entry("fsdp_sync_module_states", True, "accelerate launch requires it with cpu_ram_efficient_loading"),
        Entry("fsdp_use_orig_params", True, "FSDP2 always used the original parameters"),
    ]
