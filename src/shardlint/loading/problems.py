"""What a loader found wrong, before it becomes a positioned Diagnostic."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    code: str
    message: str
    start: int
    end: int
