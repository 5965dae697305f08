"""The default human format: ``path:line:col: CODE message``, a code frame, a summary.

Findings below the display level are counted in one closing line; a tip (info or
hint) said with the same words about several files is listed once, with the files.
"""

from __future__ import annotations

from typing import Iterator

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, hidden_counts_line, render_whole
from shardlint.reporters.entries import Entries

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


class _Tip:
    """A listed tip, kept as its rendered lines until the run's end tells whether other files share it."""

    __slots__ = ("key", "path", "location", "lines", "heading", "helps")

    def __init__(self, key: tuple[str, str], path: str, location: str, lines: list[str], heading: str,
                 helps: list[str]) -> None:
        self.key = key  # code and words
        self.path = path
        self.location = location
        self.lines = lines  # as listed on its own: heading, code frame, help lines, blank line
        self.heading = heading  # as the heading of a group, with "{count} files" for the place
        self.helps = helps


_Block = list["list[str] | _Tip"]  # one file's listed findings, in order


class TextOutput:
    """The text report, built file by file as a run reaches them.

    Each file's findings are rendered when it is added and kept in :class:`Entries`, never the
    files' documents.  A tip (info or hint) said with the same words about several files is
    listed once at the end, with the files: listed tips keep their rendered lines and a place in
    the report until the end shows which ones are shared.
    """

    def __init__(self, *, color: bool = False, view: View = View(), concise: bool = False) -> None:
        self.paint = _Paint(color)
        self.view = view
        self.concise = concise
        self.entries = Entries()
        self.tips: list[tuple[tuple[int, int, int], _Tip]] = []  # listed tips, by their place in the report
        self.tip_places: dict[int, _Tip] = {}  # the place of each tip of a file written when it came
        self.held: dict[int, _Block] = {}  # the findings of a file added to a place reserved for it
        self.shared: list[list[_Tip]] | None = None  # tips listed once with their files, once settled
        self.listed = {severity: 0 for severity in Severity}
        self.fixable = 0
        self.hidden_warnings = 0
        self.hidden_tips = 0
        self.files = 0

    def reserve(self) -> int:
        """A place in the report for a file added later (``add(..., slot=)``)."""
        return self.entries.reserve()

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None:
        block: _Block = []
        self.files += 1
        for diag in result.diagnostics:
            tip = diag.severity >= Severity.INFORMATION
            if not self.view.shows(diag):
                if tip:
                    self.hidden_tips += 1
                else:
                    self.hidden_warnings += 1
                continue
            self.listed[diag.severity] += 1
            helps = [] if self.concise else _helps(diag, self.paint)
            self.fixable += bool(diag.fixes)
            lines = [_heading(result, diag, self.paint)]
            if not self.concise:
                lines += _frame(result, diag, self.paint) + helps + [""]
            if tip and not self.concise:
                block.append(_Tip((diag.code, diag.message), result.path, _location(result, diag), lines,
                                  _heading(result, diag, self.paint, where="{count} files"), helps))
            else:
                block.append(lines)
        if slot is not None:
            self.held[slot] = block
            self.tips.extend(((1, slot, i), entry) for i, entry in enumerate(block) if isinstance(entry, _Tip))
            return
        for entry in block:
            if isinstance(entry, _Tip):
                place = self.entries.reserve(failed)
                self.tip_places[place] = entry
                self.tips.append(((0 if failed else 1, place, 0), entry))
            else:
                self.entries.add(_joined(entry), failed)

    def _settle(self) -> list[list[_Tip]]:
        """Once every file is in: the tips said about several files, and every reserved place filled."""
        if self.shared is None:
            by_words: dict[tuple[str, str], list[_Tip]] = {}
            for _, tip in sorted(self.tips, key=lambda found: found[0]):
                by_words.setdefault(tip.key, []).append(tip)
            self.shared = [found for found in by_words.values() if len({t.path for t in found}) > 1]
            grouped = {id(t) for found in self.shared for t in found}

            def text(entry: list[str] | _Tip) -> str:
                if isinstance(entry, _Tip):
                    return "" if id(entry) in grouped else _joined(entry.lines)
                return _joined(entry)

            for place, tip in self.tip_places.items():
                self.entries.add(text(tip), place=place)
            for place, block in self.held.items():
                self.entries.add("".join(text(entry) for entry in block), place=place)
        return self.shared

    def pieces(self) -> Iterator[str]:
        """The report in pieces, to be written one after another (no copy of the whole is made)."""
        shared = self._settle()
        yield from self.entries.pieces()
        lines: list[str] = []
        for found in shared:
            lines.append(found[0].heading.replace("{count} files", f"{len(found)} files", 1))
            lines.extend(f"  {self.paint('at', '2')} {t.location}" for t in found)
            lines.extend(found[0].helps)
            lines.append("")
        if not self.view.quiet:
            if self.concise and (self.entries.count or lines):
                lines.append("")
            lines.append(summary_line(self.listed, self.files, self.fixable, self.paint))
            if self.hidden_warnings or self.hidden_tips:
                lines.append(hidden_counts_line(self.hidden_warnings, self.hidden_tips))
        yield _joined(lines)

    def render(self) -> str:
        return "".join(self.pieces())


def _joined(lines: list[str]) -> str:
    return "".join(line + "\n" for line in lines)


def render(report: Report, *, color: bool = False, view: View = View(), concise: bool = False) -> str:
    return render_whole(TextOutput(color=color, view=view, concise=concise), report)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(counts: dict[Severity, int], files: int, fixable: int, paint: _Paint | None = None) -> str:
    """One line: the findings counted by severity in ``files`` files, and how many have a fix."""
    paint = paint or _Paint(False)
    found = [f"{n} info" if severity.label == "info" else _plural(n, severity.label)
             for severity, n in counts.items() if n]
    checked = _plural(files, "file")
    if not found:
        return paint(f"All good: no problems in {checked}.", "32")
    text = f"Found {', '.join(found)} in {checked}."
    if fixable:
        text += f" {fixable} with a fix (see --fix, --unsafe-fixes, --diff)."
    return paint(text, "1")
