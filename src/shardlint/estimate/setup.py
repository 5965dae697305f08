"""What a config means for memory: backend, sharding, offload, precision, loading, world size.

Accelerate configs (and the DeepSpeed JSON they link) are read by the converter's
``read_source``, which already interprets every key the way ``accelerate launch`` does; a
DeepSpeed JSON on its own is read as the ``deepspeed_config_file`` of a minimal Accelerate
config, so the same code follows it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from shardlint.convert import table
from shardlint.convert.source import ConvertError, SourceConfig, read_source, strict_bool
from shardlint.document import Document

SIXTEEN_BIT = ("bf16", "fp16", "fp8")   # fp8 trains with bf16 master handling (DeepSpeed: bf16 enabled)


class EstimateError(ValueError):
    """The config cannot be estimated; the message names the file."""


@dataclass(frozen=True)
class Setup:
    """One way to train: the config as written, or an alternative row."""

    backend: str                       # "deepspeed" | "fsdp"
    sharding: table.Sharding
    fsdp_version: int = 0
    param_device: str = "none"         # none | cpu | nvme (FSDP: cpu offloads everything)
    optimizer_device: str = "none"
    mixed_precision: str = "no"        # no | bf16 | fp16 | fp8
    efficient_loading: bool = False    # zero3_init_flag / fsdp_cpu_ram_efficient_loading
    checkpointing: bool | None = None  # activation checkpointing, when the config says
    micro_batch: int | None = None     # train_micro_batch_size_per_gpu of a DeepSpeed JSON
    assumptions: tuple[str, ...] = ()

    @property
    def stage(self) -> int:
        return self.sharding.zero_stage

    @property
    def mixed(self) -> bool:
        return self.mixed_precision in SIXTEEN_BIT

    @property
    def offload(self) -> bool:
        return self.param_device != "none" or self.optimizer_device != "none"

    @property
    def label(self) -> str:
        if self.backend == "deepspeed":
            name = f"DeepSpeed ZeRO-{self.stage}"
            moved = [f"{what} {dev}" for what, dev in (("params", self.param_device),
                                                       ("optimizer", self.optimizer_device)) if dev != "none"]
            offload = f", offload {' + '.join(moved)}" if moved else ""
        else:
            name = f"FSDP{self.fsdp_version} {self.sharding.name}"
            offload = ", CPU offload" if self.offload else ""
        precision = f"{self.mixed_precision} mixed" if self.mixed else "no mixed precision"
        return f"{name}{offload}, {precision}"


@dataclass(frozen=True)
class World:
    num_processes: int = 1
    num_machines: int = 1
    assumed: bool = False

    @property
    def per_node(self) -> int:
        return self.num_processes // self.num_machines


@dataclass
class Loaded:
    setup: Setup
    world: World
    settings: SourceConfig  # for the convert mapping of the comparison rows
    data: dict[str, Any]


def _device(settings: SourceConfig, key: str, on: bool) -> str:
    """The offload device: SourceConfig keeps a yes/no; NVMe matters for where the bytes go."""
    if not on:
        return "none"
    if settings.linked is not None:
        return settings.linked.param_device if key == "offload_param_device" else settings.linked.optimizer_device
    return str(settings.section.values.get(key, "cpu")).lower()


def _precision(settings: SourceConfig) -> tuple[str, tuple[str, ...]]:
    value = settings.mixed_precision
    if value is None and settings.linked is not None and settings.linked.read:
        return "bf16", ("mixed precision assumed bf16: the DeepSpeed JSON leaves it \"auto\" (filled from "
                        "--mixed_precision at launch)",)
    text = "no" if value in (None, False) else str(value).lower()
    return (text if text in ("no", *SIXTEEN_BIT) else "no"), ()


def _checkpointing(settings: SourceConfig) -> bool | None:
    """``fsdp_activation_checkpointing`` (any spelling Accelerate accepts), when the config sets it."""
    key = "fsdp_activation_checkpointing"
    if key not in settings.section.values:
        return None
    try:
        return strict_bool(settings.section.values[key], settings.section.where(key))
    except ConvertError:
        return None


def _micro_batch(doc: Document) -> int | None:
    from shardlint.engine.link import resolve

    linked = resolve(doc).document
    value = linked.data.get("train_micro_batch_size_per_gpu") if linked is not None else None
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def setup_from_settings(settings: SourceConfig, doc: Document | None = None) -> Setup:
    precision, assumptions = _precision(settings)
    if settings.flavour == "deepspeed":
        return Setup("deepspeed", settings.sharding,
                     param_device=_device(settings, "offload_param_device", settings.offload_params),
                     optimizer_device=_device(settings, "offload_optimizer_device", settings.offload_optimizer),
                     mixed_precision=precision, efficient_loading=settings.efficient_loading,
                     micro_batch=_micro_batch(doc) if doc is not None and settings.linked is not None else None,
                     assumptions=assumptions)
    device = "cpu" if settings.offload_params else "none"
    return Setup("fsdp", settings.sharding, fsdp_version=2 if settings.flavour == "fsdp2" else 1,
                 param_device=device, optimizer_device=device, mixed_precision=precision,
                 efficient_loading=settings.efficient_loading, checkpointing=_checkpointing(settings),
                 assumptions=assumptions)


def settings_of(data: dict[str, Any], path: Path) -> tuple[SourceConfig, Document]:
    """The converter's reading of an Accelerate config held in ``data`` (as read from ``path``)."""
    doc = Document(path, str(path), "", "yaml", data=data, kind="accelerate")
    try:
        settings = read_source(doc)
    except ConvertError as exc:
        raise EstimateError(f"{path}: {exc}") from None
    if settings.linked is not None and not settings.linked.read:
        raise EstimateError(f"{path}: {settings.linked.notes[0].message.split(';')[0]}")
    return settings, doc


def _count(data: dict[str, Any], key: str) -> int | None:
    value = data.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else None


def world_of(data: dict[str, Any], num_processes: int | None, num_machines: int | None) -> World:
    """Accelerate's ``num_processes`` counts every process on every machine."""
    machines = num_machines or _count(data, "num_machines") or 1
    processes = num_processes or _count(data, "num_processes")
    assumed = processes is None
    processes = processes or machines
    if processes % machines:
        raise EstimateError(f"{processes} processes do not split evenly over {machines} machines")
    return World(processes, machines, assumed)


def load(path: Path, num_processes: int | None = None, num_machines: int | None = None,
         text: str | None = None) -> Loaded:
    """Read an Accelerate config or a DeepSpeed JSON at ``path`` (or ``text`` read from there)."""
    from shardlint.kinds import detect_kind
    from shardlint.loading.reader import Unreadable, read_document

    try:
        doc = read_document(path, str(path), text=text)
    except Unreadable as exc:
        raise EstimateError(f"{path}: {exc}") from None
    errors = [d for d in doc.load_diagnostics if d.severity == 1]
    if errors or not doc.loaded:
        first = errors[0] if errors else None
        where = f":{first.range.start.line + 1}" if first else ""
        raise EstimateError(f"{path}{where}: {first.message if first else 'it could not be parsed'}")
    kind = detect_kind(doc)
    if kind == "deepspeed":
        data: dict[str, Any] = {"distributed_type": "DEEPSPEED",
                                "deepspeed_config": {"deepspeed_config_file": path.name}}
    elif kind == "accelerate":
        data = doc.data
        if data.get("distributed_type") not in (None, "FSDP", "DEEPSPEED"):
            raise EstimateError(f"{path}: distributed_type is {data['distributed_type']!r}: shardlint estimate "
                                "covers FSDP and DEEPSPEED configs")
    else:
        raise EstimateError(f"{path}: neither an Accelerate config nor a DeepSpeed JSON")
    return from_data(data, path, num_processes, num_machines)


def from_data(data: dict[str, Any], path: Path, num_processes: int | None = None,
              num_machines: int | None = None) -> Loaded:
    """An Accelerate config held in ``data``; ``path`` is where its relative paths start."""
    settings, synthetic = settings_of(data, path)
    setup = setup_from_settings(settings, synthetic)
    return Loaded(setup, world_of(data, num_processes, num_machines), settings, data)


def with_checkpointing(setup: Setup, checkpointing: bool | None, micro_batch: int | None) -> Setup:
    """Command-line training arguments over what the config says."""
    return replace(setup, checkpointing=setup.checkpointing if checkpointing is None else checkpointing,
                   micro_batch=micro_batch or setup.micro_batch)
