"""Files a launch names, resolved as the command resolves them from its working directory.

A relative path is opened from the directory the command runs in.  That is not
written in the file, so both likely ones are tried: the repository root (where
READMEs and most scripts are run from), then the script's own folder.  A file a
heredoc earlier in the same script writes exists.  An unknown path is not a finding.
"""

from __future__ import annotations

import os
from difflib import get_close_matches
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from shardlint.discovery import SKIP_DIRS
from shardlint.launch.launchers import Launch
from shardlint.launch.shell import Word, Written

# options whose value is a file the launch opens before training starts, by launcher (deepspeed's
# --hostfile is not one: a missing hostfile means "this machine only", runner.py:fetch_hostfile)
FILE_OPTIONS = {
    "accelerate": {"--config_file": "config file", "--deepspeed_config_file": "DeepSpeed config file"},
    "trl": {"--accelerate_config": "config file", "--config": "recipe"},
}
# script arguments naming a DeepSpeed JSON (TrainingArguments --deepspeed, the deepspeed CLI's own
# --deepspeed_config): the Trainer opens it at start-up
SCRIPT_FILE_OPTIONS = {"--deepspeed": "DeepSpeed config", "--deepspeed_config": "DeepSpeed config",
                       "--config": "recipe", "--fsdp_config": "FSDP config"}
# the file types each names; another value is not a file (--deepspeed on a switch, a preset name ...)
SUFFIXES = {"DeepSpeed config": (".json",), "recipe": (".yaml", ".yml"), "FSDP config": (".json",),
            "config file": (".yaml", ".yml", ".json")}


class Reference(NamedTuple):
    role: str
    word: Word
    path: Path | None  # the file found
    tried: tuple[Path, ...]
    matches: tuple[Path, ...] = ()  # for a path with unknown parts: the files it can name

    @property
    def missing(self) -> bool:
        return self.path is None and bool(self.tried)


def references(launch: Launch, script: Path, written: list[Written]) -> list[Reference]:
    out = []
    table = FILE_OPTIONS.get(launch.launcher, {})
    for flag in launch.flags:
        name = flag.option.flag if flag.option is not None else flag.name
        if name in table and flag.value is not None and _names_a_file(table[name], flag.value, launch):
            out.append(resolve(table[name], flag.value, script, written))
    args = launch.script_args
    for i, word in enumerate(args):
        name, _, inline = (word.value or "").partition("=")
        if name in SCRIPT_FILE_OPTIONS:
            value = Word(inline, word.start + len(name) + 1, word.end) if inline else (
                args[i + 1] if i + 1 < len(args) else None)
            if value is not None and _names_a_file(SCRIPT_FILE_OPTIONS[name], value, launch):
                out.append(resolve(SCRIPT_FILE_OPTIONS[name], value, script, written))
    if launch.script is not None and (launch.script.value or "").endswith(".py") and not _module(launch):
        out.append(resolve("training script", launch.script, script, written))
    return out


def _names_a_file(role: str, word: Word, launch: Launch) -> bool:
    """An accelerate --config_file or --deepspeed_config_file always names a file; trl's --accelerate_config also takes a preset name
    (zero2, fsdp2 ...), and script arguments are files only with their file type's suffix."""
    if launch.launcher == "accelerate" and role in FILE_OPTIONS["accelerate"].values():
        return True
    text = word.value if word.value is not None else word.pattern or ""
    return text.lower().endswith(SUFFIXES.get(role, ()))


def _module(launch: Launch) -> bool:
    return any(flag.name in ("-m", "--module", "--no_python", "--no-python") for flag in launch.flags)


def resolve(role: str, word: Word, script: Path, written: list[Written]) -> Reference:
    value = word.value
    if value is None and word.pattern and not word.pattern.startswith(("/", "*")):
        return Reference(role, word, None, (), _glob(word.pattern, script))
    if not value or any(c in value for c in "*?[<>{}") or value.startswith("~"):
        return Reference(role, word, None, ())
    path = Path(value)
    name = path.name
    if any(w.path is not None and (w.path == value or w.content is not None and os.path.basename(w.path) == name)
           for w in written):
        return Reference(role, word, path, ())
    if path.is_absolute():
        return Reference(role, word, path if path.is_file() else None, ())  # outside the repository
    tried = []
    for base in working_directories(script):
        candidate = base / path
        tried.append(candidate)
        if candidate.is_file():
            return Reference(role, word, candidate, ())
    root = repository_root(script)
    if root is not None and len(path.parts) > 1 and ".." not in path.parts:
        found = by_suffix(root, path)
        if found is not None:
            return Reference(role, word, found, ())
    return Reference(role, word, None, tuple(tried))


MAX_LEVELS = 6  # folders above the script looked at for the repository root
# files at a repository's top; without .git the farthest folder holding one is taken as the root
PROJECT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "Makefile", "README.md")
MAX_WALK = 20_000  # entries looked at when searching a path by its suffix


def repository_root(script: Path) -> Path | None:
    return _root_of(script.resolve().parent)


def working_directories(script: Path) -> list[Path]:
    """Where a launch may run from: the repository root first, then the script's folder and the
    folders up to the root.  Without a ``.git`` the root is a guess, so every folder up to
    MAX_LEVELS above the script is tried too (a file found in any of them is not reported)."""
    return list(_working_directories_of(script.resolve().parent))


# Remembered per folder: each reference of a script asks, and the scripts of a walk share folders; an
# editor session keeps what it found until it restarts (a repository's top seldom moves).
@lru_cache(maxsize=256)
def _root_of(folder: Path) -> Path | None:
    chain = [folder, *folder.parents][:MAX_LEVELS + 1]
    for candidate in chain:
        if (candidate / ".git").exists():
            return candidate
    marked = [c for c in chain if any((c / marker).exists() for marker in PROJECT_MARKERS)]
    return marked[-1] if marked else None


@lru_cache(maxsize=256)
def _working_directories_of(folder: Path) -> tuple[Path, ...]:
    chain = [folder, *folder.parents][:MAX_LEVELS + 1]
    root = _root_of(folder)
    if root is not None and (root / ".git").exists():
        return (root, *chain[:chain.index(root)])
    return tuple(dict.fromkeys([root, *chain] if root is not None else chain))


def by_suffix(root: Path, path: Path) -> Path | None:
    """The one file under ``root`` whose path ends with ``path`` (a document written relative to a
    sub-folder of the repository), or None when there is none or more than one."""
    found: list[Path] = []
    seen = 0
    for folder, subdirs, files in os.walk(root):
        subdirs[:] = [d for d in subdirs if not d.startswith(".") and d not in SKIP_DIRS]
        seen += len(files) + len(subdirs)
        if path.name in files:
            candidate = Path(folder) / path.name
            if candidate.as_posix().endswith("/" + path.as_posix()):
                found.append(candidate)
        if seen > MAX_WALK or len(found) > 1:
            return None
    return found[0] if len(found) == 1 else None


def _glob(pattern: str, script: Path) -> tuple[Path, ...]:
    """The files a path with unknown parts (``configs/$NAME.yaml`` as ``configs/*.yaml``) can name."""
    for base in working_directories(script):
        try:
            found = sorted(p for p in base.glob(pattern) if p.is_file())
        except (ValueError, OSError):
            return ()
        if found:
            return tuple(found)
    return ()


def suggest(ref: Reference) -> str | None:
    """A file with a close name in the two nearest folders a missing path would have been found in."""
    path = Path(ref.word.value or "")
    for candidate in ref.tried[:2]:
        try:
            with os.scandir(candidate.parent) as entries:
                names = [e.name for e in entries if e.is_file()]
        except OSError:
            continue
        close = get_close_matches(path.name, names, n=1, cutoff=0.75)
        if close:
            return str(path.with_name(close[0]))
    return None
