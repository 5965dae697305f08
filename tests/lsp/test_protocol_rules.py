"""Every request gets an answer, over stdio: bad params, bad envelopes, too early, too late, bad framing.

The codes are the LSP specification's: -32602 InvalidParams, -32600 InvalidRequest, -32700
ParseError (id null), -32002 ServerNotInitialized, and exit code 1 for ``exit`` without
``shutdown``.
"""

from __future__ import annotations

import json
import queue
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import write
from tests.lsp.rpc import TIMEOUT, LspClient

DS_OBJECT = '{\n  "zero_optimization": {"stage": 2},\n  "train_micro_batch_size_per_gpu": 1\n}\n'


def request(msg_id: int, method: str, params: Any) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}


def error_popups(lsp: LspClient) -> list[str]:
    """The error messages the server showed the user so far (drains the notification queue)."""
    shown = []
    while True:
        try:
            message = lsp.notifications.get_nowait()
        except queue.Empty:
            return shown
        params = message.get("params") or {}
        if message.get("method") == "window/showMessage" and params.get("type") == 1:
            shown.append(params["message"])


@pytest.fixture(scope="module")
def opened(client: LspClient, workspace: Path) -> str:
    uri = client.open(write(workspace, "accelerate.yaml", "distributed_type: FSDP\nmixed_precision: no\n"))
    client.diagnostics(uri)
    return uri


def position(line: int, character: int = 0) -> dict[str, int]:
    return {"line": line, "character": character}


INVALID_PARAMS = {
    "negative line": lambda uri: ("textDocument/hover", {"textDocument": {"uri": uri}, "position": position(-1)}),
    "line over uinteger": lambda uri: ("textDocument/hover",
                                       {"textDocument": {"uri": uri}, "position": position(2 ** 40)}),
    "missing position": lambda uri: ("textDocument/hover", {"textDocument": {"uri": uri}}),
    "params a list": lambda uri: ("textDocument/hover", [1]),
    "params null": lambda uri: ("textDocument/completion", None),
    "negative character": lambda uri: ("textDocument/completion",
                                       {"textDocument": {"uri": uri}, "position": position(0, -5)}),
    "incomplete diagnostic": lambda uri: ("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": position(1), "end": position(1, 5)},
        "context": {"diagnostics": [{"message": "no range"}]}}),
}


@pytest.mark.parametrize("case", list(INVALID_PARAMS))
def test_invalid_params_are_answered_with_32602(client: LspClient, opened: str, case: str) -> None:
    method, params = INVALID_PARAMS[case](opened)
    reply = client.reply(request(9000 + list(INVALID_PARAMS).index(case), method, params))
    assert reply["error"]["code"] == -32602, reply
    assert reply["error"]["message"].startswith(f"invalid params for {method}: ")
    hover = client.request("textDocument/hover", {"textDocument": {"uri": opened}, "position": position(1, 20)})
    assert "mixed_precision" in hover["contents"]["value"]  # still serving
    assert error_popups(client) == []


@pytest.mark.parametrize("line", [2 ** 31 - 1, 3])
def test_a_position_past_the_end_is_an_empty_answer(client: LspClient, opened: str, line: int) -> None:
    where = {"textDocument": {"uri": opened}, "position": position(line, 2 ** 31 - 1)}
    assert client.request("textDocument/hover", where) is None
    assert client.request("textDocument/completion", where) is not None
    actions = client.request("textDocument/codeAction", {
        "textDocument": {"uri": opened}, "range": {"start": where["position"], "end": where["position"]},
        "context": {"diagnostics": []}})
    assert actions is None or isinstance(actions, list)


@pytest.mark.parametrize(("message", "answered_id"), [
    ([1], None),
    ("hover", None),
    ({"jsonrpc": "2.0"}, None),
    ({"id": 77, "method": "textDocument/hover", "params": {}}, 77),  # no "jsonrpc"
    ({"jsonrpc": "1.0", "id": 78, "method": "textDocument/hover"}, 78),
    ({"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover"}, None),
    ({"jsonrpc": "2.0", "id": 79, "method": 5}, 79),
], ids=["array", "string", "empty", "no-jsonrpc", "jsonrpc-1.0", "object-id", "method-not-a-string"])
def test_a_message_that_is_not_a_request_is_answered_with_32600(
        client: LspClient, message: Any, answered_id: Any) -> None:
    box = client.responses.setdefault(answered_id, queue.Queue())
    client.send_raw(json.dumps(message).encode())
    reply = client.wait_reply(answered_id, box=box)
    assert reply["error"]["code"] == -32600 and reply["id"] == answered_id, reply
    assert error_popups(client) == []


def test_a_body_that_is_not_json_is_answered_with_32700_and_id_null(client: LspClient) -> None:
    box = client.responses.setdefault(None, queue.Queue())
    client.send_raw(b'{"jsonrpc": "2.0", "id": 5, "method": ')
    reply = client.wait_reply(None, box=box)
    assert reply == {"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": reply["error"]["message"]}}


def test_an_unknown_method_is_answered_with_32601(client: LspClient) -> None:
    assert client.reply(request(8100, "shardlint/nothing", {}))["error"]["code"] == -32601


def test_a_notification_with_invalid_params_is_dropped_quietly(client: LspClient, workspace: Path) -> None:
    client.notify("textDocument/didOpen", {"textDocument": {"uri": "file:///x.yaml", "version": "one"}})
    client.notify("textDocument/didChange", [1])
    assert client.request("textDocument/hover", {"textDocument": {"uri": "file:///x.yaml"},
                                                 "position": position(0)}) is None
    assert error_popups(client) == []


def test_hover_on_an_object_zero_optimization_does_not_describe_the_boolean_form(
        client: LspClient, workspace: Path) -> None:
    uri = client.open(write(workspace, "ds_config.json", DS_OBJECT))
    hover = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position(1, 6)})
    text = hover["contents"]["value"]
    assert text.startswith("**zero_optimization**") and "ZeRO settings" in text
    assert "Deprecated" not in text and "`true`" not in text and "**Type:** `object`" in text
    client.change(uri, '{"zero_optimization": true}\n', 2)
    boolean = client.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position(0, 6)})
    assert "**Deprecated.** true means stage 1" in boolean["contents"]["value"]


# --- the lifecycle -------------------------------------------------------------------

def test_before_initialize_a_request_gets_32002_and_a_notification_is_dropped(tmp_path: Path) -> None:
    lsp = LspClient(tmp_path)
    try:
        path = write(tmp_path, "accelerate.yaml", "distributed_type: FSDP\nmixed_precision: no\n")
        uri = lsp.open(path)  # dropped: no diagnostics follow
        reply = lsp.reply(request(1000, "textDocument/hover", {"textDocument": {"uri": uri}, "position": position(1)}))
        assert reply["error"]["code"] == -32002, reply
        assert reply == lsp.reply(request(1000, "textDocument/hover", {"textDocument": {"uri": uri},
                                                                      "position": position(1)}))
        lsp.initialize(tmp_path)
        assert lsp.request("textDocument/hover", {"textDocument": {"uri": uri}, "position": position(1)}) is None
        lsp.open(path, version=2)
        first = lsp.wait_for("textDocument/publishDiagnostics", lambda p: p["uri"] == uri)
        assert first["version"] == 2 and "YAML120" in [d["code"] for d in first["diagnostics"]]
    finally:
        assert lsp.close() == 0


def test_after_shutdown_a_request_gets_32600_and_exit_then_exits_0(tmp_path: Path) -> None:
    lsp = LspClient(tmp_path)
    lsp.initialize(tmp_path)
    assert lsp.request("shutdown", None) is None
    reply = lsp.reply(request(2000, "textDocument/hover", {"textDocument": {"uri": "file:///a.yaml"},
                                                          "position": position(0)}))
    assert reply["error"]["code"] == -32600, reply
    lsp.notify("exit", None)
    assert lsp.proc.wait(timeout=TIMEOUT) == 0


@pytest.mark.parametrize("initialized", [True, False])
def test_exit_without_shutdown_exits_1(tmp_path: Path, initialized: bool) -> None:
    lsp = LspClient(tmp_path)
    if initialized:
        lsp.initialize(tmp_path)
    lsp.notify("exit", None)
    assert lsp.proc.wait(timeout=TIMEOUT) == 1


# --- framing --------------------------------------------------------------------------

def _server() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "shardlint", "lsp"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


INITIALIZE = json.dumps(request(1, "initialize", {"capabilities": {}})).encode()


def test_a_header_without_content_length_stops_the_server_with_a_message(tmp_path: Path) -> None:
    proc = _server()
    stream = (b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" + INITIALIZE
              + b"Content-Length: %d\r\n\r\n" % len(INITIALIZE) + INITIALIZE)
    out, err = proc.communicate(stream, timeout=TIMEOUT)
    assert proc.returncode == 1 and out == b""
    assert err.decode() == ("shardlint lsp: ERROR: a message header without Content-Length (content-type: "
                            "application/vscode-jsonrpc; charset=utf-8): the message stream cannot be "
                            "followed any further, so the server stops\n")


@pytest.mark.parametrize("header", [b"Content-Length: x1\r\n\r\n", b"garbage without a colon\r\n\r\n"])
def test_an_unreadable_header_stops_the_server_too(header: bytes) -> None:
    proc = _server()
    out, err = proc.communicate(header + INITIALIZE, timeout=TIMEOUT)
    assert proc.returncode == 1 and b"cannot be followed any further" in err and b"Traceback" not in err


def test_header_names_in_any_case_and_bare_newlines_are_read() -> None:
    proc = _server()
    exit_ = json.dumps({"jsonrpc": "2.0", "method": "exit"}).encode()
    out, err = proc.communicate(b"content-length: %d\n\n" % len(INITIALIZE) + INITIALIZE
                                + b"CONTENT-LENGTH: %d\r\n\r\n" % len(exit_) + exit_, timeout=TIMEOUT)
    assert b'"id": 1' in out and b'"capabilities"' in out, err
    assert proc.returncode == 1  # exit without shutdown
