"""``check --watch`` against real file-system events: a change on disk is checked again."""

from __future__ import annotations

import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import pytest

from tests.conftest import ROOT, run_shardlint, write

pytest.importorskip("watchfiles")

GOOD = (ROOT / "examples" / "fsdp2-good.yaml").read_text(encoding="utf-8")
TYPO = GOOD.replace("TRANSFORMER_BASED_WRAP", "TRANSFORMER_BASED_WARP")


def _lines(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)


def _wait_for(lines: queue.Queue[str], text: str, seconds: float = 30) -> list[str]:
    """Lines read until one contains ``text``; fails after ``seconds``."""
    seen: list[str] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.2)
        except queue.Empty:
            continue
        seen.append(line)
        if text in line:
            return seen
    raise AssertionError(f"{text!r} did not appear within {seconds} s; saw {seen!r}")


def test_a_change_on_disk_is_checked_again(tmp_path: Path) -> None:
    config = write(tmp_path, "configs/fsdp.yaml", GOOD)
    proc = subprocess.Popen([sys.executable, "-m", "shardlint", "check", "--watch", "--format", "concise", "configs"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out: queue.Queue[str] = queue.Queue()
    err: queue.Queue[str] = queue.Queue()
    for stream, into in ((proc.stdout, out), (proc.stderr, err)):
        threading.Thread(target=_lines, args=(stream, into), daemon=True).start()
    try:
        assert "All good" in "".join(_wait_for(out, "no problems in 1 file"))
        _wait_for(err, "Watching for changes")
        time.sleep(0.5)  # the watcher is set up just after it says so
        config.write_text(TYPO, encoding="utf-8")
        _wait_for(err, "changed: fsdp.yaml")
        report = "".join(_wait_for(out, "Found "))
        assert "configs/fsdp.yaml:" in report and "ACC006 [error]" in report
        (tmp_path / "configs" / "notes.txt").write_text("not watched\n")  # another suffix: no new run
        config.write_text(GOOD, encoding="utf-8")
        assert "no problems in 1 file" in "".join(_wait_for(out, "All good"))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            code = proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
    assert code == 130
    assert all("notes.txt" not in line for line in list(err.queue))


def test_watch_refuses_fix(tmp_path: Path) -> None:
    done = run_shardlint("check", "--watch", "--fix", ".", cwd=tmp_path)
    assert done.returncode == 2 and "--watch" in done.stderr


def test_watch_without_the_extra_says_how_to_install_it(tmp_path: Path) -> None:
    probe = ("import sys; sys.modules['watchfiles'] = None\n"
             "from shardlint.cli import main; sys.exit(main(['check', '--watch', '.']))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "pip install 'shardlint[watch]'" in done.stderr
