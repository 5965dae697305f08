"""Settings of one lint run, shared by the CLI, the language server and the checks."""

from __future__ import annotations

from dataclasses import dataclass

from shardlint.diagnostics import Severity


@dataclass
class LintOptions:
    fail_level: Severity = Severity.WARNING
