"""``check --fix`` / ``--diff``: fix every file of a report, write or show the result."""

from __future__ import annotations

import difflib
import os
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from shardlint.diagnostics import Severity
from shardlint.fixes.converge import FixOutcome, allowed_fix, fix_document, is_broken
from shardlint.lint import FileResult, Report
from shardlint.options import LintOptions


@dataclass
class FixSummary:
    applied: list[tuple[str, str, str]] = field(default_factory=list)  # (path, code, fix title) per fix
    files_changed: int = 0
    remaining: int = 0  # diagnostics left at or above the fail level
    hidden_unsafe: int = 0  # remaining diagnostics whose fix needs --unsafe-fixes
    notes: list[str] = field(default_factory=list)  # rejected fixes, unwritable files
    diffs: list[str] = field(default_factory=list)
    write_failed: bool = False

    @property
    def fixed(self) -> Counter[str]:
        """Applied fixes by code."""
        return Counter(code for _, code, _ in self.applied)


def fix_report(report: Report, options: LintOptions, *, fail_level: Severity, unsafe: bool,
               write: bool) -> FixSummary:
    """Fix each file of ``report`` in place (``write``) or as a diff; update its diagnostics and count
    what remains at ``fail_level`` or above."""
    from shardlint.fixes.atomic import write_atomic

    summary = FixSummary()
    if write:
        summary.notes.extend(_collect_stale_temporaries(report))
    handled: set[str] = set()
    for i, result in enumerate(report.files):
        if not any(allowed_fix(d, unsafe) for d in result.diagnostics):
            continue
        real = os.path.realpath(result.document.path)
        if real in handled:  # named twice, or through a symlink: fixed once already
            if write:
                report.files[i] = _relinted(result, options)
            continue
        handled.add(real)
        if is_broken(result.document, result.diagnostics):
            summary.notes.append(f"{result.path}: not fixed: the file does not parse")
            continue
        outcome = fix_document(result.document, result.diagnostics, options, unsafe=unsafe)
        summary.notes.extend(f"{result.path}: {r.code} fix not applied ({r.title}): {r.reason}"
                             for r in outcome.rejected)
        if not outcome.changed:
            continue
        if write:
            try:
                write_atomic(result.document.path, outcome.text, expected=outcome.original)
            except OSError as exc:
                summary.notes.append(f"{result.path}: not written: {exc.strerror or exc}")
                summary.write_failed = True
                continue
        else:
            summary.diffs.append(unified_diff(result.path, outcome))
        summary.applied.extend((result.path, code, title) for code, title in outcome.fixed)
        summary.files_changed += 1
        report.files[i] = FileResult(outcome.document, outcome.diagnostics)
    for result in report.all_files:
        for d in result.diagnostics:
            summary.remaining += d.severity <= fail_level
            summary.hidden_unsafe += not unsafe and allowed_fix(d, False) is None \
                and allowed_fix(d, True) is not None
    return summary


def _collect_stale_temporaries(report: Report) -> list[str]:
    """Remove what an earlier, killed ``--fix`` left beside the files of ``report``; a note each."""
    from shardlint.fixes.atomic import remove_stale_temporaries

    folders = sorted({os.path.dirname(os.path.realpath(r.document.path)) for r in report.files})
    return [f"removed {os.path.join(folder, name)}, a temporary file an interrupted --fix left behind"
            for folder in folders for name in remove_stale_temporaries(Path(folder))]


def _relinted(result: FileResult, options: LintOptions) -> FileResult:
    """``result``'s file as it is on disk now."""
    from shardlint.lint import lint_document
    from shardlint.loading.reader import Unreadable, read_document

    try:
        document = read_document(result.document.path, result.path)
    except Unreadable:
        return result
    return FileResult(document, lint_document(document, options) or [])


def unified_diff(display: str, outcome: FixOutcome) -> str:
    before = outcome.original.splitlines(keepends=True)
    after = outcome.text.splitlines(keepends=True)
    lines = []
    for line in difflib.unified_diff(before, after, fromfile=display, tofile=display):
        lines.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary_line(summary: FixSummary, fail_level: Severity, *, diff: bool) -> str:
    """What was (or would be) fixed and what remains, in one line."""
    files = _plural(summary.files_changed, "file")
    count = _plural(sum(summary.fixed.values()), "problem")
    codes = ", ".join(code + (f" ({n})" if n > 1 else "") for code, n in sorted(summary.fixed.items()))
    if diff:
        text = f"Would fix {count} in {files}: {codes}." if summary.fixed else "No fixes to apply."
    else:
        text = f"Fixed {count} in {files}: {codes}" if summary.fixed else "Nothing fixed"
        text += f"; {summary.remaining} remaining at {fail_level.label} level or above."
    if summary.hidden_unsafe:
        n = summary.hidden_unsafe
        text += f" {n} more {'fix' if n == 1 else 'fixes'} available with --unsafe-fixes."
    return text


def run_fix_mode(report: Report, options: LintOptions, *, fail_level: Severity, unsafe: bool, diff: bool,
                 render: Callable[[Report], str], summary_to_stdout: bool,
                 emit: Callable[[str], None] | None = None, show_fixes: bool = False,
                 quiet: bool = False) -> int:
    """Fix (or diff) ``report``'s files, print the outcome, return the exit code (as ruff does).

    After ``--fix`` the exit code reflects what remains; ``--diff`` exits 1 when it
    would change something.  ``emit`` writes the rendered report of what remains;
    ``show_fixes`` lists every fix before the summary line, which ``quiet`` leaves out.
    """
    from shardlint.reporters.fix_list import fix_list

    summary = fix_report(report, options, fail_level=fail_level, unsafe=unsafe, write=not diff)
    line = summary_line(summary, fail_level, diff=diff)
    if show_fixes:
        line = fix_list("Would fix" if diff else "Fixed", summary.applied) + line
    for note in summary.notes:
        sys.stderr.write(note + "\n")
    if diff:
        sys.stdout.write("".join(summary.diffs))
        sys.stdout.flush()  # the summary on stderr comes after the diff on a terminal
        if not quiet:
            sys.stderr.write(line + "\n")
        return 2 if report.failures or summary.write_failed else int(bool(summary.diffs))
    try:
        (emit or sys.stdout.write)(render(report))
    except OSError as exc:
        sys.stderr.write(f"shardlint: error: cannot write the report: {exc}\n")
        return 2
    if not quiet:
        (sys.stdout if summary_to_stdout else sys.stderr).write(line + "\n")
    return 2 if summary.write_failed else report.exit_code(fail_level)
