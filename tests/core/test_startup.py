"""``shardlint check`` imports only what it uses: start-up is what a pre-commit hook pays."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

HEAVY = ("dataclasses", "inspect", "jsonschema", "ruamel", "pygls", "lsprotocol", "multiprocessing",
         "shardlint.lsp", "shardlint.convert", "shardlint.fixes.converge", "tomllib", "tomli")

PROBE = """
import io, json, sys, contextlib
from shardlint.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    main(["check", *sys.argv[1:]])
print(json.dumps(sorted(sys.modules)))
"""


def imported_by_check(folder: Path, *paths: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, *paths], capture_output=True, text=True, cwd=folder,
                          timeout=60)
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
