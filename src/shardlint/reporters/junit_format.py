"""``--format junit``: JUnit XML, one test suite per file and one failing test case per finding.

A file without findings is one passing test case, so CI test tabs list every
checked file.  Characters XML 1.0 cannot hold (control characters a key or a
file name may contain) are written as ``\\uXXXX`` so the report always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from shardlint.diagnostics import Diagnostic
from shardlint.lint import FileResult, Report
from shardlint.reporters.github_format import column

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _case(result: FileResult, diag: Diagnostic) -> ET.Element:
    line = diag.range.start.line + 1
    col = column(result, diag.range.start.line, diag.range.start.character)
    case = ET.Element("testcase", name=f"{diag.code} at {result.path}:{line}:{col}",
                      classname=result.path, file=result.path, line=str(line))
    failure = ET.SubElement(case, "failure", message=diag.message, type=diag.severity.label)
    failure.text = f"{result.path}:{line}:{col}: {diag.code} [{diag.severity.label}] {diag.message}"
    if diag.docs_url:
        failure.text += f"\n{diag.docs_url}"
    return case


def _suite(result: FileResult) -> ET.Element:
    suite = ET.Element("testsuite", name=result.path, tests=str(max(1, len(result.diagnostics))),
                       failures=str(len(result.diagnostics)), errors="0", skipped="0")
    if result.diagnostics:
        suite.extend(_case(result, d) for d in result.diagnostics)
    else:
        ET.SubElement(suite, "testcase", name="shardlint", classname=result.path, file=result.path)
    return suite


def render(report: Report, *, color: bool = False) -> str:
    files = report.all_files
    failures = sum(len(f.diagnostics) for f in files)
    root = ET.Element("testsuites", name="shardlint",
                      tests=str(sum(max(1, len(f.diagnostics)) for f in files)), failures=str(failures),
                      errors="0")
    root.extend(_suite(f) for f in files)
    ET.indent(root)
    xml = _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", ET.tostring(root, encoding="unicode"))
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"
