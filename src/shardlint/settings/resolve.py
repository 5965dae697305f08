"""Which configuration applies to a file: the nearest one upward, ``--config``, or none.

Parsed files are cached by modification time, so a long-running language server
sees edits to the configuration without restarting.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from shardlint.settings.model import OWN_FILE, PROJECT_FILE, ConfigError, FileSettings, Settings

if TYPE_CHECKING:
    from shardlint.options import LintOptions

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
    """Settings for the file at ``path``: its configuration, then command-line overrides."""
    return settings_in(Path(os.path.abspath(path)).parent, options)


def settings_in(folder: Path, options: LintOptions) -> FileSettings:
    """Settings for files in ``folder``."""
    layers: list[Settings] = []
    if not options.isolated:
        found = (explicit_settings(options.config_file) if options.config_file is not None
                 else nearest_settings(folder))
        if found is not None:
            layers.append(found)
    if options.overrides is not None:
        layers.append(options.overrides)
    return FileSettings(tuple(layers), None if options.isolated else Path(os.path.abspath(folder)))


def options_for(options: LintOptions, settings: FileSettings) -> LintOptions:
    """``options`` with the configuration's target, DeepSpeed runner and rule paths where the run left the defaults.

    Libraries the target does not name take the versions the project pins where the file is
    (not under ``--isolated``).
    """
    from shardlint.options import LintOptions

    defaults = LintOptions()
    changes = {}
    explicit = options.target if options.target != defaults.target else settings.target
    if settings.target is not None and options.target == defaults.target:
        changes["target"] = settings.target
    if settings.folder is not None:
        from shardlint.settings.targets import choose_targets

        choices = choose_targets(explicit, settings, settings.folder)
        pinned = {library: choice.version for library, choice in choices.items() if choice.pin is not None}
        if pinned:
            changes["target"] = {**pinned, **(explicit or {})}
    if settings.deepspeed_runner is not None and options.deepspeed_runner == defaults.deepspeed_runner:
        changes["deepspeed_runner"] = settings.deepspeed_runner
    if settings.rule_paths is not None and not options.rule_paths:
        changes["rule_paths"] = settings.rule_paths
    return options.replace(**changes) if changes else options


def project_rule_paths(folder: Path, config_file: Path | None = None) -> tuple[Path, ...]:
    """The ``rule-paths`` of ``config_file``, else of the configuration that applies in ``folder``."""
    from shardlint.options import LintOptions

    return settings_in(folder, LintOptions(config_file=config_file)).rule_paths or ()
