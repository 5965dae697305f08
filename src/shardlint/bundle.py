"""The compiled rule bundle, ``rules/rules.json`` (``python -m shardlint.engine.build`` writes it), read once,
and what a run derives from it, kept between runs in the user's cache."""

from __future__ import annotations

import zlib
from functools import cache
from pathlib import Path
from typing import Any, Callable

from shardlint import __version__
from shardlint.kept import kept

BUNDLE_NAME = "rules.json"
BUNDLE_FORMAT = 1


@cache
def read_bundle(path: Path) -> dict[str, Any] | None:
    """The bundle at ``path``, or ``None`` when it is missing or of another format."""
    if not path.is_file():
        return None
    return _parsed(path.read_bytes())


def _parsed(raw: bytes) -> dict[str, Any] | None:
    import json  # a run takes what it needs from the kept derivation, not from the JSON

    bundle = json.loads(raw.decode("utf-8"))
    return bundle if bundle.get("format") == BUNDLE_FORMAT else None


def derived_from_bundle(path: Path, name: str, stamp: object, derive: Callable[[dict[str, Any]], Any]) -> Any:
    """``derive(bundle)`` for the bundle at ``path`` (``None`` when it is missing or of another format).

    What it gives is kept in the user's cache under ``name`` (:func:`~shardlint.kept.kept`) and taken
    from there while the bundle's bytes, shardlint's version and ``stamp`` (say, what the deriving code
    is) are the ones it was made from: unmarshalling is several times cheaper than parsing the JSON and
    deriving again, which every run would otherwise pay.
    """
    try:
        raw = path.read_bytes()
    except OSError:
        return None

    def derived() -> Any:
        bundle = _parsed(raw)
        return None if bundle is None else derive(bundle)

    return kept(name, (__version__, len(raw), zlib.crc32(raw), stamp), derived)
