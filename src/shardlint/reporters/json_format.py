"""``--format json``: the stable, LSP-shaped contract documented in the README."""

from __future__ import annotations

import json
from typing import Any, Iterator

from shardlint.diagnostics import Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, render_whole
from shardlint.reporters.entries import Entries

VERSION = 1


def file_entry(result: FileResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "uri": result.uri,
        "kind": result.document.kind,
        "diagnostics": [d.to_lsp() for d in result.diagnostics],
    }


class JsonOutput:
    """The JSON report, built file by file as a run reaches them: each file's entry is serialised
    when it is added and kept in :class:`Entries`, never the files' documents.  The result is
    what ``json.dumps(report, indent=2)`` writes."""

    def __init__(self) -> None:
        self.entries = Entries(",\n    ")
        self.counts = {severity: 0 for severity in Severity}

    def reserve(self) -> int:
        """A place in the report for a file added later (``add(..., slot=)``)."""
        return self.entries.reserve()

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None:
        for diag in result.diagnostics:
            self.counts[diag.severity] += 1
        entry = json.dumps(file_entry(result), indent=2, ensure_ascii=False).replace("\n", "\n    ")
        self.entries.add(entry, failed, slot)

    def pieces(self) -> Iterator[str]:
        """The report in pieces, to be written one after another (no copy of the whole is made)."""
        yield f'{{\n  "version": {VERSION},\n  "files": '
        if self.entries.count:
            yield "[\n    "
            yield from self.entries.pieces()
            yield "\n  ]"
        else:
            yield "[]"
        summary = json.dumps({
            "files": self.entries.count,
            "errors": self.counts[Severity.ERROR],
            "warnings": self.counts[Severity.WARNING],
            "information": self.counts[Severity.INFORMATION],
            "hints": self.counts[Severity.HINT],
        }, indent=2).replace("\n", "\n  ")
        yield f',\n  "summary": {summary}\n}}\n'

    def render(self) -> str:
        return "".join(self.pieces())


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    """Every finding, whatever ``view`` shows: tools filter on ``severity`` themselves."""
    return render_whole(JsonOutput(), report)
