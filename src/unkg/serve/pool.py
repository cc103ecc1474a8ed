"""A pool of query worker processes: the concurrency cap, the queue and the timeout.

Each worker is a process of its own with the store open read-only
(``pyoxigraph.Store.read_only``). A request takes an idle worker (waiting in a
bounded queue when all are busy), sends it one job over a pipe and awaits the
answer without blocking the event loop. When the answer does not come within
the timeout, the worker process is killed, which is the only way to stop a
pyoxigraph query, and a new one is started in its place.

Read-only opening is safe only while nobody writes the store (pyoxigraph:
"opening as read-only while having an other process writing the database is
undefined behavior"). ``StoreLock`` therefore holds a shared lock on the
store's RocksDB ``LOCK`` file for the life of the server: a writer
(``unkg ingest``) cannot open the store meanwhile and fails with "lock
file ... unavailable", and a server cannot start while a writer has it open.
Any number of servers and their workers can share the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import multiprocessing
import os
from pathlib import Path
from typing import Any

from unkg.serve import worker as worker_module
from unkg.serve.settings import Settings

_CONTEXT = multiprocessing.get_context("spawn")  # no fork of a process with an event loop and threads
START_TIMEOUT = 60.0


class PoolError(Exception):
    """A job that got no answer; ``code`` is the error's name in the JSON error shape."""

    code = "internal"


class Overloaded(PoolError):
    """Every worker busy and the queue full, or no worker freed in time."""

    code = "overloaded"


class TimedOut(PoolError):
    """The job ran past the timeout; its worker was stopped."""

    code = "timeout"


class WorkerLost(PoolError):
    """The worker process died during the job (out of memory, say)."""

    code = "worker-lost"


class StoreError(Exception):
    """The store cannot be served: absent, not a store, or open for writing elsewhere."""


class StoreLock:
    """A shared lock on the store's ``LOCK`` file, held while the store is served."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.fd: int | None = None

    def acquire(self) -> None:
        lock = self.path / "LOCK"
        if not (self.path / "CURRENT").is_file() or not lock.is_file():
            raise StoreError(f"{self.path}: not a unkg store (run `unkg ingest` first)")
        fd = os.open(lock, os.O_RDONLY)
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise StoreError(
                f"{self.path}: the store is open for writing by another process (an ingest?); "
                "serve it when that is done"
            ) from None
        self.fd = fd

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Worker:
    """One worker process and the server's end of its pipe."""

    def __init__(self, store: Path) -> None:
        self.conn, child = _CONTEXT.Pipe()
        self.process = _CONTEXT.Process(target=worker_module.main, args=(child, str(store)), daemon=True)
        self.process.start()
        child.close()
        self.fd = self.conn.fileno()
        self.busy = False  # a job was sent and its answer not yet read
        self.broken = False  # the pipe became readable with no job out: the process ended
        self.waiter: asyncio.Future[None] | None = None

    def wait_ready(self) -> None:
        """Block until the worker has opened the store (raises StoreError when it could not)."""
        if not self.conn.poll(START_TIMEOUT):
            self.kill()
            raise StoreError(f"a query worker did not start within {START_TIMEOUT:.0f} s")
        try:
            hello = self.conn.recv()
        except EOFError:
            raise StoreError("a query worker ended before it opened the store") from None
        if not hello.get("ready"):
            self.kill()
            raise StoreError(hello.get("message", "a query worker could not start"))

    def kill(self) -> None:
        """End the process now and reap it."""
        with contextlib.suppress(OSError):
            self.conn.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class QueryPool:
    """``max_concurrent`` workers, a queue of at most ``max_queued`` waiting requests."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.waiting = 0
        self.running = 0
        self.restarts = 0
        self._spawning: set[asyncio.Task[None]] = set()
        self._closed = False

    async def start(self) -> None:
        """Start every worker and wait until each has the store open."""
        loop = asyncio.get_running_loop()
        started = [Worker(self.settings.store) for _ in range(self.settings.max_concurrent)]
        self.workers.update(started)
        try:
            await asyncio.gather(*(loop.run_in_executor(None, w.wait_ready) for w in started))
        except BaseException:
            await self.close()
            raise
        for w in started:
            self._watch(w)
            self.idle.put_nowait(w)

    async def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for task in list(self._spawning):
            task.cancel()
        for w in list(self.workers):
            self._unwatch(w)
            w.kill()
        self.workers.clear()

    def _watch(self, w: Worker) -> None:
        """Listen to the worker's pipe for the life of the worker (one epoll registration, not one a job)."""
        asyncio.get_running_loop().add_reader(w.fd, self._readable, w)

    def _unwatch(self, w: Worker) -> None:
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(w.fd)

    def _readable(self, w: Worker) -> None:
        if not w.busy:  # nothing was asked: the pipe's end (the process died while idle)
            self._unwatch(w)
            w.broken = True
        elif w.waiter is not None and not w.waiter.done():
            w.waiter.set_result(None)

    def _replace(self, dead: Worker) -> None:
        self._unwatch(dead)
        dead.kill()
        self.workers.discard(dead)
        self.restarts += 1
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._spawn())
        self._spawning.add(task)
        task.add_done_callback(self._spawning.discard)

    async def _spawn(self) -> None:
        fresh = Worker(self.settings.store)
        self.workers.add(fresh)
        try:
            await asyncio.get_running_loop().run_in_executor(None, fresh.wait_ready)
        except BaseException:
            fresh.kill()
            self.workers.discard(fresh)
            raise
        if self._closed:
            fresh.kill()
        else:
            self._watch(fresh)
            self.idle.put_nowait(fresh)

    async def run(self, kind: str, job: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """The answer of one job; raises Overloaded, TimedOut or WorkerLost."""
        loop = asyncio.get_running_loop()
        timeout = self.settings.timeout if timeout is None else timeout
        deadline = loop.time() + timeout
        if not self.idle.empty():
            worker = self.idle.get_nowait()
        elif self.waiting >= self.settings.max_queued:
            raise Overloaded(f"{self.running} queries running and {self.waiting} waiting; try again later")
        else:
            self.waiting += 1
            try:
                worker = await asyncio.wait_for(self.idle.get(), timeout)
            except TimeoutError:
                raise Overloaded(f"no query worker was free within {timeout:g} s; try again later") from None
            finally:
                self.waiting -= 1
        if worker.broken:
            self._replace(worker)
            raise WorkerLost("a query worker process had ended; it is being replaced")
        self.running += 1
        answered: asyncio.Future[None] = loop.create_future()
        expire = loop.call_later(
            max(0.0, deadline - loop.time()), lambda: answered.done() or answered.set_exception(TimeoutError())
        )
        worker.waiter = answered
        worker.busy = True
        try:
            worker.conn.send((kind, job))
            await answered
            answer = worker.conn.recv()
            worker.busy = False
        except TimeoutError:
            self._replace(worker)
            raise TimedOut(f"the query ran past the limit of {timeout:g} s and was stopped") from None
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerLost("the query's worker process ended before it answered") from None
        except BaseException:  # cancelled: the worker may still be busy with the job
            self._replace(worker)
            raise
        finally:
            expire.cancel()
            worker.waiter = None
            self.running -= 1
        self.idle.put_nowait(worker)
        return answer
