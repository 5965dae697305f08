"""``check --format json`` over the examples and the corpora stays byte-identical to a committed snapshot.

The snapshot pins every finding (code, range, message, fixes) so that a refactoring that changes
behaviour shows up as a diff. The checked folder is written as ``ROOT`` (``file://ROOT`` in URIs) so
the snapshot holds on any checkout. After an intended change of behaviour, rewrite the snapshots with
``SHARDLINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/core/test_snapshot.py`` and review the diff.
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_shardlint

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _checked(cwd: Path, *paths: str) -> str:
    proc = run_shardlint("check", "--format", "json", *paths, cwd=cwd, timeout=300)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    for folder in {cwd, cwd.resolve()}:  # URIs name the resolved folder (../shared may be a link)
        out = out.replace(folder.as_uri(), "file://ROOT").replace(str(folder), "ROOT")
    return out


def _compare(name: str, output: str) -> None:
    snapshot = SNAPSHOTS / name
    if os.environ.get("SHARDLINT_UPDATE_SNAPSHOTS") == "1":
        snapshot.write_text(output, encoding="utf-8", newline="\n")
    assert output == snapshot.read_text(encoding="utf-8"), f"check output differs from {snapshot}"


def test_examples_match_the_snapshot():
    _compare("examples.json", _checked(ROOT, "examples"))


def test_corpus_walk_matches_the_snapshot(shared_dir: Path):
    _compare("corpus-walk.json", _checked(shared_dir / "corpus", "."))


def test_launch_corpus_walk_matches_the_snapshot(shared_dir: Path):
    launches = shared_dir / "corpus-launch"
    if not launches.is_dir():
        pytest.skip("../shared/corpus-launch is absent")
    _compare("corpus-launch-walk.json", _checked(launches, "."))


def test_corpus_named_files_match_the_snapshot(shared_dir: Path):
    corpus = shared_dir / "corpus"
    with open(corpus / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        files = [row["file"] for row in csv.DictReader(fh, delimiter="\t")]
    if not files:
        pytest.skip("the corpus manifest lists no files")
    _compare("corpus-named.json", _checked(corpus, *files))
