"""Position encodings, the fix-all edit and editor settings."""

from __future__ import annotations

import pytest
from lsprotocol import types

from shardlint.diagnostics import Position
from shardlint.lsp.client_settings import parse_settings
from shardlint.lsp.code_actions import minimal_edit
from shardlint.lsp.encoding import UTF8, UTF16, UTF32, PositionEncoder
from shardlint.lsp.render import yaml_scalar
from shardlint.lsp.suppress import suppression_fix
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


@pytest.mark.parametrize(("old", "new"), [
    ("a: 1\nb: no\nc: 3\n", "a: 1\nb: 'no'\nc: 3\n"),
    ("a: 1\nb: 2\n", "a: 1\n"),
    ("a: 1\n", "a: 1\nb: 2\n"),
    ("x\n", "y\n"),
    ("same\n", "same\n"),
])
def test_minimal_edit_turns_old_into_new_touching_only_changed_lines(old: str, new: str) -> None:
    edit = minimal_edit(old, new)
    index = TextIndex(old)
    start, end = index.offset(edit.range.start), index.offset(edit.range.end)
    assert old[:start] + edit.new_text + old[end:] == new
    assert edit.range.start.line >= next((i for i, (a, b) in enumerate(zip(old.split("\n"), new.split("\n")))
                                          if a != b), 0)


def test_settings_accept_flat_or_nested_and_report_bad_entries() -> None:
    good = parse_settings({"shardlint": {"select": "FSDP, DS", "ignore": ["HF101"], "lintOnChange": False}})
    assert (good.select, good.ignore, good.lint_on_change, good.problems) == (("FSDP", "DS"), ("HF101",), False, ())
    bad = parse_settings({"enable": "yes", "ignore": ["NOPE1"], "configFile": "/no/such/file.toml"})
    assert bad.enable is True and bad.ignore == () and bad.config_file is None
    assert len(bad.problems) == 3 and any("NOPE1" in p for p in bad.problems)
    assert parse_settings(None).enable and parse_settings([1]).problems


def test_settings_become_lint_options() -> None:
    options = parse_settings({"ignore": ["FSDP100"], "isolated": True}).lint_options()
    assert options.isolated and options.overrides is not None
    assert options.overrides.selection is not None and options.overrides.selection.ignore == ("FSDP100",)
    assert parse_settings({}).lint_options().overrides is None


@pytest.mark.parametrize(("value", "written"), [
    ("FULL_SHARD", "FULL_SHARD"), ("no", "'no'"), ("NO", "'NO'"), ("1", "'1'"), ("it's", "it's"),
    ("", "''"), (True, "true"), (None, "null"), (3, "3"), ("a: b", "'a: b'"),
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
