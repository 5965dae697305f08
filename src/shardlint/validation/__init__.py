"""Schema validation: the shipped JSON Schemas applied to a loaded document, as diagnostics.

Structure findings (unknown, renamed and removed keys, wrong types, bad enum
values, out-of-range numbers, missing required keys, deprecated keys, two
spellings of one setting) come from here; cross-field checks are rules.

A DeepSpeed ``"auto"`` the schema does not allow at its key (nothing fills it
there) is left to the "auto" rules (HF100-HF102): whether it fails, is dropped
or reaches DeepSpeed as a string depends on who runs the config
(``--deepspeed-runner``), which they know and the schema does not.  Editors,
which only see the schema, still flag it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document

if TYPE_CHECKING:
    from shardlint.validation.engine import Failure


def validate_document(doc: Document) -> list[Diagnostic]:
    """Schema findings for a loaded document whose kind is known (none otherwise)."""
    if doc.kind is None or not isinstance(doc.data, dict):
        return []
    from shardlint.validation.schemas import validator

    checker = validator(doc.kind)
    outcome = checker.evaluate(doc.data)
    if doc.kind == "deepspeed":
        outcome.failures = [f for f in outcome.failures if not _unfilled_auto(doc, f)]
    if not outcome.failures and not outcome.deprecated:
        return []
    from shardlint.validation.findings import FindingBuilder  # messages and fixes: only when needed

    build = FindingBuilder(doc, checker)
    diagnostics = [build.failure(f) for f in outcome.failures]
    diagnostics.extend(build.deprecated(path, schema) for path, schema in outcome.deprecated)
    return diagnostics


def _unfilled_auto(doc: Document, failure: Failure) -> bool:
    return failure.kind in ("type", "value") and doc.get(failure.path) == "auto"
