"""Every rule survives whatever values a config holds: no exception, only diagnostics."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shardlint.engine import evaluate
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.options import FileOptions

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 10), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["auto", "no", "NO", "nvme", "cpu", "none", "FULL_SHARD", "1", "true", "bf16",
                                     "fp16", "TRANSFORMER_BASED_WRAP", "BACKWARD_PRE", "1e8", "", "inductor"]))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                       st.dictionaries(st.sampled_from(["a", "stage", "device", "enabled"]), inner, max_size=3)),
                      max_leaves=6)
FSDP_KEYS = ["fsdp_version", "version", "fsdp_sharding_strategy", "fsdp_reshard_after_forward", "fsdp_offload_params",
             "fsdp_auto_wrap_policy", "fsdp_transformer_layer_cls_to_wrap", "fsdp_min_num_params",
             "fsdp_backward_prefetch", "fsdp_state_dict_type", "fsdp_use_orig_params", "sync_module_states",
             "fsdp_cpu_ram_efficient_loading", "fsdp_activation_checkpointing", "fsdp_offload_optimizer"]
DS_KEYS = ["zero_stage", "deepspeed_config_file", "offload_param_device", "offload_optimizer_device",
           "zero3_init_flag", "zero3_save_16bit_model", "gradient_accumulation_steps", "gradient_clipping"]
ACCELERATE = st.fixed_dictionaries(
    {"distributed_type": st.sampled_from(["FSDP", "DEEPSPEED", "MULTI_GPU", "NO"])},
    optional={"mixed_precision": SCALARS, "num_processes": SCALARS, "num_machines": SCALARS,
              "fsdp_config": st.one_of(SCALARS, st.dictionaries(st.sampled_from(FSDP_KEYS), VALUES, max_size=6)),
              "deepspeed_config": st.one_of(SCALARS, st.dictionaries(st.sampled_from(DS_KEYS), VALUES, max_size=5)),
              "dynamo_config": st.dictionaries(st.sampled_from(["dynamo_backend", "backend"]), SCALARS, max_size=2)})
DEEPSPEED = st.fixed_dictionaries(
    {"zero_optimization": st.one_of(SCALARS, st.dictionaries(
        st.sampled_from(["stage", "offload_param", "offload_optimizer", "reduce_bucket_size",
                         "stage3_gather_16bit_weights_on_model_save"]), VALUES, max_size=4))},
    optional={"fp16": VALUES, "bf16": VALUES, "optimizer": VALUES, "scheduler": VALUES,
              "train_batch_size": SCALARS, "gradient_accumulation_steps": SCALARS, "gradient_clipping": SCALARS})
OPTIONS = st.builds(lambda runner, target: FileOptions(target=target, deepspeed_runner=runner),
                    st.sampled_from(["trainer", "accelerate", "deepspeed"]),
                    st.sampled_from([{}, {"accelerate": "0.20"}, {"accelerate": "1.6", "deepspeed": "0.14"}]))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(ACCELERATE, DEEPSPEED), options=OPTIONS)
def test_rules_never_raise(tmp_path: Path, data: dict, options: FileOptions) -> None:
    is_yaml = "distributed_type" in data
    path = tmp_path / ("config.yaml" if is_yaml else "ds.json")
    path.write_text(yaml.safe_dump(data) if is_yaml else json.dumps(data), encoding="utf-8")
    doc = read_document(path, path.name)
    doc.kind = detect_kind(doc)
    assert doc.kind is not None
    for diagnostic in evaluate(doc, options).diagnostics:
        assert diagnostic.message and diagnostic.range.start.line >= 0


HUGE = "9" * 5000  # over Python's default limit on the digits of int(text)
LONG = "9" * 400  # too large for a float


def test_huge_numbers_are_findings_not_tracebacks(tmp_path: Path) -> None:
    from tests.conftest import run_shardlint, write

    write(tmp_path, "exponent.yaml", "distributed_type: FSDP\nfsdp_config:\n  fsdp_auto_wrap_policy: SIZE_BASED_WRAP\n"
                                     "  fsdp_min_num_params: 1e999999999\n")
    write(tmp_path, "digits.yaml", f"distributed_type: FSDP\nnum_processes: {LONG}\nnum_machines: {LONG}\n"
                                   f"fsdp_config:\n  fsdp_version: '{HUGE}'\n  fsdp_sharding_strategy: '{HUGE}'\n")
    write(tmp_path, "ds.json", json.dumps({"train_batch_size": int(LONG), "zero_optimization": {"stage": HUGE}}))
    write(tmp_path, "ds_int.json", f'{{"train_batch_size": {HUGE}}}')
    sizes = "".join(f"  parallelism_config_{dim}_size: {'9' * 4000}\n" for dim in ("dp_replicate", "dp_shard"))
    write(tmp_path, "product.yaml", f"distributed_type: FSDP\nnum_processes: 8\nfsdp_config:\n  fsdp_version: 2\n"
                                    f"parallelism_config:\n{sizes}")
    done = run_shardlint("check", "--format", "json", ".", cwd=tmp_path, timeout=30)
    assert "Traceback" not in done.stderr and done.returncode == 1, done.stderr
    found = {f["path"]: [d["code"] for d in f["diagnostics"]] for f in json.loads(done.stdout)["files"]}
    assert "YAML124" in found["exponent.yaml"]  # reported, with no fix that writes out a billion digits
    assert found["ds_int.json"] == ["SL001"]  # json.load refuses such an integer too
    assert "ACC140" in found["product.yaml"]  # its message names a product of 8000 digits
    assert set(found) == {"exponent.yaml", "digits.yaml", "ds.json", "ds_int.json", "product.yaml"}
