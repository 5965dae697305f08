"""Where launch commands are found and how their words are read, with exact positions."""

from __future__ import annotations

import json
from pathlib import Path

from shardlint.launch.launchers import find_launches
from shardlint.launch.regions import regions
from shardlint.launch.shell import read_script
from tests.conftest import run_shardlint, write


def _launches(text: str, surface: str = "shell"):
    return find_launches(read_script(list(regions(text, surface))).commands)  # type: ignore[arg-type]


def _at(text: str, word) -> str:
    return text[word.start:word.end]


def test_variables_defaults_continuations_and_wrappers() -> None:
    text = ('CFG=${CFG:-configs/fsdp.yaml}\n'
            'srun --nodes=2 -N 2 env A=1 accelerate launch \\\n'
            '  --config_file $CFG --num_processes "$N" train.py --lr 1 "$@"\n')
    (launch,) = _launches(text)
    config = launch.flag("--config_file").value
    assert config.value == "configs/fsdp.yaml" and _at(text, config) == "$CFG"
    assert launch.flag("--num_processes").value.value is None  # unknown, never guessed
    assert launch.script.value == "train.py"
    assert [w.value for w in launch.script_args][:2] == ["--lr", "1"]


def test_a_command_kept_in_a_variable_points_into_the_assignment() -> None:
    text = 'LAUNCHER="accelerate launch --num_processes 8 --config_file $ACC.yaml"\nsrun bash -c "$LAUNCHER train.py"\n'
    (launch,) = _launches(text)
    flag = launch.flag("--num_processes")
    assert _at(text, flag.value) == "8" and text.index("8") == flag.value.start
    assert launch.flag("--config_file").value.value is None
    assert launch.script.value == "train.py"


def test_heredoc_commands_loops_and_deprecated_launch() -> None:
    text = ("read -r -d '' cmd <<EOF\nopenrlhf.cli.train_sft --max_len 2048\nEOF\n"
            "deepspeed --module $cmd\n"
            "for s in 1 2; do python -m torch.distributed.launch --nproc_per_node 2 t.py --seed $s; done\n")
    first, second = _launches(text)
    assert first.launcher == "deepspeed" and first.script.value == "openrlhf.cli.train_sft"
    assert second.launcher == "torch.distributed.launch" and second.script.value == "t.py"


def test_markdown_console_makefile_and_workflow_regions() -> None:
    md = "# T\n\n```console\n$ accelerate launch --num_proc 2 x.py\nsome output\n```\n\n```python\naccelerate launch\n```\n"
    (launch,) = _launches(md, "markdown")
    assert launch.problems[0].code == "LCH100" and _at(md, launch.problems[0].word) == "--num_proc"
    mk = "train:\n\t@accelerate launch --multi_gpu x.py\n"
    (launch,) = _launches(mk, "makefile")
    assert _at(mk, launch.flags[0].word) == "--multi_gpu"
    wf = "on: push\njobs:\n  t:\n    steps:\n      - run: |\n          torchrun --nproc_per_node 2 \\\n            x.py\n"
    (launch,) = _launches(wf, "workflow")
    assert _at(wf, launch.flags[0].value) == "2" and launch.script.value == "x.py"


def test_diagnostics_sit_on_the_token_in_json(tmp_path: Path) -> None:
    script = write(tmp_path, "docs/guide.md", "Run:\n\n```bash\naccelerate launch \\\n  --same_network false train.py\n```\n")
    out = run_shardlint("check", "--isolated", "--format", "json", str(script))
    data = json.loads(out.stdout)
    (result,) = data["files"]
    assert result["kind"] == "launch"
    (diag,) = [d for d in result["diagnostics"] if d["code"] == "LCH101"]
    assert diag["range"]["start"] == {"line": 4, "character": 17}


def test_a_walk_skips_scripts_without_a_launcher(tmp_path: Path) -> None:
    write(tmp_path, "a.sh", "echo hello\n")
    write(tmp_path, "b.sh", "accelerate launch --num_processes two t.py\n")
    out = run_shardlint("check", "--isolated", "--format", "json", str(tmp_path))
    paths = [Path(f["path"]).name for f in json.loads(out.stdout)["files"]]
    assert paths == ["b.sh"]


def test_quoted_pieces_appended_variables_and_unknown_folders() -> None:
    text = ('L="ACCELERATE_LOG_LEVEL=info accelerate launch --rdzv_conf "rdzv_backend=c10d,x=$A" --num_processes 8"\n'
            'L="${L} --num_machines 2"\n'
            'srun bash -c "$L train.py"\n'
            '${HOME}/.local/bin/accelerate launch --cpu x.py\n')
    first, second = _launches(text)
    assert _at(text, first.flag("--num_processes").value) == "8"
    assert _at(text, first.flag("--num_machines").value) == "2"
    assert first.script.value == "train.py"
    assert second.flag("--cpu") is not None and second.script.value == "x.py"


def test_a_command_run_by_a_job_submitter_and_doc_placeholders() -> None:
    text = "python mason.py --gpus 8 -- source env.sh \\&\\& accelerate launch --num_processes 8 t.py\n"
    (launch,) = _launches(text)
    assert launch.flag("--num_processes").value.value == "8"
    md = "Prepend `accelerate launch --config_file <strategy>.yaml` to the command.\n"
    (launch,) = _launches(md, "markdown")
    assert not launch.problems  # a placeholder, not a missing value
    assert launch.flag("--config_file").value.value is None


def test_files_the_script_makes_are_not_missing(tmp_path: Path) -> None:
    write(tmp_path, "run.sh", "python gen.py --output_file configs/config.yaml\n"
                              "python make_ds.py > ds.json\n"
                              "accelerate launch --config_file configs/config.yaml t.py --deepspeed ds.json\n")
    out = run_shardlint("check", "--isolated", "--format", "json", str(tmp_path / "run.sh"))
    assert not [d for f in json.loads(out.stdout)["files"] for d in f["diagnostics"] if d["code"] == "LCH106"]


def test_a_path_with_an_unknown_part_names_the_files_it_can(tmp_path: Path) -> None:
    from shardlint.launch.lint import read_launches
    from shardlint.launch.references import references
    from shardlint.loading.reader import read_document

    (tmp_path / ".git").mkdir()
    write(tmp_path, "recipes/accelerate_configs/ddp.yaml", "distributed_type: MULTI_GPU\n")
    write(tmp_path, "recipes/accelerate_configs/zero3.yaml", "distributed_type: DEEPSPEED\n")
    path = write(tmp_path, "recipes/launch.slurm", "accelerate launch --config_file recipes/accelerate_configs/$ACC.yaml t.py\n")
    launches, written = read_launches(read_document(path, "launch.slurm"), "shell")
    (ref,) = [r for r in references(launches[0], path, written) if r.role == "config file"]
    assert ref.path is None and [m.name for m in ref.matches] == ["ddp.yaml", "zero3.yaml"]


def test_fixes_apply_to_a_script(tmp_path: Path) -> None:
    script = write(tmp_path, "run.sh", "accelerate launch --num_proces 8 train.py\n"
                                       "python -m torch.distributed.launch --nproc_per_node 2 t.py\n")
    out = run_shardlint("check", "--isolated", "--fix", "--unsafe-fixes", str(script))
    assert out.returncode == 0, out.stdout + out.stderr
    assert script.read_text(encoding="utf-8") == ("accelerate launch --num_processes 8 train.py\n"
                                                  "torchrun --nproc_per_node 2 t.py\n")


def test_recipes_and_trl_configs_are_references(tmp_path: Path) -> None:
    write(tmp_path, "run.sh", "accelerate launch --config_file zero3.yaml train.py --config recipes/sft.yaml\n"
                              "trl sft --config recipes/sft.yaml --accelerate_config zero2\n"
                              "python train.py --config settings\n")
    write(tmp_path, "zero3.yaml", "distributed_type: DEEPSPEED\nnum_processes: 8\n")
    out = run_shardlint("check", "--isolated", "--format", "json", str(tmp_path / "run.sh"))
    missing = [(d["range"]["start"]["line"], d["message"].split(" does not")[0])
               for f in json.loads(out.stdout)["files"] for d in f["diagnostics"] if d["code"] == "LCH106"]
    # a recipe path is a file; trl's zero2 is one of its preset configs, not a path
    assert missing == [(0, "recipe recipes/sft.yaml"), (1, "recipe recipes/sft.yaml")]


def test_a_walk_reads_workflows_but_not_the_rest_of_dot_github(tmp_path: Path) -> None:
    write(tmp_path, ".github/workflows/train.yml",
          "on: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: accelerate launch --num_proc 2 t.py\n")
    write(tmp_path, ".github/ISSUE_TEMPLATE/bug.yml", "name: [broken\n")
    out = run_shardlint("check", "--isolated", "--format", "json", str(tmp_path))
    files = {Path(f["path"]).name: [d["code"] for d in f["diagnostics"]] for f in json.loads(out.stdout)["files"]}
    assert files == {"train.yml": ["LCH100"]}
