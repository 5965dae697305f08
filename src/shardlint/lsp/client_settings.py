"""The editor's ``shardlint`` settings (``workspace/configuration``) as lint options.

They sit over the project's own configuration (``[tool.shardlint]`` or
``.shardlint.toml``), as command-line flags do for ``shardlint check``::

    "shardlint": {
        "enable": true,             // false: publish nothing
        "lintOnChange": true,       // false: lint on open and save only
        "select": ["FSDP", "DS"],   // rule codes or prefixes, as --select
        "extendSelect": [],         // as --extend-select
        "ignore": ["HF101"],        // as --ignore
        "configFile": null,         // as --config
        "isolated": false           // as --isolated
    }
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shardlint.options import LintOptions

SECTION = "shardlint"


@dataclass(frozen=True)
class ClientSettings:
    enable: bool = True
    lint_on_change: bool = True
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    config_file: Path | None = None
    isolated: bool = False
    problems: tuple[str, ...] = field(default=(), compare=False)  # settings that were ignored, and why

    def lint_options(self) -> LintOptions:
        from shardlint.settings.model import Settings
        from shardlint.settings.selectors import SelectionLayer

        selection = None
        if self.select is not None or self.extend_select or self.ignore:
            selection = SelectionLayer(self.select, self.extend_select, self.ignore)
        given = Settings(source="editor settings", selection=selection) if selection else None
        return LintOptions(given=given, config_file=None if self.isolated else self.config_file,
                           isolated=self.isolated)


def _codes(name: str, value: Any, problems: list[str]) -> tuple[str, ...] | None:
    from shardlint.settings.selectors import check_selector

    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        problems.append(f"shardlint.{name} must be a list of rule codes or prefixes")
        return None
    out = []
    for item in filter(None, (i.strip() for i in items)):
        try:
            out.append(check_selector(item))
        except ValueError as exc:
            problems.append(f"shardlint.{name}: {exc}")
    return tuple(out)


def _flag(raw: dict[str, Any], name: str, default: bool, problems: list[str]) -> bool:
    value = raw.get(name, default)
    if isinstance(value, bool):
        return value
    problems.append(f"shardlint.{name} must be true or false")
    return default


def parse_settings(raw: Any) -> ClientSettings:
    """Settings from the client's JSON; a bad entry is reported and left at its default."""
    if raw is None:
        return ClientSettings()
    if isinstance(raw, dict) and isinstance(raw.get(SECTION), dict):  # {"shardlint": {...}}
        raw = raw[SECTION]
    if not isinstance(raw, dict):
        return ClientSettings(problems=("the shardlint settings must be an object",))
    problems: list[str] = []
    select = _codes("select", raw["select"], problems) if raw.get("select") is not None else None
    extend = _codes("extendSelect", raw.get("extendSelect") or [], problems) or ()
    ignore = _codes("ignore", raw.get("ignore") or [], problems) or ()
    config_file = raw.get("configFile")
    if config_file is not None and not (isinstance(config_file, str) and Path(config_file).expanduser().is_file()):
        problems.append(f"shardlint.configFile: {config_file!r} is not a file")
        config_file = None
    return ClientSettings(
        enable=_flag(raw, "enable", True, problems),
        lint_on_change=_flag(raw, "lintOnChange", True, problems),
        select=select, extend_select=extend, ignore=ignore,
        config_file=Path(config_file).expanduser() if config_file else None,
        isolated=_flag(raw, "isolated", False, problems),
        problems=tuple(problems),
    )
