"""Generated configs: the converter either converts or refuses with ConvertError, and the user's
comments always survive somewhere in the output."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shardlint.builtins.fsdp190 import is_fsdp1
from shardlint.convert import ConvertError, convert_text
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document

from .migration import by_convert, by_fix

SCALARS = st.one_of(st.booleans(), st.integers(-2, 6), st.sampled_from(
    ["FULL_SHARD", "shard_grad_op", "HYBRID_SHARD", "NO_SHARD", "3", "²", "cpu", "nvme", "none", "auto", "yes",
     "no", "FULL_STATE_DICT", "SHARDED_STATE_DICT", "LOCAL_STATE_DICT", "1e8", "", "~", "²"]),
    st.just([1, 2]), st.just({"a": 1}))
FSDP_KEYS = ["fsdp_version", "fsdp_sharding_strategy", "fsdp_reshard_after_forward", "fsdp_offload_params",
             "fsdp_cpu_ram_efficient_loading", "fsdp_sync_module_states", "fsdp_state_dict_type",
             "fsdp_backward_prefetch", "fsdp_use_orig_params", "sharding_strategy", "fsdp_typo"]
DS_KEYS = ["zero_stage", "offload_param_device", "offload_optimizer_device", "zero3_init_flag",
           "zero3_save_16bit_model", "gradient_accumulation_steps", "deepspeed_hostfile", "zero_stage3"]
COMMENT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e, blacklist_characters="#"),
                  min_size=1, max_size=20).map(lambda s: f"# note {s.strip()}")


@st.composite
def configs(draw):
    backend = draw(st.sampled_from(["FSDP", "DEEPSPEED"]))
    section, keys = ("fsdp_config", FSDP_KEYS) if backend == "FSDP" else ("deepspeed_config", DS_KEYS)
    chosen = draw(st.lists(st.sampled_from(keys), unique=True, max_size=6))
    body = {k: draw(SCALARS) for k in chosen}
    top = {"distributed_type": backend, "mixed_precision": draw(st.sampled_from(["bf16", "fp16", "no", "fp8"])),
           "num_processes": draw(st.integers(1, 16)), "num_machines": draw(st.integers(1, 3)), section: body}
    order = draw(st.permutations(list(top)))
    lines = yaml.safe_dump({k: top[k] for k in order}, sort_keys=False, default_flow_style=False).splitlines()
    comments = draw(st.lists(st.tuples(st.integers(0, len(lines)), COMMENT), max_size=4))
    for index, comment in sorted(comments, reverse=True):
        indent = len(lines[index]) - len(lines[index].lstrip()) if index < len(lines) else 0
        lines.insert(index, " " * indent + comment)
    return "\n".join(lines) + "\n", [c for _, c in comments], backend


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs(), st.sampled_from(["deepspeed", "fsdp", "fsdp2"]))
def test_converts_or_refuses_and_keeps_comments(generated, target):
    text, comments, backend = generated
    try:
        result = convert_text(text, target, Path("generated.yaml"))
    except ConvertError:
        return
    data = yaml.safe_load(result.text)
    assert data["distributed_type"] == ("DEEPSPEED" if target == "deepspeed" else "FSDP")
    for comment in comments:
        assert comment in result.text, comment


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(configs())
def test_fsdp190_fix_and_convert_to_fsdp2_write_the_same_section(tmp_path_factory, generated):
    text, _, _ = generated
    path = tmp_path_factory.mktemp("generated") / "accelerate.yaml"
    path.write_text(text, encoding="utf-8")
    doc = read_document(path, path.name)
    if not (doc.loaded and detect_kind(doc) == "accelerate" and is_fsdp1(doc)):
        return
    fix, convert = by_fix(path), by_convert(path)
    # convert also refuses values the migration does not touch (it reads every setting for its notes)
    assert fix == convert or convert is None
    assert fix is not None or convert is None
