"""``--statistics``: one line per rule code with how often it fired, instead of every finding.

Every finding is counted, tips included: the table is already one line per code.
"""

from __future__ import annotations

import json
from collections import Counter

from shardlint.diagnostics import Diagnostic
from shardlint.lint import Report
from shardlint.reporters.sarif_format import rule_catalog
from shardlint.reporters.text_format import summary


def _rows(report: Report) -> list[dict[str, object]]:
    first: dict[str, Diagnostic] = {}
    counts: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for result in report.all_files:
        for diag in result.diagnostics:
            first.setdefault(diag.code, diag)
            counts[diag.code] += 1
            fixable[diag.code] += bool(diag.fixes)
    catalog = rule_catalog()
    order = sorted(counts, key=lambda code: (-counts[code], code))
    return [{"code": code, "name": catalog[code].name if code in catalog else "",
             "severity": first[code].severity.label, "count": counts[code], "fixable": fixable[code]}
            for code in order]


def render(report: Report, fmt: str, *, quiet: bool = False) -> str:
    """The table in ``fmt`` (``text`` or ``json``)."""
    rows = _rows(report)
    if fmt == "json":
        return json.dumps(rows, indent=2) + "\n"
    width = max((len(str(r["count"])) for r in rows), default=1)
    code_width = max((len(str(r["code"])) for r in rows), default=1)
    lines = [f"{r['count']:>{width}}  {r['code']:<{code_width}}  {r['severity']:<7}  {r['name']}"
             + (f"  ({r['fixable']} with a fix)" if r["fixable"] else "") for r in rows]
    if not quiet:
        lines.append(summary(report))
    return "".join(line.rstrip() + "\n" for line in lines)
