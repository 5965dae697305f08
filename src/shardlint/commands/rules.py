"""``shardlint rules``: every rule's code, name, severity and one line."""

from __future__ import annotations

import argparse
import json
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")


def run(args: argparse.Namespace) -> int:
    from shardlint.engine.registry import RuleFileError, load_ruleset

    try:
        rules = sorted(load_ruleset().rules, key=lambda r: _sort_key(r.id))
    except RuleFileError as exc:
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
    prefix = code.rstrip("0123456789")
    return prefix, int(code[len(prefix):])
