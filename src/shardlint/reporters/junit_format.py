"""``--format junit``: JUnit XML, one test suite per file and one test case per finding.

Findings at or above the fail level are failing test cases, the others passing
ones with the finding as their output, so the failures agree with the exit code.
A file without findings is one passing test case, so CI test tabs list every
checked file.  Characters XML 1.0 cannot hold (control characters a key or a
file name may contain) are written as ``\\uXXXX`` so the report always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View, render_whole
from shardlint.reporters.entries import Entries
from shardlint.reporters.github_format import column

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _case(result: FileResult, diag: Diagnostic, fails: bool) -> ET.Element:
    line = diag.range.start.line + 1
    col = column(result, diag.range.start.line, diag.range.start.character)
    case = ET.Element("testcase", name=f"{diag.code} at {result.path}:{line}:{col}",
                      classname=result.path, file=result.path, line=str(line))
    text = f"{result.path}:{line}:{col}: {diag.code} [{diag.severity.label}] {diag.message}"
    if diag.docs_url:
        text += f"\n{diag.docs_url}"
    if fails:
        ET.SubElement(case, "failure", message=diag.message, type=diag.severity.label).text = text
    else:
        ET.SubElement(case, "system-out").text = text
    return case


def _suite(result: FileResult, fail_level: Severity) -> ET.Element:
    failures = sum(1 for d in result.diagnostics if d.severity <= fail_level)
    suite = ET.Element("testsuite", name=result.path, tests=str(max(1, len(result.diagnostics))),
                       failures=str(failures), errors="0", skipped="0")
    if result.diagnostics:
        suite.extend(_case(result, d, d.severity <= fail_level) for d in result.diagnostics)
    else:
        ET.SubElement(suite, "testcase", name="shardlint", classname=result.path, file=result.path)
    return suite


class JunitOutput:
    """The JUnit report, built file by file as a run reaches them: each file's test suite is
    serialised when it is added and kept in :class:`Entries`, never the files' documents; the
    totals of the opening ``<testsuites>`` tag are counted as the files come."""

    def __init__(self, view: View = View()) -> None:
        self.fail_level = view.fail_level
        self.suites = Entries()
        self.tests = 0
        self.failures = 0

    def reserve(self) -> int:
        """A place in the report for a file added later (``add(..., slot=)``)."""
        return self.suites.reserve()

    def add(self, result: FileResult, failed: bool = False, slot: int | None = None) -> None:
        self.tests += max(1, len(result.diagnostics))
        self.failures += sum(1 for d in result.diagnostics if d.severity <= self.fail_level)
        suite = _suite(result, self.fail_level)
        ET.indent(suite, level=1)
        self.suites.add(f"  {_xml_text(ET.tostring(suite, encoding='unicode'))}\n", failed, slot)

    def pieces(self) -> Iterator[str]:
        """The report in pieces, to be written one after another (no copy of the whole is made)."""
        yield '<?xml version="1.0" encoding="UTF-8"?>\n'
        counts = f'name="shardlint" tests="{self.tests}" failures="{self.failures}" errors="0"'
        if not self.suites.count:
            yield f"<testsuites {counts} />\n"
            return
        yield f"<testsuites {counts}>\n"
        yield from self.suites.pieces()
        yield "</testsuites>\n"

    def render(self) -> str:
        return "".join(self.pieces())


def _xml_text(xml: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", xml)


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    return render_whole(JunitOutput(view), report)
