"""Library versions a run targets, and the version ranges rules state.

``--target accelerate=1.6,deepspeed=0.15`` picks versions; libraries not named
get the latest release shardlint knows (the versions its rules were checked
against by running the libraries' own config checks).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Mapping

# the newest releases snapshotted in knowledge/ (tests/knowledge/test_default_target.py keeps them equal)
LATEST = {"accelerate": "1.16.0", "deepspeed": "0.19.8", "transformers": "5.25.0", "trl": "1.16.0"}

Version = tuple[int, ...]
ANY = 999  # a part a project leaves open: "4.x" (the newest 4 release, from a pin such as "<5") is 4.999.999
_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*([0-9][0-9.]*)\s*\Z")


class VersionError(ValueError):
    pass


def parse_version(text: str) -> Version:
    parts = str(text).strip().lstrip("v").split(".")
    open_from = parts.index("x") if "x" in parts[1:] and parts[-1] == "x" and parts.count("x") == 1 else len(parts)
    try:
        numbers = tuple(int(p) for p in parts[:open_from])
    except ValueError:
        raise VersionError(f"bad version {text!r} (use numbers such as 1.6 or 0.15.4)") from None
    if open_from < len(parts):
        return numbers + (ANY,) * max(1, 3 - len(numbers))
    return (numbers + (0, 0, 0))[:max(3, len(numbers))]


def format_version(version: Version) -> str:
    """``(4, 46, 0)`` -> ``4.46.0``; a part left open shows as x: ``(4, 999, 999)`` -> ``4.x``."""
    if ANY in version:
        return ".".join(map(str, version[:version.index(ANY)])) + ".x"
    return ".".join(map(str, version))


@lru_cache(maxsize=512)
def parse_specifier(text: str) -> tuple[tuple[str, Version], ...]:
    """``">=0.24.0,<1.6"`` -> ((">=", (0, 24, 0)), ("<", (1, 6, 0)))."""
    clauses = []
    for part in text.split(","):
        match = _CLAUSE.match(part)
        if not match:
            raise VersionError(f"bad version range {text!r} (use e.g. '>=0.24.0' or '>=1.6,<1.10')")
        clauses.append((match.group(1), parse_version(match.group(2))))
    return tuple(clauses)


def satisfies(version: Version, specifier: str) -> bool:
    for op, bound in parse_specifier(specifier):
        ok = {">=": version >= bound, "<=": version <= bound, ">": version > bound, "<": version < bound,
              "==": version == bound, "!=": version != bound}[op]
        if not ok:
            return False
    return True


def target_versions(target: Mapping[str, str] | None) -> dict[str, Version]:
    """Every library's targeted version: ``target``'s, else the latest release."""
    return dict(_target_versions(tuple((target or {}).items())))


@lru_cache(maxsize=64)
def _target_versions(target: tuple[tuple[str, str], ...]) -> tuple[tuple[str, Version], ...]:
    """Parsed once per set of targets: every document of a run asks."""
    out = {name: parse_version(v) for name, v in LATEST.items()}
    for name, version in target:
        if name in out:
            out[name] = parse_version(version)
    return tuple(out.items())
