"""Values are read as Accelerate reads them."""

from __future__ import annotations

import pytest

from shardlint.engine.values import NORMALISERS, render, str_to_bool
from shardlint.validation.evaluator import json_equal as same


@pytest.mark.parametrize(("raw", "expected"), [
    (True, True), (False, False), ("yes", True), ("Y", True), ("on", True), ("1", True), (1, True),
    ("no", False), ("OFF", False), ("f", False), (0, False), ("0", False),
    ("maybe", None), ("", None), (None, None), (2, None), (1.0, None), ([], None),
])
def test_str_to_bool(raw: object, expected: bool | None) -> None:
    assert str_to_bool(raw) is expected


@pytest.mark.parametrize(("name", "raw", "expected"), [
    ("sharding-strategy", 1, "FULL_SHARD"), ("sharding-strategy", "2", "SHARD_GRAD_OP"),
    ("sharding-strategy", "hybrid_shard", "HYBRID_SHARD"), ("sharding-strategy", 5, "HYBRID_SHARD_ZERO2"),
    ("sharding-strategy", "_HYBRID_SHARD_ZERO2", "HYBRID_SHARD_ZERO2"),
    ("sharding-strategy", 6, 6), ("sharding-strategy", "FULL", "FULL"), ("sharding-strategy", True, True),
    ("backward-prefetch", 1, "BACKWARD_PRE"), ("backward-prefetch", "backward_post", "BACKWARD_POST"),
    ("backward-prefetch", 3, 3),
    ("state-dict-type", 3, "SHARDED_STATE_DICT"), ("state-dict-type", "full_state_dict", "FULL_STATE_DICT"),
    ("auto-wrap-policy", "transformer_based_wrap", "TRANSFORMER_BASED_WRAP"), ("auto-wrap-policy", 1, 1),
    ("bool", "true", True), ("bool", "nope", "nope"),
    ("python-bool", "false", True), ("python-bool", False, False), ("python-bool", 0, False),
    ("int", "8", 8), ("int", 8.0, 8), ("int", "1e8", "1e8"), ("int", True, True),
    ("mixed-precision", False, "no"), ("mixed-precision", "BF16", "bf16"),
    ("true-string", "TRUE", True), ("true-string", "yes", False), ("true-string", True, True),
    ("reshard-after-forward", "false", False), ("reshard-after-forward", "FULL_SHARD", "FULL_SHARD"),
    ("reshard-after-forward", 2, "SHARD_GRAD_OP"),
])
def test_normalisers(name: str, raw: object, expected: object) -> None:
    assert same(NORMALISERS[name](raw), expected)


def test_same_keeps_booleans_apart_from_numbers() -> None:
    assert not same(True, 1)
    assert not same(0, False)
    assert same(1, 1.0)
    assert not same("3", 3)
    assert same([1, "a"], (1, "a"))
    assert not same([True], [1]) and not same({"a": [0]}, {"a": [False]}) and same({"a": 1}, {"a": 1.0})


@pytest.mark.parametrize(("value", "text"), [(None, "null"), (True, "true"), ("x", "x"), ({"a": 1}, '{"a": 1}'),
                                              (12, "12")])
def test_render(value: object, text: str) -> None:
    assert render(value) == text


def test_render_survives_an_integer_python_will_not_write_out() -> None:
    assert render(10**5000) == render([10**5000]) == "<a number too long to show>"
