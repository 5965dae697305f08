"""The user's comments, key order and unrelated keys survive a conversion."""

from __future__ import annotations

SOURCE = """\
# Cluster config for the 8xA100 box.
compute_environment: LOCAL_MACHINE
debug: false
distributed_type: FSDP   # switched from DDP in March
downcast_bf16: 'no'
dynamo_config:
    dynamo_backend: INDUCTOR   # torch.compile
# FSDP settings
fsdp_config:
    # wrap each decoder layer
    fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP
    fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer  # Llama only
    fsdp_sharding_strategy: FULL_SHARD
    fsdp_state_dict_type: SHARDED_STATE_DICT
    fsdp_use_orig_params: true

# launch
machine_rank: 0
mixed_precision: 'no'
num_processes: 8
tpu_env: []
commands:
-   echo one
-   echo two
use_cpu: false
"""


def test_comments_and_unrelated_keys_survive(convert):
    out = convert(SOURCE, "deepspeed")
    lines = out.text.splitlines()
    for kept in ("# Cluster config for the 8xA100 box.", "downcast_bf16: 'no'",
                 "    dynamo_backend: INDUCTOR   # torch.compile", "# FSDP settings", "# launch",
                 "mixed_precision: 'no'", "tpu_env: []", "-   echo one", "-   echo two", "use_cpu: false"):
        assert kept in lines, kept
    assert any(line.startswith("distributed_type: DEEPSPEED ") and line.endswith(" # switched from DDP in March")
               for line in lines)
    # the comment after the section still introduces the key it was written for
    assert lines[lines.index("# launch") + 1] == "machine_rank: 0"
    # comments that lived inside the replaced section are carried into the note block, not lost
    assert "#   # wrap each decoder layer" in lines and "#   # Llama only" in lines
    # key order outside the section is unchanged, and the new section takes the old one's place
    keys = [line.split(":")[0] for line in lines if line and line[0].isalpha()]
    assert keys == ["compute_environment", "debug", "distributed_type", "downcast_bf16", "dynamo_config",
                    "deepspeed_config", "machine_rank", "mixed_precision", "num_processes", "tpu_env",
                    "commands", "use_cpu"]
    assert out.data["commands"] == ["echo one", "echo two"] and out.data["mixed_precision"] == "no"


def test_indentation_of_the_file_is_kept(convert):
    out = convert(SOURCE, "deepspeed")
    assert "    zero_stage: 3  # convert: from fsdp_sharding_strategy: FULL_SHARD" in out.text.splitlines()


def test_in_place_conversion_keeps_comments_on_kept_keys(convert):
    out = convert(SOURCE, "fsdp2")
    lines = out.text.splitlines()
    assert "    # wrap each decoder layer" in lines
    assert "    fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer  # Llama only" in lines
    assert lines[lines.index("# launch") + 1] == "machine_rank: 0"
    assert "fsdp_use_orig_params" not in out.fsdp


def test_notes_are_comments_and_are_replaced_on_the_next_conversion(convert):
    first = convert(SOURCE, "deepspeed")
    assert "#  left out:" in first.text and "fsdp_use_orig_params" in first.text
    second = convert(first.text, "fsdp2")
    assert second.text.count("# shardlint convert") == 1
    assert "# shardlint convert DeepSpeed -> FSDP2" in second.text
    assert "# Cluster config for the 8xA100 box." in second.text


def test_section_at_the_end_of_the_file(convert):
    text = "distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  zero_stage: 3  # big model\n# end\n"
    out = convert(text, "fsdp")
    assert out.text.rstrip().endswith("# end")
    assert "#   # big model" in out.text


def test_own_end_of_line_notes_are_not_carried_back(convert):
    there = convert(SOURCE, "deepspeed")
    assert "  # convert: from fsdp_sharding_strategy: FULL_SHARD" in there.text
    back = convert(there.text, "fsdp")
    assert "convert: from fsdp_sharding_strategy" not in back.text  # the DeepSpeed section's notes went with it
    again = convert(back.text, "fsdp2")  # in place: stale end-of-line notes of kept keys are dropped too
    section = again.text.split("fsdp_config:")[1]
    assert "fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n" in section  # its DeepSpeed -> FSDP1 note is gone
    assert section.count("# convert:") == 1  # only the value this conversion wrote


def test_suppression_comments_inside_the_section_are_not_carried(convert):
    text = ("distributed_type: FSDP\nfsdp_config:\n  fsdp_sync_module_states: false  # shardlint: disable=FSDP100\n"
            "num_processes: 2\n")
    out = convert(text, "deepspeed")
    assert "disable=FSDP100" not in out.text


def test_windows_line_endings_are_kept(convert):
    out = convert(SOURCE.replace("\n", "\r\n"), "deepspeed")
    assert out.text.count("\r\n") == out.text.count("\n")


def test_null_keeps_its_spelling(convert):
    spelled = convert("distributed_type: FSDP\nmain_process_ip: null\nfsdp_config: {}\n", "deepspeed")
    assert "main_process_ip: null" in spelled.text.splitlines()
    empty = convert("distributed_type: FSDP\nmain_process_ip:\nfsdp_config: {}\n", "deepspeed")
    assert "main_process_ip:" in empty.text.splitlines()
