"""The recipes of ../shared/corpus-launch: which are read as recipes, no crash, every error reviewed and pinned.

Judged against the newest releases (no pins: the corpus keeps the recipes without their
projects' requirement files). Each pinned error was checked against transformers 5.25.0's
TrainingArguments: the key is gone there and HfArgumentParser refuses it.
"""

from __future__ import annotations

import csv
from collections import Counter

from shardlint.diagnostics import Severity
from shardlint.lint import lint_paths
from shardlint.options import LintOptions

# (file, code, key) of every error in a file read as a recipe
HANDBOOK = "repos/huggingface__alignment-handbook/recipes/"
OPEN_R1 = "repos/huggingface__open-r1/recipes/"
SIMPO = "repos/princeton-nlp__SimPO/training_configs/"
ERRORS = Counter({
    **{(HANDBOOK + f, "HF131", "warmup_ratio"): 1 for f in (
        "constitutional-ai/dpo/config_anthropic.yaml", "constitutional-ai/sft/config_anthropic.yaml",
        "constitutional-ai/sft/config_grok.yaml", "pref_align_scan/dpo/config_openhermes.yaml",
        "pref_align_scan/dpo/config_zephyr.yaml", "smollm3/dpo/apo.yaml", "smollm3/sft/mid.yaml", "smollm3/sft/sft.yaml",
        "zephyr-7b-beta/dpo/config_full.yaml", "zephyr-7b-beta/dpo/config_qlora.yaml",
        "zephyr-7b-beta/sft/config_full.yaml", "zephyr-7b-beta/sft/config_qlora.yaml")},
    **{(HANDBOOK + f, "HF131", "overwrite_output_dir"): 1 for f in (
        "constitutional-ai/sft/config_anthropic.yaml", "constitutional-ai/sft/config_grok.yaml", "smollm3/dpo/apo.yaml",
        "smollm3/sft/mid.yaml", "smollm3/sft/sft.yaml", "zephyr-7b-beta/sft/config_full.yaml",
        "zephyr-7b-beta/sft/config_qlora.yaml")},
    **{(OPEN_R1 + f, "HF131", key): 1 for f in (
        "DeepSeek-R1-Distill-Qwen-1.5B/grpo/config_demo.yaml", "OlympicCoder-32B/sft/config_v00.00.yaml",
        "OlympicCoder-7B/sft/config_v00.00.yaml", "OpenR1-Distill-7B/sft/config_distill.yaml",
        "Qwen2.5-1.5B-Instruct/grpo/config_demo_code.yaml", "Qwen2.5-1.5B-Instruct/grpo/config_demo_code_ioi.yaml")
       for key in ("warmup_ratio", "overwrite_output_dir")},
    **{(SIMPO + f, "HF131", key): 1 for f in (
        "gemma-2-9b-it-simpo.yaml", "llama-3-8b-base-sft.yaml", "llama-3-8b-base-simpo.yaml",
        "llama-3-8b-instruct-simpo-v2.yaml", "llama-3-8b-instruct-simpo.yaml", "mistral-7b-base-simpo.yaml",
        "mistral-7b-instruct-simpo.yaml") for key in ("evaluation_strategy", "warmup_ratio")},
    (SIMPO + "llama-3-8b-base-sft.yaml", "HF131", "overwrite_output_dir"): 1,
    **{("repos/philschmid__deep-learning-pytorch-huggingface/training/receipes/" + f, "HF131", "warmup_ratio"): 1
       for f in ("dpo-llama-3-1-8b.yaml", "dpo-llama-3-1-8b-qlora.yaml")},
})


def _manifest(shared_dir):
    with open(shared_dir / "corpus-launch" / "MANIFEST.tsv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_corpus_recipes(shared_dir, monkeypatch):
    root = shared_dir / "corpus-launch"
    monkeypatch.chdir(root)
    rows = [r for r in _manifest(shared_dir) if r["kind"] in ("recipe", "accelerate-config", "deepspeed-config")]
    report = lint_paths([r["file"] for r in rows], LintOptions(isolated=True))
    assert not report.failures
    kinds = {f.path: f.document.kind for f in report.files}
    recipes = {path for path, kind in kinds.items() if kind == "recipe"}
    # the HfArgumentParser recipes; axolotl, LLaMA-Factory, open-instruct and home-llm configs have schemas of their own
    assert recipes == {r["file"] for r in rows if r["kind"] == "recipe"
                       and r["repo"] in ("huggingface/alignment-handbook", "huggingface/open-r1",
                                         "princeton-nlp/SimPO", "philschmid/deep-learning-pytorch-huggingface")}
    assert not {p for p, k in kinds.items() if k == "recipe"} & {r["file"] for r in rows if r["kind"] != "recipe"}
    errors = Counter((f.path, d.code, d.path) for f in report.files if f.path in recipes
                     for d in f.diagnostics if d.severity == Severity.ERROR)
    assert errors == ERRORS
