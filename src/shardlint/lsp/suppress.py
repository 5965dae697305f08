"""The "disable CODE on this line" quick fix: a ``# shardlint: disable=CODE`` comment (YAML only).

The comment joins an end-of-line directive already on that line.  An edit that
would change what the file means (a ``#`` inside a block scalar is text, not a
comment) is never offered: the edited text must load to the same data.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic, Fix, TextEdit
from shardlint.document import Document


def suppression_fix(doc: Document, diag: Diagnostic) -> Fix | None:
    if doc.syntax != "yaml" or not doc.loaded or diag.code.startswith(("SL", "SUP")):
        return None  # loading and suppression findings cannot be suppressed this way
    from shardlint.suppressions import parse

    line = diag.range.start.line
    existing = next((d for d in parse(doc)[0] if d.kind == "line" and d.line == line == d.target_line), None)
    if existing is not None:
        offset, new_text = existing.end, f",{diag.code}"
    else:
        offset = doc.index.line_starts[line] + len(doc.index.line_text(line))
        new_text = f"  # shardlint: disable={diag.code}"
    edit = TextEdit(doc.index.range(offset, offset), new_text)
    return Fix(f"Disable {diag.code} on this line", "safe", (edit,)) if _keeps_meaning(doc, offset, new_text) else None


def _keeps_meaning(doc: Document, offset: int, new_text: str) -> bool:
    from shardlint.loading.reader import read_document

    edited = read_document(doc.path, doc.display_path, text=doc.text[:offset] + new_text + doc.text[offset:])
    return edited.loaded and edited.data == doc.data
