"""Library versions a run targets, and the version ranges rules state.

``--target accelerate=1.6,deepspeed=0.15`` picks versions; libraries not named
get the latest release shardlint knows (the versions its rules were checked
against by running the libraries' own config checks).
"""

from __future__ import annotations

import re
from functools import lru_cache

# the newest releases snapshotted in knowledge/ (tests/knowledge/test_default_target.py keeps them equal)
LATEST = {"accelerate": "1.16.0", "deepspeed": "0.19.8", "transformers": "5.25.0", "trl": "1.16.0"}

Version = tuple[int, ...]
_CLAUSE = re.compile(r"\s*(>=|<=|==|!=|>|<)\s*([0-9][0-9.]*)\s*\Z")


class VersionError(ValueError):
    pass


def parse_version(text: str) -> Version:
    parts = str(text).strip().lstrip("v").split(".")
    try:
        numbers = tuple(int(p) for p in parts)
    except ValueError:
        raise VersionError(f"bad version {text!r} (use numbers such as 1.6 or 0.15.4)") from None
    return (numbers + (0, 0, 0))[:max(3, len(numbers))]


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


def target_versions(target: dict[str, str] | None) -> dict[str, Version]:
    """Every library's targeted version: ``target``'s, else the latest release."""
    out = {name: parse_version(v) for name, v in LATEST.items()}
    for name, version in (target or {}).items():
        if name in out:
            out[name] = parse_version(version)
    return out
