"""The last step of linting a file: suppressions, selection and severity overrides.

Shared by the command line and the language server (both go through
``lint_document``).  Inline suppressions come first, so a code silenced by a
comment counts as used even where the configuration also turns it off.
"""

from __future__ import annotations


from shardlint.diagnostics import Diagnostic
from shardlint.document import Document
from shardlint.settings.model import FileSettings


def finish(doc: Document, diagnostics: list[Diagnostic], settings: FileSettings,
           checked: bool) -> list[Diagnostic]:
    """``diagnostics`` after suppressions and settings; ``checked`` says the rules ran on ``doc``."""
    kept = list(diagnostics)
    if doc.syntax == "yaml" and "shardlint" in doc.text.lower():  # cheap test before the comment scan
        from shardlint import suppressions

        directives, malformed = suppressions.parse(doc)
        kept = suppressions.apply(kept, directives)
        if checked:
            kept += suppressions.unused(doc, directives)
            kept += suppressions.malformed_diagnostics(doc, malformed)
    out = []
    for diag in kept:
        if not settings.is_selected(diag.code, doc.path):
            continue
        severity = settings.severity_for(diag.code)
        out.append(diag if severity is None or severity == diag.severity
                   else diag.replace(severity=severity))
    out.sort(key=Diagnostic.sort_key)
    return out
