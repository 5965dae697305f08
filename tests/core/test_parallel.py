"""A run shared out to worker processes reports exactly what a sequential run reports."""

from __future__ import annotations

from pathlib import Path

import pytest

from shardlint import lint
from shardlint.options import LintOptions
from shardlint.reporters import renderer

FSDP = "distributed_type: FSDP\nnum_processes: {n}\nfsdp_config:\n  fsdp_sync_module_states: false\n"
DS = '{{"zero_optimization": {{"stage": {n}}}, "train_micro_batch_size_per_gpu": 1, "fp16": {{"enabled": true}}, "bf16": {{"enabled": true}}}}'


def report_json(paths: list[str]) -> str:
    return renderer("json")(lint.lint_paths(paths, LintOptions(isolated=True)))


def test_parallel_run_matches_sequential(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for n in range(40):
        (tmp_path / f"fsdp{n:02}.yaml").write_text(FSDP.format(n=n + 1))
        (tmp_path / f"ds{n:02}.json").write_text(DS.format(n=n % 4))
    (tmp_path / "broken.yaml").write_text("distributed_type: [\n")
    assert len(list(tmp_path.iterdir())) >= lint.PARALLEL_MIN_FILES
    monkeypatch.setattr(lint, "PARALLEL_MIN_CORES", 2)
    monkeypatch.setattr(lint, "_usable_cores", lambda: 2)
    parallel = report_json([str(tmp_path)])
    monkeypatch.setattr(lint, "PARALLEL_MIN_FILES", 10**9)
    assert report_json([str(tmp_path)]) == parallel
    assert '"SL001"' in parallel and '"FSDP100"' in parallel and '"DS100"' in parallel
