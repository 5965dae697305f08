"""Files a launch names, resolved as the command resolves them from its working directory.

A relative path is opened from the directory the command runs in.  That is not
written in the file, so both likely ones are tried: the repository root (where
READMEs and most scripts are run from), then the script's own folder.  A file a
heredoc earlier in the same script writes exists.  An unknown path is not a finding.
"""

from __future__ import annotations

from difflib import get_close_matches
from pathlib import Path
from typing import NamedTuple

from shardlint.launch.launchers import Launch
from shardlint.launch.shell import Word, Written

# options whose value is a file the launch opens before training starts, by launcher
FILE_OPTIONS = {
    "accelerate": {"--config_file": "config file", "--deepspeed_config_file": "DeepSpeed config file"},
    "deepspeed": {"--hostfile": "hostfile", "-H": "hostfile"},
}
# script arguments naming a DeepSpeed JSON (TrainingArguments --deepspeed, the deepspeed CLI's own
# --deepspeed_config): the Trainer opens it at start-up
SCRIPT_FILE_OPTIONS = {"--deepspeed": "DeepSpeed config", "--deepspeed_config": "DeepSpeed config"}


class Reference(NamedTuple):
    role: str
    word: Word
    path: Path | None  # the file found
    tried: tuple[Path, ...]
    suggestion: str | None

    @property
    def missing(self) -> bool:
        return self.path is None and bool(self.tried)


def references(launch: Launch, script: Path, written: list[Written]) -> list[Reference]:
    out = []
    table = FILE_OPTIONS.get(launch.launcher, {})
    for flag in launch.flags:
        name = flag.option.flag if flag.option is not None else flag.name
        if name in table and flag.value is not None:
            out.append(resolve(table[name], flag.value, script, written))
    args = launch.script_args
    for i, word in enumerate(args):
        name, _, inline = (word.value or "").partition("=")
        if name in SCRIPT_FILE_OPTIONS:
            value = Word(inline, word.start + len(name) + 1, word.end) if inline else (
                args[i + 1] if i + 1 < len(args) else None)
            if value is not None and (value.value or "").endswith(".json"):
                out.append(resolve(SCRIPT_FILE_OPTIONS[name], value, script, written))
    if launch.script is not None and (launch.script.value or "").endswith(".py") and not _module(launch):
        out.append(resolve("training script", launch.script, script, written))
    return out


def _module(launch: Launch) -> bool:
    return any(flag.name in ("-m", "--module", "--no_python", "--no-python") for flag in launch.flags)


def resolve(role: str, word: Word, script: Path, written: list[Written]) -> Reference:
    value = word.value
    if not value or any(c in value for c in "*?[<>{}") or value.startswith("~"):
        return Reference(role, word, None, (), None)
    path = Path(value)
    if any(w.path is not None and Path(w.path).name == path.name for w in written):
        return Reference(role, word, path, (), None)
    if path.is_absolute():
        return Reference(role, word, path if path.is_file() else None, (), None)  # outside the repository
    tried = []
    for base in working_directories(script):
        candidate = base / path
        tried.append(candidate)
        if candidate.is_file():
            return Reference(role, word, candidate, (), None)
    return Reference(role, word, None, tuple(tried), _suggest(path, tried))


MAX_LEVELS = 6  # folders above the script tried when no repository root (.git) is found


def working_directories(script: Path) -> list[Path]:
    """Where a launch may run from: the repository root first, then the script's folder and the
    folders between them.  Without a ``.git`` the root is unknown, so the script's folder and
    up to MAX_LEVELS folders above it are tried (a file found in any of them is not reported)."""
    folder = script.resolve().parent
    chain = [folder, *folder.parents]
    for i, candidate in enumerate(chain):
        if (candidate / ".git").exists():
            return [candidate, *chain[:i]]
    return chain[:MAX_LEVELS + 1]


def _suggest(path: Path, tried: list[Path]) -> str | None:
    """A file with a close name in the two nearest folders the path would have been found in."""
    for candidate in tried[:2]:
        folder = candidate.parent
        if folder.is_dir():
            names = [p.name for p in folder.iterdir() if p.is_file()]
            close = get_close_matches(path.name, names, n=1, cutoff=0.75)
            if close:
                return str(path.with_name(close[0]))
    return None
