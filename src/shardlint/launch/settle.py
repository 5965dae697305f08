"""Config findings a repository's launches settle.

ACC120 (no num_processes) is a warning on a config file alone because the command line may pass
``--num_processes``.  In a run that also reads the launches naming the file, the file's finding is
dropped when every one of them passes the option; a config no launch of the run names keeps it.

A DeepSpeed JSON (or an Accelerate config running DeepSpeed) is checked for the runner
``--deepspeed-runner`` names (default the Trainer). When launches of the run name the file, their
runners decide instead (:mod:`shardlint.launch.runner`): the file is checked again for each, and
keeps only the findings every one of them gives, so a JSON the Trainer runs in one launch and
Accelerate in another is reported only for what fails under both.
A launch whose script does not show its runner counts as the default runner.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

from shardlint.options import DEEPSPEED_RUNNERS

if TYPE_CHECKING:
    from shardlint.diagnostics import Diagnostic
    from shardlint.document import Document
    from shardlint.options import FileOptions, LintOptions
    from shardlint.settings.model import FileSettings


class FileResult(Protocol):
    """A checked file of the run (``shardlint.lint.FileResult``)."""

    document: Document
    diagnostics: list[Diagnostic]


# config finding -> the accelerate launch option that settles it
SETTLED_BY = {"ACC120": "--num_processes"}


def settle(results: list[FileResult], options: LintOptions) -> None:
    settle_with(results, *launch_uses(results), options)


Uses = dict[Path, list[frozenset[str]]]
Runners = dict[Path, list[tuple[str | None, str]]]


def launch_uses(results: Iterable[FileResult]) -> tuple[Uses, Runners]:
    """For each config a launch of ``results`` names, the options each such launch passes; for each
    file a launch names, the runner of that launch and where the launch is."""
    uses: Uses = {}
    runners: Runners = {}
    for result in results:
        for config, passed in result.document.launched_configs:
            uses.setdefault(config, []).append(passed)
        for config, runner, where in result.document.launched_runners:
            runners.setdefault(config, []).append((runner, where))
    return uses, runners


def settle_with(results: Iterable[FileResult], uses: Uses, runners: Runners, options: LintOptions) -> None:
    """Decide ``results``' findings by the launches naming their files: the runners' checks, and the
    findings every launch naming the file settles."""
    if not uses and not runners:
        return
    for result in results:
        path = result.document.path.resolve()
        if path in runners and result.document.kind in ("deepspeed", "accelerate"):
            result.diagnostics = _by_runners(result, runners[path], options)
        launches = uses.get(path)
        if launches:
            result.diagnostics = [d for d in result.diagnostics
                                  if d.code not in SETTLED_BY or not all(SETTLED_BY[d.code] in o for o in launches)]


def _by_runners(result: FileResult, named: list[tuple[str | None, str]], options: LintOptions) -> list[Diagnostic]:
    """The file's findings for the runners of the launches naming it: those all of them give. A finding
    the default runner does not give says which launches decided it."""
    from shardlint.settings.resolve import file_options, settings_for

    doc = result.document
    settings = settings_for(doc.path, options)
    own = file_options(options, settings)
    chosen = sorted({runner or own.deepspeed_runner for runner, _ in named})
    decided = any(runner is not None for runner, _ in named)
    if decided:
        doc.runners = tuple(chosen)
    if chosen == [own.deepspeed_runner] and not (decided and own.runner_assumed):
        return result.diagnostics
    assumed = own.runner_assumed and not decided
    found = [_check_as(doc, own._replace(deepspeed_runner=runner, runner_assumed=assumed), settings)
             for runner in chosen]
    common = set.intersection(*({_key(d) for d in diagnostics} for diagnostics in found))
    before = {_key(d) for d in result.diagnostics}
    launches = ", ".join(dict.fromkeys(where for _, where in named))
    note = f" (run by {' and '.join(DEEPSPEED_RUNNERS.get(r, r) for r in chosen)} in {launches})"
    return [d if _key(d) in before else d.replace(message=d.message + note) for d in found[0] if _key(d) in common]


def _check_as(doc: Document, file: FileOptions, settings: FileSettings) -> list[Diagnostic]:
    from shardlint.pipeline import run_checks
    from shardlint.settings.finish import finish

    return finish(doc, [*doc.load_diagnostics, *run_checks(doc, file)], settings, checked=True)


def _key(diagnostic: Diagnostic) -> tuple[str, object]:
    """A finding apart from its wording (HF100 names the runner)."""
    return diagnostic.code, diagnostic.range
