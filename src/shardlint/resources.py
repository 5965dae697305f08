"""Where the data shipped with shardlint (schemas, rules) lives, and where it keeps what it caches.

In a wheel the folders sit inside the package; in a source checkout they are at
the repository root, beside ``src/``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """The ``schemas`` or ``rules`` folder."""
    for candidate in (_PACKAGE / name, _PACKAGE.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"shardlint's {name}/ folder is missing from this installation")


def cache_dir() -> Path:
    """``$XDG_CACHE_HOME/shardlint`` (``~/.cache/shardlint``): what is kept between runs."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "shardlint"
