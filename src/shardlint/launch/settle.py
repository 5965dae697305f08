"""Config findings a repository's launches settle.

ACC120 (no num_processes) is a warning on a config file alone because the command line may pass
``--num_processes``.  In a run that also reads the launches naming the file, the file's finding is
dropped when every one of them passes the option; a config no launch of the run names keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Protocol

if TYPE_CHECKING:
    from shardlint.diagnostics import Diagnostic
    from shardlint.document import Document


class FileResult(Protocol):
    """A checked file of the run (``shardlint.lint.FileResult``)."""

    document: Document
    diagnostics: list[Diagnostic]

# config finding -> the accelerate launch option that settles it
SETTLED_BY = {"ACC120": "--num_processes"}


def settle(results: list[FileResult]) -> None:
    settle_with(results, launch_uses(results))


def launch_uses(results: Iterable[FileResult]) -> dict[Path, list[frozenset[str]]]:
    """For each config a launch of ``results`` names, the options each such launch passes."""
    uses: dict[Path, list[frozenset[str]]] = {}
    for result in results:
        for config, options in result.document.launched_configs:
            uses.setdefault(config, []).append(options)
    return uses


def settle_with(results: Iterable[FileResult], uses: dict[Path, list[frozenset[str]]]) -> None:
    """Drop from ``results`` the findings every launch naming their file settles."""
    if not uses:
        return
    for result in results:
        launches = uses.get(result.document.path.resolve())
        if launches:
            result.diagnostics = [d for d in result.diagnostics
                                  if d.code not in SETTLED_BY or not all(SETTLED_BY[d.code] in o for o in launches)]
