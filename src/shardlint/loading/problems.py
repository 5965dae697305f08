"""What a loader found wrong, before it becomes a positioned Diagnostic."""

from __future__ import annotations

from typing import NamedTuple


class Problem(NamedTuple):
    kind: str  # syntax | duplicate-key | not-text | over-a-limit | tag (codes: shardlint.builtins.input)
    message: str
    start: int
    end: int
