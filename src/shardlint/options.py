"""Settings of one lint run, shared by the CLI, the language server and the checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from shardlint.diagnostics import Severity

if TYPE_CHECKING:
    from shardlint.settings import Settings


@dataclass
class LintOptions:
    fail_level: Severity = Severity.WARNING
    target: dict[str, str] = field(default_factory=dict)  # library -> version; empty = latest releases
    deepspeed_runner: str = "trainer"  # who runs a DeepSpeed JSON: trainer | accelerate | deepspeed
    config_file: Path | None = None  # --config: this configuration for every file
    isolated: bool = False  # --isolated: no configuration file at all
    overrides: Settings | None = None  # command-line settings, applied over each file's configuration
    # unsaved editor buffers by resolved path: a linked file's text is read from here before the disk
    buffers: dict[Path, str] = field(default_factory=dict)
