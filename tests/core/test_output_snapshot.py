"""The text reports on ``examples/`` and the corpus stay byte for byte what they were.

Speed work must not change a single byte of output.  The snapshots are the text
report, default and with every tip and fix listed (which builds every fix), of a
run from inside each folder, so paths are relative; ``test_snapshot.py`` pins the JSON report.  After an intended change
of the output, rewrite them with ``SHARDLINT_UPDATE_SNAPSHOTS=1`` and review the diff.
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_shardlint

SNAPSHOTS = ROOT / "tests" / "core" / "snapshots"
REPORTS = {
    "text": ("--format", "text"),
    "text-all": ("--format", "text", "--show-tips", "--show-fixes"),
}


def _compare(folder: Path, name: str) -> None:
    for report, flags in REPORTS.items():
        proc = run_shardlint("check", ".", "--color", "never", *flags, cwd=folder, timeout=300)
        assert proc.returncode in (0, 1), proc.stderr
        output = proc.stdout
        snapshot = SNAPSHOTS / f"{name}.{report}.txt"
        if os.environ.get("SHARDLINT_UPDATE_SNAPSHOTS"):
            snapshot.write_text(output, encoding="utf-8")
        expected = snapshot.read_text(encoding="utf-8")
        if output != expected:
            diff = difflib.unified_diff(expected.splitlines(), output.splitlines(), "snapshot", "now",
                                        lineterm="", n=1)
            pytest.fail(f"{snapshot.name} differs:\n" + "\n".join(list(diff)[:60]))


def test_examples_reports_are_unchanged():
    _compare(ROOT / "examples", "examples")


def test_corpus_reports_are_unchanged(shared_dir: Path):
    _compare(shared_dir / "corpus", "corpus")
