"""The launchers' option tables, looked up by any accepted spelling (``accelerate launch``'s: the setting model's)."""

from __future__ import annotations

from functools import cache

# the accelerate launch table is read by the setting model, which joins each option to its setting
from shardlint.semantics.launch_flags import Option, accelerate_options, parser_version

__all__ = ["Option", "abbreviation", "accelerate_options", "launcher_options", "parser_version", "removed_in"]


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
