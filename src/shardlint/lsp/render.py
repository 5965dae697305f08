"""Values written the way the user's file would spell them."""

from __future__ import annotations

import json
from typing import Any

from shardlint.fixes.scalars import yaml_scalar


def scalar(value: Any, syntax: str) -> str:
    return json.dumps(value, ensure_ascii=False) if syntax == "json" else yaml_scalar(value)


def code(value: Any, syntax: str) -> str:
    """``value`` as inline Markdown code."""
    return f"`{scalar(value, syntax)}`"
