"""The resident checker (``shardlint daemon``), as users run it: a real background process, real
clients over its socket, compared byte for byte with runs in a fresh process."""

from __future__ import annotations

import marshal
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import ROOT, write

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(socket, "AF_UNIX"),
                                reason="the resident checker needs fork and Unix sockets")


class Daemon:
    """One resident checker in a private runtime folder of the test's own."""

    def __init__(self, runtime: Path) -> None:
        self.runtime = runtime
        self.env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime)}
        self.env["SHARDLINT_NO_DAEMON"] = ""  # empty: not opted out (the suite opts out everywhere else)
        self.proc: subprocess.Popen[bytes] | None = None

    def run(self, *args: str, cwd: Path = ROOT, input: str | None = None, through: bool = True,
            **kwargs: object) -> subprocess.CompletedProcess[str]:
        """``shardlint ARGS`` through the resident checker, or (``through=False``) in its own process."""
        env = self.env if through else {**self.env, "SHARDLINT_NO_DAEMON": "1"}
        return subprocess.run([sys.executable, "-m", "shardlint", *args], cwd=cwd, input=input, env=env,
                              capture_output=True, text=True, timeout=120, **kwargs)  # type: ignore[call-overload]

    def start(self, *extra: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "shardlint", "daemon", "run", *extra],
                                     env=self.env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while self.status() is None:
            assert self.proc.poll() is None, self.proc.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, "the resident checker did not start listening"
            time.sleep(0.05)

    def status(self) -> dict[str, object] | None:
        """What ``shardlint daemon status`` prints, asked over the socket without starting a process."""
        sockets = list((self.runtime / "shardlint").glob("*.sock"))
        if not sockets:
            return None
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            conn.connect(str(sockets[0]))
            payload = marshal.dumps({"op": "status"})
            conn.sendall(len(payload).to_bytes(4, "big") + payload)
            reply = conn.makefile("rb")
            return marshal.loads(reply.read(int.from_bytes(reply.read(4), "big")))
        except (ConnectionRefusedError, FileNotFoundError, EOFError, ValueError):
            return None
        finally:
            conn.close()

    def served(self) -> int:
        status = self.status()
        assert status is not None
        return int(status["served"])  # type: ignore[call-overload]

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=30)


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    folder = tmp_path / "run"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture(scope="module")
def shared_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    """One resident checker for the tests that leave it running as they found it."""
    folder = tmp_path_factory.mktemp("resident") / "run"
    folder.mkdir(mode=0o700)
    resident = Daemon(folder)
    resident.start()
    yield resident
    resident.stop()


@pytest.fixture
def daemon(shared_daemon: Daemon) -> Iterator[Daemon]:
    """The shared resident checker, with the caller's environment as the test found it."""
    env = dict(shared_daemon.env)
    yield shared_daemon
    shared_daemon.env = env


@pytest.fixture
def own_daemon(runtime: Path) -> Iterator[Daemon]:
    """A resident checker of the test's own, for a test that stops it."""
    resident = Daemon(runtime)
    resident.start()
    yield resident
    resident.stop()


def same_as_a_fresh_process(daemon: Daemon, *args: str, cwd: Path = ROOT, input: str | None = None) -> None:
    before = daemon.served()
    through = daemon.run(*args, cwd=cwd, input=input)
    alone = daemon.run(*args, cwd=cwd, input=input, through=False)
    assert daemon.served() == before + 1, f"shardlint {' '.join(args)} was not run by the resident checker"
    assert (through.returncode, through.stdout, through.stderr) == (alone.returncode, alone.stdout, alone.stderr)


@pytest.mark.parametrize("args", [
    ("check", "examples"),
    ("check", "--format", "json", "examples"),
    ("check", "--format", "sarif", "examples"),
    ("check", "--format", "junit", "examples"),
    ("check", "--format", "github", "--show-tips", "examples"),
    ("check", "--statistics", "examples"),
    ("check", "--diff", "--unsafe-fixes", "examples/fsdp1-bad.yaml", "examples/ds_config_bad.json"),
    ("check", "-v", "--show-fixes", "examples/deepspeed-bad.yaml"),
    ("check", "--show-files", "examples", "tests/engine/variants"),
    ("check", "--target", "accelerate=1.15.0", "--color", "always", "examples/fsdp1-bad.yaml"),
    ("examples/fsdp2-good.yaml",),  # check is the default command
    ("check", "--no-such-option"),  # argparse's usage error, status 2
    ("check", "missing.yaml"),
])
def test_a_check_through_the_resident_checker_is_byte_for_byte_a_fresh_run(daemon: Daemon, args: tuple[str, ...]):
    same_as_a_fresh_process(daemon, *args)


def test_standard_input_reaches_the_forked_run(daemon: Daemon):
    text = (ROOT / "examples" / "ds_config_bad.json").read_text(encoding="utf-8")
    same_as_a_fresh_process(daemon, "check", "-", "--stdin-filename", "ds.json", input=text)


def test_the_callers_stream_encoding_is_kept(daemon: Daemon, tmp_path: Path):
    config = write(tmp_path, "u.yaml", "distributed_type: FSDP\nmixed_precision: no  # \u00e9t\u00e9\n")
    daemon.env["PYTHONIOENCODING"] = "ascii:backslashreplace"
    same_as_a_fresh_process(daemon, "check", str(config))
    assert "\\xe9t\\xe9" in daemon.run("check", str(config)).stdout


def test_the_corpus_reads_the_same(daemon: Daemon, shared_dir: Path):
    same_as_a_fresh_process(daemon, "check", "--format", "json", str(shared_dir / "corpus" / "repos"))


def test_each_run_sees_the_files_and_configuration_as_they_are_now(daemon: Daemon, tmp_path: Path):
    """Nothing a run read is kept for the next: edits to a config, its configuration file and the
    environment all reach the following run."""
    before = daemon.served()
    project = tmp_path / "project"
    write(project, "fsdp.yaml", (ROOT / "examples" / "fsdp1-bad.yaml").read_text(encoding="utf-8"))
    first = daemon.run("check", "--format", "concise", "fsdp.yaml", cwd=project)
    assert "ACC006" in first.stdout and first.returncode == 1
    write(project, ".shardlint.toml", 'ignore = ["ACC006"]\n')
    second = daemon.run("check", "--format", "concise", "fsdp.yaml", cwd=project)
    assert "ACC006" not in second.stdout and "FSDP100" in second.stdout
    write(project, "fsdp.yaml", (ROOT / "examples" / "fsdp2-good.yaml").read_text(encoding="utf-8"))
    third = daemon.run("check", "--format", "concise", "fsdp.yaml", cwd=project)
    assert third.returncode == 0, third.stdout
    write(project, "fsdp.yaml", (ROOT / "examples" / "fsdp1-bad.yaml").read_text(encoding="utf-8"))
    daemon.env["COLUMNS"] = "50"  # the run's environment is the caller's: here, the help's width
    narrow = daemon.run("check", "--help")
    daemon.env["COLUMNS"] = "150"
    wide = daemon.run("check", "--help")
    assert narrow.stdout != wide.stdout
    assert wide.stdout == daemon.run("check", "--help", through=False).stdout
    assert daemon.served() == before + 5


def test_fix_writes_the_same_files(daemon: Daemon, tmp_path: Path):
    before = daemon.served()
    codes = []
    for side in ("through", "alone"):
        folder = tmp_path / side
        folder.mkdir()
        shutil.copy(ROOT / "examples" / "fsdp1-bad.yaml", folder / "fsdp.yaml")
        codes.append(daemon.run("check", "--fix", "fsdp.yaml", cwd=folder, through=side == "through").returncode)
    assert codes == [0, 0]
    assert (tmp_path / "through" / "fsdp.yaml").read_bytes() == (tmp_path / "alone" / "fsdp.yaml").read_bytes()
    assert (tmp_path / "through" / "fsdp.yaml").read_bytes() != (ROOT / "examples" / "fsdp1-bad.yaml").read_bytes()
    assert daemon.served() == before + 1


def test_files_are_created_with_the_callers_umask(daemon: Daemon, tmp_path: Path):
    before = daemon.served()
    for mask in (0o077, 0o022):
        report = tmp_path / f"report-{mask:o}.json"
        proc = daemon.run("check", "--format", "json", "-o", str(report), "examples/fsdp2-good.yaml",
                          preexec_fn=lambda mask=mask: os.umask(mask))
        assert proc.returncode == 0, proc.stderr
        assert report.stat().st_mode & 0o777 == 0o666 & ~mask
    assert daemon.served() == before + 2


def test_a_run_started_with_a_closed_standard_stream_is_run_in_its_own_process(daemon: Daemon):
    before = daemon.served()
    proc = daemon.run("check", "examples/fsdp2-good.yaml", preexec_fn=lambda: os.close(0))
    assert proc.returncode == 0, proc.stderr
    assert daemon.served() == before


def test_interrupting_the_caller_interrupts_the_forked_run(daemon: Daemon, tmp_path: Path):
    """Ctrl-C reaches the run: it stops as a run in the caller's own process would, with status 130."""
    before = daemon.served()
    caller = subprocess.Popen([sys.executable, "-m", "shardlint", "check", "-", "--stdin-filename", "ds.json"],
                              env=daemon.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while daemon.served() == before:  # the run waits on standard input, which stays open
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.2)
    caller.send_signal(signal.SIGINT)
    assert caller.wait(timeout=30) == 130
    assert caller.stdin is not None
    caller.stdin.close()


def test_a_change_to_shardlint_stops_the_resident_checker(own_daemon: Daemon):
    """After an upgrade (or an edit of an editable install) the loaded modules are stale: the run is
    refused, made in the caller's own process, and the resident checker stops."""
    module = ROOT / "src" / "shardlint" / "commands" / "schema.py"
    if not module.is_file():
        pytest.skip("shardlint is not run from this checkout")
    info = module.stat()
    os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns + 1_000_000_000))
    try:
        proc = own_daemon.run("check", "examples/fsdp2-good.yaml")
    finally:
        os.utime(module, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert proc.returncode == 0, proc.stderr
    assert own_daemon.proc is not None and own_daemon.proc.wait(timeout=30) == 0
    assert own_daemon.status() is None


def test_installing_a_package_stops_the_resident_checker(runtime: Path, tmp_path: Path):
    """A package installed or upgraded beside shardlint (a new PyYAML, say) is not the one loaded."""
    extra = tmp_path / "site"
    extra.mkdir()
    resident = Daemon(runtime)
    resident.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra), resident.env.get("PYTHONPATH")]))
    resident.start()
    try:
        assert resident.run("check", "examples/fsdp2-good.yaml").returncode == 0
        assert resident.served() == 1
        time.sleep(0.01)  # a folder's modification time may be coarse
        (extra / "newly_installed.py").write_text("", encoding="utf-8")
        assert resident.run("check", "examples/fsdp2-good.yaml").returncode == 0
        assert resident.proc is not None and resident.proc.wait(timeout=30) == 0
    finally:
        resident.stop()


def test_a_request_from_another_installation_is_refused(daemon: Daemon):
    before = daemon.served()
    sock = next((daemon.runtime / "shardlint").glob("*.sock"))
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(str(sock))
    payload = marshal.dumps({"op": "run", "identity": ("0.0.0",), "argv": ["check"], "cwd": "/", "env": {},
                             "umask": 0o022, "streams": [None, None, None]})
    conn.sendall(len(payload).to_bytes(4, "big") + payload)
    assert conn.makefile("rb").readline() == b"refused another installation\n"
    conn.close()
    for junk in (b"\x00\x00\x00\x05abc", b"\xff\xff\xff\xff", b"not marshal at all"):
        conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        conn.connect(str(sock))
        conn.sendall(junk)
        conn.shutdown(socket.SHUT_WR)
        assert conn.recv(100) == b""  # nothing run, connection closed
        conn.close()
    assert daemon.served() == before
    assert daemon.status() is not None


def test_a_socket_folder_others_may_enter_is_never_used(runtime: Path):
    resident = Daemon(runtime)
    resident.start()
    try:
        (runtime / "shardlint").chmod(0o755)
        proc = resident.run("check", "examples/fsdp2-good.yaml")
        assert proc.returncode == 0
        (runtime / "shardlint").chmod(0o700)
        assert resident.served() == 0
    finally:
        resident.stop()
    (runtime / "shardlint").chmod(0o755)
    for action in ("run", "start"):
        proc = resident.run("daemon", action)
        assert proc.returncode == 1
        assert "is not a private folder of this user" in proc.stderr
    assert not list((runtime / "shardlint").glob("*.log"))  # nothing written where others may reach


def test_start_status_stop_and_one_checker_per_installation(runtime: Path):
    resident = Daemon(runtime)
    started = resident.run("daemon", "start", "--idle-timeout", "5")
    assert started.returncode == 0, started.stderr
    assert "resident checker started" in started.stdout
    try:
        assert "already runs" in resident.run("daemon", "start").stdout
        second = resident.run("daemon", "run")
        assert second.returncode == 1 and "already runs for this installation" in second.stderr
        assert resident.run("examples/fsdp2-good.yaml").returncode == 0
        assert resident.served() == 1
    finally:
        stopped = resident.run("daemon", "stop")
    assert stopped.returncode == 0 and "stopped the resident checker" in stopped.stdout
    deadline = time.monotonic() + 30
    while resident.status() is not None:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "no resident checker runs" in resident.run("daemon", "stop").stdout


def test_an_idle_checker_stops_by_itself(runtime: Path):
    resident = Daemon(runtime)
    resident.start("--idle-timeout", "0.02")  # minutes: 1.2 s
    assert resident.proc is not None and resident.proc.wait(timeout=30) == 0
    assert not list((runtime / "shardlint").glob("*.sock"))


def test_the_caller_imports_almost_nothing(daemon: Daemon, tmp_path: Path):
    """What the caller pays is the interpreter's start and a socket: no argument parser, no YAML."""
    before = daemon.served()
    listing = tmp_path / "modules.txt"
    probe = ("import sys\nfrom shardlint.cli import entry\nlisting = sys.argv.pop()\ncode = entry()\n"
             "open(listing, 'w').write(' '.join(sorted(sys.modules)))\nsys.exit(code)\n")
    proc = subprocess.run([sys.executable, "-c", probe, "check", "examples/fsdp2-good.yaml", str(listing)],
                          cwd=ROOT, env=daemon.env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert daemon.served() == before + 1
    modules = set(listing.read_text(encoding="utf-8").split())
    assert not modules & {"argparse", "yaml", "json", "pathlib", "typing", "shardlint.lint", "shardlint.parser"}


def test_runs_in_parallel_each_get_their_own_output(daemon: Daemon):
    """pre-commit starts several checks at once: each is forked and answered on its own."""
    before = daemon.served()
    paths = ["examples/fsdp1-bad.yaml", "examples/ds_config_bad.json", "examples/deepspeed-bad.yaml"] * 2
    callers = [subprocess.Popen([sys.executable, "-m", "shardlint", "check", "--format", "json", path], cwd=ROOT,
                                env=daemon.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for path in paths]
    outputs = [caller.communicate(timeout=120) + (caller.returncode,) for caller in callers]
    assert daemon.served() == before + len(paths)
    for path, output in zip(paths, outputs):
        alone = daemon.run("check", "--format", "json", path, through=False)
        assert output == (alone.stdout.encode(), alone.stderr.encode(), alone.returncode)


def test_a_resident_checker_that_does_not_answer_is_passed_over(own_daemon: Daemon, tmp_path: Path):
    """A stopped (or overloaded) resident checker: after a few seconds the caller checks in its own
    process, and the run the resident checker forks later writes nothing."""
    assert own_daemon.proc is not None
    out = tmp_path / "out.txt"
    os.kill(own_daemon.proc.pid, signal.SIGSTOP)
    try:
        with open(out, "wb") as stdout:
            code = subprocess.run([sys.executable, "-m", "shardlint", "check", "examples/fsdp1-bad.yaml"], cwd=ROOT,
                                  env=own_daemon.env, stdout=stdout, stderr=subprocess.PIPE, timeout=60).returncode
    finally:
        os.kill(own_daemon.proc.pid, signal.SIGCONT)
    deadline = time.monotonic() + 30
    while own_daemon.served() == 0:  # the request waiting in its queue is taken now, and dropped
        assert time.monotonic() < deadline
        time.sleep(0.05)
    time.sleep(0.5)
    alone = own_daemon.run("check", "examples/fsdp1-bad.yaml", through=False)
    assert (code, out.read_text(encoding="utf-8")) == (alone.returncode, alone.stdout)


def test_the_language_server_runs_forked_too(daemon: Daemon, tmp_path: Path):
    """``shardlint lsp`` is handed over as well: an editor's server answers at once, the same way."""
    pytest.importorskip("pygls.lsp.server")
    from tests.lsp.rpc import LspClient

    (tmp_path / ".git").mkdir()
    config = write(tmp_path, "fsdp.yaml", (ROOT / "examples" / "fsdp1-bad.yaml").read_text(encoding="utf-8"))
    before = daemon.served()
    answers = []
    for env in (daemon.env, {**daemon.env, "SHARDLINT_NO_DAEMON": "1"}):
        client = LspClient(tmp_path, env)
        try:
            capabilities = client.initialize(tmp_path)["capabilities"]
            uri = client.open(config)
            diagnostics = client.diagnostics(uri)
            hover = client.request("textDocument/hover", {"textDocument": {"uri": uri},
                                                          "position": {"line": 6, "character": 4}})
        finally:
            status = client.close()
        answers.append((capabilities, diagnostics, hover, status))
    assert daemon.served() == before + 1
    assert answers[0] == answers[1]
    assert answers[0][3] == 0 and {d["code"] for d in answers[0][1]} >= {"ACC006", "FSDP100"}


@pytest.mark.parametrize("answer, code", [(b"refused another installation\n", None), (b"pid 99999999\n", 2), (b"", None)])
def test_what_the_caller_does_with_each_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str], answer: bytes, code: int | None):
    """Refused or no answer: the caller runs the check itself (None). A forked run that started and
    then ended without its status: an error, never a second run."""
    import threading

    from shardlint.resident import client, socket_path

    # the process's own standard streams (pytest's capture objects have no encoding to pass on)
    monkeypatch.setattr(client, "_STREAMS", (sys.__stdin__, sys.__stdout__, sys.__stderr__))
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    monkeypatch.setenv("SHARDLINT_NO_DAEMON", "")
    path = socket_path()
    os.mkdir(os.path.dirname(path), mode=0o700)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(30)

    def resident() -> None:
        conn, _ = listener.accept()
        reply = conn.makefile("rb")
        assert marshal.loads(reply.read(int.from_bytes(reply.read(4), "big")))["argv"] == ["check", "x.yaml"]
        conn.sendall(answer)
        if answer.startswith(b"pid "):
            _go, fds, _flags, _addr = socket.recv_fds(conn, 16, 3)
            assert len(fds) == 3
            for fd in fds:
                os.close(fd)
        conn.close()  # a forked run that died, or a checker that refused or went away

    thread = threading.Thread(target=resident)
    thread.start()
    try:
        assert client.delegate(["check", "x.yaml"]) == code
    finally:
        thread.join(timeout=30)
        listener.close()
    said = capsys.readouterr().err
    assert ("ended without an exit status" in said) == (code == 2)
