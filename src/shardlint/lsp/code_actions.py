"""Quick fixes for the diagnostics under the cursor (their fixes, then "disable on this line"),
and "fix all safe problems" for the file."""

from __future__ import annotations

from typing import Callable

from lsprotocol import types

from shardlint.diagnostics import Diagnostic, Fix
from shardlint.lint import FileResult
from shardlint.lsp.protocol_types import to_lsp_diagnostic, to_lsp_edit
from shardlint.lsp.encoding import PositionEncoder
from shardlint.lsp.suppress import suppression_fix
from shardlint.options import LintOptions

FIX_ALL = "source.fixAll.shardlint"
KINDS = [types.CodeActionKind.QuickFix, FIX_ALL]
FIX_ALL_TITLE = "shardlint: fix all safe problems"


def _wanted(kind: str, only: list[str] | None) -> bool:
    """LSP kinds are hierarchical: asking for ``source.fixAll`` includes ``source.fixAll.shardlint``."""
    return only is None or any(kind == o or kind.startswith(o + ".") for o in only)


def _touches(rng: types.Range, request: types.Range) -> bool:
    def key(p: types.Position) -> tuple[int, int]:
        return (p.line, p.character)

    return key(rng.start) <= key(request.end) and key(request.start) <= key(rng.end)


class EditBuilder:
    """WorkspaceEdits for one document, versioned when the client supports it."""

    def __init__(self, uri: str, version: int | None, versioned: bool) -> None:
        self.uri, self.version, self.versioned = uri, version, versioned

    def build(self, edits: list[types.TextEdit]) -> types.WorkspaceEdit:
        if self.versioned:
            doc = types.OptionalVersionedTextDocumentIdentifier(uri=self.uri, version=self.version)
            return types.WorkspaceEdit(document_changes=[types.TextDocumentEdit(text_document=doc, edits=edits)])
        return types.WorkspaceEdit(changes={self.uri: edits})


def quick_fixes(result: FileResult, request: types.Range, encoder: PositionEncoder,
                edits: EditBuilder) -> list[types.CodeAction]:
    index = result.document.index
    actions = []
    for diag in result.diagnostics:
        lsp_diag = to_lsp_diagnostic(diag, index, encoder)
        if not _touches(lsp_diag.range, request):
            continue
        preferred = _preferred(diag)
        for fix in diag.fixes:
            if not fix.edits:
                continue
            actions.append(types.CodeAction(
                title=fix.title if fix.safety == "safe" else f"{fix.title} (unsafe)",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[lsp_diag],
                is_preferred=fix is preferred or None,
                edit=edits.build([to_lsp_edit(e, index, encoder) for e in fix.edits]),
            ))
        suppression = suppression_fix(result.document, diag)
        if suppression is not None:
            actions.append(types.CodeAction(
                title=suppression.title, kind=types.CodeActionKind.QuickFix, diagnostics=[lsp_diag],
                edit=edits.build([to_lsp_edit(e, index, encoder) for e in suppression.edits])))
    return actions


def _preferred(diag: Diagnostic) -> Fix | None:
    return next((f for f in diag.fixes if f.safety == "safe" and f.edits), None)


def fixed_text(result: FileResult, options: LintOptions) -> str:
    """The text with every safe fix applied, re-linted until nothing changes (the text itself when none applies)."""
    if not any(_preferred(d) for d in result.diagnostics):
        return result.document.text
    from shardlint.fixes.converge import fix_document

    return fix_document(result.document, result.diagnostics, options).text


def fix_all(result: FileResult, fixed: str, encoder: PositionEncoder, edits: EditBuilder) -> types.CodeAction | None:
    """``fixed`` (see :func:`fixed_text`) as edits of the changed lines only."""
    if fixed == result.document.text:
        return None
    from shardlint.fixes.edits import edits_between

    changes = edits_between(result.document, fixed)
    return types.CodeAction(
        title=FIX_ALL_TITLE,
        kind=FIX_ALL,
        edit=edits.build([to_lsp_edit(e, result.document.index, encoder) for e in changes]),
    )


def code_actions(result: FileResult, params: types.CodeActionParams, fixed: Callable[[], str],
                 encoder: PositionEncoder, edits: EditBuilder) -> list[types.CodeAction]:
    """The actions for ``params``; ``fixed`` gives the all-safe-fixes text, computed only when asked for."""
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wanted(types.CodeActionKind.QuickFix, only):
        actions.extend(quick_fixes(result, params.range, encoder, edits))
    if _wanted(FIX_ALL, only):
        action = fix_all(result, fixed(), encoder, edits)
        if action is not None:
            actions.append(action)
    return actions
