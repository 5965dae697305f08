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


# the factors the Trainer multiplies into train_batch_size (trainer_config_process, 5.24.0 line 143)
BATCH_FACTORS = ("per_device_train_batch_size", "gradient_accumulation_steps")


class BatchMismatch(NamedTuple):
    ds_value: int
    factors: tuple[tuple[str, int], ...]  # (name, value), the world size first
    expected: int
    at: str


def batch_mismatch(deepspeed: dict[str, Any], given: dict[str, Any], world: int) -> BatchMismatch | None:
    """``train_batch_size`` against world size x per_device_train_batch_size x gradient_accumulation_steps,
    the value ``trainer_config_process`` fills or requires (must_match off with auto_find_batch_size).
    An argument the run does not give takes the TrainingArguments default when no TRL config changes it;
    at least one of them must be given, to point at it."""
    from shardlint.engine.batch import positive_int, train_batch_size
    from shardlint.engine.values import NORMALISERS

    written = train_batch_size(deepspeed)
    if written is None or NORMALISERS["bool"](given.get("auto_find_batch_size", False)) is not False:
        return None
    values = [positive_int(given[name] if name in given else _plain_default(name)) for name in BATCH_FACTORS]
    at = next((name for name in BATCH_FACTORS if name in given), None)
    if at is None or None in values:
        return None
    micro, steps = values
    expected = world * micro * steps  # type: ignore[operator]
    if written == expected:
        return None
    return BatchMismatch(written, (("world size", world), *zip(BATCH_FACTORS, values)), expected, at)  # type: ignore[arg-type]
