"""Language server latency: re-linting an open config after an edit, in the server process.

Drives the server's own session the way a ``didChange`` does: the edit is
applied to the pygls buffer, the config is re-linted, the diagnostics are
converted to LSP and serialised as the ``publishDiagnostics`` payload.  Only the
stdio transfer is left out.  Each edit changes one digit of a value, so every
run lints new text (nothing is served from a cache).

    python bench/lsp_latency.py [--edits 300] [FILE ...]   (default: examples/)

With ``--repeat N`` each repetition runs in a fresh process; ``--baseline SRC``
(the ``src`` folder of another shardlint checkout) runs that version in turn
with this one, so the machine's drift moves both alike, and prints the medians
over the repetitions of each run's median and 95th percentile.

``--first-diagnostic N`` instead starts ``shardlint lsp`` N times (in turn with
the baseline's, when given) as an editor does: ``initialize``, then
``initialized`` and ``didOpen`` of the first FILE, and times the wait from the
process's start to the ``initialize`` answer and to the first
``publishDiagnostics``, with the server's CPU time by then (Linux).  With
``--resident`` a third side starts the same way with a resident checker
(``shardlint daemon run``) running, which forks the server; its CPU column is
then the caller's alone.
"""

from __future__ import annotations

import argparse
import json
import re
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

from lsprotocol import types
from pygls.protocol import default_converter
from pygls.workspace import TextDocument

from shardlint.lsp import session as lsp_session
from shardlint.lsp.session import Session
from shardlint.options import LintOptions

from goals import Resident  # bench/ is the script's folder

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
    freeze = getattr(lsp_session, "freeze_warm_objects", None)  # older versions freeze in their first lint
    if freeze is not None:
        freeze()  # as the server does after its first diagnostics
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


def summary(path: Path, result: dict[str, list[float]]) -> dict[str, float]:
    lint, total = result["lint"], result["total"]
    return {"lines": path.read_text(encoding="utf-8").count("\n"), "diagnostics": result["diagnostics"][0],
            "lint_median": statistics.median(lint), "lint_p95": percentile(lint, 0.95),
            "median": statistics.median(total), "p95": percentile(total, 0.95), "max": max(total)}


def run_once(files: list[Path], edits: int, src: Path | None) -> list[dict[str, float]]:
    """One repetition in a fresh process: this checkout's shardlint, or the one in ``src``."""
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    out = subprocess.run([sys.executable, __file__, "--json", "--edits", str(edits), *map(str, files)],
                         env=env, check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def paired(files: list[Path], edits: int, repeat: int, baseline: Path | None) -> None:
    sides = {"shardlint": None} | ({"baseline": baseline} if baseline else {})
    runs: dict[str, list[list[dict[str, float]]]] = {side: [] for side in sides}
    for _ in range(repeat):
        for side, src in sides.items():
            runs[side].append(run_once(files, edits, src))
    print(f"edit -> payload, ms: medians over {repeat} runs of each run's median and p95 ({edits} edits per run)")
    header = f"{'file':34} {'side':9} {'median':>7} {'p95':>7} {'max p95':>8}"
    print(header + ("   vs baseline (median, p95)" if baseline else ""))
    for i, path in enumerate(files):
        figures = {}
        for side in sides:
            medians = [run[i]["median"] for run in runs[side]]
            p95s = [run[i]["p95"] for run in runs[side]]
            figures[side] = (statistics.median(medians), statistics.median(p95s), max(p95s))
        for side, (median, p95, worst) in figures.items():
            line = f"{path.name[:34]:34} {side:9} {median:7.2f} {p95:7.2f} {worst:8.2f}"
            if baseline and side == "shardlint":
                ratios = [run[i]["median"] / b[i]["median"] for run, b in zip(runs["shardlint"], runs["baseline"])]
                p95_ratios = [run[i]["p95"] / b[i]["p95"] for run, b in zip(runs["shardlint"], runs["baseline"])]
                line += f"   {statistics.median(ratios):.2f}x {statistics.median(p95_ratios):.2f}x"
            print(line)


def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_message(stream: IO[bytes]) -> dict[str, Any]:
    headers: dict[str, str] = {}
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the server closed its output before the first diagnostics")
        name, _, value = line.decode("ascii").strip().partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
        elif headers:
            return json.loads(stream.read(int(headers["content-length"])))


def _cpu_ms(pid: int) -> float:
    """User + system CPU of a running process (Linux ``/proc``), NaN elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def first_diagnostic(path: Path, src: Path | None, env: dict[str, str]) -> dict[str, float]:
    """Start a server (this checkout's, or the one in ``src``) and time what an editor waits for."""
    env = dict(env)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH")]))
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "shardlint", "lsp"], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, env=env)
    assert server.stdin is not None and server.stdout is not None
    server.stdin.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"processId": os.getpid(), "rootUri": None, "capabilities": {}}}))
    server.stdin.flush()
    while _read_message(server.stdout).get("id") != 1:
        pass
    initialized = time.perf_counter()
    server.stdin.write(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    server.stdin.write(_frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": path.resolve().as_uri(), "languageId": "json" if path.suffix == ".json" else "yaml",
        "version": 1, "text": text}}}))
    server.stdin.flush()
    while _read_message(server.stdout).get("method") != "textDocument/publishDiagnostics":
        pass
    published = time.perf_counter()
    cpu = _cpu_ms(server.pid)
    server.stdin.write(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    server.stdin.write(_frame({"jsonrpc": "2.0", "method": "exit"}))
    server.stdin.close()
    server.wait()
    return {"initialize": (initialized - start) * 1000, "first": (published - start) * 1000, "cpu": cpu}


def startup(path: Path, repeat: int, baseline: Path | None, resident: bool) -> None:
    alone = {**os.environ, "SHARDLINT_NO_DAEMON": "1"}
    sides = {"shardlint": (None, alone)} | ({"baseline": (baseline, alone)} if baseline else {})
    with tempfile.TemporaryDirectory() as tmp:
        checker = Resident([sys.executable, "-m", "shardlint"], Path(tmp, "run")) if resident else None
        if checker is not None:
            sides["resident"] = (None, checker.env)
        runs: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
        try:
            for _ in range(repeat):
                for side, (src, side_env) in sides.items():
                    runs[side].append(first_diagnostic(path, src, side_env))
        finally:
            if checker is not None:
                checker.stop()
    print(f"process start -> first publishDiagnostics for {path.name}, ms over {repeat} starts "
          f"(load average {os.getloadavg()[0]:.1f})")
    print(f"{'side':9} {'initialize':>10} {'first median':>12} {'p95':>7} {'max':>7} {'server CPU':>10} {'within 1 s':>10}")
    for side, results in runs.items():
        first = [r["first"] for r in results]
        print(f"{side:9} {statistics.median(r['initialize'] for r in results):10.0f} {statistics.median(first):12.0f} "
              f"{percentile(first, 0.95):7.0f} {max(first):7.0f} {statistics.median(r['cpu'] for r in results):10.0f} "
              f"{sum(f <= 1000 for f in first):6}/{len(first)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=1, help="runs, each in a fresh process")
    parser.add_argument("--baseline", type=Path, help="the src folder of another shardlint, run in turn")
    parser.add_argument("--first-diagnostic", type=int, metavar="N",
                        help="start the server N times and time its first diagnostics for the first file")
    parser.add_argument("--resident", action="store_true",
                        help="with --first-diagnostic, also start servers through a resident checker")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)  # one run's figures, for --repeat
    args = parser.parse_args()
    files = args.files or [ROOT / "examples" / name for name in DEFAULT_FILES]
    if args.first_diagnostic:
        startup(files[0], args.first_diagnostic, args.baseline, args.resident)
        return
    if args.json:
        print(json.dumps([summary(path, measure(path, args.edits)) for path in files]))
        return
    if args.repeat > 1 or args.baseline:
        paired(files, args.edits, args.repeat, args.baseline)
        return
    print(f"{'file':28} {'lines':>5} {'diags':>5} {'lint median':>12} {'lint p95':>9} "
          f"{'edit->payload median':>21} {'p95':>6} {'max':>6}   (ms, {args.edits} edits)")
    for path in files:
        row = summary(path, measure(path, args.edits))
        print(f"{path.name:28} {row['lines']:5} {int(row['diagnostics']):5} {row['lint_median']:12.2f} "
              f"{row['lint_p95']:9.2f} {row['median']:21.2f} {row['p95']:6.2f} {row['max']:6.2f}")


if __name__ == "__main__":
    main()
