"""Which ``accelerate launch`` option sets which setting: the generated option tables joined to the records.

The option table of each packaged Accelerate release (``shardlint/knowledge/accelerate_launch/``,
written by ``tools/gen_launch_flags.py`` from the release's source) gives, per option, its
spellings, argparse type and default, the config key it sets, how flag and config file combine
and the variables the launcher exports its value in. This module is the one reader of those
tables: a flag reaches its setting record (:func:`flag_setting`) and a setting its flags
(:func:`flags_of`) only through here, so no code keeps a flag -> key list of its own.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Callable, NamedTuple

from shardlint.engine.versions import Version
from shardlint.semantics.accelerate import Setting, launch_default, record


class Export(NamedTuple):
    """A variable the launcher sets from an option (``src/accelerate/utils/launch.py``)."""

    function: str  # prepare_multi_gpu_env, prepare_deepspeed_cmd_env, setup_fp8_env, ...
    name: str  # FSDP_OFFLOAD_PARAMS
    value: str  # the expression written, e.g. str(args.fsdp_offload_params).lower()


class Option(NamedTuple):
    flag: str  # the primary spelling, e.g. --num_processes
    value: str  # switch | str | int | float | bool | str_to_bool | bool-list
    choices: tuple[str, ...] | None
    config_key: str | None  # as `accelerate config` writes it, e.g. fp8_config.backend
    precedence: str  # paradigm | flag-over-yaml | flag-if-none | yaml-ignored | cli-only
    paradigm: str | None
    default: Any
    line: int  # in src/accelerate/commands/launch.py
    exports: tuple[Export, ...] = ()

    @property
    def takes_value(self) -> bool:
        return self.value != "switch"


class FlagSetting(NamedTuple):
    """One option that sets a config key, joined to the record of that key."""

    option: Option
    setting: Setting  # its ``path`` is the canonical key path (``fp8_config.fp8_backend``)

    @property
    def normaliser(self) -> str | None:
        """How the plugin reads the value (a name of ``shardlint.engine.values.NORMALISERS``)."""
        return self.setting.normaliser

    def default(self) -> tuple[bool, Any]:
        """(literal default, the value) of the option as the plugin reads it: argparse converts a
        string default with the option's type, the plugin normalises the exported value. A paradigm
        switch's False means "not given", not a ``distributed_type``."""
        option = self.option
        if option.default is None or option.precedence == "paradigm":
            return False, None
        from shardlint.engine.values import NORMALISERS, str_to_bool

        value = option.default
        if isinstance(value, str) and option.value in ("int", "float", "str_to_bool"):
            value = {"int": int, "float": float, "str_to_bool": str_to_bool}[option.value](value)
        return True, NORMALISERS[self.normaliser](value) if self.normaliser else value


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
    for entry in accelerate_launch_flags(version)["options"]:
        choices = entry["choices"]
        option = Option(entry["flag"], entry["value"], tuple(choices) if choices else None,
                        entry["config_key"], entry["precedence"], entry["paradigm"], entry["default"], entry["line"],
                        tuple(Export(e["function"], e["name"], e["value"]) for e in entry["env"]))
        for spelling in entry["spellings"]:
            out[spelling] = option
    out["-h"] = out["--help"] = Option("--help", "switch", None, None, "cli-only", None, None, 0)
    return out


def key_path(config_key: str) -> tuple[str, ...]:
    """A table's config key as the canonical path the records use (``fp8_config.backend`` ->
    ``("fp8_config", "fp8_backend")``: the launcher adds a section's prefix, reference launch.md LF4)."""
    from shardlint.engine.paths import canonical_key

    section, _, name = config_key.partition(".")
    return (section, canonical_key(section, name)) if name else (section,)


@cache
def _joined(version: str) -> tuple[FlagSetting, ...]:
    primaries = {o.flag: o for o in _accelerate_table(version).values()}
    return tuple(FlagSetting(o, record(key_path(o.config_key))) for o in primaries.values() if o.config_key)


def flag_settings(target: str | None = None) -> tuple[FlagSetting, ...]:
    """Every option that sets a config key, in the parser's order, each with its setting record."""
    return _joined(parser_version(target))


def flag_setting(spelling: str, target: str | None = None) -> FlagSetting | None:
    """The setting an option (any spelling) sets, with how it is read; None for an option that sets none."""
    option = accelerate_options(target).get(spelling)
    if option is None or option.config_key is None:
        return None
    return next(f for f in flag_settings(target) if f.option.flag == option.flag)


def flags_of(path: tuple[str, ...], target: str | None = None) -> tuple[FlagSetting, ...]:
    """The options that set the canonical key ``path`` (``--tpu_cluster`` and ``--no_tpu_cluster`` both
    set ``tpu_use_cluster``; the paradigm switches all set ``distributed_type``)."""
    return tuple(f for f in flag_settings(target) if f.setting.path == tuple(path))


def described_default(path: tuple[str, ...], version: Version, fact_value: Callable[[str], Any]) -> tuple[bool, Any]:
    """(has one, the value) an absent key stands for under Accelerate ``version``, as an editor shows it: the
    record's launch default, else the literal default of the flag that sets it (in the parser that reads
    that version). ``None`` (left to the library, e.g. ``dynamo_use_dynamic`` from 1.16) is no default."""
    from shardlint.engine.versions import format_version

    found, value = launch_default(path, version, fact_value)
    if not found:
        found, value = next((d for f in flags_of(path, format_version(version)) if (d := f.default())[0]),
                            (False, None))
    return (True, value) if found and value is not None else (False, None)
