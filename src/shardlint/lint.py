"""The pipeline: paths -> candidates -> documents -> diagnostics, per file."""

from __future__ import annotations

import os
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, NamedTuple

from shardlint.builtins.input import BROKEN, empty_file, no_launch_command, not_a_config, not_a_mapping, unreadable
from shardlint.diagnostics import Diagnostic, Severity
from shardlint.discovery import CONFIG_SUFFIXES, WALK_SUFFIXES, Candidate, discover
from shardlint.document import Document
from shardlint.kinds import detect_kind
from shardlint.loading.files import read_regular
from shardlint.loading.reader import Unreadable, read_document, read_walked
from shardlint.options import FileOptions, LintOptions
from shardlint.settings.finish import finish
from shardlint.settings.model import FileSettings
from shardlint.settings.resolve import file_options, settings_for

if TYPE_CHECKING:
    from shardlint.launch.lint import LintConfig


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


class Skipped(NamedTuple):
    """A file a run passed over, and why (for ``--verbose``)."""

    path: str
    reason: str


NOT_A_CONFIG = "not an Accelerate or DeepSpeed config"  # why a walk passes a loaded file over

# called with (files done, files in all) as a run goes
Progress = Callable[[int, int], None]


class Report:
    def __init__(self) -> None:
        self.files: list[FileResult] = []
        self.failures: list[FileResult] = []  # paths that could not be read at all
        self.skipped: list[Skipped] = []
        # whether a file of the run may hold launch commands (which decide other files' findings)
        self.launches_possible = True

    def add(self, result: FileResult, failed: bool = False) -> None:
        """One file's result (``failed``: the path could not be read at all), as the run reaches it."""
        (self.failures if failed else self.files).append(result)

    @property
    def all_files(self) -> list[FileResult]:
        return self.failures + self.files

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.all_files for d in f.diagnostics if d.severity == severity)

    def finish(self, options: LintOptions) -> None:
        """Once every file is in: decide the findings of files the run's launches name (their
        runners, and the config findings the launches settle)."""
        if any(r.document.launched_configs or r.document.launched_runners for r in self.files):
            from shardlint.launch.settle import settle

            settle(self.files, options)

    def worst(self) -> Severity | None:
        """The most severe finding in a file that could be read."""
        return min((d.severity for f in self.files for d in f.diagnostics), default=None)

    def exit_code(self, fail_level: Severity) -> int:
        if self.failures:
            return 2
        worst = self.worst()
        return 1 if worst is not None and worst <= fail_level else 0


def lint_document(doc: Document, options: LintOptions, explicit: bool = True,
                  settings: FileSettings | None = None,
                  resolved: Callable[[], FileOptions] | None = None) -> list[Diagnostic] | None:
    """Diagnostics for ``doc``, or ``None`` when a walk should pass it over silently.

    ``settings`` are the file's, when the caller has already looked them up; ``resolved`` gives what the
    file is checked with (:func:`shardlint.settings.resolve.file_options`), when the caller keeps it.
    """
    if settings is None:
        settings = settings_for(doc.path, options)
    resolve = resolved or partial(file_options, options, settings)
    surface = _launch_surface(doc)
    if surface is not None:
        return _lint_launch(doc, surface, explicit, settings, resolve(),
                            lambda config: lint_document(config, options, explicit=False))
    found = _check_config(doc, resolve, explicit)
    if found is None:
        return None
    return finish(doc, found, settings, checked=doc.kind is not None)


def _check_config(doc: Document, resolve: Callable[[], FileOptions], explicit: bool) -> list[Diagnostic] | None:
    """The findings of loading and checking a file that holds no launch commands, before suppressions
    and settings; ``None`` when a walk should pass it over. ``resolve`` is called only for a config."""
    from shardlint.pipeline import run_checks

    if doc.loaded:
        doc.kind = detect_kind(doc, named=explicit)
        if doc.kind is not None:
            return [*doc.load_diagnostics, *run_checks(doc, resolve())]
        if not explicit:
            return None
        return [*doc.load_diagnostics, not_a_config(doc) if isinstance(doc.data, dict) else not_a_mapping(doc)]
    if not explicit and not (doc.path.suffix.lower() in CONFIG_SUFFIXES
                             and any(d.code in BROKEN for d in doc.load_diagnostics)):
        return None
    return list(doc.load_diagnostics) or [empty_file(doc)]


def _launch_surface(doc: Document) -> str | None:
    """shell, markdown, makefile or workflow for a file that may hold launch commands."""
    if doc.kind == "launch":
        return doc.syntax
    from shardlint.launch.sniff import is_workflow

    if doc.syntax == "yaml" and is_workflow(doc.path) and isinstance(doc.data, dict) and "jobs" in doc.data:
        return "workflow"
    return None


def _lint_launch(doc: Document, surface: str, explicit: bool, settings: FileSettings, file: FileOptions,
                 lint_config: LintConfig) -> list[Diagnostic] | None:
    """A file that may hold launch commands; ``lint_config`` checks a config a script writes."""
    from shardlint.launch.sniff import LAUNCHER_TOKENS

    text = doc.text
    if any(token.decode() in text for token in LAUNCHER_TOKENS):
        from shardlint.launch.lint import lint_launch_document, read_launches

        launches, written = read_launches(doc, surface, file)  # type: ignore[arg-type]
        if launches:
            doc.kind = "launch"
            found = lint_launch_document(doc, launches, written, file, lint_config)
            return finish(doc, [*doc.load_diagnostics, *found], settings, checked=True)
    if not explicit:
        return None
    return finish(doc, [*doc.load_diagnostics, no_launch_command(doc)], settings, checked=False)


# below this many files, starting worker processes costs more than it saves
PARALLEL_MIN_FILES = 48
# with fewer usable cores, workers cost more than they save: on 2 cores the 312 configs of the
# corpus took 1.4x the CPU and 1.5x the wall time of one process (medians of paired runs)
PARALLEL_MIN_CORES = 3


def _usable_cores() -> int:
    """The cores this process may run on (its affinity, where the system tells it)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def lint_paths(paths: list[str], options: LintOptions, progress: Progress | None = None,
               report: Report | None = None) -> Report:
    """Lint every file under ``paths`` into ``report`` (a new one by default), file by file as the run goes."""
    report = report if report is not None else Report()
    candidates = []
    for candidate in discover(paths, on_skip=lambda path, reason: report.skipped.append(Skipped(path, reason))):
        if isinstance(candidate, Candidate):
            candidates.append(candidate)
        else:
            report.add(_failure(*candidate), failed=True)
    report.launches_possible = any(_may_hold_launches(c.path) for c in candidates)
    for done, outcome in enumerate(_lint_all(candidates, options), 1):
        if isinstance(outcome, Skipped):
            report.skipped.append(outcome)
        else:
            failed, result = outcome
            report.add(result, failed)
        if progress is not None:
            progress(done, len(candidates))
    report.finish(options)
    return report


Outcome = tuple[bool, FileResult] | Skipped


def lint_candidate(candidate: Candidate, options: LintOptions, settings: FileSettings | None = None,
                   resolved: Callable[[], FileOptions] | None = None) -> Outcome:
    """``(failed, result)`` for one file (``failed`` when it could not be read at all), or why it was skipped.

    ``settings`` and ``resolved`` as for :func:`lint_document`, when the caller has them.
    """
    if settings is None:
        settings = settings_for(candidate.path, options)
    excluded = settings.excluded_by(candidate.path, candidate.explicit)
    if excluded:
        return Skipped(candidate.display, excluded)
    if not candidate.explicit and not _may_launch(candidate.path):
        return Skipped(candidate.display, "no launcher token (accelerate, torchrun, deepspeed)")
    try:
        doc = (read_document if candidate.explicit else read_walked)(candidate.path, candidate.display)
    except Unreadable as exc:
        if candidate.explicit or candidate.path.suffix.lower() in CONFIG_SUFFIXES:
            return True, _failure(candidate.path, candidate.display, str(exc))
        return Skipped(candidate.display, str(exc))
    if doc is None:  # its keys make it no config
        return Skipped(candidate.display, NOT_A_CONFIG)
    diagnostics = lint_document(doc, options, candidate.explicit, settings, resolved)
    if diagnostics is None:
        return Skipped(candidate.display, NOT_A_CONFIG if doc.loaded
                       else "does not parse, and its suffix is not .yaml, .yml or .json")
    return False, FileResult(doc, diagnostics)


def _may_hold_launches(path: Path) -> bool:
    """A launch surface by name; a file without a suffix may be a script."""
    from shardlint.launch.sniff import surface_of

    return not path.suffix or surface_of(path) is not None


def _may_launch(path: Path) -> bool:
    """False for a script or document without a launcher token: a walk skips it unparsed."""
    from shardlint.launch.sniff import has_launcher_token, surface_of

    if path.suffix.lower() in WALK_SUFFIXES or surface_of(path) is None:
        return True
    try:
        return has_launcher_token(read_regular(path))
    except OSError:
        return True  # read_document reports it


def _lint_all(candidates: list[Candidate], options: LintOptions) -> Iterable[Outcome]:
    """Each candidate's outcome, in order, as it comes; many files are shared out to forked workers.

    Workers are forked after the rules and schemas are loaded, so they start with
    everything compiled and cost little more than the fork itself.
    """
    workers = min(_usable_cores(), 8)
    if workers < PARALLEL_MIN_CORES or len(candidates) < PARALLEL_MIN_FILES:
        yield from _lint_serially(candidates, options)
        return
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        yield from _lint_serially(candidates, options)
        return
    from shardlint.engine.registry import load_ruleset
    from shardlint.validation.schemas import validator

    for rule in load_ruleset().rules:
        rule.ready()
    for kind in ("accelerate", "deepspeed"):
        validator(kind)
    chunk = max(1, len(candidates) // (workers * 4))
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(partial(lint_candidate, options=options), candidates, chunksize=chunk)


def _lint_serially(candidates: list[Candidate], options: LintOptions) -> Iterable[Outcome]:
    """Each candidate's outcome in this process, the settings of each folder (and the options they
    give, on first need) worked out once: a walk meets many files in a folder, and finding a folder's
    configuration and the versions its project pins stats every folder above it."""
    by_folder: dict[str, tuple[FileSettings, Callable[[], LintOptions]]] = {}
    for candidate in candidates:
        folder = os.path.dirname(os.path.abspath(candidate.path))
        known = by_folder.get(folder)
        if known is None:
            settings = settings_for(candidate.path, options)
            known = by_folder[folder] = (settings, cache(partial(file_options, options, settings)))
        yield lint_candidate(candidate, options, *known)


def _failure(path: Path, display: str, message: str) -> FileResult:
    doc = Document(path, display, "", "yaml")
    return FileResult(doc, [unreadable(doc, message)])


def lint_stdin(raw: bytes, path: Path, display: str, options: LintOptions) -> FileResult | Skipped:
    """Lint standard input's bytes as the file at ``path`` (``--stdin-filename``): its name decides
    the syntax, the configuration and where linked files are looked up."""
    from shardlint.loading.limits import MAX_FILE_BYTES
    from shardlint.loading.reader import document_from_bytes

    settings = settings_for(path, options)
    excluded = settings.excluded_by(path, explicit=True)
    if excluded:
        return Skipped(display, excluded)
    doc = document_from_bytes(path, display, raw,
                              f"input is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit; not checked")
    return FileResult(doc, lint_document(doc, options, explicit=True, settings=settings) or [])


def lint_text(path: Path, text: str, options: LintOptions) -> FileResult:
    """Lint an in-memory buffer (an editor's) as if it were ``path``."""
    doc = read_document(path, str(path), text=text)
    return FileResult(doc, lint_document(doc, options) or [])
