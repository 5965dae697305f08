"""The compiled rule bundle, ``rules/rules.json`` (``python -m shardlint.engine.build`` writes it), read once,
and what a run derives from it, kept between runs in the user's cache."""

from __future__ import annotations

import json
import marshal
import os
import sys
import zlib
from functools import cache
from pathlib import Path
from typing import Any, Callable

from shardlint import __version__
from shardlint.resources import cache_dir

BUNDLE_NAME = "rules.json"
BUNDLE_FORMAT = 1


@cache
def read_bundle(path: Path) -> dict[str, Any] | None:
    """The bundle at ``path``, or ``None`` when it is missing or of another format."""
    if not path.is_file():
        return None
    return _parsed(path.read_bytes())


def _parsed(raw: bytes) -> dict[str, Any] | None:
    bundle = json.loads(raw.decode("utf-8"))
    return bundle if bundle.get("format") == BUNDLE_FORMAT else None


def derived_from_bundle(path: Path, name: str, stamp: object, derive: Callable[[dict[str, Any]], Any]) -> Any:
    """``derive(bundle)`` for the bundle at ``path`` (``None`` when it is missing or of another format).

    Plain data (what ``marshal`` holds) is kept in the user's cache under ``name`` and taken from there
    while the bundle's bytes, shardlint's version and ``stamp`` (say, what the deriving code is) are
    the ones it was made from: unmarshalling is several times cheaper than parsing the JSON and
    deriving again, which every run would otherwise pay.  A cache that cannot be read, is corrupt or
    cannot be written is passed over.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return None
    key = (__version__, len(raw), zlib.crc32(raw), stamp)
    file = cache_dir() / f"{name}-{sys.implementation.cache_tag}.marshal"
    try:
        kept = marshal.loads(file.read_bytes())  # marshal.load(handle) reads a file in many small reads
        if isinstance(kept, tuple) and len(kept) == 2 and kept[0] == key:
            return kept[1]
    except (OSError, EOFError, ValueError, TypeError):
        pass
    bundle = _parsed(raw)
    if bundle is None:
        return None
    value = derive(bundle)
    try:
        data = marshal.dumps((key, value))
    except ValueError:  # not plain data: derived again by every run
        return value
    temporary = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, file)  # readers see the old file or the new one, never a part
    except OSError:
        try:
            temporary.unlink()
        except OSError:
            pass
    return value
