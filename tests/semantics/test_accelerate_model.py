"""The setting model is the one home of Accelerate's defaults, normalisers and key lists; its readers agree."""

from __future__ import annotations

import pytest

from shardlint.convert import table
from shardlint.engine.values import NORMALISERS, normaliser_for
from shardlint.engine.versions import parse_version
from shardlint.semantics.accelerate import (FSDP1_ONLY, FSDP2_RESHARD_AFTER_FORWARD, REMOVED, REMOVED_UNDER_FSDP2,
                                            SETTINGS, ByFact, launch_default, newest_default)

# the schemas' ``default`` describes the plugin's own default where it differs from the launch default
SCHEMA_SAYS_OTHERWISE = {
    ("fsdp_config", "fsdp_backward_prefetch"): "the plugin's None means no prefetch",
}


def test_every_normaliser_named_by_the_model_exists():
    for setting in SETTINGS.values():
        assert setting.normaliser is None or setting.normaliser in NORMALISERS, setting.path


def test_every_normaliser_is_described_in_words():
    from shardlint.semantics.accelerate import read_as

    assert all(read_as(name) for name in NORMALISERS)
    assert read_as("sharding-strategy") == ("a name in any case, or 1-5 for FULL_SHARD, SHARD_GRAD_OP, NO_SHARD, "
                                            "HYBRID_SHARD, HYBRID_SHARD_ZERO2")
    assert read_as(None) is None


def test_the_engine_normalises_as_the_model_says():
    assert normaliser_for("accelerate", ("fsdp_config", "fsdp_offload_params")) is NORMALISERS["bool"]
    assert normaliser_for("accelerate", ("deepspeed_config", "deepspeed_multinode_launcher")) is None
    assert normaliser_for("deepspeed", ("mixed_precision",)) is None


def test_histories_are_in_version_order():
    for setting in SETTINGS.values():
        versions = [parse_version(since) for since, _ in setting.default]
        assert versions == sorted(versions), setting.path


@pytest.mark.parametrize(("version", "expected"), [("0.20.0", (False, None)), ("0.21.0", (True, False)),
                                                   ("0.25.0", (True, True)), (None, (True, True))])
def test_launch_default_follows_the_version(version, expected):
    target = parse_version(version) if version else None
    assert launch_default(("fsdp_config", "fsdp_use_orig_params"), target, {}.__getitem__) == expected


def test_dependent_defaults_read_the_fact_they_name():
    assert newest_default("fsdp_config", "fsdp_state_dict_type", fsdp_version=2) == "SHARDED_STATE_DICT"
    assert newest_default("fsdp_config", "fsdp_state_dict_type", fsdp_version=1) == "FULL_STATE_DICT"
    assert newest_default("deepspeed_config", "zero3_init_flag", zero_stage=3) is True
    assert newest_default("num_processes", distributed_type="NO") == 1
    assert isinstance(SETTINGS[("num_processes",)].default[0][1], ByFact)


def test_convert_reads_the_model():
    for row in table.FSDP1_STRATEGIES.values():
        assert row.fsdp2 is FSDP2_RESHARD_AFTER_FORWARD[row.fsdp1]
    # the FSDP1 -> FSDP2 migration explains every removed spelling it drops
    assert set(REMOVED_UNDER_FSDP2) == set(REMOVED) and all(FSDP1_ONLY.values())


def test_schema_defaults_agree_with_the_newest_launch_default():
    from shardlint.validation.schema_index import schema_index

    index = schema_index("accelerate")
    for path, setting in SETTINGS.items():
        if not setting.default or path in SCHEMA_SAYS_OTHERWISE:
            continue
        newest = setting.default[-1][1]
        info = index.info(path)
        if isinstance(newest, ByFact):  # the schema describes it in words
            assert isinstance(info.default, str) or info.default in (newest.otherwise, *newest.cases.values()), path
            continue
        normalise = NORMALISERS[setting.normaliser] if setting.normaliser else (lambda value: value)
        assert info.has_default and normalise(info.default) == newest, (path, info.default, newest)
