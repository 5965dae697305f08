"""``shardlint estimate`` starts like ``shardlint check``: nothing heavy unless the cache lookup needs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.core.test_startup import HEAVY
from tests.estimate.conftest import MODELS

# estimate reads settings through the converter (shardlint.convert and its dataclasses), never
# its YAML writer, and never the libraries whose memory it estimates
REUSED = ("dataclasses", "inspect", "shardlint.convert")
NEVER = tuple(h for h in HEAVY if h not in REUSED) + (
    "shardlint.convert.yamledit", "huggingface_hub", "torch", "transformers", "deepspeed", "accelerate")

PROBE = """
import io, json, sys, contextlib
from shardlint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["estimate", *sys.argv[1:]])  # its exit code is not the point here
print(json.dumps(sorted(sys.modules)))
"""


def _imported(folder: Path, *args: str, env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=folder,
                          timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def _heavy(modules: set[str]) -> set[str]:
    return {m for m in modules if m.split(".")[0] in NEVER or m.startswith(NEVER)}


def test_estimate_imports_nothing_heavy(tmp_path: Path):
    for name in ("deepspeed-zero3.yaml", "ds_config_zero3.json"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    shutil.copytree(MODELS / "Qwen3-8B", tmp_path / "Qwen3-8B")
    assert not _heavy(_imported(tmp_path, "deepspeed-zero3.yaml", "--params", "7B"))
    assert not _heavy(_imported(tmp_path, "ds_config_zero3.json", "--model", "Qwen3-8B", "--gpu-memory", "8GiB"))


def test_only_a_model_id_reaches_for_huggingface_hub(tmp_path: Path):
    pytest.importorskip("huggingface_hub")
    shutil.copy(ROOT / "examples" / "fsdp2-good.yaml", tmp_path / "fsdp2-good.yaml")
    env = {**os.environ, "HF_HUB_CACHE": str(tmp_path / "cache"), "HF_HUB_OFFLINE": "1"}
    modules = _imported(tmp_path, "fsdp2-good.yaml", "--model", "org/not-cached", env=env)
    assert "huggingface_hub" in modules
