"""Command-line flags for configuration, selection and the output file of ``shardlint check``."""

from __future__ import annotations

import argparse
from pathlib import Path

from shardlint.diagnostics import Severity
from shardlint.options import LintOptions
from shardlint.settings.loader import parse_target
from shardlint.settings.model import ConfigError, Settings
from shardlint.settings.resolve import settings_in
from shardlint.settings.selectors import FAMILIES, SelectionLayer, check_selector


def add_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("configuration (command-line flags override the configuration file)")
    group.add_argument("--config", metavar="FILE", type=Path,
                       help="use this pyproject.toml or .shardlint.toml for every file "
                            "(default: the nearest one above each checked file)")
    group.add_argument("--isolated", action="store_true", help="ignore every configuration file")
    group.add_argument("--select", metavar="CODES", action="append",
                       help="only these rule codes or prefixes, comma-separated (e.g. FSDP,DS1,HF101)")
    group.add_argument("--extend-select", metavar="CODES", action="append",
                       help="rule codes or prefixes to add to the selection")
    group.add_argument("--ignore", metavar="CODES", action="append",
                       help="rule codes or prefixes to turn off")
    parser.add_argument("--output-file", "-o", metavar="FILE", type=Path,
                        help="write the report to FILE instead of standard output")


def _selectors(flag: str, values: list[str] | None, families: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for value in values or ():
        for item in filter(None, (part.strip() for part in value.split(","))):
            try:
                out.append(check_selector(item, families))
            except ValueError as exc:
                raise ConfigError(f"{flag}: {exc}") from None
    return tuple(out)


def _overrides(args: argparse.Namespace, families: tuple[str, ...]) -> Settings | None:
    select = _selectors("--select", args.select, families) if args.select else None
    extend = _selectors("--extend-select", args.extend_select, families)
    ignore = _selectors("--ignore", args.ignore, families)
    fail_level = Severity.parse(args.fail_level) if args.fail_level else None
    selection = SelectionLayer(select, extend, ignore) if select is not None or extend or ignore else None
    target = None
    if getattr(args, "target", None):
        try:
            target = parse_target(args.target)
        except ValueError as exc:
            raise ConfigError(f"--target: {exc}") from None
    runner = getattr(args, "deepspeed_runner", None)  # the flag, even at its default, beats the file
    if selection is None and fail_level is None and target is None and runner is None:
        return None
    return Settings(source="command line", selection=selection, fail_level=fail_level, target=target,
                    deepspeed_runner=runner)


def options_from_args(args: argparse.Namespace) -> LintOptions:
    """The run's options; the fail level comes from the flag, else the configuration of the working folder.

    Selection flags may name the families of the working folder's own rules (``rule-paths``).
    Raises :class:`ConfigError` for a bad flag value or an invalid configuration.
    """
    if args.config is not None and not args.config.is_file():
        problem = "not a file" if args.config.exists() else "no such file"
        raise ConfigError(f"--config: {args.config}: {problem}")
    options = LintOptions(config_file=None if args.isolated else args.config, isolated=args.isolated)
    here = settings_in(Path.cwd(), options)
    options.overrides = _overrides(args, FAMILIES + here.rule_families)
    flagged = options.overrides.fail_level if options.overrides is not None else None
    options.fail_level = flagged or here.fail_level or options.fail_level
    return options


def write_report(text: str, output_file: Path | None) -> None:
    """Print ``text``, or write it to ``output_file`` (creating its folder); raises ``OSError``."""
    import sys

    if output_file is None:
        sys.stdout.write(text)
        return
    output_file.parent.mkdir(parents=True, exist_ok=True)
    output_file.write_text(text, encoding="utf-8")
