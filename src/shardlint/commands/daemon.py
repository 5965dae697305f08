"""``shardlint daemon start|stop|status|run``: the resident checker (see :mod:`shardlint.resident`)."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

ACTIONS = ("start", "stop", "status", "run")
START_WAIT_SECONDS = 30.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS,
                        help="start (in the background), stop, status, or run (in the foreground, "
                             "for a service manager)")
    parser.add_argument("--idle-timeout", type=float, default=60.0, metavar="MINUTES",
                        help="stop after this many minutes without a request (default: 60; 0: never)")


def run(args: argparse.Namespace) -> int:
    from shardlint.resident import SUPPORTED

    if not SUPPORTED:
        sys.stderr.write("shardlint: error: the resident checker needs fork and Unix sockets, "
                         "which this system lacks; shardlint check runs in its own process\n")
        return 2
    from shardlint.resident.server import ask

    if args.action in ("status", "stop"):
        answer = ask(args.action)
        if answer is None:
            sys.stdout.write("shardlint: no resident checker runs for this installation\n")
            return 1 if args.action == "status" else 0
        sys.stdout.write("".join(f"{key}: {value}\n" for key, value in answer.items()) if args.action == "status"
                         else f"shardlint: stopped the resident checker (pid {answer['stopped']})\n")
        return 0
    if args.action == "run":
        return _run_here(args.idle_timeout * 60)
    return _start(args.idle_timeout)


def _run_here(idle_timeout: float) -> int:
    from shardlint.resident.server import Server

    server = Server(idle_timeout)
    refused = server.claim()
    if refused:
        sys.stderr.write(f"shardlint: error: {refused}\n")
        return 1
    try:
        server.load()
        server.listen()
        sys.stderr.write(f"shardlint: resident checker {os.getpid()} listening on {server.path}\n")
        sys.stderr.flush()
        server.serve()
    finally:
        server.close()
    return 0


def _start(idle_minutes: float) -> int:
    """``run`` in a new session, detached from this terminal; back when it listens (or has failed)."""
    from shardlint.resident import make_runtime_dir, runtime_file
    from shardlint.resident.server import ask

    status = ask("status")
    if status is not None:
        sys.stdout.write(f"shardlint: a resident checker already runs (pid {status['pid']})\n")
        return 0
    problem = make_runtime_dir()
    if problem:
        sys.stderr.write(f"shardlint: error: {problem}\n")
        return 1
    log = runtime_file(".log")  # what it says on standard error
    with open(log, "wb") as stderr:
        proc = subprocess.Popen([sys.executable, "-m", "shardlint", "daemon", "run", "--idle-timeout",
                                 str(idle_minutes)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=stderr, start_new_session=True,
                                cwd="/")  # no folder of the caller's shadows the installed shardlint
    deadline = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < deadline:
        status = ask("status")
        if status is not None:
            sys.stdout.write(f"shardlint: resident checker started (pid {status['pid']}, "
                             f"socket {status['socket']})\n")
            return 0
        if proc.poll() is not None:
            with open(log, encoding="utf-8", errors="replace") as said:
                sys.stderr.write(said.read() or f"shardlint: error: the resident checker stopped with "
                                                f"status {proc.returncode}\n")
            return 1
        time.sleep(0.05)
    sys.stderr.write("shardlint: error: the resident checker did not start listening in "
                     f"{START_WAIT_SECONDS:.0f} s\n")
    return 1
