"""The command line's argument parser, built for the chosen command only."""

from __future__ import annotations

import argparse
import os
import sys
from functools import cache
from importlib import import_module

from shardlint import __version__
from shardlint.commands import COMMANDS


def _terminal_columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it (``COLUMNS`` first, 80 when unknown)."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _HelpFormatter(argparse.HelpFormatter):
    """argparse's help layout, sized without importing ``shutil`` (and with it bz2, lzma and fnmatch):
    argparse builds a formatter for every argument it adds, so every run would pay for that import."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         width if width is not None else _terminal_columns() - 2)


@cache
def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that command's arguments are built.  Kept once
    built: a resident checker's forked runs find it ready."""
    parser = argparse.ArgumentParser(
        prog="shardlint", formatter_class=_HelpFormatter,
        description="Lint Hugging Face Accelerate, PyTorch FSDP and DeepSpeed config files.")
    parser.add_argument("-V", "--version", action="version", version=f"shardlint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        if only is not None and name != only:
            continue
        cmd = sub.add_parser(name, help=help_text, description=help_text, formatter_class=_HelpFormatter)
        module = import_module(f"shardlint.commands.{name.replace('-', '_')}")
        module.add_arguments(cmd)
        cmd.set_defaults(run=module.run)
    return parser
