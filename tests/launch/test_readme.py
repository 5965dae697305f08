"""The README's launch example, replayed: the same findings on the same lines and columns."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT, run_shardlint, write


def test_readme_launch_example(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Launch commands", 1)[1].split("\n## ", 1)[0]
    script = re.search(r"```sh\n(.*?)```", section, re.DOTALL).group(1)
    expected = re.search(r"```text\n\$ shardlint check train.sh\n(.*?)```", section, re.DOTALL).group(1)
    (tmp_path / ".git").mkdir()
    write(tmp_path, "configs/fsdp.yaml", "distributed_type: FSDP\nnum_processes: 8\n")
    write(tmp_path, "train.py", "")
    write(tmp_path, "train.sh", script)
    out = run_shardlint("check", "--isolated", "train.sh", cwd=tmp_path)
    found = [line for line in out.stdout.splitlines() if re.match(r"train\.sh:\d+:\d+: ", line)]
    shown = [re.sub(r"\(looked in [^)]*\)", "(looked in ...)", line) for line in found]
    assert shown == expected.strip().splitlines()
