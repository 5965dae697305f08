"""Plain data kept between runs in the user's cache, one ``marshal`` file per name, taken back only for
the key it was made for."""

from __future__ import annotations

import marshal
import os
import sys
from typing import Any, Callable

from shardlint.resources import cache_dir


def kept(name: str, key: object, make: Callable[[], Any]) -> Any:
    """What ``make()`` gave for ``key`` when it was kept under ``name``; else ``make()``, kept in turn.

    Unmarshalling is several times cheaper than parsing a file and deriving from it again. A kept file
    that cannot be read, is corrupt or cannot be written is passed over, and a value that is not plain
    data (what ``marshal`` holds) is made again by every run.  What ``make`` raises is not kept.
    """
    file = cache_dir() / f"{name}-{sys.implementation.cache_tag}.marshal"
    try:
        held = marshal.loads(file.read_bytes())  # marshal.load(handle) reads a file in many small reads
        if isinstance(held, tuple) and len(held) == 2 and held[0] == key:
            return held[1]
    except (OSError, EOFError, ValueError, TypeError):
        pass
    value = make()
    try:
        data = marshal.dumps((key, value))
    except ValueError:
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
