"""Which DeepSpeed JSON an open Accelerate config uses, so edits to the JSON re-lint it.

The candidates are the rule engine's own (``shardlint.engine.link``): the
config's folder, then each parent up to the repository root.  A candidate that
is open in the editor counts even before it is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from shardlint.document import Document


def linked_json(doc: Document, is_open: Callable[[Path], bool]) -> Path | None:
    """The resolved path of the DeepSpeed JSON ``doc`` names, or ``None``."""
    if doc.kind != "accelerate":
        return None
    from shardlint.engine.link import CONFIG_FILE_PATH, candidates

    value = doc.get(CONFIG_FILE_PATH)
    if not isinstance(value, str) or value.strip().lower() in ("", "none") or value.lstrip().startswith("{"):
        return None
    for candidate in candidates(doc.path, value.strip()):
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if is_open(resolved) or resolved.is_file():
            return resolved
    return None
