"""``check --watch``: run the check again whenever a config, a linked file or a configuration changes.

Changes come from the operating system's file events through ``watchfiles``
(imported here only), not from polling.  Each run checks every path again, so
that a changed DeepSpeed JSON re-checks the Accelerate configs that link it and
a changed configuration file applies at once.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Callable

from shardlint.discovery import WALK_SUFFIXES
from shardlint.settings.model import OWN_FILE, PROJECT_FILE


def _relevant(path: str) -> bool:
    name = Path(path).name
    return name in (OWN_FILE, PROJECT_FILE) or Path(name).suffix.lower() in WALK_SUFFIXES


def _roots(paths: list[str]) -> list[Path]:
    """Folders to watch: a named file's folder, since editors save by replacing the file."""
    roots = {Path(p).resolve() if Path(p).is_dir() else Path(p).resolve().parent for p in paths}
    return sorted(r for r in roots if r.is_dir())


def watch(paths: list[str], check: Callable[[], int]) -> int:
    """Run ``check`` now and after each batch of relevant changes, until interrupted (exit code 130)."""
    try:
        from watchfiles import DefaultFilter
        from watchfiles import watch as changes_under
    except ImportError:
        sys.stderr.write("shardlint: error: --watch needs the 'watch' extra: pip install 'shardlint[watch]'\n")
        return 2
    roots = _roots(paths)
    if not roots:
        sys.stderr.write("shardlint: error: --watch: none of the paths exists\n")
        return 2
    default_filter = DefaultFilter()
    check()
    sys.stdout.flush()
    sys.stderr.write("Watching for changes (Ctrl-C to stop).\n")
    sys.stderr.flush()
    for changes in changes_under(*roots, watch_filter=lambda change, path: default_filter(change, path)
                                 and _relevant(path)):
        names = sorted({Path(path).name for _, path in changes})
        if sys.stdout.isatty():
            sys.stdout.write("\x1b[2J\x1b[H")  # a fresh screen for the new report, as ruff's watch does
            sys.stdout.flush()
        sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] changed: {', '.join(names)}; checking again\n")
        sys.stderr.flush()
        check()
        sys.stdout.flush()
    return 0
