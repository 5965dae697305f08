"""Inline suppressions in YAML comments.

``# shardlint: disable=CODE[,CODE]`` at the end of a line silences those codes on
that line; on a line of its own it silences them on the next line that holds
content.  ``# shardlint: disable-file=CODE[,CODE]`` silences them in the whole
file.  JSON has no comments: JSON files use ``per-file-ignores``.

A reason can follow as a second comment (``# shardlint: disable=CODE  # why``).
A directive that silences nothing is reported as SUP001, with a fix that
removes it with its reason (or only its unused codes); one that cannot be read is SUP002.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal, NamedTuple

from shardlint.builtins import finding
from shardlint.diagnostics import Diagnostic, Fix, TextEdit
from shardlint.document import Document
from shardlint.settings.selectors import is_code

_MARKER = re.compile(r"(?:^|(?<=\s))#\s*shardlint\s*:", re.IGNORECASE)
_DIRECTIVE = re.compile(r"#\s*shardlint\s*:\s*(?P<kind>disable-file|disable)\s*=\s*"
                        r"(?P<codes>[^\s,#]+(?:\s*,\s*[^\s,#]+)*)\s*(?=#|$)", re.IGNORECASE)


class Directive(NamedTuple):
    kind: Literal["line", "file"]
    codes: tuple[str, ...]
    start: int  # offset of the '#'
    end: int  # offset just past the last code
    codes_start: int
    line: int  # 0-based line of the comment
    target_line: int | None  # the line a "line" directive covers
    used: set[str]  # the codes it silenced, filled in by apply()


class Malformed(NamedTuple):
    start: int
    end: int
    reason: str


def _scalar_spans(doc: Document) -> tuple[list[int], list[int]]:
    """Sorted starts and ends of every scalar (keys and values) so '#' inside strings is skipped."""
    spans = []
    for node in doc.positions.values():
        if node.key is not None:
            spans.append((node.key.start, node.key.end))
        if node.style is not None:
            spans.append((node.value.start, node.value.end))
    spans.sort()
    return [s for s, _ in spans], [e for _, e in spans]


def _inside_scalar(offset: int, starts: list[int], ends: list[int]) -> bool:
    i = bisect_right(starts, offset) - 1
    return i >= 0 and starts[i] <= offset < ends[i]


def _next_content_line(lines: list[str], after: int) -> int | None:
    for number in range(after + 1, len(lines)):
        stripped = lines[number].strip()
        if stripped and not stripped.startswith("#"):
            return number
    return None


def parse(doc: Document) -> tuple[list[Directive], list[Malformed]]:
    """The suppression comments of a YAML document."""
    if doc.syntax != "yaml" or "shardlint" not in doc.text.lower():
        return [], []
    starts, ends = _scalar_spans(doc)
    lines = doc.text.split("\n")
    directives: list[Directive] = []
    malformed: list[Malformed] = []
    line_start = 0
    for number, line in enumerate(lines):
        for marker in _MARKER.finditer(line):
            offset = line_start + marker.start()
            if _inside_scalar(offset, starts, ends):
                continue
            found = _DIRECTIVE.match(line, marker.start())
            if found is None:
                malformed.append(Malformed(offset, line_start + len(line.rstrip()),
                                           "expected `# shardlint: disable=CODE[,CODE]` "
                                           "or `# shardlint: disable-file=CODE[,CODE]`"))
                break
            codes = tuple(c.strip() for c in found["codes"].split(","))
            bad = [c for c in codes if not is_code(c)]
            if bad:
                malformed.append(Malformed(offset, line_start + found.end("codes"),
                                           f"{', '.join(bad)} is not a rule code (such as FSDP101)"))
                break
            own_line = not line[:marker.start()].strip()
            kind: Literal["line", "file"] = "file" if found["kind"].lower() == "disable-file" else "line"
            target = _next_content_line(lines, number) if own_line else number
            directives.append(Directive(kind, codes, offset, line_start + found.end("codes"),
                                        line_start + found.start("codes"), number, target, set()))
            break
        line_start += len(line) + 1
    return directives, malformed


def apply(diagnostics: list[Diagnostic], directives: list[Directive]) -> list[Diagnostic]:
    """The diagnostics no directive silences; marks the codes each directive used."""
    kept = []
    for diag in diagnostics:
        silenced = False
        for directive in directives:
            if diag.code in directive.codes and (
                    directive.kind == "file" or directive.target_line == diag.range.start.line):
                directive.used.add(diag.code)
                silenced = True
        if not silenced:
            kept.append(diag)
    return kept


def _removal(doc: Document, directive: Directive) -> TextEdit:
    """An edit removing the directive and the reason comment after it, if any: its whole line when
    nothing else is on it, else from the end of the line's content to the end of the line."""
    text = doc.text
    line_start = doc.index.line_starts[directive.line]
    line_end = text.find("\n", directive.start)
    line_end = len(text) if line_end == -1 else line_end
    if line_end > line_start and text[line_end - 1] == "\r":
        line_end -= 1
    before = text[line_start:directive.start]
    if not before.strip():  # alone on its line: drop the line
        end = text.find("\n", directive.start)
        return TextEdit(doc.index.range(line_start, len(text) if end == -1 else end + 1), "")
    start = line_start + len(before.rstrip(" \t"))
    return TextEdit(doc.index.range(start, line_end), "")


def unused(doc: Document, directives: list[Directive]) -> list[Diagnostic]:
    """SUP001 for each directive with codes that silenced nothing."""
    out = []
    for directive in directives:
        idle = [c for c in directive.codes if c not in directive.used]
        if not idle:
            continue
        where = "in this file" if directive.kind == "file" else (
            f"on line {directive.target_line + 1}" if directive.target_line is not None else "below it")
        listed = ", ".join(idle)
        if len(idle) == len(directive.codes):
            edit = _removal(doc, directive)
            title = "Remove the unused suppression"
        else:
            separator = ", " if ", " in doc.text[directive.codes_start:directive.end] else ","
            kept = separator.join(c for c in directive.codes if c not in idle)
            edit = TextEdit(doc.index.range(directive.codes_start, directive.end), kept)
            title = f"Remove {listed} from the suppression"
        out.append(finding("SUP001", f"unused suppression: no {listed} finding {where}",
                           doc.index.range(directive.start, directive.end), fixes=[Fix(title, "safe", (edit,))]))
    return out


def malformed_diagnostics(doc: Document, malformed: list[Malformed]) -> list[Diagnostic]:
    return [finding("SUP002", f"unreadable suppression comment: {m.reason}", doc.index.range(m.start, m.end))
            for m in malformed]
