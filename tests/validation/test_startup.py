"""Validation stays cheap: no jsonschema at run time, schemas prepared once per process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shardlint.validation import schemas

_SCRIPT = """
import sys
from pathlib import Path
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.validation import validate_document
doc = read_document(Path(sys.argv[1]), sys.argv[1])
doc.kind = detect_kind(doc)
print(*sorted(d.code for d in validate_document(doc)))
print(*sorted(m for m in sys.modules if m.split(".")[0] in ("jsonschema", "referencing", "rpds")))
"""


def test_validation_does_not_import_jsonschema(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("distributed_type: FSDP\nfsdp_config:\n  fsdp_versoin: 2\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-c", _SCRIPT, str(config)], capture_output=True, text=True, timeout=60)
    found, heavy = proc.stdout.split("\n")[:2]
    assert found == "ACC002", proc.stderr
    assert heavy == ""


def test_validators_are_built_once_per_kind() -> None:
    assert schemas.validator("accelerate") is schemas.validator("accelerate")
    assert schemas.validator("deepspeed") is not schemas.validator("accelerate")
