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


def _bracket_end(pattern: str, start: int) -> int:
    """Index of the ``]`` closing the set opened at ``start``, or -1; a ``]`` right after ``[`` or ``[!`` is literal."""
    i = start + 1
    if pattern.startswith("!", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    return pattern.find("]", i)


def _bracket(body: str) -> str:
    """A glob set body (``ab``, ``!0-9``) as a regex character class, as ``fnmatch`` translates it."""
    body = re.sub(r"([\\&~|\[])", r"\\\1", body)  # literal backslashes; no set operations or nesting
    if body.startswith("!"):
        body = "^" + body[1:]
    elif body.startswith("^"):
        body = "\\" + body
    return f"[{body}]"


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
            close = _bracket_end(pattern, i)
            if close == -1:
                out.append(re.escape(ch))
            else:
                out.append(_bracket(pattern[i + 1:close]))
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
