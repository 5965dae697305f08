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


def open_regular(path: Path | str) -> BinaryIO:
    """``path`` opened for reading, refusing anything that is not a regular file.

    The open does not block: a FIFO with no writer would otherwise hang it.
    Raises :class:`NotARegularFile`, ``IsADirectoryError`` or another ``OSError``.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        if not stat.S_ISREG(mode):
            raise NotARegularFile(f"is {_special_kind(mode)}, not a regular file; shardlint reads only regular files")
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: Path | str, limit: int = MAX_FILE_BYTES) -> bytes:
    """At most ``limit + 1`` bytes of the regular file ``path``: one more than allowed
    tells a file over the limit without reading the rest of it."""
    with open_regular(path) as stream:
        return stream.read(limit + 1)
