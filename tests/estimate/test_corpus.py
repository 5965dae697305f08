"""Every real config of the corpus gets an estimate or a one-line reason, never a traceback."""

from __future__ import annotations

import contextlib
import csv
import io
from pathlib import Path

from shardlint.cli import main


def test_corpus_never_crashes(shared_dir: Path):
    corpus = shared_dir / "corpus"
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8") as handle:
        files = [row["file"] for row in csv.DictReader(handle, delimiter="\t")
                 if row["kind"] in ("accelerate", "deepspeed")]
    estimated, refused = 0, []
    for name in files:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(["estimate", str(corpus / name), "--params", "7B", "--gpu-memory", "80GiB"])
        if code == 2:
            assert err.getvalue().startswith("shardlint estimate: ") and err.getvalue().count("\n") == 1, name
            refused.append(err.getvalue())
        else:
            assert code in (0, 1) and "per GPU" in out.getvalue(), name
            estimated += 1
    # DDP, CPU, XPU and Megatron configs, and broken files, are refused with a reason
    assert estimated > 0.75 * len(files)
    assert all("distributed_type" in r or ":" in r for r in refused)
