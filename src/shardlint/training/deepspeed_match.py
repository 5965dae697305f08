"""DeepSpeed JSON values the Trainer requires to equal the training arguments.

``HfTrainerDeepSpeedConfig.fill_match`` (transformers ``integrations/deepspeed.py``, 5.25.0
lines 110-134) fills ``"auto"`` from the training arguments and, for any other value, compares
with Python's ``!=``: ``"8"`` is not ``8``. All mismatches stop the run together when training
starts (lines 260-264). Which keys, and from which arguments, is generated from the snapshot
(``deepspeed_must_match``). Only arguments the run gives explicitly are compared: a default may
be TRL's rather than TrainingArguments' (TRL's configs change several). The one exception is the
second switch of ``fp16 or fp16_full_eval``: a ``*_full_eval`` no TRL config redeclares is false.
"""

from __future__ import annotations

from typing import Any, NamedTuple


class Mismatch(NamedTuple):
    key: str            # the DeepSpeed key, e.g. "train_micro_batch_size_per_gpu"
    ds_value: Any
    fields: tuple[str, ...]  # the training arguments it is compared with
    hf_value: Any
    at: str             # the argument to point at


def _node(data: dict[str, Any], dotted: str) -> tuple[bool, Any]:
    node: Any = data
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def _argument_value(spec: dict[str, Any], given: dict[str, Any]) -> tuple[bool, Any, str | None]:
    """(known, value, the argument to point at) for one DeepSpeed key's expression."""
    fields = spec["fields"]
    present = [f for f in fields if f in given]
    if not present:
        return False, None, None
    if spec["combine"] == "or":
        truthy = [f for f in present if given[f]]
        if truthy:
            return True, given[truthy[0]], truthy[0]
        if all(f in given or _plain_default(f) is False for f in fields):
            return True, False, present[0]
        return False, None, None
    if len(present) != len(fields):
        return False, None, None
    if spec["combine"] == "list":
        return True, [given[f] for f in fields], fields[0]
    return True, given[fields[0]], fields[0]


def _plain_default(name: str) -> Any:
    """TrainingArguments' default for ``name`` when no TRL config declares the field anew (else None)."""
    from shardlint.training.schema import schema_data, transformers_fields

    if any(name in config["fields"] for config in schema_data()["trl"]["configs"].values()):
        return None
    return transformers_fields().get(name, {}).get("default")


def mismatches(deepspeed: dict[str, Any], given: dict[str, Any]) -> list[Mismatch]:
    from shardlint.training.schema import schema_data

    out = []
    for key, spec in schema_data()["transformers"]["deepspeed_must_match"].items():
        found, ds_value = _node(deepspeed, key)
        if not found or ds_value is None or ds_value == "auto":
            continue
        known, hf_value, at = _argument_value(spec, given)
        if known and at is not None and ds_value != hf_value:
            out.append(Mismatch(key, ds_value, tuple(spec["fields"]), hf_value, at))
    return out
