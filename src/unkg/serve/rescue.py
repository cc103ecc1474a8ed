"""The last act of a server process whose query on the event loop ran past the timeout.

The event loop is stuck in that query (pyoxigraph cannot cancel it), so
nothing the loop owns can answer any more. The watchdog thread answers
instead, straight on the process's sockets, then the process ends (and the
query with it):

- the runaway's request gets 503 ``timeout``;
- every other request the process had started on, or whose bytes wait unread
  on its connection, gets 503 ``overloaded`` ("restarting");
- idle keep-alive connections are closed, which HTTP clients expect of any
  server at any time.

Each answer carries ``Retry-After`` and ``Connection: close``, and the same
JSON error shape as every other error. The connections are this process's
TCP sockets with a peer (from ``/proc/self/fd``; Linux). A request is told
from another by its client address (host, port), as the ASGI scope gives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from typing import Any

TIMED_OUT = "the query ran past the limit of {timeout:g} s; this server process restarts to stop it"
RESTARTING = "this server process is restarting (a query ran past the time limit); try again"


def response(status: int, code: str, message: str, retry_after: int) -> bytes:
    """A whole HTTP/1.1 error response of the documented shape, closing the connection."""
    body = json.dumps({"error": {"status": status, "code": code, "message": message}}, ensure_ascii=False) + "\n"
    data = body.encode()
    reason = {503: "Service Unavailable"}.get(status, "Error")
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json\r\n"
        f"retry-after: {retry_after}\r\n"
        "access-control-allow-origin: *\r\n"
        "connection: close\r\n"
        f"content-length: {len(data)}\r\n\r\n"
    )
    return head.encode("latin-1") + data


def connections() -> Iterator[tuple[socket.socket, tuple[str, int]]]:
    """This process's connected TCP sockets (duplicates of their descriptors) and their peers."""
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        try:
            if not os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                continue
            sock = socket.socket(fileno=os.dup(fd))
        except OSError:
            continue
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or sock.type != socket.SOCK_STREAM:
            sock.close()
            continue
        try:
            peer = sock.getpeername()
        except OSError:  # a listening socket
            sock.close()
            continue
        yield sock, (peer[0], peer[1])


def _waiting(sock: socket.socket) -> bool:
    """True when request bytes wait unread on the connection (they are read, so that closing sends no reset)."""
    found = False
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536, socket.MSG_DONTWAIT):
            found = True
            if len(chunk) < 65536:
                break
    return found


def answer_all(runaway: Any, active: Any, timeout: float, retry_after: int) -> int:
    """Answer and close every connection of this process as the module says; how many got a 503."""
    runaway_peer = tuple(runaway[:2]) if runaway else None
    active_peers = {tuple(c[:2]) for c in active if c}
    timed_out = response(503, "timeout", TIMED_OUT.format(timeout=timeout), retry_after)
    restarting = response(503, "overloaded", RESTARTING, retry_after)
    answered = 0
    for sock, peer in connections():
        with sock:
            message = None
            if peer == runaway_peer:
                message = timed_out
            elif _waiting(sock) or peer in active_peers:
                message = restarting
            with contextlib.suppress(OSError):
                if message is not None:
                    sock.setblocking(True)
                    sock.settimeout(1.0)
                    sock.sendall(message)
                    answered += 1
                sock.shutdown(socket.SHUT_RDWR)
    return answered
