"""Which DeepSpeed JSON an open Accelerate config uses, so edits to the JSON re-lint it.

The candidates are the rule engine's own (``shardlint.engine.link``): the
config's folder, then each parent up to the repository root.  A candidate that
is open in the editor counts even before it is saved.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from shardlint.document import Document


def linked_json(doc: Document, is_open: Callable[[Path], bool]) -> tuple[Path, ...]:
    """Where the DeepSpeed JSON ``doc`` names is: the file found, or every place it may appear.

    Empty when ``doc`` names none.  While the file is missing, each candidate is
    returned, so that creating it at any of them re-lints ``doc``.
    """
    if doc.kind != "accelerate":
        return ()
    from shardlint.engine.link import CONFIG_FILE_PATH, candidates

    value = doc.get(CONFIG_FILE_PATH)
    if not isinstance(value, str) or value.strip().lower() in ("", "none") or value.lstrip().startswith("{"):
        return ()
    places = []
    for candidate in candidates(doc.path, value.strip()):
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if is_open(resolved) or resolved.is_file():
            return (resolved,)
        places.append(resolved)
    return tuple(places)
