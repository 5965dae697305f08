"""A small LSP client over a real ``shardlint lsp`` subprocess's stdio, with timeouts."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any, Callable

TIMEOUT = 10.0
LANGUAGES = {".json": "json", ".sh": "shellscript", ".md": "markdown"}  # VS Code's language ids


class ServerError(AssertionError):
    pass


class LspClient:
    def __init__(self, cwd: Path, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "shardlint", "lsp"], cwd=cwd,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, **(env or {})})
        self.next_id = 0
        self.responses: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.notifications: queue.Queue[dict[str, Any]] = queue.Queue()
        self.handlers: dict[str, Callable[[Any], Any]] = {}
        self.capabilities: dict[str, Any] = {}  # the server's, once initialized
        self.log: str | None = None  # its stderr, read when it has exited
        self.lock = threading.Lock()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # --- wire -------------------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        self.send_raw(json.dumps({"jsonrpc": "2.0", **message}).encode())

    def send_raw(self, body: bytes) -> None:
        assert self.proc.stdin is not None
        with self.lock:
            self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
            self.proc.stdin.flush()

    def _read(self) -> None:
        stream = self.proc.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            if length is None:
                continue
            message = json.loads(stream.read(length))
            if "id" in message and "method" in message:  # a request from the server
                handler = self.handlers.get(message["method"])
                self._send({"id": message["id"], "result": handler(message.get("params")) if handler else None})
            elif "id" in message:
                self.responses.setdefault(message["id"], queue.Queue()).put(message)
            else:
                self.notifications.put(message)

    # --- API --------------------------------------------------------------------------

    def request(self, method: str, params: Any, timeout: float = TIMEOUT) -> Any:
        self.next_id += 1
        msg_id = self.next_id
        box = self.responses.setdefault(msg_id, queue.Queue())
        self._send({"id": msg_id, "method": method, "params": params})
        try:
            reply = box.get(timeout=timeout)
        except queue.Empty:
            raise ServerError(f"no answer to {method} within {timeout}s; stderr: {self.stderr()}") from None
        if "error" in reply:
            raise ServerError(f"{method} failed: {reply['error']}")
        return reply.get("result")

    def reply(self, message: Any, timeout: float = TIMEOUT) -> dict[str, Any]:
        """Send ``message`` exactly as given (any envelope, any params) and return the whole reply
        to its id (or to id null), error or not."""
        key = message.get("id") if isinstance(message, dict) else None
        box = self.responses.setdefault(key, queue.Queue())
        self.send_raw(json.dumps(message).encode())
        return self.wait_reply(key, timeout, box)

    def wait_reply(self, key: Any, timeout: float = TIMEOUT,
                   box: queue.Queue[dict[str, Any]] | None = None) -> dict[str, Any]:
        box = box or self.responses.setdefault(key, queue.Queue())
        try:
            return box.get(timeout=timeout)
        except queue.Empty:
            raise ServerError(f"no reply to id {key!r} within {timeout}s; stderr: {self.stderr()}") from None

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    def wait_for(self, method: str, predicate: Callable[[Any], bool] = lambda p: True,
                 timeout: float = TIMEOUT) -> Any:
        """The params of the next ``method`` notification that satisfies ``predicate``."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerError(f"no {method} notification within {timeout}s; stderr: {self.stderr()}")
            try:
                message = self.notifications.get(timeout=remaining)
            except queue.Empty:
                continue
            if message.get("method") == method and predicate(message.get("params")):
                return message["params"]

    def diagnostics(self, uri: str, timeout: float = TIMEOUT, version: int | None = None) -> list[dict[str, Any]]:
        params = self.wait_for(
            "textDocument/publishDiagnostics",
            lambda p: p["uri"] == uri and (version is None or p.get("version") == version), timeout)
        return params["diagnostics"]

    def initialize(self, root: Path, capabilities: dict[str, Any] | None = None,
                   options: Any = None) -> dict[str, Any]:
        caps = capabilities if capabilities is not None else {
            "workspace": {"workspaceEdit": {"documentChanges": True}},
            "textDocument": {"publishDiagnostics": {}, "hover": {"contentFormat": ["markdown"]}},
        }
        result = self.request("initialize", {"processId": os.getpid(), "rootUri": root.as_uri(),
                                             "capabilities": caps, "initializationOptions": options})
        self.notify("initialized", {})
        return result

    def open(self, path: Path, text: str | None = None, version: int = 1) -> str:
        uri = path.resolve().as_uri()
        language = LANGUAGES.get(path.suffix, "makefile" if path.name == "Makefile" else "yaml")
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": language, "version": version,
            "text": path.read_text(encoding="utf-8") if text is None else text}})
        return uri

    def change(self, uri: str, text: str, version: int) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                               "contentChanges": [{"text": text}]})

    def stderr(self) -> str:
        """What the server wrote to stderr (once it has exited)."""
        if self.proc.poll() is None:
            return "(server still running)"
        if self.log is None:
            assert self.proc.stderr is not None
            self.log = self.proc.stderr.read().decode(errors="replace")
        return self.log

    def close(self) -> int:
        """Shut the server down politely; kill it if it does not go."""
        try:
            if self.proc.poll() is None:
                self.request("shutdown", None, timeout=5)
                self.notify("exit", None)
            return self.proc.wait(timeout=5)
        except (ServerError, OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=5)
            return -9
        finally:
            self.stderr()
            for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                if stream is not None:
                    stream.close()
