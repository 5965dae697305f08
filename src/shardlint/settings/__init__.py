"""Project configuration (``[tool.shardlint]`` / ``.shardlint.toml``) and how it applies to a file."""

from shardlint.settings.finish import finish
from shardlint.settings.model import ConfigError, FileSettings, Settings
from shardlint.settings.resolve import options_for, settings_for

__all__ = ["ConfigError", "FileSettings", "Settings", "finish", "options_for", "settings_for"]
