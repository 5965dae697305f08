"""Fixtures shared by every test folder."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
# a resident checker (shardlint daemon) the developer runs must not answer the suite's runs;
# tests/resident starts its own
os.environ["SHARDLINT_NO_DAEMON"] = "1"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` beside the checkout; tests that need it skip where it is absent."""
    if not (SHARED / "corpus" / "MANIFEST.tsv").is_file():
        pytest.skip("../shared (corpus and references) is not beside this checkout")
    return SHARED


def readme_section(heading: str) -> str:
    """The README's text under ``heading`` (a whole heading line such as ``## Fixing``), up to the next
    ``## `` heading."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text.split(heading + "\n", 1)[1].split("\n## ", 1)[0]


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``folder/name`` (creating sub-folders) and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run_shardlint(*args: str, cwd: Path | None = None, input: str | None = None,
                  timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    return subprocess.run([sys.executable, "-m", "shardlint", *args], cwd=cwd, input=input,
                          capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def shardlint():
    return run_shardlint


BLOCKING_TIMEOUT = 20  # seconds before a test that blocks (on a FIFO, say) fails


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail an in-process test that blocks instead of hanging the suite."""
    def expired(signum: int, frame: object) -> None:
        raise TimeoutError("blocked: the code under test waited on a special file")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(BLOCKING_TIMEOUT)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
