"""``--show-fixes``: the fixes of a run, one line each, grouped by file."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from shardlint.lint import FileResult
    from shardlint.reporters import View


def fix_list(heading: str, fixes: list[tuple[str, str, str]]) -> str:
    """``heading:`` then each file and its ``CODE title`` lines; "" when there is no fix."""
    if not fixes:
        return ""
    lines = [f"{heading}:"]
    current = None
    for path, code, title in fixes:
        if path != current:
            lines.append(f"  {path}:")
            current = path
        lines.append(f"    {code} {title}")
    return "".join(line + "\n" for line in lines)


def available(result: FileResult, view: View) -> list[tuple[str, str, str]]:
    """(path, code, fix title) of every fix of a finding ``view`` lists in ``result``."""
    return [(result.path, diag.code, fix.title + (" (unsafe)" if fix.safety == "unsafe" else ""))
            for diag in result.diagnostics if view.shows(diag) for fix in diag.fixes]
