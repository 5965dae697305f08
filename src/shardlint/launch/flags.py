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


def parser_version(target: str | None = None) -> str:
    """The release whose ``accelerate launch`` parser reads a launch for the targeted Accelerate version:
    the newest packaged table not newer than the target (the oldest table for an older target)."""
    from shardlint.engine.versions import LATEST, parse_version
    from shardlint.knowledge import accelerate_launch_versions

    wanted = parse_version(target or LATEST["accelerate"])
    tables = sorted(accelerate_launch_versions(), key=parse_version)
    return next((v for v in reversed(tables) if parse_version(v) <= wanted), tables[0])


def accelerate_options(target: str | None = None) -> dict[str, Option]:
    """Every spelling argparse accepts (``--x_y``, ``--x-y``, short aliases) -> its option, in the parser
    of the targeted Accelerate version (see ``parser_version``)."""
    return _accelerate_table(parser_version(target))


@cache
def _accelerate_table(version: str) -> dict[str, Option]:
    from shardlint.knowledge import accelerate_launch_flags

    out = {}
    for record in accelerate_launch_flags(version)["options"]:
        choices = record["choices"]
        option = Option(record["flag"], record["value"], tuple(choices) if choices else None,
                        record["config_key"], record["precedence"], record["paradigm"],
                        record["default"], record["line"])
        for spelling in record["spellings"]:
            out[spelling] = option
    out["-h"] = out["--help"] = Option("--help", "switch", None, None, "cli-only", None, None, 0)
    return out


def removed_in(spelling: str, parser: str) -> str | None:
    """The release whose parser dropped an option that ``parser`` lacks but an older table has."""
    from shardlint.engine.versions import parse_version
    from shardlint.knowledge import accelerate_launch_versions

    older = sorted((v for v in accelerate_launch_versions() if parse_version(v) < parse_version(parser)),
                   key=parse_version)
    last = next((v for v in reversed(older) if spelling in accelerate_options(v)), None)
    if last is None:
        return None
    return min((v for v in accelerate_launch_versions() if parse_version(v) > parse_version(last)), key=parse_version)


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
