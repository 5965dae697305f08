"""Progress of a long walk on standard error, when it is a terminal (never when piped)."""

from __future__ import annotations

import sys
import time
from contextlib import contextmanager
from typing import Iterator

from shardlint.lint import Progress

PROGRESS_MIN_FILES = 100  # fewer files are checked in well under a second
REDRAW_SECONDS = 0.1


class _Counter:
    def __init__(self) -> None:
        self.drawn = False
        self.last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if total < PROGRESS_MIN_FILES or (now - self.last < REDRAW_SECONDS and done < total):
            return
        self.last = now
        self.drawn = True
        sys.stderr.write(f"\rshardlint: checked {done}/{total} files")
        sys.stderr.flush()


@contextmanager
def progress_on_terminal(enabled: bool = True) -> Iterator[Progress | None]:
    """A progress callback for ``lint_paths`` when standard error is a terminal; the line is erased after."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    counter = _Counter()
    try:
        yield counter
    finally:
        if counter.drawn:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
