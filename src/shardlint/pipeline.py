"""The pipeline of checks that run on a loaded document of a known kind, in order."""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.options import LintOptions


def run_checks(doc: Document, options: LintOptions) -> list[Diagnostic]:
    """Everything beyond loading: schema validation, then the rule engine."""
    if doc.kind == "recipe":
        from shardlint.training.checks import check_recipe

        return check_recipe(doc, options) + run_rules(doc, options, [])
    from shardlint.builtins.fsdp190 import check_fsdp1
    from shardlint.validation import validate_document

    diagnostics: list[Diagnostic] = validate_document(doc)
    diagnostics.extend(check_fsdp1(doc, options))
    rule_findings = run_rules(doc, options, diagnostics)
    return diagnostics + rule_findings


def run_rules(doc: Document, options: LintOptions, schema_findings: list[Diagnostic]) -> list[Diagnostic]:
    """The rule engine's findings; schema findings a firing rule supersedes are removed in place."""
    from shardlint.engine import drop_superseded, evaluate

    findings = evaluate(doc, options)
    schema_findings[:] = drop_superseded(schema_findings, findings.superseded)
    return findings.diagnostics
