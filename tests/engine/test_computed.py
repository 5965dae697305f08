"""The values fixes compute (``fix: {compute: ...}``): only when the old value is unambiguous."""

from __future__ import annotations

import pytest

from shardlint.engine.computed import comma_joined, fsdp2_reshard_after_forward, whole_number


@pytest.mark.parametrize(("value", "expected"), [
    ("1e8", 100_000_000), ("1E+08", 100_000_000), (100_000_000.0, 100_000_000), (1e30, 10**30),
    ("2.5e1", 25), (" 1e3", 1000), ("9.5e4299", 95 * 10**4298),
    ("1e4300", None), ("1e999999999", None),  # over Python's limit on an integer's digits as text
    ("1.5", None), (1.5, None), ("100M", None), ("nan", None), (float("inf"), None), (True, None), (7, None),
])
def test_whole_number(value: object, expected: int | None) -> None:
    assert whole_number(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    (["LlamaDecoderLayer"], "LlamaDecoderLayer"), (["T5Block", "T5LayerFF"], "T5Block,T5LayerFF"),
    ([], None), (["A,B"], None), (["A", 3], None), ([""], None), ("A,B", None),
])
def test_comma_joined(value: object, expected: str | None) -> None:
    assert comma_joined(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("FULL_SHARD", True), ("hybrid_shard", True), (1, True), ("SHARD_GRAD_OP", False), ("NO_SHARD", False),
    ("HYBRID_SHARD_ZERO2", False), ("_HYBRID_SHARD_ZERO2", False), ("5", False), ("NO_RESHARD", None),
    (True, None), (6, None),
])
def test_fsdp2_reshard_after_forward_follows_to_fsdp2(value: object, expected: bool | None) -> None:
    assert fsdp2_reshard_after_forward(value) is expected
