"""``--format json``: the stable, LSP-shaped contract documented in the README."""

from __future__ import annotations

import json
from typing import Any

from shardlint.diagnostics import Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View

VERSION = 1


def file_entry(result: FileResult) -> dict[str, Any]:
    return {
        "path": result.path,
        "uri": result.uri,
        "kind": result.document.kind,
        "diagnostics": [d.to_lsp() for d in result.diagnostics],
    }


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    """Every finding, whatever ``view`` shows: tools filter on ``severity`` themselves."""
    files = report.all_files
    out = {
        "version": VERSION,
        "files": [file_entry(f) for f in files],
        "summary": {
            "files": len(files),
            "errors": report.count(Severity.ERROR),
            "warnings": report.count(Severity.WARNING),
            "information": report.count(Severity.INFORMATION),
            "hints": report.count(Severity.HINT),
        },
    }
    return json.dumps(out, indent=2, ensure_ascii=False) + "\n"
