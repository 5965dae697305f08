"""Language server latency: re-linting an open config after an edit, in the server process.

Drives the server's own session the way a ``didChange`` does: the edit is
applied to the pygls buffer, the config is re-linted, the diagnostics are
converted to LSP and serialised as the ``publishDiagnostics`` payload.  Only the
stdio transfer is left out.  Each edit changes one digit of a value, so every
run lints new text (nothing is served from a cache).

    python bench/lsp_latency.py [--edits 300] [FILE ...]   (default: examples/)
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import time
from pathlib import Path

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.workspace import TextDocument

from shardlint.lsp.session import Session
from shardlint.options import LintOptions

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FILES = ["fsdp2-good.yaml", "fsdp1-bad.yaml", "deepspeed-zero3.yaml", "ds_config_zero3.json"]
_DIGIT = re.compile(r"(?<=[:\s])[0-9]")


def edit_spot(text: str) -> tuple[int, int]:
    """Line and column of the last numeric value's first digit (``num_processes``, ``steps_per_print``
    in the examples): the spot every edit retypes, keeping the config valid."""
    for line_no, line in reversed(list(enumerate(text.split("\n")))):
        match = _DIGIT.search(line)
        if match and not line.lstrip().startswith("#"):
            return line_no, match.start()
    raise SystemExit("no numeric value to edit")


def percentile(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(path: Path, edits: int) -> dict[str, list[float]]:
    converter = default_converter()
    session = Session(LintOptions)
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8")
    buffer = TextDocument(uri, text, version=0)
    session.open(uri, path.resolve(), text, 0)
    session.diagnostics(uri)  # warm: schemas and rules are compiled once per server
    line, col = edit_spot(text)
    lint_ms: list[float] = []
    total_ms: list[float] = []
    for version in range(1, edits + 1):
        current = buffer.lines[line][col]
        change = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=line, character=col),
                              end=types.Position(line=line, character=col + 1)),
            text=str((int(current) % 9) + 1))
        start = time.perf_counter()
        buffer.apply_change(change)
        session.update(uri, buffer.source, version)
        lint_start = time.perf_counter()
        diagnostics = session.diagnostics(uri)
        lint_end = time.perf_counter()
        params = types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diagnostics)
        json.dumps(converter.unstructure(params))
        end = time.perf_counter()
        lint_ms.append((lint_end - lint_start) * 1000)
        total_ms.append((end - start) * 1000)
    return {"lint": lint_ms, "total": total_ms, "diagnostics": [float(len(diagnostics))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--edits", type=int, default=300)
    args = parser.parse_args()
    files = args.files or [ROOT / "examples" / name for name in DEFAULT_FILES]
    print(f"{'file':28} {'lines':>5} {'diags':>5} {'lint median':>12} {'lint p95':>9} "
          f"{'edit->payload median':>21} {'p95':>6} {'max':>6}   (ms, {args.edits} edits)")
    for path in files:
        result = measure(path, args.edits)
        lint, total = result["lint"], result["total"]
        lines = path.read_text(encoding="utf-8").count("\n")
        print(f"{path.name:28} {lines:5} {int(result['diagnostics'][0]):5} {statistics.median(lint):12.2f} "
              f"{percentile(lint, 0.95):9.2f} {statistics.median(total):21.2f} {percentile(total, 0.95):6.2f} "
              f"{max(total):6.2f}")


if __name__ == "__main__":
    main()
