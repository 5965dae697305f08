"""Settings of one lint run, shared by the CLI, the language server and the checks."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from shardlint.diagnostics import Severity

if TYPE_CHECKING:
    from shardlint.settings.model import Settings


class LintOptions:
    """Plain attributes, not a dataclass: generating dataclass methods costs start-up time."""

    def __init__(self, fail_level: Severity = Severity.WARNING, target: dict[str, str] | None = None,
                 deepspeed_runner: str = "trainer", config_file: Path | None = None, isolated: bool = False,
                 overrides: Settings | None = None, buffers: dict[Path, str] | None = None,
                 rule_paths: tuple[Path, ...] = ()) -> None:
        self.fail_level = fail_level
        self.target = target if target is not None else {}  # library -> version; empty = latest releases
        self.deepspeed_runner = deepspeed_runner  # who runs a DeepSpeed JSON: trainer | accelerate | deepspeed
        self.config_file = config_file  # --config: this configuration for every file
        self.isolated = isolated  # --isolated: no configuration file at all
        self.overrides = overrides  # command-line settings, applied over each file's configuration
        # unsaved editor buffers by resolved path: a linked file's text is read from here before the disk
        self.buffers = buffers if buffers is not None else {}
        self.rule_paths = rule_paths  # the project's own rule folders (rule-paths), from its configuration

    def replace(self, **changes: Any) -> LintOptions:
        """A copy with ``changes`` applied."""
        return LintOptions(**{**vars(self), **changes})

    def __repr__(self) -> str:
        return f"LintOptions({', '.join(f'{k}={v!r}' for k, v in vars(self).items())})"
