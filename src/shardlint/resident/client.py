"""The caller's side: hand ``shardlint check`` (or ``lsp``) to the resident checker when one runs.

When none runs for this installation (the usual case) this costs one ``stat``. Once a forked
run has started, its output is already the caller's: the run is never repeated here, and a run
that ends without an exit status is reported as such.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from io import BufferedReader

from shardlint.resident import OPT_OUT, SUPPORTED, frame, identity, private, runtime_dir, socket_path

_STREAMS = (sys.stdin, sys.stdout, sys.stderr)
ANSWER_SECONDS = 5.0  # for the resident checker to start the run; after that, the caller checks itself


def _stream_spec(stream: object) -> tuple[str, str, bool, bool] | None:
    """How a standard stream of this process encodes and buffers, for the forked run to do the same."""
    try:
        return (stream.encoding, stream.errors, stream.line_buffering, stream.write_through)  # type: ignore[attr-defined]
    except AttributeError:
        return None


def _request(argv: list[str]) -> dict[str, object] | None:
    specs = [_stream_spec(stream) for stream in _STREAMS]
    if None in specs:
        return None
    return {"op": "run", "identity": identity(), "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ),
            "umask": _umask(), "streams": specs}


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _standard_descriptors_open() -> bool:
    try:
        for fd in (0, 1, 2):
            os.fstat(fd)
    except OSError:
        return False
    return True


def delegate(argv: list[str]) -> int | None:
    """Run ``argv`` (``check ...``) in the resident checker: its exit code, or ``None`` when it
    should be run in this process (no resident checker, or one that refuses this run)."""
    if not SUPPORTED or os.environ.get(OPT_OUT):
        return None
    path = socket_path()
    if not os.path.exists(path) or not private(runtime_dir()) or not _standard_descriptors_open():
        return None
    try:
        request = _request(argv)
    except OSError:  # the working directory is gone
        return None
    if request is None:
        return None
    import socket

    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(ANSWER_SECONDS)
    try:
        conn.connect(path)
        conn.sendall(frame(request))
        reply = conn.makefile("rb")
        first = reply.readline()
        if not first.startswith(b"pid "):  # refused (another installation, changed sources), or gone
            raise ConnectionError
    except OSError:  # no answer in time, or none at all: nothing has been run
        conn.close()
        return None
    with _forwarding_signals(int(first[4:])):
        try:
            socket.send_fds(conn, [b"go\n"], [0, 1, 2])  # from here on the run is the resident checker's
        except OSError:
            conn.close()
            return None
        conn.settimeout(None)
        return _wait(reply)


@contextmanager
def _forwarding_signals(pid: int) -> Iterator[None]:
    """Ctrl-C and the signals that would have stopped the run here go to the forked run instead."""
    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except OSError:
            pass

    saved = {signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


def _wait(reply: BufferedReader) -> int:
    """The forked run's exit status."""
    try:
        line = reply.readline()
    except OSError:
        line = b""
    if line.startswith(b"exit "):
        return int(line[5:])
    sys.stderr.write("shardlint: error: the resident checker's run ended without an exit status "
                     f"(see `shardlint daemon status`); run again with {OPT_OUT}=1\n")
    return 2
