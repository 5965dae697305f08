"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::message``;
info and hint become ``::notice``.  Values are escaped as GitHub's toolkit
does (``%``, CR and LF everywhere; ``:`` and ``,`` in properties too).  Findings
below the display level are counted in one plain closing line of the log.
"""

from __future__ import annotations

from typing import Iterator

from shardlint.diagnostics import Diagnostic, Position, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, hidden_counts_line, render_whole
from shardlint.reporters.entries import Entries

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning",
             Severity.INFORMATION: "notice", Severity.HINT: "notice"}


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def column(result: FileResult, line: int, character: int) -> int:
    """1-based column in code points, as the text format shows it."""
    index = result.document.index
    if not result.document.text or line >= index.line_count:
        return 1
    return index.offset(Position(line, character)) - index.line_starts[line] + 1


def annotation(result: FileResult, diag: Diagnostic) -> str:
    start, end = diag.range.start, diag.range.end
    props = [("file", result.path), ("line", str(start.line + 1)),
             ("col", str(column(result, start.line, start.character))),
             ("endLine", str(end.line + 1)), ("endColumn", str(column(result, end.line, end.character))),
             ("title", diag.code)]
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    message = diag.message
    if diag.docs_url:
        message += f"\n{diag.docs_url}"
    return f"::{_COMMANDS[diag.severity]} {rendered}::{escape_data(message)}"


class GithubOutput:
    """The annotations, built file by file as a run reaches them: each file's lines are written when
    it is added and kept in :class:`Entries`, never the files' documents; hidden findings are counted."""

    def __init__(self, view: View = View()) -> None:
        self.view = view
        self.lines = Entries()
        self.hidden_warnings = 0
        self.hidden_tips = 0

    def reserve(self) -> int:
        """A place in the report for a file added later (``add(..., slot=)``)."""
        return self.lines.reserve()

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None:
        lines = []
        for diag in result.diagnostics:
            if self.view.shows(diag):
                lines.append(annotation(result, diag) + "\n")
            elif diag.severity >= Severity.INFORMATION:
                self.hidden_tips += 1
            else:
                self.hidden_warnings += 1
        self.lines.add("".join(lines), failed, slot)

    def pieces(self) -> Iterator[str]:
        """The report in pieces, to be written one after another (no copy of the whole is made)."""
        yield from self.lines.pieces()
        hidden = hidden_counts_line(self.hidden_warnings, self.hidden_tips)
        if hidden and not self.view.quiet:
            yield hidden + "\n"

    def render(self) -> str:
        return "".join(self.pieces())


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    return render_whole(GithubOutput(view), report)
