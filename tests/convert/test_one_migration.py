"""FSDP190's fix and ``convert --to fsdp2`` are one FSDP1 -> FSDP2 migration: on every FSDP1 config of
the examples and the corpus they write the same ``fsdp_config``, and refuse the same files."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import ROOT

from .migration import by_convert, by_fix, fsdp1_configs


def _disagreements(paths: list[Path]) -> list[str]:
    return [f"{path}: fix {fix} != convert {convert}" for path in paths
            if (fix := by_fix(path)) != (convert := by_convert(path))]


def test_examples_migrate_the_same_both_ways():
    paths = fsdp1_configs(sorted((ROOT / "examples").glob("*.yaml")))
    assert paths, "examples/ holds an FSDP1 config"
    assert not _disagreements(paths)


def test_corpus_fsdp1_configs_migrate_the_same_both_ways(shared_dir: Path):
    corpus = shared_dir / "corpus"
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as manifest:
        rows = [row for row in csv.DictReader(manifest, delimiter="\t") if row["kind"] == "accelerate"]
    paths = fsdp1_configs([corpus / row["file"] for row in rows])
    assert len(paths) >= 30  # 31 FSDP1 configs in the corpus
    assert not _disagreements(paths)
    migrated = [config for path in paths if (config := by_fix(path)) is not None]
    assert len(migrated) == len(paths)  # none of them is refused
    for config in migrated:  # what FSDP1 ran is what FSDP2 runs: the checkpoint format is always explicit
        assert config["fsdp_version"] == 2 and "fsdp_state_dict_type" in config


@pytest.mark.parametrize("text", [
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_activation_checkpointing: true\n",
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: HALF\n",
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_state_dict_type: MINE\n",
    # a value the migration drops is anchored, and aliased by one it rewrites: editing either text
    # would leave the other half-migrated
    ("distributed_type: FSDP\nfsdp_config:\n  fsdp_offload_params: false\n  fsdp_sync_module_states: &id001\n"
     "  - 1\n  - 2\n  fsdp_reshard_after_forward: *id001\n"),
    "distributed_type: FSDP\nfsdp_config:\n  fsdp_sharding_strategy: !!str FULL_SHARD\n",
])
def test_both_refuse_the_same_files(tmp_path, text):
    path = tmp_path / "accelerate.yaml"
    path.write_text(text, encoding="utf-8")
    assert by_fix(path) is None and by_convert(path) is None
