"""``--verbose``: what a run read and skipped and why, and which configuration and targets applied."""

from __future__ import annotations

from shardlint.lint import Report
from shardlint.options import FileOptions, LintOptions
from shardlint.settings.resolve import file_options, settings_for
from shardlint.settings.loader import TARGET_LIBRARIES
from shardlint.settings.model import COMMAND_LINE


def _targets(file: FileOptions) -> str:
    return ", ".join(f"{lib} {file.target.get(lib, 'latest')}" for lib in TARGET_LIBRARIES)


def describe_run(report: Report, options: LintOptions) -> str:
    """One ``shardlint: ...`` line per file checked, unreadable or passed over."""
    lines = []
    for result in report.files:
        settings = settings_for(result.document.path, options)
        applied = file_options(options, settings)
        kind = result.document.kind or "no known kind"
        assumed = " (assumed)" if applied.runner_assumed else ""
        runner = f"; DeepSpeed runner {applied.deepspeed_runner}{assumed}" if kind == "deepspeed" else ""
        if result.document.runners:
            runner = f"; DeepSpeed runner {' and '.join(result.document.runners)} (from the launches naming it)"
        files = [source for source in settings.sources() if source != COMMAND_LINE] or ["no configuration file"]
        flags = " and command-line flags" if COMMAND_LINE in settings.sources() else ""
        lines.append(f"checked {result.path} ({kind}; configuration: {files[0]}{flags}; "
                     f"targets: {_targets(applied)}{runner})")
    lines.extend(f"could not read {f.path}: {f.diagnostics[0].message}" for f in report.failures)
    lines.extend(f"skipped {s.path}: {s.reason}" for s in report.skipped)
    return "".join(f"shardlint: {line}\n" for line in lines)
