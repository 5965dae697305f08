"""Schema findings on real files: one per problem, the right code, severity, place and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.diagnostics import Severity
from tests.validation.helpers import apply_fix, codes, schema_findings

FSDP_HEAD = "distributed_type: FSDP\nfsdp_config:\n"


def _one(tmp_path: Path, text: str, name: str = "config.yaml"):
    found = schema_findings(tmp_path, text, name)
    assert len(found) == 1, [(d.code, d.message) for d in found]
    return found[0]


# -- severity follows what the libraries do -------------------------------------------------

def test_unknown_top_level_accelerate_key_is_an_error(tmp_path: Path) -> None:
    d = _one(tmp_path, "distributed_type: MULTI_GPU\nnum_processes: 2\nnum_proceses_per_node: 8\n")
    assert (d.code, d.severity, d.range.start.line) == ("ACC001", Severity.ERROR, 2)
    assert "Accelerate refuses" in d.message


@pytest.mark.parametrize("section", ["fsdp_config", "deepspeed_config", "dynamo_config", "megatron_lm_config"])
def test_unknown_key_inside_an_accelerate_section_is_a_warning(tmp_path: Path, section: str) -> None:
    d = _one(tmp_path, f"distributed_type: FSDP\n{section}:\n  completely_unknown_setting: 1\n")
    assert (d.code, d.severity, d.path) == ("ACC002", Severity.WARNING, f"{section}.completely_unknown_setting")
    assert "silently ignored" in d.message
    assert (d.range.start.line, d.range.start.character, d.range.end.character) == (2, 2, 28)


def test_unknown_key_inside_a_validated_deepspeed_section_is_an_error(tmp_path: Path) -> None:
    text = '{"train_batch_size": 8, "zero_optimization": {"stage": 2, "overlap_com": true}}\n'
    d = _one(tmp_path, text, "ds_config.json")
    assert (d.code, d.severity, d.path) == ("DS001", Severity.ERROR, "zero_optimization.overlap_com")
    assert "Extra inputs are not permitted" in d.message
    assert text[d.range.start.character:d.range.end.character] == '"overlap_com"'


def test_unknown_deepspeed_top_level_key_is_a_warning(tmp_path: Path) -> None:
    d = _one(tmp_path, '{"train_batch_size": 8, "zero_optimisation": {"stage": 2}}\n', "ds_config.json")
    assert (d.code, d.severity) == ("DS002", Severity.WARNING)
    assert "silently ignored" in d.message and "`zero_optimization`" in d.message


def test_unknown_key_in_a_dict_read_deepspeed_section_is_a_warning(tmp_path: Path) -> None:
    d = _one(tmp_path, '{"train_batch_size": 8, "optimizer": {"type": "AdamW", "param": {}}}\n', "ds_config.json")
    assert (d.code, d.severity, d.path) == ("DS002", Severity.WARNING, "optimizer.param")


# -- did you mean: keys -------------------------------------------------------------------

@pytest.mark.parametrize(("written", "meant"), [
    ("fsdp_auto_wrap_polciy", "fsdp_auto_wrap_policy"),
    ("fsdp_ofload_params", "fsdp_offload_params"),
    ("sharding_stratgy", "sharding_strategy"),          # un-prefixed stays un-prefixed
])
def test_misspelled_fsdp_key_gets_a_rename_fix(tmp_path: Path, written: str, meant: str) -> None:
    text = FSDP_HEAD + f"  {written}: true\n"
    d = _one(tmp_path, text)
    assert d.code == "ACC002" and f"Did you mean `{meant}`?" in d.message
    (fix,) = d.fixes
    assert fix.safety == "safe"
    assert apply_fix(text, d) == FSDP_HEAD + f"  {meant}: true\n"


def test_renamed_key_names_the_version_and_is_fixed(tmp_path: Path) -> None:
    text = FSDP_HEAD + "  fsdp_backward_prefetch_policy: BACKWARD_PRE\n"
    d = _one(tmp_path, text)
    assert d.code == "ACC004" and d.severity == Severity.WARNING
    assert "`fsdp_backward_prefetch`" in d.message and "1.0.0" in d.message
    assert apply_fix(text, d) == FSDP_HEAD + "  fsdp_backward_prefetch: BACKWARD_PRE\n"
    assert schema_findings(tmp_path, apply_fix(text, d)) == []


def test_removed_top_level_key_names_the_version(tmp_path: Path) -> None:
    d = _one(tmp_path, "distributed_type: MULTI_CPU\nipex_config:\n  ipex: true\n")
    assert (d.code, d.severity) == ("ACC003", Severity.ERROR)
    assert "removed in Accelerate 1.13.0" in d.message


def test_removed_deepspeed_key_in_validated_section(tmp_path: Path) -> None:
    text = '{"train_batch_size": 8, "compile": {"disable": false}}\n'
    d = _one(tmp_path, text, "ds_config.json")
    assert (d.code, d.severity) == ("DS003", Severity.ERROR) and "DeepSpeed 0.14.4" in d.message


def test_quoted_keys_keep_their_quotes_when_renamed(tmp_path: Path) -> None:
    text = FSDP_HEAD + "  'fsdp_ofload_params': true\n"
    d = _one(tmp_path, text)
    assert apply_fix(text, d) == FSDP_HEAD + "  'fsdp_offload_params': true\n"


def test_json_rename_keeps_json_quoting(tmp_path: Path) -> None:
    text = '{\n  "train_batch_size": 8,\n  "gradient_clip": 1.0\n}\n'
    d = _one(tmp_path, text, "ds_config.json")
    assert apply_fix(text, d) == '{\n  "train_batch_size": 8,\n  "gradient_clipping": 1.0\n}\n'


def test_no_suggestion_for_a_key_already_present(tmp_path: Path) -> None:
    d = _one(tmp_path, FSDP_HEAD + "  fsdp_offload_params: true\n  fsdp_offload_param: true\n")
    assert "Did you mean" not in d.message and d.fixes == []


# -- did you mean: values -----------------------------------------------------------------

@pytest.mark.parametrize(("line", "fixed"), [
    ("  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WARP\n", "  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n"),
    ("  fsdp_auto_wrap_policy: 'TRANSFORMER_BASED_WARP'\n", "  fsdp_auto_wrap_policy: 'TRANSFORMER_BASED_WRAP'\n"),
    ('  fsdp_state_dict_type: "SHARDED_STATE_DIC"\n', '  fsdp_state_dict_type: "SHARDED_STATE_DICT"\n'),
])
def test_misspelled_value_gets_a_fix_that_keeps_quoting(tmp_path: Path, line: str, fixed: str) -> None:
    d = _one(tmp_path, FSDP_HEAD + line)
    assert (d.code, d.severity) == ("ACC006", Severity.ERROR) and "Did you mean" in d.message
    assert apply_fix(FSDP_HEAD + line, d) == FSDP_HEAD + fixed


def test_case_sensitive_deepspeed_enum_suggests_the_right_case(tmp_path: Path) -> None:
    text = '{"train_batch_size": 8, "zero_optimization": {"stage": 3, "offload_param": {"device": "CPU"}}}'
    d = _one(tmp_path, text, "ds_config.json")
    assert d.code == "DS006" and "Did you mean cpu?" in d.message
    assert apply_fix(text, d) == text.replace('"CPU"', '"cpu"')


def test_value_fix_quotes_a_word_yaml_would_read_as_boolean(tmp_path: Path) -> None:
    text = "distributed_type: MULTI_GPU\nnum_processes: 2\nmixed_precision: np\n"
    d = _one(tmp_path, text)
    assert apply_fix(text, d).endswith("mixed_precision: 'no'\n")


def test_sharding_strategy_out_of_range(tmp_path: Path) -> None:
    d = _one(tmp_path, FSDP_HEAD + "  fsdp_sharding_strategy: 6\n")
    assert (d.code, d.path) == ("ACC007", "fsdp_config.fsdp_sharding_strategy") and "at most 5" in d.message


# -- every spelling the libraries accept is accepted ----------------------------------------

@pytest.mark.parametrize("entry", [
    "fsdp_sharding_strategy: full_shard", "fsdp_sharding_strategy: 1", "fsdp_sharding_strategy: '5'",
    "fsdp_sharding_strategy: _HYBRID_SHARD_ZERO2", "sharding_strategy: SHARD_GRAD_OP", "version: 2",
    "fsdp_version: '2'", "fsdp_reshard_after_forward: FULL_SHARD", "fsdp_reshard_after_forward: 'yes'",
    "fsdp_backward_prefetch: 2", "fsdp_backward_prefetch: no_prefetch", "fsdp_state_dict_type: 3",
    "fsdp_offload_params: 'On'", "fsdp_offload_params: 0", "fsdp_min_num_params: '100000000'",
    "fsdp_auto_wrap_policy: size_based_wrap", "fsdp_ignored_modules: null", "fsdp_transformer_layer_cls_to_wrap: A,B",
])
def test_accepted_fsdp_spellings_are_quiet(tmp_path: Path, entry: str) -> None:
    assert schema_findings(tmp_path, FSDP_HEAD + f"  {entry}\n") == []


@pytest.mark.parametrize("zero", [
    '"stage": "3"', '"stage": 3, "max_live_parameters": 1e9', '"stage": 3, "stage3_prefetch_bucket_size": "auto"',
    '"stage": 2, "overlap_comm": "true"', '"stage": 3, "reduce_bucket_size": 5e8',
    '"stage": 3, "offload_param": {"device": "nvme", "nvme_path": "/local_nvme", "pin_memory": 1}',
])
def test_accepted_deepspeed_spellings_are_quiet(tmp_path: Path, zero: str) -> None:
    text = f'{{"train_micro_batch_size_per_gpu": "auto", "zero_optimization": {{{zero}}}}}'
    assert schema_findings(tmp_path, text, "ds_config.json") == []


def test_unquoted_no_for_distributed_type_is_not_refused(tmp_path: Path) -> None:
    # Accelerate converts only strings to DistributedType, so YAML's false passes its checks
    assert schema_findings(tmp_path, "distributed_type: NO\nnum_processes: 1\n") == []


# -- other failure classes ----------------------------------------------------------------

def test_wrong_type_is_placed_on_the_value(tmp_path: Path) -> None:
    text = "distributed_type: MULTI_GPU\nnum_processes: 2\nmixed_precision: 16\n"
    d = _one(tmp_path, text)
    assert (d.code, d.range.start.line, d.range.start.character) == ("ACC005", 2, 17)
    assert "one of no, fp16, bf16 or fp8" in d.message


def test_missing_distributed_type(tmp_path: Path) -> None:
    d = _one(tmp_path, "compute_environment: LOCAL_MACHINE\nnum_processes: 2\n")
    assert (d.code, d.severity, d.path) == ("ACC008", Severity.ERROR, "distributed_type")


def test_sagemaker_file_uses_the_sagemaker_key_set(tmp_path: Path) -> None:
    text = ("compute_environment: AMAZON_SAGEMAKER\ndistributed_type: DATA_PARALLEL\n"
            "ec2_instance_type: ml.p3.16xlarge\niam_role_name: role\nfsdp_config: {}\n")
    d = _one(tmp_path, text)
    assert (d.code, d.path) == ("ACC001", "fsdp_config")


def test_deprecated_keys(tmp_path: Path) -> None:
    acc = _one(tmp_path, "distributed_type: MULTI_GPU\nnum_processes: 2\nfp16: true\n")
    assert (acc.code, acc.severity) == ("ACC009", Severity.INFORMATION)
    ds = _one(tmp_path, '{"train_batch_size": 8, "zero_optimization": {"stage": 2, "cpu_offload": true}}',
              "ds_config.json")
    assert (ds.code, ds.severity) == ("DS009", Severity.WARNING) and "offload_optimizer" in ds.message


def test_alias_and_short_name_together_is_one_error_on_the_later_key(tmp_path: Path) -> None:
    text = ('{\n"train_batch_size": 8,\n"zero_optimization": {\n"stage": 3,\n'
            '"max_reuse_distance": 10,\n"stage3_max_reuse_distance": 10\n}\n}\n')
    d = _one(tmp_path, text, "ds_config.json")
    assert (d.code, d.range.start.line) == ("DS008", 5)


def test_auto_where_nothing_fills_it_is_left_to_the_auto_rules(tmp_path: Path) -> None:
    # whether it fails depends on --deepspeed-runner, which HF100-HF102 know; the schema layer stays quiet
    text = ('{"train_micro_batch_size_per_gpu": "auto", "wall_clock_breakdown": "auto",'
            ' "zero_optimization": {"stage": 3, "sub_group_size": "auto", "stage3_prefetch_bucket_size": "auto"}}')
    assert schema_findings(tmp_path, text, "ds_config.json") == []


def test_one_finding_for_a_value_no_branch_fits(tmp_path: Path) -> None:
    found = schema_findings(tmp_path, FSDP_HEAD + "  fsdp_reshard_after_forward: [1]\n")
    assert codes(found) == [("ACC005", 3)]


def test_cli_reports_schema_findings_with_fix_and_docs(tmp_path: Path) -> None:
    import json

    from tests.conftest import run_shardlint

    config = tmp_path / "accelerate.yaml"
    config.write_text("distributed_type: MULTI_GPU\nnum_processes: 2\nmixed_precison: bf16\n", encoding="utf-8")
    proc = run_shardlint("check", "--format", "json", "--isolated", str(config))
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    files = report["files"] if isinstance(report, dict) else report
    (finding,) = [d for f in files for d in f["diagnostics"] if d["code"] == "ACC001"]
    assert finding["severity"] == 1 and finding["range"]["start"] == {"line": 2, "character": 0}
    assert finding["codeDescription"]["href"].endswith("/ACC001.md")
    (fix,) = finding["data"]["fixes"]
    assert fix["edits"][0]["newText"] == "mixed_precision"


def test_renamed_value_names_the_version_and_is_fixed(tmp_path: Path) -> None:
    text = "distributed_type: TPU\nnum_processes: 8\n"
    d = _one(tmp_path, text)
    assert d.code == "ACC006" and "old name of XLA" in d.message and "1.0.0" in d.message
    assert apply_fix(text, d) == "distributed_type: XLA\nnum_processes: 8\n"


def test_allowed_values_are_listed_once(tmp_path: Path) -> None:
    d = _one(tmp_path, FSDP_HEAD + "  fsdp_version: 3\n")
    assert "must be one of 1 or 2, not the number 3" in d.message


def test_no_rename_fix_onto_a_key_that_is_already_there(tmp_path: Path) -> None:
    text = FSDP_HEAD + "  fsdp_backward_prefetch_policy: BACKWARD_PRE\n  fsdp_backward_prefetch: BACKWARD_POST\n"
    d = _one(tmp_path, text)
    assert d.code == "ACC004" and d.fixes == []


def test_misspelled_key_holding_auto_says_what_happens(tmp_path: Path) -> None:
    text = '{"train_batch_size": "auto", "zero_optimization": {"stage": 3, "stage3_prefetch_bucket_sizes": "auto"}}'
    d = _one(tmp_path, text, "ds_config.json")
    assert d.code == "DS001" and "silently ignores" in d.message and "not found in kwargs" in d.message
    assert apply_fix(text, d) == text.replace("bucket_sizes", "bucket_size")


# -- a host program's config that embeds DeepSpeed's settings --------------------------------

def test_many_foreign_top_level_keys_are_one_finding_and_typos_stay_separate(tmp_path: Path) -> None:
    neox = {f"num-layer-group-{i}": i for i in range(6)}
    text = ('{"zero_optimization": {"stage": 1}, "train_micro_batch_size_per_gpu": 4, "gradient_clippin": 1.0, '
            + ", ".join(f'"{k}": {v}' for k, v in neox.items()) + "}")
    found = schema_findings(tmp_path, text, "neox.json")
    summary = [d for d in found if not d.fixes]
    typo = [d for d in found if d.fixes]
    assert [d.code for d in summary] == ["DS002"] and "6 top-level keys" in summary[0].message
    assert "`num-layer-group-0`" in summary[0].message
    assert [(d.code, d.path) for d in typo] == [("DS002", "gradient_clippin")]


def test_a_few_unknown_top_level_keys_are_reported_one_by_one(tmp_path: Path) -> None:
    text = '{"zero_optimization": {"stage": 1}, "train_micro_batch_size_per_gpu": 4, "my_note": 1}'
    [d] = schema_findings(tmp_path, text, "ds.json")
    assert (d.code, d.path) == ("DS002", "my_note")


# -- a string where a number (or "auto") belongs ---------------------------------------------

@pytest.mark.parametrize(("written", "fixed"), [
    ('"gradient_clipping": "1.0"', '"gradient_clipping": 1.0'),
    ('"gradient_clipping": "none"', None),
    ('"gradient_clipping": "Auto"', None),
])
def test_string_for_a_number_or_auto_is_a_type_error(tmp_path: Path, written: str, fixed: str | None) -> None:
    text = '{"train_micro_batch_size_per_gpu": 4, ' + written + "}\n"
    d = _one(tmp_path, text, "ds_config.json")
    assert (d.code, d.path) == ("DS005", "gradient_clipping")
    assert "must be a number or auto" in d.message
    if fixed is None:
        assert not d.fixes
    else:
        assert "a number in quotes is a string" in d.message
        assert apply_fix(text, d) == text.replace(written, fixed)


def test_quoted_integer_for_an_accelerate_count_is_unquoted(tmp_path: Path) -> None:
    text = "distributed_type: MULTI_GPU\nnum_processes: 8\nnum_machines: '2'\n"
    d = _one(tmp_path, text)
    assert (d.code, d.path) == ("ACC005", "num_machines")
    assert apply_fix(text, d) == text.replace("'2'", "2")


def test_quoted_digits_for_num_processes_are_accepted(tmp_path: Path) -> None:
    assert schema_findings(tmp_path, "distributed_type: MULTI_GPU\nnum_processes: '8'\n") == []
    d = _one(tmp_path, "distributed_type: MULTI_GPU\nnum_processes: 'eight'\n")
    assert (d.code, d.message) == ("ACC006", '`num_processes` must be an integer (at least -1), not the string "eight"')


def test_no_unquote_fix_when_escapes_make_the_text_differ_from_the_value(tmp_path: Path) -> None:
    d = _one(tmp_path, '{"train_micro_batch_size_per_gpu": 4, "gradient_clipping": "1\\u002e0"}\n', "ds_config.json")
    assert d.code == "DS005" and not d.fixes
