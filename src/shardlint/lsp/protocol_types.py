"""shardlint's diagnostic model to lsprotocol types, in the client's position encoding."""

from __future__ import annotations

from lsprotocol import types

from shardlint.diagnostics import Diagnostic, TextEdit
from shardlint.lsp.encoding import PositionEncoder
from shardlint.textindex import TextIndex


def to_lsp_diagnostic(diag: Diagnostic, index: TextIndex, encoder: PositionEncoder) -> types.Diagnostic:
    """The diagnostic ``--format json`` prints, ranges in the client's units.

    ``data`` keeps the key path and each fix's title and safety, but not its edits:
    working those out (a line diff per fix of several steps) would cost every
    re-lint, and code actions compute them from the server's own result for the
    same text when asked, so they never depend on the client echoing ``data`` back.
    """
    return types.Diagnostic(
        range=encoder.range(index, diag.range),
        severity=types.DiagnosticSeverity(int(diag.severity)),
        code=diag.code,
        code_description=types.CodeDescription(href=diag.docs_url) if diag.docs_url else None,
        source="shardlint",
        message=diag.message,
        data={"path": diag.path, "fixes": [{"title": f.title, "safety": f.safety} for f in diag.fixes]},
    )


def to_lsp_edit(edit: TextEdit, index: TextIndex, encoder: PositionEncoder) -> types.TextEdit:
    return types.TextEdit(range=encoder.range(index, edit.range), new_text=edit.new_text)
