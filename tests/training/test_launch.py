"""Training arguments in launches: which launches are Trainer runs, the checks across layers, `shardlint effective`."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from shardlint.launch.lint import read_launches
from shardlint.launch.sniff import surface_of
from shardlint.lint import lint_paths
from shardlint.loading.reader import read_document
from shardlint.options import LintOptions
from shardlint.training.launch import training_run
from tests.conftest import write

TRAIN_PY = "from transformers import HfArgumentParser, TrainingArguments\n"
FSDP1 = ("distributed_type: FSDP\nnum_processes: 2\nmixed_precision: fp16\nfsdp_config:\n  fsdp_version: 1\n"
         "  fsdp_use_orig_params: false\n  fsdp_activation_checkpointing: true\n")
RECIPE = "output_dir: out\nlearning_rate: 2.0e-05\nper_device_train_batch_size: 8\ngradient_checkpointing: true\nbf16: true\n"
RUN = ("accelerate launch --config_file fsdp.yaml train.py recipe.yaml --torch_compile --evaluation_strategy steps\n"
       "torchrun --nproc_per_node 2 train.py --output_dir out --deepspeed ds.json --per_device_train_batch_size 8 --bf16\n")


def project(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "train.py", TRAIN_PY)
    write(tmp_path, "fsdp.yaml", FSDP1)
    write(tmp_path, "recipe.yaml", RECIPE)
    write(tmp_path, "ds.json", '{"train_micro_batch_size_per_gpu": "8", "fp16": {"enabled": true}, '
                               '"zero_optimization": {"stage": 2}}\n')
    write(tmp_path, "run.sh", RUN)
    return tmp_path


def findings(folder: Path, options: LintOptions | None = None) -> list[tuple[int, int, str]]:
    report = lint_paths([str(folder / "run.sh")], options or LintOptions(isolated=True))
    return sorted((d.range.start.line + 1, d.range.start.character + 1, d.code)
                  for f in report.files for d in f.diagnostics if d.code.startswith("HF"))


def test_checks_across_the_launch_the_recipe_and_the_configs(tmp_path):
    folder = project(tmp_path)
    assert findings(folder) == [(1, 52, "HF148"), (1, 52, "HF150"), (1, 66, "HF147"), (1, 82, "HF131"),
                                (2, 77, "HF149")]


def test_a_project_pinned_to_an_older_transformers_keeps_evaluation_strategy(tmp_path):
    folder = project(tmp_path)
    assert (1, 82, "HF131") not in findings(folder, LintOptions(isolated=True, target={"transformers": "4.46.3"}))


def test_a_script_that_does_not_read_training_arguments_is_left_alone(tmp_path):
    folder = project(tmp_path)
    write(folder, "train.py", "import argparse\nparser = argparse.ArgumentParser()\n")
    assert findings(folder) == []


def test_effective_lists_the_training_arguments_with_their_source(tmp_path, shardlint):
    folder = project(tmp_path)
    proc = shardlint("effective", "run.sh:1", "--format", "json", cwd=folder)
    rows = {row["setting"]: (row["value"], row["source"], row["from"]) for row in json.loads(proc.stdout)[0]["settings"]}
    assert rows["training_arguments.bf16"] == (True, "recipe", "recipe.yaml:5")
    assert rows["training_arguments.torch_compile"] == (True, "argument", "run.sh:1:64")
    assert rows["fsdp_config.fsdp_use_orig_params"][0] is False


# launches of ../shared/corpus-launch read as Trainer runs: (file, line) -> named a recipe
TRAINER_RUNS = {
    **{("repos/huggingface__alignment-handbook/recipes/smollm3/README.md", line): True for line in (13, 16, 19)},
    **{("repos/huggingface__alignment-handbook/recipes/zephyr-7b-beta/README.md", line): True
       for line in (18, 21, 29, 32, 40, 43)},
    **{("repos/huggingface__open-r1/README.md", line): True for line in (125, 141, 151, 202, 222, 314, 383)},
    ("repos/huggingface__trl/docs/source/grpo_trainer.md", 992): False,
    ("repos/huggingface__trl/docs/source/rloo_trainer.md", 562): False,
    **{("repos/princeton-nlp__SimPO/README.md", line): True for line in (188, 192, 196, 200, 204)},
}


def test_corpus_trainer_runs_and_no_false_alarm_in_launch_files(shared_dir, monkeypatch):
    root = shared_dir / "corpus-launch"
    monkeypatch.chdir(root)
    with open(root / "MANIFEST.tsv", encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle, delimiter="\t")]
    runs = {}
    for name in files:
        path = Path(name)
        surface = surface_of(path, path.read_bytes()[:256])
        if surface is None:
            continue
        doc = read_document(path, name)
        launches, written = read_launches(doc, surface)
        for launch in launches:
            run = training_run(launch, doc, written) if launch.settled else None
            if run is not None:
                runs[(name, doc.index.position(launch.head.start).line + 1)] = run.recipe is not None
    assert runs == TRAINER_RUNS
    report = lint_paths([f for f in files if surface_of(Path(f)) is not None or f.endswith(".md")],
                        LintOptions(isolated=True))
    assert not [(f.path, d.code) for f in report.files if f.document.kind == "launch"
                for d in f.diagnostics if d.code.startswith("HF1")]


def test_trl_commands_read_their_config_and_leave_the_launcher_options_alone(tmp_path):
    folder = project(tmp_path)
    write(folder, "run.sh", "trl sft --config recipe.yaml --accelerate_config zero2 --num_processes 8 "
                            "--evaluation_strategy steps\n")
    assert findings(folder) == [(1, 76, "HF131")]
    doc = read_document(folder / "run.sh", "run.sh")
    launches, written = read_launches(doc, surface_of(folder / "run.sh"))
    run = training_run(launches[0], doc, written)
    assert run is not None and run.recipe is not None and run.args.recipe_how == "--config"
    assert [g.name for g in run.args.given] == ["evaluation_strategy"]


def _replaced_file_project(tmp_path: Path, launch: str, recipe: str = "output_dir: out\n") -> list[tuple[int, int, str]]:
    (tmp_path / ".git").mkdir(parents=True)
    write(tmp_path, "train.py", TRAIN_PY)
    write(tmp_path, "ds.yaml", "distributed_type: DEEPSPEED\nnum_processes: 2\n"
                               "deepspeed_config:\n  deepspeed_config_file: zero2.json\n")
    write(tmp_path, "zero2.json", '{"zero_optimization": {"stage": 2}}\n')
    write(tmp_path, "zero3.json", '{"zero_optimization": {"stage": 3}}\n')
    write(tmp_path, "recipe.yaml", recipe)
    write(tmp_path, "run.sh", launch)
    return findings(tmp_path)


def test_training_deepspeed_replaces_the_launch_json(tmp_path):
    assert _replaced_file_project(tmp_path / "a", "accelerate launch --config_file ds.yaml train.py "
                                  "--output_dir out --deepspeed zero3.json\n") == [(1, 69, "HF151")]
    assert _replaced_file_project(tmp_path / "b", "accelerate launch --config_file ds.yaml train.py recipe.yaml\n",
                                  "output_dir: out\ndeepspeed: zero3.json\n") == [(1, 50, "HF151")]
    assert _replaced_file_project(tmp_path / "c", "accelerate launch --config_file ds.yaml --deepspeed_config_file "
                                  "zero2.json train.py --output_dir out --deepspeed zero3.json\n") == [(1, 104, "HF151")]
    assert _replaced_file_project(tmp_path / "d", "accelerate launch --config_file ds.yaml train.py "
                                  "--output_dir out --deepspeed zero2.json\n") == []


def _batch_findings(tmp_path: Path, launch: str, ds: str) -> list[tuple[int, int, str]]:
    (tmp_path / ".git").mkdir(parents=True)
    write(tmp_path, "train.py", TRAIN_PY)
    write(tmp_path, "ds.json", ds)
    write(tmp_path, "run.sh", launch)
    return findings(tmp_path)


def test_train_batch_size_against_the_world_size_and_the_arguments(tmp_path):
    fixed = '{"train_batch_size": 64, "train_micro_batch_size_per_gpu": "auto", "zero_optimization": {"stage": 2}}\n'
    run = "torchrun --nproc_per_node 4 train.py --output_dir out --deepspeed ds.json --per_device_train_batch_size 8"
    assert _batch_findings(tmp_path / "a", run + "\n", fixed) == [(1, 77, "HF149")]  # 4 x 8 x 1 = 32
    assert _batch_findings(tmp_path / "b", run + " --gradient_accumulation_steps 2\n", fixed) == []
    assert _batch_findings(tmp_path / "c", run + " --auto_find_batch_size\n", fixed) == []
    auto = fixed.replace('"train_batch_size": 64', '"train_batch_size": "auto"')
    assert _batch_findings(tmp_path / "d", run + "\n", auto) == []
    unknown = run.replace("--nproc_per_node 4", "--nproc_per_node gpu")
    assert _batch_findings(tmp_path / "e", unknown + "\n", fixed) == []


def test_train_batch_size_message_shows_the_product(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "train.py", TRAIN_PY)
    write(tmp_path, "ds.json", '{"train_batch_size": 64, "zero_optimization": {"stage": 2}}\n')
    write(tmp_path, "run.sh", "deepspeed --num_gpus 2 --num_nodes 1 train.py --output_dir o --deepspeed ds.json "
                              "--gradient_accumulation_steps 2\n")
    report = lint_paths([str(tmp_path / "run.sh")], LintOptions(isolated=True))
    messages = [d.message for f in report.files for d in f.diagnostics if d.code == "HF149"]
    assert len(messages) == 1
    assert ("train_batch_size to 64 but the Trainer computes world size 2 x per_device_train_batch_size 8 x "
            "gradient_accumulation_steps 2 = 32 (world size from --num_gpus 2 x --num_nodes 1)") in messages[0]


def test_recipe_deepspeed_beside_deepspeed_fields_of_the_accelerate_config(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "train.py", TRAIN_PY)
    write(tmp_path, "ds.yaml", "distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  zero_stage: 3\n")
    write(tmp_path, "zero3.json", '{"zero_optimization": {"stage": 3}}\n')
    write(tmp_path, "recipe.yaml", "output_dir: out\ndeepspeed: zero3.json\n")
    write(tmp_path, "run.sh", "accelerate launch --config_file ds.yaml train.py recipe.yaml\n")
    report = lint_paths([str(tmp_path / "run.sh")], LintOptions(isolated=True))
    found = [d for f in report.files for d in f.diagnostics if d.code == "LCH117"]
    assert len(found) == 1
    assert "ds.yaml sets zero_stage beside the recipe's deepspeed zero3.json" in found[0].message
    assert found[0].message.endswith("recipe.yaml:2)")
    write(tmp_path, "ds.yaml", "distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n  zero3_init_flag: true\n")
    report = lint_paths([str(tmp_path / "run.sh")], LintOptions(isolated=True))
    assert not [d for f in report.files for d in f.diagnostics if d.code == "LCH117"]
