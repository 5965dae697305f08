"""``shardlint check [PATHS]``."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

from shardlint.settings import cli as settings_cli

if TYPE_CHECKING:
    from shardlint.lint import Report
    from shardlint.options import LintOptions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from shardlint.reporters import FORMATS

    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or directories to check (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--fail-level", choices=("error", "warning", "info", "hint"),
                        help="lowest severity that makes the exit code 1 (default: warning, "
                             "or fail-level in the configuration)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto; NO_COLOR is honoured)")
    settings_cli.add_arguments(parser)
    parser.add_argument("--target", metavar="LIB=VERSION,...",
                        help="library versions the rules apply to, e.g. accelerate=1.6,deepspeed=0.15,"
                             "transformers=4.40 (default: what the project pins in its requirement files, "
                             "else the latest releases)")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="also print, on standard error, the library versions each folder's files were judged by "
                             "and where they were read")
    parser.add_argument("--deepspeed-runner", choices=("trainer", "accelerate", "deepspeed"),
                        help="who runs DeepSpeed JSON configs and fills their \"auto\" values "
                             "(default: trainer, the transformers Trainer)")
    parser.add_argument("--fix", action="store_true", help="apply safe fixes in place")
    parser.add_argument("--unsafe-fixes", action="store_true",
                        help="with --fix or --diff, also apply fixes that may change behaviour")
    parser.add_argument("--diff", action="store_true",
                        help="print the fixes as a unified diff instead of writing them")


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def _print_targets(report: Report, options: LintOptions) -> None:
    """One line per distinct set of targets: the versions, where they were read, and which files."""
    from shardlint.settings.targets import summary_line, targets_for

    lines: dict[str, list[str]] = {}
    for result in report.all_files:
        line = summary_line(targets_for(result.document.path, options))
        lines.setdefault(line, []).append(result.path)
    for line, files in lines.items():
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        sys.stderr.write(f"shardlint: {shown}: judged by {line}\n")


def run(args: argparse.Namespace) -> int:
    from shardlint.engine.registry import RuleFileError
    from shardlint.lint import lint_paths
    from shardlint.reporters import renderer
    from shardlint.settings import ConfigError

    try:
        options = settings_cli.options_from_args(args)
        report = lint_paths(args.paths, options)
    except ConfigError as exc:
        sys.stderr.write(f"shardlint: error: {exc}\n")
        return 2
    except RuleFileError as exc:
        sys.stderr.write(f"shardlint: error: bad rule file {exc}\n")
        return 2
    if args.verbose:
        _print_targets(report, options)
    color = args.output_file is None and _use_color(args.color)
    if args.fix or args.diff:
        from shardlint.fixes.run import run_fix_mode

        return run_fix_mode(report, options, unsafe=args.unsafe_fixes, diff=args.diff,
                            render=lambda r: renderer(args.format)(r, color=color),
                            emit=lambda text: settings_cli.write_report(text, args.output_file),
                            summary_to_stdout=args.format == "text" and args.output_file is None)
    try:
        settings_cli.write_report(renderer(args.format)(report, color=color), args.output_file)
    except OSError as exc:
        sys.stderr.write(f"shardlint: error: --output-file: {exc}\n")
        return 2
    return report.exit_code(options.fail_level)
