"""Path globs for ``include``, ``exclude`` and ``per-file-ignores``.

A pattern without a slash matches a file or folder name at any depth
(``*.json``, ``vendor``); a pattern with a slash matches the path relative to
the folder holding the configuration file (``configs/ds_*.json``, ``legacy/**``).
``**`` spans any number of folders.  A pattern that matches a folder matches
everything inside it, as in ``.gitignore``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePath


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if ch == "*":
            out.append("[^/]*")
        elif ch == "?":
            out.append("[^/]")
        elif ch == "[":
            close = pattern.find("]", i + 1)
            if close == -1:
                out.append(re.escape(ch))
            else:
                body = pattern[i + 1:close]
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = close + 1
                continue
        else:
            out.append(re.escape(ch))
        i += 1
    return re.compile("".join(out) + r"\Z")


def check_pattern(pattern: str) -> None:
    """Raise ``ValueError`` for a glob that cannot be compiled."""
    try:
        _compile(pattern.strip("/"))
    except re.error as exc:
        raise ValueError(f"invalid glob {pattern!r}: {exc}") from None


def matches(pattern: str, relative: PurePath) -> bool:
    """Whether ``relative`` (a path below the configuration's folder) or a folder above it matches."""
    parts = relative.parts
    if not parts:
        return False
    anchored = "/" in pattern.strip("/")
    regex = _compile(pattern.strip("/").removeprefix("./"))
    for depth in range(len(parts), 0, -1):
        candidate = "/".join(parts[:depth]) if anchored else parts[depth - 1]
        if regex.match(candidate):
            return True
    return False
