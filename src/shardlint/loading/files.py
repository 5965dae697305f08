"""Bounded reads of regular files: a FIFO, a device or a socket is refused, never waited on.

``st_size`` is 0 for devices and many special files, so the size limit is enforced
on the bytes actually read (at most one more than the limit), not on the size the
file claims.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from shardlint.loading.limits import MAX_FILE_BYTES

_SPECIAL_KINDS = ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a character device"),
                  (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class NotARegularFile(OSError):
    """The path names a FIFO, a device or a socket: nothing shardlint reads."""


def _special_kind(mode: int) -> str:
    return next((name for test, name in _SPECIAL_KINDS if test(mode)), "a special file")


def _open_fd(path: Path | str) -> tuple[int, os.stat_result]:
    """A descriptor of ``path`` opened for reading, and its status, refusing anything that is not a
    regular file.  The open does not block: a FIFO with no writer would otherwise hang it."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(st.st_mode):
            raise NotARegularFile(f"is {_special_kind(st.st_mode)}, not a regular file; shardlint reads only regular files")
        return fd, st
    except BaseException:
        os.close(fd)
        raise


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for reading, refusing anything that is not a regular file.

    Raises :class:`NotARegularFile`, ``IsADirectoryError`` or another ``OSError``.
    """
    fd, _ = _open_fd(path)
    try:
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``: one more than allowed
    tells a file over the limit without reading the rest of it.

    Read straight from the descriptor in reads sized by the file's own size: a buffered
    ``read(limit + 1)`` would set aside the whole limit for every small file.
    """
    fd, st = _open_fd(path)
    try:
        parts = []
        left = limit + 1
        want = min(left, st.st_size + 1)
        while left > 0:
            chunk = os.read(fd, want)
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
            want = min(left, 1 << 16)
        return b"".join(parts)
    finally:
        os.close(fd)
