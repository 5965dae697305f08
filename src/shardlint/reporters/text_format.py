"""The default human format: ``path:line:col: CODE message``, a code frame, a summary.

Findings below the display level are counted in one closing line; a tip (info or
hint) said with the same words about several files is listed once, with the files.
"""

from __future__ import annotations

from collections import defaultdict

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, hidden_line

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFORMATION: "36", Severity.HINT: "34"}
# control characters of the checked file are shown as U+FFFD in the code frame, one column each,
# so that a file cannot move the cursor or recolour the terminal (tabs are expanded first)
_VISIBLE = {c: "\ufffd" for c in (*range(0x20), *range(0x7F, 0xA0))}


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.enabled else text


def _frame(result: FileResult, diag: Diagnostic, paint: _Paint) -> list[str]:
    index = result.document.index
    line = diag.range.start.line
    if not result.document.text or line >= index.line_count:
        return []
    source = index.line_text(line).expandtabs(1).translate(_VISIBLE)
    start_col = index.offset(diag.range.start) - index.line_starts[line]
    if diag.range.end.line == line:
        end_col = index.offset(diag.range.end) - index.line_starts[line]
    else:
        end_col = len(source)
    width = max(1, end_col - start_col)
    gutter = str(line + 1)
    pad = " " * len(gutter)
    caret = paint(" " * start_col + "^" * width, _COLORS[diag.severity])
    return [f" {pad} |", f" {paint(gutter, '2')} | {source}", f" {pad} | {caret}"]


def _location(result: FileResult, diag: Diagnostic) -> str:
    index = result.document.index
    line = diag.range.start.line
    if result.document.text and line < index.line_count:
        col = index.offset(diag.range.start) - index.line_starts[line] + 1
    else:
        col = 1
    return f"{result.path}:{line + 1}:{col}"


def _heading(result: FileResult, diag: Diagnostic, paint: _Paint, where: str | None = None) -> str:
    label = paint(f"{diag.code}", f"1;{_COLORS[diag.severity]}")
    where = where if where is not None else _location(result, diag)
    return f"{paint(where, '1')}: {label} [{diag.severity.label}] {diag.message}"


def _helps(diag: Diagnostic, paint: _Paint) -> list[str]:
    return [f"  {paint('help', '32')}: {fix.title}{' (unsafe)' if fix.safety == 'unsafe' else ''}"
            for fix in diag.fixes]


def _shared_tips(shown: list[tuple[FileResult, Diagnostic]]) -> dict[tuple[str, str], list[tuple[FileResult, Diagnostic]]]:
    """Tips with the same code and words in more than one file."""
    by_words: dict[tuple[str, str], list[tuple[FileResult, Diagnostic]]] = defaultdict(list)
    for result, diag in shown:
        if diag.severity >= Severity.INFORMATION:
            by_words[(diag.code, diag.message)].append((result, diag))
    return {key: found for key, found in by_words.items() if len({r.path for r, _ in found}) > 1}


def split(report: Report, view: View) -> tuple[list[tuple[FileResult, Diagnostic]], list[Diagnostic]]:
    """The findings the view lists, in report order, and the ones it leaves out."""
    shown, hidden = [], []
    for result in report.all_files:
        for diag in result.diagnostics:
            if view.shows(diag):
                shown.append((result, diag))
            else:
                hidden.append(diag)
    return shown, hidden


def render(report: Report, *, color: bool = False, view: View = View(), concise: bool = False) -> str:
    paint = _Paint(color)
    shown, hidden = split(report, view)
    shared = {} if concise else _shared_tips(shown)
    grouped = {id(d) for found in shared.values() for _, d in found}
    lines: list[str] = []
    for result, diag in shown:
        if id(diag) in grouped:
            continue
        lines.append(_heading(result, diag, paint))
        if not concise:
            lines.extend(_frame(result, diag, paint))
            lines.extend(_helps(diag, paint))
            lines.append("")
    for found in shared.values():
        result, diag = found[0]
        lines.append(_heading(result, diag, paint, where=f"{len(found)} files"))
        lines.extend(f"  {paint('at', '2')} {_location(r, d)}" for r, d in found)
        lines.extend(_helps(diag, paint))
        lines.append("")
    if not view.quiet:
        if concise and lines:
            lines.append("")
        lines.append(summary(report, paint, [d for _, d in shown]))
        if hidden:
            lines.append(hidden_line(hidden))
    return "\n".join(lines) + "\n" if lines else ""


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(report: Report, paint: _Paint | None = None, listed: list[Diagnostic] | None = None) -> str:
    """One line: what ``listed`` (default: every finding) counts by severity, and how many have a fix."""
    paint = paint or _Paint(False)
    if listed is None:
        listed = [d for f in report.all_files for d in f.diagnostics]
    counts = [(sum(1 for d in listed if d.severity == severity), severity.label) for severity in Severity]
    found = [f"{n} info" if w == "info" else _plural(n, w) for n, w in counts if n]
    checked = _plural(len(report.all_files), "file")
    if not found:
        return paint(f"All good: no problems in {checked}.", "32")
    fixable = sum(1 for d in listed if d.fixes)
    text = f"Found {', '.join(found)} in {checked}."
    if fixable:
        text += f" {fixable} with a fix (see --fix, --unsafe-fixes, --diff)."
    return paint(text, "1")
