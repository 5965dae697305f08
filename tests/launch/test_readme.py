"""The README's launch example, replayed: the same findings, the same effective settings."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import readme_section, run_shardlint, write


def _section() -> str:
    return readme_section("## Launch commands")


def _block(section: str, after: str, lang: str) -> str:
    return re.search(re.escape(after) + r".*?```" + lang + r"\n(.*?)```", section, re.DOTALL).group(1)


def test_readme_launch_example(tmp_path: Path) -> None:
    section = _section()
    (tmp_path / ".git").mkdir()
    write(tmp_path, "configs/fsdp.yaml", _block(section, "`configs/fsdp.yaml`:", "yaml"))
    write(tmp_path, "train.sh", _block(section, "`train.sh`:", "sh"))
    write(tmp_path, "train.py", "")
    check = _block(section, "", "text").split("\n", 1)
    assert check[0] == "$ shardlint check train.sh"
    out = run_shardlint("check", "--isolated", "train.sh", cwd=tmp_path)
    assert [line for line in out.stdout.splitlines() if line.startswith("train.sh:")] == check[1].splitlines()
    shown = _block(section, "`shardlint effective SCRIPT[:LINE]`", "text").split("\n", 1)
    assert shown[0] == "$ shardlint effective train.sh"
    out = run_shardlint("effective", "train.sh", cwd=tmp_path)
    assert out.stdout.rstrip() == shown[1].rstrip()
