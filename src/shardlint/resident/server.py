"""The resident checker's side: load shardlint once, then fork a fresh run per request.

The parent imports every module and checks a few small built-in files in a temporary folder,
so a forked run finds the rules compiled and the schemas read.  It never checks a user's file:
each run starts from that same state, as a new process starts from its imports.  It refuses
(and the caller runs the check itself) when the caller's installation differs, and stops when
shardlint's own files change under it.
"""

from __future__ import annotations

import fcntl
import io
import marshal
import os
import select
import signal
import socket
import sys
import time
import traceback
from pathlib import Path
from typing import Any

from shardlint.resident import (HEADER_BYTES, MAX_REQUEST_BYTES, frame, identity, make_runtime_dir, private,
                                runtime_dir, runtime_file, socket_path)

# checked once, in the parent, before it serves: one file of each kind a run meets
_WARM_UP_FILES = {
    "fsdp.yaml": ("compute_environment: LOCAL_MACHINE\ndistributed_type: FSDP\nmixed_precision: bf16\n"
                  "num_processes: 2\nfsdp_config:\n  fsdp_version: 2\n  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n"
                  "  fsdp_state_dict_type: SHARDED_STATE_DICT\n"),
    "fsdp1.yaml": ("compute_environment: LOCAL_MACHINE\ndistributed_type: FSDP\nmixed_precision: no\n"
                   "machine_rank: 0\nnum_machines: 1\nnum_processes: 8\nmain_training_function: main\n"
                   "rdzv_backend: static\nsame_network: true\nuse_cpu: false\ndowncast_bf16: 'no'\n"
                   "fsdp_config:\n  fsdp_auto_wrap_policy: TRANSFORMER_BASED_WRAP\n"
                   "  fsdp_backward_prefetch_policy: BACKWARD_PRE\n  fsdp_cpu_ram_efficient_loading: true\n"
                   "  fsdp_forward_prefetch: false\n  fsdp_offload_params: false\n  fsdp_sharding_strategy: 1\n"
                   "  fsdp_state_dict_type: FULL_STATE_DICT\n  fsdp_sync_module_states: true\n"
                   "  fsdp_transformer_layer_cls_to_wrap: LlamaDecoderLayer\n  fsdp_use_orig_params: true\n"),
    "zero.yaml": ("distributed_type: DEEPSPEED\nnum_processes: 2\ndeepspeed_config:\n"
                  "  deepspeed_config_file: ds.json\n  zero3_init_flag: true\n"),
    "ds.json": ('{"train_batch_size": "auto", "gradient_accumulation_steps": "auto",\n'
                ' "bf16": {"enabled": "auto"}, "zero_optimization": {"stage": 3}}\n'),
    "train.sh": "accelerate launch --config_file fsdp.yaml train.py --bf16 --per_device_train_batch_size 4\n",
    ".shardlint.toml": 'show = "warning"\n',  # read as every run reads its configuration
    "requirements.txt": "accelerate>=1.15\ndeepspeed==0.19.8\n",  # and its project's pins
}


class Stale(Exception):
    """shardlint's own files changed since they were loaded."""


def _module_files() -> list[str]:
    return sorted(path for name, module in list(sys.modules.items())
                  if name == "shardlint" or name.startswith("shardlint.")
                  for path in [getattr(module, "__file__", None)] if path)


def _data_files() -> list[str]:
    from shardlint.resources import data_dir

    return sorted(str(path) for name in ("rules", "schemas") for path in data_dir(name).rglob("*")
                  if path.is_file())


def _library_folders() -> list[str]:
    """The module path's folders: installing, upgrading or removing any package (PyYAML, pygls)
    adds or removes entries in one of them, which changes its modification time."""
    return sorted({os.path.abspath(folder) for folder in sys.path if folder and os.path.isdir(folder)})


def fingerprint(files: list[str]) -> tuple[tuple[str, int, int], ...]:
    """When and how big each of ``files`` is: shardlint's modules and data, and the module path's
    folders, as the parent loaded them."""
    out = []
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            out.append((path, -1, -1))
        else:
            out.append((path, info.st_mtime_ns, info.st_size))
    return tuple(out)


def _import_everything() -> None:
    """Every module a check or the language server may import; the language server's only where
    its extra (pygls) is installed, and not ``--watch``'s optional watchfiles."""
    import importlib
    import pkgutil

    import shardlint

    for module in pkgutil.walk_packages(shardlint.__path__, "shardlint."):
        if module.name.startswith(("shardlint.__main__", "shardlint.watching")):
            continue
        try:
            importlib.import_module(module.name)
        except ImportError:
            if not module.name.startswith("shardlint.lsp"):
                raise


def _warm_up() -> None:
    import tempfile

    from shardlint.cli import main

    with tempfile.TemporaryDirectory(prefix="shardlint-warm-up-") as folder:
        for name, text in _WARM_UP_FILES.items():
            Path(folder, name).write_text(text, encoding="utf-8")
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            saved = sys.stdout, sys.stderr
            sys.stdout = sys.stderr = devnull
            try:
                for output in ("text", "json"):
                    main(["check", "--format", output, folder])
            finally:
                sys.stdout, sys.stderr = saved


class Server:
    """One resident checker, listening on this installation's socket until idle for ``idle_timeout``
    seconds (0: until stopped)."""

    def __init__(self, idle_timeout: float) -> None:
        self.idle_timeout = idle_timeout
        self.path = socket_path()
        self.identity = identity()
        self.started = time.time()
        self.last_request = self.started
        self.served = 0
        self.children: set[int] = set()
        self.files: list[str] = []
        self.stamp: tuple[tuple[str, int, int], ...] = ()
        self.listener: socket.socket | None = None
        self.lock_fd = -1
        self.wake_r = self.wake_w = -1

    # -- start and stop

    def claim(self) -> str | None:
        """Take this installation's lock; why not, when another resident checker holds it or the
        runtime folder is not private."""
        problem = make_runtime_dir()
        if problem:
            return problem
        self.lock_fd = os.open(runtime_file(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self.lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self.lock_fd)
            return "a resident checker already runs for this installation"
        return None

    def load(self) -> None:
        _import_everything()
        _warm_up()
        self.files = _module_files() + _data_files() + _library_folders()
        self.stamp = fingerprint(self.files)

    def listen(self) -> None:
        try:
            os.unlink(self.path)  # a socket left by a checker that was killed: the lock is ours now
        except FileNotFoundError:
            pass
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.path)
        os.chmod(self.path, 0o600)
        listener.listen(64)
        self.listener = listener
        os.chdir("/")  # keep no folder of the user's busy; each run goes to its caller's

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
            try:
                os.unlink(self.path)
            except OSError:
                pass
        if self.lock_fd >= 0:
            os.close(self.lock_fd)

    # -- serving

    def serve(self) -> None:
        stop = False

        def on_term(_signum: int, _frame: object) -> None:
            nonlocal stop
            stop = True

        # a signal writes to this pipe, which wakes the wait for the next connection at once
        self.wake_r, wake_w = os.pipe()
        for fd in (self.wake_r, wake_w):
            os.set_blocking(fd, False)
        self.wake_w = wake_w
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGTERM, on_term)
        signal.signal(signal.SIGINT, on_term)
        signal.signal(signal.SIGCHLD, lambda _signum, _frame: self._reap())
        assert self.listener is not None
        while not stop:
            ready, _, _ = select.select([self.listener, self.wake_r], [], [], 1.0)
            if self.wake_r in ready:
                try:
                    os.read(self.wake_r, 4096)
                except BlockingIOError:
                    pass
            if stop:
                break
            if self.listener not in ready:
                idle = time.time() - self.last_request
                if self.idle_timeout and idle > self.idle_timeout and not self.children:
                    break
                continue
            try:
                conn, _ = self.listener.accept()
            except OSError:
                continue
            try:
                stop = self._answer(conn) or stop
            except Stale:
                break
            finally:
                conn.close()
        self._reap()

    def _reap(self) -> None:
        """Collect the forked runs that ended (on SIGCHLD, so their CPU time is counted at once)."""
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if not pid:
                return
            self.children.discard(pid)

    def _answer(self, conn: socket.socket) -> bool:
        """Answer one connection; True when it asks the checker to stop."""
        if _peer_uid(conn) not in (None, os.getuid()):
            return False
        conn.settimeout(5.0)
        try:
            request = _receive(conn)
        except (OSError, ValueError, EOFError, TypeError):
            return False
        op = request.get("op")
        try:
            if op == "status":
                conn.sendall(frame(self.status()))
            elif op == "stop":
                conn.sendall(frame({"stopped": os.getpid()}))
                return True
            elif op == "run":
                self._run(conn, request)
        except OSError:
            pass
        return False

    def status(self) -> dict[str, Any]:
        return {"pid": os.getpid(), "socket": self.path, "version": self.identity[0], "served": self.served,
                "running": len(self.children), "up_seconds": round(time.time() - self.started),
                "idle_timeout": self.idle_timeout}

    def _run(self, conn: socket.socket, request: dict[str, Any]) -> None:
        if request.get("identity") != self.identity:
            conn.sendall(b"refused another installation\n")
            return
        if fingerprint(self.files) != self.stamp:
            conn.sendall(b"refused shardlint or its libraries changed since the resident checker started\n")
            raise Stale
        # no reaping between the fork and the count of running children
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            pid = os.fork()
            if pid == 0:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
                assert self.listener is not None
                _run_forked(conn, request, inherited=(self.listener.fileno(), self.lock_fd, self.wake_r, self.wake_w))  # never returns
            self.children.add(pid)
        finally:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        self.served += 1
        self.last_request = time.time()


def _peer_uid(conn: socket.socket) -> int | None:
    """The connecting process's user, where the system says (Linux); else the folder's mode guards."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    import struct

    _pid, uid, _gid = struct.unpack("3i", conn.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i")))
    return uid


def _receive(conn: socket.socket) -> dict[str, Any]:
    """One framed request (descriptors sent along with it are dropped by the kernel)."""
    reply = conn.makefile("rb")
    size = int.from_bytes(reply.read(HEADER_BYTES), "big")
    if size > MAX_REQUEST_BYTES:
        raise ValueError("request too large")
    payload = reply.read(size)
    if len(payload) < size:
        raise EOFError("request cut short")
    request = marshal.loads(payload)
    if not isinstance(request, dict):
        raise ValueError("request is not a mapping")
    return request


def _reopen(fd: int, spec: tuple[str, str, bool, bool], reading: bool) -> io.TextIOWrapper:
    """A standard stream on ``fd`` that encodes and buffers as the caller's does."""
    encoding, errors, line_buffering, write_through = spec
    raw = io.FileIO(fd, "rb" if reading else "wb", closefd=False)
    buffered = io.BufferedReader(raw) if reading else io.BufferedWriter(raw)
    return io.TextIOWrapper(buffered, encoding=encoding, errors=errors, newline="\n",
                            line_buffering=line_buffering, write_through=write_through)


def _run_forked(conn: socket.socket, request: dict[str, Any], inherited: tuple[int, ...]) -> None:
    """The forked run: the caller's streams, directory, environment and umask, then ``main``.
    ``inherited`` are the parent's descriptors (its socket and lock), closed here."""
    signal.set_wakeup_fd(-1)
    for fd in inherited:
        os.close(fd)
    for signum in (signal.SIGTERM, signal.SIGCHLD, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    # the caller sends its standard streams once it knows who to pass Ctrl-C to: one that gave up
    # waiting (and checks in its own process) has nothing written twice, nor its streams held open
    try:
        conn.sendall(f"pid {os.getpid()}\n".encode())
        go, fds, _flags, _addr = socket.recv_fds(conn, 16, 3)
    except OSError:
        go, fds = b"", []
    if go != b"go\n" or len(fds) != 3:
        os._exit(0)
    code = 1
    try:
        for target, fd in zip((0, 1, 2), fds):
            os.dup2(fd, target)
            os.close(fd)
        stdin, stdout, stderr = request["streams"]
        sys.stdin = sys.__stdin__ = _reopen(0, stdin, reading=True)
        sys.stdout = sys.__stdout__ = _reopen(1, stdout, reading=False)
        sys.stderr = sys.__stderr__ = _reopen(2, stderr, reading=False)
        sys.argv = ["shardlint", *request["argv"]]
        os.chdir(request["cwd"])
        os.umask(request["umask"])
        os.environ.clear()
        os.environ.update(request["env"])
        from shardlint.cli import main

        code = main(list(request["argv"]))
    except SystemExit as exc:  # argparse's usage errors
        if exc.code is None or isinstance(exc.code, int):
            code = exc.code or 0
        else:
            sys.stderr.write(f"{exc.code}\n")
    except BaseException:  # as a new process would end: the traceback, exit status 1
        traceback.print_exc()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.sendall(f"exit {code}\n".encode())
        except OSError:
            pass
        os._exit(0)


def ask(op: str) -> dict[str, Any] | None:
    """``status`` or ``stop`` of this installation's resident checker; ``None`` when none answers."""
    path = socket_path()
    if not os.path.exists(path) or not private(runtime_dir()):
        return None
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.settimeout(5.0)
    try:
        conn.connect(path)
        conn.sendall(frame({"op": op}))
        reply = conn.makefile("rb")
        size = int.from_bytes(reply.read(HEADER_BYTES), "big")
        answer = marshal.loads(reply.read(size))
    except (OSError, ValueError, EOFError):  # gone, refusing, or not answering
        return None
    finally:
        conn.close()
    return answer if isinstance(answer, dict) else None
