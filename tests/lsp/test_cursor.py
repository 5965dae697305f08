"""The key path under the cursor, recovered from half-typed YAML and JSON."""

from __future__ import annotations

import pytest

from shardlint.lsp.cursor import json_cursor, yaml_cursor


def at(marked: str) -> tuple[str, int]:
    """The text without its ``|`` marker, and the marker's offset."""
    return marked.replace("|", "", 1), marked.index("|")


@pytest.mark.parametrize(("marked", "role", "path", "prefix", "siblings"), [
    ("|", "key", (), "", set()),
    ("distributed_type: FSDP\ndis|", "key", (), "dis", {"distributed_type"}),
    ("fsdp_config:\n  fsdp_version: 2\n  fsdp_sh|\n  fsdp_offload_params: false\nnum_processes: 2\n",
     "key", ("fsdp_config",), "fsdp_sh", {"fsdp_version", "fsdp_offload_params"}),
    ("fsdp_config:\n  fsdp_sharding_strategy: FU|LL\n", "value", ("fsdp_config", "fsdp_sharding_strategy"), "FU", set()),
    ("deepspeed_config:\n  zero_stage: 3\n\n  # offload below\n  off|\n", "key", ("deepspeed_config",), "off",
     {"zero_stage"}),
    ("a:\n  b:\n    c: 1\n  d|\n", "key", ("a",), "d", {"b"}),
    ("a:\n  b:\n    c: 1\n    d: |\n", "value", ("a", "b", "d"), "", set()),
    ("b:\n  - x: 1\n    y|\n", "key", ("b", 0), "y", {"x"}),
    ("b:\n- x: 1\n  y: 2\n- z: 3\n  q|\n", "key", ("b", 1), "q", {"z"}),
    ("mixed_precision: 'b|f16'\n", "value", ("mixed_precision",), "b", set()),
])
def test_yaml_cursor(marked: str, role: str, path: tuple, prefix: str, siblings: set[str]) -> None:
    cursor = yaml_cursor(*at(marked))
    assert cursor is not None
    assert (cursor.role, cursor.path, cursor.prefix, set(cursor.siblings)) == (role, path, prefix, siblings)


def test_yaml_cursor_spans_the_whole_word() -> None:
    text, offset = at("fsdp_config:\n  fsdp_sharding_strategy: FU|LL_SHARD  # comment\n")
    cursor = yaml_cursor(text, offset)
    assert cursor is not None and text[cursor.start:cursor.end] == "FULL_SHARD" and cursor.word == "FULL_SHARD"


@pytest.mark.parametrize("marked", ["key: >\n  block text|\n", "# a comment|\n", "key: [a, b|]\n"])
def test_yaml_cursor_gives_up_where_nothing_fits(marked: str) -> None:
    assert yaml_cursor(*at(marked)) is None


@pytest.mark.parametrize(("marked", "role", "path", "prefix", "quoted", "replaced"), [
    ('{"zero_optimization": {"stage": 3, "off|"}}', "key", ("zero_optimization",), "off", True, '"off"'),
    ('{"zero_optimization": {"stage": 3, "off|', "key", ("zero_optimization",), "off", True, '"off'),
    ('{"zero_optimization": {"stage": |}}', "value", ("zero_optimization", "stage"), "", False, ""),
    ('{"optimizer": {"type": "Ad|am"}}', "value", ("optimizer", "type"), "Ad", True, '"Adam"'),
    ('{"a": [1, {"b": |', "value", ("a", 1, "b"), "", False, ""),
    ('{"fp16": {"enabled": tr|}}', "value", ("fp16", "enabled"), "tr", False, "tr"),
    ('{"a\\"b": {"c": 1, |', "key", ('a"b',), "", False, ""),
    ('{\n  |\n}', "key", (), "", False, ""),
])
def test_json_cursor(marked: str, role: str, path: tuple, prefix: str, quoted: bool, replaced: str) -> None:
    text, offset = at(marked)
    cursor = json_cursor(text, offset)
    assert cursor is not None
    assert (cursor.role, cursor.path, cursor.prefix, cursor.quoted) == (role, path, prefix, quoted)
    assert text[cursor.start:cursor.end] == replaced


def test_json_cursor_knows_the_keys_already_written() -> None:
    cursor = json_cursor(*at('{"zero_optimization": {"stage": 3, "overlap_comm": true, |}}'))
    assert cursor is not None and cursor.siblings == {"stage", "overlap_comm"}


def test_json_cursor_outside_any_object() -> None:
    assert json_cursor(*at('|{"a": 1}')) is None
