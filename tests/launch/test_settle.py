"""A config's ACC120 is settled when every launch of the run that names it passes --num_processes."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import run_shardlint, write

CONFIG = "distributed_type: MULTI_GPU\nmixed_precision: bf16\n"


def _codes(tmp_path: Path, *scripts: str) -> dict[str, list[str]]:
    (tmp_path / ".git").mkdir()
    write(tmp_path, "configs/ddp.yaml", CONFIG)
    for i, script in enumerate(scripts):
        write(tmp_path, f"scripts/run{i}.sh", script)
    out = run_shardlint("check", "--isolated", "--format", "json", str(tmp_path))
    return {Path(f["path"]).name: [d["code"] for d in f["diagnostics"]] for f in json.loads(out.stdout)["files"]}


def test_every_launch_passes_num_processes(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "accelerate launch --config_file configs/ddp.yaml --num_processes 8 train.py\n")
    assert "ACC120" not in codes.get("ddp.yaml", [])


def test_one_launch_does_not(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "accelerate launch --config_file configs/ddp.yaml --num_processes 8 train.py\n",
                   "accelerate launch --config_file configs/ddp.yaml train.py\n")
    assert "ACC120" in codes["ddp.yaml"]


def test_a_config_no_launch_names_is_checked_alone(tmp_path: Path) -> None:
    codes = _codes(tmp_path, "accelerate launch --config_file other.yaml --num_processes 8 train.py\n")
    assert "ACC120" in codes["ddp.yaml"]
