"""Command-line entry point: ``shardlint <command> ...``.

Only the chosen command's module is imported: a pre-commit hook running
``shardlint check`` never pays for the language server or the converter.
"""

from __future__ import annotations

import argparse
import sys
from importlib import import_module

from shardlint import __version__
from shardlint.commands import COMMANDS


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's arguments are built."""
    parser = argparse.ArgumentParser(
        prog="shardlint",
        description="Lint Hugging Face Accelerate, PyTorch FSDP and DeepSpeed config files.")
    parser.add_argument("-V", "--version", action="version", version=f"shardlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if only is not None and name != only:
            continue
        cmd = sub.add_parser(name, help=help_text, description=help_text)
        module = import_module(f"shardlint.commands.{name.replace('-', '_')}")
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] == "-" or argv[0] not in COMMANDS and not argv[0].startswith("-"):
        argv = ["check", *argv]
    command = argv[0] if argv[0] in COMMANDS else None
    args = build_parser(command).parse_args(argv)
    if args.command is None:
        build_parser().print_help()
        return 2
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1


if __name__ == "__main__":
    sys.exit(main())
