"""The wheel carries the data shardlint needs, so ``pip install .`` works from any directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_ships_schemas_and_compiled_rules(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(tmp_path),
                           str(ROOT)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    [wheel] = tmp_path.glob("shardlint-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for schema in ("accelerate-config", "deepspeed-config", "rule"):
        assert f"shardlint/schemas/{schema}.schema.json" in names
    assert "shardlint/rules/rules.json" in names
    shipped_rules = {n for n in names if n.startswith("shardlint/rules/") and n.endswith(".yaml")}
    assert len(shipped_rules) == len(list((ROOT / "rules").rglob("*.yaml")))
    assert "shardlint/cli.py" in names and not any(n.startswith("tests/") for n in names)

