"""Generate src/shardlint/knowledge/accelerate_launch_flags.json from the reference extraction.

Input: the flag records extracted from Accelerate's ``launch_command_parser``
(``accelerate_launch_flags.json``: one record per ``add_argument`` call, with its
line in ``src/accelerate/commands/launch.py``) and the appendix table of the
launch reference, which names the config key each option sets.  The output keeps
the input's record shape and adds the fields the linter reads: every accepted
spelling, whether a value is taken, the value's type and choices, the config key
and how the flag and the YAML combine.

    python tools/gen_launch_flags.py REFERENCE_DIR [PARSER_DUMP]

PARSER_DUMP is the output of ``tools/dump_launch_parser.py`` run against an installed
Accelerate: options the extraction does not have (it was taken from an earlier commit) are added
from it, with the config key their argument group implies, and the version is taken from it.
"""

from __future__ import annotations

import ast
import json
import re
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "shardlint" / "knowledge" / "accelerate_launch_flags.json"
# _validate_launch_command (launch.py L1213-1237): the flag that stands for each distributed_type
PARADIGM = {"--cpu": "NO", "--multi_gpu": "MULTI_GPU", "--tpu": "XLA", "--use_deepspeed": "DEEPSPEED",
            "--use_fsdp": "FSDP", "--use_megatron_lm": "MEGATRON_LM"}
_KEY = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)?")


def _literal(text: str) -> object:
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def _appendix(markdown: str) -> dict[str, tuple[str | None, str]]:
    """flag -> (config key or None, the 'flag vs YAML' note) from the reference's appendix A."""
    out = {}
    section = markdown.split("## Appendix A", 1)[1]
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 8 or not cells[0].isdigit():
            continue
        key_cell = cells[6]
        match = _KEY.match(key_cell.split(" / ")[-1].split(" (")[0]) if not key_cell.startswith(("-", "(")) else None
        out[cells[2]] = (match.group(0) if match else None, cells[7])
    return out


def _precedence(flag: str, note: str, key: str | None) -> str:
    if flag in PARADIGM:
        return "paradigm"
    if key is None or note == "-":
        return "cli-only"
    if note.startswith("YAML IGNORED"):
        return "yaml-ignored"
    if "only if flag absent" in note:
        return "flag-if-none"  # top-level keys: the YAML fills an option still None (LF5)
    return "flag-over-yaml"


def _value_type(record: dict) -> str:
    kind = record["type"]
    if record["action"] in ("'store_true'", "'store_false'"):
        return "switch"
    if kind in ("int", "float", "bool", "str_to_bool"):
        return kind
    if kind.startswith("lambda"):
        return "bool-list"
    return "str"


# argument group of launch_command_parser -> the config section its options set (_validate_launch_command)
SECTION_OF_GROUP = {"FSDP Arguments": ("fsdp_config", ""), "DeepSpeed Arguments": ("deepspeed_config", ""),
                    "Megatron-LM Arguments": ("megatron_lm_config", ""), "FP8 Arguments": ("fp8_config", "fp8_"),
                    "ParallelismConfig Arguments": ("parallelism_config", "")}


def _from_dump(record: dict, appendix: dict) -> None:
    """Give an option found only in the live parser the config key its group implies."""
    section = SECTION_OF_GROUP.get(record["group"])
    if section is not None:
        appendix[record["names"][0]] = (f"{section[0]}.{record['dest'].removeprefix(section[1])}",
                                        "explicit flag wins, else YAML sub-key")


def build(reference: Path, dump: Path | None) -> dict:
    records = json.loads((reference / "accelerate_launch_flags.json").read_text(encoding="utf-8"))
    version = "1.15.0"
    appendix = _appendix((reference / "launch.md").read_text(encoding="utf-8"))
    if dump is not None:
        live = json.loads(dump.read_text(encoding="utf-8"))
        version = live["accelerate"]
        known = {name for record in records for name in record["names"]}
        for record in live["options"]:
            if not known.intersection(record["names"]):
                records.append({"line": 0, "nargs": "", "help": "", **record})
                _from_dump(record, appendix)
    options = []
    for record in records:
        names = record["names"]
        if not names[0].startswith("-") or record["action"] == "'help'":
            continue
        long_names = [n for n in names if n.startswith("--")]
        primary = long_names[0]
        spellings = sorted({*names, *(n.replace("_", "-") for n in long_names), *(n.replace("-", "_") for n in long_names if n.startswith("--"))},
                           key=lambda n: (len(n), n))
        spellings = [n for n in spellings if n.startswith("--") or n in names]
        key, note = appendix.get(primary, (None, "-"))
        choices = _literal(record["choices"]) if record["choices"] else None
        options.append({
            **record,
            "flag": primary,
            "spellings": spellings,
            "value": _value_type(record),
            "choice_values": choices if isinstance(choices, list) else None,
            "default_value": _literal(record["default"]) if record["default"] else None,
            "config_key": key,
            "precedence": _precedence(primary, note, key),
            "paradigm": PARADIGM.get(primary),
        })
    return {"library": "accelerate", "version": version,
            "source": "src/accelerate/commands/launch.py:launch_command_parser",
            "options": options}


def main() -> None:
    reference = Path(sys.argv[1])
    dump = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(build(reference, dump), indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
