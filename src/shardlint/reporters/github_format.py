"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

``::error file=PATH,line=L,col=C,endLine=L,endColumn=C,title=CODE::message``;
info and hint become ``::notice``.  Values are escaped as GitHub's toolkit
does (``%``, CR and LF everywhere; ``:`` and ``,`` in properties too).  Findings
below the display level are counted in one plain closing line of the log.
"""

from __future__ import annotations

from shardlint.diagnostics import Diagnostic, Position, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, hidden_line

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


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    lines = [annotation(r, d) for r in report.all_files for d in r.diagnostics if view.shows(d)]
    hidden = [d for r in report.all_files for d in r.diagnostics if not view.shows(d)]
    if hidden and not view.quiet:
        lines.append(hidden_line(hidden))
    return "".join(line + "\n" for line in lines)
