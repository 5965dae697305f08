"""Config findings a repository's launches settle.

ACC120 (no num_processes) is a warning on a config file alone because the command line may pass
``--num_processes``.  In a run that also reads the launches naming the file, the file's finding is
dropped when every one of them passes the option; a config no launch of the run names keeps it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

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
    uses: dict[Path, list[frozenset[str]]] = {}
    for result in results:
        for config, options in result.document.launched_configs:
            uses.setdefault(config, []).append(options)
    if not uses:
        return
    for result in results:
        launches = uses.get(result.document.path.resolve())
        if launches:
            result.diagnostics = [d for d in result.diagnostics
                                  if d.code not in SETTLED_BY or not all(SETTLED_BY[d.code] in o for o in launches)]
