"""Command-line entry point: ``shardlint <command> ...``.

Only the chosen command's module is imported: a pre-commit hook running
``shardlint check`` never pays for the language server or the converter.
"""

from __future__ import annotations

import sys

from shardlint.commands import COMMANDS


def command_line(argv: list[str]) -> list[str]:
    """``argv`` with its command: ``check`` when the first word names none (``shardlint FILE``)."""
    if not argv or argv[0] == "-" or argv[0] not in COMMANDS and not argv[0].startswith("-"):
        return ["check", *argv]
    return argv


def main(argv: list[str] | None = None) -> int:
    """Run one command in this process; its exit code."""
    from shardlint.parser import build_parser

    argv = command_line(sys.argv[1:] if argv is None else argv)
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


def entry() -> int:
    """The ``shardlint`` program: ``check`` and ``lsp`` go to the resident checker when one runs for
    this installation (``shardlint daemon``), and are run here otherwise."""
    from shardlint import resident

    argv = command_line(sys.argv[1:])
    if argv[0] in resident.COMMANDS:
        from shardlint.resident.client import delegate

        code = delegate(argv)
        if code is not None:
            return code
    return main(argv)


if __name__ == "__main__":
    sys.exit(entry())
