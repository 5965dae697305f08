"""The did-you-mean matcher on its own."""

from __future__ import annotations

import pytest

from shardlint.validation.suggest import closest, edit_distance


@pytest.mark.parametrize(("a", "b", "distance"), [
    ("kitten", "sitting", 3), ("WARP", "WRAP", 1), ("", "abc", 3), ("same", "same", 0), ("ab", "ba", 1),
])
def test_edit_distance(a: str, b: str, distance: int) -> None:
    assert edit_distance(a, b) == distance == edit_distance(b, a)


def test_edit_distance_gives_up_past_the_limit() -> None:
    assert edit_distance("fsdp_version", "zero_stage", 2) == 3


@pytest.mark.parametrize(("word", "meant"), [
    ("TRANSFORMER_BASED_WARP", "TRANSFORMER_BASED_WRAP"),
    ("zero_optimisation", "zero_optimization"),
    ("train_micro_batch_size", "train_micro_batch_size_per_gpu"),
    ("gradient_clip", "gradient_clipping"),
    ("cpu", "cpu"),
    ("Fp16", "fp16"),
])
def test_closest_finds_what_was_meant(word: str, meant: str) -> None:
    candidates = ["TRANSFORMER_BASED_WRAP", "SIZE_BASED_WRAP", "zero_optimization", "train_batch_size",
                  "train_micro_batch_size_per_gpu", "gradient_clipping", "gradient_accumulation_steps",
                  "cpu", "nvme", "fp16", "bf16"]
    assert closest(word, candidates) == meant


@pytest.mark.parametrize("word", ["x", "completely_unrelated_setting", "zz"])
def test_closest_stays_quiet_when_nothing_is_close(word: str) -> None:
    assert closest(word, ["fsdp_version", "fsdp_offload_params", "fsdp_sharding_strategy"]) is None
