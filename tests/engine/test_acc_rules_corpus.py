"""The Accelerate rule set (ACC120+, FSDP120-189, YAML120+) on the real configs of ../shared/corpus.

Every error these rules report on the corpus was checked by hand against Accelerate's source and by
running Accelerate's own loader, launcher and plugins on the file; the expected sets below are that
record. A rule that starts firing elsewhere has to be looked at again before the sets change.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from shardlint.diagnostics import Severity
from shardlint.lint import lint_paths
from shardlint.options import LintOptions

OWN_CODES = re.compile(r"^(ACC1[2-9][0-9]|FSDP1[2-8][0-9]|YAML1[0-9]{2})$")

# both ship `override_linear_precision: false` with mixed_precision fp8: accelerate launch raises
# TypeError: 'bool' object is not subscriptable (utils/launch.py:setup_fp8_env)
EXPECTED_ERRORS = {
    ("ACC129", "repos/huggingface__accelerate/examples/config_yaml_templates/fp8@1a6af0bd.yaml"),
    ("ACC129", "repos/huggingface__accelerate/tests/test_configs/0_34_0_fp8@a452327e.yaml"),
}

# corpus files each rule fires on (any severity)
EXPECTED_COUNTS = {
    # accelerate's examples/slurm/fsdp_config.yaml and two smollm templates: their sbatch scripts pass
    # --num_processes (and --num_machines), so these stay warnings
    "ACC120": 3,
    "ACC122": 2,
    "ACC124": 1,
    "ACC125": 1,
    "ACC129": 2,
    "ACC137": 2,
    "FSDP135": 2,
    "FSDP136": 5,
    "FSDP139": 17,
    "YAML121": 2,
}


def _accelerate_configs(corpus: Path) -> list[str]:
    rows = (line.split("\t") for line in (corpus / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()[1:])
    return [str(corpus / row[0]) for row in rows if len(row) > 4 and row[4] == "accelerate"]


def _own_findings(shared_dir: Path) -> list[tuple[str, Severity, str]]:
    corpus = shared_dir / "corpus"
    report = lint_paths(_accelerate_configs(corpus), LintOptions(isolated=True))
    out = []
    for result in report.all_files:
        rel = Path(result.path).resolve().relative_to(corpus.resolve()).as_posix()
        out += [(d.code, d.severity, rel) for d in result.diagnostics if OWN_CODES.match(d.code)]
    return out


def test_errors_on_the_corpus_are_the_hand_checked_ones(shared_dir: Path) -> None:
    errors = {(code, rel) for code, severity, rel in _own_findings(shared_dir) if severity == Severity.ERROR}
    assert errors == EXPECTED_ERRORS


def test_files_per_rule_on_the_corpus(shared_dir: Path) -> None:
    files: dict[str, set[str]] = defaultdict(set)
    for code, _, rel in _own_findings(shared_dir):
        files[code].add(rel)
    assert {code: len(paths) for code, paths in files.items()} == EXPECTED_COUNTS
