"""uvicorn's HTTP/1.1 protocol, answering each response with one system call.

uvicorn writes a response's head and its body with two transport writes, so
a small answer (a lookup: a few hundred bytes) costs two ``send`` system calls
and two TCP segments, each waking the client. ``Protocol`` gives uvicorn a
transport that gathers what is written in one turn of the event loop and
sends it at the end of that turn, in one call: head and body together. The
delay is nothing (the same turn), and a streamed body still goes out chunk by
chunk, since the application yields between chunks. On loopback under load
this halves the server's system time per lookup (measured in
``benchmarks/serve_throughput.py``).

It also answers the endpoint's fast requests at once. A GET or HEAD of
``/sparql`` whose query runs in the fast lane (``pool``: a shape known to be
fast, run on the event loop) needs nothing asynchronous, so the protocol asks
the application for the whole answer (``Endpoint.answer_now``) as soon as the
request's head is in, and writes it: no ASGI task, event or message dicts for
it. Anything else (other paths and methods, a body, ``Expect``, pipelined
requests still being answered, queries not in the fast lane, every refusal
and error) goes uvicorn's ASGI way as before, to the same application.

It also bounds what a client can hold: a request's head (request line and
headers) must arrive whole within ``header_timeout`` seconds of the
connection's start, or of its first byte for a later request on a kept-alive
connection (else 408 and the connection closes), and be at most ``MAX_HEAD``
bytes (else 431); one client address holds at most
``MAX_CONNECTIONS_PER_CLIENT`` open connections to a server process (past
that, 503 at once). So half-sent heads cannot pile up until the process runs
out of file descriptors.

``unkg serve`` runs uvicorn with it (``uvicorn.Config(http=Protocol)``). It
relies on uvicorn's httptools protocol (the parser state it keeps for a
request and ``on_response_complete``); ``pyproject.toml`` bounds uvicorn's
version accordingly and the endpoint's tests run both ways.
"""

from __future__ import annotations

import asyncio
import collections
from typing import Any, ClassVar

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle

from unkg.serve.rescue import response

MAX_HEAD = 32 * 1024  # bytes of a request line and headers (nginx's default buffers hold 4 x 8 KiB)
MAX_CONNECTIONS_PER_CLIENT = 256  # open connections of one client address to one server process
DEFAULT_HEADER_TIMEOUT = 10.0  # seconds, when the application does not say (Settings.header_timeout)


class GatheringTransport:
    """A transport whose writes of one event-loop turn go out together; everything else is the real one's."""

    __slots__ = ("_loop", "_pending", "_transport")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not data:
            return
        if not self._pending:
            self._loop.call_soon(self.flush)
        self._pending.append(data)

    def writelines(self, lines: Any) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        if not self._pending:
            return
        data = self._pending[0] if len(self._pending) == 1 else b"".join(self._pending)
        self._pending.clear()
        if not self._transport.is_closing():
            self._transport.write(data)

    def write_now(self, data: bytes) -> None:
        """Send ``data`` now, after whatever this turn has gathered (one response made whole: nothing to wait for)."""
        if self._pending:
            self._pending.append(data)
            self.flush()
        elif not self._transport.is_closing():
            self._transport.write(data)

    def get_write_buffer_size(self) -> int:
        return self._transport.get_write_buffer_size() + sum(map(len, self._pending))

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


ENDPOINT = b"/sparql"


class Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on a ``GatheringTransport``, answering the endpoint's fast requests at once,
    with bounds on the time and size of a request's head and on the connections of one client (see the module)."""

    open_connections: ClassVar[collections.Counter[Any]] = collections.Counter()  # client host -> connections, this process

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(GatheringTransport(transport, self.loop))  # type: ignore[arg-type]
        self.answered: RequestResponseCycle | None = None  # stands for requests answered at once (see answer_now)
        self.in_head = True  # between a request's first byte (or the connection's start) and its last header
        self.head_bytes = 0
        self.head_timer: asyncio.TimerHandle | None = None
        self.host = self.client[0] if self.client else None
        Protocol.open_connections[self.host] += 1
        if Protocol.open_connections[self.host] > MAX_CONNECTIONS_PER_CLIENT:
            self.refuse(503, "overloaded", f"{MAX_CONNECTIONS_PER_CLIENT} connections from {self.host} are open "
                        "already; close some, or reuse them (keep-alive)")  # fmt: skip
            return
        self.arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_head_timer()
        if self.host in Protocol.open_connections:
            Protocol.open_connections[self.host] -= 1
            if Protocol.open_connections[self.host] <= 0:
                del Protocol.open_connections[self.host]
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.transport.is_closing():
            return
        counting = self.in_head
        if counting:
            self.head_bytes += len(data)
        super().data_received(data)
        if counting and self.in_head and self.head_bytes > MAX_HEAD:  # every byte fed so far was head
            self.refuse(431, "header-too-large", f"the request's head is over the limit of {MAX_HEAD} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self.in_head:  # a later request on a kept-alive connection: its head has the same time
            self.in_head = True
            self.head_bytes = 0
            self.arm_head_timer()

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.cancel_head_timer()
        if not self.answer_now():
            super().on_headers_complete()

    def arm_head_timer(self) -> None:
        if self.head_timer is None:
            state = getattr(self.app, "state", None)
            settings = getattr(state, "settings", None)
            timeout = getattr(settings, "header_timeout", DEFAULT_HEADER_TIMEOUT)
            self.head_timer = self.loop.call_later(timeout, self.head_timed_out, timeout)

    def cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def head_timed_out(self, timeout: float) -> None:
        self.head_timer = None
        if self.in_head and not self.transport.is_closing():
            self.refuse(408, "request-timeout", f"the request's head did not arrive whole within {timeout:g} s")

    def refuse(self, status: int, code: str, message: str) -> None:
        """Answer ``status`` in the documented error shape and close the connection."""
        self.cancel_head_timer()
        self.transport.write_now(response(status, code, message, retry_after=5))  # type: ignore[attr-defined]
        self.transport.close()

    def answer_now(self) -> bool:
        """Answer the request whose head is in, if the application can at once; True when it did."""
        answer_now = getattr(self.app, "answer_now", None)
        if (
            answer_now is None
            or self.expect_100_continue
            or (self.cycle is not None and not self.cycle.response_complete)  # an earlier request still runs
            or self.pipeline
            or self.parser.should_upgrade()
        ):
            return False
        method = self.parser.get_method()
        if method not in (b"GET", b"HEAD"):
            return False
        try:
            url = httptools.parse_url(self.url)
        except httptools.HttpParserInvalidURLError:
            return False
        if url.path != ENDPOINT or not url.query:
            return False
        for name, _value in self.headers:
            if name in (b"content-length", b"transfer-encoding"):
                return False
        try:
            result = answer_now(method, url.query, self.headers, self.client)
        except Exception:  # the ASGI way answers it (and reports what went wrong in the documented shape)
            return False
        if result is None:
            return False
        status, headers, body = result
        keep_alive = self.parser.get_http_version() == "1.1" and self.parser.should_keep_alive()
        head = [STATUS_LINE[status]]
        for name, value in (*self.server_state.default_headers, *headers):
            head += [name, b": ", value, b"\r\n"]
        if not keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        if method != b"HEAD":
            head.append(body)
        self.transport.write_now(b"".join(head))  # type: ignore[attr-defined]
        # What uvicorn keeps of the last request: a cycle that is over, so the parser's later callbacks
        # (on_message_complete) and the connection's end leave it alone.
        if self.answered is None:
            self.answered = RequestResponseCycle(
                scope=self.scope,
                transport=self.transport,
                flow=self.flow,
                logger=self.logger,
                access_logger=self.access_logger,
                access_log=False,
                default_headers=[],
                message_event=asyncio.Event(),
                expect_100_continue=False,
                keep_alive=True,
                on_response=self.on_response_complete,
            )
            self.answered.response_complete = True
        self.cycle = self.answered
        if not keep_alive:
            self.transport.close()
        self.on_response_complete()
        return True
