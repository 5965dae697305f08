"""Position encodings, the fix-all edit, editor settings and YAML values as completions write them."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsprotocol import types

from shardlint.diagnostics import Position
from shardlint.fixes.scalars import yaml_scalar
from shardlint.lint import lint_text
from shardlint.lsp.client_settings import parse_settings
from shardlint.lsp.code_actions import EditBuilder, fix_all
from shardlint.lsp.encoding import UTF8, UTF16, UTF32, PositionEncoder
from shardlint.lsp.suppress import suppression_fix
from shardlint.options import LintOptions
from shardlint.textindex import TextIndex

TEXT = 'a: 1\nname: "\U0001F600 é" # x: y\n'


@pytest.mark.parametrize(("encoding", "character"), [(UTF16, 13), (UTF8, 16), (UTF32, 12)])
def test_positions_round_trip_in_every_encoding(encoding: str, character: int) -> None:
    index = TextIndex(TEXT)
    offset = TEXT.index("# x")
    encoder = PositionEncoder(encoding)
    client = encoder.position(index, index.position(offset))
    assert (client.line, client.character) == (1, character)
    assert encoder.offset(index, types.Position(line=1, character=character)) == offset


def test_positions_past_the_end_are_clamped() -> None:
    index = TextIndex(TEXT)
    assert PositionEncoder(UTF8).offset(index, types.Position(line=1, character=999)) == TEXT.index("\n", 5)
    assert PositionEncoder(UTF8).position(index, Position(9, 0)) == types.Position(line=9, character=0)


@pytest.mark.parametrize(("old", "new", "lines"), [
    ("a: 1\nb: no\nc: 3\n", "a: 1\nb: 'no'\nc: 3\n", [(1, 2)]),
    ("a: 1\nb: 2\n", "a: 1\n", [(1, 2)]),
    ("a: 1\n", "a: 1\nb: 2\n", [(1, 1)]),
    ("a: 1\nb: 2\nc: 3\nd: 4\n", "a: 10\nb: 2\nc: 3\nd: 40\n", [(0, 1), (3, 4)]),
    ("x: \U0001F600\ny: 1\n", "x: \U0001F600\ny: 2\n", [(1, 2)]),
])
def test_fix_all_edits_only_the_changed_lines(tmp_path: Path, old: str, new: str,
                                              lines: list[tuple[int, int]]) -> None:
    result = lint_text(tmp_path / "config.yaml", old, LintOptions())
    encoder = PositionEncoder(UTF16)
    action = fix_all(result, new, encoder, EditBuilder("file:///config.yaml", None, False))
    assert action is not None and action.edit is not None and action.edit.changes is not None
    edits = action.edit.changes["file:///config.yaml"]
    assert [(e.range.start.line, e.range.end.line) for e in edits] == lines
    index, text = TextIndex(old), old
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start, end = encoder.offset(index, edit.range.start), encoder.offset(index, edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    assert text == new
    assert fix_all(result, old, encoder, EditBuilder("file:///config.yaml", None, False)) is None


def test_settings_accept_flat_or_nested_and_report_bad_entries() -> None:
    good = parse_settings({"shardlint": {"select": "FSDP, DS", "ignore": ["HF101"], "lintOnChange": False}})
    assert (good.select, good.ignore, good.lint_on_change, good.problems) == (("FSDP", "DS"), ("HF101",), False, ())
    bad = parse_settings({"enable": "yes", "ignore": ["NOPE1"], "configFile": "/no/such/file.toml"})
    assert bad.enable is True and bad.ignore == () and bad.config_file is None
    assert len(bad.problems) == 3 and any("NOPE1" in p for p in bad.problems)
    assert parse_settings(None).enable and parse_settings([1]).problems


def test_settings_become_lint_options() -> None:
    options = parse_settings({"ignore": ["FSDP100"], "isolated": True}).lint_options()
    assert options.isolated and options.given is not None
    assert options.given.selection is not None and options.given.selection.ignore == ("FSDP100",)
    assert parse_settings({}).lint_options().given is None


@pytest.mark.parametrize(("value", "written"), [
    ("FULL_SHARD", "FULL_SHARD"), ("no", "'no'"), ("NO", "'NO'"), ("1", "'1'"), ("it's", "'it''s'"),
    ("", "''"), (True, "true"), (None, "null"), (3, "3"), ("a: b", "'a: b'"), (1e-05, "1.0e-05"),
    (0.5, "0.5"), ("a\nb", '"a\\nb"'),
])
def test_yaml_scalars_read_back_as_the_same_value(value: object, written: str) -> None:
    import yaml

    assert yaml_scalar(value) == written
    assert yaml.safe_load(f"k: {written}")["k"] == value


def _doc(text: str):
    from pathlib import Path

    from shardlint.loading.reader import read_document

    return read_document(Path("config.yaml"), "config.yaml", text=text)


def _finding(doc, line: int, code: str = "FSDP100"):
    from shardlint.diagnostics import Diagnostic, Range, Severity

    start = Position(line, 0)
    return Diagnostic(code, Severity.ERROR, "m", Range(start, start))


def test_suppression_comment_is_appended_or_joins_the_directive_on_the_line() -> None:
    doc = _doc("a: 1\nb: 2  # shardlint: disable=ACC005\n")
    fresh = suppression_fix(doc, _finding(doc, 0))
    assert fresh is not None and fresh.edits[0].new_text == "  # shardlint: disable=FSDP100"
    assert fresh.edits[0].range.start == Position(0, 4)
    joined = suppression_fix(doc, _finding(doc, 1))
    assert joined is not None and joined.edits[0].new_text == ",FSDP100"
    assert joined.edits[0].range.start == Position(1, len("b: 2  # shardlint: disable=ACC005"))


def test_no_suppression_where_a_comment_would_change_the_data() -> None:
    doc = _doc("script: |\n  echo hi\nb: 2\n")
    assert suppression_fix(doc, _finding(doc, 1)) is None  # inside a block scalar
    assert suppression_fix(doc, _finding(doc, 2, "SL002")) is None
    assert suppression_fix(_doc('{"a": 1}'), _finding(doc, 0)) is None  # JSON has no comments


def test_lint_options_carry_the_open_buffers_for_linked_files(tmp_path) -> None:
    from shardlint.lsp.session import Session
    from shardlint.options import LintOptions

    session = Session(LintOptions)
    session.open("file:///a.yaml", tmp_path / "a.yaml", "distributed_type: NO\n")
    session.open("file:///ds.json", tmp_path / "ds.json", "{")
    assert session.lint_options().buffers == {tmp_path / "a.yaml": "distributed_type: NO\n", tmp_path / "ds.json": "{"}
