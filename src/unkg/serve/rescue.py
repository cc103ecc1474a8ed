"""The last act of a server process that must end at once: a query on its event loop ran past the timeout,
or the process passed its memory limit.

Nothing the event loop owns can be trusted to answer any more (it is stuck in
a query that pyoxigraph cannot cancel, or memory is running out), so the
watchdog thread answers instead, straight on the process's sockets, then the
process ends (and the query with it):

- the request(s) to blame get 503 ``timeout`` (the runaway on the loop), or
  503 ``memory-limit`` (every query running when the limit was passed: which
  of them took the memory cannot be told);
- every other request the process had started on, or whose bytes wait unread
  on its connection, gets 503 ``overloaded`` ("restarting");
- idle keep-alive connections are closed, which HTTP clients expect of any
  server at any time.

Each answer carries ``Retry-After`` and ``Connection: close``, and the same
JSON error shape as every other error. The connections are this process's
TCP sockets with a peer (from ``/proc/self/fd``; Linux), plus those the
supervisor handed over and the process had not yet taken up. A request is
told from another by its client address (host, port), as the ASGI scope
gives it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from collections.abc import Iterator
from http import HTTPStatus
from typing import Any

TIMED_OUT = "the query ran past the limit of {timeout:g} s; this server process restarts to stop it"
MEMORY = (
    "the server process passed its memory limit of {limit} MiB while this query ran (a query that sorts, groups "
    "or joins much of the store needs more: narrow it; LIMIT does not bound what ORDER BY holds); "
    "the process restarts to free the memory"
)
MISPREDICTED = (
    "the query ran past {limit:g} s on the server's fast lane, where queries of its shape had been quick, and "
    "was stopped there (the server process restarts); send it again: it then runs where it may take its time"
)
RESTARTING = "this server process is restarting; try again"


def response(status: int, code: str, message: str, retry_after: int) -> bytes:
    """A whole HTTP/1.1 error response of the documented shape, closing the connection."""
    body = json.dumps({"error": {"status": status, "code": code, "message": message}}, ensure_ascii=False) + "\n"
    data = body.encode()
    retry = f"retry-after: {retry_after}\r\n" if status == 503 else ""
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\n"
        "content-type: application/json\r\n"
        f"{retry}"
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


def read_waiting(sock: socket.socket) -> bool:
    """True when request bytes wait unread on the connection (they are read, so that closing sends no reset)."""
    found = False
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536, socket.MSG_DONTWAIT):
            found = True
            if len(chunk) < 65536:
                break
    return found


def answer(sock: socket.socket, message: bytes | None) -> bool:
    """Send ``message`` (if any) on a connection and shut it down; True when the message went out."""
    sent = False
    with contextlib.suppress(OSError):
        if message is not None:
            sock.setblocking(True)
            sock.settimeout(1.0)
            sock.sendall(message)
            sent = True
        sock.shutdown(socket.SHUT_RDWR)
    return sent


def answer_all(blamed: dict[Any, bytes], active: Any, retry_after: int) -> int:
    """Answer and close every connection of this process as the module says; how many got a 503.

    ``blamed`` maps the client address of a request to blame to its answer; ``active`` holds the client
    addresses of every request being answered.
    """
    blamed_peers = {tuple(client[:2]): message for client, message in blamed.items() if client}
    active_peers = {tuple(c[:2]) for c in active if c}
    restarting = response(503, "overloaded", RESTARTING, retry_after)
    answered = 0
    for sock, peer in connections():
        with sock:
            message = blamed_peers.get(peer)
            if message is None and (read_waiting(sock) or peer in active_peers):
                message = restarting
            answered += answer(sock, message)
    return answered
