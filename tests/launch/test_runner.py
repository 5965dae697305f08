"""A DeepSpeed JSON (or an Accelerate config running DeepSpeed) named by launches is checked for their
runners: the Trainer, Accelerate alone, or DeepSpeed itself, told by the training script."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_shardlint, write

# "betas": "auto" is filled by the Trainer only (HF100 under Accelerate alone); "gradient_clipping":
# "auto" reaches DeepSpeed unfilled under plain deepspeed.initialize (HF101)
DS_JSON = json.dumps({"train_micro_batch_size_per_gpu": 4, "gradient_clipping": "auto",
                      "optimizer": {"type": "AdamW", "params": {"lr": "auto", "betas": "auto"}},
                      "zero_optimization": {"stage": 2}}, indent=2) + "\n"
ACCELERATE_YAML = ("distributed_type: DEEPSPEED\nnum_processes: 2\n"
                   "deepspeed_config:\n  deepspeed_config_file: configs/ds.json\n")
INLINE_YAML = ("distributed_type: DEEPSPEED\nnum_processes: 2\n"
               "deepspeed_config:\n  zero_stage: 2\n  gradient_accumulation_steps: auto\n")
SCRIPTS = {
    "train_ds.py": "import deepspeed\nengine, *_ = deepspeed.initialize(model=model, config=args.deepspeed_config)\n",
    "train_acc.py": "from accelerate import Accelerator\naccelerator = Accelerator()\n",
    "train_hf.py": "from transformers import HfArgumentParser, TrainingArguments\n"
                   "parser = HfArgumentParser(TrainingArguments)\n",
}


def _codes(tmp_path: Path, *launches: str, isolated_args: tuple[str, ...] = ()) -> dict[str, list[str]]:
    (tmp_path / ".git").mkdir(parents=True)
    write(tmp_path, "configs/ds.json", DS_JSON)
    write(tmp_path, "configs/acc.yaml", ACCELERATE_YAML)
    write(tmp_path, "configs/inline.yaml", INLINE_YAML)
    for name, text in SCRIPTS.items():
        write(tmp_path, name, text)
    for i, launch in enumerate(launches):
        write(tmp_path, f"run{i}.sh", launch)
    out = run_shardlint("check", "--isolated", "--format", "json", *isolated_args, str(tmp_path))
    return {Path(f["path"]).name: [d["code"] for d in f["diagnostics"]] for f in json.loads(out.stdout)["files"]}


def test_no_launch_uses_the_default_runner(tmp_path: Path) -> None:
    codes = _codes(tmp_path)
    assert not {"HF100", "HF101"} & set(codes.get("ds.json", []))
    codes_flag = _codes(tmp_path / "b", isolated_args=("--deepspeed-runner", "deepspeed"))
    assert "HF101" in codes_flag["ds.json"]


def test_deepspeed_initialize_makes_a_deepspeed_run(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "deepspeed --num_gpus 2 train_ds.py --deepspeed_config configs/ds.json\n")
    assert "HF101" in codes["ds.json"]
    assert "HF100" not in codes["ds.json"]


def test_accelerator_script_makes_an_accelerate_run(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "accelerate launch --config_file configs/acc.yaml train_acc.py\n")
    assert "HF100" in codes["ds.json"]
    assert "HF101" not in codes["ds.json"]


def test_accelerate_config_follows_its_launch(tmp_path: Path) -> None:
    """DSA124 (gradient_accumulation_steps auto without the Trainer) on the YAML an Accelerator() script uses."""
    assert "DSA124" not in _codes(tmp_path / "a").get("inline.yaml", [])
    codes = _codes(tmp_path / "b", "accelerate launch --config_file configs/inline.yaml train_acc.py\n")
    assert "DSA124" in codes["inline.yaml"]
    codes = _codes(tmp_path / "c", "accelerate launch --config_file configs/inline.yaml train_hf.py --output_dir o\n")
    assert "DSA124" not in codes.get("inline.yaml", [])


def test_trainer_launch_overrides_the_flag(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "deepspeed train_hf.py --deepspeed configs/ds.json --output_dir out\n",
                   isolated_args=("--deepspeed-runner", "deepspeed"))
    assert not {"HF100", "HF101"} & set(codes.get("ds.json", []))


def test_launches_of_different_runners_keep_only_common_findings(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "deepspeed --num_gpus 2 train_ds.py --deepspeed_config configs/ds.json\n",
                   "accelerate launch --config_file configs/acc.yaml train_acc.py\n")
    assert not {"HF100", "HF101"} & set(codes.get("ds.json", []))


def test_unreadable_script_counts_as_the_default_runner(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "deepspeed --num_gpus 2 elsewhere/missing.py --deepspeed_config configs/ds.json\n")
    assert not {"HF100", "HF101"} & set(codes.get("ds.json", []))


def test_deepspeeds_own_arguments_make_a_deepspeed_run_when_the_script_is_absent(tmp_path: Path) -> None:
    """``--deepspeed`` as a switch with ``--deepspeed_config`` is deepspeed.add_config_arguments'
    pair; HfArgumentParser would stop on it."""
    codes = _codes(tmp_path, "torchrun --nproc_per_node 2 elsewhere/missing.py --deepspeed "
                   "--deepspeed_config configs/ds.json --fp16\n")
    assert "HF101" in codes["ds.json"]
    assert "HF100" not in codes["ds.json"]
    # without the switch (a script's own --deepspeed_config may feed the Trainer): the default runner
    codes = _codes(tmp_path / "b", "torchrun --nproc_per_node 2 elsewhere/missing.py "
                   "--deepspeed_config configs/ds.json\n")
    assert not {"HF100", "HF101"} & set(codes.get("ds.json", []))


def test_verbose_names_the_runners(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "configs/ds.json", DS_JSON)
    write(tmp_path, "train_ds.py", SCRIPTS["train_ds.py"])
    write(tmp_path, "run.sh", "deepspeed train_ds.py --deepspeed_config configs/ds.json\n")
    out = run_shardlint("check", "--isolated", "--verbose", str(tmp_path))
    assert "ds.json (deepspeed; " in out.stderr
    assert "DeepSpeed runner deepspeed (from the launches naming it)" in out.stderr


def test_a_finding_the_launch_decided_names_it(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "configs/ds.json", DS_JSON)
    write(tmp_path, "train_ds.py", SCRIPTS["train_ds.py"])
    write(tmp_path, "run.sh", "# train\ndeepspeed train_ds.py --deepspeed_config configs/ds.json\n")
    out = run_shardlint("check", "--isolated", "--format", "json", str(tmp_path))
    messages = [d["message"] for f in json.loads(out.stdout)["files"] for d in f["diagnostics"] if d["code"] == "HF101"]
    assert messages and all(" (run by DeepSpeed in " in m and m.endswith("run.sh:2)") for m in messages)


def test_the_streamed_text_report_follows_the_runner_too(tmp_path: Path) -> None:
    """Text and JSON reports are written file by file: a DeepSpeed file waits for the run's launches."""
    _codes(tmp_path, "accelerate launch --config_file configs/acc.yaml train_acc.py\n")
    out = run_shardlint("check", "--isolated", "--show-tips", "--format", "concise", str(tmp_path)).stdout
    assert any("ds.json" in line and "HF100" in line for line in out.splitlines()), out
