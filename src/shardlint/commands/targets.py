"""``shardlint targets [PATH]``: the library versions files are judged by, and where each comes from."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from shardlint.settings import cli as settings_cli


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", nargs="?", default=".", metavar="PATH",
                        help="a file, or a folder standing for the files in it (default: .)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    settings_cli.add_arguments(parser)
    parser.set_defaults(fail_level=None, show=None)


def run(args: argparse.Namespace) -> int:
    import json

    from shardlint.settings.model import ConfigError
    from shardlint.settings.resolve import settings_for
    from shardlint.settings.targets import as_json, choose_targets

    path = Path(args.path)
    probe = path / "_" if path.is_dir() else path  # a folder's files share its pins and configuration
    try:
        options, _, _ = settings_cli.options_from_args(args)
        choices = choose_targets(settings_for(probe, options))
    except ConfigError as exc:
        sys.stderr.write(f"shardlint: error: {exc}\n")
        return 2
    if args.format == "json":
        sys.stdout.write(json.dumps(as_json(choices), indent=2) + "\n")
    else:
        for choice in choices.values():
            line = choice.describe()
            for other in choice.losing_pins:
                line += f"\n    also {other.spec or 'any version'} at {other.where}: {other.version}"
            sys.stdout.write(line + "\n")
    return 0
