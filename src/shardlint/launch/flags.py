"""The ``accelerate launch`` option table, looked up by any accepted spelling."""

from __future__ import annotations

from functools import cache
from typing import Any, NamedTuple


class Option(NamedTuple):
    flag: str  # the primary spelling, e.g. --num_processes
    value: str  # switch | str | int | float | bool | str_to_bool | bool-list
    choices: tuple[str, ...] | None
    config_key: str | None
    precedence: str  # paradigm | flag-over-yaml | flag-if-none | yaml-ignored | cli-only
    paradigm: str | None
    default: Any
    line: int  # in src/accelerate/commands/launch.py

    @property
    def takes_value(self) -> bool:
        return self.value != "switch"


@cache
def accelerate_options() -> dict[str, Option]:
    """Every spelling argparse accepts (``--x_y``, ``--x-y``, short aliases) -> its option."""
    from shardlint.knowledge import accelerate_launch_flags

    out = {}
    for record in accelerate_launch_flags()["options"]:
        choices = record["choice_values"]
        option = Option(record["flag"], record["value"], tuple(choices) if choices else None,
                        record["config_key"], record["precedence"], record["paradigm"],
                        record["default_value"], record["line"])
        for spelling in record["spellings"]:
            out[spelling] = option
    out["-h"] = out["--help"] = Option("--help", "switch", None, None, "cli-only", None, None, 156)
    return out


@cache
def launcher_options(launcher: str) -> dict[str, Option]:
    """Every spelling of a ``torchrun`` (also ``torch.distributed.launch``) or ``deepspeed`` option."""
    from shardlint.knowledge import launcher_options as table

    name = "deepspeed" if launcher == "deepspeed" else "torchrun"
    out = {}
    for record in table(name)["options"]:
        if record.get("only") not in (None, launcher):
            continue
        choices = record["choices"]
        option = Option(record["names"][-1], record["value"], tuple(choices) if choices else None,
                        None, "cli-only", None, record["default"], 0)
        for spelling in record["names"]:
            out[spelling] = option
    out["-h"] = out["--help"] = Option("--help", "switch", None, None, "cli-only", None, None, 0)
    return out


def abbreviation(name: str, options: dict[str, Option]) -> Option | None:
    """The option a prefix stands for where argparse allows abbreviations (a unique match only)."""
    found = {o.flag: o for spelling, o in options.items() if spelling.startswith(name) and name.startswith("--")}
    return next(iter(found.values())) if len(found) == 1 else None
