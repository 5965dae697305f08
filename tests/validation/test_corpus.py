"""The real-world corpus: the evaluator agrees with jsonschema, and schema errors stay where they belong."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from shardlint.diagnostics import Severity
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.validation import validate_document
from shardlint.validation.schemas import schema, validator

# Every corpus file with a schema *error*, checked by hand against the library sources
# (reference ids in brackets). Everything else must have none.
EXPECTED_ERRORS = {
    # DS: fp16.min_loss_scale 0.5 is not an integer [D16]; fp16_scale_tolerance is no field [D3];
    # Apex opt_level inside fp16 [P4]
    "repos/CarperAI__trlx/examples/summarize_rlhf/configs/ds_config_trlx_gptj_summarize.json": {"DS001", "DS003", "DS005"},
    "repos/CarperAI__trlx/examples/summarize_rlhf/reward_model/ds_config_gpt_j.json": {"DS003"},
    "repos/CarperAI__trlx/examples/summarize_rlhf/sft/ds_config_gptj.json": {"DS003"},
    # GPT-NeoX style "fp16": {"fp16": true}: not a DeepSpeedFP16Config field [D3]
    "repos/EleutherAI__gpt-neox/configs/autotuning_configs/tune_1-3B.json": {"DS001"},
    "repos/EleutherAI__gpt-neox/configs/pythia/12B.yml": {"DS001"},
    # compile.disable / compile.backend removed in DeepSpeed 0.14.4
    "repos/axolotl-ai-cloud__axolotl/deepspeed_configs/zero1_torch_compile.json": {"DS003"},
    "repos/axolotl-ai-cloud__axolotl/deepspeed_configs/zero2_torch_compile.json": {"DS003"},
    # fp8_config.override_linear_precision that is not a list (the launcher indexes it) [fixed upstream]
    "repos/huggingface__accelerate/examples/config_yaml_templates/fp8@1a6af0bd.yaml": {"ACC005"},
    "repos/huggingface__accelerate/examples/config_yaml_templates/fp8@ce636234.yaml": {"ACC005"},
    "repos/huggingface__accelerate/tests/test_configs/0_34_0_fp8.yaml": {"ACC005"},
    "repos/huggingface__accelerate/tests/test_configs/0_34_0_fp8@a452327e.yaml": {"ACC005"},
    # top-level ipex_config, removed in Accelerate 1.13.0 [A1]
    "repos/huggingface__accelerate/tests/test_configs/0_28_0_mpi@8aa72b97.yaml": {"ACC003"},
    "repos/huggingface__peft/examples/int8_training/config@766a9776.yaml": {"ACC003"},
    # unknown top-level keys [A1]: Accelerate's own negative test, and `command` for `commands`
    "repos/huggingface__accelerate/tests/test_configs/invalid_keys.yaml": {"ACC001"},
    "repos/huggingface__accelerate/tests/test_configs/latest@b816e258.yaml": {"ACC001"},
}


def _corpus_files(shared_dir: Path) -> list[Path]:
    corpus = shared_dir / "corpus"
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [corpus / row["file"] for row in rows if row["kind"] in ("accelerate", "deepspeed")]


def test_evaluator_agrees_with_jsonschema_on_the_corpus(shared_dir: Path) -> None:
    references = {kind: Draft202012Validator(schema(kind)) for kind in ("accelerate", "deepspeed")}
    checked = 0
    for path in _corpus_files(shared_dir):
        doc = read_document(path, str(path))
        doc.kind = detect_kind(doc) if doc.loaded else None
        if doc.kind is None:
            continue
        ours = not validator(doc.kind).evaluate(doc.data).failures
        theirs = references[doc.kind].is_valid(json.loads(json.dumps(doc.data, default=str)))
        assert ours == theirs, path
        checked += 1
    assert checked > 250


def test_schema_errors_only_where_the_libraries_refuse(shared_dir: Path) -> None:
    corpus = shared_dir / "corpus"
    found: dict[str, set[str]] = {}
    for path in _corpus_files(shared_dir):
        doc = read_document(path, str(path))
        doc.kind = detect_kind(doc) if doc.loaded else None
        errors = {d.code for d in validate_document(doc) if d.severity == Severity.ERROR}
        if errors:
            found[str(path.relative_to(corpus))] = errors
    assert found == EXPECTED_ERRORS


@pytest.mark.parametrize(("text", "code", "path"), [
    # reference deepspeed.md section 5: the examples it gives of keys pydantic refuses or DeepSpeed ignores
    ('{"train_batch_size": 8, "zero_optimization": {"stage": 3, "stage3_prefetch_bucket_sizes": 1e7}}',
     "DS001", "zero_optimization.stage3_prefetch_bucket_sizes"),
    ('{"train_batch_size": 8, "zero_optimization": {"stage": 3, "offload_param": {"pin_memmory": true}}}',
     "DS001", "zero_optimization.offload_param.pin_memmory"),
    ('{"train_batch_size": 8, "activation_checkpointing": {"partitioned_activations": true}}',
     "DS004", "activation_checkpointing.partitioned_activations"),
    ('{"train_batch_size": 8, "zero_optimization": {"stage": 3, "aio": {"block_size": 1048576}}}',
     "DS003", "zero_optimization.aio"),
    ('{"train_batch_size": 8, "zero_optimization": {"stage": 3, "grad_hooks": true}}',
     "DS003", "zero_optimization.grad_hooks"),
])
def test_reference_examples(tmp_path: Path, text: str, code: str, path: str) -> None:
    from tests.validation.helpers import schema_findings

    (finding,) = schema_findings(tmp_path, text, "ds_config.json")
    assert (finding.code, finding.path) == (code, path)
