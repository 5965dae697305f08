"""``--show-fixes``: the fixes of a run, one line each, grouped by file."""

from __future__ import annotations


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
