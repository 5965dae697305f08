"""What a loader found wrong, before it becomes a positioned Diagnostic."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    start: int
    end: int
