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

``unkg serve`` runs uvicorn with it (``uvicorn.Config(http=Protocol)``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


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


class Protocol(HttpToolsProtocol):
    """uvicorn's httptools protocol on a ``GatheringTransport``."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(GatheringTransport(transport, self.loop))  # type: ignore[arg-type]
