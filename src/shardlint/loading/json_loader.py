"""Strict JSON (as ``json.load``, which Hugging Face tooling uses) with exact positions.

A small recursive-descent parser: the standard library gives no positions and
silently keeps the last of duplicate keys, which DeepSpeed itself rejects.
"""

from __future__ import annotations

import re
from typing import Any

from shardlint.document import KeyPath, Node, Span
from shardlint.loading.limits import MAX_DEPTH, LimitExceeded
from shardlint.loading.problems import Problem

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_STRING_CHUNK = re.compile(r'[^"\\\x00-\x1f]*')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}
# json.load also accepts NaN and the infinities; so must we to read what it reads
_LITERALS = (("true", True), ("false", False), ("null", None), ("NaN", float("nan")),
             ("Infinity", float("inf")), ("-Infinity", float("-inf")))


class JSONSyntaxError(Exception):
    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.positions: dict[KeyPath, Node] = {}
        self.problems: list[Problem] = []

    def ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def fail(self, message: str, i: int) -> JSONSyntaxError:
        if i >= len(self.text):
            return JSONSyntaxError(f"{message}: unexpected end of file", i)
        return JSONSyntaxError(f"{message}, found {self.text[i]!r}", i)

    def value(self, i: int, path: KeyPath, key: Span | None) -> tuple[Any, int]:
        if len(path) > MAX_DEPTH:
            raise LimitExceeded(f"nesting deeper than {MAX_DEPTH} levels", i)
        text = self.text
        ch = text[i:i + 1]
        if ch == "{":
            value, end = self.object(i, path)
        elif ch == "[":
            value, end = self.array(i, path)
        elif ch == '"':
            value, end = self.string(i)
        else:
            for word, literal in _LITERALS:
                if text.startswith(word, i):
                    value, end = literal, i + len(word)
                    break
            else:
                m = _NUMBER.match(text, i)
                if not m:
                    raise self.fail("expected a JSON value", i)
                try:
                    value = float(m.group()) if (m.group(1) or m.group(2)) else int(m.group())
                except ValueError as exc:  # an integer over Python's digit limit: json.load refuses it too
                    raise JSONSyntaxError(f"invalid number: {exc}", i) from None
                end = m.end()
        self.positions[path] = Node(key, Span(i, end))
        return value, end

    def object(self, i: int, path: KeyPath) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        first_at: dict[str, int] = {}
        i = self.ws(i + 1)
        if self.text[i:i + 1] == "}":
            return out, i + 1
        while True:
            if self.text[i:i + 1] != '"':
                raise self.fail("expected a double-quoted key", i)
            key, end = self.string(i)
            key_span = Span(i, end)
            i = self.ws(end)
            if self.text[i:i + 1] != ":":
                raise self.fail("expected ':' after the key", i)
            i = self.ws(i + 1)
            if key in first_at:
                line = self.text.count("\n", 0, first_at[key]) + 1
                self.problems.append(Problem(
                    "duplicate-key", f"duplicate key {key!r} (first on line {line}): json.load keeps only the "
                    "last value, and DeepSpeed's own loader refuses the file", key_span.start, key_span.end))
                prefix = path + (key,)
                for p in [p for p in self.positions if p[: len(prefix)] == prefix]:
                    del self.positions[p]
            first_at.setdefault(key, key_span.start)
            out[key], i = self.value(i, path + (key,), key_span)
            i = self.ws(i)
            ch = self.text[i:i + 1]
            if ch == "}":
                return out, i + 1
            if ch != ",":
                raise self.fail("expected ',' or '}'", i)
            i = self.ws(i + 1)
            if self.text[i:i + 1] == "}":
                raise self.fail("trailing comma before '}' is not allowed in JSON", i - 1)

    def array(self, i: int, path: KeyPath) -> tuple[list[Any], int]:
        out: list[Any] = []
        i = self.ws(i + 1)
        if self.text[i:i + 1] == "]":
            return out, i + 1
        while True:
            item, i = self.value(i, path + (len(out),), None)
            out.append(item)
            i = self.ws(i)
            ch = self.text[i:i + 1]
            if ch == "]":
                return out, i + 1
            if ch != ",":
                raise self.fail("expected ',' or ']'", i)
            i = self.ws(i + 1)
            if self.text[i:i + 1] == "]":
                raise self.fail("trailing comma before ']' is not allowed in JSON", i - 1)

    def string(self, i: int) -> tuple[str, int]:
        text = self.text
        parts: list[str] = []
        j = i + 1
        while True:
            m = _STRING_CHUNK.match(text, j)
            parts.append(m.group())  # type: ignore[union-attr]
            j = m.end()  # type: ignore[union-attr]
            ch = text[j:j + 1]
            if ch == '"':
                return _join_surrogates("".join(parts)), j + 1
            if ch == "\\":
                esc = text[j + 1:j + 2]
                if esc == "u":
                    code = text[j + 2:j + 6]
                    if not re.fullmatch(r"[0-9a-fA-F]{4}", code):
                        raise JSONSyntaxError("invalid \\u escape in string", j)
                    parts.append(chr(int(code, 16)))
                    j += 6
                elif esc in _ESCAPES:
                    parts.append(_ESCAPES[esc])
                    j += 2
                else:
                    raise JSONSyntaxError(f"invalid escape '\\{esc}' in string", j)
            elif ch == "":
                raise JSONSyntaxError("unterminated string", i)
            else:
                raise JSONSyntaxError("control character in string (escape it, e.g. \\n or \\t)", j)


def _join_surrogates(value: Any) -> Any:
    """json.loads joins \\ud83d\\ude00 pairs; so do we, only where needed."""
    if isinstance(value, str) and any("\ud800" <= c <= "\udfff" for c in value):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return value


def load_json(text: str) -> tuple[Any, dict[KeyPath, Node], list[Problem]]:
    """Parse ``text``; on a syntax error the value is ``None``."""
    parser = _Parser(text)
    try:
        start = parser.ws(0)
        if start == len(text):
            return None, {}, []
        data, end = parser.value(start, (), None)
        end = parser.ws(end)
        if end != len(text):
            raise parser.fail("expected the end of the file after the JSON value", end)
    except JSONSyntaxError as exc:
        return None, {}, [Problem("syntax", f"JSON syntax error: {exc}", exc.offset, exc.offset + 1)]
    except LimitExceeded as exc:
        return None, {}, [Problem("over-a-limit", str(exc), exc.offset, exc.offset)]
    return data, parser.positions, parser.problems
