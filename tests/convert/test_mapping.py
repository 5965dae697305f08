"""One test per row of the FSDP <-> DeepSpeed mapping (seed table, reference §7)."""

from __future__ import annotations

import json

import pytest

from shardlint.convert import ConvertError


def fsdp1(**keys: object) -> str:
    body = "".join(f"  {k}: {v}\n" for k, v in keys.items())
    return f"distributed_type: FSDP\nmixed_precision: bf16\nnum_processes: 8\nfsdp_config:\n  fsdp_version: 1\n{body}"


def fsdp2(**keys: object) -> str:
    body = "".join(f"  {k}: {v}\n" for k, v in keys.items())
    return f"distributed_type: FSDP\nmixed_precision: bf16\nnum_processes: 8\nfsdp_config:\n  fsdp_version: 2\n{body}"


def deepspeed(**keys: object) -> str:
    body = "".join(f"  {k}: {v}\n" for k, v in keys.items())
    return f"distributed_type: DEEPSPEED\nmixed_precision: bf16\nnum_processes: 8\ndeepspeed_config:\n{body}"


# ---------------------------------------------------------------- sharding <-> ZeRO stage
@pytest.mark.parametrize(("strategy", "stage", "approximated"), [
    ("FULL_SHARD", 3, False), ("SHARD_GRAD_OP", 2, False), ("NO_SHARD", 0, False),
    ("HYBRID_SHARD", 3, True), ("HYBRID_SHARD_ZERO2", 2, True),
    ("full_shard", 3, False), (1, 3, False), (2, 2, False), (3, 0, False), (4, 3, True), (5, 2, True),
])
def test_fsdp1_strategy_to_zero_stage(convert, strategy, stage, approximated):
    out = convert(fsdp1(fsdp_sharding_strategy=strategy), "deepspeed")
    assert out.data["distributed_type"] == "DEEPSPEED"
    assert "fsdp_config" not in out.data
    assert out.ds["zero_stage"] == stage
    assert out.noted("approximated", "zero_stage") is approximated


def test_fsdp1_absent_strategy_is_full_shard_even_if_reshard_says_otherwise(convert):
    # under accelerate launch FSDP1 ignores fsdp_reshard_after_forward (reference §2 FSDP1 caveat)
    out = convert(fsdp1(fsdp_reshard_after_forward="SHARD_GRAD_OP"), "deepspeed")
    assert out.ds["zero_stage"] == 3
    assert out.noted("check", "fsdp_reshard_after_forward")


@pytest.mark.parametrize(("reshard", "stage"), [("true", 3), ("false", 2), ("'yes'", 3)])
def test_fsdp2_reshard_to_zero_stage(convert, reshard, stage):
    assert convert(fsdp2(fsdp_reshard_after_forward=reshard), "deepspeed").ds["zero_stage"] == stage


def test_fsdp2_hsdp_is_hybrid(convert):
    text = fsdp2(fsdp_reshard_after_forward="true") + (
        "parallelism_config:\n  parallelism_config_dp_replicate_size: 2\n  parallelism_config_dp_shard_size: 4\n")
    out = convert(text, "deepspeed")
    assert out.ds["zero_stage"] == 3
    assert out.noted("approximated", "zero_hpz_partition_size")
    assert "parallelism_config" not in out.data
    assert out.noted("left out", "parallelism_config_dp_replicate_size")


@pytest.mark.parametrize(("stage", "strategy", "reshard", "approximated"), [
    (3, "FULL_SHARD", True, False), (2, "SHARD_GRAD_OP", False, False),
    (1, "SHARD_GRAD_OP", False, True), (0, "NO_SHARD", False, False),
])
def test_zero_stage_to_fsdp(convert, stage, strategy, reshard, approximated):
    out1 = convert(deepspeed(zero_stage=stage), "fsdp")
    assert out1.data["distributed_type"] == "FSDP" and "deepspeed_config" not in out1.data
    assert out1.fsdp["fsdp_version"] == 1
    assert out1.fsdp["fsdp_sharding_strategy"] == strategy
    assert out1.noted("approximated", "ZeRO-1") is approximated
    out2 = convert(deepspeed(zero_stage=stage), "fsdp2")
    assert out2.fsdp["fsdp_version"] == 2
    assert out2.fsdp["fsdp_reshard_after_forward"] is reshard
    assert "fsdp_sharding_strategy" not in out2.fsdp


def test_zero_stage_absent_is_accelerates_default_two(convert):
    assert convert(deepspeed(zero3_init_flag="false"), "fsdp").fsdp["fsdp_sharding_strategy"] == "SHARD_GRAD_OP"


def test_no_shard_to_fsdp2_is_noted(convert):
    out = convert(deepspeed(zero_stage=0), "fsdp2")
    assert out.noted("approximated", "MULTI_GPU")


# ---------------------------------------------------------------- offload
@pytest.mark.parametrize(("strategy", "optimizer", "param"), [
    ("FULL_SHARD", "cpu", "cpu"), ("SHARD_GRAD_OP", "cpu", None)])
def test_fsdp_offload_to_deepspeed(convert, strategy, optimizer, param):
    out = convert(fsdp1(fsdp_sharding_strategy=strategy, fsdp_offload_params="true"), "deepspeed")
    assert out.ds["offload_optimizer_device"] == optimizer
    assert out.ds.get("offload_param_device") == param
    assert out.noted("approximated", "only the optimizer state") is (param is None)


def test_fsdp_no_offload_to_deepspeed(convert):
    out = convert(fsdp1(fsdp_offload_params="false"), "deepspeed")
    assert out.ds["offload_optimizer_device"] == out.ds["offload_param_device"] == "none"


@pytest.mark.parametrize(("param", "optimizer", "approximated"), [
    ("cpu", "cpu", False), ("none", "cpu", True), ("cpu", "none", True), ("none", "none", False)])
def test_deepspeed_offload_to_fsdp(convert, param, optimizer, approximated):
    out = convert(deepspeed(zero_stage=3, offload_param_device=param, offload_optimizer_device=optimizer), "fsdp")
    assert out.fsdp["fsdp_offload_params"] is (param == "cpu" or optimizer == "cpu")
    assert out.noted("approximated", "all or nothing") is approximated


def test_nvme_offload_has_no_fsdp_equivalent(convert):
    out = convert(deepspeed(zero_stage=3, offload_param_device="nvme", offload_param_nvme_path="/nvme",
                            offload_optimizer_device="nvme", offload_optimizer_nvme_path="/nvme"), "fsdp2")
    assert out.fsdp["fsdp_offload_params"] is True
    assert out.noted("approximated", "NVMe")
    assert out.noted("left out", "offload_param_nvme_path")
    assert out.noted("left out", "offload_optimizer_nvme_path")


# ---------------------------------------------------------------- model loading
@pytest.mark.parametrize("loading", [True, False])
def test_cpu_ram_efficient_loading_to_zero3_init(convert, loading):
    flag = str(loading).lower()
    out = convert(fsdp1(fsdp_cpu_ram_efficient_loading=flag, fsdp_sync_module_states="true"), "deepspeed")
    assert out.ds["zero3_init_flag"] is loading
    assert out.noted("left out", "fsdp_sync_module_states")


def test_loading_below_zero3_is_noted(convert):
    out = convert(fsdp1(fsdp_sharding_strategy="SHARD_GRAD_OP", fsdp_cpu_ram_efficient_loading="true"), "deepspeed")
    assert out.ds["zero3_init_flag"] is False
    assert out.noted("approximated", "only ZeRO-3 loads")


@pytest.mark.parametrize(("flag", "loading"), [("true", True), ("false", False), (None, True)])
def test_zero3_init_flag_to_fsdp(convert, flag, loading):
    keys = {"zero_stage": 3} | ({"zero3_init_flag": flag} if flag else {})
    out = convert(deepspeed(**keys), "fsdp")
    assert out.fsdp["fsdp_cpu_ram_efficient_loading"] is loading
    assert out.fsdp["fsdp_sync_module_states"] is True  # A15 / seed tip


# ---------------------------------------------------------------- checkpointing
@pytest.mark.parametrize(("state_dict", "save16"), [
    ("FULL_STATE_DICT", True), ("SHARDED_STATE_DICT", False), ("LOCAL_STATE_DICT", False), (1, True)])
def test_state_dict_type_to_zero3_save_16bit(convert, state_dict, save16):
    out = convert(fsdp1(fsdp_state_dict_type=state_dict), "deepspeed")
    assert out.ds["zero3_save_16bit_model"] is save16


def test_state_dict_defaults_differ_by_fsdp_version(convert):
    assert convert(fsdp1(), "deepspeed").ds["zero3_save_16bit_model"] is True      # FSDP1: FULL
    assert convert(fsdp2(), "deepspeed").ds["zero3_save_16bit_model"] is False     # FSDP2: SHARDED


@pytest.mark.parametrize(("save16", "state_dict"), [("true", "FULL_STATE_DICT"), ("false", "SHARDED_STATE_DICT")])
def test_zero3_save_16bit_to_state_dict_type(convert, save16, state_dict):
    out = convert(deepspeed(zero_stage=3, zero3_save_16bit_model=save16), "fsdp2")
    assert out.fsdp["fsdp_state_dict_type"] == state_dict


def test_full_state_dict_below_zero3_is_noted(convert):
    out = convert(fsdp1(fsdp_sharding_strategy="SHARD_GRAD_OP", fsdp_state_dict_type="FULL_STATE_DICT"), "deepspeed")
    assert "zero3_save_16bit_model" not in out.ds
    assert out.noted("approximated", "training checkpoints are always sharded")


# ---------------------------------------------------------------- prefetch, wrap policy, use_orig_params
@pytest.mark.parametrize("key", ["fsdp_backward_prefetch: BACKWARD_PRE", "fsdp_forward_prefetch: true",
                                 "fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP",
                                 "fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer",
                                 "fsdp_min_num_params: 100000000", "fsdp_use_orig_params: true",
                                 "fsdp_activation_checkpointing: true"])
def test_fsdp_only_keys_are_left_out_with_a_reason(convert, key):
    name, value = key.split(": ")
    out = convert(fsdp1(**{name: value}), "deepspeed")
    assert name not in out.text.split("deepspeed_config:")[1]
    note = next(n for n in out.notes if name in n.key)
    assert note.kind == "left out" and "(guide: " in note.message or "Accelerate config" in note.message


def test_deepspeed_to_fsdp1_adds_what_fsdp_needs(convert):
    out = convert(deepspeed(zero_stage=3), "fsdp")
    assert out.fsdp["fsdp_auto_wrap_policy"] == "TRANSFORMER_BASED_WRAP"   # seed: Model
    assert out.fsdp["fsdp_backward_prefetch"] == "BACKWARD_PRE"            # seed: Prefetching tip
    assert out.fsdp["fsdp_use_orig_params"] is True                        # seed: Parameters Summoning


def test_deepspeed_to_fsdp2_writes_no_fsdp1_only_keys(convert):
    out = convert(deepspeed(zero_stage=3), "fsdp2")
    assert not {"fsdp_backward_prefetch", "fsdp_use_orig_params", "fsdp_sync_module_states"} & set(out.fsdp)


# ---------------------------------------------------------------- gradient accumulation and clipping
def test_gradient_settings_move_to_code(convert):
    out = convert(deepspeed(zero_stage=2, gradient_accumulation_steps=4, gradient_clipping=1.0), "fsdp")
    assert "gradient_accumulation_steps" not in out.text.split("fsdp_config:")[1]
    assert out.noted("left out", "gradient_accumulation_steps (4)")
    assert out.noted("left out", "gradient_clipping (1.0)")


def test_gradient_settings_stay_auto_for_deepspeed(convert):
    out = convert(fsdp1(), "deepspeed")
    assert "gradient_accumulation_steps" not in out.ds and "gradient_clipping" not in out.ds
    assert out.noted("check", "int('auto')")


# ---------------------------------------------------------------- mixed precision
@pytest.mark.parametrize(("mp", "strategy", "formula"), [
    ("bf16", "FULL_SHARD", "Adam moments 2 x 4 B = 16 B; at ZeRO-3 each GPU holds 16 B / num_processes (2 B with 8)"),
    ("bf16", "SHARD_GRAD_OP", "at ZeRO-2 each GPU holds 2 B + 14 B / num_processes (1.75 B with 8)"),
    ("fp16", "NO_SHARD", "fp16 weights 2 B + fp16 gradients 2 B + fp32 master weights 4 B"),
    ("'no'", "FULL_SHARD", "fp32 weights 4 B + fp32 gradients 4 B + Adam moments 2 x 4 B = 16 B"),
])
def test_memory_note_states_the_formula(convert, mp, strategy, formula):
    text = fsdp1(fsdp_sharding_strategy=strategy).replace("mixed_precision: bf16", f"mixed_precision: {mp}")
    out = convert(text, "deepspeed")
    note = next(n for n in out.notes if n.key.startswith("mixed_precision"))
    assert formula in note.message
    assert ("FSDP without mixed precision" in note.message) is (mp == "'no'")
    assert out.data["mixed_precision"] == mp.strip("'")  # kept, still the string Accelerate expects
    comments = " ".join(line.lstrip("#").strip() for line in out.text.splitlines() if line.startswith("#"))
    assert formula in comments  # also in the YAML, as comments


def test_linked_json_precision_moves_into_the_yaml(convert, tmp_path):
    (tmp_path / "ds.json").write_text(json.dumps({
        "zero_optimization": {"stage": 3, "offload_param": {"device": "cpu"},
                              "stage3_gather_16bit_weights_on_model_save": True, "reduce_bucket_size": "auto"},
        "bf16": {"enabled": True}, "gradient_accumulation_steps": 8, "optimizer": {"type": "AdamW"}}))
    text = ("distributed_type: DEEPSPEED\nnum_processes: 8\ndeepspeed_config:\n"
            "  deepspeed_config_file: ds.json\n  zero3_init_flag: true\n")
    out = convert(text, "fsdp")
    assert out.data["mixed_precision"] == "bf16"
    assert out.fsdp["fsdp_sharding_strategy"] == "FULL_SHARD"
    assert out.fsdp["fsdp_offload_params"] is True
    assert out.fsdp["fsdp_state_dict_type"] == "FULL_STATE_DICT"
    assert out.noted("left out", "gradient_accumulation_steps 8")
    assert out.noted("left out", "optimizer") and out.noted("left out", "zero_optimization.reduce_bucket_size")
    assert out.noted("check", "no longer used: its ZeRO stage")


def test_linked_json_without_precision_gives_quoted_no(convert, tmp_path):
    (tmp_path / "ds.json").write_text('{"zero_optimization": {"stage": 2}}')
    out = convert("distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n", "fsdp2")
    assert out.data["mixed_precision"] == "no"       # a string, not YAML 1.1's False
    assert "mixed_precision: 'no'" in out.text


def test_missing_linked_json_is_said(convert):
    out = convert("distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: gone.json\n", "fsdp")
    assert out.noted("check", "does not exist")
    assert out.noted("check", "gone.json is no longer used: nothing was carried over")
    assert not out.noted("check", "were read into the keys above")
    assert out.fsdp["fsdp_sharding_strategy"] == "SHARD_GRAD_OP"


# ---------------------------------------------------------------- launch
def test_multi_node_fsdp_keeps_torchrun_style_launch(convert):
    out = convert(fsdp1().replace("num_processes: 8", "num_processes: 16\nnum_machines: 2\nmain_process_ip: 10.0.0.1"),
                  "deepspeed")
    assert out.ds["deepspeed_multinode_launcher"] == "standard"
    assert out.data["main_process_ip"] == "10.0.0.1" and out.data["num_machines"] == 2


def test_deepspeed_runner_keys_are_left_out(convert):
    out = convert(deepspeed(zero_stage=3, deepspeed_hostfile="/job/hostfile", deepspeed_multinode_launcher="pdsh"),
                  "fsdp")
    assert out.noted("left out", "deepspeed_hostfile") and out.noted("left out", "deepspeed_multinode_launcher")


# ---------------------------------------------------------------- FSDP1 <-> FSDP2
def test_fsdp1_to_fsdp2(convert):
    out = convert(fsdp1(fsdp_sharding_strategy="SHARD_GRAD_OP", fsdp_backward_prefetch="BACKWARD_PRE",
                        fsdp_use_orig_params="true", fsdp_sync_module_states="true",
                        fsdp_state_dict_type="LOCAL_STATE_DICT", fsdp_auto_wrap_policy="TRANSFORMER_BASED_WRAP"),
                  "fsdp2")
    assert out.fsdp == {"fsdp_version": 2, "fsdp_reshard_after_forward": False,
                        "fsdp_state_dict_type": "SHARDED_STATE_DICT", "fsdp_auto_wrap_policy": "TRANSFORMER_BASED_WRAP"}
    assert out.noted("approximated", "LOCAL_STATE_DICT")
    assert list(out.fsdp)[1] == "fsdp_reshard_after_forward"  # took fsdp_sharding_strategy's place


def test_fsdp1_to_fsdp2_keeps_fsdp1_default_checkpoint(convert):
    out = convert(fsdp1(), "fsdp2")
    assert out.fsdp["fsdp_state_dict_type"] == "FULL_STATE_DICT"
    assert "fsdp_state_dict_type: FULL_STATE_DICT  # convert: FSDP1's default; FSDP2 defaults to " \
           "SHARDED_STATE_DICT" in out.text


def test_fsdp1_to_fsdp2_maps_the_strategy_fsdp1_ran(convert):
    # the FSDP1 questionnaire writes fsdp_reshard_after_forward, which FSDP1 under launch never reads
    out = convert(fsdp1(fsdp_reshard_after_forward="SHARD_GRAD_OP"), "fsdp2")
    assert out.fsdp["fsdp_reshard_after_forward"] is True
    assert out.noted("check", "FULL_SHARD")
    assert "# convert: from fsdp_sharding_strategy: FULL_SHARD (launch default); FSDP1 ignored " \
           "fsdp_reshard_after_forward" in out.text


def test_fsdp1_to_fsdp2_keeps_comments_of_dropped_keys_in_place(convert):
    out = convert("distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: false\n"
                  "  fsdp_use_orig_params: true  # for torch.compile\n  fsdp_state_dict_type: FULL_STATE_DICT\n",
                  "fsdp2")
    lines = out.text.splitlines()
    assert "  # for torch.compile" in lines and "fsdp_use_orig_params" not in out.fsdp
    assert lines[-1] == "  fsdp_version: 2"  # last, where `accelerate config` and to-fsdp2 put it


def test_fsdp1_to_fsdp2_refuses_what_fsdp2_would_crash_on(convert):
    with pytest.raises(ConvertError, match="activation checkpointing needs an auto-wrap policy"):
        convert(fsdp1(fsdp_activation_checkpointing="true"), "fsdp2")


def test_fsdp2_to_fsdp1(convert):
    out = convert(fsdp2(fsdp_reshard_after_forward="false", fsdp_cpu_ram_efficient_loading="true"), "fsdp")
    assert out.fsdp["fsdp_version"] == 1
    assert out.fsdp["fsdp_sharding_strategy"] == "SHARD_GRAD_OP"
    assert "fsdp_reshard_after_forward" not in out.fsdp
    assert out.fsdp["fsdp_sync_module_states"] is True
    assert out.fsdp["fsdp_state_dict_type"] == "SHARDED_STATE_DICT"  # FSDP2's default, now explicit


# ---------------------------------------------------------------- refusals
@pytest.mark.parametrize(("text", "target", "message"), [
    ("distributed_type: MULTI_GPU\nnum_processes: 2\n", "deepspeed", "only FSDP and DEEPSPEED"),
    ("distributed_type: DEEPSPEED\ndeepspeed_config:\n  zero_stage: 3\n", "deepspeed", "already uses DeepSpeed"),
    ("distributed_type: FSDP\nfsdp_config:\n  fsdp_version: 2\n", "fsdp2", "already uses FSDP2"),
    ("distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HALF_SHARD\n", "deepspeed", "HALF_SHARD"),
    ("distributed_type: DEEPSPEED\ndeepspeed_config:\n  zero_stage: 4\n", "fsdp", "ZeRO stage"),
    ("distributed_type: FSDP\nfsdp_config: [\n", "deepspeed", "not a loadable config"),
    ("zero_optimization: {stage: 3}\n", "fsdp", "only Accelerate"),
    ("distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: '²'\n", "deepspeed", "sharding strategy"),
    ("distributed_type: FSDP\nfsdp_config:\n  fsdp_state_dict_type: [1]\n", "deepspeed", "state dict type"),
    ("distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: maybe\n", "deepspeed", "not a boolean"),
])
def test_refuses_what_it_cannot_convert(convert, text, target, message):
    with pytest.raises(ConvertError, match=message):
        convert(text, target)


@pytest.mark.parametrize("key", ["offload_param_device: cpu", "zero3_save_16bit_model: true",
                                 "zero3_init_flag: true"])
def test_zero3_settings_below_zero3_had_no_effect(convert, key):
    name, value = key.split(": ")
    out = convert(deepspeed(zero_stage=2, **{name: value}), "fsdp")
    assert out.fsdp["fsdp_offload_params"] is False
    assert out.fsdp["fsdp_state_dict_type"] == "SHARDED_STATE_DICT"
    assert out.noted("left out", name)


def test_yaml_precision_beside_a_json_that_disagrees(convert, tmp_path):
    (tmp_path / "ds.json").write_text('{"zero_optimization": {"stage": 3}, "fp16": {"enabled": true}}')
    text = ("distributed_type: DEEPSPEED\nmixed_precision: bf16\ndeepspeed_config:\n"
            "  deepspeed_config_file: ds.json\n")
    out = convert(text, "fsdp")
    assert out.data["mixed_precision"] == "bf16"
    assert out.noted("check", "enables fp16")


def test_keys_without_the_fsdp_prefix_are_read(convert):
    # inside fsdp_config Accelerate prepends fsdp_ to keys that lack it (reference §0)
    text = ("distributed_type: FSDP\nfsdp_config:\n  sharding_strategy: SHARD_GRAD_OP\n  offload_params: true\n"
            "  state_dict_type: SHARDED_STATE_DICT\n  backward_prefetch: BACKWARD_PRE\n")
    out = convert(text, "deepspeed")
    assert out.ds["zero_stage"] == 2 and out.ds["offload_optimizer_device"] == "cpu"
    assert out.noted("left out", "fsdp_config.backward_prefetch")
    in_place = convert(text, "fsdp2")
    assert in_place.fsdp == {"fsdp_version": 2, "reshard_after_forward": False, "offload_params": True,
                             "state_dict_type": "SHARDED_STATE_DICT"}  # the strategy key's spelling


def test_old_prefetch_spelling_is_dropped_for_fsdp2(convert):
    out = convert(fsdp1(fsdp_backward_prefetch_policy="BACKWARD_PRE"), "fsdp2")
    assert "fsdp_backward_prefetch_policy" not in out.fsdp
    assert out.noted("left out", "old spelling")


def test_section_alone_identifies_the_source(convert):
    out = convert("num_processes: 2\nfsdp_config:\n  fsdp_sharding_strategy: FULL_SHARD\n", "deepspeed")
    assert out.data["distributed_type"] == "DEEPSPEED" and out.ds["zero_stage"] == 3
    assert out.text.startswith("distributed_type: DEEPSPEED\n")


def test_linked_json_is_found_like_the_linter_finds_it(convert, tmp_path):
    # accelerate launch runs from the repository root: the path is relative to it, not to the YAML
    (tmp_path / ".git").mkdir()
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "z2.json").write_text('{"zero_optimization": {"stage": 2}, "bf16": {"enabled": true}}')
    (tmp_path / "accelerate").mkdir()
    text = "distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: configs/z2.json\n"
    out = convert(text, "fsdp", name="accelerate/ds.yaml")
    assert out.fsdp["fsdp_sharding_strategy"] == "SHARD_GRAD_OP" and out.data["mixed_precision"] == "bf16"


def test_inline_json_value(convert):
    text = ("distributed_type: DEEPSPEED\ndeepspeed_config:\n"
            "  deepspeed_config_file: '{\"zero_optimization\": {\"stage\": 3}}'\n")
    assert convert(text, "fsdp2").fsdp["fsdp_reshard_after_forward"] is True


def test_yaml_fields_beside_a_json_are_reported(convert, tmp_path):
    (tmp_path / "ds.json").write_text('{"zero_optimization": {"stage": 3}}')
    text = ("distributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_config_file: ds.json\n  zero_stage: 2\n")
    out = convert(text, "fsdp")
    assert out.fsdp["fsdp_sharding_strategy"] == "FULL_SHARD"   # the JSON wins
    assert out.noted("check", "zero_stage beside deepspeed_config_file")


@pytest.mark.parametrize("value", ["'true'", "false", "bogus"])
def test_fsdp1_ignores_any_reshard_value(convert, value):
    out = convert(fsdp1(fsdp_reshard_after_forward=value), "deepspeed")
    assert out.ds["zero_stage"] == 3
    assert out.noted("check", "fsdp_reshard_after_forward")


@pytest.mark.parametrize("source", [deepspeed(zero_stage=3), fsdp1()])
def test_fsdp2_requirements_are_said(convert, source):
    assert convert(source, "fsdp2").noted("check", "torch >= 2.6")


def test_other_backend_section_is_replaced(convert):
    stale = deepspeed(zero_stage=3) + "fsdp_config:\n  fsdp_sharding_strategy: NO_SHARD\n"
    out = convert(stale, "fsdp")
    assert out.fsdp["fsdp_sharding_strategy"] == "FULL_SHARD" and out.noted("left out", "old section")
    empty = deepspeed(zero_stage=3) + "fsdp_config: {}\n"
    assert not convert(empty, "fsdp").noted("left out", "old section")


# ---------------------------------------------------------------- parallelism mesh
def test_sequence_parallel_gpus_shard_data_under_fsdp2(convert):
    # DeepSpeed SP has no FSDP2 counterpart; the mesh must still cover num_processes (A66)
    text = deepspeed(zero_stage=3).replace("num_processes: 8", "num_processes: 4") + (
        "parallelism_config:\n  parallelism_config_dp_shard_size: 2  # mesh\n"
        "  parallelism_config_sp_size: 2\n  parallelism_config_sp_backend: deepspeed\n")
    out = convert(text, "fsdp2")
    assert out.data["parallelism_config"] == {"parallelism_config_dp_shard_size": 4}
    assert "# mesh" in out.text
    assert out.noted("approximated", "parallelism_config_dp_shard_size")
    assert out.noted("left out", "parallelism_config_sp_size")
