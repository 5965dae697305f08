"""The compiled rule bundle, ``rules/rules.json`` (``python -m shardlint.engine.build`` writes it), read once."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

BUNDLE_NAME = "rules.json"
BUNDLE_FORMAT = 1


@cache
def read_bundle(path: Path) -> dict[str, Any] | None:
    """The bundle at ``path``, or ``None`` when it is missing or of another format."""
    if not path.is_file():
        return None
    bundle = json.loads(path.read_text(encoding="utf-8"))
    return bundle if bundle.get("format") == BUNDLE_FORMAT else None
