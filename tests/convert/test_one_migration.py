"""FSDP190's fix and ``convert --to fsdp2`` are one FSDP1 -> FSDP2 migration: on every FSDP1 config of
the examples and the corpus they write the same ``fsdp_config``, and refuse the same files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from shardlint.builtins.fsdp190 import check_fsdp1, is_fsdp1
from shardlint.convert import ConvertError, convert_text
from shardlint.fixes.splice import apply_edits
from shardlint.kinds import detect_kind
from shardlint.loading.reader import read_document
from tests.conftest import ROOT


def _fsdp1_configs(paths: list[Path]) -> list[Path]:
    found = []
    for path in paths:
        doc = read_document(path, path.name)
        if doc.loaded and detect_kind(doc) == "accelerate" and is_fsdp1(doc):
            found.append(path)
    return found


def _by_fix(path: Path) -> dict[str, Any] | None:
    """The fsdp_config FSDP190's fix writes, or ``None`` when it offers none."""
    doc = read_document(path, path.name)
    doc.kind = detect_kind(doc)
    (finding,) = check_fsdp1(doc)
    if not finding.fixes:
        return None
    return yaml.safe_load(apply_edits(doc.text, list(finding.fixes[0].edits)))["fsdp_config"]


def _by_convert(path: Path) -> dict[str, Any] | None:
    try:
        converted = convert_text(path.read_text(encoding="utf-8"), "fsdp2", path)
    except ConvertError:
        return None
    return yaml.safe_load(converted.text)["fsdp_config"]


def _disagreements(paths: list[Path]) -> list[str]:
    return [f"{path}: fix {fix} != convert {convert}" for path in paths
            if (fix := _by_fix(path)) != (convert := _by_convert(path))]


def test_examples_migrate_the_same_both_ways():
    paths = _fsdp1_configs(sorted((ROOT / "examples").glob("*.yaml")))
    assert paths, "examples/ holds an FSDP1 config"
    assert not _disagreements(paths)


def test_corpus_fsdp1_configs_migrate_the_same_both_ways(shared_dir: Path):
    corpus = shared_dir / "corpus"
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = [row for row in csv.DictReader(manifest, delimiter="\t") if row["kind"] == "accelerate"]
    paths = _fsdp1_configs([corpus / row["file"] for row in rows])
    assert len(paths) >= 30  # 32 FSDP1 configs in the corpus
    assert not _disagreements(paths)
    migrated = [config for path in paths if (config := _by_fix(path)) is not None]
    assert len(migrated) == len(paths)  # none of them is refused
    for config in migrated:  # what FSDP1 ran is what FSDP2 runs: the checkpoint format is always explicit
        assert config["fsdp_version"] == 2 and "fsdp_state_dict_type" in config


@pytest.mark.parametrize("text", [
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_activation_checkpointing: true\n",
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HALF\n",
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_state_dict_type: MINE\n",
])
def test_both_refuse_the_same_files(tmp_path, text):
    path = tmp_path / "accelerate.yaml"
    path.write_text(text, encoding="utf-8")
    assert _by_fix(path) is None and _by_convert(path) is None
