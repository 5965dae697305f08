"""The resident checker: a process that has shardlint loaded and forks a fresh copy of itself for
each ``shardlint check``, so that a run pays neither the imports nor the warm-up.

What the two sides share: where the socket is, who may use it, and how a request is framed.
Each request is run by a child forked from a parent that has never checked a user's file, so a run
sees exactly what a new process would (no cache survives from one run to the next), with the
caller's working directory, environment, umask and standard streams (passed as descriptors).

Only imports that cost nothing at start-up live here: the client runs before anything else.
"""

from __future__ import annotations

import marshal
import os
import sys
import zlib

import shardlint

# a request's header: its payload's length
HEADER_BYTES = 4
MAX_REQUEST_BYTES = 16 * 1024 * 1024  # the environment and arguments of one run
COMMANDS = ("check", "lsp")  # what the resident checker runs; the others start on their own
OPT_OUT = "SHARDLINT_NO_DAEMON"  # set (to anything but empty): never use the resident checker
# forked runs and a private socket folder: POSIX systems (not Windows)
SUPPORTED = hasattr(os, "fork") and hasattr(os, "getuid")


def identity() -> tuple[object, ...]:
    """What must be equal on both sides for a forked run to behave as this process would: the same
    shardlint, interpreter, module path and text encodings."""
    return (shardlint.__version__, os.path.dirname(os.path.abspath(shardlint.__file__)), sys.executable,
            sys.version, tuple(sys.path[1:]), sys.getfilesystemencoding(), sys.flags.utf8_mode)


def runtime_dir() -> str:
    """The private folder of this user's sockets: ``$XDG_RUNTIME_DIR/shardlint``, else
    ``$TMPDIR/shardlint-UID`` (``/tmp`` when ``TMPDIR`` is unset)."""
    base = os.environ.get("XDG_RUNTIME_DIR")
    if base and os.path.isdir(base):
        return os.path.join(base, "shardlint")
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", f"shardlint-{os.getuid()}")


def runtime_file(suffix: str) -> str:
    """This installation's ``.sock``, ``.lock`` or ``.log`` (one resident checker per shardlint,
    interpreter and module path)."""
    key = zlib.crc32(repr(identity()).encode("utf-8", "surrogateescape"))
    return os.path.join(runtime_dir(), f"check-{key:08x}{suffix}")


def socket_path() -> str:
    return runtime_file(".sock")


def private(folder: str) -> bool:
    """``folder`` is a real directory of this user that nobody else can enter: only then are requests,
    with their environment and standard streams, sent through a socket in it."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return (info.st_uid == os.getuid() and not info.st_mode & 0o077
            and (info.st_mode & 0o170000) == 0o040000)


def make_runtime_dir() -> str | None:
    """Create the runtime folder if needed; why it cannot be used (another user's, or open to
    others), or ``None``. Nothing is written in it before this says it is private."""
    folder = runtime_dir()
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
    except OSError as exc:
        return f"cannot create {folder}: {exc.strerror}"
    if not private(folder):
        return f"{folder} is not a private folder of this user (mode 700); not listening there"
    return None


def frame(message: dict[str, object]) -> bytes:
    payload = marshal.dumps(message)
    return len(payload).to_bytes(HEADER_BYTES, "big") + payload
