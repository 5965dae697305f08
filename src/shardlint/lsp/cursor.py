"""Where the cursor is in a config, even while the text does not parse.

Completion runs on half-typed lines (``  fsdp_sh``), which no YAML or JSON
parser accepts, so the key path is recovered from the text itself: YAML by
indentation and ``- `` markers, JSON by a tolerant bracket-and-string scan.
Hover on a parsed document uses the exact position map instead
(:func:`key_at`).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal

from shardlint.document import Document, KeyPath

Role = Literal["key", "value"]

_WORD = re.compile(r"[\w.\-+]*")
_YAML_KEY = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\[\]{},&*!|>%@`-][^#]*?|-[^\s#][^#]*?)[ \t]*:(?=\s|$)""")


@dataclass
class Cursor:
    """What is being typed: a key in the mapping at ``path``, or the value of ``path``."""

    role: Role
    path: KeyPath
    prefix: str  # the part of the word before the cursor (without an opening quote)
    start: int  # code-point offset where the replacement starts (at an opening quote, if any)
    end: int  # where it ends (after the word and a closing quote, if any)
    quoted: bool = False  # JSON: the cursor is inside a string
    siblings: frozenset[str] = field(default_factory=frozenset)  # keys already in that mapping
    text: str = ""  # the whole buffer

    @property
    def word(self) -> str:
        """The whole key or value under the cursor, as written (quotes stripped)."""
        return self.text[self.start:self.end].strip("\"'")


def key_at(doc: Document, offset: int) -> tuple[KeyPath, Role] | None:
    """The deepest key whose key (or scalar value) span holds ``offset``."""
    best: tuple[KeyPath, Role] | None = None
    for path, node in doc.positions.items():
        if not path:
            continue
        if node.key is not None and node.key.start <= offset <= node.key.end:
            role: Role = "key"
        elif node.value.start <= offset <= node.value.end and not isinstance(doc.get(path), (dict, list)):
            role = "value"
        else:
            continue
        if best is None or len(path) > len(best[0]):
            best = (path, role)
    return best


def cursor_at(text: str, offset: int, syntax: str) -> Cursor | None:
    return json_cursor(text, offset) if syntax == "json" else yaml_cursor(text, offset)


# --- YAML -------------------------------------------------------------------------------


@dataclass
class _Line:
    indent: int  # column of the first non-space character
    dashes: list[int]  # columns of leading "- " sequence markers
    content: int  # column after the markers
    key: str | None = None
    value_col: int | None = None  # column where the value starts (after ": ")


def _parse_line(line: str) -> _Line | None:
    """``None`` for blank and comment-only lines."""
    stripped = line.lstrip(" ")
    if not stripped.strip() or stripped.startswith("#"):
        return None
    i = indent = len(line) - len(stripped)
    dashes = []
    while line.startswith("- ", i) or line[i:].rstrip() == "-":
        dashes.append(i)
        i += 1
        while i < len(line) and line[i] == " ":
            i += 1
    parsed = _Line(indent, dashes, i)
    match = _YAML_KEY.match(line, i)
    if match:
        raw = match.group(1)
        parsed.key = raw[1:-1] if raw[:1] in "\"'" and len(raw) > 1 else raw
        rest = line[match.end():]
        parsed.value_col = match.end() + len(rest) - len(rest.lstrip(" \t"))
    return parsed


def _parents(lines: list[str], row: int, need: int, in_list: bool, path: list[str | int]) -> KeyPath:
    """The key path of the mapping (or, ``in_list``, sequence) whose entries start at column ``need``."""
    index = 0
    for j in range(row - 1, -1, -1):
        line = _parse_line(lines[j])
        if line is None:
            continue
        if in_list:
            if line.dashes and line.dashes[-1] == need and line.indent == need:
                index += 1
                continue
            if line.indent > need or (line.indent == need and line.dashes):
                continue
            if line.key is None or line.content > need:
                continue
            path.insert(0, index)
            path.insert(0, line.key)
        else:
            if line.indent >= need:
                continue
            if line.dashes and line.content == need:  # the list item holding our mapping
                for _ in line.dashes[1:]:
                    path.insert(0, 0)
                need, in_list, index = line.dashes[0], True, 0
                continue
            if line.key is None or line.content >= need:
                continue
            path.insert(0, line.key)
        index = 0
        if line.dashes:
            for _ in line.dashes[1:]:
                path.insert(0, 0)
            need, in_list = line.dashes[0], True
        else:
            need, in_list = line.content, False
        if need == 0 and not in_list:
            break
    if in_list:
        path.insert(0, index)
    return tuple(path)


def _yaml_siblings(lines: list[str], row: int, column: int) -> frozenset[str]:
    keys: set[str] = set()
    for step in (-1, 1):
        j = row + step
        while 0 <= j < len(lines):
            line = _parse_line(lines[j])
            j += step
            if line is None:
                continue
            if line.dashes and line.indent < column:  # a list item starts: ours (above) or the next
                if step == -1 and line.content == column and line.key:
                    keys.add(line.key)
                break
            if line.content < column:
                break
            if line.content == column and line.key:
                keys.add(line.key)
    return frozenset(keys)


def yaml_cursor(text: str, offset: int) -> Cursor | None:
    line_start = text.rfind("\n", 0, offset) + 1
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end == -1 else line_end
    full = text[line_start:line_end].rstrip("\r")
    col = offset - line_start
    lines = text.split("\n")
    row = text.count("\n", 0, line_start)
    line = _parse_line(full) or _Line(len(full) - len(full.lstrip(" ")), [], len(full) - len(full.lstrip(" ")))
    if col < line.content and full[:col].strip(" -"):
        return None
    if line.key is not None and line.value_col is not None and col >= line.value_col:
        # the value of ``key``
        value_text = full[line.value_col:].split(" #", 1)[0].rstrip()
        if full[line.value_col:line.value_col + 1] in ("|", ">", "[", "{"):
            return None
        prefix = full[line.value_col:col].lstrip("\"'")
        path = _item_path(lines, row, line) if line.dashes else _parents(lines, row, line.content, False, [])
        return Cursor("value", path + (line.key,), prefix, line_start + line.value_col,
                      line_start + max(col, line.value_col + len(value_text)), text=text)
    before = full[line.content:col]
    if _WORD.fullmatch(before) is None:
        return None
    after = _WORD.match(full, col)
    end = after.end() if after else col
    parent = _item_path(lines, row, line) if line.dashes else _parents(lines, row, line.content, False, [])
    siblings = _yaml_siblings(lines, row, line.content) - {full[line.content:end]}
    return Cursor("key", parent, before, line_start + line.content, line_start + end,
                  siblings=siblings, text=text)


def _item_path(lines: list[str], row: int, line: _Line) -> KeyPath:
    """The path of the list item a ``- key`` line opens (nested ``- - key`` items included)."""
    return _parents(lines, row, line.dashes[0], True, []) + (0,) * (len(line.dashes) - 1)


# --- JSON -------------------------------------------------------------------------------


@dataclass
class _Frame:
    path: KeyPath
    is_object: bool
    key: str | None = None
    index: int = 0
    expect_key: bool = True
    keys: set[str] = field(default_factory=set)


def _string_end(text: str, start: int, limit: int) -> int:
    """Offset of the closing quote of the string opening at ``start``, or -1 before ``limit``."""
    i = start + 1
    while i < limit:
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            return i
        if ch == "\n":
            return -1
        i += 1
    return -1


def json_cursor(text: str, offset: int) -> Cursor | None:
    stack: list[_Frame] = []
    i = 0
    word_start: int | None = None
    open_quote: int | None = None
    while i < offset:
        ch = text[i]
        if ch == '"':
            end = _string_end(text, i, offset)
            if end == -1:
                open_quote = i
                break
            top = stack[-1] if stack else None
            if top is not None and top.is_object and top.expect_key:
                try:
                    top.key = json.loads(text[i:end + 1])
                except ValueError:
                    top.key = text[i + 1:end]
                top.keys.add(top.key)
            i, word_start = end + 1, None
            continue
        if ch in "{[":
            parent = stack[-1] if stack else None
            path: KeyPath = ()
            if parent is not None:
                step = parent.key if parent.is_object else parent.index
                path = parent.path + ((step,) if step is not None else ())
            stack.append(_Frame(path, ch == "{"))
        elif ch in "}]":
            if stack:
                stack.pop()
        elif ch == ":" and stack and stack[-1].is_object:
            stack[-1].expect_key = False
        elif ch == "," and stack:
            top = stack[-1]
            if top.is_object:
                top.expect_key, top.key = True, None
            else:
                top.index += 1
        if ch.isalnum() or ch in "-+._":
            word_start = i if word_start is None else word_start
        else:
            word_start = None
        i += 1
    if not stack:
        return None
    top = stack[-1]
    start = open_quote if open_quote is not None else (word_start if word_start is not None else offset)
    prefix = text[start + 1 if open_quote is not None else start:offset]
    end = _json_token_end(text, offset, open_quote is not None)
    if top.is_object and top.expect_key:
        return Cursor("key", top.path, prefix, start, end, open_quote is not None,
                      frozenset(top.keys - {prefix}), text=text)
    if top.is_object:
        if top.key is None:
            return None
        return Cursor("value", top.path + (top.key,), prefix, start, end, open_quote is not None, text=text)
    return Cursor("value", top.path + (top.index,), prefix, start, end, open_quote is not None, text=text)


def _json_token_end(text: str, offset: int, quoted: bool) -> int:
    if quoted:
        close = _string_end(text, offset - 1, len(text)) if offset > 0 else -1
        newline = text.find("\n", offset)
        if close != -1 and (newline == -1 or close < newline):
            return close + 1
        return offset
    match = _WORD.match(text, offset)
    return match.end() if match else offset
