"""The README's pre-commit, GitHub Actions and configuration blocks work as printed."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from shardlint.reporters import FORMATS
from shardlint.settings.loader import settings_from_table
from tests.conftest import ROOT

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def _block(section: str, language: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    body = text.split(f"\n## {section}\n", 1)[1].split("\n## ", 1)[0]
    return re.search(rf"```{language}\n(.*?)```", body, re.S)[1]  # type: ignore[index]


def test_configuration_block_is_valid() -> None:
    table = tomllib.loads(_block("Configuration", "toml"))["tool"]["shardlint"]
    settings = settings_from_table(table, "README", Path("/repo"))
    assert settings.selection is not None and settings.selection.ignore == ("FSDP190",)
    assert settings.target == {"accelerate": "1.6", "deepspeed": "0.15"}


def test_pre_commit_block_names_the_shipped_hooks() -> None:
    config = yaml.safe_load(_block("pre-commit", "yaml"))
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {h["id"] for repo in config["repos"] for h in repo["hooks"]} <= hooks
    assert {"shardlint", "shardlint-fix"} <= hooks


def test_workflow_block_uses_existing_formats() -> None:
    workflow = yaml.safe_load(_block("GitHub Actions", "yaml"))
    commands = [step["run"] for step in workflow["jobs"]["shardlint"]["steps"] if "run" in step]
    used = {m for c in commands for m in re.findall(r"--format (\w+)", c)}
    assert used == {"github", "sarif"} and used <= set(FORMATS)
