"""Which configuration applies to a file (the nearest one upward, ``--config``, or none), and
what the file is checked with once the invocation's settings are laid over it.

Parsed files are cached by modification time, so a long-running language server
sees edits to the configuration without restarting.
"""

from __future__ import annotations

import os
from pathlib import Path
from shardlint.options import DEFAULT_DEEPSPEED_RUNNER, FileOptions, LintOptions
from shardlint.settings.model import OWN_FILE, PROJECT_FILE, ConfigError, FileSettings, Settings

_cache: dict[Path, tuple[tuple[int, int], Settings | None]] = {}


def _load_cached(path: Path) -> Settings | None:
    try:
        st = path.stat()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    stamp = (st.st_mtime_ns, st.st_size)
    hit = _cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    from shardlint.settings.loader import load_file

    settings = load_file(path)
    _cache[path] = (stamp, settings)
    return settings


def nearest_settings(folder: Path) -> Settings | None:
    """The closest ``.shardlint.toml`` or ``pyproject.toml`` with ``[tool.shardlint]`` at or above ``folder``.

    In one folder ``.shardlint.toml`` wins over ``pyproject.toml``.
    """
    folder = Path(os.path.abspath(folder))
    for candidate_dir in (folder, *folder.parents):
        for name in (OWN_FILE, PROJECT_FILE):
            candidate = candidate_dir / name
            if candidate.is_file():
                settings = _load_cached(candidate)
                if settings is not None:
                    return settings
    return None


def explicit_settings(path: Path) -> Settings:
    """The file named by ``--config``."""
    settings = _load_cached(Path(os.path.abspath(path)))
    if settings is None:
        raise ConfigError(f"{path}: no [tool.shardlint] table")
    return settings


def settings_for(path: Path, options: LintOptions) -> FileSettings:
    """The settings layers for the file at ``path``: its configuration, then the invocation's."""
    return settings_in(Path(os.path.abspath(path)).parent, options)


def settings_in(folder: Path, options: LintOptions) -> FileSettings:
    """The settings layers for files in ``folder``."""
    layers: list[Settings] = []
    if not options.isolated:
        found = (explicit_settings(options.config_file) if options.config_file is not None
                 else nearest_settings(folder))
        if found is not None:
            layers.append(found)
    if options.given is not None:
        layers.append(options.given)
    return FileSettings(tuple(layers), None if options.isolated else Path(os.path.abspath(folder)))


def file_options(options: LintOptions, settings: FileSettings) -> FileOptions:
    """What a file is checked with: each setting from the invocation, else the file's configuration
    (both in ``settings``), else the defaults.

    The libraries the chosen ``target`` does not name take the versions the project pins where the
    file is (not under ``--isolated``).
    """
    target = settings.target or {}
    if settings.folder is not None:
        from shardlint.settings.targets import choose_targets

        pinned = {library: choice.version for library, choice in choose_targets(settings).items()
                  if choice.pin is not None}
        target = {**pinned, **target}
    return FileOptions(target, settings.deepspeed_runner or DEFAULT_DEEPSPEED_RUNNER,
                       settings.rule_paths or (), options.buffers, runner_assumed=settings.deepspeed_runner is None)


def project_rule_paths(folder: Path, config_file: Path | None = None) -> tuple[Path, ...]:
    """The ``rule-paths`` of ``config_file``, else of the configuration that applies in ``folder``."""
    return settings_in(folder, LintOptions(config_file=config_file)).rule_paths or ()
