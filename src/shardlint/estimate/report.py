"""Text and JSON output of ``shardlint estimate``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from shardlint.estimate.activations import FORMULA
from shardlint.estimate.breakdown import Estimate
from shardlint.estimate.compute import Training
from shardlint.estimate.fit import Finding
from shardlint.estimate.params import ModelSize
from shardlint.estimate.setup import Setup, World
from shardlint.estimate.units import count, gib

LEFT_OUT = ("model states and activations only: left out are communication buffers (reduce/allgather buckets, "
            "ZeRO-3 prefetch), the CUDA context and kernels (about 0.5-1 GiB per GPU), allocator fragmentation; "
            "the optimizer is assumed to be Adam/AdamW (two fp32 moments), as DeepSpeed's estimators assume")


@dataclass(frozen=True)
class Row:
    setup: Setup
    estimate: Estimate
    why: str = ""                       # "this config", or how the row was made


@dataclass(frozen=True)
class Report:
    config: str
    model: ModelSize
    world: World
    training: Training
    rows: list[Row]
    gpu_memory: int | None
    finding: Finding | None
    notes: list[str]


def _gpu(estimate: Estimate) -> dict[str, int]:
    out = {"parameters": estimate.gpu.parameters, "gradients": estimate.gpu.gradients,
           "optimizer": estimate.gpu.optimizer, "model_states": estimate.gpu.model_states}
    if estimate.activations is not None:
        out["activations"] = estimate.activations
    out["total"] = estimate.gpu_total
    return out


def _cpu(estimate: Estimate) -> dict[str, int]:
    return {"parameters": estimate.cpu.parameters, "gradients": estimate.cpu.gradients,
            "optimizer": estimate.cpu.optimizer, "model_states": estimate.cpu.model_states,
            "loading": estimate.loading, "total": estimate.cpu_total}


def as_json(report: Report) -> str:
    first = report.rows[0]
    data: dict[str, Any] = {
        "config": report.config,
        "model": {"name": report.model.name or None, "largest_layer": report.model.largest_layer or None,
                  "largest_block": report.model.largest_block or None, "torch_dtype": report.training.dtype},
        "params": report.model.total,
        "world_size": report.world.num_processes,
        "num_machines": report.world.num_machines,
        "setup": first.setup.label,
        "source": first.estimate.source,
        "per_gpu_bytes": _gpu(first.estimate),
        "per_node_cpu_bytes": _cpu(first.estimate),
        "gpu_memory_bytes": report.gpu_memory,
        "finding": None if report.finding is None else {
            "severity": "warning", "message": report.finding.message, "fixes": list(report.finding.fixes)},
        "comparison": [{"setup": row.setup.label, "how": row.why, "source": row.estimate.source,
                        "per_gpu_bytes": _gpu(row.estimate), "per_node_cpu_bytes": _cpu(row.estimate)}
                       for row in report.rows[1:]],
        "notes": report.notes,
    }
    return json.dumps(data, indent=2) + "\n"


def _line(row: Row) -> str:
    e = row.estimate
    act = gib(e.activations) if e.activations is not None else "-"
    cells = (gib(e.gpu.parameters), gib(e.gpu.gradients), gib(e.gpu.optimizer), gib(e.gpu.model_states), act,
             gib(e.gpu_total))
    why = f"  ({row.why})" if row.why else ""
    return "".join(f"{c:>8}" for c in cells) + f" |{gib(e.cpu_total):>9}  {row.setup.label}{why}"


def as_text(report: Report) -> str:
    m, w, t = report.model, report.world, report.training
    shape = ""
    if m.largest_layer:
        shape = f" (largest layer {count(m.largest_layer)}, largest decoder layer {count(m.largest_block)})"
    lines = [f"config:   {report.config}",
             f"model:    {(m.name + ': ') if m.name else ''}{count(m.total)} parameters{shape}, "
             f"loaded in {t.dtype}",
             f"world:    {w.num_processes} GPU{'s' if w.num_processes > 1 else ''} on {w.num_machines} "
             f"machine{'s' if w.num_machines > 1 else ''} ({w.per_node} per node)"]
    if report.gpu_memory:
        lines.append(f"GPU:      {gib(report.gpu_memory)} GiB")
    lines += ["", "GiB, per GPU" + " " * 39 + "| per node CPU",
              "".join(f"{h:>8}" for h in ("params", "grads", "optim", "states", "activ.", "total"))
              + " |" + f"{'total':>9}  setup"]
    lines += [_line(row) for row in report.rows]
    if report.finding is not None:
        lines += ["", f"warning: {report.finding.message}"]
        lines += [f"  fits with {fix}" for fix in report.finding.fixes] or ["  no setup shown here fits"]
    lines += ["", "notes:"] + [f"  - {note}" for note in report.notes]
    return "\n".join(lines) + "\n"


def notes_for(rows: list[Row], world: World, training: Training, activations_known: bool,
              dtype_assumed: bool) -> list[str]:
    notes = []
    if world.assumed:
        notes.append(f"the config does not say how many GPUs: {world.num_processes} assumed, pass --num-processes")
    for source in dict.fromkeys(row.estimate.source for row in rows):
        labels = [row.setup.label for row in rows if row.estimate.source == source]
        notes.append(f"{source}: {'; '.join(labels)}")
    notes.append(LEFT_OUT)
    if activations_known:
        notes.append(f"activations are an estimate ({FORMULA})")
    else:
        notes.append("activations unknown: pass --seq-len and --micro-batch (and --checkpointing) with --model")
    if dtype_assumed:
        notes.append(f"torch_dtype assumed {training.dtype}: pass --torch-dtype or --model (FSDP without mixed "
                     "precision keeps the optimizer state in it)")
    for row in rows:
        notes.extend(f"{row.setup.label}: {n}" for n in (*row.setup.assumptions, *row.estimate.notes))
    return list(dict.fromkeys(notes))
