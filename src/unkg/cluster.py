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

A worker process that dies while reading (killed for memory, aborted by
PDFium past ``--max-memory``) is restarted by its nanny, and the scheduler
gives its files to other workers. A file whose workers all died
(``KilledWorker``, after ``distributed.scheduler.allowed-failures`` + 1
deaths) is read once more alone, in a process of its own on this machine
under the same limits, as a local batch does with the files in flight
with a dead worker: the one that kills its process gets its reason, one
that was only in the same worker is extracted.

``dask[distributed]`` is the optional extra ``cluster`` (``pip install
'unkg[cluster]'``); this module imports it only when called.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from unkg.catalogue import Catalogue, default_catalogue, load_catalogue
from unkg.errors import ClusterError, SourceError, failure
from unkg.extract import Job, __version__, _alone, _finish, _guarded, failed
from unkg.read import read_bytes, read_file

try:
    from distributed.diagnostics.plugin import WorkerPlugin
except ImportError:  # the 'cluster' extra is not installed: connect() says so
    WorkerPlugin = object  # type: ignore[assignment,misc]

# Files in flight per worker thread: enough to keep every worker busy while results travel, few enough
# that what waits in memory (results kept in order, bytes sent) stays small.
IN_FLIGHT = 4
# Seconds to reach the scheduler, and to wait for its first worker.
CONNECT_TIMEOUT = 30
WORKER_TIMEOUT = 120

# (catalogue path or None, max bytes, transform or None, max data memory in bytes or None): what a local
# worker process is started with (``unkg.extract._init_worker``), sent to the workers once per run.
Settings = tuple[str | None, int, Callable[[Any], Any] | None, int | None]


# --------------------------------------------------------------------------
# On the workers.
@functools.lru_cache(maxsize=4)
def _catalogue(path: str | None) -> Catalogue:
    return load_catalogue(path) if path else default_catalogue()


class _DataLimit:
    """``--max-memory`` as the worker process's soft ``RLIMIT_DATA`` while it reads, lifted between files.

    A Dask worker is a long-lived process that also receives and sends
    data for the scheduler: the cap holds while at least one of its
    threads reads a file, as it holds over a whole local worker process,
    and the soft limit goes back to what it was when none reads. Run the
    workers with ``--nthreads 1`` (one file at a time per process, as
    ``-j``) for the cap to bound one file.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._readers = 0
        self._before: int | None = None

    @contextlib.contextmanager
    def held(self, limit: int | None) -> Iterator[None]:
        if not limit:
            yield
            return
        import resource

        with self._lock:
            if self._readers == 0:
                soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
                capped = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
                resource.setrlimit(resource.RLIMIT_DATA, (capped, hard))
                self._before = soft
            self._readers += 1
        try:
            yield
        finally:
            with self._lock:
                self._readers -= 1
                if self._readers == 0 and self._before is not None:
                    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
                    resource.setrlimit(resource.RLIMIT_DATA, (self._before, hard))


_LIMIT = _DataLimit()


# The settings of each run, by its token, installed on every worker (restarted ones too) by its plugin.
_SETTINGS: dict[str, Settings] = {}


class RunSettings(WorkerPlugin):
    """A Dask worker plugin that gives every worker of the cluster one run's settings.

    The scheduler keeps it and installs it on each worker that joins or
    is restarted during the run, so a task finds its settings on whichever
    worker runs it; they travel once per worker, not with every file (a
    sidecar table can be large). Removed at the end of the run.
    """

    def __init__(self, token: str, settings: Settings) -> None:
        self.name = f"unkg-run-{token}"
        self.token = token
        self.settings = settings

    def setup(self, worker: Any) -> None:
        _SETTINGS[self.token] = self.settings
        _catalogue(self.settings[0])  # read before the first file, as a local worker does

    def teardown(self, worker: Any) -> None:
        _SETTINGS.pop(self.token, None)


def read_on_worker(job: Job, where: str | None, token: str) -> Any:
    """On a Dask worker: one file's extraction, transformed as asked (a store's ``GraphPayload``).

    What a local worker process does with the same job (see
    ``unkg.extract._work``), reading the file at ``where`` (its absolute
    path: a worker has a working folder of its own) when the job carries
    no bytes; the file keeps the name it was given. It never raises for
    its file.
    """
    catalogue_path, max_bytes, transform, max_memory = _SETTINGS[token]
    name, data = job
    with _LIMIT.held(max_memory):
        catalogue = _catalogue(catalogue_path)
        if data is None:
            source = where or name
            extraction = _guarded(name, lambda: read_bytes(read_file(source, max_bytes), name, max_bytes), catalogue)
        else:
            extraction = _guarded(name, lambda: read_bytes(data, name, max_bytes), catalogue)
        return _finish(extraction, transform)


def worker_version() -> str:
    """The unkg version a worker runs (its extractions carry it as their provenance)."""
    return __version__


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
        try:
            versions = client.run(worker_version)
        except Exception as exc:  # a worker without unkg cannot even receive the function
            raise ClusterError(
                f"the Dask workers of {address} cannot run unkg ({failure(exc)}); "
                f"install unkg {__version__} with its 'cluster' extra on every worker"
            ) from None
        other = sorted({v for v in versions.values() if v != __version__})
        if other:
            raise ClusterError(
                f"the Dask workers of {address} run unkg {', '.join(other)}, this command {__version__}: "
                "install the same unkg on every worker (the graph records the extractor's version)"
            )
    except BaseException:
        client.close()
        raise
    return client


def _job(name: str, max_bytes: int, send_bytes: bool) -> Job:
    """A file's job: its name, and its bytes (read here, under --max-size) for standard input or ``send_bytes``."""
    return (name, read_file(name, max_bytes) if name == "-" or send_bytes else None)


def in_cluster(names: Iterable[str], address: str, initargs: tuple, send_bytes: bool = False) -> Iterator[Any]:
    """Each file's result, in order, read by the workers of the Dask scheduler at ``address``.

    ``initargs`` are a local worker's (see ``unkg.extract._init_worker``):
    catalogue path, max bytes, transform, max memory.

    Raises:
        ClusterError: the cluster cannot be reached or used, or went away before every file was read
            (the results already yielded stand).
    """
    import multiprocessing as mp
    import os

    from distributed import KilledWorker

    _, max_bytes, transform, _ = initargs
    client = connect(address)
    window: deque[tuple[Job, Any]] = deque()
    plugin: RunSettings | None = None
    try:
        token = uuid.uuid4().hex
        plugin = RunSettings(token, initargs)
        client.register_plugin(plugin)
        threads = max(sum(client.nthreads().values()), 1)
        todo = iter(names)
        exhausted = False
        while True:
            while not exhausted and len(window) < IN_FLIGHT * threads:
                name = next(todo, None)
                if name is None:
                    exhausted = True
                    break
                try:
                    job = _job(name, max_bytes, send_bytes)
                except SourceError as exc:
                    window.append(((name, None), _finish(failed(name, exc.reason), transform)))
                    continue
                where = None if job[1] is not None else os.path.abspath(name)
                window.append((job, client.submit(read_on_worker, job, where, token, pure=False)))
            if not window:
                break
            job, future = window.popleft()
            if not hasattr(future, "result"):  # refused here (standard input past --max-size): its result
                yield future
                continue
            try:
                result = future.result()
            except KilledWorker:
                # Every worker that took it died: read it alone here, where its death names it alone.
                ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
                result = _alone(ctx, job, initargs)
            except (Exception, asyncio.CancelledError) as exc:
                raise ClusterError(
                    f"the Dask cluster at {address} failed while reading {job[0]} ({failure(exc)}); "
                    "what was stored before stays whole: run the same command again"
                ) from None
            finally:
                future.release()
            yield result
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
