"""Find and load the DeepSpeed JSON an Accelerate config names in ``deepspeed_config_file``.

``accelerate launch`` resolves a relative path against its working directory
(reference A49), usually the repository root, while the YAML often sits in a
sub-folder.  So the path is tried relative to the config's folder, then to each
parent folder up to the repository root (the folder holding ``.git``), or up to
the file-system root for a config outside any repository.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, NamedTuple

from shardlint.document import Document

CONFIG_FILE_PATH = ("deepspeed_config", "deepspeed_config_file")


class Link(NamedTuple):
    """The outcome of following ``deepspeed_config_file``."""

    value: str | None = None  # the path as written, None when the key is absent or "none"
    document: Document | None = None  # loaded and usable
    problem: str | None = None  # missing, unreadable or not a JSON object
    code: str | None = None  # the diagnostic code for ``problem``


def candidates(config: Path, value: str) -> list[Path]:
    """Where ``value`` may point, nearest first: the config's folder, then each parent up to the
    repository root, or up to the file-system root when the config is in no repository."""
    path = Path(os.path.expanduser(value))
    if path.is_absolute():
        return [path]
    folder = config.resolve().parent
    out = [folder / path]
    if (folder / ".git").exists():
        return out
    for parent in folder.parents:
        out.append(parent / path)
        if (parent / ".git").exists():
            break
    return out


def resolve(doc: Document, buffers: Mapping[Path, str] | None = None) -> Link:
    """Follow ``deepspeed_config_file``; ``buffers`` (an editor's unsaved files, by resolved path)
    are read before the disk."""
    value = doc.get(CONFIG_FILE_PATH)
    if not isinstance(value, str) or value.strip().lower() in ("", "none"):
        return Link()
    if value.lstrip().startswith("{"):
        return _inline(doc, value)
    tried = candidates(doc.path, value.strip())
    for path in tried:
        try:
            text = buffers.get(path.resolve()) if buffers else None
            found = text is not None or path.is_file()
        except (OSError, ValueError):  # a path the system refuses: a name too long, a NUL byte
            continue
        if found:
            return _load(path, value, text)
    where = "the config's folder" if len(tried) == 1 else "the config's folder and its parents"
    return Link(value, problem=f"deepspeed_config_file {value!r} does not exist (looked in {where}); "
                "accelerate launch fails when it cannot read it", code="DSA100")


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _load(path: Path, value: str, text: str | None) -> Link:
    from shardlint.loading.reader import Unreadable, read_document

    try:
        linked = read_document(path, _display(path), text=text)
    except Unreadable as exc:
        return Link(value, problem=f"deepspeed_config_file {value!r} cannot be read: {exc}", code="DSA101")
    return _check(linked, value)


def _inline(doc: Document, value: str) -> Link:
    """Accelerate also accepts the JSON text itself as the value (reference A49)."""
    from shardlint.loading.reader import parse

    linked = Document(doc.path, doc.display_path, value, "json")
    parse(linked)
    return _check(linked, "<inline JSON>")


def _check(linked: Document, value: str) -> Link:
    broken = [d for d in linked.load_diagnostics if d.code != "SL002"]
    if broken or not isinstance(linked.data, dict):
        reason = broken[0].message if broken else "its top level is not a JSON object"
        line = f" (line {broken[0].range.start.line + 1})" if broken else ""
        return Link(value, problem=f"deepspeed_config_file {value!r} is not a usable DeepSpeed JSON: "
                    f"{reason}{line}; Accelerate and transformers read it with Python's strict json module",
                    code="DSA101")
    return Link(value, document=linked)
