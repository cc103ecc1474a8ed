"""Queries in the server process: two lanes, the concurrency cap, the queue and the timeout.

The store is opened read-only (``pyoxigraph.Store.read_only``) once per server
process, and ``max_concurrent`` threads run the queries. pyoxigraph releases
the GIL while it evaluates, iterates and serialises, so the threads run side
by side and the event loop stays free while they work. A request takes a free
slot (waiting in a bounded queue when every slot is busy), hands its job to a
thread and awaits the answer.

The fast lane. Handing a job to a thread and its answer back costs more than a
one-hop lookup itself (thread wake-ups, the GIL changing hands, the loop's
wake-up). So a protocol query whose *shape* (its text with IRIs and literals
masked, the format asked for) has run fast in the threads ``inline_after``
times in a row runs on the event loop itself, with nothing handed over. A run
on the loop slower than ``inline_ms`` sends its shape back to the threads for
good: a slow shape holds up the process's other requests at most once. "Fast"
and "slow" are measured in the CPU time of the thread that ran the query, not
on the clock: on a busy machine a query's thread may wait for a core (or, in
the threads, for the GIL) many times longer than the query takes, and the
clock would then call a lookup slow. A run on the loop that takes ``SLOW_WALL``
times ``inline_ms`` on the clock (a query waiting on the disk, say) goes back
to the threads as well. The
timeout holds on the loop too: a watchdog thread (it runs while pyoxigraph
evaluates, the GIL being free) sees a query on the loop past the timeout; it
tells the supervisor (which starts a replacement), answers that request 503
and every other request of the process 503 "restarting" straight on their
sockets (``rescue``), and ends the process, the query with it.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped.
When an answer does not come within the timeout, the request gets its 503 at
once and the server process *retires* (``supervisor.retire``): it stops
accepting, answers every request still waiting for a slot with 503, lets the
queries already running finish (each within its own timeout), and exits,
which ends the runaway query. ``unkg serve`` starts a replacement process as
soon as one retires. A runaway query therefore runs at most
``2 * timeout + supervisor.GRACE`` seconds.

Read-only opening is safe only while nobody writes the store (pyoxigraph:
"opening as read-only while having an other process writing the database is
undefined behavior"). ``StoreLock`` therefore holds a shared lock on the
store's RocksDB ``LOCK`` file for the life of the server: a writer
(``unkg ingest``) cannot open the store meanwhile and fails with "lock
file ... unavailable", and a server cannot start while a writer has it open.
Any number of server processes can share the store.
"""

from __future__ import annotations

import asyncio
import collections
import os
import queue
import threading
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from unkg.errors import StoreUnfinished
from unkg.serve.jobs import HANDLERS
from unkg.serve.settings import Settings
from unkg.store import StoreUnavailable, refuse_unfinished, shared_lock
from unkg.watchdog import MIB, resident_bytes


class PoolError(Exception):
    """A job that got no answer; ``code`` is the error's name in the JSON error shape."""

    code = "internal"


class Overloaded(PoolError):
    """Every slot busy and the queue full, no slot freed in time, or the process is retiring."""

    code = "overloaded"


class TimedOut(PoolError):
    """The job ran past the timeout; the server process retires to stop it."""

    code = "timeout"


# The store cannot be served: absent, not a store, or open for writing elsewhere.
StoreError = StoreUnavailable


class StoreLock:
    """A shared lock on the store's ``LOCK`` file, held while the store is served (see ``store.shared_lock``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self) -> None:
        self.fd = shared_lock(self.path)

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Slots:
    """A counting semaphore with a bounded queue whose waiters can all be turned away at once, fair between
    clients: one client holds at most ``per_client`` slots at a time; its further requests wait, and a slot
    set free goes to the first waiter whose client is under that share (a client sending many slow queries
    cannot take every slot from the others).
    """

    def __init__(self, size: int, max_waiting: int, per_client: int | None = None) -> None:
        self.size = size
        self.free = size
        self.max_waiting = max_waiting
        self.per_client = size if per_client is None else min(per_client, size)
        self.holding: collections.Counter[Hashable] = collections.Counter()
        self.waiters: collections.deque[tuple[asyncio.Future[None], Hashable]] = collections.deque()

    async def acquire(self, timeout: float, client: Hashable = None) -> None:
        # A free slot means no waiter could take it (each is at its share), so this request goes first
        # if its own client is under its share.
        if self.free and self.holding[client] < self.per_client:
            self.free -= 1
            self.holding[client] += 1
            return
        if len(self.waiters) >= self.max_waiting:
            raise Overloaded(f"{self.size} queries running and {len(self.waiters)} waiting; try again later")
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (fut, client)
        self.waiters.append(entry)
        try:
            await asyncio.wait_for(fut, timeout)
        except TimeoutError:
            raise Overloaded(f"no query slot was free within {timeout:g} s; try again later") from None
        except asyncio.CancelledError:
            if fut.done() and not fut.cancelled() and fut.exception() is None:
                self.release(client)  # handed a slot just as the request was cancelled
            raise
        finally:
            if entry in self.waiters:
                self.waiters.remove(entry)

    def release(self, client: Hashable = None) -> None:
        self.holding[client] -= 1
        if self.holding[client] <= 0:
            del self.holding[client]
        for entry in self.waiters:
            fut, waiting = entry
            if fut.done():
                continue
            if self.holding[waiting] < self.per_client:
                self.waiters.remove(entry)
                self.holding[waiting] += 1
                fut.set_result(None)
                return
        self.free += 1

    def turn_away(self, exc: Exception) -> None:
        """Every waiter gets ``exc``."""
        while self.waiters:
            fut, _client = self.waiters.popleft()
            if not fut.done():
                fut.set_exception(exc)


SHAPES = 4096  # shapes remembered per lane; past that the lane forgets them all and learns again
SLOW_WALL = 10  # a run on the loop this many times inline_ms on the clock is slow, whatever its CPU time
# A run on the loop this many times inline_ms on the clock (1 s by default) was mispredicted: its shape was fast
# before, this query is not (the same shape with another IRI can cost a million times more). The loop, and every
# other request of the process with it, waits no longer: the process is rescued (answered and ended) as past the
# timeout. Not with inline_after 0, where every query runs on the loop by the user's choice: the timeout holds.
LOOP_LIMIT_FACTOR = 100


class Lanes:
    """Which query shapes run on the event loop: those fast ``after`` times in a row, never one slow there.

    >>> lanes = Lanes(after=2, fast_ms=10)
    >>> lanes.learn("s", 0.001); lanes.inline("s")
    False
    >>> lanes.learn("s", 0.002); lanes.inline("s")
    True
    >>> lanes.slow_inline("s"); lanes.learn("s", 0.001); lanes.learn("s", 0.001); lanes.inline("s")
    False
    """

    def __init__(self, after: int, fast_ms: float) -> None:
        self.after = after
        self.fast_seconds = fast_ms / 1000
        self.fast: dict[Hashable, int] = {}  # shape -> fast runs in a row in the threads
        self.slow: set[Hashable] = set()  # shapes that were slow on the loop: threads only

    def inline(self, shape: Hashable | None) -> bool:
        return (
            shape is not None
            and self.fast_seconds > 0
            and self.fast.get(shape, 0) >= self.after
            and shape not in self.slow
        )

    def learn(self, shape: Hashable | None, seconds: float) -> None:
        """A run of ``shape`` in a query thread took ``seconds`` of that thread's CPU time."""
        if shape is None or shape in self.slow:
            return
        if seconds <= self.fast_seconds:
            if len(self.fast) >= SHAPES and shape not in self.fast:
                self.fast.clear()
            self.fast[shape] = self.fast.get(shape, 0) + 1
        else:
            self.fast.pop(shape, None)

    def slow_inline(self, shape: Hashable) -> None:
        """A run of ``shape`` on the loop was slow: back to the threads for good."""
        self.fast.pop(shape, None)
        if len(self.slow) >= SHAPES:
            self.slow.clear()
        self.slow.add(shape)


# The server's own look-ups for its pages: they run in threads of their own, which SPARQL queries cannot take.
PAGE_KINDS = frozenset({"page", "describe", "counts", "export", "search"})
WATCH_PERIOD = 0.05  # seconds between two looks of the watchdog (the clock of a query on the loop, the memory)
Job = tuple[asyncio.Future[Any], str, dict[str, Any], Hashable | None, Any]  # future, kind, job, shape, client


class QueryPool:
    """``max_concurrent`` query threads and ``page_concurrent`` page threads on one read-only store, a queue
    of at most ``max_queued`` requests fair between clients, the fast lane on the event loop, and a watchdog
    (see the module).

    ``on_runaway`` is called once, on the event loop, when the first query in a thread runs past the timeout.
    ``on_rescue`` is called from the watchdog thread when a query on the loop runs past it (or past the loop's
    own limit, ``LOOP_LIMIT_FACTOR``), with the client address of its request and the limit it ran past in
    seconds; it must end the process. ``on_memory`` is called from the watchdog thread when the
    process's resident memory passes ``max_memory``, with the client addresses of the queries running then;
    it must end the process.
    """

    def __init__(
        self,
        settings: Settings,
        on_runaway: Callable[[], None] | None = None,
        on_rescue: Callable[[Any, float], None] | None = None,
        on_memory: Callable[[list[Any]], None] | None = None,
    ) -> None:
        self.settings = settings
        self.on_runaway = on_runaway
        self.on_rescue = on_rescue
        self.on_memory = on_memory
        self.slots = Slots(settings.max_concurrent, settings.max_queued, settings.max_per_client)
        self.page_slots = Slots(settings.page_concurrent, settings.max_queued)
        self.jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.page_jobs: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self.retiring = False
        self.store: ox.Store | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.threads: list[tuple[threading.Thread, queue.SimpleQueue[Job | None]]] = []
        # answers to deliver: (future, answer, shape, seconds the job took, slots it held, client)
        self.finished: collections.deque[tuple[asyncio.Future[Any], Any, Hashable | None, float, Slots, Any]] = (
            collections.deque()
        )
        self.woken = False  # a delivery is scheduled on the loop
        self.unfinished: set[asyncio.Future[Any]] = set()  # jobs handed to a thread and not yet answered
        self.running: dict[int, Any] = {}  # thread ident -> client address of the job it runs now
        self.lanes = Lanes(settings.inline_after, settings.inline_ms)
        self.inline_lock = threading.Lock()  # the loop ending a query, or the watchdog rescuing it: one of the two
        self.inline_started: float | None = None  # when the query now on the loop started (monotonic)
        self.inline_client: Any = None  # the client address of its request
        self.closed = threading.Event()

    def start(self) -> None:
        """Open the store and start the query threads (on the event loop that will await the answers)."""
        try:
            self.store = ox.Store.read_only(str(self.settings.store))
        except OSError as exc:
            raise StoreError(f"cannot open the store at {self.settings.store}: {exc}") from None
        try:
            refuse_unfinished(self.store, self.settings.store)  # what an interrupted ingest left is never served
        except StoreUnfinished as exc:
            raise StoreError(str(exc)) from None
        self.loop = asyncio.get_running_loop()
        lanes = [("query", self.jobs, self.settings.max_concurrent), ("page", self.page_jobs, self.settings.page_concurrent)]
        for name, jobs, count in lanes:
            for i in range(count):
                # daemon: a runaway query must not keep the process alive once it has drained
                thread = threading.Thread(target=self._work, args=(jobs,), name=f"unkg-{name}-{i}", daemon=True)
                thread.start()
                self.threads.append((thread, jobs))
        if self.lanes.fast_seconds > 0 or self.settings.max_memory > 0:
            threading.Thread(target=self._watch, name="unkg-watchdog", daemon=True).start()

    def close(self) -> None:
        """Let the idle threads end (a runaway one ends with the process)."""
        self.closed.set()
        for _thread, jobs in self.threads:
            jobs.put(None)
        self.threads.clear()

    def _work(self, jobs: queue.SimpleQueue[Job | None]) -> None:
        assert self.store is not None and self.loop is not None
        store, loop = self.store, self.loop
        me = threading.get_ident()
        slots = self.page_slots if jobs is self.page_jobs else self.slots
        while True:
            item = jobs.get()
            if item is None:
                return
            fut, kind, job, shape, client = item
            self.running[me] = client
            started = time.thread_time()
            try:
                answer = HANDLERS[kind](store, job)
            except BaseException as exc:  # one job's failure (even a pyoxigraph panic) is its answer
                answer = {"error": "internal", "message": f"{type(exc).__name__}: {exc}"}
            self.running.pop(me, None)
            self.finished.append((fut, answer, shape, time.thread_time() - started, slots, client))
            if not self.woken:  # one wake-up of the loop for all the answers that come before it runs
                self.woken = True
                try:
                    loop.call_soon_threadsafe(self._deliver)
                except RuntimeError:  # the loop is closed: the process is ending
                    return

    def _deliver(self) -> None:
        self.woken = False  # first: an answer appended from now on wakes the loop again
        while self.finished:
            fut, answer, shape, seconds, slots, client = self.finished.popleft()
            self.lanes.learn(shape, seconds)
            self.unfinished.discard(fut)
            slots.release(_who(client))  # the thread is free again, whether or not anyone still waits for the answer
            if not fut.done():
                fut.set_result(answer)

    def _expire(self, fut: asyncio.Future[Any]) -> None:
        """The job's time is up: its awaiter gets TimeoutError, or, if it is gone (cancelled), the process retires."""
        if fut not in self.unfinished:
            return
        if not fut.done():
            fut.set_exception(TimeoutError())
        else:
            self.retire()

    def retire(self) -> None:
        """Take no more jobs: turn the queue away and tell the owner (once)."""
        if self.retiring:
            return
        self.retiring = True
        for slots in (self.slots, self.page_slots):
            slots.turn_away(Overloaded(_RETIRING))
        if self.on_runaway is not None:
            self.on_runaway()

    def _watch(self) -> None:
        """The watchdog: a query on the loop past the timeout is rescued, and a process past its memory limit
        ends (see the module)."""
        timeout = self.settings.timeout
        on_loop = timeout
        if self.lanes.after > 0 and self.lanes.fast_seconds > 0:
            on_loop = min(timeout, LOOP_LIMIT_FACTOR * self.lanes.fast_seconds)
        limit = self.settings.max_memory * MIB
        period = min(WATCH_PERIOD, on_loop / 10)
        while not self.closed.wait(period):
            if limit and resident_bytes() > limit:
                with self.inline_lock:  # the loop cannot deliver an answer meanwhile
                    self.retiring = True
                    running = [*self.running.values(), *([self.inline_client] if self.inline_started else [])]
                    if self.on_memory is not None:
                        self.on_memory(running)
                    return
            started = self.inline_started
            if started is None or time.monotonic() - started <= on_loop:
                continue
            with self.inline_lock:  # the loop cannot deliver its answer now: the rescue answers instead
                if self.inline_started != started:
                    continue  # it ended just now
                self.retiring = True
                if self.on_rescue is not None:
                    self.on_rescue(self.inline_client, on_loop)
                return

    def run_inline(self, kind: str, job: dict[str, Any], shape: Hashable, client: Any) -> dict[str, Any]:
        """Run the job on the event loop's thread (the fast lane), now; the caller has checked ``lanes.inline``."""
        self.inline_client = client
        cpu = time.thread_time()
        started = self.inline_started = time.monotonic()
        try:
            answer = HANDLERS[kind](self.store, job)
        except BaseException as exc:
            answer = {"error": "internal", "message": f"{type(exc).__name__}: {exc}"}
        with self.inline_lock:  # blocks for good if the watchdog is rescuing this query
            self.inline_started = None
        fast = self.lanes.fast_seconds
        if time.thread_time() - cpu > fast or time.monotonic() - started > SLOW_WALL * fast:
            self.lanes.slow_inline(shape)
        return answer

    async def run(
        self,
        kind: str,
        job: dict[str, Any],
        timeout: float | None = None,
        shape: Hashable | None = None,
        client: Any = None,
    ) -> dict[str, Any]:
        """The answer of one job; raises Overloaded or TimedOut.

        ``shape`` names the job's kind of query for the fast lane (None: always in a thread); ``client`` is the
        request's client address, for the rescue and for fairness between clients.
        """
        if self.retiring:
            raise Overloaded(_RETIRING)
        if timeout is None and self.lanes.inline(shape):
            return self.run_inline(kind, job, shape, client)  # type: ignore[arg-type]
        timeout = self.settings.timeout if timeout is None else timeout
        slots, jobs = (self.page_slots, self.page_jobs) if kind in PAGE_KINDS else (self.slots, self.jobs)
        who = _who(client)
        await slots.acquire(timeout, who)
        if self.retiring:
            slots.release(who)
            raise Overloaded(_RETIRING)
        assert self.loop is not None
        fut: asyncio.Future[dict[str, Any]] = self.loop.create_future()
        expire = self.loop.call_later(timeout, self._expire, fut)  # cheaper than asyncio.wait_for on the hot path
        self.unfinished.add(fut)
        jobs.put((fut, kind, job, shape, client))
        try:
            answer = await fut
        except TimeoutError:
            self.retire()
            raise TimedOut(
                f"the query ran past the limit of {timeout:g} s; this server process restarts to stop it"
            ) from None
        except asyncio.CancelledError:
            raise  # the request is gone, the query may not be: the timer stays and watches it
        expire.cancel()
        return answer


def _who(client: Any) -> Hashable:
    """Whose request it is, for fairness: the client's host (its port changes with each connection)."""
    return client[0] if client else None


_RETIRING = "this server process is restarting; try again"
