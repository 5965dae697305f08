"""Which files an open buffer's lint read, so edits to them re-lint it.

An Accelerate config uses the DeepSpeed JSON it names: the candidates are the rule
engine's own (``shardlint.engine.link``), the config's folder, then each parent up to
the repository root; a candidate that is open in the editor counts even before it is
saved.  A script, Makefile or Markdown file with launch commands uses the files its
launches name (as ``shardlint.launch.references`` finds them) and the DeepSpeed JSON
each Accelerate config among them names.
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
    if doc.kind == "launch":
        return _launch_links(doc, is_open)
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


def _launch_links(doc: Document, is_open: Callable[[Path], bool]) -> tuple[Path, ...]:
    from shardlint.kinds import detect_kind
    from shardlint.loading.reader import Unreadable, read_document

    out = [path.resolve() for path in doc.launch_files]
    for path, _ in doc.launched_configs:
        try:
            config = read_document(path, str(path))
        except Unreadable:
            continue
        if config.loaded:
            config.kind = detect_kind(config)
            out += linked_json(config, is_open)
    return tuple(dict.fromkeys(out))
