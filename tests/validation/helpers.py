"""Load real files as the pipeline does and collect the schema layer's findings.

The rule engine is left out on purpose: rules may supersede schema findings, and
these tests are about what the schema layer says.
"""

from __future__ import annotations

from pathlib import Path

from shardlint.diagnostics import Diagnostic
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.validation import validate_document


def schema_findings(tmp_path: Path, text: str, name: str = "config.yaml") -> list[Diagnostic]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, name)
    assert doc.loaded, doc.load_diagnostics
    doc.kind = detect_kind(doc, named=True)  # as a file named on the command line
    return sorted(validate_document(doc), key=Diagnostic.sort_key)


def codes(diagnostics: list[Diagnostic]) -> list[tuple[str, int]]:
    """(code, 1-based line) pairs in report order."""
    return [(d.code, d.range.start.line + 1) for d in diagnostics]


def apply_fix(text: str, diagnostic: Diagnostic) -> str:
    """The text after the diagnostic's first fix (edits applied back to front)."""
    from shardlint.textindex import TextIndex

    index = TextIndex(text)
    out = text
    edits = sorted(diagnostic.fixes[0].edits, key=lambda e: (e.range.start.line, e.range.start.character),
                   reverse=True)
    for edit in edits:
        start, end = index.offset(edit.range.start), index.offset(edit.range.end)
        out = out[:start] + edit.new_text + out[end:]
    return out
