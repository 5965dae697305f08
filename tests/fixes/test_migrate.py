"""FSDP190: the FSDP1 -> FSDP2 migration, from its rule file's examples and edge cases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from shardlint.fixes.splice import apply_edits
from shardlint.builtins.fsdp190 import CODE, check_fsdp1
from shardlint.engine.values import strategy_name
from shardlint.kinds import detect_kind

from .helpers import load

RULE = Path(__file__).resolve().parents[2] / "rules" / "fsdp" / "FSDP190-fsdp1-to-fsdp2.yaml"
EXAMPLES = yaml.safe_load(RULE.read_text())["examples"]


def migrate(tmp_path, text, name="config.yaml"):
    doc = load(tmp_path, text, name)
    doc.kind = detect_kind(doc)
    found = check_fsdp1(doc)
    return doc, found


@pytest.mark.parametrize("example", [e for e in EXAMPLES if "bad" in e], ids=lambda e: f"line{e['line']}")
def test_bad_examples_fire_and_fix_to_the_fixed_text(tmp_path, example):
    doc, found = migrate(tmp_path, example["bad"])
    assert [d.code for d in found] == [CODE]
    assert found[0].range.start.line + 1 == example["line"]
    (fix,) = found[0].fixes
    assert fix.safety == "unsafe"
    assert apply_edits(doc.text, list(fix.edits)) == example["fixed"]


@pytest.mark.parametrize("example", [e for e in EXAMPLES if "good" in e])
def test_good_examples_are_quiet(tmp_path, example):
    assert migrate(tmp_path, example["good"])[1] == []


def fixed(tmp_path, text, name="config.yaml"):
    doc, (diag,) = migrate(tmp_path, text, name)
    out = apply_edits(doc.text, list(diag.fixes[0].edits))
    assert comments(doc.text) == comments(out)  # whole-line and end-of-line comments all survive
    return out


def comments(text: str) -> list[str]:
    return [match.group(1) for match in re.finditer(r"(?:^|\s)(#.*)$", text, flags=re.M)]


@pytest.mark.parametrize(("value", "reshard"), [
    ("FULL_SHARD", True), ("shard_grad_op", False), ("NO_SHARD", False), ("HYBRID_SHARD", True),
    ("HYBRID_SHARD_ZERO2", False), ("1", True), ("2", False), ("5", False), ("'4'", True)])
def test_sharding_strategy_mapping(tmp_path, value, reshard):
    out = fixed(tmp_path, f"distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: {value}\n")
    assert yaml.safe_load(out)["fsdp_config"] == {"fsdp_reshard_after_forward": reshard, "fsdp_version": 2,
                                                  "fsdp_state_dict_type": "FULL_STATE_DICT"}


def test_strategy_key_wins_over_reshard_key(tmp_path):
    out = fixed(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_reshard_after_forward: FULL_SHARD\n"
                          "  fsdp_sharding_strategy: SHARD_GRAD_OP  # as ran\n  fsdp_state_dict_type: FULL_STATE_DICT\n"
                          "  fsdp_version: 1  # old\n")
    assert out == ("distributed_type: FSDP\nfsdp_config:\n  fsdp_reshard_after_forward: false\n  # as ran\n"
                   "  fsdp_state_dict_type: FULL_STATE_DICT\n  fsdp_version: 2  # old\n")


@pytest.mark.parametrize(("written", "migrated"), [
    ("SHARD_GRAD_OP", True), ("false", True), ("NO_SHARD", True), ("FULL_SHARD", True), ("true", True)])
def test_reshard_key_alone_is_what_fsdp1_ignored(tmp_path, written, migrated):
    # FSDP1 under accelerate launch reads fsdp_sharding_strategy (default FULL_SHARD), never this key
    out = fixed(tmp_path, f"distributed_type: FSDP\nfsdp_config:\n  fsdp_reshard_after_forward: {written}\n")
    assert yaml.safe_load(out)["fsdp_config"]["fsdp_reshard_after_forward"] is migrated


def test_no_strategy_writes_no_reshard_key(tmp_path):
    # FSDP2's default, true, is FULL_SHARD's value: nothing to write
    out = fixed(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: true\n")
    assert yaml.safe_load(out)["fsdp_config"] == {"fsdp_offload_params": True, "fsdp_version": 2,
                                                  "fsdp_state_dict_type": "FULL_STATE_DICT"}


def test_end_of_line_comments_of_dropped_keys_stay(tmp_path):
    out = fixed(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_backward_prefetch: BACKWARD_PRE  # overlap\n"
                          "  fsdp_state_dict_type: SHARDED_STATE_DICT\n  fsdp_use_orig_params: 'true'   # compile\n"
                          "num_processes: 2\n")
    assert out == ("distributed_type: FSDP\nfsdp_config:\n  # overlap\n  fsdp_state_dict_type: SHARDED_STATE_DICT\n"
                   "  fsdp_version: 2\n  # compile\nnum_processes: 2\n")


def test_old_prefetch_spelling_is_dropped(tmp_path):
    out = fixed(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_backward_prefetch_policy: BACKWARD_PRE\n"
                          "  fsdp_state_dict_type: FULL_STATE_DICT\n")
    assert yaml.safe_load(out)["fsdp_config"] == {"fsdp_state_dict_type": "FULL_STATE_DICT", "fsdp_version": 2}


def test_unprefixed_keys_and_flow_style(tmp_path):
    out = fixed(tmp_path, "distributed_type: FSDP\nfsdp_config: {sharding_strategy: 2, use_orig_params: true}\n")
    assert out == ("distributed_type: FSDP\nfsdp_config: {reshard_after_forward: false, "
                   "fsdp_state_dict_type: FULL_STATE_DICT, fsdp_version: 2}\n")


def test_json_accelerate_config(tmp_path):
    text = ('{\n    "distributed_type": "FSDP",\n    "fsdp_config": {\n        "fsdp_state_dict_type": 2,\n'
            '        "fsdp_forward_prefetch": false\n    }\n}\n')
    out = fixed(tmp_path, text, "accelerate.json")
    assert out == ('{\n    "distributed_type": "FSDP",\n    "fsdp_config": {\n'
                   '        "fsdp_state_dict_type": "SHARDED_STATE_DICT",\n        "fsdp_version": 2\n    }\n}\n')


def test_no_fix_when_fsdp2_activation_checkpointing_would_crash(tmp_path):
    _, (diag,) = migrate(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_activation_checkpointing: true\n")
    assert diag.fixes == [] and "A39" in diag.message


def test_no_fix_for_an_unknown_strategy(tmp_path):
    _, (diag,) = migrate(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HALF\n")
    assert diag.fixes == []


@pytest.mark.parametrize("text", [
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n",
    "distributed_type: MULTI_GPU\nfsdp_config:\n  fsdp_sharding_strategy: FULL_SHARD\n",
    "distributed_type: FSDP\nfsdp_config: {}\n",
])
def test_quiet_on_fsdp2_other_types_and_empty_sections(tmp_path, text):
    assert migrate(tmp_path, text)[1] == []


def test_strategy_name_reads_like_accelerate():
    assert strategy_name(3) == "NO_SHARD"
    assert strategy_name("_hybrid_shard_zero2") == "HYBRID_SHARD_ZERO2"
    assert strategy_name(True) is None and strategy_name(6) is None and strategy_name("x") is None


def test_quiet_when_targeting_an_accelerate_without_fsdp2(tmp_path):
    from shardlint.options import FileOptions

    doc, found = migrate(tmp_path, "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: 1\n")
    assert [d.code for d in found] == [CODE]
    assert check_fsdp1(doc, FileOptions(target={"accelerate": "1.5.2"})) == []
    assert [d.code for d in check_fsdp1(doc, FileOptions(target={"accelerate": "1.6"}))] == [CODE]
