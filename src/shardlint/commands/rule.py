"""``shardlint rule CODE``: one rule's documentation (what, why, source, examples), the project's rules too."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from shardlint.commands.rules import add_listing_arguments


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("code", metavar="CODE", help="a rule code, e.g. FSDP100, or one of the project's rules")
    add_listing_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from shardlint.diagnostics import DOCS_BASE
    from shardlint.engine.docs import rule_markdown
    from shardlint.engine.registry import RuleFileError, find_rule_spec
    from shardlint.families import BUILTIN_PREFIXES, CODE, prefix_of
    from shardlint.settings.model import ConfigError
    from shardlint.settings.resolve import project_rule_paths

    try:
        own = bool(CODE.fullmatch(args.code.upper())) and prefix_of(args.code.upper()) not in BUILTIN_PREFIXES
        found = find_rule_spec(args.code, project_rule_paths(Path.cwd(), args.config) if own else ())
    except (ConfigError, RuleFileError) as exc:
        sys.stderr.write(f"shardlint: error: {exc}\n")
        return 2
    if found is None:
        sys.stderr.write(f"shardlint: error: no rule {args.code!r} (see `shardlint rules`)\n")
        return 2
    path, spec = found
    family = prefix_of(spec["id"]) if own else path.parent.name
    if args.format == "json":
        docs = path.resolve().as_uri() if own else f"{DOCS_BASE}{spec['id']}.md"
        out = dict(spec, family=family, docs=docs)
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(rule_markdown(spec, family, os.path.relpath(path) if own else None))
    return 0
