"""The checks that run on a loaded document of a known kind, in order."""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.options import LintOptions


def run_checks(doc: Document, options: LintOptions) -> list[Diagnostic]:
    """Everything beyond loading: schema validation, then the rule engine."""
    from shardlint.fixes.migrate import check_fsdp1

    diagnostics: list[Diagnostic] = []
    diagnostics.extend(check_fsdp1(doc))
    return diagnostics
