"""What a configuration says, and how it combines with the command line for one file."""

from __future__ import annotations

import os
from pathlib import Path, PurePath
from typing import NamedTuple

from shardlint.diagnostics import Severity
from shardlint.settings.globs import matches
from shardlint.settings.selectors import SelectionLayer, is_enabled, most_specific

PROJECT_FILE = "pyproject.toml"
OWN_FILE = ".shardlint.toml"
COMMAND_LINE = "command line"  # the source of the flags' settings layer
IN_CODE = "the caller's options"  # the source of the settings a program using shardlint gives


class ConfigError(ValueError):
    """A bad configuration file or flag; the message names the file (or flag) and the setting."""


class Settings(NamedTuple):
    """One configuration source: a file's ``[tool.shardlint]`` table or the command line."""

    source: str = "defaults"
    root: Path | None = None  # folder that path globs are relative to
    selection: SelectionLayer | None = None
    severity: tuple[tuple[str, Severity], ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    include: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    target: dict[str, str] | None = None
    deepspeed_runner: str | None = None
    fail_level: Severity | None = None
    gpu_memory: int | None = None  # bytes of one GPU, for ``shardlint estimate``
    rule_paths: tuple[Path, ...] | None = None  # folders (or files) of the project's own rules, absolute
    rule_families: tuple[str, ...] = ()  # the code prefixes those rules use
    show: Severity | None = None  # lowest severity the text and github reports list
    exclude_named: bool = True  # exclude also files named on the command line (--force-exclude)


def _relative(path: Path, root: Path | None) -> PurePath | None:
    if root is None:
        return None
    try:
        return Path(os.path.abspath(path)).relative_to(root)  # symlinks kept, as discovery walks them
    except ValueError:
        return None  # outside the configuration's folder: its globs do not reach it


class FileSettings(NamedTuple):
    """The settings layers that apply to one file: its configuration, then the invocation's over it."""

    layers: tuple[Settings, ...] = ()
    folder: Path | None = None  # where the file is: the project's pins are read from there (None: not read)

    def _last(self, name: str) -> object:
        for layer in reversed(self.layers):
            value = getattr(layer, name)
            if value is not None:
                return value
        return None

    @property
    def target(self) -> dict[str, str] | None:
        return self._last("target")  # type: ignore[return-value]

    @property
    def deepspeed_runner(self) -> str | None:
        return self._last("deepspeed_runner")  # type: ignore[return-value]

    @property
    def fail_level(self) -> Severity | None:
        return self._last("fail_level")  # type: ignore[return-value]

    @property
    def rule_paths(self) -> tuple[Path, ...] | None:
        return self._last("rule_paths")  # type: ignore[return-value]

    @property
    def rule_families(self) -> tuple[str, ...]:
        """The code prefixes of the project's own rules."""
        return tuple(family for layer in self.layers for family in layer.rule_families)

    @property
    def show(self) -> Severity | None:
        return self._last("show")  # type: ignore[return-value]

    def sources(self) -> list[str]:
        """Where these settings come from, for ``--verbose``."""
        return [layer.source for layer in self.layers]

    def excluded_by(self, path: Path, explicit: bool) -> str | None:
        """The glob that excludes ``path``, or ``None``.

        A configuration's ``exclude`` applies to every file, ``--exclude`` to named files only
        with ``--force-exclude``; ``include`` narrows what a directory walk picks up.
        """
        for layer in self.layers:
            rel = _relative(path, layer.root) if layer.exclude or layer.include is not None else None
            if rel is None:
                continue
            if explicit and not layer.exclude_named:
                continue
            hit = next((p for p in layer.exclude if matches(p, rel)), None)
            if hit is not None:
                return f"exclude {hit!r} ({layer.source})"
            if not explicit and layer.include is not None and not any(matches(p, rel) for p in layer.include):
                return f"not in include ({layer.source})"
        return None

    def is_selected(self, code: str, path: Path) -> bool:
        layers = [layer.selection for layer in self.layers if layer.selection is not None]
        if not is_enabled(layers, code):
            return False
        for layer in self.layers:
            rel = _relative(path, layer.root) if layer.per_file_ignores else None
            if rel is None:
                continue
            for pattern, selectors in layer.per_file_ignores:
                if most_specific(selectors, code) >= 0 and matches(pattern, rel):
                    return False
        return True

    def severity_for(self, code: str) -> Severity | None:
        """The overridden severity of ``code`` (most specific selector, later layers first)."""
        for layer in reversed(self.layers):
            best, chosen = -1, None
            for selector, severity in layer.severity:
                score = most_specific((selector,), code)
                if score > best:
                    best, chosen = score, severity
            if chosen is not None:
                return chosen
        return None
