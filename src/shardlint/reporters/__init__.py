"""Output formats.  Each module renders a :class:`~shardlint.lint.Report` to a string."""

from __future__ import annotations

from importlib import import_module
from typing import Iterator, NamedTuple, Protocol

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.lint import FileResult, Report

FORMATS = ("text", "concise", "json", "sarif", "github", "junit")


class View(NamedTuple):
    """How much a report shows.  JSON and SARIF always hold every finding."""

    show: Severity = Severity.HINT  # lowest severity the text, concise and github formats list
    fail_level: Severity = Severity.WARNING  # findings at or above it fail the run (JUnit failures)
    quiet: bool = False  # findings only: no summary lines

    def shows(self, diag: Diagnostic) -> bool:
        """Listed in the report: at or above the display level, or failing the run."""
        return diag.severity <= max(self.show, self.fail_level)


class Renderer(Protocol):
    def __call__(self, report: Report, *, color: bool = False, view: View = View()) -> str: ...


class Output(Protocol):
    """A format's report built file by file: each file is added as the run reaches it, or to a place
    reserved when the run reached it (a file held to the run's end)."""

    def reserve(self) -> int: ...

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None: ...

    def pieces(self) -> Iterator[str]: ...

    def render(self) -> str: ...


def render_whole(output: Output, report: Report) -> str:
    """``report`` in ``output``'s format: its files added in report order, unreadable paths first."""
    for result in report.failures:
        output.add(result, failed=True)
    for result in report.files:
        output.add(result)
    return output.render()


def renderer(name: str) -> Renderer:
    """The ``render`` function of the reporter module for format ``name``."""
    return import_module(f"shardlint.reporters.{name}_format").render  # type: ignore[no-any-return]


def hidden_counts_line(warnings: int, tips: int) -> str:
    """The closing line that counts what the display level left out ("" when nothing was)."""
    parts = []
    if warnings:
        parts.append(f"{warnings} warning{'' if warnings == 1 else 's'}")
    if tips:
        parts.append(f"{tips} tip{'' if tips == 1 else 's'}")
    return f"Also {' and '.join(parts)}: --show-tips to list them." if parts else ""
