"""Which files may hold launch commands, decided cheaply before anything is parsed."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import Literal

Surface = Literal["shell", "markdown", "makefile", "workflow"]

SHELL_SUFFIXES = frozenset({".sh", ".bash", ".zsh", ".slurm", ".sbatch", ".pbs", ".job"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdx"})
MAKEFILE_NAMES = frozenset({"makefile", "gnumakefile"})
MAKEFILE_SUFFIXES = frozenset({".mk", ".mak"})
WORKFLOW_SUFFIXES = frozenset({".yml", ".yaml"})

# a file without one of these bytes holds no launch command; searched before decoding
LAUNCHER_TOKENS = (b"accelerate", b"torchrun", b"deepspeed", b"torch.distributed", b"trl ")
# for files without a suffix; compiled by re on first use
_SHELL_SHEBANG = rb"\A#![^\n]*\b(?:ba|z|k|da)?sh\b"
_SBATCH = rb"(?m)^#SBATCH"


def is_workflow(path: PurePath) -> bool:
    parts = path.parts
    return (path.suffix.lower() in WORKFLOW_SUFFIXES and len(parts) >= 3
            and parts[-3] == ".github" and parts[-2] == "workflows")


def surface_of(path: PurePath, head: bytes = b"") -> Surface | None:
    """The kind of launch surface ``path`` is, from its name (and for scripts without a
    suffix, the first bytes: a shell shebang or ``#SBATCH`` lines)."""
    name = path.name.lower()
    suffix = path.suffix.lower()
    if suffix in SHELL_SUFFIXES:
        return "shell"
    if suffix in MARKDOWN_SUFFIXES:
        return "markdown"
    if name in MAKEFILE_NAMES or suffix in MAKEFILE_SUFFIXES:
        return "makefile"
    if is_workflow(path):
        return "workflow"
    if not suffix and head and (re.match(_SHELL_SHEBANG, head) or re.search(_SBATCH, head)):
        return "shell"
    return None


def has_launcher_token(raw: bytes) -> bool:
    return any(token in raw for token in LAUNCHER_TOKENS)
