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

from shardlint.diagnostics import Diagnostic, Severity
from shardlint.lint import FileResult, Report
from shardlint.reporters import View
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


def render(report: Report, *, color: bool = False, view: View = View()) -> str:
    files = report.all_files
    failures = sum(1 for f in files for d in f.diagnostics if d.severity <= view.fail_level)
    root = ET.Element("testsuites", name="shardlint",
                      tests=str(sum(max(1, len(f.diagnostics)) for f in files)), failures=str(failures),
                      errors="0")
    root.extend(_suite(f, view.fail_level) for f in files)
    ET.indent(root)
    xml = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"
