"""``shardlint rule CODE``: one rule's documentation (what, why, source, examples)."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", metavar="CODE", help="a rule code, e.g. FSDP100")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from shardlint.diagnostics import DOCS_BASE
    from shardlint.engine.docs import rule_markdown
    from shardlint.engine.registry import find_rule_spec

    found = find_rule_spec(args.code)
    if found is None:
        sys.stderr.write(f"shardlint: error: no rule {args.code!r} (see `shardlint rules`)\n")
        return 2
    path, spec = found
    if args.format == "json":
        out = dict(spec, family=path.parent.name, docs=f"{DOCS_BASE}{spec['id']}.md")
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(rule_markdown(spec, path.parent.name))
    return 0
