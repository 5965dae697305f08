"""Which ``TrainingArguments`` and TRL config fields exist in a given release."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from shardlint.engine.versions import Version, parse_version

DATA = Path(__file__).resolve().parent.parent / "knowledge" / "training_arguments.json"


@lru_cache(maxsize=1)
def schema_data() -> dict[str, Any]:
    return json.loads(DATA.read_text(encoding="utf-8"))


def _within(entry: dict[str, Any], version: Version) -> bool:
    """Present in ``version``, or not known to be absent (between the snapshots bracketing its addition)."""
    absent_in, removed = entry.get("absent_in"), entry.get("removed")
    return (absent_in is None or version > parse_version(absent_in)) and (removed is None or version < parse_version(removed))


class FieldStatus(NamedTuple):
    state: str                     # known | removed | not-yet | trl | unknown
    entry: dict[str, Any] | None   # the TrainingArguments entry, when the name ever was one


def transformers_fields() -> dict[str, dict[str, Any]]:
    return schema_data()["transformers"]["fields"]


@lru_cache(maxsize=32)
def trl_field_names(trl: Version) -> frozenset[str]:
    """Every field a TRL config class (or ``ModelConfig``) declares in the targeted TRL release."""
    names = set()
    for config in schema_data()["trl"]["configs"].values():
        names.update(name for name, entry in config["fields"].items() if _within(entry, trl))
    return frozenset(names)


@lru_cache(maxsize=32)
def known_names(transformers: Version, trl: Version) -> frozenset[str]:
    """TrainingArguments fields of the transformers release, and TRL's fields."""
    fields = {name for name, entry in transformers_fields().items() if _within(entry, transformers)}
    return frozenset(fields) | trl_field_names(trl)


def all_names() -> frozenset[str]:
    """Every field any known release has had (recipe detection)."""
    names = set(transformers_fields())
    for config in schema_data()["trl"]["configs"].values():
        names.update(config["fields"])
    return frozenset(names)


def status(name: str, transformers: Version, trl: Version) -> FieldStatus:
    entry = transformers_fields().get(name)
    if entry is not None and _within(entry, transformers):
        return FieldStatus("known", entry)
    if name in trl_field_names(trl):
        return FieldStatus("trl", entry)
    if entry is None:
        return FieldStatus("unknown", None)
    if entry.get("removed") and transformers >= parse_version(entry["removed"]):
        return FieldStatus("removed", entry)
    return FieldStatus("not-yet", entry)


def fsdp_config_reads(transformers: Version) -> tuple[str, frozenset[str]] | None:
    """The newest snapshot not after ``transformers`` and the ``fsdp_config`` keys TrainingArguments reads there."""
    reads = schema_data()["transformers"]["fsdp_config_reads"]
    older = [v for v in reads if parse_version(v) <= transformers]
    if not older:
        return None
    newest = max(older, key=parse_version)
    return newest, frozenset(reads[newest])
