"""Schema validation: the shipped JSON Schemas applied to a loaded document, as diagnostics.

Structure findings (unknown, renamed and removed keys, wrong types, bad enum
values, out-of-range numbers, missing required keys, deprecated keys, two
spellings of one setting) come from here; cross-field checks are rules.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document


def validate_document(doc: Document) -> list[Diagnostic]:
    """Schema findings for a loaded document whose kind is known (none otherwise)."""
    if doc.kind is None or not isinstance(doc.data, dict):
        return []
    from shardlint.validation.schemas import validator

    checker = validator(doc.kind)
    outcome = checker.evaluate(doc.data)
    if not outcome.failures and not outcome.deprecated:
        return []
    from shardlint.validation.findings import FindingBuilder  # messages and fixes: only when needed

    build = FindingBuilder(doc, checker)
    diagnostics = [build.failure(f) for f in outcome.failures]
    diagnostics.extend(build.deprecated(path, schema) for path, schema in outcome.deprecated)
    return diagnostics
