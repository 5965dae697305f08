"""Key paths as rules write them: ``fsdp_config.fsdp_version``, ``a.list[0]``, ``a.*``, ``**``.

A segment containing ``*``, ``?`` or ``[...]`` glob characters matches any key it
globs (``*offload*``); ``**`` matches any number of levels.  Accelerate reads
``fsdp_config``, ``dynamo_config`` and ``fp8_config`` keys with their prefix
added when missing, so rules name the prefixed (canonical) key and
:func:`canonical_key` maps the written one to it.
"""

from __future__ import annotations

import re
from fnmatch import fnmatchcase
from functools import lru_cache
from typing import Any, Union

Segment = Union[str, int]
PathPattern = tuple[Segment, ...]
_INDEX = re.compile(r"\[(\d+)\]")

# accelerate/commands/launch.py:_validate_launch_command (reference accelerate.md section 0)
SECTION_PREFIXES = {"fsdp_config": ("fsdp", "fsdp_"), "dynamo_config": ("dynamo_", "dynamo_"),
                    "fp8_config": ("fp8", "fp8_")}


class PathError(ValueError):
    pass


@lru_cache(maxsize=2048)
def parse_path(text: str) -> PathPattern:
    """``"a.b[0].*"`` -> ``("a", "b", 0, "*")``; ``""`` is the root."""
    if text in ("", "."):
        return ()
    out: list[Segment] = []
    for part in text.split("."):
        if not part:
            raise PathError(f"empty segment in key path {text!r}")
        name, _, rest = part.partition("[")
        if name:
            out.append(name)
        if rest:
            indices = _INDEX.findall("[" + rest)
            if "".join(f"[{i}]" for i in indices) != "[" + rest:
                raise PathError(f"bad list index in key path {text!r}")
            out.extend(int(i) for i in indices)
    return tuple(out)


def is_wild(segment: Segment) -> bool:
    return isinstance(segment, str) and ("*" in segment or "?" in segment or "[" in segment)


@lru_cache(maxsize=4096)
def has_wildcards(path: PathPattern) -> bool:
    return any(is_wild(s) for s in path)


@lru_cache(maxsize=4096)
def wild_positions(path: PathPattern) -> tuple[int, ...]:
    """Where ``path``'s wildcards are: :func:`bind` runs once per rule target, so it is worked out once."""
    return tuple(i for i, s in enumerate(path) if is_wild(s))


def canonical_key(section: Any, key: str) -> str:
    rule = SECTION_PREFIXES.get(section) if isinstance(section, str) else None
    if rule is None or key.startswith(rule[0]):
        return key
    return rule[1] + key


def resolve_key(node: dict[str, Any], section: Segment | None, wanted: str) -> str | None:
    """The key of ``node`` that Accelerate reads as ``wanted`` (the last one written wins)."""
    if section not in SECTION_PREFIXES:
        return wanted if wanted in node else None
    wanted = canonical_key(section, wanted)
    found = None
    for key in node:
        if isinstance(key, str) and canonical_key(section, key) == wanted:
            found = key
    return found


def lookup(data: Any, path: PathPattern, aliases: bool) -> tuple[bool, Any, tuple[Segment, ...]]:
    """Follow a concrete path; returns (found, value, the path as written in the file)."""
    node, actual = data, []
    for segment in path:
        parent = actual[0] if len(actual) == 1 else None
        if isinstance(segment, int):
            if not isinstance(node, list) or not 0 <= segment < len(node):
                return False, None, path
            node = node[segment]
        else:
            if not isinstance(node, dict):
                return False, None, path
            key = resolve_key(node, parent, segment) if aliases else (segment if segment in node else None)
            if key is None:
                return False, None, path
            segment, node = key, node[key]
        actual.append(segment)
    return True, node, tuple(actual)


def matches(data: Any, pattern: PathPattern, aliases: bool) -> list[tuple[tuple[Segment, ...], Any, tuple[Any, ...]]]:
    """Every (actual path, value, wildcard bindings) that ``pattern`` matches in ``data``, in document order."""
    out: list[tuple[tuple[Segment, ...], Any, tuple[Any, ...]]] = []
    _match(data, pattern, (), (), aliases, out)
    return out


def _descendants(node: Any) -> list[tuple[tuple[Segment, ...], Any]]:
    """(relative path, node) for ``node`` and everything below it, depth first in document order
    (with an explicit stack: ``**`` over a whole file is the widest selection rules make)."""
    out = []
    stack = [((), node)]
    while stack:
        rel, node = stack.pop()
        out.append((rel, node))
        if isinstance(node, dict):
            stack.extend((rel + (key,), child) for key, child in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((rel + (i,), node[i]) for i in reversed(range(len(node))))
    return out


def _match(node: Any, pattern: PathPattern, actual: tuple[Segment, ...], bound: tuple[Any, ...],
           aliases: bool, out: list[tuple[tuple[Segment, ...], Any, tuple[Any, ...]]]) -> None:
    if not pattern:
        out.append((actual, node, bound))
        return
    head, rest = pattern[0], pattern[1:]
    # prefix aliases apply to the keys of top-level sections only
    section = actual[0] if aliases and len(actual) == 1 else None
    if head == "**":
        for rel, child in _descendants(node):
            if rest:
                _match(child, rest, actual + rel, bound + (rel,), aliases, out)
            else:
                out.append((actual + rel, child, bound + (rel,)))
    elif isinstance(head, int):
        if isinstance(node, list) and 0 <= head < len(node):
            _match(node[head], rest, actual + (head,), bound, aliases, out)
    elif is_wild(head):
        if isinstance(node, dict):
            for key, child in node.items():
                if not isinstance(key, str):
                    continue
                if head == "*" or fnmatchcase(canonical_key(section, key), head) or fnmatchcase(key, head):
                    _match(child, rest, actual + (key,), bound + (key,), aliases, out)
        elif isinstance(node, list) and head == "*":
            for i, child in enumerate(node):
                _match(child, rest, actual + (i,), bound + (i,), aliases, out)
    elif isinstance(node, dict):
        key = resolve_key(node, section, head)
        if key is not None:
            _match(node[key], rest, actual + (key,), bound, aliases, out)


def bind(pattern: PathPattern, bindings: tuple[Any, ...]) -> PathPattern:
    """Replace the pattern's wildcards, left to right, with keys bound by ``at``."""
    if not bindings:
        return pattern
    spots = wild_positions(pattern)
    if not spots:
        return pattern
    out: list[Segment] = []
    start = 0
    for spot, value in zip(spots, bindings):
        out.extend(pattern[start:spot])
        if isinstance(value, tuple):  # what ``**`` matched: any number of keys
            out.extend(value)
        else:
            out.append(value)
        start = spot + 1
    out.extend(pattern[start:])
    return tuple(out)
