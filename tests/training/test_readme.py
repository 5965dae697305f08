"""The README's recipe and launch examples are what shardlint prints for them."""

from __future__ import annotations

import re

from tests.conftest import readme_section, run_shardlint, write


def _section() -> str:
    return readme_section("## Training recipes and the versions a project runs")


def _blocks() -> list[str]:
    return re.findall(r"```(?:yaml|text)\n(.*?)```", _section(), flags=re.S)


def test_readme_recipe_example(tmp_path):
    recipe, run, stderr = _blocks()[:3]
    (tmp_path / ".git").mkdir()
    write(tmp_path, "requirements.txt", "accelerate==1.15.0\ntransformers>=4.46,<5\n")
    write(tmp_path, "recipes/sft.yaml", recipe)
    assert "A project pinning `transformers>=4.46,<5` in `requirements.txt`" in _section()
    command, expected = run.split("\n", 1)
    proc = run_shardlint(*command.removeprefix("$ shardlint ").split(), cwd=tmp_path)
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, expected, stderr)
    proc = run_shardlint("check", "--target", "transformers=5.25.0", "--select", "HF142", "recipes", cwd=tmp_path)
    assert "HF142" in proc.stdout


def test_readme_launch_example(tmp_path):
    config, recipe, session, rows = _blocks()[3:]
    (tmp_path / ".git").mkdir()
    assert "With `train.py` reading `TrainingArguments`" in _section()
    write(tmp_path, "train.py", "from transformers import HfArgumentParser, TrainingArguments\n")
    write(tmp_path, "configs/fsdp.yaml", config)
    write(tmp_path, "recipes/sft.yaml", recipe)
    cat, rest = session.split("\n", 1)
    script, check = rest.split("$ shardlint check train.sh\n", 1)
    assert cat == "$ cat train.sh"
    write(tmp_path, "train.sh", script)
    proc = run_shardlint("check", "train.sh", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (1, check)
    proc = run_shardlint("effective", "train.sh", cwd=tmp_path)
    assert all(row in proc.stdout.splitlines() for row in rows.splitlines())
