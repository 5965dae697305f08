"""Key paths: parsing, Accelerate's prefix aliases, wildcards and bindings."""

from __future__ import annotations

import pytest

from shardlint.engine.paths import PathError, bind, lookup, matches, parse_path

DATA = {
    "distributed_type": "FSDP",
    "fsdp_config": {"sharding_strategy": 1, "fsdp_offload_params": True, "fsdp_version": 2},
    "deepspeed_config": {"offload_param_device": "cpu", "offload_optimizer_device": "nvme"},
    "list": [{"a": 1}, {"a": 2}],
}


@pytest.mark.parametrize(("text", "parsed"), [
    ("", ()), ("a", ("a",)), ("a.b", ("a", "b")), ("a[0].b", ("a", 0, "b")), ("a[1][2]", ("a", 1, 2)),
    ("a.*.b", ("a", "*", "b")), ("**.stage", ("**", "stage")),
])
def test_parse(text: str, parsed: tuple) -> None:
    assert parse_path(text) == parsed


@pytest.mark.parametrize("text", ["a..b", "a[x]", ".a"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(PathError):
        parse_path(text)


def test_lookup_resolves_the_fsdp_prefix_only_inside_fsdp_config() -> None:
    assert lookup(DATA, ("fsdp_config", "fsdp_sharding_strategy"), True) == (
        True, 1, ("fsdp_config", "sharding_strategy"))
    assert lookup(DATA, ("fsdp_config", "fsdp_sharding_strategy"), False)[0] is False
    assert lookup(DATA, ("deepspeed_config", "deepspeed_offload_param_device"), True)[0] is False


def test_last_spelling_wins_like_accelerate() -> None:
    data = {"fsdp_config": {"fsdp_version": 1, "version": 2}}
    assert lookup(data, ("fsdp_config", "fsdp_version"), True)[1:] == (2, ("fsdp_config", "version"))


def test_wildcards_bind_the_keys_they_match() -> None:
    found = list(matches(DATA, parse_path("deepspeed_config.offload_*_device"), True))
    assert [(p, v, b) for p, v, b in found] == [
        (("deepspeed_config", "offload_param_device"), "cpu", ("offload_param_device",)),
        (("deepspeed_config", "offload_optimizer_device"), "nvme", ("offload_optimizer_device",)),
    ]
    assert bind(parse_path("deepspeed_config.*"), found[1][2]) == ("deepspeed_config", "offload_optimizer_device")


def test_glob_matches_the_prefixed_name() -> None:
    found = [p for p, _, _ in matches(DATA, parse_path("fsdp_config.fsdp_shard*"), True)]
    assert found == [("fsdp_config", "sharding_strategy")]


def test_double_star_matches_any_depth_and_list_items() -> None:
    found = sorted(p for p, _, _ in matches(DATA, parse_path("**.a"), True))
    assert found == [("list", 0, "a"), ("list", 1, "a")]
    assert [v for _, v, _ in matches(DATA, parse_path("list.*.a"), True)] == [1, 2]
