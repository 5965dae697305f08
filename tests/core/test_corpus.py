"""Every real config in ../shared/corpus is read, and recognised as what it is."""

from __future__ import annotations

import csv
import json

from tests.conftest import run_shardlint


def test_corpus_is_read_and_kinds_match_the_manifest(shared_dir):
    corpus = shared_dir / "corpus"
    proc = run_shardlint("check", "--format", "json", str(corpus), timeout=120)
    assert "Traceback" not in proc.stderr
    assert proc.returncode in (0, 1), proc.stderr
    report = json.loads(proc.stdout)
    kinds = {entry["path"]: entry["kind"] for entry in report["files"]}
    with open(corpus / "MANIFEST.tsv", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    mismatches = []
    for row in rows:
        path = str(corpus / row["file"])
        if row["kind"] == "accelerate":
            expected = "accelerate"
        elif row["kind"] == "deepspeed" and _is_json(corpus / row["file"]):
            expected = "deepspeed"
        else:
            continue
        if kinds.get(path) != expected:
            mismatches.append((row["file"], expected, kinds.get(path)))
    assert mismatches == []
    assert sum(1 for k in kinds.values() if k == "accelerate") >= 150


def _is_json(path) -> bool:
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        return False
    return True


def test_launch_corpus_kinds_match_the_manifest(shared_dir):
    """Accelerate and DeepSpeed configs are recognised; a recipe (training arguments, or another
    tool's config such as axolotl's, which may hold an ``fsdp_config`` section) is never read as one."""
    corpus = shared_dir / "corpus-launch"
    proc = run_shardlint("check", "--format", "json", ".", cwd=corpus, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    kinds = {entry["path"]: entry["kind"] for entry in json.loads(proc.stdout)["files"]}
    with open(corpus / "MANIFEST.tsv", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    mismatches = []
    for row in rows:
        kind = kinds.get(row["file"])
        if row["kind"] == "accelerate-config":
            wrong = kind != "accelerate"
        elif row["kind"] == "deepspeed-config" and _is_json(corpus / row["file"]):
            wrong = kind != "deepspeed"
        elif row["kind"] == "recipe":
            wrong = kind in ("accelerate", "deepspeed")
        else:
            continue
        if wrong:
            mismatches.append((row["file"], row["kind"], kind))
    assert mismatches == []
    assert sum(1 for row in rows if row["kind"] == "recipe") >= 40
