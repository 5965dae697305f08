"""Write ``src/shardlint/knowledge/training_arguments.json`` from the ``knowledge/`` snapshots.

    python tools/gen_training_schema.py           # write it
    python tools/gen_training_schema.py --check   # exit 1 when the file is out of date

For every ``TrainingArguments`` field of every transformers snapshot: its type, default and
choices as the newest snapshot holding it declares them, the first snapshot that has it
(``since``; ``absent_in`` is the snapshot before it, the newest known to lack it: releases in
between are given the benefit of the doubt), the first that no longer has it (``removed``), whether it is deprecated and, when
its deprecation notice names a replacement field (``Use `eval_strategy` instead``), the
replacement (``deprecated`` is the first snapshot with the notice); per snapshot, the
``fsdp_config`` keys ``TrainingArguments`` reads. For TRL, the fields each config class (``SFTConfig``, ``DPOConfig``, ...) adds to
``TrainingArguments`` in every snapshot. Nothing is typed by hand: a new snapshot and a rerun
update everything (tests/training/test_schema_data.py fails while the file is stale).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
KNOWLEDGE = REPO / "knowledge"
OUT = REPO / "src" / "shardlint" / "knowledge" / "training_arguments.json"

# how deprecation notices name the field to use instead
_REPLACEMENT = [
    re.compile(r"[Uu]se `(?:--)?([a-z_0-9]+)` instead"),
    re.compile(r"[Dd]eprecated alias of `([a-z_0-9]+)`"),
    re.compile(r"`--([a-z_0-9]+)` is preferred"),
    re.compile(r"[Uu]se ([a-z_0-9]+_[a-z_0-9]+) instead"),
]
_MOVED_INTO = re.compile(r"Pass \{'([a-z_]+)':\s*\w+\} to `([a-z_]+)`")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


def _snapshots(library: str) -> list[tuple[str, dict[str, Any]]]:
    files = sorted((KNOWLEDGE / library).glob("*.json"), key=lambda p: _version_key(p.stem))
    return [(p.stem, json.loads(p.read_text(encoding="utf-8"))) for p in files]


def json_types(annotation: str) -> list[str]:
    """The JSON types a recipe may give a field, from its annotation (``"bool | None"`` -> boolean, null)."""
    out = []
    for part in re.split(r"\s*\|\s*|,\s*(?![^\[]*\])", annotation.replace("Optional[", "").replace("Union[", "")):
        part = part.strip().rstrip("]")
        base = part.split("[", 1)[0]
        kind = {"bool": "boolean", "int": "integer", "float": "number", "str": "string", "None": "null",
                "list": "array", "List": "array", "tuple": "array", "dict": "object", "Dict": "object"}.get(base)
        if kind is None and base:
            kind = "string"  # enums (IntervalStrategy, SchedulerType, ...) are given by their value
        if kind and kind not in out:
            out.append(kind)
    return out


def _is_deprecated(field: dict[str, Any]) -> bool:
    return bool(field.get("deprecated")) or re.search(r"(?i)\bdeprecated\b", field.get("metadata_help", "")) is not None


def replacement_of(help_text: str) -> dict[str, str] | None:
    """``{"field": "eval_strategy"}`` or ``{"field": "accelerator_config", "key": "split_batches"}`` from a notice."""
    moved = _MOVED_INTO.search(help_text)
    if moved:
        return {"field": moved.group(2), "key": moved.group(1)}
    for pattern in _REPLACEMENT:
        found = pattern.search(help_text)
        if found:
            return {"field": found.group(1)}
    return None


def transformers_fields(snapshots: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    versions = [v for v, _ in snapshots]
    present: dict[str, list[str]] = {}
    latest: dict[str, tuple[str, dict[str, Any]]] = {}
    deprecated_since: dict[str, str] = {}
    for version, data in snapshots:
        for field in data["training_arguments"]["fields"]:
            present.setdefault(field["name"], []).append(version)
            latest[field["name"]] = (version, field)
            if _is_deprecated(field):
                deprecated_since.setdefault(field["name"], version)
    out = {}
    for name in sorted(present):
        have = present[name]
        version, field = latest[name]
        after = versions[versions.index(have[-1]) + 1:] if have[-1] != versions[-1] else []
        entry: dict[str, Any] = {
            "annotation": field["annotation"],
            "types": json_types(field["annotation"]),
            "since": have[0] if have[0] != versions[0] else None,
            "absent_in": versions[versions.index(have[0]) - 1] if have[0] != versions[0] else None,
            "removed": after[0] if after else None,
            "last": have[-1],
            "line": field["line"],
        }
        if "default_value" in field:
            entry["default"] = field["default_value"]
        if isinstance(field.get("metadata_choices"), list):
            entry["choices"] = field["metadata_choices"]
        if name in deprecated_since:
            entry["deprecated"] = deprecated_since[name]  # the first snapshot with the notice
            replacement = replacement_of(field.get("metadata_help", ""))
            if replacement and replacement["field"] != name:
                entry["replacement"] = replacement
        entry["help"] = field.get("metadata_help", "").split(". ")[0].strip()[:200]
        out[name] = entry
    return out


_ARG = r"args\.([a-z_0-9]+)"


def deepspeed_must_match(snapshot: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """DeepSpeed keys whose concrete value must equal training arguments (``fill_match``), in the newest
    snapshot: ``{"fp16.enabled": {"fields": ["fp16", "fp16_full_eval"], "combine": "or"}, ...}``.
    Keys computed from more than the arguments (``train_batch_size``, the scheduler's step counts) are left out."""
    out = {}
    for key, spec in sorted(snapshot["deepspeed_auto_keys"].items()):
        expression = spec["value"].strip()
        if not spec["must_match"]:
            continue
        if re.fullmatch(_ARG, expression):
            out[key] = {"fields": [expression[5:]], "combine": "value", "function": spec["function"]}
        elif re.fullmatch(rf"{_ARG}(?: or {_ARG})+", expression):
            out[key] = {"fields": re.findall(_ARG, expression), "combine": "or", "function": spec["function"]}
        elif re.fullmatch(rf"\[{_ARG}(?:, {_ARG})*\]", expression):
            out[key] = {"fields": re.findall(_ARG, expression), "combine": "list", "function": spec["function"]}
    return out


def trl_configs(snapshots: list[tuple[str, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """Per config class: its bases and, per field it declares, the snapshots it is in."""
    versions = [v for v, _ in snapshots]
    out: dict[str, dict[str, Any]] = {}
    for version, data in snapshots:
        for cls, spec in data["configs"].items():
            entry = out.setdefault(cls, {"bases": spec["bases"], "fields": {}})
            entry["bases"] = spec["bases"]
            for field in spec["fields"]:
                entry["fields"].setdefault(field["name"], []).append(version)
    for entry in out.values():
        fields = {}
        for name, have in sorted(entry["fields"].items()):
            after = versions[versions.index(have[-1]) + 1:] if have[-1] != versions[-1] else []
            first = versions.index(have[0])
            fields[name] = {"since": have[0] if first else None, "absent_in": versions[first - 1] if first else None,
                            "removed": after[0] if after else None}
        entry["fields"] = fields
    return dict(sorted(out.items()))


def build() -> dict[str, Any]:
    transformers = _snapshots("transformers")
    trl = _snapshots("trl")
    return {
        "generated-by": "tools/gen_training_schema.py from knowledge/transformers and knowledge/trl",
        "transformers": {
            "versions": [v for v, _ in transformers],
            "source": "src/transformers/training_args.py:TrainingArguments",
            "fields": transformers_fields(transformers),
            "fsdp_config_reads": {v: sorted(d["training_arguments"]["fsdp_config_reads"]) for v, d in transformers},
            "deepspeed_must_match": deepspeed_must_match(transformers[-1][1]),
        },
        "trl": {"versions": [v for v, _ in trl], "configs": trl_configs(trl)},
    }


def render() -> str:
    return json.dumps(build(), indent=1, sort_keys=False, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the generated file is out of date")
    args = parser.parse_args(argv)
    text = render()
    if args.check:
        current = OUT.read_text(encoding="utf-8") if OUT.is_file() else ""
        if current != text:
            print(f"{OUT.relative_to(REPO)} is out of date: run python tools/gen_training_schema.py", file=sys.stderr)
            return 1
        return 0
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text, encoding="utf-8")
    print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
