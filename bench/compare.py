"""Start-up and throughput of shardlint beside yamllint and check-jsonschema.

Runs every tool as a user would (a fresh process each time) on the same files,
in one run, and prints medians and ratios.  See bench/README.md.

    python bench/compare.py [--corpus ../shared/corpus] [--runs 15] [--tools-bin DIR]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONE_FILE = "repos/huggingface__trl/examples/accelerate_configs/fsdp2.yaml"


def timed(cmd: list[str], runs: int) -> float:
    """Median wall time in ms of ``runs`` fresh processes (after one warm-up run)."""
    subprocess.run(cmd, capture_output=True)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def tool(name: str, tools_bin: Path | None) -> str | None:
    if tools_bin and (tools_bin / name).exists():
        return str(tools_bin / name)
    return shutil.which(name)


def corpus_files(corpus: Path) -> dict[str, list[str]]:
    files: dict[str, list[str]] = {"accelerate": [], "deepspeed": []}
    with open(corpus / "MANIFEST.tsv", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["kind"] in files:
                files[row["kind"]].append(str(corpus / row["file"]))
    return files


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tools-bin", type=Path, help="folder holding yamllint and check-jsonschema")
    args = parser.parse_args()

    shardlint = tool("shardlint", Path(sys.executable).parent) or "shardlint"
    yamllint = tool("yamllint", args.tools_bin)
    cjs = tool("check-jsonschema", args.tools_bin)
    if not (yamllint and cjs):
        print("yamllint and check-jsonschema are needed: pip install yamllint check-jsonschema", file=sys.stderr)
        return 2
    one = str(args.corpus / ONE_FILE)
    files = corpus_files(args.corpus)
    acc_schema = str(ROOT / "schemas" / "accelerate-config.schema.json")
    ds_schema = str(ROOT / "schemas" / "deepspeed-config.schema.json")
    corpus_runs = max(3, args.runs // 5)

    rows = []
    s = timed([shardlint, "check", one], args.runs)
    y = timed([yamllint, "-d", "relaxed", one], args.runs)
    c = timed([cjs, "--schemafile", acc_schema, one], args.runs)
    rows.append(("one file, cold start", s, y, c))

    s = timed([shardlint, "check", str(args.corpus)], corpus_runs)
    y = timed([yamllint, "-d", "relaxed", str(args.corpus)], corpus_runs)
    c = (timed([cjs, "--schemafile", acc_schema, *files["accelerate"]], corpus_runs)
         + timed([cjs, "--schemafile", ds_schema, *[f for f in files["deepspeed"] if f.endswith(".json")]],
                 corpus_runs))
    n = len(files["accelerate"]) + len(files["deepspeed"])
    rows.append((f"corpus ({n} configs)", s, y, c))

    print(f"{'':24} {'shardlint':>10} {'yamllint':>10} {'check-jsonschema':>17} {'vs yamllint':>12} {'vs c-j':>8}")
    for label, s, y, c in rows:
        print(f"{label:24} {s:8.1f}ms {y:8.1f}ms {c:15.1f}ms {s / y:11.2f}x {s / c:7.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
