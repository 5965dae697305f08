"""Checking configs never imports the shell or Markdown parsers; checking a script does."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import ROOT, write
from tests.core.test_startup import imported_by_check

PARSERS = ("tree_sitter", "tree_sitter_bash", "markdown_it", "shardlint.launch.shell")


def test_configs_do_not_import_the_launch_parsers(tmp_path: Path) -> None:
    shutil.copy(ROOT / "examples" / "fsdp2-good.yaml", tmp_path / "a.yaml")
    write(tmp_path, "notes.sh", "echo no launcher here\n")
    modules = imported_by_check(tmp_path, "a.yaml", "notes.sh")
    assert not {m for m in modules if m.startswith(PARSERS)}


def test_a_script_with_a_launch_is_parsed(tmp_path: Path) -> None:
    write(tmp_path, "run.sh", "accelerate launch train.py\n")
    assert {"tree_sitter", "shardlint.launch.shell"} <= imported_by_check(tmp_path, "run.sh")
