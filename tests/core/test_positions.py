"""LSP positions count UTF-16 code units; the text index converts both ways."""

from shardlint.diagnostics import Position
from shardlint.textindex import TextIndex


def test_utf16_columns_after_astral_characters():
    text = "# 😀 é\nkey: 😀x\n"
    index = TextIndex(text)
    offset = text.index("x")
    assert index.position(offset) == Position(1, 7)  # "key: " (5) + surrogate pair (2)
    assert index.offset(Position(1, 7)) == offset


def test_round_trip_on_every_offset():
    text = "a: 1\r\nb: 'ü😀'\n\nc: [x]\n"
    index = TextIndex(text)
    for offset in range(len(text) + 1):
        assert index.offset(index.position(offset)) == offset


def test_positions_past_the_end_are_clamped():
    index = TextIndex("a: 1\n")
    assert index.offset(Position(9, 0)) == 5
    assert index.offset(Position(0, 99)) == 4
