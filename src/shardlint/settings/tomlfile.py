"""The tables of a TOML file (``pyproject.toml``, ``.shardlint.toml``), kept between runs.

Importing the TOML parser and parsing a project's ``pyproject.toml`` (its configuration and its
pinned versions are both read from it) costs a run several milliseconds; the tables it gave for the
same text are taken back from the user's cache (:func:`~shardlint.kept.kept`) for a fraction of that.
"""

from __future__ import annotations

import os
import sys
import zlib
from pathlib import Path
from typing import Any

from shardlint.kept import kept

# files kept, chosen by path: a project's files keep their own, and the cache never grows past this
# (files that share one take turns; keyed by the text, a file is never given another's tables)
_SLOTS = 32


def parse_toml(text: str, path: Path) -> dict[str, Any]:
    """The tables of ``text``, the contents of ``path``; ``ValueError`` when it is not valid TOML."""
    slot = zlib.crc32(os.fsencode(os.path.abspath(path))) % _SLOTS
    return kept(f"toml-{slot:02d}", (sys.version, text), lambda: _parse(text))  # type: ignore[no-any-return]


def _parse(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10 only
        import tomli as tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"invalid TOML: {exc}") from None
