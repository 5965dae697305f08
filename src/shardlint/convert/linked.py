"""The DeepSpeed JSON an Accelerate config links with ``deepspeed_config_file``.

When converting away from DeepSpeed, the JSON holds the settings that matter (Accelerate
forbids them in the YAML beside a file, A48).  This module reads the ones that have an FSDP
equivalent and lists everything else it leaves behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shardlint.convert import table
from shardlint.convert.notes import Note
from shardlint.document import Document
from shardlint.semantics.accelerate import newest_default

_READ_ZERO_KEYS = ("stage", "offload_param", "offload_optimizer", "cpu_offload", "cpu_offload_param",
                   *table.JSON_GATHER_16BIT)
_READ_TOP_KEYS = ("zero_optimization", "bf16", "bfloat16", "fp16")
# "auto" values are filled by Accelerate from its own settings (reference A53); these are the
# values it fills them with when converting from a file-linked config
_AUTO_STAGE = newest_default("deepspeed_config", "zero_stage")


@dataclass
class LinkedConfig:
    written: str
    read: bool = True                # False when the JSON could not be read: defaults stand in
    stage: int = newest_default("deepspeed_config", "zero_stage")
    param_device: str = "none"
    optimizer_device: str = "none"
    save_16bit: bool = False
    mixed_precision: str | None = None
    provenance: dict[str, str] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)


def read_linked(doc: Document) -> LinkedConfig:
    """Follow ``deepspeed_config_file`` the way the linter does (shardlint.engine.link: beside the
    config, then up to the repository root, or inline JSON), then in the working directory,
    where ``accelerate launch`` itself looks."""
    from shardlint.engine.link import resolve
    from shardlint.loading.reader import Unreadable, read_document

    key = "deepspeed_config.deepspeed_config_file"
    link = resolve(doc)
    written = str(doc.get(("deepspeed_config", "deepspeed_config_file")))
    linked = LinkedConfig(link.value or written)
    data: Any = link.document.data if link.document is not None else None
    if data is None and Path(written).is_file():
        try:
            found = read_document(Path(written), written)
            data = found.data if found.loaded and not found.load_diagnostics else None
        except Unreadable:
            data = None
    if not isinstance(data, dict):
        linked.notes.append(Note("check", key,
            f"{link.problem or written + ' is not a readable DeepSpeed JSON'}; so its settings could not be "
            f"carried over and Accelerate's defaults were used instead (ZeRO-{linked.stage}, no offload, no "
            "16-bit save, no mixed precision): compare with the JSON by hand"))
        linked.provenance["sharding"] = f"zero_stage: {linked.stage} (default; {linked.written} unreadable)"
        linked.read = False
        return linked
    _read_zero(linked, data, key)
    _read_precision(linked, data, key)
    _leftovers(linked, data, key)
    return linked


def _read_zero(linked: LinkedConfig, data: dict[str, Any], key: str) -> None:
    zero = data.get("zero_optimization")
    if zero is True:  # deprecated bare boolean form = stage 1 (deepspeed.md §1.5)
        zero = {"stage": 1}
    if not isinstance(zero, dict):
        linked.notes.append(Note("check", key, f"{linked.written} has no zero_optimization section, which "
                                 f"Accelerate rejects; converted as ZeRO-{linked.stage}"))
        return
    stage = zero.get("stage", 0)
    if stage == "auto":
        stage = _AUTO_STAGE
        linked.notes.append(Note("approximated", f"{linked.written}: zero_optimization.stage",
                                 f"\"auto\" is filled with Accelerate's zero_stage, {stage} by default"))
    elif isinstance(stage, bool) or str(stage) not in ("0", "1", "2", "3"):
        linked.notes.append(Note("check", f"{linked.written}: zero_optimization.stage",
                                 f"{stage!r} is not a ZeRO stage; converted as ZeRO-{_AUTO_STAGE}"))
        stage = _AUTO_STAGE
    linked.stage = int(stage)
    linked.provenance["sharding"] = f"{linked.written}: zero_optimization.stage {linked.stage}"
    linked.param_device = _device(zero, "offload_param", "cpu_offload_param")
    linked.optimizer_device = _device(zero, "offload_optimizer", "cpu_offload")
    offloads = [f"{name}.device {dev}" for name, dev in (("offload_param", linked.param_device),
                                                         ("offload_optimizer", linked.optimizer_device))
                if dev != "none"]
    if offloads:
        linked.provenance["offload"] = f"{linked.written}: " + ", ".join(offloads)
    for name in table.JSON_GATHER_16BIT:
        if name in zero:
            linked.save_16bit = zero[name] is True or str(zero[name]).lower() == "true"
            linked.provenance["checkpoint"] = f"{linked.written}: {name} {str(zero[name]).lower()}"
            break


def _device(zero: dict[str, Any], section: str, legacy: str) -> str:
    block = zero.get(section)
    if isinstance(block, dict):
        device = str(block.get("device", "none")).lower()
        return "none" if device == "auto" else device
    return "cpu" if zero.get(legacy) is True else "none"


def _read_precision(linked: LinkedConfig, data: dict[str, Any], key: str) -> None:
    bf16 = data.get("bf16") if isinstance(data.get("bf16"), dict) else data.get("bfloat16")
    chosen = [(name, block.get("enabled")) for name, block in (("bf16", bf16), ("fp16", data.get("fp16")))
              if isinstance(block, dict)]
    if any(enabled == "auto" for _, enabled in chosen):
        linked.notes.append(Note("check", f"{linked.written}: bf16/fp16.enabled",
                                 "\"auto\" takes the precision from --mixed_precision on the command line "
                                 "; set mixed_precision in the converted YAML or keep passing it"))
        return
    enabled = [name for name, on in chosen if on is True or str(on).lower() == "true"]
    linked.mixed_precision = enabled[0] if enabled else "no"
    linked.provenance["precision"] = (f"{linked.written}: {enabled[0]}.enabled true" if enabled
                                      else f"{linked.written}: no fp16/bf16 enabled")


def _leftovers(linked: LinkedConfig, data: dict[str, Any], key: str) -> None:
    for name in ("gradient_accumulation_steps", "gradient_clipping"):
        if name in data:
            linked.notes.append(Note("left out", f"{linked.written}: {name} {data[name]}",
                                     table.DEEPSPEED_ONLY[name].reason))
    left = [k for k in data if k not in _READ_TOP_KEYS
            and k not in ("gradient_accumulation_steps", "gradient_clipping")]
    zero = data.get("zero_optimization")
    if isinstance(zero, dict):
        left += [f"zero_optimization.{k}" for k in zero if k not in _READ_ZERO_KEYS]
    if left:
        linked.notes.append(Note("left out", linked.written,
            "not carried into the FSDP config, which has no place for them (set optimizer, scheduler and "
            "batch sizes in the training code): " + ", ".join(left)))
