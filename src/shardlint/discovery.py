"""Which files a run looks at: explicit paths as given, directories walked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterator, NamedTuple

from shardlint.loading.limits import MAX_FILE_BYTES

# files whose content is sniffed in a walk; others are never opened
WALK_SUFFIXES = frozenset({".yaml", ".yml", ".json", ".conf", ".jsonc"})
# parse errors in these are reported even in a walk; other suffixes stay quiet
CONFIG_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
SHOWN_DIRS = frozenset({".github"})  # workflows hold launch commands
SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv", "env", "build", "dist"})


class Candidate(NamedTuple):
    path: Path
    display: str
    explicit: bool  # named on the command line rather than found in a walk


def _walked(path: Path, name: str) -> bool:
    """Config files by suffix; files that may hold launch commands by name (or, without a suffix, shebang)."""
    if name.startswith("."):
        return False
    from shardlint.launch.sniff import is_workflow, surface_of

    if ".github" in path.parts:
        return is_workflow(path)  # of a .github folder, only the workflows hold launch commands
    suffix = path.suffix.lower()
    if suffix in WALK_SUFFIXES:
        return True
    if suffix:
        return surface_of(path) is not None
    try:
        with open(path, "rb") as handle:
            return surface_of(path, handle.read(256)) is not None
    except OSError:
        return False


def _is_virtualenv(path: Path) -> bool:
    return (path / "pyvenv.cfg").is_file()


# told (path, reason) for each folder or YAML/JSON file a walk passes over
OnSkip = Callable[[str, str], None]


def _ignore(path: str, reason: str) -> None:
    pass


def walk(root: Path, display_root: str, on_skip: OnSkip = _ignore) -> Iterator[Candidate]:
    """Files under ``root`` in sorted order, skipping hidden and tool folders and symlink loops."""
    seen: set[tuple[int, int]] = set()
    stack = [(root, display_root)]
    while stack:
        folder, shown = stack.pop()
        try:
            st = folder.stat()
        except OSError:
            continue
        ident = (st.st_dev, st.st_ino)
        if ident in seen:
            on_skip(shown, "already walked (a symlink loop or a second path to it)")
            continue
        seen.add(ident)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            child_shown = os.path.join(shown, name) if shown != "." else name
            try:
                if entry.is_dir():
                    skip = _skipped_folder(name, Path(entry.path))
                    if skip:
                        on_skip(child_shown + "/", skip)
                        continue
                    subdirs.append((Path(entry.path), child_shown))
                elif entry.is_file() and name.startswith(".") and Path(name).suffix.lower() in WALK_SUFFIXES:
                    on_skip(child_shown, "hidden file")
                elif entry.is_file() and _walked(Path(entry.path), name):
                    if entry.stat().st_size > MAX_FILE_BYTES:
                        on_skip(child_shown, f"over the {MAX_FILE_BYTES:,}-byte limit")
                    else:
                        yield Candidate(Path(entry.path), child_shown, explicit=False)
            except OSError:
                continue
        stack.extend(reversed(subdirs))


def _skipped_folder(name: str, path: Path) -> str | None:
    if name.startswith(".") and name not in SHOWN_DIRS:
        return "hidden folder"
    if name in SKIP_DIRS:
        return "tool or build folder"
    return "virtualenv" if _is_virtualenv(path) else None


def discover(paths: list[str], on_skip: OnSkip = _ignore) -> Iterator[Candidate | tuple[Path, str, str]]:
    """Candidates for each path; ``(path, display, message)`` for a path that does not exist."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from walk(path, raw.rstrip("/") or "/", on_skip)
        elif path.exists() or path.is_symlink():
            yield Candidate(path, raw, explicit=True)
        else:
            yield path, raw, "no such file or directory"
