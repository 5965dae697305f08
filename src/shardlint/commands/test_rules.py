"""``shardlint test-rules [PATH ...]``: run the examples of a project's own rules, as shardlint's tests run its own."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("paths", nargs="*", metavar="PATH", type=Path,
                        help="rule files or folders of them (default: rule-paths of the configuration)")
    parser.add_argument("--config", metavar="FILE", type=Path,
                        help="the pyproject.toml or .shardlint.toml whose rule-paths to test "
                             "(default: the nearest one above the working folder)")


def run(args: argparse.Namespace) -> int:
    """0 when every example holds, 1 when one fails or a rule file is invalid, 2 when nothing can be tested."""
    from shardlint.engine.examples import check_rule
    from shardlint.engine.registry import RuleFileError, project_rule_files, read_project_rules
    from shardlint.settings.model import ConfigError
    from shardlint.settings.resolve import project_rule_paths

    try:
        entries = tuple(Path(os.path.abspath(p)) for p in args.paths) or project_rule_paths(Path.cwd(), args.config)
        files = project_rule_files(entries)
    except (ConfigError, RuleFileError) as exc:
        sys.stderr.write(f"shardlint test-rules: error: {exc}\n")
        return 2
    if not files:
        where = "in " + ", ".join(map(str, entries)) if entries else "configured (set rule-paths in [tool.shardlint])"
        sys.stderr.write(f"shardlint test-rules: error: no rule files {where}\n")
        return 2
    valid, invalid = [], 0
    for path in files:
        try:
            valid += read_project_rules((path,))
        except RuleFileError as exc:
            invalid += 1
            sys.stdout.write(f"FAIL {_shown(path)}: {exc.problem}\n")
    rule_paths = tuple(path for path, _ in valid)
    passed = failed = 0
    for path, spec in valid:
        outcomes = check_rule(spec, rule_paths)
        bad = [o for o in outcomes if o.problem is not None]
        passed += len(outcomes) - len(bad)
        failed += len(bad)
        status = "FAIL" if bad else "ok  "
        sys.stdout.write(f"{status} {spec['id']} {spec['name']}: {len(outcomes) - len(bad)} of "
                         f"{len(outcomes)} examples hold ({_shown(path)})\n")
        for outcome in bad:
            problem = str(outcome.problem).replace("\n", "\n     ")
            sys.stdout.write(f"     {outcome.label}: {problem}\n")
    summary = f"{_count(len(valid), 'rule')}, {_count(passed + failed, 'example')}: {passed} passed, {failed} failed"
    if invalid:
        summary += f"; {_count(invalid, 'rule file')} invalid"
    sys.stdout.write(f"\n{summary}.\n")
    return 1 if failed or invalid else 0


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _shown(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
