"""The checks of a loaded document of a known kind, stage by stage; each stage returns new findings.

load (:mod:`shardlint.loading`) -> classify (:func:`shardlint.kinds.detect_kind`) -> validate ->
evaluate -> supersede (here) -> hedge (:mod:`shardlint.assumed_runner`) -> suppress -> finish
(:mod:`shardlint.settings.finish`).
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.options import FileOptions


def run_checks(doc: Document, file: FileOptions) -> list[Diagnostic]:
    """Everything beyond loading: validation, then the rule engine, whose findings replace the
    validation findings they supersede; the rules' errors only an assumed runner gives are hedged."""
    from shardlint.assumed_runner import hedge
    from shardlint.engine import drop_superseded, evaluate

    if doc.kind == "recipe":
        from shardlint.training.checks import check_recipe

        return check_recipe(doc, file) + evaluate(doc, file).diagnostics
    validated = validate(doc, file)
    rules = evaluate(doc, file)
    return drop_superseded(validated, rules.superseded) + hedge(doc, file, rules.diagnostics)


def validate(doc: Document, file: FileOptions) -> list[Diagnostic]:
    """Schema findings and the built-in checks that stand beside them."""
    from shardlint.builtins.fsdp190 import check_fsdp1
    from shardlint.validation import validate_document

    return validate_document(doc) + check_fsdp1(doc, file)
