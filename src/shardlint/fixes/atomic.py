"""Write a fixed file atomically: a temporary file beside it, then ``os.replace``.

Readers see the old file or the new one, never half of either.  The file's
permission bits are kept, a UTF-8 byte-order mark is kept, a symlink is
followed so the link itself stays a link, and a read-only file is left alone.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

_BOM = b"\xef\xbb\xbf"


def write_atomic(path: Path, text: str, expected: str | None = None) -> None:
    """Replace ``path``'s contents with ``text`` (UTF-8, as it was read).

    With ``expected`` (the text the edits were made on), a file that changed on
    disk in the meantime is left alone rather than overwritten.
    """
    target = Path(os.path.realpath(path))
    info = target.stat()
    if not os.access(target, os.W_OK):  # a read-only file says "do not change me"; rename would
        raise PermissionError(errno.EACCES, "the file is read-only", str(path))
    current = target.read_bytes()
    bom = current.startswith(_BOM)
    if expected is not None and current.decode("utf-8-sig", "replace") != expected:
        raise OSError(errno.EAGAIN, "the file changed on disk while it was being fixed", str(path))
    data = (_BOM if bom else b"") + text.encode("utf-8")
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
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
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
