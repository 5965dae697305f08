"""The default human format: ``path:line:col: CODE message``, a code frame, a summary."""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.lint import FileResult, Report

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


def render(report: Report, *, color: bool = False) -> str:
    paint = _Paint(color)
    lines: list[str] = []
    for result in report.all_files:
        for diag in result.diagnostics:
            label = paint(f"{diag.code}", f"1;{_COLORS[diag.severity]}")
            lines.append(f"{paint(_location(result, diag), '1')}: {label} [{diag.severity.label}] {diag.message}")
            lines.extend(_frame(result, diag, paint))
            for fix in diag.fixes:
                unsafe = " (unsafe)" if fix.safety == "unsafe" else ""
                lines.append(f"  {paint('help', '32')}: {fix.title}{unsafe}")
            lines.append("")
    lines.append(summary(report, paint))
    return "\n".join(lines) + "\n"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(report: Report, paint: _Paint | None = None) -> str:
    paint = paint or _Paint(False)
    counts = [(report.count(Severity.ERROR), "error"), (report.count(Severity.WARNING), "warning"),
              (report.count(Severity.INFORMATION), "info"), (report.count(Severity.HINT), "hint")]
    found = [f"{n} info" if w == "info" else _plural(n, w) for n, w in counts if n]
    checked = _plural(len(report.all_files), "file")
    if not found:
        return paint(f"All good: no problems in {checked}.", "32")
    fixable = sum(1 for f in report.all_files for d in f.diagnostics if d.fixes)
    text = f"Found {', '.join(found)} in {checked}."
    if fixable:
        text += f" {fixable} with a fix (see --fix, --unsafe-fixes, --diff)."
    return paint(text, "1")
