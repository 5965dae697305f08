"""Read what a source config means: the effective value of every mapped concern.

Values are interpreted the way Accelerate does under ``accelerate launch`` (reference §2/§3:
names case-insensitive, integer aliases, ``str_to_bool`` spellings, launch defaults for
absent keys), so the conversion preserves behaviour, not just spelling.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from shardlint.convert import table
from shardlint.convert.linked import LinkedConfig, read_linked
from shardlint.convert.notes import Note
from shardlint.document import Document
from shardlint.engine import values
from shardlint.fixes.migrate import fsdp1_strategy
from shardlint.semantics.accelerate import STATE_DICT_TYPES, deepspeed_plugin_fills, newest_default

Flavour = Literal["fsdp1", "fsdp2", "deepspeed"]


class ConvertError(Exception):
    """The source cannot be converted (not an FSDP/DeepSpeed config, or a value makes no sense)."""


def strict_bool(value: Any, where: str) -> bool:
    """Accelerate's ``str_to_bool`` on what the launcher exports; an error where it would raise."""
    parsed = values.str_to_bool(value)
    if parsed is None:
        raise ConvertError(f"{where}: {value!r} is not a boolean")
    return parsed


@dataclass
class Section:
    """A source section with Accelerate's key renaming applied (``fsdp_`` prefix, reference §0.4)."""

    name: str                                            # fsdp_config | deepspeed_config
    actual: dict[str, str] = field(default_factory=dict)  # canonical key -> key as written
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def read(cls, data: dict[str, Any], name: str) -> Section:
        section = cls(name)
        raw = data.get(name)
        if isinstance(raw, dict):
            for key, value in raw.items():
                key = str(key)
                canonical = key if name != "fsdp_config" or key.startswith("fsdp") else f"fsdp_{key}"
                section.actual[canonical] = key
                section.values[canonical] = value
        return section

    def where(self, key: str) -> str:
        return f"{self.name}.{self.actual.get(key, key)}"

    def shown(self, key: str) -> str:
        """``key: value`` as the user wrote it, for messages and comments."""
        return f"{self.actual.get(key, key)}: {_show(self.values[key])}"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


@dataclass
class SourceConfig:
    """The effective meaning of a source config, side-neutral."""

    flavour: Flavour
    section: Section
    sharding: table.Sharding
    offload_params: bool
    offload_optimizer: bool
    efficient_loading: bool
    full_state_dict: bool
    mixed_precision: Any                      # effective top-level value (YAML or linked JSON)
    mixed_precision_from_json: bool = False
    linked: LinkedConfig | None = None
    provenance: dict[str, str] = field(default_factory=dict)  # concern -> "from <key: value>"
    notes: list[Note] = field(default_factory=list)

    @property
    def stage(self) -> int:
        return self.sharding.zero_stage


def source_flavour(data: dict[str, Any]) -> Flavour:
    kind = data.get("distributed_type")
    if kind is None:
        kind = "FSDP" if "fsdp_config" in data else "DEEPSPEED" if "deepspeed_config" in data else None
    if kind == "DEEPSPEED":
        return "deepspeed"
    if kind == "FSDP":
        version = Section.read(data, "fsdp_config").values.get("fsdp_version", 1)
        if str(version) not in ("1", "2"):
            raise ConvertError(f"fsdp_config.fsdp_version: {version!r} is neither 1 nor 2")
        return "fsdp2" if str(version) == "2" else "fsdp1"
    raise ConvertError(f"distributed_type is {kind!r}: only FSDP and DEEPSPEED configs can be converted")


def read_source(doc: Document) -> SourceConfig:
    data = doc.data
    flavour = source_flavour(data)
    if flavour == "deepspeed":
        return _read_deepspeed(doc)
    return _read_fsdp(data, flavour)


# ---------------------------------------------------------------- FSDP
def _names_full_shard(value: Any) -> bool:
    """Whether an FSDP1 ``fsdp_reshard_after_forward`` (ignored under launch) says FULL_SHARD anyway."""
    return value is True or values.strategy_name(value) == "FULL_SHARD"


def _state_dict(value: Any, where: str) -> str:
    name = values.NORMALISERS["state-dict-type"](value)
    if name not in STATE_DICT_TYPES:
        raise ConvertError(f"{where}: {value!r} is not an FSDP state dict type")
    return name


def _hsdp(data: dict[str, Any]) -> bool:
    """FSDP2 hybrid sharding: a parallelism_config that replicates across groups."""
    parallelism = data.get("parallelism_config")
    if not isinstance(parallelism, dict):
        return False
    size = parallelism.get("parallelism_config_dp_replicate_size", 1)
    return isinstance(size, int) and not isinstance(size, bool) and size > 1


def _read_fsdp(data: dict[str, Any], flavour: Flavour) -> SourceConfig:
    sec = Section.read(data, "fsdp_config")
    written, notes, prov = sec.values, [], {}
    fsdp = sec.name

    if flavour == "fsdp1":
        name, key = fsdp1_strategy(data[fsdp] if isinstance(data.get(fsdp), dict) else {})
        if name is None:
            raise ConvertError(f"{sec.where('fsdp_sharding_strategy')}: {written['fsdp_sharding_strategy']!r} "
                               "is not an FSDP sharding strategy")
        sharding = table.FSDP1_STRATEGIES[name]
        if key is not None:
            prov["sharding"] = sec.shown("fsdp_sharding_strategy")
        else:
            prov["sharding"] = f"fsdp_sharding_strategy: {name} (launch default)"
            if "fsdp_reshard_after_forward" in written and not _names_full_shard(written["fsdp_reshard_after_forward"]):
                notes.append(Note("check", sec.where("fsdp_reshard_after_forward"),
                    f"FSDP1 under accelerate launch ignores {sec.shown('fsdp_reshard_after_forward')} "
                    "and shards FULL_SHARD (fsdp_sharding_strategy's default wins); converted what "
                    "runs, FULL_SHARD"))
    else:
        raw = written.get("fsdp_reshard_after_forward", newest_default(fsdp, "fsdp_reshard_after_forward"))
        reshard = strict_bool(raw, sec.where("fsdp_reshard_after_forward"))
        sharding = table.FSDP2_RESHARD[(reshard, _hsdp(data))]
        prov["sharding"] = (sec.shown("fsdp_reshard_after_forward") if "fsdp_reshard_after_forward" in written
                            else "fsdp_reshard_after_forward: true (launch default)")
        if _hsdp(data):
            prov["sharding"] += " with parallelism_config_dp_replicate_size > 1"
        if "fsdp_sharding_strategy" in written:
            notes.append(Note("left out", sec.where("fsdp_sharding_strategy"),
                              "FSDP2 never reads it"))

    offload = strict_bool(written.get("fsdp_offload_params", newest_default(fsdp, "fsdp_offload_params")),
                          sec.where("fsdp_offload_params"))
    if "fsdp_offload_params" in written:
        prov["offload"] = sec.shown("fsdp_offload_params")
    loading = strict_bool(written.get("fsdp_cpu_ram_efficient_loading",
                                     newest_default(fsdp, "fsdp_cpu_ram_efficient_loading")),
                          sec.where("fsdp_cpu_ram_efficient_loading"))
    prov["loading"] = (sec.shown("fsdp_cpu_ram_efficient_loading") if "fsdp_cpu_ram_efficient_loading" in written
                       else "fsdp_cpu_ram_efficient_loading: true (launch default)")
    version = 2 if flavour == "fsdp2" else 1
    if "fsdp_state_dict_type" in written:
        state_dict = _state_dict(written["fsdp_state_dict_type"], sec.where("fsdp_state_dict_type"))
        prov["checkpoint"] = sec.shown("fsdp_state_dict_type")
    else:
        state_dict = newest_default(fsdp, "fsdp_state_dict_type", fsdp_version=version)
        prov["checkpoint"] = f"fsdp_state_dict_type: {state_dict} (FSDP{version} default)"
    return SourceConfig(flavour, sec, sharding, offload_params=offload, offload_optimizer=offload,
                    efficient_loading=loading, full_state_dict=state_dict == "FULL_STATE_DICT",
                    mixed_precision=data.get("mixed_precision"), provenance=prov, notes=notes)


# ---------------------------------------------------------------- DeepSpeed
def _stage(value: Any, where: str) -> int:
    if isinstance(value, bool) or str(value) not in ("0", "1", "2", "3"):
        raise ConvertError(f"{where}: {value!r} is not a ZeRO stage (0-3)")
    return int(value)


def _device(value: Any) -> str:
    return "none" if value is None else str(value).lower()


def _read_deepspeed(doc: Document) -> SourceConfig:
    data = doc.data
    sec = Section.read(data, "deepspeed_config")
    written, prov, notes = sec.values, {}, []
    linked = None
    if written.get("deepspeed_config_file") not in (None, "none"):
        linked = read_linked(doc)
        # the plugin's fields Accelerate refuses beside the file (reference A48, _deepspeed_config_checks)
        beside = [sec.actual[path[-1]] for path in deepspeed_plugin_fills() if path[-1] in written]
        if beside:
            notes.append(Note("check", "deepspeed_config", f"{', '.join(beside)} beside deepspeed_config_file: "
                              "Accelerate refuses that combination, so the JSON's values were used"))
        stage, param_dev, opt_dev, save16 = linked.stage, linked.param_device, linked.optimizer_device, linked.save_16bit
        prov.update(linked.provenance)
    else:
        stage = newest_default(sec.name, "zero_stage")
        prov["sharding"] = f"zero_stage: {stage} (Accelerate's default)"
        if "zero_stage" in written:
            stage = _stage(written["zero_stage"], sec.where("zero_stage"))
            prov["sharding"] = sec.shown("zero_stage")
        param_dev = _device(written.get("offload_param_device"))
        opt_dev = _device(written.get("offload_optimizer_device"))
        save16_default = newest_default(sec.name, "zero3_save_16bit_model")
        save16 = values.NORMALISERS["true-string"](written.get("zero3_save_16bit_model", save16_default))
        shown = [sec.shown(k) for k in ("offload_param_device", "offload_optimizer_device") if k in written]
        if shown:
            prov["offload"] = ", ".join(shown)
        if "zero3_save_16bit_model" in written:
            prov["checkpoint"] = sec.shown("zero3_save_16bit_model")
    init_default = newest_default(sec.name, "zero3_init_flag", zero_stage=stage)
    init = strict_bool(written.get("zero3_init_flag", init_default), sec.where("zero3_init_flag"))
    ignored = [name for name, on in (("offload_param_device", param_dev != "none"),
                                     ("zero3_save_16bit_model", save16), ("zero3_init_flag", init)) if on]
    if stage < 3:
        # ZeRO-3 only: offloading parameters, 16-bit gathering and zero.Init (reference §3, T18, A50)
        param_dev, save16, init = "none", False, False
        notes.extend(Note("left out", sec.where(name), f"had no effect at ZeRO-{stage}: it is a ZeRO-3 setting") for name in ignored)
    prov["loading"] = (sec.shown("zero3_init_flag") if "zero3_init_flag" in written
                       else f"zero3_init_flag: {str(stage == 3).lower()} (default for ZeRO-{stage})")
    settings = SourceConfig("deepspeed", sec, table.ZERO_STAGES[stage],
                        offload_params=param_dev != "none", offload_optimizer=opt_dev != "none",
                        efficient_loading=init, full_state_dict=save16,
                        mixed_precision=data.get("mixed_precision"), linked=linked, provenance=prov,
                        notes=notes)
    if linked is not None:
        settings.notes.extend(linked.notes)
        if settings.mixed_precision is None and linked.mixed_precision is not None:
            settings.mixed_precision = linked.mixed_precision
            settings.mixed_precision_from_json = True
        elif linked.mixed_precision not in (None, str(settings.mixed_precision).lower()):
            settings.notes.append(Note("check", "mixed_precision",
                f"the YAML says {_show(settings.mixed_precision)} but {linked.written} enables "
                f"{linked.mixed_precision}; Accelerate refused that pair. The YAML's value is kept"))
    for device, key in ((param_dev, "offload_param_device"), (opt_dev, "offload_optimizer_device")):
        if device == "nvme":
            settings.notes.append(Note("approximated", f"{sec.name}.{key}",
                                       "NVMe offload has no FSDP equivalent; FSDP offloads to CPU "
                                       "(guide: Offloading)"))
    return settings
