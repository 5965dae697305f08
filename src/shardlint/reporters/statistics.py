"""``--statistics``: one line per rule code with how often it fired, instead of every finding.

Every finding is counted, tips included: the table is already one line per code.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Iterator

from shardlint.diagnostics import Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import render_whole
from shardlint.reporters.sarif_format import rule_catalog
from shardlint.reporters.text_format import summary_line


class StatisticsOutput:
    """The table, counted file by file as a run reaches them: a run keeps counters, never findings.

    A code's severity is that of its first finding in report order (unreadable paths first, a
    file the run held to its end in the place it was reached).
    """

    def __init__(self, fmt: str, *, quiet: bool = False) -> None:
        self.fmt = fmt
        self.quiet = quiet
        self.counts: Counter[str] = Counter()
        self.fixable: Counter[str] = Counter()
        self.first: dict[str, tuple[tuple[int, int], Severity]] = {}  # code -> (report position, severity)
        self.severities = {severity: 0 for severity in Severity}
        self.with_fix = 0
        self.files = 0
        self.failed_files = 0
        self.places = 0  # files reached in the run, held ones included

    def reserve(self) -> int:
        """The report position of a file added later (``add(..., slot=)``)."""
        self.places += 1
        return self.places - 1

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None:
        if failed:
            self.failed_files += 1
            position = (0, self.failed_files)
        else:
            position = (1, self.reserve() if slot is None else slot)
        self.files += 1
        for diag in result.diagnostics:
            if diag.code not in self.first or position < self.first[diag.code][0]:
                self.first[diag.code] = (position, diag.severity)
            self.counts[diag.code] += 1
            self.severities[diag.severity] += 1
            if diag.fixes:
                self.fixable[diag.code] += 1
                self.with_fix += 1

    def rows(self) -> list[dict[str, object]]:
        catalog = rule_catalog()
        order = sorted(self.counts, key=lambda code: (-self.counts[code], code))
        return [{"code": code, "name": catalog[code].name if code in catalog else "",
                 "severity": self.first[code][1].label, "count": self.counts[code],
                 "fixable": self.fixable[code]} for code in order]

    def pieces(self) -> Iterator[str]:
        yield self.render()

    def render(self) -> str:
        """The table in ``fmt`` (``text`` or ``json``)."""
        rows = self.rows()
        if self.fmt == "json":
            return json.dumps(rows, indent=2) + "\n"
        width = max((len(str(r["count"])) for r in rows), default=1)
        code_width = max((len(str(r["code"])) for r in rows), default=1)
        lines = [f"{r['count']:>{width}}  {r['code']:<{code_width}}  {r['severity']:<7}  {r['name']}"
                 + (f"  ({r['fixable']} with a fix)" if r["fixable"] else "") for r in rows]
        if not self.quiet:
            lines.append(summary_line(self.severities, self.files, self.with_fix))
        return "".join(line.rstrip() + "\n" for line in lines)


def render(report: Report, fmt: str, *, quiet: bool = False) -> str:
    """The table of ``report`` in ``fmt`` (``text`` or ``json``)."""
    return render_whole(StatisticsOutput(fmt, quiet=quiet), report)
