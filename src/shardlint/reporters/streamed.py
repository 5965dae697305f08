"""A report that hands each file to its output as the run reaches it and keeps only counts.

The text, concise and JSON formats are built this way by ``check``: memory stays
flat in the number of files, where a report holding every file's document grows
with the walk.
"""

from __future__ import annotations

from typing import Iterator, Protocol

from shardlint.diagnostics import Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View
from shardlint.reporters.fix_list import available

STREAMED_FORMATS = ("text", "concise", "json")


class Output(Protocol):
    def add(self, result: FileResult, failed: bool = False) -> None: ...

    def render(self) -> str: ...

    def pieces(self) -> Iterator[str]: ...


def output_for(name: str, *, color: bool, view: View) -> Output:
    """The file-by-file builder of format ``name`` (one of ``STREAMED_FORMATS``)."""
    if name == "json":
        from shardlint.reporters.json_format import JsonOutput

        return JsonOutput()
    from shardlint.reporters.text_format import TextOutput

    return TextOutput(color=color, view=view, concise=name == "concise")


class StreamedReport(Report):
    """Files go to ``output`` as they are added; unreadable paths (with no text) are kept as in any report."""

    def __init__(self, output: Output, view: View, list_fixes: bool = False) -> None:
        super().__init__()
        self.output = output
        self.view = view
        self.list_fixes = list_fixes
        self._worst: Severity | None = None
        self._fixes: tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]] = ([], [])

    def add(self, result: FileResult, failed: bool = False) -> None:
        self.output.add(result, failed)
        if self.list_fixes:
            self._fixes[0 if failed else 1].extend(available(result, self.view))
        if failed:
            self.failures.append(result)
            return
        worst = min((d.severity for d in result.diagnostics), default=None)
        if worst is not None and (self._worst is None or worst < self._worst):
            self._worst = worst

    def worst(self) -> Severity | None:
        return self._worst

    @property
    def available_fixes(self) -> list[tuple[str, str, str]]:
        """``--show-fixes``: (path, code, title) of the listed findings' fixes, in report order."""
        return self._fixes[0] + self._fixes[1]
