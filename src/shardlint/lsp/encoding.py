"""Positions in the encoding the client negotiated.

shardlint computes every range in UTF-16 code units (the LSP default).  A client
may negotiate UTF-8 or UTF-32 instead (LSP 3.17 ``positionEncoding``); these
helpers translate both ways, with a fast path for ASCII lines, where all three
agree.
"""

from __future__ import annotations

from lsprotocol import types

from shardlint.diagnostics import Position, Range
from shardlint.textindex import TextIndex

UTF8 = types.PositionEncodingKind.Utf8
UTF16 = types.PositionEncodingKind.Utf16
UTF32 = types.PositionEncodingKind.Utf32


def _units(text: str, encoding: str) -> int:
    if text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    if encoding == UTF32:
        return len(text)
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


class PositionEncoder:
    """Converts between shardlint positions (UTF-16) and the client's units."""

    def __init__(self, encoding: str = UTF16) -> None:
        self.encoding = encoding if encoding in (UTF8, UTF32) else UTF16

    def position(self, index: TextIndex, pos: Position) -> types.Position:
        if self.encoding == UTF16 or pos.line >= index.line_count:
            return types.Position(line=pos.line, character=pos.character)
        offset = index.offset(pos)
        start = index.line_starts[pos.line]
        return types.Position(line=pos.line, character=_units(index.text[start:offset], self.encoding))

    def range(self, index: TextIndex, rng: Range) -> types.Range:
        return types.Range(start=self.position(index, rng.start), end=self.position(index, rng.end))

    def offset_range(self, index: TextIndex, start: int, end: int) -> types.Range:
        """The client range of code-point offsets ``start``..``end``."""
        return self.range(index, index.range(start, end))

    def offset(self, index: TextIndex, pos: types.Position) -> int:
        """The code-point offset of a client position (clamped to its line)."""
        if self.encoding == UTF16 or pos.line >= index.line_count:
            return index.offset(Position(pos.line, pos.character))
        line = index.line_text(pos.line)
        start = index.line_starts[pos.line]
        if line.isascii() or self.encoding == UTF32:
            return start + min(pos.character, len(line))
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return start + i
            units += len(ch.encode("utf-8", "surrogatepass"))
        return start + len(line)
