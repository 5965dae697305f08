"""Sizes as people write them: ``7B`` parameters, ``80GiB`` of GPU memory."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"\s*(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*")
_COUNT_SUFFIX = {"": 1, "k": 10**3, "m": 10**6, "b": 10**9, "t": 10**12}
_BYTE_SUFFIX = {"": 2**30, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
                "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40, "k": 2**10, "m": 2**20, "g": 2**30,
                "t": 2**40}
GIB = 2**30


def _split(text: str, suffixes: dict[str, int], what: str, example: str) -> int:
    match = _NUMBER.fullmatch(str(text))
    unit = match.group(2).lower() if match else ""
    if match is None or unit not in suffixes:
        raise ValueError(f"{text!r} is not {what} (e.g. {example})")
    value = float(match.group(1)) * suffixes[unit]
    if not 0 < value < 1e18:
        raise ValueError(f"{text!r} is out of range for {what}")
    return round(value)


def parse_count(text: str) -> int:
    """``7B``, ``1.5e9``, ``350M`` -> a parameter count."""
    return _split(text, _COUNT_SUFFIX, "a parameter count", "7B, 350M or 1.5e9")


def parse_bytes(text: str | int | float) -> int:
    """``80GiB``, ``80GB`` (decimal), ``81920MiB``; a bare number is GiB."""
    return _split(str(text), _BYTE_SUFFIX, "a memory size", "80GiB, 24GB or 81920MiB")


def gib(n: float) -> str:
    return f"{n / GIB:.2f}"


def count(n: int) -> str:
    """``6.74B`` style, for headings."""
    for size, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if n >= size:
            return f"{n / size:.2f}{suffix}"
    return str(n)
