"""The README's worked examples are what ``shardlint estimate`` prints."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.conftest import readme_section, run_shardlint
from tests.estimate.conftest import MODELS


def _blocks() -> list[str]:
    section = readme_section("## Will it fit? Estimating memory")
    return re.findall(r"```(?:yaml|json|text)\n(.*?)```", section, flags=re.S)


def test_readme_examples_are_real(tmp_path: Path):
    _usage, fsdp, fsdp_run, ds_json, ds_command, ds_output, _launch_run = _blocks()
    (tmp_path / "fsdp.yaml").write_text(fsdp, encoding="utf-8")
    (tmp_path / "ds_zero3.json").write_text(ds_json, encoding="utf-8")
    shutil.copytree(MODELS / "Llama-3.1-8B", tmp_path / "Llama-3.1-8B")

    command, expected = fsdp_run.split("\n", 1)
    proc = run_shardlint(*command.removeprefix("$ shardlint ").split(), cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (1, expected)

    proc = run_shardlint(*ds_command.strip().removeprefix("$ shardlint ").split(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)
    rows, notes = shown.pop("comparison"), shown.pop("notes")
    assert shown == json.loads(ds_output)
    assert len(rows) == 5 and notes
    assert {key for row in rows for key in row} == {"setup", "how", "source", "per_gpu_bytes", "per_node_cpu_bytes"}


def test_readme_launch_example_is_real(tmp_path: Path):
    section = readme_section("## Will it fit? Estimating memory").split("### From a launch command", 1)[1]
    script = re.findall(r"```sh\n(.*?)```", section, flags=re.S)[0]
    fsdp, launch_run = _blocks()[1], _blocks()[-1]
    (tmp_path / "fsdp.yaml").write_text(fsdp, encoding="utf-8")
    (tmp_path / "train.sh").write_text(script, encoding="utf-8")
    (tmp_path / ".git").mkdir()
    shutil.copytree(MODELS / "Llama-3.1-8B", tmp_path / "Llama-3.1-8B")
    command, expected = launch_run.split("\n", 1)
    proc = run_shardlint(*command.removeprefix("$ shardlint ").split(), cwd=tmp_path)
    assert (proc.returncode, proc.stderr, proc.stdout) == (0, "", expected)
