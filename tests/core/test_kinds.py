"""Which tool a file is for (shardlint.kinds.detect_kind)."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint.kinds import detect_kind
from shardlint.lint import lint_paths
from shardlint.loading.reader import read_document
from shardlint.options import LintOptions


def _doc(tmp_path: Path, text: str, name: str = "config.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_document(path, name)


@pytest.mark.parametrize(("text", "named", "expected"), [
    ("distributed_type: FSDP\n", False, "accelerate"),
    ("fsdp_config: {}\n", False, "accelerate"),
    ("fsdp_config: {}\nmixed_precision: bf16\nbase_model: gpt2\n", False, "accelerate"),
    # another tool's config with an fsdp_config section (axolotl's): not Accelerate's
    ("base_model: gpt2\ndatasets: []\nmicro_batch_size: 2\nfsdp_config: {}\n", False, None),
    # Accelerate's keys alone: an Accelerate config without distributed_type, when named
    ("mixed_precision: bf16\nnum_processes: 2\n", True, "accelerate"),
    ("mixed_precision: bf16\nnum_processes: 2\n", False, None),
    ("distributed_typ: FSDP\nnum_processes: 2\n", True, "accelerate"),  # a misspelled marker
    ("ipex_config: {}\nnum_processes: 2\n", True, "accelerate"),  # a removed key is still Accelerate's
    ("model_name: gpt2\nepochs: 3\n", True, None),
    ("model_name: gpt2\nnum_processes: 2\n", True, None),  # one foreign key is enough to say no
    ("distributed_typ: FSDP\n", True, None),  # only a near miss: nothing spelled exactly
    ("{}\n", True, None),
    ("1: 2\nnum_processes: 2\n", True, None),
])
def test_detect_kind(tmp_path: Path, text: str, named: bool, expected: str | None) -> None:
    assert detect_kind(_doc(tmp_path, text), named=named) == expected


def test_json_of_accelerate_keys_alone_is_not_claimed(tmp_path: Path) -> None:
    doc = _doc(tmp_path, '{"num_processes": 2, "mixed_precision": "bf16"}', "config.json")
    assert detect_kind(doc, named=True) is None


def test_named_file_gets_acc008_and_a_walk_skips_it(tmp_path: Path) -> None:
    (tmp_path / "accelerate.yaml").write_text("mixed_precision: bf16\nnum_machines: 1\nnum_processes: 2\n")
    named = lint_paths([str(tmp_path / "accelerate.yaml")], LintOptions(isolated=True))
    assert [d.code for f in named.files for d in f.diagnostics] == ["ACC008"]
    walked = lint_paths([str(tmp_path)], LintOptions(isolated=True))
    assert [d.code for f in walked.files for d in f.diagnostics] == []
