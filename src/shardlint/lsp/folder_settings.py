"""The settings of the open buffers' folders, resolved once and kept for a short while.

Resolving a file's settings looks for a configuration in every folder up to the root and reads
the project's pins (requirement, setup and lock files): about 25 file-system calls, a sixth of a
re-lint. The server keeps each folder's result until the client reports a change of a file that
resolution reads (:func:`may_change_settings`), and for at most :data:`SETTINGS_TTL` seconds, so
that an edit of the configuration made where the editor reports nothing is seen soon after.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable, Mapping

from shardlint.options import FileOptions, LintOptions
from shardlint.settings.model import OWN_FILE, PROJECT_FILE, FileSettings
from shardlint.settings.pinfiles import FILE_NAMES
from shardlint.settings.pins import PROJECT_MARKERS
from shardlint.settings.resolve import file_options, settings_for

SETTINGS_TTL = 2.0  # seconds a folder's settings are reused without any reported change
_SETTINGS_NAMES = frozenset((OWN_FILE, PROJECT_FILE, *FILE_NAMES, *PROJECT_MARKERS))


def may_change_settings(path: Path) -> bool:
    """Whether a change of ``path`` may change what a folder's settings resolve to: a configuration,
    a file the pins are read from or a project root's marker. Any ``.txt`` counts: a requirement
    file's ``-r`` line may include a file of any name."""
    return path.name in _SETTINGS_NAMES or path.suffix == ".txt"


def watched_globs() -> list[str]:
    """The file-watcher patterns for those files, for clients that watch on the server's behalf."""
    return sorted({f"**/{name}" for name in (OWN_FILE, PROJECT_FILE, *FILE_NAMES)} | {"**/*.txt"})


class FolderSettings:
    """One folder's settings under one invocation, and what its files are checked with (worked
    out on first need: a YAML file that is no config never needs it)."""

    def __init__(self, settings: FileSettings, options: LintOptions, made: float) -> None:
        self.settings = settings
        self.options = options
        self.made = made
        self._resolved: FileOptions | None = None

    def serves(self, options: LintOptions) -> bool:
        return (options.given == self.options.given and options.config_file == self.options.config_file
                and options.isolated == self.options.isolated)

    def resolved(self, buffers: Mapping[Path, str] | None = None) -> FileOptions:
        """What the folder's files are checked with, reading ``buffers`` (the open editor buffers)."""
        if self._resolved is None:
            self._resolved = file_options(self.options, self.settings)
        return self._resolved if buffers is None else self._resolved._replace(buffers=buffers)


class SettingsCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._folders: dict[str, FolderSettings] = {}

    def get(self, path: Path, options: LintOptions) -> FolderSettings:
        """The settings of the folder holding ``path``: kept ones while fresh, else resolved anew
        (a bad configuration raises :class:`~shardlint.settings.model.ConfigError` and is not kept)."""
        folder = os.path.dirname(os.path.abspath(path))
        now = self._clock()
        kept = self._folders.get(folder)
        if kept is not None and now - kept.made < SETTINGS_TTL and kept.serves(options):
            return kept
        fresh = self._folders[folder] = FolderSettings(settings_for(path, options), options, now)
        return fresh

    def forget(self) -> None:
        self._folders.clear()
