"""Helpers for the integration tests: config files written to a temporary project."""

from __future__ import annotations

from pathlib import Path

from shardlint.diagnostics import Diagnostic
from shardlint.lint import lint_paths
from shardlint.options import LintOptions

# an Accelerate config with one finding the loader always makes: SL002 on line 4
DUPLICATE_KEY = """\
distributed_type: FSDP
fsdp_config:
  fsdp_version: 2
  fsdp_version: 2
"""
CLEAN = """\
distributed_type: FSDP
fsdp_config:
  fsdp_version: 2
"""


def ours(diagnostic: Diagnostic) -> bool:
    """The loader's and the suppressions' codes: new rules elsewhere must not change what these tests expect."""
    return diagnostic.code.startswith(("SL", "SUP"))


def lint(*paths: Path, **options: object) -> list[Diagnostic]:
    """The SL and SUP diagnostics of linting ``paths`` in this process."""
    report = lint_paths([str(p) for p in paths], LintOptions(**options))  # type: ignore[arg-type]
    return [d for f in report.all_files for d in f.diagnostics if ours(d)]


def codes(diagnostics: list[Diagnostic]) -> list[tuple[str, int]]:
    """(code, 1-based line) pairs, in report order."""
    return [(d.code, d.range.start.line + 1) for d in diagnostics]

