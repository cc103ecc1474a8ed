"""The server processes of ``unkg serve`` and their supervisor.

The supervisor binds the listening socket and starts ``processes`` server
processes (uvicorn, each running ``create_app``; ``spawn``, never ``fork``).
It alone accepts connections, and hands each one to its server processes in
turn (the descriptor passed over a Unix socket): with keep-alive clients a
shared listening socket lets the first process to wake take most connections
(7 of 8 in the benchmark), leaving the other idle. A process adopts what it
is handed on its event loop, as uvicorn's own connections. The supervisor
replaces a process that dies, and one that *retires*.

A server process retires when one of its queries in a query thread runs past
the timeout (pyoxigraph cannot cancel a query, and a thread cannot be
stopped; only the end of the process stops the query). It tells the
supervisor, which hands it no more connections and starts its replacement at
once, then stops (uvicorn's graceful shutdown), answers requests still queued
with 503, lets the queries already running end (each within the timeout), and
exits. (A query past the timeout on the event loop, the fast lane, cannot
wait for that: ``rescue`` answers and ends the process at once.) The bound on
a runaway query in a thread, started at ``t``:

- at ``t + timeout`` its request is answered 503 and its process retires;
- by ``t + 2 * timeout + GRACE`` the process has exited: its own timer ends it
  with ``os._exit`` whatever its threads do, and the supervisor kills it
  (SIGKILL) if it is still there.

Meanwhile the other processes and the replacement serve. Under another
supervisor (``uvicorn --workers N``, which restarts a process that dies) a
retiring process works the same, but its replacement starts only when it has
exited, and it cannot stop accepting before uvicorn's graceful shutdown: a
connection it accepted but had not yet read from when the shutdown began is
closed unanswered (a client retries such an idempotent request); a single
uvicorn process without a supervisor ends for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.connection import Connection, wait
from typing import Any

import uvicorn

logger = logging.getLogger("uvicorn.error")
GRACE = 1.0  # seconds past the second timeout before a retiring process is ended by force
POLL = 0.5  # seconds between two looks of the supervisor at its processes when nothing happens
ACCEPT_BATCH = 64  # connections accepted in one go before the supervisor looks at its processes again
EXIT_RETIRED = 75  # a retired process's exit status (EX_TEMPFAIL); uvicorn's own supervisor restarts it too
_CONTEXT = multiprocessing.get_context("spawn")

# --------------------------------------------------------------------------
# In a server process.
_channel: Connection | None = None  # to the supervisor of unkg serve, when there is one
_server: uvicorn.Server | None = None  # this process's server, when unkg serve started it
_handed: socket.socket | None = None  # where the supervisor hands this process its connections
_retired = threading.Event()


def notify(message: str) -> None:
    """Tell the supervisor (``ready`` or ``retiring``); nothing when there is none."""
    if _channel is not None:
        with contextlib.suppress(OSError):  # the supervisor is gone
            _channel.send(message)


def retire(timeout: float) -> None:
    """Have this server process drain and exit: at once for new connections, within ``timeout + GRACE`` at most."""
    if _retired.is_set():
        return
    _retired.set()
    logger.warning("a query ran past the timeout: this server process (%d) retires to stop it", os.getpid())
    notify("retiring")  # the supervisor hands it no more connections
    hard_stop = threading.Timer(timeout + GRACE, os._exit, (EXIT_RETIRED,))
    hard_stop.daemon = True
    hard_stop.start()
    if _server is not None:
        for listener in _server.servers:  # stop accepting now: the other processes take the new connections
            listener.close()
    stop_adopting()
    os.kill(os.getpid(), signal.SIGTERM)  # uvicorn's graceful shutdown: stop accepting, finish what is in flight


def rescue(blamed: dict[Any, bytes], active: Any, retry_after: int, why: str) -> None:
    """End this process from the watchdog thread: its event loop is stuck in a query past the timeout, or the
    process passed its memory limit (``why`` says which, for the log).

    The supervisor is told first (it starts the replacement), then every request of the process is answered
    on its socket (``rescue.answer_all``: those ``blamed`` with their answer, the others 503 "restarting"),
    connections handed over but not yet taken up too, then the process exits, which ends the query.
    """
    from unkg.serve.rescue import RESTARTING, answer, answer_all, read_waiting, response

    _retired.set()
    notify("retiring")
    try:
        answered = answer_all(blamed, active, retry_after)
        restarting = response(503, "overloaded", RESTARTING, retry_after)
        for connection in _not_taken_up():
            with connection:
                read_waiting(connection)  # what the client sent is read, so that closing sends no reset
                answered += answer(connection, restarting)
        logger.warning("%s: server process %d answered %d request(s) 503 and ends", why, os.getpid(), answered)
    finally:
        os._exit(EXIT_RETIRED)


def _not_taken_up() -> list[socket.socket]:
    """The connections the supervisor handed this process that it has not adopted yet (they would be reset)."""
    found: list[socket.socket] = []
    if _handed is None:
        return found
    with contextlib.suppress(OSError):
        _handed.setblocking(False)
        while True:
            message, fds, _flags, _address = socket.recv_fds(_handed, 1, 16)
            if not message and not fds:
                break
            found += [socket.socket(fileno=fd) for fd in fds]
    return found


def retired() -> bool:
    return _retired.is_set()


def start_adopting() -> None:
    """Serve the connections the supervisor hands this process (from the app's startup; nothing without one)."""
    if _handed is None or _server is None:
        return
    loop = asyncio.get_running_loop()
    server, config = _server, _server.config
    handed = _handed

    def protocol() -> asyncio.Protocol:  # as uvicorn makes one for a connection it accepts itself
        return config.http_protocol_class(  # type: ignore[call-arg]
            config=config, server_state=server.server_state, app_state=server.lifespan.state, _loop=loop
        )

    def adopt() -> None:
        while True:
            try:
                message, fds, _flags, _address = socket.recv_fds(handed, 1, 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                stop_adopting()
                return
            if not message and not fds:  # the supervisor is gone
                stop_adopting()
                return
            for fd in fds:
                conn = socket.socket(fileno=fd)
                conn.setblocking(False)
                task = loop.create_task(loop.connect_accepted_socket(protocol, conn))
                task.add_done_callback(_adopted)

    handed.setblocking(False)
    loop.add_reader(handed.fileno(), adopt)


def _adopted(task: asyncio.Task[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.warning("a connection could not be served: %s", task.exception())


def stop_adopting() -> None:
    """Take no more connections from the supervisor (retiring, or stopping)."""
    global _handed
    if _handed is None:
        return
    with contextlib.suppress(RuntimeError, ValueError, OSError):
        asyncio.get_running_loop().remove_reader(_handed.fileno())
    _handed.close()
    _handed = None


def exit_if_retired() -> None:
    """End a retired process now, its runaway thread with it (called last, after the drain)."""
    if _retired.is_set():
        logging.shutdown()
        os._exit(EXIT_RETIRED)


# Seconds an orphaned server process has to stop gracefully before it exits outright.
ORPHAN_GRACE = 3.0


def _end_with_supervisor(supervisor: int) -> None:
    """Stop this server process (gracefully) once its supervisor is gone, killed say: no orphan keeps serving."""
    while os.getppid() == supervisor:
        time.sleep(POLL)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(ORPHAN_GRACE)  # a graceful stop that hangs (a client holding a connection) ends here
    os._exit(EXIT_RETIRED)


def _serve(config: uvicorn.Config, handed: socket.socket, channel: Connection, supervisor: int) -> None:
    """A server process's main; ``supervisor`` is the supervisor's pid (it may be gone already)."""
    global _channel, _server, _handed
    _channel = channel
    _handed = handed
    config.configure_logging()
    threading.Thread(target=_end_with_supervisor, args=(supervisor,), daemon=True).start()
    server = _server = uvicorn.Server(config)
    server.run(sockets=[])  # no listening socket: the connections come from the supervisor (start_adopting)
    if not server.started:
        sys.exit(3)  # uvicorn's status for a process that could not start


# --------------------------------------------------------------------------
# The supervisor.
class Child:
    def __init__(self, config: uvicorn.Config) -> None:
        self.conn, theirs = _CONTEXT.Pipe(duplex=False)
        self.hand, handed = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.process = _CONTEXT.Process(target=_serve, args=(config, handed, theirs, os.getpid()), name="unkg-serve")
        self.process.start()
        theirs.close()
        handed.close()
        self.hand.setblocking(False)
        self.ready = False
        self.deadline: float | None = None  # when retiring: killed past it

    def give(self, connection: socket.socket) -> bool:
        """Hand the process a connection; False when it cannot take it now (gone, or its queue full)."""
        if self.hand.fileno() < 0:
            return False
        try:
            socket.send_fds(self.hand, [b"c"], [connection.fileno()])
        except OSError:
            return False
        return True

    def close(self) -> None:
        self.conn.close()
        self.hand.close()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()


class Supervisor:
    """Keeps ``processes`` server processes serving on one socket."""

    def __init__(self, config: uvicorn.Config, processes: int, timeout: float) -> None:
        self.config = config
        self.processes = processes
        self.drain_limit = timeout + GRACE
        self.children: list[Child] = []  # serving or starting
        self.retiring: list[Child] = []
        self.stopping = False
        self.replaced = 0
        self.turn = 0  # the next process to hand a connection to

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def run(self) -> int:
        """Serve until SIGINT or SIGTERM; 1 when a server process could not start."""
        sock = self.config.bind_socket()
        sock.listen(self.config.backlog)
        sock.setblocking(False)
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._stop)
        wakeup_r, wakeup_w = socket.socketpair()
        wakeup_r.setblocking(False)
        wakeup_w.setblocking(False)
        signal.set_wakeup_fd(wakeup_w.fileno())
        status = 0
        try:
            self.children = [Child(self.config) for _ in range(self.processes)]
            while not self.stopping:
                if not self._step(wakeup_r, sock):
                    status = 1
                    break
        finally:
            signal.set_wakeup_fd(-1)
            self._end_all()
            sock.close()
            wakeup_r.close()
            wakeup_w.close()
        return status

    def _step(self, wakeup: socket.socket, sock: socket.socket) -> bool:
        """Wait for one event and handle it; False when a process failed to start."""
        waits: list[Any] = [wakeup]
        if any(child.ready for child in self.children):
            waits.append(sock)
        for child in self.children:
            waits += [child.process.sentinel] if child.conn.closed else [child.conn, child.process.sentinel]
        waits += [child.process.sentinel for child in self.retiring]
        deadlines = [c.deadline - time.monotonic() for c in self.retiring if c.deadline is not None]
        timeout = max(0.0, min([POLL, *deadlines]))  # a look at every process at least every POLL seconds
        ready = wait(waits, timeout)
        if wakeup in ready:
            try:
                while wakeup.recv(64):
                    pass
            except BlockingIOError:
                pass
        if sock in ready:
            self._hand_out(sock)
        for child in list(self.children):
            if child.conn in ready:
                try:
                    while child.conn.poll():
                        message = child.conn.recv()
                        if message == "ready":
                            child.ready = True
                        elif message == "retiring":
                            self._retire(child, sock)
                            break
                except (EOFError, OSError):
                    child.conn.close()  # its end: the sentinel says the rest
        for child in list(self.children):
            if not child.process.is_alive():
                child.process.join()
                child.close()
                self.children.remove(child)
                if not child.ready:
                    logger.error("a server process ended before it started serving (status %s)", child.process.exitcode)
                    return False
                if self.stopping:
                    continue
                logger.warning("server process %d ended (status %s); starting another", child.process.pid,
                               child.process.exitcode)  # fmt: skip
                self.children.append(Child(self.config))
                self.replaced += 1
        now = time.monotonic()
        for child in list(self.retiring):
            if child.process.is_alive() and child.deadline is not None and now >= child.deadline:
                logger.error("server process %d did not drain in time: killed", child.process.pid)
                child.kill()
            if not child.process.is_alive():
                child.process.join()
                child.close()
                self.retiring.remove(child)
        return True

    def _hand_out(self, sock: socket.socket) -> None:
        """Accept what waits (a bounded batch) and hand each connection to the next ready process in turn."""
        for _ in range(ACCEPT_BATCH):
            try:
                connection, _address = sock.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:  # out of descriptors, say: the connection waits in the backlog
                logger.error("cannot accept a connection: %s", exc)
                time.sleep(POLL)  # and the supervisor does not spin on it meanwhile
                return
            with connection:
                ready = [child for child in self.children if child.ready]
                for i in range(len(ready)):
                    child = ready[(self.turn + i) % len(ready)]
                    if child.give(connection):
                        self.turn = (self.turn + i + 1) % len(ready)
                        break
                else:
                    logger.error("no server process could take a connection: closed")

    def _retire(self, child: Child, sock: socket.socket) -> None:
        self.children.remove(child)
        child.conn.close()
        child.hand.close()
        child.deadline = time.monotonic() + self.drain_limit
        self.retiring.append(child)
        if not self.stopping:
            self.children.append(Child(self.config))
            self.replaced += 1

    def _end_all(self) -> None:
        """SIGTERM every process (a graceful stop), SIGKILL what is left after the drain limit."""
        everyone = self.children + self.retiring
        for child in everyone:
            if child.process.is_alive():
                os.kill(child.process.pid, signal.SIGTERM)  # type: ignore[arg-type]
        deadline = time.monotonic() + self.drain_limit
        for child in everyone:
            child.process.join(max(0.0, deadline - time.monotonic()))
            if child.process.is_alive():
                child.kill()
                child.process.join()
            child.close()
        self.children, self.retiring = [], []


def serve(config: uvicorn.Config, processes: int, timeout: float) -> None:
    """Run the supervisor; exits the program with status 1 when a server process could not start."""
    status = Supervisor(config, processes, timeout).run()
    if status:
        sys.exit(status)
