"""Per-file cost, in a directory walk, of a script or document without a launcher token.

A walk over a repository reaches every ``*.sh``, ``*.md`` and Makefile; those without
``accelerate``, ``torchrun``, ``deepspeed``, ``torch.distributed`` or ``trl `` are
dropped after one byte search, before decoding or parsing.  This times that path
(``shardlint.lint.lint_candidate`` on such files, in-process, with ``time.perf_counter``)
beside a file that does hold a launch command.

    .venv/bin/python bench/launch_sniff.py [--files 2000]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from shardlint.discovery import Candidate
from shardlint.lint import lint_candidate
from shardlint.options import LintOptions

ORDINARY = "#!/bin/bash\nset -euo pipefail\n" + "python tools/prepare.py --split train --out data/$NAME\n" * 40
LAUNCH = ORDINARY + "accelerate launch --config_file configs/fsdp.yaml --num_processes 8 train.py --lr 1e-4\n"
DOC = "# Notes\n\n" + "Some text about the data pipeline and how to run `make data`.\n\n" * 60


def per_file(paths: list[Path], options: LintOptions) -> float:
    start = time.perf_counter()
    for path in paths:
        lint_candidate(Candidate(path, str(path), explicit=False), options)
    return (time.perf_counter() - start) / len(paths)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=2000)
    args = parser.parse_args()
    options = LintOptions(isolated=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()  # a repository, with the config the launch names
        (root / "configs").mkdir()
        (root / "configs" / "fsdp.yaml").write_text("distributed_type: FSDP\nnum_processes: 8\n", encoding="utf-8")
        groups = {"script without a launcher": [], "Markdown without a launcher": [], "script with a launch": []}
        for i in range(args.files):
            for label, text, suffix in (("script without a launcher", ORDINARY, ".sh"),
                                        ("Markdown without a launcher", DOC, ".md")):
                path = root / f"{label[:3]}{i}{suffix}"
                path.write_text(text, encoding="utf-8")
                groups[label].append(path)
        for i in range(min(args.files, 200)):
            path = root / f"launch{i}.sh"
            path.write_text(LAUNCH, encoding="utf-8")
            groups["script with a launch"].append(path)
        per_file(groups["script with a launch"][:5], options)  # warm up: parser and rules loaded
        for label, paths in groups.items():
            runs = [per_file(paths, options) for _ in range(5)]
            print(f"{label:30s} {statistics.median(runs) * 1e6:8.1f} us per file ({len(paths)} files, median of 5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
