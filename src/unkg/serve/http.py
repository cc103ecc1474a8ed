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

``unkg serve`` runs uvicorn with it (``uvicorn.Config(http=Protocol)``). It
relies on uvicorn's httptools protocol (the parser state it keeps for a
request and ``on_response_complete``); ``pyproject.toml`` bounds uvicorn's
version accordingly and the endpoint's tests run both ways.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httptools
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol, RequestResponseCycle


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
    """uvicorn's httptools protocol on a ``GatheringTransport``, answering the endpoint's fast requests at once."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(GatheringTransport(transport, self.loop))  # type: ignore[arg-type]
        self.answered: RequestResponseCycle | None = None  # stands for requests answered at once (see answer_now)

    def on_headers_complete(self) -> None:
        if not self.answer_now():
            super().on_headers_complete()

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
