"""Command-line flags for configuration, selection and exclusion of ``shardlint check``."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import TYPE_CHECKING

from shardlint.diagnostics import Severity
from shardlint.options import LintOptions
from shardlint.settings.globs import check_pattern
from shardlint.options import DEEPSPEED_RUNNERS
from shardlint.settings.loader import parse_target
from shardlint.settings.model import COMMAND_LINE, ConfigError, Settings
from shardlint.settings.resolve import settings_in
from shardlint.settings.selectors import FAMILIES, SelectionLayer, check_selector

if TYPE_CHECKING:
    from typing import Iterable

SEVERITY_NAMES = ("error", "warning", "info", "hint")
DEFAULT_FAIL_LEVEL = Severity.WARNING
DEFAULT_SHOW = Severity.WARNING


def add_arguments(parser: argparse.ArgumentParser) -> argparse._ArgumentGroup:
    """Add the configuration and exclusion flags; returns the "files" group for more file options."""
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
    group.add_argument("--target", metavar="LIB=VERSION,...",
                       help="library versions the rules apply to, e.g. accelerate=1.6,deepspeed=0.15,"
                            "transformers=4.40 (default: what the project pins in its requirement files, "
                            "else the latest releases)")
    group.add_argument("--deepspeed-runner", choices=tuple(DEEPSPEED_RUNNERS),
                       help="who runs DeepSpeed JSON configs and fills their \"auto\" values "
                            "(default: trainer, the transformers Trainer)")
    files = parser.add_argument_group("files")
    files.add_argument("--exclude", metavar="GLOBS", action="append",
                       help="comma-separated globs (relative to the working folder) that a directory walk "
                            "leaves out, added to the configuration's exclude")
    files.add_argument("--force-exclude", action="store_true",
                       help="apply --exclude to files named on the command line too (as pre-commit names them)")
    return files


def _split(values: list[str] | None) -> list[str]:
    return [item for value in values or () for item in (part.strip() for part in value.split(",")) if item]


def _selectors(flag: str, values: list[str] | None, families: tuple[str, ...]) -> tuple[str, ...]:
    out = []
    for item in _split(values):
        try:
            out.append(check_selector(item, families))
        except ValueError as exc:
            raise ConfigError(f"{flag}: {exc}") from None
    return tuple(out)


def _globs(values: list[str] | None) -> tuple[str, ...]:
    out = []
    for item in _split(values):
        try:
            check_pattern(item)
        except ValueError as exc:
            raise ConfigError(f"--exclude: {exc}") from None
        out.append(item)
    return tuple(out)


def _given(args: argparse.Namespace, families: tuple[str, ...]) -> Settings | None:
    """The flags' settings layer; ``None`` when no flag sets anything."""
    select = _selectors("--select", args.select, families) if args.select else None
    extend = _selectors("--extend-select", args.extend_select, families)
    ignore = _selectors("--ignore", args.ignore, families)
    fail_level = Severity.parse(args.fail_level) if getattr(args, "fail_level", None) else None
    selection = SelectionLayer(select, extend, ignore) if select is not None or extend or ignore else None
    target = None
    if args.target:
        try:
            target = parse_target(args.target)
        except ValueError as exc:
            raise ConfigError(f"--target: {exc}") from None
    runner = args.deepspeed_runner  # the flag, even at its default, beats the file
    exclude = _globs(args.exclude)
    show = display_flag(args)
    if not (selection or fail_level or target or runner or exclude or show):
        return None
    return Settings(source=COMMAND_LINE, root=Path(os.path.abspath(".")) if exclude else None,
                    selection=selection, fail_level=fail_level, target=target, deepspeed_runner=runner,
                    exclude=exclude, exclude_named=args.force_exclude, show=show)


def display_flag(args: argparse.Namespace) -> Severity | None:
    """The display level ``--show-tips`` or ``--show LEVEL`` asks for, if any."""
    if getattr(args, "show_tips", False):
        return Severity.HINT
    level = getattr(args, "show", None)
    return Severity.parse(level) if level else None


def options_from_args(args: argparse.Namespace) -> tuple[LintOptions, Severity, Severity]:
    """The invocation the flags make (each file's configuration decides what they leave unset), and
    the run's fail level and display level: the flags', else the working folder's configuration's,
    else the defaults.

    Selection flags may name the families of the working folder's own rules (``rule-paths``).
    Raises :class:`ConfigError` for a bad flag value or an invalid configuration.
    """
    if args.config is not None and not args.config.is_file():
        problem = "not a file" if args.config.exists() else "no such file"
        raise ConfigError(f"--config: {args.config}: {problem}")
    files = LintOptions(config_file=None if args.isolated else args.config, isolated=args.isolated)
    here = settings_in(Path.cwd(), files)
    given = _given(args, FAMILIES + here.rule_families)
    fail_level = (given and given.fail_level) or here.fail_level or DEFAULT_FAIL_LEVEL
    show = (given and given.show) or here.show or DEFAULT_SHOW
    return files.replace(given=given), fail_level, show


def write_report(text: str | Iterable[str], output_file: Path | None) -> None:
    """Print ``text`` (or its pieces, one after another), or write it to ``output_file`` (creating its
    folder); raises ``OSError``."""
    import sys

    pieces = [text] if isinstance(text, str) else text
    if output_file is None:
        for piece in pieces:
            sys.stdout.write(piece)
        return
    output_file.parent.mkdir(parents=True, exist_ok=True)
    with open(output_file, "w", encoding="utf-8") as out:
        for piece in pieces:
            out.write(piece)
