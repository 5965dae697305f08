"""``shardlint check [PATHS]``."""

from __future__ import annotations

import argparse
import os
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from shardlint.reporters import FORMATS

    parser.add_argument("paths", nargs="*", default=["."], metavar="PATH",
                        help="files or directories to check (default: .)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default: text)")
    parser.add_argument("--fail-level", choices=("error", "warning", "info", "hint"), default="warning",
                        help="lowest severity that makes the exit code 1 (default: warning)")
    parser.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                        help="colour the text output (default: auto; NO_COLOR is honoured)")


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def run(args: argparse.Namespace) -> int:
    from shardlint.diagnostics import Severity
    from shardlint.lint import lint_paths
    from shardlint.options import LintOptions
    from shardlint.reporters import renderer

    options = LintOptions(fail_level=Severity.parse(args.fail_level))
    report = lint_paths(args.paths, options)
    sys.stdout.write(renderer(args.format)(report, color=_use_color(args.color)))
    return report.exit_code(options.fail_level)
