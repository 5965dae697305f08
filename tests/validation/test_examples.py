"""The example configs shipped in examples/: good ones have no schema findings, bad ones the expected ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from shardlint.validation import validate_document

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXPECTED = {
    "fsdp1-bad.yaml": {("ACC004", "fsdp_config.fsdp_backward_prefetch_policy"),
                       ("ACC006", "fsdp_config.fsdp_auto_wrap_policy"),
                       ("ACC005", "mixed_precision")},  # unquoted no (YAML120 gives the sharper message)
    "ds_config_bad.json": {("DS001", "zero_optimization.stage3_prefetch_bucket_sizes")},
}


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.iterdir() if p.suffix in (".yaml", ".json")))
def test_example_config(name: str) -> None:
    doc = read_document(EXAMPLES / name, name)
    doc.kind = detect_kind(doc)
    assert doc.kind is not None
    found = {(d.code, d.path) for d in validate_document(doc)}
    assert found == EXPECTED.get(name, set())
