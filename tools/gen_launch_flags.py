"""Generate the packaged ``accelerate launch`` option tables from the committed snapshots.

One table per snapshotted Accelerate release (``knowledge/accelerate/<version>.json``, written by
``tools/extract_knowledge.py``) goes to ``src/shardlint/knowledge/accelerate_launch/<version>.json``:
for every option of ``launch_command_parser`` its spellings, whether it takes a value, the value's
type and choices, its default, the config key it sets, how the flag and the YAML combine, and
the environment variables the launcher exports its value in (``prepare_*_env`` and
``setup_fp8_env`` of ``src/accelerate/utils/launch.py``, with the expression that writes each).
After snapshotting a new release, this one command adds its table:

    python tools/gen_launch_flags.py

How a flag and the config file combine follows ``_validate_launch_command``
(``src/accelerate/commands/launch.py``): the paradigm flags replace ``distributed_type``; the
keys of a section (``fsdp_config``, ``deepspeed_config``, ``dynamo_config``, ...) are copied onto
the options not given on the command line; a top-level key is copied only onto an option that is
still None (``getattr(args, name, None) is None``), so an option with another default never reads
the YAML; ``debug`` and ``mixed_precision`` are merged by code of their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOTS = ROOT / "knowledge" / "accelerate"
OUT = ROOT / "src" / "shardlint" / "knowledge" / "accelerate_launch"
# _validate_launch_command: the flag that stands for each distributed_type
PARADIGM = {"--cpu": "NO", "--multi_gpu": "MULTI_GPU", "--tpu": "XLA", "--use_deepspeed": "DEEPSPEED",
            "--use_fsdp": "FSDP", "--use_megatron_lm": "MEGATRON_LM"}
# argument group -> (config section, prefix the option's dest has beyond the section's key)
SECTION_OF_GROUP = {"FSDP Arguments": ("fsdp_config", ""), "DeepSpeed Arguments": ("deepspeed_config", ""),
                    "Megatron-LM Arguments": ("megatron_lm_config", ""), "FP8 Arguments": ("fp8_config", "fp8_"),
                    "ParallelismConfig Arguments": ("parallelism_config", ""), "MPI Arguments": ("mpirun_config", "")}
# top-level keys merged by code of their own ("if not args.debug", "if not args.mixed_precision")
OWN_MERGE = frozenset({"debug", "mixed_precision"})


def _top_level_keys(snapshot: dict[str, Any]) -> set[str]:
    """Keys of the config file outside any section (``BaseConfig`` and ``ClusterConfig`` fields)."""
    classes = snapshot["config_classes"]
    return {field["name"] for name in ("BaseConfig", "ClusterConfig") for field in classes[name]["fields"]
            if "dict" not in field["annotation"]}


def _value_type(record: dict[str, Any]) -> str:
    if record["switch"]:
        return "switch"
    kind = record["type"]
    if kind in ("int", "float", "bool", "str_to_bool"):
        return kind
    return "bool-list" if kind.startswith("lambda") else "str"


def _config_key(record: dict[str, Any], top_level: set[str]) -> tuple[str | None, str]:
    """The config key the option sets, and how flag and YAML combine."""
    primary = next(n for n in record["names"] if n.startswith("--"))
    dest = record["dest_name"]
    if primary in PARADIGM:
        return "distributed_type", "paradigm"
    section = SECTION_OF_GROUP.get(record["group"])
    if section is None and dest.startswith("dynamo_"):
        section = ("dynamo_config", "")
    if section is not None:
        return f"{section[0]}.{dest.removeprefix(section[1])}", "flag-over-yaml"
    if dest not in top_level:
        return None, "cli-only"
    if dest in OWN_MERGE:
        return dest, "flag-over-yaml"
    if record["switch"] or record.get("default_value") is not None:
        return dest, "yaml-ignored"  # argparse's default (False for a store_true) is not None
    return dest, "flag-if-none"


def _spellings(names: list[str]) -> list[str]:
    """Every spelling argparse accepts: the names as written and the dash and underscore forms of the long ones."""
    long_names = [n for n in names if n.startswith("--")]
    spellings = {*names, *("--" + n[2:].replace("_", "-") for n in long_names),
                 *("--" + n[2:].replace("-", "_") for n in long_names)}
    return sorted(spellings, key=lambda n: (len(n), n))


def _exports(dest: str, exports: dict[str, list[dict[str, Any]]]) -> list[dict[str, str]]:
    """The variables the launcher exports an option's value in: (function, variable, the expression
    written). An export for every argument of a prefix (``fp8_*``, named ``ACCELERATE_{ARG}``) covers
    the options that function exports under no name of their own."""
    out = []
    for function, records in sorted(exports.items()):
        own = [r for r in records if dest in r["args"]]
        covered = [r for r in records if any(a.endswith("*") and dest.startswith(a[:-1]) for a in r["args"])]
        for record in own or covered:
            name = record["env"].replace("{ARG}", dest.upper())
            out.append({"function": function, "name": name, "value": record["value"]})
    return out


def build(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The option table of one release, in the shape ``shardlint.launch.flags`` reads."""
    top_level = _top_level_keys(snapshot)
    exports = snapshot["launcher_exports"]
    options = []
    for record in snapshot["launch_flags"]:
        if record["positional"] or record["action"] == "'help'":
            continue
        key, precedence = _config_key(record, top_level)
        primary = next(n for n in record["names"] if n.startswith("--"))
        options.append({"flag": primary, "spellings": _spellings(record["names"]), "value": _value_type(record),
                        "choices": record.get("choices_value"), "default": record.get("default_value"),
                        "config_key": key, "precedence": precedence, "paradigm": PARADIGM.get(primary),
                        "env": _exports(record["dest_name"], exports), "line": record["line"]})
    return {"library": "accelerate", "version": snapshot["version"],
            "source": "src/accelerate/commands/launch.py:launch_command_parser", "options": options}


def tables() -> dict[str, str]:
    """File name -> content of every packaged table, one per snapshot."""
    out = {}
    for path in sorted(SNAPSHOTS.glob("*.json")):
        table = build(json.loads(path.read_text(encoding="utf-8")))
        out[f"{table['version']}.json"] = json.dumps(table, indent=0, separators=(",", ":")) + "\n"
    return out


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, text in tables().items():
        (OUT / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
