"""``shardlint lsp``: the language server, over stdio."""

from __future__ import annotations

import argparse
import sys

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
    if args.log_file:
        import logging

        logging.basicConfig(filename=args.log_file, level=logging.DEBUG,
                            format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from shardlint.lsp.server import serve

    serve()
    return 0
