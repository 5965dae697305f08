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
    from shardlint.validation.evaluator import Failure

_IGNORED_TOP_LEVEL = "DS002"  # an unknown DeepSpeed key that DeepSpeed silently ignores


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
    if doc.kind == "deepspeed":
        diagnostics = _collapse_host_keys(doc, diagnostics)
    return diagnostics


def _collapse_host_keys(doc: Document, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One finding, not dozens, for a program's own config that embeds DeepSpeed's settings.

    GPT-NeoX-style files hold more keys of their own at the top than DeepSpeed keys; each is
    ignored by DeepSpeed, and listing them one by one buries the findings that matter.
    Unknown keys with a close known spelling (likely typos) stay separate.
    """
    foreign = [d for d in diagnostics if d.code == _IGNORED_TOP_LEVEL and "." not in d.path and not d.fixes]
    if len(foreign) <= len(doc.data) - len(foreign):
        return diagnostics
    names = [d.path for d in foreign]
    shown = ", ".join(f"`{n}`" for n in names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    first = foreign[0]
    summary = Diagnostic(
        first.code, first.severity,
        f"{len(names)} top-level keys DeepSpeed does not read: {shown}. They outnumber its own keys, so this "
        "looks like the config of a program that passes a DeepSpeed section on (GPT-NeoX does); DeepSpeed "
        "itself silently ignores them",
        first.range, first.path, [], first.docs_url)
    kept = [d for d in diagnostics if d not in foreign]
    return [summary, *kept]


def _unfilled_auto(doc: Document, failure: Failure) -> bool:
    return failure.kind in ("type", "value") and doc.get(failure.path) == "auto"
