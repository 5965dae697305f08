"""The pipeline: paths -> candidates -> documents -> diagnostics, per file."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path
from typing import Iterable

from shardlint.diagnostics import DOCS_BASE, Diagnostic, Severity
from shardlint.discovery import CONFIG_SUFFIXES, Candidate, discover
from shardlint.document import Document
from shardlint.kinds import detect_kind
from shardlint.loading.reader import Unreadable, read_document
from shardlint.options import LintOptions
from shardlint.settings import FileSettings, finish, options_for, settings_for

# load problems that mean "this file is broken", worth reporting even in a walk
_BROKEN = frozenset({"SL001", "SL004", "SL005", "SL006"})


class FileResult:
    __slots__ = ("document", "diagnostics")

    def __init__(self, document: Document, diagnostics: list[Diagnostic]) -> None:
        self.document = document
        self.diagnostics = diagnostics

    @property
    def path(self) -> str:
        return self.document.display_path

    @property
    def uri(self) -> str:
        return self.document.path.resolve().as_uri()


class Report:
    def __init__(self) -> None:
        self.files: list[FileResult] = []
        self.failures: list[FileResult] = []  # paths that could not be read at all

    @property
    def all_files(self) -> list[FileResult]:
        return self.failures + self.files

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.all_files for d in f.diagnostics if d.severity == severity)

    def exit_code(self, fail_level: Severity) -> int:
        if self.failures:
            return 2
        worst = min((d.severity for f in self.files for d in f.diagnostics), default=None)
        return 1 if worst is not None and worst <= fail_level else 0


def _file_diagnostic(doc: Document, code: str, severity: Severity, message: str) -> Diagnostic:
    return Diagnostic(code, severity, message, doc.range(()), docs_url=f"{DOCS_BASE}{code}.md")


def lint_document(doc: Document, options: LintOptions, explicit: bool = True,
                  settings: FileSettings | None = None) -> list[Diagnostic] | None:
    """Diagnostics for ``doc``, or ``None`` when a walk should pass it over silently.

    ``settings`` are the file's, when the caller has already looked them up.
    """
    from shardlint.checks import run_checks

    if settings is None:
        settings = settings_for(doc.path, options)
    options = options_for(options, settings)
    diagnostics = list(doc.load_diagnostics)
    if doc.loaded:
        doc.kind = detect_kind(doc)
        if doc.kind is not None:
            diagnostics.extend(run_checks(doc, options))
        elif not explicit:
            return None
        elif not isinstance(doc.data, dict):
            diagnostics.append(_file_diagnostic(
                doc, "SL007", Severity.ERROR,
                f"the top level is a {type(doc.data).__name__}, but a config file must be a mapping of keys"))
        else:
            diagnostics.append(_file_diagnostic(
                doc, "SL009", Severity.INFORMATION,
                "not an Accelerate or DeepSpeed config (no distributed_type, compute_environment "
                "or DeepSpeed section at the top); not checked"))
    elif not explicit and not (doc.path.suffix.lower() in CONFIG_SUFFIXES
                               and any(d.code in _BROKEN for d in diagnostics)):
        return None
    elif not diagnostics:
        diagnostics.append(_file_diagnostic(doc, "SL003", Severity.WARNING, "the file is empty"))
    return finish(doc, diagnostics, settings, checked=doc.kind is not None)


# below this many files, starting worker processes costs more than it saves
PARALLEL_MIN_FILES = 48


def lint_paths(paths: list[str], options: LintOptions) -> Report:
    report = Report()
    candidates = []
    for candidate in discover(paths):
        if isinstance(candidate, Candidate):
            candidates.append(candidate)
        else:
            report.failures.append(_failure(*candidate))
    for outcome in _lint_all(candidates, options):
        if outcome is not None:
            failed, result = outcome
            (report.failures if failed else report.files).append(result)
    return report


def lint_candidate(candidate: Candidate, options: LintOptions) -> tuple[bool, FileResult] | None:
    """``(failed, result)`` for one file; ``failed`` when it could not be read at all."""
    settings = settings_for(candidate.path, options)
    if settings.is_excluded(candidate.path, candidate.explicit):
        return None
    try:
        doc = read_document(candidate.path, candidate.display)
    except Unreadable as exc:
        if candidate.explicit or candidate.path.suffix.lower() in CONFIG_SUFFIXES:
            return True, _failure(candidate.path, candidate.display, str(exc))
        return None
    diagnostics = lint_document(doc, options, candidate.explicit, settings)
    return None if diagnostics is None else (False, FileResult(doc, diagnostics))


def _lint_all(candidates: list[Candidate], options: LintOptions) -> Iterable[tuple[bool, FileResult] | None]:
    """Each candidate's outcome, in order; many files are shared out to forked workers.

    Workers are forked after the rules and schemas are loaded, so they start with
    everything compiled and cost little more than the fork itself.
    """
    workers = min(os.cpu_count() or 1, 8)
    if workers < 2 or len(candidates) < PARALLEL_MIN_FILES:
        return (lint_candidate(c, options) for c in candidates)
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return (lint_candidate(c, options) for c in candidates)
    from shardlint.engine.registry import load_ruleset
    from shardlint.validation.schemas import validator

    for rule in load_ruleset().rules:
        rule.ready()
    for kind in ("accelerate", "deepspeed"):
        validator(kind)
    chunk = max(1, len(candidates) // (workers * 4))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        return pool.map(partial(lint_candidate, options=options), candidates, chunksize=chunk)


def _failure(path: Path, display: str, message: str) -> FileResult:
    doc = Document(path, display, "", "yaml")
    return FileResult(doc, [_file_diagnostic(doc, "SL008", Severity.ERROR, message)])


def lint_text(path: Path, text: str, options: LintOptions) -> FileResult:
    """Lint an in-memory buffer (an editor's) as if it were ``path``."""
    doc = read_document(path, str(path), text=text)
    return FileResult(doc, lint_document(doc, options) or [])
