"""Over the real-world corpus: every code reported has a rule file and docs page, and the
engine's share of the work stays small."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from shardlint.diagnostics import DOCS_BASE
from shardlint.engine import evaluate
from shardlint.engine.registry import read_rule_files
from shardlint.lint import Report, lint_paths
from shardlint.options import FileOptions, LintOptions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def report(shared_dir: Path) -> Report:
    return lint_paths([str(shared_dir / "corpus")], LintOptions(isolated=True))


def test_every_reported_code_has_a_rule_file_and_docs_page(report: Report) -> None:
    documented = {spec["id"] for _, spec in read_rule_files()}
    seen = {d.code: d for f in report.all_files for d in f.diagnostics}
    assert len(report.files) > 300
    undocumented = sorted(set(seen) - documented)
    assert not undocumented, f"codes without a rule file: {undocumented}"
    for code, diagnostic in seen.items():
        assert diagnostic.docs_url == f"{DOCS_BASE}{code}.md", code
        assert (ROOT / "docs" / "rules" / f"{code}.md").is_file(), code


def test_rule_evaluation_is_fast(report: Report) -> None:
    docs = [f.document for f in report.files if f.document.kind]
    options = FileOptions()  # no configuration, no pins
    start = time.perf_counter()
    for doc in docs:
        evaluate(doc, options)
    per_file = (time.perf_counter() - start) / len(docs)
    assert per_file < 0.005, f"{per_file * 1000:.2f} ms per file"
