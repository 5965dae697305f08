"""The last stages of linting a file: suppressions, then selection and severity overrides.

Shared by the command line and the language server (both go through
``lint_document``).  Inline suppressions come first, so a code silenced by a
comment counts as used even where the configuration also turns it off.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.settings.model import FileSettings


def suppress(doc: Document, diagnostics: list[Diagnostic], checked: bool) -> list[Diagnostic]:
    """``diagnostics`` but those a ``# shardlint:`` comment silences, with the findings about the
    comments themselves when ``checked`` (the rules ran on ``doc``)."""
    if doc.syntax != "yaml" or "shardlint" not in doc.text.lower():  # cheap test before the comment scan
        return diagnostics
    from shardlint import suppressions

    directives, malformed = suppressions.parse(doc)
    kept = suppressions.apply(diagnostics, directives)
    if not checked:
        return kept
    return [*kept, *suppressions.unused(doc, directives), *suppressions.malformed_diagnostics(doc, malformed)]


def finish(doc: Document, diagnostics: list[Diagnostic], settings: FileSettings,
           checked: bool) -> list[Diagnostic]:
    """``diagnostics`` after suppressions and settings, in report order; ``checked`` says the rules ran on ``doc``."""
    selected = [d for d in suppress(doc, diagnostics, checked) if settings.is_selected(d.code, doc.path)]
    return sorted((_with_severity(d, settings) for d in selected), key=Diagnostic.sort_key)


def _with_severity(diag: Diagnostic, settings: FileSettings) -> Diagnostic:
    """``diag`` at the severity the settings give its code."""
    severity = settings.severity_for(diag.code)
    return diag if severity is None or severity == diag.severity else diag.replace(severity=severity)
