"""``shardlint rules``: every rule's code, name, severity and one line, the project's rules too."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_listing_arguments(parser)


def add_listing_arguments(parser: argparse.ArgumentParser) -> None:
    """``--format`` and ``--config`` (where the project's rules are), shared with ``shardlint rule``."""
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    parser.add_argument("--config", metavar="FILE", type=Path,
                        help="the pyproject.toml or .shardlint.toml whose rule-paths hold the project's rules "
                             "(default: the nearest one above the working folder)")


def run(args: argparse.Namespace) -> int:
    from shardlint.engine.registry import RuleFileError, load_ruleset
    from shardlint.settings.model import ConfigError
    from shardlint.settings.resolve import project_rule_paths

    try:
        rules = sorted(load_ruleset(project_rule_paths(Path.cwd(), args.config)).rules, key=lambda r: _sort_key(r.id))
    except (ConfigError, RuleFileError) as exc:
        sys.stderr.write(f"shardlint: error: {exc}\n")
        return 2
    if args.format == "json":
        rows = [{"code": r.id, "name": r.name, "severity": r.severity.label, "summary": r.summary,
                 "applies-to": sorted(r.applies_to), "check": "builtin" if r.builtin else "declarative",
                 "fix": r.has_fix, "docs": r.docs_url} for r in rules]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return 0
    width = max((len(r.name) for r in rules), default=0)
    for r in rules:
        sys.stdout.write(f"{r.id:<8} {r.name:<{width}}  {r.severity.label:<7}  {r.summary}\n")
    return 0


def _sort_key(code: str) -> tuple[str, int]:
    from shardlint.families import prefix_of

    prefix = prefix_of(code)
    return prefix, int(code[len(prefix):])
