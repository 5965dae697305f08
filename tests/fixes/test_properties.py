"""Property: ``--fix --unsafe-fixes`` keeps a file parseable and its comments, leaves no
fixable diagnostic behind, and a second run changes nothing.

Checked on a copy of every config in ../shared/corpus and on generated configs.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shardlint.diagnostics import Severity
from shardlint.fixes.converge import allowed_fix, is_broken
from shardlint.fixes.fix_mode import fix_report
from shardlint.lint import Report, lint_paths
from shardlint.loading.reader import read_document
from shardlint.options import LintOptions

from .helpers import comment_lines

CONFIG_SUFFIXES = {".yaml", ".yml", ".json"}


def fix_in_place(path: Path) -> Report:
    """``check --fix --unsafe-fixes PATH``; the report holds what the final text still has."""
    report = lint_paths([str(path)], LintOptions())
    fix_report(report, LintOptions(), fail_level=Severity.WARNING, unsafe=True, write=True)
    return report


def check_properties(path: Path) -> None:
    before = path.read_bytes()
    original = read_document(path, path.name)
    report = fix_in_place(path)
    after = path.read_bytes()
    if is_broken(original, original.load_diagnostics):
        assert after == before, f"{path.name}: a file that did not parse was written"
        return
    fixed = read_document(path, path.name)
    assert fixed.loaded and not is_broken(fixed, fixed.load_diagnostics), f"{path.name} no longer parses"
    missing = set(comment_lines(original.text)) - set(comment_lines(fixed.text))
    assert not missing, f"{path.name} lost comment lines {sorted(missing)}"
    assert [f.document.text for f in report.files] == [fixed.text]  # the report is of the written file
    left = [d.code for f in report.files for d in f.diagnostics if allowed_fix(d, True)]
    assert not left, f"{path.name}: fixable diagnostics remain: {left}"
    if after != before:  # (an untouched file with nothing fixable left is trivially stable)
        fix_in_place(path)
        assert path.read_bytes() == after, f"{path.name}: a second --fix changed it"


def test_every_corpus_config(shared_dir, tmp_path):
    sources = sorted(p for p in (shared_dir / "corpus" / "repos").rglob("*")
                     if p.is_file() and p.suffix.lower() in CONFIG_SUFFIXES)
    assert len(sources) > 300
    changed = 0
    for i, source in enumerate(sources):
        copy = tmp_path / f"{i:03d}{source.suffix}"
        shutil.copyfile(source, copy)
        check_properties(copy)
        changed += copy.read_bytes() != source.read_bytes()
    assert changed > 0  # the corpus holds FSDP1 configs, so something was migrated


# --- generated configs --------------------------------------------------------------------

_FSDP_VALUES = {
    "fsdp_sharding_strategy": st.sampled_from(["FULL_SHARD", "SHARD_GRAD_OP", "NO_SHARD", "HYBRID_SHARD",
                                               "HYBRID_SHARD_ZERO2", "1", "2", "3", "'4'", '"full_shard"']),
    "fsdp_reshard_after_forward": st.sampled_from(["true", "false", "FULL_SHARD", "SHARD_GRAD_OP"]),
    "fsdp_backward_prefetch": st.sampled_from(["BACKWARD_PRE", "BACKWARD_POST", "NO_PREFETCH"]),
    "fsdp_forward_prefetch": st.sampled_from(["true", "false"]),
    "fsdp_use_orig_params": st.sampled_from(["true", "false"]),
    "fsdp_sync_module_states": st.sampled_from(["true", "false"]),
    "fsdp_state_dict_type": st.sampled_from(["FULL_STATE_DICT", "LOCAL_STATE_DICT", "'SHARDED_STATE_DICT'"]),
    "fsdp_offload_params": st.sampled_from(["true", "false"]),
    "fsdp_auto_wrap_policy": st.sampled_from(["TRANSFORMER_BASED_WRAP", "SIZE_BASED_WRAP"]),
    "fsdp_cpu_ram_efficient_loading": st.sampled_from(["true", "false"]),
    "fsdp_version": st.sampled_from(["1", "'1'"]),
}
_TOP = {"compute_environment": "LOCAL_MACHINE", "machine_rank": "0", "mixed_precision": "bf16",
        "num_machines": "1", "num_processes": "8", "use_cpu": "false"}
_COMMENT = st.sampled_from(["", "", "  # note", " # why: speed"])


@st.composite
def fsdp_configs(draw) -> str:
    """An FSDP Accelerate YAML with comments, blank lines, varied indentation and line ends."""
    indent = " " * draw(st.sampled_from([2, 4]))
    keys = draw(st.lists(st.sampled_from(sorted(_FSDP_VALUES)), min_size=1, max_size=8, unique=True))
    section = []
    for key in keys:
        if draw(st.booleans()):
            section.append(f"{indent}# about {key}")
        section.append(f"{indent}{key}: {draw(_FSDP_VALUES[key])}{draw(_COMMENT)}")
    top = draw(st.lists(st.sampled_from(sorted(_TOP)), max_size=4, unique=True))
    lines = ["# generated config", "distributed_type: FSDP"]
    lines += [f"{k}: {_TOP[k]}{draw(_COMMENT)}" for k in top[: len(top) // 2]]
    lines += ["fsdp_config:" + draw(_COMMENT), *section]
    if draw(st.booleans()):
        lines.append("")
    lines += [f"{k}: {_TOP[k]}" for k in top[len(top) // 2:]]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=fsdp_configs())
def test_generated_fsdp_configs(tmp_path, text):
    path = tmp_path / "generated.yaml"
    path.write_bytes(text.encode())
    check_properties(path)


def _maybe(draw, value):
    return value if draw(st.booleans()) else None


@st.composite
def deepspeed_jsons(draw) -> str:
    """A DeepSpeed JSON with keys the DS rules look at, in the file's own indentation."""
    zero = {"stage": draw(st.integers(0, 3)),
            "elastic_checkpoint": _maybe(draw, draw(st.booleans())),
            "legacy_stage1": _maybe(draw, draw(st.booleans())),
            "offload_optimizer": _maybe(draw, {"device": draw(st.sampled_from(["cpu", "nvme", "none"]))}),
            "offload_param": _maybe(draw, {"device": draw(st.sampled_from(["cpu", "nvme"]))})}
    config = {
        "train_micro_batch_size_per_gpu": draw(st.sampled_from([1, 4, "auto"])),
        "gradient_accumulation_steps": _maybe(draw, draw(st.sampled_from([1, 8, "auto"]))),
        "gradient_clipping": _maybe(draw, draw(st.sampled_from([1.0, "auto"]))),
        "gradient_allreduce_op": _maybe(draw, draw(st.sampled_from(["sum", "mean"]))),
        "zero_allow_untested_optimizer": _maybe(draw, draw(st.booleans())),
        "fp16": _maybe(draw, {"enabled": draw(st.sampled_from([True, False, "auto"])),
                              "loss_scale": draw(st.sampled_from([0, 128]))}),
        "bf16": _maybe(draw, {"enabled": draw(st.booleans())}),
        "optimizer": _maybe(draw, {"type": draw(st.sampled_from(["AdamW", "Lamb", "OneBitAdam", "SGD"])),
                                   "params": {"lr": 1e-5}}),
        "zero_optimization": {k: v for k, v in zero.items() if v is not None},
    }
    config = {k: v for k, v in config.items() if v is not None}
    keys = draw(st.permutations(sorted(config)))
    indent = draw(st.sampled_from([2, 4, "\t", None]))
    return json.dumps({k: config[k] for k in keys}, indent=indent) + draw(st.sampled_from(["", "\n"]))


@st.composite
def accelerate_deepspeed_yamls(draw) -> str:
    """An Accelerate YAML with a deepspeed_config section, comments and YAML scalar traps."""
    section = {
        "zero_stage": draw(st.sampled_from(["0", "1", "2", "3"])),
        "zero3_init_flag": draw(st.sampled_from(["true", "false", None])),
        "zero3_save_16bit_model": draw(st.sampled_from(["true", "false", None])),
        "offload_optimizer_device": draw(st.sampled_from(["none", "cpu", "nvme", None])),
        "gradient_accumulation_steps": draw(st.sampled_from(["1", "4", "auto", None])),
        "gradient_clipping": draw(st.sampled_from(["1.0", "auto", None])),
        "deepspeed_multinode_launcher": draw(st.sampled_from(["standard", None])),
    }
    lines = ["# generated", "compute_environment: LOCAL_MACHINE" + draw(_COMMENT), "deepspeed_config:"]
    for key, value in section.items():
        if value is not None:
            if draw(st.booleans()):
                lines.append(f"  # {key}")
            lines.append(f"  {key}: {value}{draw(_COMMENT)}")
    lines.append("distributed_type: " + draw(st.sampled_from(["DEEPSPEED", "MULTI_GPU"])))
    lines.append("mixed_precision: " + draw(st.sampled_from(["no", "'no'", "fp16", "bf16"])) + draw(_COMMENT))
    if draw(st.booleans()):
        lines.append("fp16: true")
    lines.append("num_processes: " + draw(st.sampled_from(["1", "8"])))
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.one_of(deepspeed_jsons(), accelerate_deepspeed_yamls()))
def test_generated_deepspeed_configs(tmp_path, text):
    path = tmp_path / ("ds_config.json" if text.startswith("{") else "accelerate.yaml")
    path.write_bytes(text.encode())
    check_properties(path)


@pytest.mark.parametrize("text", [
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_backward_prefetch: BACKWARD_PRE\n",
    "distributed_type: FSDP\nfsdp_config: {fsdp_sync_module_states: false, fsdp_version: 1}\n",
])
def test_migration_of_a_one_key_section_keeps_a_mapping(tmp_path, text):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    check_properties(path)
    assert "fsdp_version: 2" in path.read_text()
