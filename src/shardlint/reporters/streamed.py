"""A report that hands each file to its output as the run reaches it and keeps only text and counts.

Every format is built this way by ``check`` (all but fixing and listings): memory stays flat in
the number of files, where a report holding every file's document grows with the walk.
"""

from __future__ import annotations

from shardlint.diagnostics import Severity
from shardlint.assumed_runner import runner_may_matter
from shardlint.launch.settle import SETTLED_BY, Runners, Uses, settle_with
from shardlint.lint import FileResult, Report
from shardlint.options import LintOptions
from shardlint.reporters import Output, View
from shardlint.reporters.fix_list import available


def output_for(name: str, *, color: bool, view: View, statistics: bool = False) -> Output:
    """The file-by-file builder of format ``name``, or of its ``--statistics`` table."""
    if statistics:
        from shardlint.reporters.statistics import StatisticsOutput

        return StatisticsOutput(name, quiet=view.quiet)
    if name == "json":
        from shardlint.reporters.json_format import JsonOutput

        return JsonOutput()
    if name == "sarif":
        from shardlint.reporters.sarif_format import SarifOutput

        return SarifOutput()
    if name == "junit":
        from shardlint.reporters.junit_format import JunitOutput

        return JunitOutput(view)
    if name == "github":
        from shardlint.reporters.github_format import GithubOutput

        return GithubOutput(view)
    from shardlint.reporters.text_format import TextOutput

    return TextOutput(color=color, view=view, concise=name == "concise")


class StreamedReport(Report):
    """Files go to ``output`` as they are added; unreadable paths (with no text) are kept as in any report.

    A config whose findings a launch of the run may settle (ACC120 when every launch naming the
    file passes ``--num_processes``), or whose findings a launch's runner may change (a DeepSpeed
    JSON, an Accelerate config running DeepSpeed), keeps its place and is added once the run is over.
    """

    def __init__(self, output: Output, view: View, list_fixes: bool = False) -> None:
        super().__init__()
        self.output = output
        self.view = view
        self.list_fixes = list_fixes
        self._worst: Severity | None = None
        self._fixes: list[list[tuple[str, str, str]]] = []  # per file, in report order
        self._failed_fixes: list[tuple[str, str, str]] = []
        self._held: list[tuple[int, int, FileResult]] = []  # output slot, fixes slot, result
        self._uses: Uses = {}
        self._runners: Runners = {}

    def add(self, result: FileResult, failed: bool = False) -> None:
        for config, passed in result.document.launched_configs:
            self._uses.setdefault(config, []).append(passed)
        for config, runner, where in result.document.launched_runners:
            self._runners.setdefault(config, []).append((runner, where))
        if failed:
            self.failures.append(result)
            self.output.add(result, failed=True)
            if self.list_fixes:
                self._failed_fixes.extend(available(result, self.view))
            return
        if self.launches_possible and (any(d.code in SETTLED_BY for d in result.diagnostics)
                                       or runner_may_matter(result.document)):
            self._held.append((self.output.reserve(), len(self._fixes), result))
            self._fixes.append([])
            return
        self._take(result)

    def _take(self, result: FileResult, slot: int | None = None, fixes_slot: int | None = None) -> None:
        self.output.add(result, slot=slot)
        if self.list_fixes:
            found = available(result, self.view)
            if fixes_slot is None:
                self._fixes.append(found)
            else:
                self._fixes[fixes_slot] = found
        worst = min((d.severity for d in result.diagnostics), default=None)
        if worst is not None and (self._worst is None or worst < self._worst):
            self._worst = worst

    def finish(self, options: LintOptions) -> None:
        held = [result for _, _, result in self._held]
        settle_with(held, self._uses, self._runners, options)
        for slot, fixes_slot, result in self._held:
            self._take(result, slot, fixes_slot)
        self._held = []

    def worst(self) -> Severity | None:
        return self._worst

    @property
    def available_fixes(self) -> list[tuple[str, str, str]]:
        """``--show-fixes``: (path, code, title) of the listed findings' fixes, in report order."""
        return self._failed_fixes + [fix for found in self._fixes for fix in found]
