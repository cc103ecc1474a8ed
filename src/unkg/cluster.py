"""Reading, extraction and each file's quads on a Dask distributed cluster (``--cluster ADDRESS``).

``extract --cluster`` and ``ingest --cluster`` hand each file to the
workers of a running Dask scheduler instead of local worker processes;
everything else stays as it is on one machine. The workers run exactly
what a local worker process runs (:func:`unkg.extract.extract` and the
``transform`` that builds a file's N-Quads), under the same ``--max-size``
and ``--max-memory``, and send back what a local worker sends back. The
results come back in order to the command's own process, which alone
writes the store, in the same batches, marked complete after each bulk
load as :meth:`unkg.store.KnowledgeGraph.ingest` does without a cluster:
a cluster that dies or is stopped part way leaves only whole graphs
behind, and the next ingest goes on from there.

Workers read each file by its path (shared storage mounted at the same
path on every machine), or, with ``send_bytes``, are sent its bytes, read
here under ``--max-size`` (standard input always is).

A Dask worker never reads a file itself: each of its threads hands its
files, one at a time, to a reading process of its own (``serve_reader``),
which runs under ``--max-memory`` as a local worker process does. A file
that kills that process (PDFium aborting past the limit, the kernel's
OOM killer) is named alone with the reason a local batch gives it; the
Dask worker, its other files and its link to the scheduler are untouched.
A Dask worker that dies itself (killed, its machine lost) is restarted by
its nanny, and the scheduler gives its files to other workers; a file
whose workers all died (``KilledWorker``, after
``distributed.scheduler.allowed-failures`` + 1 deaths) is read once more
alone, in a process of its own on this machine under the same limits.

``dask[distributed]`` is the optional extra ``cluster`` (``pip install
'unkg[cluster]'``); without it this module still loads (``unkg.extract``
imports it only for ``--cluster``) and :func:`connect` says what to install.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import pickle
import subprocess
import sys
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from unkg.catalogue import default_catalogue, load_catalogue
from unkg.errors import ClusterError, SourceError, failure
from unkg.extract import Job, _alone, _finish, _guarded, died, extractor_version, failed
from unkg.models import Source
from unkg.read import read_bytes, read_file
from unkg.watchdog import cap_data_memory

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the 'cluster' extra is not installed: connect() says so
    WorkerPlugin = object  # type: ignore[assignment,misc]

# Tasks in flight per worker thread: enough to keep every worker busy while results travel, few enough
# that what waits in memory (results kept in order, bytes sent) stays small.
IN_FLIGHT = 4
# Files per task, at most: one round trip of a task (client, scheduler, worker, the result fetched back)
# for many small files, few enough to share the files out evenly. (Against one file a task, no difference
# was measurable on the loaded 2-core VM: benchmarks/README.md.)
CHUNK_FILES = 16
CHUNK_BYTES = 1024 * 1024
# Seconds to reach the scheduler, and to wait for its first worker.
CONNECT_TIMEOUT = 30
WORKER_TIMEOUT = 120

# (catalogue path or None, max bytes, transform or None, max data memory in bytes or None): what a local
# worker process is started with (``unkg.extract._init_worker``), sent to the workers once per run.
Settings = tuple[str | None, int, Callable[[Any], Any] | None, int | None]


# --------------------------------------------------------------------------
# The reading process: one file at a time, under --max-memory, as a local worker process.
def _source(name: str, data: bytes | None, where: str | None, max_bytes: int) -> Source:
    """The Source of a job: its bytes when sent, else the file at ``where``; named ``name`` either way."""
    if data is None:
        data = read_file(where or name, max_bytes)
    return read_bytes(data, name, max_bytes)


def serve_reader(jobs_fd: int, results_fd: int) -> None:
    """Run as a process of its own by a Dask worker: read the jobs sent on ``jobs_fd``, answer on ``results_fd``.

    First comes the run's settings (what a local worker process is
    started with: catalogue, max bytes, transform, max memory), then one
    ``(job, where)`` at a time, each answered by its result, pickled,
    until the Dask worker closes the pipe (or dies).
    """
    with os.fdopen(jobs_fd, "rb") as jobs, os.fdopen(results_fd, "wb") as results:
        catalogue_path, max_bytes, transform, max_memory = pickle.load(jobs)
        if max_memory:  # where it cannot be set (no RLIMIT_DATA), the process runs without it, as locally
            cap_data_memory(max_memory)
        catalogue = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
        while True:
            try:
                (name, data), where = pickle.load(jobs)
            except EOFError:
                return
            extraction = _guarded(name, functools.partial(_source, name, data, where, max_bytes), catalogue)
            pickle.dump(_finish(extraction, transform), results, protocol=pickle.HIGHEST_PROTOCOL)
            results.flush()


class _Reader:
    """A reading process of a Dask worker's thread, for one run (see :func:`serve_reader`).

    PDFium ends its process when an allocation fails, and ``--max-memory``
    caps a whole process: the Dask worker, which also talks to the
    scheduler on threads of its own, never reads a file itself. A file
    that kills its reading process is named alone (it is the only one that
    process had), with the reason a local batch gives; the next file gets
    a new process.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        jobs_read, self._jobs = os.pipe()
        self._results, results_write = os.pipe()
        code = f"from unkg.cluster import serve_reader; serve_reader({jobs_read}, {results_write})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code], pass_fds=(jobs_read, results_write), stdin=subprocess.DEVNULL
        )
        os.close(jobs_read)
        os.close(results_write)
        self._send = os.fdopen(self._jobs, "wb")
        self._receive = os.fdopen(self._results, "rb")
        pickle.dump(settings, self._send, protocol=pickle.HIGHEST_PROTOCOL)
        self._send.flush()

    def read(self, job: Job, where: str | None) -> Any:
        """The job's result; None when the process died reading it (see ``exitcode``)."""
        try:
            pickle.dump((job, where), self._send, protocol=pickle.HIGHEST_PROTOCOL)
            self._send.flush()
            return pickle.load(self._receive)
        except (EOFError, OSError, pickle.UnpicklingError):
            self.process.wait()
            return None

    def close(self) -> None:
        for stream in (self._send, self._receive):
            with contextlib.suppress(OSError):
                stream.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --------------------------------------------------------------------------
# On the workers.

# The settings of each run, by its token, installed on every worker (restarted ones too) by its plugin,
# and each run's reading processes, by token and thread.
_SETTINGS: dict[str, Settings] = {}
_READERS: dict[tuple[str, int], _Reader] = {}
_READERS_LOCK = threading.Lock()


class RunSettings(WorkerPlugin):
    """A Dask worker plugin that gives every worker of the cluster one run's settings.

    The scheduler keeps it and installs it on each worker that joins or
    is restarted during the run, so a task finds its settings on whichever
    worker runs it; they travel once per worker, not with every file (a
    sidecar table can be large). Removed at the end of the run, which ends
    the run's reading processes.
    """

    def __init__(self, token: str, settings: Settings) -> None:
        self.name = f"unkg-run-{token}"
        self.token = token
        self.settings = settings

    def setup(self, worker: Any) -> None:
        _SETTINGS[self.token] = self.settings

    def teardown(self, worker: Any) -> None:
        _SETTINGS.pop(self.token, None)
        with _READERS_LOCK:
            ended = [key for key in _READERS if key[0] == self.token]
            readers = [_READERS.pop(key) for key in ended]
        for reader in readers:
            reader.close()


def read_on_worker(items: list[tuple[Job, str | None]], token: str) -> list[Any]:
    """On a Dask worker: each file's extraction, transformed as asked (a store's ``GraphPayload``), in order.

    Each ``(job, where)`` is read in the reading process of this worker
    thread (see ``_Reader``), at ``where`` (its absolute path: a worker
    has a working folder of its own) when the job carries no bytes; the
    file keeps the name it was given. It never raises for a file: one that
    kills its reading process gets the reason a local batch gives it, and
    the next file a new process.
    """
    settings = _SETTINGS[token]
    key = (token, threading.get_ident())
    results = []
    for job, where in items:
        with _READERS_LOCK:
            reader = _READERS.get(key)
        if reader is None:
            reader = _Reader(settings)
            with _READERS_LOCK:
                _READERS[key] = reader
        result = reader.read(job, where)
        if result is None:
            with _READERS_LOCK:
                _READERS.pop(key, None)
            reader.close()
            result = _finish(failed(job[0], died(reader.process.returncode, settings[3])), settings[2])
        results.append(result)
    return results


def worker_version() -> str:
    """The extractor a worker runs (unkg's version and the fingerprint of its extraction code and data),
    which each file graph it builds records."""
    return extractor_version()


# --------------------------------------------------------------------------
# In the command's process.
def connect(address: str) -> Any:
    """A Dask client of the scheduler at ``address``, with at least one worker running this unkg version.

    Raises:
        ClusterError: dask.distributed is not installed, the scheduler cannot be reached, it has no
            worker, or its workers run another unkg (or none).
    """
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            "--cluster needs dask.distributed, which is not installed: pip install 'unkg[cluster]'"
        ) from None
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(
            f"cannot reach the Dask scheduler at {address} ({failure(exc)}); "
            "check the address, and that `dask scheduler` runs there"
        ) from None
    try:
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise ClusterError(
                f"the Dask scheduler at {address} has no worker after {WORKER_TIMEOUT} s; "
                f"start some: dask worker {address} --nthreads 1"
            ) from None
        mine = extractor_version()
        try:
            versions = client.run(worker_version)
        except Exception as exc:  # a worker without unkg cannot even receive the function
            raise ClusterError(
                f"the Dask workers of {address} cannot run unkg ({failure(exc)}); "
                f"install unkg {mine} with its 'cluster' extra on every worker"
            ) from None
        other = sorted({v for v in versions.values() if v != mine})
        if other:
            raise ClusterError(
                f"the Dask workers of {address} run unkg {', '.join(other)}, this command {mine}: "
                "install the same unkg, catalogue and registry on every worker (each file graph records "
                "the extractor that built it)"
            )
    except BaseException:
        client.close()
        raise
    return client


def _job(name: str, max_bytes: int, send_bytes: bool) -> Job:
    """A file's job: its name, and its bytes (read here, under --max-size) for standard input or ``send_bytes``."""
    return (name, read_file(name, max_bytes) if name == "-" or send_bytes else None)


def _size(job: Job, where: str | None) -> int:
    if job[1] is not None:
        return len(job[1])
    try:
        return os.stat(where or job[0]).st_size
    except OSError:  # the worker tells what is wrong with it
        return 0


def in_cluster(names: Iterable[str], address: str, initargs: tuple, send_bytes: bool = False) -> Iterator[Any]:
    """Each file's result, in order, read by the workers of the Dask scheduler at ``address``.

    ``initargs`` are a local worker's (see ``unkg.extract._init_worker``):
    catalogue path, max bytes, transform, max memory. Consecutive files
    go to the workers in tasks of up to ``CHUNK_FILES`` files and
    ``CHUNK_BYTES`` bytes; a task whose workers all died is split into
    tasks of one file, and a file whose workers all died is read alone
    here.

    Raises:
        ClusterError: the cluster cannot be reached or used, or went away before every file was read
            (the results already yielded stand).
    """
    import multiprocessing as mp

    from distributed import KilledWorker

    _, max_bytes, transform, _ = initargs
    client = connect(address)
    # Each task's files and its future, or (a file refused here) the file and its result already made.
    window: deque[tuple[list[tuple[Job, str | None]], Any]] = deque()
    plugin: RunSettings | None = None
    try:
        token = uuid.uuid4().hex
        plugin = RunSettings(token, initargs)
        client.register_plugin(plugin)
        threads = max(sum(client.nthreads().values()), 1)

        def submit(items: list[tuple[Job, str | None]]) -> Any:
            return client.submit(read_on_worker, items, token, pure=False)

        todo = iter(names)
        exhausted = False
        while True:
            while not exhausted and len(window) < IN_FLIGHT * threads:
                chunk: list[tuple[Job, str | None]] = []
                size = 0
                while len(chunk) < CHUNK_FILES and size < CHUNK_BYTES:
                    name = next(todo, None)
                    if name is None:
                        exhausted = True
                        break
                    try:
                        job = _job(name, max_bytes, send_bytes)
                    except SourceError as exc:  # standard input or a sent file past --max-size: refused here
                        if chunk:
                            window.append((chunk, submit(chunk)))
                            chunk, size = [], 0
                        window.append(([((name, None), None)], [_finish(failed(name, exc.reason), transform)]))
                        continue
                    where = None if job[1] is not None else os.path.abspath(name)
                    chunk.append((job, where))
                    size += _size(job, where)
                if chunk:
                    window.append((chunk, submit(chunk)))
            if not window:
                break
            items, future = window.popleft()
            if isinstance(future, list):
                yield from future
                continue
            try:
                results = future.result()
            except KilledWorker:
                future.release()
                if len(items) > 1:  # one of them, or none, kills its workers: each file a task of its own
                    window.extendleft(([item], submit([item])) for item in reversed(items))
                    continue
                # Every worker that took it died: read it alone here, where its death names it alone (a
                # fresh process: this one runs the Dask client's threads).
                results = [_alone(mp.get_context("spawn"), items[0][0], initargs)]
            except (Exception, asyncio.CancelledError) as exc:
                raise ClusterError(
                    f"the Dask cluster at {address} failed while reading {items[0][0][0]} ({failure(exc)}); "
                    "what was stored before stays whole: run the same command again"
                ) from None
            future.release()
            yield from results
    finally:
        for _, future in window:
            if hasattr(future, "cancel"):
                with contextlib.suppress(Exception):
                    future.cancel()
        with contextlib.suppress(Exception):
            if plugin is not None:
                client.unregister_worker_plugin(plugin.name)
        with contextlib.suppress(Exception):
            client.close()
