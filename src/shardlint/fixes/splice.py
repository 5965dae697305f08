"""Apply fixes' TextEdits to a text without ever garbling it.

A fix is all or nothing: its edits are applied together or not at all.  Fixes
are taken in order; one whose edits touch text another accepted fix already
changes is set aside (the fix loop re-lints and offers it again next round).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shardlint.diagnostics import Fix, TextEdit
from shardlint.textindex import TextIndex

_Span = tuple[int, int, str]  # start, end, new text (code-point offsets)


@dataclass
class Applied:
    text: str
    applied: list[Fix] = field(default_factory=list)
    conflicting: list[Fix] = field(default_factory=list)  # overlapped an earlier fix


def _overlaps(a: _Span, b: _Span, *, one_fix: bool = False) -> bool:
    """True when the two edits cannot both be applied unambiguously.

    Two insertions at one point are ordered within a fix (as listed), but from two
    fixes their order would be a guess.
    """
    if a == b:
        return False  # the same edit twice (two fixes agreeing) is applied once
    (a0, a1, _), (b0, b1, _) = a, b
    if a0 == a1 and b0 == b1:
        return a0 == b0 and not one_fix
    if a0 == a1:
        return b0 < a0 < b1
    if b0 == b1:
        return a0 < b0 < a1
    return a0 < b1 and b0 < a1


def _spans(index: TextIndex, edits: tuple[TextEdit, ...] | list[TextEdit]) -> list[_Span]:
    return [(index.offset(e.range.start), index.offset(e.range.end), e.new_text) for e in edits]


def apply_fixes(text: str, fixes: list[Fix]) -> Applied:
    """Apply every fix that does not conflict with one before it."""
    index = TextIndex(text)
    result = Applied(text)
    accepted: list[_Span] = []
    for fix in fixes:
        spans = _spans(index, fix.edits)
        inner_conflict = any(_overlaps(a, b, one_fix=True) for i, a in enumerate(spans) for b in spans[i + 1:])
        if not spans or inner_conflict or any(_overlaps(s, t) for s in spans for t in accepted):
            result.conflicting.append(fix)
            continue
        accepted.extend(s for s in spans if s not in accepted)
        result.applied.append(fix)
    result.text = _splice(text, accepted)
    return result


def apply_edits(text: str, edits: list[TextEdit]) -> str:
    """Apply one consistent set of edits (say, a single fix); raises ValueError on overlap."""
    spans = _spans(TextIndex(text), edits)
    if any(_overlaps(a, b, one_fix=True) for i, a in enumerate(spans) for b in spans[i + 1:]):
        raise ValueError("overlapping edits")
    return _splice(text, list(dict.fromkeys(spans)))


def _splice(text: str, spans: list[_Span]) -> str:
    """Rebuild ``text`` with the non-overlapping ``spans``; insertions keep their given order."""
    order = sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1], i))
    out: list[str] = []
    cursor = 0
    for i in order:
        start, end, new = spans[i]
        out.append(text[cursor:start])
        out.append(new)
        cursor = end
    out.append(text[cursor:])
    return "".join(out)
