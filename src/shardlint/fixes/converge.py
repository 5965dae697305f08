"""The fix loop: apply fixes, re-lint, repeat until the text stops changing.

Every round is verified before it is kept: the new text must still load and
must not carry an error the old one did not.  A fix that fails on its own is
rejected (and reported), so one bad fix never blocks the others.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from shardlint.builtins.input import BROKEN
from shardlint.diagnostics import Diagnostic, Fix, Severity
from shardlint.document import Document
from shardlint.fixes.splice import apply_fixes
from shardlint.options import LintOptions

MAX_ROUNDS = 10


@dataclass(frozen=True)
class Rejected:
    code: str
    title: str
    reason: str


@dataclass
class FixOutcome:
    document: Document  # the final text, loaded
    diagnostics: list[Diagnostic]  # what remains
    original: str
    fixed: list[tuple[str, str]] = field(default_factory=list)  # (code, fix title) per applied fix
    rejected: list[Rejected] = field(default_factory=list)

    @property
    def text(self) -> str:
        return self.document.text

    @property
    def changed(self) -> bool:
        return self.document.text != self.original


def allowed_fix(diagnostic: Diagnostic, unsafe: bool) -> Fix | None:
    """The first fix of ``diagnostic`` the run may apply."""
    for fix in diagnostic.fixes:
        if fix.edits and (unsafe or fix.safety == "safe"):
            return fix
    return None


def is_broken(document: Document, diagnostics: list[Diagnostic]) -> bool:
    """True when the text did not load cleanly enough to edit or write."""
    return not document.loaded or any(d.code in BROKEN for d in diagnostics)


def _lint(path: Path, display: str, text: str, options: LintOptions) -> tuple[Document, list[Diagnostic]]:
    from shardlint.lint import lint_document
    from shardlint.loading.reader import read_document

    document = read_document(path, display, text=text)
    return document, lint_document(document, options) or []


def _errors(diagnostics: list[Diagnostic]) -> Counter[tuple[str, str]]:
    return Counter((d.code, d.path) for d in diagnostics if d.severity == Severity.ERROR)


def _new_errors(before: list[Diagnostic], after: list[Diagnostic]) -> list[str]:
    return sorted({code for code, _ in _errors(after) - _errors(before)})


def fix_document(document: Document, diagnostics: list[Diagnostic], options: LintOptions,
                 *, unsafe: bool = False) -> FixOutcome:
    """Apply the allowed fixes of ``diagnostics`` to ``document`` until a fixed point."""
    outcome = FixOutcome(document, diagnostics, document.text)
    if is_broken(document, diagnostics):
        return outcome
    path, display = document.path, document.display_path
    seen = {document.text}
    refused: set[tuple[str, str, str]] = set()
    for _ in range(MAX_ROUNDS):
        chosen = [(d, f) for d in outcome.diagnostics if (f := allowed_fix(d, unsafe)) is not None
                  and (d.code, d.path, f.title) not in refused]
        if not chosen:
            break
        step = _verified_round(path, display, outcome, chosen, options, refused)
        if step is None or step[0].text in seen:  # nothing applies, or fixes undo each other
            break
        outcome.document, outcome.diagnostics, fixed = step
        outcome.fixed.extend(fixed)
        seen.add(outcome.document.text)
    return outcome


def _verified_round(path: Path, display: str, outcome: FixOutcome, chosen: list[tuple[Diagnostic, Fix]],
                    options: LintOptions, refused: set[tuple[str, str, str]],
                    ) -> tuple[Document, list[Diagnostic], list[tuple[str, str]]] | None:
    """One round: all non-conflicting fixes at once, or, if that fails, each that passes alone."""
    text, before = outcome.text, outcome.diagnostics
    owner = {id(f): d for d, f in chosen}
    result = apply_fixes(text, [f for _, f in chosen])
    if not result.applied:
        return None
    document, after = _lint(path, display, result.text, options)
    if not is_broken(document, after) and not _new_errors(before, after):
        return document, after, [(owner[id(f)].code, f.title) for f in result.applied]
    passing: list[Fix] = []
    for fix in result.applied:
        diagnostic = owner[id(fix)]
        alone_doc, alone = _lint(path, display, apply_fixes(text, [fix]).text, options)
        if is_broken(alone_doc, alone):
            reason = "it would leave the file unparsable"
        elif new := _new_errors(before, alone):
            reason = f"it would add a new error ({', '.join(new)})"
        else:
            passing.append(fix)
            continue
        refused.add((diagnostic.code, diagnostic.path, fix.title))
        outcome.rejected.append(Rejected(diagnostic.code, fix.title, reason))
    for group in (passing, passing[:1]):  # together if they agree, else the first one alone
        if not group:
            return None
        document, after = _lint(path, display, apply_fixes(text, group).text, options)
        if not is_broken(document, after) and not _new_errors(before, after):
            return document, after, [(owner[id(f)].code, f.title) for f in group]
    return None
