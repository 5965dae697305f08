"""Write a fixed file atomically: a temporary file beside it, then ``os.replace``.

Readers see the old file or the new one, never half of either, and a kill at any
moment leaves the old file whole.  The file's permission bits are kept, a UTF-8
byte-order mark is kept, a symlink is followed so the link itself stays a link,
and a read-only file is left alone.

A file with more than one hard link is refused rather than written: the rename
would give this name a new file while the other names keep the old one, and the
only way to keep the link, writing in place, can leave a half-written file
behind a kill.  What is not a regular file (a FIFO or a device swapped in after
the lint) is refused without being read.

The temporary file, ``.NAME.shardlint-XXXXXXXX.tmp``, is locked while it is
written; one whose lock is free was left by a killed run and is removed by
:func:`remove_stale_temporaries`.  The one moment a live run's temporary is not
locked is between its creation and the lock, while it is still empty: an empty
temporary younger than ``_FRESH_SECONDS`` is therefore left for a later run.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from pathlib import Path

from shardlint.loading.files import open_regular
from shardlint.loading.limits import MAX_FILE_BYTES

try:
    import fcntl
except ImportError:  # no advisory locks (Windows): temporaries are written but never collected
    fcntl = None  # type: ignore[assignment]

_BOM = b"\xef\xbb\xbf"
_TEMP_MARK = ".shardlint-"
_TEMP_NAME = re.compile(r"\..+\.shardlint-[a-z0-9_]{8}\.tmp\Z")  # mkstemp's 8 random characters
_FRESH_SECONDS = 10.0


def write_atomic(path: Path, text: str, expected: str | None = None) -> None:
    """Replace ``path``'s contents with ``text`` (UTF-8, as it was read).

    With ``expected`` (the text the edits were made on), a file that changed on
    disk in the meantime is left alone rather than overwritten.
    """
    target = Path(os.path.realpath(path))
    with open_regular(target) as stream:
        info = os.fstat(stream.fileno())
        current = stream.read(MAX_FILE_BYTES + 1)
    if info.st_nlink > 1:
        raise OSError(errno.EMLINK, f"it has {info.st_nlink} hard links, which a rewrite would split "
                      "(the fixed file would replace this name only); apply the --diff by hand, or "
                      "remove the other links first", str(path))
    if not os.access(target, os.W_OK):  # a read-only file says "do not change me"; rename would
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    if expected is not None and (len(current) > MAX_FILE_BYTES
                                 or current.decode("utf-8-sig", "replace") != expected):
        raise OSError(errno.EAGAIN, "the file changed on disk while it was being fixed", str(path))
    data = (_BOM if current.startswith(_BOM) else b"") + text.encode("utf-8")
    fd, tmp = _locked_temporary(target)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
            os.chmod(tmp, stat.S_IMODE(info.st_mode))
            if hasattr(os, "chown"):
                try:
                    os.chown(tmp, info.st_uid, info.st_gid)
                except OSError:
                    pass  # not ours to give away; the mode is what matters
            os.replace(tmp, target)  # while still locked, so no collector takes it for stale
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def _locked_temporary(target: Path) -> tuple[int, str]:
    """A new temporary file beside ``target``, locked for as long as its descriptor is open."""
    while True:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}{_TEMP_MARK}", suffix=".tmp")
        if fcntl is None:
            return fd, tmp
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:  # not collected as stale between its creation and the lock
            return fd, tmp
        os.close(fd)


def remove_stale_temporaries(folder: Path) -> list[str]:
    """Remove the temporary files in ``folder`` that a killed ``--fix`` left; their names.

    A temporary file still locked belongs to a run in progress and is kept.
    """
    if fcntl is None:
        return []
    try:
        entries = [e for e in os.scandir(folder) if _TEMP_NAME.match(e.name)]
    except OSError:
        return []
    removed = []
    for entry in entries:
        try:
            fd = os.open(entry.path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:  # gone already, or a symlink: not ours
            continue
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if info.st_size == 0 and time.time() - info.st_mtime < _FRESH_SECONDS:
                continue  # perhaps a live run's, created but not yet locked
            os.unlink(entry.path)  # under the lock, so its writer (if any) sees it gone
            removed.append(entry.name)
        except OSError:  # locked by a live run, or not ours to remove
            continue
        finally:
            os.close(fd)
    return removed
