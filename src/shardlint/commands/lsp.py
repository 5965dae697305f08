"""``shardlint lsp``: the language server, over stdio."""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from typing import Any

INSTALL_HINT = ("shardlint lsp needs pygls 2 (the 'lsp' extra): pip install 'shardlint[lsp]'")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stdio", action="store_true",
                        help="talk LSP over standard input and output (the default and only transport; "
                             "accepted because many editors pass it)")
    parser.add_argument("--log-file", metavar="FILE",
                        help="write the server's debug log to FILE (standard output carries the protocol)")


def run(args: argparse.Namespace) -> int:
    try:
        import pygls  # noqa: F401
        from pygls.lsp.server import LanguageServer  # noqa: F401  (pygls 1.x has no such module)
    except ImportError:
        sys.stderr.write(INSTALL_HINT + "\n")
        return 2
    try:
        _configure_logging(args.log_file)
    except OSError as exc:
        sys.stderr.write(f"shardlint lsp: cannot write the log file {args.log_file}: {exc.strerror or exc}\n")
        return 2
    from shardlint.lsp.server import serve

    return serve()


class _OneLine(logging.Formatter):
    """Warnings on stderr (the editor's server log) with the error but no traceback; --log-file has them all."""

    def formatException(self, ei: Any) -> str:  # noqa: N802 (logging's name)
        return "".join(traceback.format_exception_only(ei[0], ei[1])).strip()


def _configure_logging(log_file: str | None) -> None:
    if log_file:
        logging.basicConfig(filename=log_file, level=logging.DEBUG,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_OneLine("shardlint lsp: %(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
