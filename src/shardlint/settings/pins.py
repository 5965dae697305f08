"""The library versions a project pins: the default ``--target`` for its files.

From the checked file's folder up to the project root (the first folder holding ``.git``,
``pyproject.toml``, ``setup.py`` or ``setup.cfg``), every requirement file is read
(:mod:`shardlint.settings.pinfiles`). A requirement decides a version when it is locked or
exact (``==4.46.0``) or has an upper bound (``<5``: the newest release below it); otherwise
the newest release shardlint knows is used. When files disagree, the strongest statement
wins (a lock file over an exact pin over an upper bound), then the nearest folder, then the
lower version; the losers are kept so that a report can say which pin won.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import NamedTuple

from shardlint.engine.versions import ANY, format_version, parse_version
from shardlint.settings.pinfiles import FILE_NAMES, READERS, Requirement, mentions_a_library, read_requirements_txt

LOCKED, EXACT, UPPER_BOUND, UNBOUNDED = 3, 2, 1, 0
STRENGTH_NAMES = {LOCKED: "locked", EXACT: "exact pin", UPPER_BOUND: "upper bound", UNBOUNDED: "no upper bound"}
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")

# compiled by re on first use: most runs find no pin
_CLAUSE = r"(===|==|~=|!=|<=|>=|<|>)\s*v?(\d+(?:\.\d+)*)(\.\*)?[^,\s]*"


class Pin(NamedTuple):
    library: str
    version: str     # what the rules judge by, e.g. "4.46.0" (or "4.x" for "<5")
    spec: str        # as written, e.g. "<5"
    file: str        # as shown, relative to the working folder when inside it
    line: int
    strength: int
    depth: int       # folders between the checked file and the requirement file

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def describe(self) -> str:
        """``transformers 4.46.0 (requirements.txt:3)``; an unbounded requirement says the version is the newest known."""
        if self.strength == UNBOUNDED:
            return f"{self.library} {self.version} (the newest known; {self.where} has no upper bound)"
        return f"{self.library} {self.version} ({self.where})"


def _numbers(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def _text(numbers: tuple[int, ...]) -> str:
    return format_version(_pad(numbers))


def _below(bound: tuple[int, ...]) -> tuple[int, ...]:
    """The newest version below ``bound`` that shardlint can name: ``<4.41`` -> 4.40.x, ``<5`` -> 4.x."""
    parts = list((bound + (0, 0, 0))[:max(3, len(bound))])
    for index in range(len(parts) - 1, -1, -1):
        if parts[index] > 0:
            parts[index] -= 1
            return tuple(parts[:index + 1] + [ANY] * (len(parts) - index - 1))
    return tuple(parts)


def decide(spec: str, latest: str) -> tuple[str, int]:
    """The version a specifier makes shardlint judge by, and how strongly it says so."""
    clauses = [(m.group(1), _numbers(m.group(2)), bool(m.group(3))) for m in re.finditer(_CLAUSE, spec)]
    lower: list[tuple[str, tuple[int, ...]]] = []
    upper: list[tuple[int, ...]] = []  # inclusive upper bounds
    for op, numbers, star in clauses:
        if op in ("==", "===") and not star:
            return _text(numbers), EXACT
        if op == "==" and star:
            lower.append((">=", numbers))
            upper.append(_below(numbers[:-1] + (numbers[-1] + 1,)))
        elif op == "~=":
            lower.append((">=", numbers))
            prefix = numbers[:-1] if len(numbers) > 1 else numbers
            upper.append(_below(prefix[:-1] + (prefix[-1] + 1,)))
        elif op == "<=":
            upper.append(numbers)
        elif op == "<":
            upper.append(_below(numbers))
        elif op in (">=", ">"):
            lower.append((op, numbers))
    if not upper:
        return latest, UNBOUNDED
    ceiling = min(_pad(u) for u in upper)
    newest = _pad(_numbers(latest))
    if newest <= ceiling and all(newest >= _pad(n) if op == ">=" else newest > _pad(n) for op, n in lower):
        return latest, UPPER_BOUND
    return _text(ceiling), UPPER_BOUND


def _pad(numbers: tuple[int, ...]) -> tuple[int, ...]:
    return (numbers + (0, 0, 0))[:max(3, len(numbers))]


# ---------------------------------------------------------------- reading the project's files

_parsed: dict[Path, tuple[tuple[int, int], list[Requirement]]] = {}
_listing: dict[Path, tuple[int, tuple[Path, ...], bool]] = {}


def _requirement_files(folder: Path) -> tuple[tuple[Path, ...], bool]:
    """The requirement files directly in ``folder`` (and its requirements*/ folders), and whether it is a project root."""
    try:
        stamp = folder.stat().st_mtime_ns
    except OSError:
        return (), False
    hit = _listing.get(folder)
    if hit is not None and hit[0] == stamp:
        return hit[1], hit[2]
    files: list[Path] = []
    root = False
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        entries = []
    for entry in entries:
        name = entry.name
        root = root or name in PROJECT_MARKERS
        try:
            if entry.is_file() and (name in FILE_NAMES or (name.endswith(".txt") and "requirements" in name)):
                files.append(Path(entry.path))
            elif entry.is_dir() and name.startswith("requirements"):
                files += sorted(p for p in Path(entry.path).glob("*.txt") if p.is_file())
        except OSError:
            continue
    _listing[folder] = (stamp, tuple(files), root)
    return tuple(files), root


def _read(path: Path, seen: set[Path]) -> list[tuple[Path, Requirement]]:
    """The requirements in ``path`` (and the files its ``-r``/``-c`` lines include)."""
    path = Path(os.path.abspath(path))
    if path in seen or len(seen) > 64:
        return []
    seen.add(path)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
        if st.st_size > 8_000_000:
            return []
    except OSError:
        return []
    includes: list[Path] = []
    hit = _parsed.get(path)
    if hit is not None and hit[0] == stamp and not path.suffix == ".txt":
        found = hit[1]
    else:
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        if not mentions_a_library(text) and path.suffix != ".txt":
            found = []
        elif path.suffix == ".txt":
            found = read_requirements_txt(text, path, includes.append)
        else:
            found = READERS[path.name](text, path)
        _parsed[path] = (stamp, found)
    out = [(path, r) for r in found]
    for included in includes:
        out += _read(included, seen)
    return out


def _shown(path: Path) -> str:
    relative = os.path.relpath(path)
    return path.as_posix() if relative.startswith("..") else Path(relative).as_posix()


class ProjectPins(NamedTuple):
    chosen: dict[str, Pin]           # library -> the pin that decides its version
    others: dict[str, list[Pin]]     # library -> pins that lost, strongest first


def project_pins(folder: Path, latest: dict[str, str]) -> ProjectPins:
    """Every pin of a targeted library from ``folder`` up to the project root, and the winners."""
    folder = Path(os.path.abspath(folder))
    pins: dict[str, list[Pin]] = {}
    seen: set[Path] = set()
    for depth, current in enumerate((folder, *folder.parents)):
        files, is_root = _requirement_files(current)
        for file in files:
            for path, requirement in _read(file, seen):
                newest = latest.get(requirement.library)
                if newest is None:
                    continue
                version, strength = decide(requirement.spec, newest)
                if requirement.locked:
                    strength = LOCKED
                pins.setdefault(requirement.library, []).append(
                    Pin(requirement.library, version, requirement.spec, _shown(path), requirement.line, strength, depth))
        if is_root:
            break
    chosen, others = {}, {}
    for library, found in pins.items():
        ranked = sorted(found, key=lambda p: (-p.strength, p.depth, parse_version(p.version), p.file, p.line))
        chosen[library] = ranked[0]
        others[library] = ranked[1:]
    return ProjectPins(chosen, others)
