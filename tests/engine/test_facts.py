"""Facts and launch defaults: one place, tested here."""

from __future__ import annotations

import pytest

DS_YAML = "distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  {}\n"


@pytest.mark.parametrize(("fsdp", "expected"), [("", 1), ("  fsdp_version: 2\n", 2), ("  version: '2'\n", 2),
                                                ("  fsdp_version: 3\n", None)])
def test_fsdp_version(context, fsdp: str, expected: int | None) -> None:
    ctx = context("distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: false\n" + fsdp)
    assert ctx.fact("fsdp-version") == expected


@pytest.mark.parametrize(("section", "files", "runner", "expected"), [
    ("zero_stage: 3", None, "trainer", 3),
    ("zero_offload: true", None, "trainer", 2),  # launch default
    ("zero_stage: '1'", None, "trainer", 1),
    ("deepspeed_config_file: ds.json", {"ds.json": '{"zero_optimization": {"stage": 3}}'}, "trainer", 3),
    ("deepspeed_config_file: ds.json", {"ds.json": '{"zero_optimization": {"stage": "auto"}}'}, "trainer", 2),
    ("deepspeed_config_file: ds.json", {"ds.json": '{"zero_optimization": {}}'}, "trainer", 0),
    ("deepspeed_config_file: missing.json", None, "trainer", None),
])
def test_zero_stage_from_yaml_or_linked_json(context, section: str, files, runner: str, expected) -> None:
    ctx = context(DS_YAML.replace("{}", section), files=files, deepspeed_runner=runner)
    assert ctx.fact("zero-stage") == expected


@pytest.mark.parametrize(("runner", "expected"), [("trainer", 2), ("accelerate", 2), ("deepspeed", 0)])
def test_auto_stage_in_a_deepspeed_json_depends_on_the_runner(context, runner: str, expected: int) -> None:
    ctx = context('{"zero_optimization": {"stage": "auto"}}', name="ds.json", deepspeed_runner=runner)
    assert ctx.kind == "deepspeed"
    assert ctx.fact("zero-stage") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("dynamo_config:\n  dynamo_backend: INDUCTOR\n", True),
    ("dynamo_config:\n  backend: inductor\n", True),  # prefixed as dynamo_backend
    ("dynamo_config:\n  dynamo_backend: 'NO'\n", False),
    ("dynamo_config:\n  dynamo_backend: no\n", False),  # YAML false
    ("dynamo_backend: EAGER\n", True),  # legacy top-level key
    ("", False),
])
def test_torch_compile(context, text: str, expected: bool) -> None:
    assert context("distributed_type: FSDP\n" + text).fact("torch-compile") is expected


@pytest.mark.parametrize(("text", "files", "expected"), [
    ("mixed_precision: BF16\n", None, "bf16"),
    ("mixed_precision: no\n", None, "no"),
    ("fp16: true\n", None, "fp16"),
    ("deepspeed_config:\n  deepspeed_config_file: ds.json\n", {"ds.json": '{"zero_optimization": {}, "bf16": {"enabled": true}}'}, "bf16"),
    ("deepspeed_config:\n  deepspeed_config_file: ds.json\n", {"ds.json": '{"zero_optimization": {}, "fp16": {"enabled": "auto"}}'}, "no"),
    ("", None, "no"),
])
def test_mixed_precision(context, text: str, files, expected: str) -> None:
    assert context("distributed_type: DEEPSPEED\n" + text, files=files).fact("mixed-precision") == expected


@pytest.mark.parametrize(("path", "target", "expected"), [
    (("fsdp_config", "fsdp_cpu_ram_efficient_loading"), {}, (True, True)),
    (("fsdp_config", "fsdp_cpu_ram_efficient_loading"), {"accelerate": "0.23"}, (False, None)),
    (("fsdp_config", "fsdp_use_orig_params"), {}, (True, True)),
    (("fsdp_config", "fsdp_use_orig_params"), {"accelerate": "0.24.1"}, (True, False)),
    (("fsdp_config", "fsdp_sync_module_states"), {"accelerate": "0.22"}, (True, False)),
    (("fsdp_config", "fsdp_state_dict_type"), {}, (True, "FULL_STATE_DICT")),
    (("fsdp_config", "no_such_key"), {}, (False, None)),
])
def test_launch_defaults_follow_the_target_version(context, path, target, expected) -> None:
    ctx = context("distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: false\n", target=target)
    assert ctx.effective(path) == expected


def test_state_dict_default_depends_on_fsdp_version(context) -> None:
    ctx = context("distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n")
    assert ctx.effective(("fsdp_config", "fsdp_state_dict_type")) == (True, "SHARDED_STATE_DICT")


def test_zero3_init_flag_default_follows_the_stage(context) -> None:
    assert context(DS_YAML.replace("{}", "zero_stage: 3")).effective(("deepspeed_config", "zero3_init_flag")) == (True, True)
    assert context(DS_YAML.replace("{}", "zero_stage: 2")).effective(("deepspeed_config", "zero3_init_flag")) == (True, False)


def test_every_fact_is_documented() -> None:
    from pathlib import Path

    from shardlint.engine.facts import FACTS

    doc = (Path(__file__).resolve().parents[2] / "docs" / "rule-format.md").read_text(encoding="utf-8")
    assert [name for name in FACTS if f"| `{name}` |" not in doc] == []


@pytest.mark.parametrize(("section", "expected"), [
    ("", 1),
    ("parallelism_config: {}\n", 1),
    ("parallelism_config:\n  parallelism_config_dp_shard_size: 2\n  parallelism_config_tp_size: '4'\n", 8),
    ("parallelism_config:\n  parallelism_config_dp_replicate_size: 2\n  parallelism_config_dp_shard_size: 2\n"
     "  parallelism_config_tp_size: 2\n  parallelism_config_cp_size: 2\n  parallelism_config_sp_size: 3\n", 48),
    ("parallelism_config:\n  parallelism_config_tp_size: 0\n", None),
    ("parallelism_config:\n  parallelism_config_tp_size: 2.0\n", None),  # int('2.0') fails in Accelerate
    ("parallelism_config:\n  parallelism_config_tp_size: two\n", None),
    ("parallelism_config:\n  tp_size: 4\n", 1),  # no prefixing in this section: an ignored key
])
def test_parallelism_total_size(context, section: str, expected: int | None) -> None:
    ctx = context("distributed_type: FSDP\nnum_processes: 8\n" + section)
    assert ctx.fact("parallelism-total-size") == expected
