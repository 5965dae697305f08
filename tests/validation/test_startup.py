"""Validation stays cheap: no jsonschema at run time, schemas prepared once per process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shardlint.validation import schemas


def test_check_does_not_import_jsonschema(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("distributed_type: FSDP\nfsdp_config:\n  fsdp_versoin: 2\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "shardlint", "check", str(config)],
                          capture_output=True, text=True, timeout=60)
    assert "ACC002" in proc.stdout  # the schema layer ran
    imported = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines() if "|" in line}
    assert "shardlint.validation.engine" in imported
    assert not {name for name in imported if name.split(".")[0] in ("jsonschema", "referencing", "rpds")}


def test_validators_are_built_once_per_kind() -> None:
    assert schemas.validator("accelerate") is schemas.validator("accelerate")
    assert schemas.validator("deepspeed") is not schemas.validator("accelerate")
