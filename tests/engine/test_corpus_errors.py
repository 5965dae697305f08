"""Every error `shardlint check` reports on the real configs of ../shared/corpus, reviewed.

Each pair below was checked against the library source (Accelerate 1.15, transformers, DeepSpeed
0.19.8) and, where the error is raised before training starts, by running the libraries' own
config-time validation on the file. A new error on the corpus fails here until someone has looked
at it: either the libraries raise it (add it, with what they do) or it is a false error (fix the
rule).

Two groups are pinned next to the code that reports them and only referenced here:
schema findings (ACC0xx, DS0xx) in tests/validation/test_corpus.py and the Accelerate rule set
(ACC120+, FSDP120-189, YAML1xx) in tests/engine/test_acc_rules_corpus.py.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from shardlint.diagnostics import Severity
from shardlint.lint import Report, lint_paths
from shardlint.options import LintOptions

PINNED_ELSEWHERE = re.compile(r"^((ACC|DS)0\d\d|ACC1[2-9]\d|FSDP1[2-8]\d|YAML1\d\d|LCH\d\d\d)$")

AXOLOTL = "repos/axolotl-ai-cloud__axolotl/deepspeed_configs"
DSE = "repos/deepspeedai__DeepSpeedExamples"
VLOOM = "repos/huggingface__smollm/vision/experiments/pretraining/vloom/slurm_scripts_templates"

EXPECTED_ERRORS = {
    # Not JSON: templates with placeholders (${...}, bare words) that a script fills in; Python's
    # json module, which every library uses, fails on them as well.
    ("SL001", f"{DSE}/compression/bert/config/ds_config_TEMPLATE.json"),
    ("SL001", f"{DSE}/training/data_efficiency/gpt_finetuning/finetune/ds_config_gpt2-medium_2clmetrics_TEMPLATE.json"),
    ("SL001", f"{DSE}/training/tensor_parallel/hf_integration/configs/ds_config_temp.json"),
    # Neither train_batch_size nor train_micro_batch_size_per_gpu (the autotuner's templates):
    # DeepSpeedConfig raises "Either train_batch_size or train_micro_batch_size_per_gpu needs to be
    # provided" (the Trainer fills them only when they are written as "auto").
    ("DS101", "repos/deepspeedai__DeepSpeed/deepspeed/autotuning/config_templates/template_zero2.json"),
    ("DS101", "repos/deepspeedai__DeepSpeed/deepspeed/autotuning/config_templates/template_zero3.json"),
    # WarmupLR with warmup_num_steps 0: DeepSpeed 0.19.3+ raises "warmup_num_steps must be a positive
    # integer" when deepspeed.initialize builds the scheduler (runtime/lr_schedules.py:WarmupLR); the
    # Trainer (transformers 5.18+) stops first, as 0 mismatches its max(1, warmup steps).
    ("DS120", "repos/jzhang38__EasyContext/accelerate_configs/zero3_offload.json"),
    # OneBitAdam / ZeroOneAdam / OneBitLamb were removed in DeepSpeed 0.19.7: the engine's sanity
    # check asserts "<name> is not a supported DeepSpeed Optimizer" in deepspeed.initialize.
    ("DS132", "repos/OpenGVLab__InternVL/segmentation/zero_configs/adam_zero3_fp16.json"),
    ("DS132", f"{DSE}/training/BingBertSquad/1-bit_adam/nccl/deepspeed_onebitadam_bsz96_config.json"),
    ("DS132", f"{DSE}/training/bing_bert/01_adam/nccl/deepspeed_bsz4k_01adam_config_seq128_nccl.json"),
    ("DS132", f"{DSE}/training/bing_bert/1-bit_lamb/nccl/deepspeed_bsz64k_onebitlamb_config_seq128_nccl.json"),
    # A deepspeed_config_file that exists nowhere (the template's path has a literal "xxxx"):
    # transformers' HfDeepSpeedConfig raises "Expected a string path to an existing deepspeed config".
    ("DSA100", f"{VLOOM}/with_launcher/accelerate_config.yaml"),
    # mixed_precision in the YAML next to a deepspeed_config_file: DeepSpeedPlugin.__post_init__
    # raises "When using `deepspeed_config_file`, the following accelerate config variables will be
    # ignored: [..., 'mixed_precision']" (launched from the repository's vision/ folder).
    ("DSA102", f"{VLOOM}/accelerate_config_multi_node.yaml"),
    ("DSA102", f"{VLOOM}/accelerate_config_single_node.yaml"),
    ("DSA102", f"{VLOOM}/with_launcher/accelerate_config.yaml"),
    # DeepSpeed settings (gradient_accumulation_steps, gradient_clipping, offload_*_device, zero_stage) in
    # the YAML's deepspeed_config next to a deepspeed_config_file: the same check refuses them by name
    # (DeepSpeedPlugin._deepspeed_config_checks, reference A48), once the file's path is fixed.
    ("DSA125", f"{VLOOM}/with_launcher/accelerate_config.yaml"),
    # DeepSpeed 0.19.7/0.19.8 refuse configs that keep a removed section (DeepSpeedConfig ->
    # _reject_removed_config_keys: "... has been removed"); confirmed by running that check on each file.
    ("DS134", "repos/OpenGVLab__InternVL/segmentation/zero_configs/adam_zero1_amp.json"),
    ("DS134", "repos/deepspeedai__DeepSpeed/tests/model/BingBertSquad/deepspeed_bsz24_fp16_eigenvalue_quantize_config.json"),
    ("DS133", "repos/deepspeedai__DeepSpeed/tests/model/BingBertSquad/deepspeed_bsz24_fp16_eigenvalue_quantize_config.json"),
    ("DS133", "repos/deepspeedai__DeepSpeedExamples/compression/bert/config/XTC/ds_config_W1A8_Qgroup1_fp32.json"),
    ("DS133", "repos/deepspeedai__DeepSpeedExamples/compression/cifar/config/ds_config_channel_prune.json"),
    ("DS133", "repos/deepspeedai__DeepSpeedExamples/compression/gpt2/config/ds_config_W8A8_Qgroup64_fp16.json"),
    ("DS134", "repos/deepspeedai__DeepSpeedExamples/training/bing_bert/deepspeed_bsz4k_progressive_layer_drop_config_seq128.json"),
    ("DS133", "repos/deepspeedai__DeepSpeedExamples/training/bing_bert/deepspeed_bsz64k_lamb_config_seq128.json"),
    ("DS133", "repos/huggingface__smollm/vision/smolvlm2/scripts/zero3_mics_mini_fixed.json"),
}

# Errors only when the Trainer or Accelerate runs the file, which nothing in the corpus says: reported
# as warnings that name those runners (shardlint.assumed_runner), errors under --deepspeed-runner trainer.
HEDGED = {
    # "auto" for a key neither the Trainer nor Accelerate fills (prefetch_bucket_size without its
    # stage3_ prefix, stage3_max_live_parameters, offload_param.buffer_size): Accelerate's
    # DeepSpeedPlugin.fill_match raises "`<key>` not found in kwargs" in prepare(); plain DeepSpeed
    # drops these "auto" values (HF102).
    ("HF100", f"{AXOLOTL}/zero3@e2077629.json"),
    ("HF100", f"{AXOLOTL}/zero3_bf16@e2077629.json"),
    ("HF100", f"{AXOLOTL}/zero3_bf16_cpuoffload_all@e2077629.json"),
    ("HF100", f"{AXOLOTL}/zero3_bf16_cpuoffload_params@e2077629.json"),
    ("HF100", f"{DSE}/inference/sglang/ds_offload_cpu.json"),
    ("HF100", f"{DSE}/inference/sglang/ds_offload_nvme_aio.json"),
    ("HF100", f"{DSE}/inference/sglang/ds_offload_nvme_gds.json"),
    # No zero_optimization section: Accelerate's DeepSpeedPlugin (also under the Trainer) raises
    # "Please specify the ZeRO optimization config in the DeepSpeed config." These are configs for
    # plain deepspeed, where stage 0 is the default.
    ("HF106", "repos/OpenGVLab__InternVL/segmentation/zero_configs/adam_fp16.json"),
    ("HF106", "repos/OpenGVLab__InternVL/segmentation/zero_configs/adam_zero1_amp.json"),
    ("HF106", "repos/deepspeedai__DeepSpeed/tests/accelerator/ds_config.json"),
    ("HF106", "repos/deepspeedai__DeepSpeed/tests/model/BingBertSquad/deepspeed_bsz24_fp16_eigenvalue_quantize_config.json"),
    ("HF106", "repos/deepspeedai__DeepSpeed/tests/model/BingBertSquad/deepspeed_bsz24_fp32_config.json"),
    ("HF106", "repos/deepspeedai__DeepSpeed/tests/unit/ds_batch_config.json"),
    ("HF106", f"{DSE}/training/BingBertGlue/glue_bert_base.json"),
    ("HF106", f"{DSE}/training/BingBertSquad/1-bit_adam/nccl/deepspeed_onebitadam_bsz96_config.json"),
    ("HF106", f"{DSE}/training/BingBertSquad/deepspeed_bsz24_config.json"),
    ("HF106", f"{DSE}/training/autotuning/hf/deberta/ds_config_fp16_tune.json"),
    ("HF106", f"{DSE}/training/bing_bert/01_adam/nccl/deepspeed_bsz4k_01adam_config_seq128_nccl.json"),
    ("HF106", f"{DSE}/training/bing_bert/1-bit_lamb/nccl/deepspeed_bsz64k_onebitlamb_config_seq128_nccl.json"),
    ("HF106", f"{DSE}/training/bing_bert/deepspeed_bsz4k_progressive_layer_drop_config_seq128.json"),
    ("HF106", f"{DSE}/training/bing_bert/deepspeed_bsz64k_lamb_config_seq128.json"),
    ("HF106", f"{DSE}/training/gan/gan_deepspeed_config.json"),
    ("HF106", f"{DSE}/training/pipeline_parallelism/ds_config.json"),
}

# Reviewed false errors that are still reported; they may disappear, never spread.
KNOWN_FALSE_ERRORS: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def corpus_report(shared_dir: Path) -> tuple[Path, Report]:
    corpus = shared_dir / "corpus"
    return corpus, lint_paths([str(corpus)], LintOptions(isolated=True))


def _errors(corpus: Path, report: Report) -> set[tuple[str, str]]:
    found = set()
    for result in report.all_files:
        rel = Path(result.path).resolve().relative_to(corpus.resolve()).as_posix()
        found |= {(d.code, rel) for d in result.diagnostics
                  if d.severity == Severity.ERROR and not PINNED_ELSEWHERE.match(d.code)}
    return found


def test_every_corpus_file_is_read(corpus_report: tuple[Path, Report]) -> None:
    _, report = corpus_report
    assert not report.failures
    assert len(report.files) > 300
    assert {f.document.kind for f in report.files} >= {"accelerate", "deepspeed"}


def test_errors_on_the_corpus_are_the_reviewed_ones(corpus_report: tuple[Path, Report]) -> None:
    found = _errors(*corpus_report)
    assert found - KNOWN_FALSE_ERRORS == EXPECTED_ERRORS


def test_errors_of_the_assumed_runner_are_warnings_naming_the_runners(corpus_report: tuple[Path, Report]) -> None:
    corpus, report = corpus_report
    hedged = set()
    for result in report.all_files:
        rel = Path(result.path).resolve().relative_to(corpus.resolve()).as_posix()
        hedged |= {(d.code, rel) for d in result.diagnostics if d.severity == Severity.WARNING
                   and "an error if the Trainer or Accelerate runs this file" in d.message}
    assert hedged == HEDGED
    trainer = lint_paths([str(corpus / path) for _, path in sorted(HEDGED)],
                         LintOptions(deepspeed_runner="trainer", isolated=True))
    assert {e for e in _errors(corpus, trainer) if e[0] in {code for code, _ in HEDGED}} == HEDGED
