"""``shardlint check`` imports only what it uses: start-up is what a pre-commit hook pays."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HEAVY = ("dataclasses", "inspect", "difflib", "shutil", "jsonschema", "ruamel", "pygls", "lsprotocol",
         "multiprocessing", "shardlint.lsp", "shardlint.convert", "shardlint.fixes.converge", "tomllib", "tomli")

PROBE = """
import io, sys, contextlib
from shardlint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", *sys.argv[1:]])
modules = sorted(sys.modules)
import json
print(json.dumps(modules))
"""


def imported_by_check(folder: Path, *paths: str, env: dict[str, str] | None = None) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *paths], capture_output=True, text=True, cwd=folder,
                          timeout=60, env=env)
    assert proc.returncode == 0, proc.stderr
    return set(json.loads(proc.stdout.splitlines()[-1]))


def test_checking_configs_imports_nothing_heavy(tmp_path: Path):
    # outside this repository, whose pyproject.toml makes the configuration lookup read TOML
    for name in ("fsdp2-good.yaml", "deepspeed-zero3.yaml", "ds_config_zero3.json"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    # a suppression comment brings in the suppression parser too
    suppressed = (ROOT / "examples" / "fsdp2-good.yaml").read_text(encoding="utf-8")
    (tmp_path / "suppressed.yaml").write_text("# shardlint: disable-file=SL002\n" + suppressed, encoding="utf-8")
    modules = imported_by_check(tmp_path, "fsdp2-good.yaml", "deepspeed-zero3.yaml", "suppressed.yaml")
    assert "shardlint.suppressions" in modules
    assert not {m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY)}
    assert "shardlint.fixes.migrate" not in modules  # FSDP190's migration is worked out for FSDP1 configs only


def test_a_parsed_pyproject_is_taken_from_the_cache_by_later_runs(tmp_path: Path):
    """A project's pyproject.toml holding a configuration and pins is parsed once: later runs take its
    tables from the user's cache without importing the TOML parser."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "train"\ndependencies = ["accelerate==1.6.0"]\n\n'
                                             '[tool.shardlint]\nignore = ["SL002"]\n', encoding="utf-8")
    shutil.copy(ROOT / "examples" / "fsdp2-good.yaml", tmp_path / "fsdp2-good.yaml")
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    assert "tomllib" in imported_by_check(tmp_path, "fsdp2-good.yaml", env=env)
    assert not {m for m in imported_by_check(tmp_path, "fsdp2-good.yaml", env=env) if m.startswith(("tomllib", "tomli"))}


def test_later_runs_of_clean_configs_import_no_json(tmp_path: Path):
    """The rules and schemas are taken from the user's cache once it is filled: a clean config needs no JSON."""
    for name in ("fsdp2-good.yaml", "deepspeed-zero3.yaml"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    imported_by_check(tmp_path, "fsdp2-good.yaml", "deepspeed-zero3.yaml", env=env)
    modules = imported_by_check(tmp_path, "fsdp2-good.yaml", "deepspeed-zero3.yaml", env=env)
    assert not {m for m in modules if m.split(".")[0] in ("json", "_json")}


def test_checking_fixable_configs_imports_nothing_heavy(tmp_path: Path):
    """The text report needs only the titles of fixes: their edits (the line diff of a fix of
    several steps, ruamel.yaml for a written collection) are left for --fix, --diff, JSON and SARIF."""
    for name in ("fsdp1-bad.yaml", "deepspeed-bad.yaml", "ds_config_bad.json"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    # a DeepSpeed JSON whose fix removes several sections (a chain of edits, then a line diff)
    (tmp_path / "removed.json").write_text(json.dumps({
        "train_batch_size": 8, "compression_training": {"weight_quantization": {}},
        "quantize_training": {"enabled": False}}, indent=2), encoding="utf-8")
    for flags in ((), ("--show-tips",)):
        modules = imported_by_check(tmp_path, *flags, "fsdp1-bad.yaml", "deepspeed-bad.yaml",
                                    "ds_config_bad.json", "removed.json")
        assert not {m for m in modules if m.split(".")[0] in HEAVY or m.startswith(HEAVY)}


def test_checking_json_never_imports_pyyaml(tmp_path: Path):
    """A DeepSpeed JSON is read by shardlint's own JSON loader: PyYAML's import (its reader compiles a
    large Unicode pattern) is left for YAML files."""
    shutil.copy(ROOT / "examples" / "ds_config_zero3.json", tmp_path / "ds.json")
    (tmp_path / "bad.json").write_text(json.dumps({"train_batch_size": 8, "fp16": {"enabled": "yes"}}),
                                       encoding="utf-8")
    modules = imported_by_check(tmp_path, "ds.json", "bad.json")
    assert "shardlint.loading.json_loader" in modules
    assert not {m for m in modules if m == "yaml" or m.startswith(("yaml.", "shardlint.loading.yaml_loader"))}
    assert "datetime" not in modules  # PyYAML imports it for YAML timestamps; nothing a JSON config needs does


def test_checking_yaml_never_imports_the_json_loader(tmp_path: Path):
    shutil.copy(ROOT / "examples" / "fsdp2-good.yaml", tmp_path / "fsdp2-good.yaml")
    assert "shardlint.loading.json_loader" not in imported_by_check(tmp_path, "fsdp2-good.yaml")


def test_a_walk_over_files_that_are_no_configs_imports_no_checks(tmp_path: Path):
    """Workflows-like YAML and Markdown without a launch are passed over before any check is loaded."""
    (tmp_path / "ci.yaml").write_text("name: tests\non: [push]\njobs:\n  test:\n    steps:\n      - run: make\n",
                                      encoding="utf-8")
    (tmp_path / "notes.md").write_text("# Notes\n\nTrain with `python train.py`.\n", encoding="utf-8")
    modules = imported_by_check(tmp_path, ".")
    assert not {m for m in modules if m.startswith(("shardlint.engine", "shardlint.validation", "shardlint.pipeline",
                                                    "shardlint.launch.lint", "shardlint.training.schema"))}
