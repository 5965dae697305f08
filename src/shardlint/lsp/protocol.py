"""The message rules pygls 2 leaves out, so that every request gets an answer.

pygls (2.1, ``pygls/protocol/json_rpc.py``) raises from ``structure_message`` when a
request's params do not fit the LSP types, and the reading loop only logs that
(and shows the client an "Invalid Params" popup): the request is never answered.
It drops requests after ``shutdown`` without a reply and answers requests that
come before ``initialize``.  Here, as the LSP specification asks:

- params that do not fit (a negative line, a missing ``position``, ``[1]``) answer
  -32602 InvalidParams; a message that is not a JSON-RPC request answers -32600;
- a request before ``initialize`` answers -32002 ServerNotInitialized, and a
  notification other than ``exit`` is dropped;
- a request after ``shutdown`` answers -32600 InvalidRequest.
"""

from __future__ import annotations

import logging
from typing import Any, NamedTuple

from lsprotocol import types
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INVALID_PARAMS = -32602
SERVER_NOT_INITIALIZED = -32002


class Rejected(NamedTuple):
    """A message that cannot be handled, with the error its sender gets (when it is a request)."""

    id: int | str | None
    method: str | None
    code: int
    message: str
    answer: bool  # a request (or an unidentifiable message) is answered; a notification is not


def _usable_id(value: Any) -> bool:
    return isinstance(value, (int, str)) and not isinstance(value, bool)


def envelope_problem(data: Any) -> Rejected | None:
    """What is wrong with a decoded message's JSON-RPC envelope, before its params are looked at."""
    if not isinstance(data, dict):
        return Rejected(None, None, INVALID_REQUEST, "a message must be a JSON object", True)
    msg_id, method = data.get("id"), data.get("method")
    if data.get("jsonrpc") != "2.0":
        problem = 'a message must have "jsonrpc": "2.0"'
    elif "method" in data and not isinstance(method, str):
        problem = "the method must be a string"
    elif "id" in data and not _usable_id(msg_id):
        problem = "the id must be an integer or a string"
    elif "method" not in data and not any(k in data for k in ("result", "error")):
        problem = "a message must have a method, a result or an error"
    else:
        return None
    is_notification = isinstance(method, str) and "id" not in data
    return Rejected(msg_id if _usable_id(msg_id) else None, method if isinstance(method, str) else None,
                    INVALID_REQUEST, problem, not is_notification)


class ShardlintProtocol(LanguageServerProtocol):
    """pygls' LSP protocol with the specification's answers for bad, early and late requests."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initialize_received = False

    def decode(self, data: Any) -> Any:
        """A decoded JSON value as a pygls message, or a :class:`Rejected` one."""
        problem = envelope_problem(data)
        if problem is not None:
            return problem
        try:
            return self.structure_message(data)
        except Exception as exc:  # pygls logs the details; the sender learns which message failed
            method = data.get("method")
            if method is None:  # a response to one of our requests: fail that request's future
                future = self._request_futures.pop(data["id"], None)
                if future is not None:
                    future.set_exception(exc)
                return Rejected(data["id"], None, INVALID_PARAMS, f"a response that does not fit: {_cause(exc)}",
                                False)
            return Rejected(data.get("id"), method, INVALID_PARAMS,
                            f"invalid params for {method}: {_cause(exc)}", "id" in data)

    def handle_message(self, message: Any) -> None:
        if isinstance(message, Rejected):
            self.reject(message)
            return
        method = getattr(message, "method", None)
        is_request = method is not None and hasattr(message, "id")
        if method == types.INITIALIZE:
            self.initialize_received = True
        elif method is not None and method != types.EXIT:
            if not self.initialize_received:
                self.reject(Rejected(getattr(message, "id", None), method, SERVER_NOT_INITIALIZED,
                                     f"{method} before initialize", is_request))
                return
            if self._shutdown:
                self.reject(Rejected(getattr(message, "id", None), method, INVALID_REQUEST,
                                     f"{method} after shutdown", is_request))
                return
        super().handle_message(message)

    def reject(self, rejected: Rejected) -> None:
        if not rejected.answer:
            log.warning("ignored %s: %s", rejected.method or "a message", rejected.message or "invalid")
            return
        log.warning("answered %s with error %d: %s", rejected.method or "a message", rejected.code,
                    rejected.message)
        self.send_error(rejected.id, rejected.code, rejected.message)

    def send_error(self, msg_id: int | str | None, code: int, message: str) -> None:
        """An error response; ``id`` null when the request's id could not be read (JSON-RPC 2.0, 5)."""
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})


def _cause(exc: BaseException) -> str:
    """The innermost reason cattrs gave for a structuring failure, in one line."""
    while exc.__cause__ is not None:
        exc = exc.__cause__
    inner = getattr(exc, "exceptions", None)
    while inner:
        exc = inner[0]
        inner = getattr(exc, "exceptions", None)
    notes = getattr(exc, "__notes__", None)
    if isinstance(exc, KeyError):
        text = f"{exc.args[0]!r} is missing"
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"{text} ({notes[-1]})" if notes else text
