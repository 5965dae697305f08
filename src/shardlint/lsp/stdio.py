"""LSP's base protocol over a byte stream: header framing, JSON decoding, one message at a time.

This replaces pygls' reading loop (2.1, ``pygls/io_.py:run_async``), which knows only the
exact header line ``Content-Length: N\\r\\n`` and, after a header block without one, reads
the following bodies as header lines: every later message is lost while the server
stays alive but deaf.  Here header names match in any case (as vscode-jsonrpc's reader
does), a body that is not JSON is answered with -32700 (id null, JSON-RPC 2.0, section 5),
and a header block without a usable ``Content-Length`` is fatal, as it is for
vscode-jsonrpc and lsp4j: where the next message starts cannot be known any more.  The
server then stops with a message and exit code 1, which an editor reports (and may
restart from), instead of ignoring everything that follows.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Awaitable, Protocol

from shardlint.lsp.protocol import PARSE_ERROR, ShardlintProtocol

log = logging.getLogger(__name__)


class AsyncReader(Protocol):
    def readline(self) -> Awaitable[bytes]: ...

    def readexactly(self, n: int) -> Awaitable[bytes]: ...


class FramingError(Exception):
    """The stream broke the base protocol's framing; no later message can be found reliably."""


async def read_headers(reader: AsyncReader) -> dict[str, str] | None:
    """The next header block, names lowercased; None at the end of input."""
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if not line:
            return None
        text = line.decode("ascii", "replace").strip()
        if not text:
            if headers:
                return headers
            continue  # blank lines between messages carry nothing
        name, colon, value = text.partition(":")
        if not colon:
            raise FramingError(f"expected a header line such as 'Content-Length: 42', got {text[:80]!r}")
        headers[name.strip().lower()] = value.strip()


def content_length(headers: dict[str, str]) -> int:
    value = headers.get("content-length")
    if value is None:
        raise FramingError(f"a message header without Content-Length ({'; '.join(map(': '.join, headers.items()))})")
    if not value.isdigit():
        raise FramingError(f"Content-Length is not a number: {value!r}")
    return int(value)


def dispatch(protocol: ShardlintProtocol, body: bytes) -> None:
    """Decode one message body and hand it to the protocol; a body that is not JSON is answered."""
    try:
        data: Any = json.loads(body)
    except ValueError as exc:  # not JSON, or not UTF-8
        log.warning("answered a message that is not JSON with error %d: %s", PARSE_ERROR, exc)
        protocol.send_error(None, PARSE_ERROR, f"the message is not valid JSON: {exc}")
        return
    try:
        protocol.handle_message(protocol.decode(data))
    except Exception:  # a bug while handling one message must not stop the server
        log.exception("failed to handle a message")


async def serve_stream(reader: AsyncReader, protocol: ShardlintProtocol, stop: threading.Event) -> None:
    """Read and handle messages until the end of input (or ``stop``); raises :class:`FramingError`."""
    while not stop.is_set():
        headers = await read_headers(reader)
        if headers is None:
            return
        length = content_length(headers)
        body = await reader.readexactly(length)
        if len(body) < length:  # the input ended inside a message
            return
        dispatch(protocol, body)
