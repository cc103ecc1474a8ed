"""The pipeline of one input: read, parse, cite.

``extract(path)`` and ``extract_text(text)`` return an
:class:`~unkg.models.Extraction`; ``extract_many(paths)`` streams them for a
batch, in order, across processes when asked. A bad input never stops a
batch: its Extraction carries the error.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any

from unkg.catalogue import Catalogue, default_catalogue, load_catalogue
from unkg.check import check, own_symbol
from unkg.cite import cite
from unkg.context import contexts
from unkg.cues import Cues
from unkg.errors import SourceError, failure
from unkg.models import Extraction, Source
from unkg.read import DEFAULT_MAX_BYTES, read, read_bytes, read_file
from unkg.read.limits import aborted, default_max_memory
from unkg.registry import default_registry
from unkg.structure import document_metadata, parse, text_language
from unkg.watchdog import cap_data_memory

try:
    __version__ = _metadata.version("unkg")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"

# The parts of the package whose code or data decide what is extracted from a text; the serving, export,
# network and command-line layers do not.
_NOT_EXTRACTION = ("serve", "export", "fetch", "cli.py", "network.py", "queries.py", "watchdog.py", "validate.py")


@functools.cache
def extractor_version() -> str:
    """The package version with a fingerprint of the extraction code, the catalogue and the registry.

    Each file graph records it (``unkg:extractorVersion``), and ``unkg ingest`` extracts an unchanged
    file again when the graph was built by another extractor: a store never mixes what an old extractor
    found with what the new one finds (``0.1.0+3f2a9c1b0d4e``).
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    files = [
        p
        for p in sorted(package.rglob("*.py"))
        if p.relative_to(package).parts[0] not in _NOT_EXTRACTION
    ]
    from unkg.catalogue import default_catalogue_path
    from unkg.registry import default_registry_path

    for path in (*files, default_catalogue_path(), default_registry_path()):
        digest.update(str(path.relative_to(package) if path.is_relative_to(package) else path.name).encode())
        with contextlib.suppress(OSError):
            digest.update(path.read_bytes())
    return f"{__version__}{'.' if '+' in __version__ else '+'}{digest.hexdigest()[:12]}"


def extract_source(source: Source, catalogue: Catalogue | None = None) -> Extraction:
    """Citations of an already read Source."""
    catalogue = catalogue or default_catalogue()
    # One pass over the text's capitals finds the catalogue's names and the cue words that the parser and
    # the finders test for before their patterns run (unkg.cues).
    cues = Cues()
    names = list(catalogue.scan(source.text, cues))
    document = parse(source, cues)
    citations = cite(document, catalogue, names=names)
    metadata = {
        "encoding": source.encoding,
        **document_metadata(source.text, document.symbol, cues, document.line_marks),
    }
    if document.organ:
        metadata["organ"] = document.organ
    if source.pages:
        metadata["pages"] = str(len(source.pages))
    for key, value in source.metadata.items():  # what the file says of itself; the text's own words win
        metadata.setdefault(key, value)
    language = metadata.get("language") or text_language(source.text)
    if language:
        metadata["language"] = language
    registry = default_registry()
    symbol = own_symbol(document.symbol, source.text, metadata, registry)
    if symbol != document.symbol:
        metadata["symbol_as_written"] = document.symbol or ""  # the heading the registry corrected
    citations, dropped = check(citations, source.text, symbol, metadata, registry, catalogue)
    return Extraction(
        source.path, source.sha256, symbol, citations, (), metadata, dropped, contexts(document, citations)
    )


def extract_text(text: str, source: str = "<text>", catalogue: Catalogue | None = None) -> Extraction:
    """Citations of a text given as a string.

    >>> [c.target for c in extract_text("Recalling its resolution 60/169,").citations]
    ['A/RES/60/169']
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return extract_source(Source(source, text, sha), catalogue)


def failed(path: str, reason: str) -> Extraction:
    """The extraction of an input that could not be read or extracted: ``reason`` is its one error."""
    return Extraction(path, None, None, (), (reason,))


def extract(
    path: str | os.PathLike[str], catalogue: Catalogue | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Extraction:
    """Citations of one file; a file that cannot be read gives ``errors``.

    It never raises for its file: whatever reading or extracting raises
    (out of memory, recursion, a library's own limits) becomes the reason.
    It reads in this process, without the memory limit of
    :func:`extract_many`'s reading processes: a library call for one
    trusted file.
    """
    name = os.fspath(path)
    return _guarded(name, lambda: read(name, max_bytes), catalogue)


def _guarded(name: str, reader: Callable[[], Source], catalogue: Catalogue | None) -> Extraction:
    """The extraction of the Source ``reader`` gives; whatever either step raises becomes the reason."""
    try:
        source = reader()
    except SourceError as exc:
        return failed(name, exc.reason)
    except Exception as exc:  # the readers turn their failures into SourceError; this is the last guard
        return failed(name, f"cannot be read ({failure(exc)})")
    try:
        return extract_source(source, catalogue)
    except Exception as exc:  # one file never stops a batch, whatever it raises
        return failed(name, f"extraction failed ({failure(exc)})")


def _finish(result: Extraction, transform: Callable[[Extraction], Any] | None) -> Any:
    """``transform(result)``; a transform that fails gives the transform of the failure instead."""
    if transform is None:
        return result
    try:
        return transform(result)
    except Exception as exc:  # the transform of a failed extraction does no work and cannot fail
        return transform(failed(result.source, f"cannot be stored ({failure(exc)})"))


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and the files inside folders named (sorted, no hidden)."""
    for name in paths:
        p = Path(name)
        if name != "-" and p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield str(child)
        else:
            yield name


# What a reading process is given: a file's name, and its bytes when the command read them (standard input).
Job = tuple[str, bytes | None]

_WORKER_CATALOGUE: Catalogue | None = None
_WORKER_MAX = DEFAULT_MAX_BYTES
_WORKER_TRANSFORM: Callable[[Extraction], Any] | None = None
# Tasks in flight per worker process: enough to keep it busy, few enough to re-run after a crash.
_IN_FLIGHT = 4
# Small files go to a worker several to a task: each task costs a round trip between the processes (about
# 0.1 ms), a tenth of what extracting a statement of a few pages takes. A batch holds at most this many files
# and bytes; a bigger file (a PDF, a report) and standard input go alone.
_BATCH_FILES = 16
_BATCH_BYTES = 256 * 1024


def _init_worker(
    catalogue_path: str | None,
    max_bytes: int,
    transform: Callable[[Extraction], Any] | None,
    max_memory: int | None = None,
) -> None:
    global _WORKER_CATALOGUE, _WORKER_MAX, _WORKER_TRANSFORM
    if max_memory:  # where it cannot be set (no RLIMIT_DATA: Windows), the worker runs without it
        cap_data_memory(max_memory)
    _WORKER_CATALOGUE = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
    _WORKER_MAX = max_bytes
    _WORKER_TRANSFORM = transform


def _work(job: Job) -> Any:
    name, data = job
    if data is None:
        extraction = extract(name, _WORKER_CATALOGUE, _WORKER_MAX)
    else:
        extraction = _guarded(name, lambda: read_bytes(data, name, _WORKER_MAX), _WORKER_CATALOGUE)
    return _finish(extraction, _WORKER_TRANSFORM)


def _work_batch(jobs: list[Job]) -> list[Any]:
    """Each job's result, in order (one task of a worker process)."""
    return [_work(job) for job in jobs]


def _work_alone(conn: Any, job: Job, initargs: tuple) -> None:
    """In a process of its own: extract one file and send the result back."""
    _init_worker(*initargs)
    conn.send(_work(job))
    conn.close()


def died(exitcode: int | None, max_memory: int | None = None) -> str:
    """The reason for a file whose worker process died while reading it.

    ``max_memory`` is the memory limit the process ran under: PDFium aborts
    (SIGABRT) when an allocation fails, so an abort is told with the limit.

    >>> died(-9)
    'the process reading it was killed (SIGKILL; out of memory?)'
    """
    if exitcode == -signal.SIGABRT:
        return aborted(max_memory or None)
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        return f"the process reading it was killed ({name}; out of memory?)"
    return f"the process reading it died (exit status {exitcode})"


def _alone(ctx: Any, job: Job, initargs: tuple) -> Any:
    """One file extracted in a process of its own, so that its death names it alone."""
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_work_alone, args=(send, job, initargs), daemon=True)
    proc.start()
    send.close()
    try:
        result = receive.recv()
    except (EOFError, OSError):
        result = None
    finally:
        receive.close()
        proc.join()
    if result is not None:
        return result
    return _finish(failed(job[0], died(proc.exitcode, initargs[3])), initargs[2])


def _job(name: str, max_bytes: int) -> Job:
    """The job of one input: its name; for standard input (``-``), its bytes too, read here once."""
    return (name, read_file(name, max_bytes) if name == "-" else None)


def _batches(names: Iterable[str]) -> Iterator[list[str]]:
    """The inputs in order, grouped: runs of small files (see ``_BATCH_FILES``), every other input alone."""
    batch: list[str] = []
    size = 0
    for name in names:
        try:
            n = os.stat(name).st_size if name != "-" else None
        except OSError:  # its reading process tells why
            n = None
        small = n is not None and n <= _BATCH_BYTES
        if batch and (not small or len(batch) >= _BATCH_FILES or size + n > _BATCH_BYTES):
            yield batch
            batch, size = [], 0
        if small:
            batch.append(name)
            size += n or 0
        else:
            yield [name]
    if batch:
        yield batch


def _submit(pool: Any, names: list[str], initargs: tuple) -> tuple[list[Job], Any]:
    """(jobs, future of their results) for a batch; standard input that cannot be read is a future already done."""
    from concurrent.futures import Future

    try:
        jobs = [_job(name, initargs[1]) for name in names]
    except SourceError as exc:  # only standard input is read here, and it goes alone
        done: Future = Future()
        done.set_result([_finish(failed(names[0], exc.reason), initargs[2])])
        return [(names[0], None)], done
    return jobs, pool.submit(_work_batch, jobs)


def _in_processes(names: Iterable[str], jobs: int, initargs: tuple) -> Iterator[Any]:
    """Each file's result, in order, from ``jobs`` worker processes.

    Small files travel in batches (``_batches``). A worker that dies
    (killed for memory, aborted by PDFium past its memory limit, a crash in
    a library) breaks the pool: the files then in flight are each run again
    alone, in a process of their own, so the one that kills its process
    gets the reason and every other is extracted; a fresh pool takes the
    rest.
    """
    import multiprocessing as mp
    from concurrent.futures import Future, ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    todo = _batches(names)
    window: deque[tuple[list[Job], Future]] = deque()
    pool: ProcessPoolExecutor | None = None
    pending = next(todo, None)
    try:
        while pending is not None or window:
            if pool is None:
                pool = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker, initargs=initargs)
            try:
                while pending is not None and len(window) < _IN_FLIGHT * jobs:
                    window.append(_submit(pool, pending, initargs))
                    pending = next(todo, None)
                batch, future = window[0]
                results = future.result()
                window.popleft()
                yield from results
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                pool = None
                while window:
                    batch, future = window.popleft()
                    if future.done() and not future.cancelled() and future.exception() is None:
                        yield from future.result()
                    else:
                        for job in batch:
                            yield _alone(ctx, job, initargs)
        if pool is not None:  # every file done: the workers are ended and reaped before this returns
            pool.shutdown(wait=True)
            pool = None
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _described(
    describe: Callable[[Extraction], Extraction], transform: Callable[[Extraction], Any] | None, result: Extraction
) -> Any:
    """``transform(describe(result))``; a description that fails leaves the extraction as it was, with a note."""
    try:
        result = describe(result)
    except Exception as exc:  # the text's own extraction stands: a bad row or name never fails a file
        note = f"its metadata could not be described ({failure(exc)})"
        result = replace(result, metadata={**result.metadata, "metadata_note": note})
    return result if transform is None else transform(result)


def extract_many(
    paths: Iterable[str],
    catalogue_path: str | None = None,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    transform: Callable[[Extraction], Any] | None = None,
    max_memory: int | None = None,
    describe: Callable[[Extraction], Extraction] | None = None,
    cluster: str | None = None,
    send_bytes: bool = False,
) -> Iterator[Any]:
    """Extract every input, in order, streaming, in ``jobs`` worker processes (one for ``jobs`` <= 1).

    Every input, standard input too, is read in a worker process, never in
    this one: PDFium ends its process when an allocation fails (SIGABRT),
    which no guard in the process can catch. Each worker runs under
    ``max_memory`` bytes of data memory (see
    :func:`~unkg.watchdog.cap_data_memory`; None: the default of
    :func:`~unkg.read.limits.default_max_memory`, 0: no limit).

    ``transform``, when given, is applied to each extraction where it was
    made (in the worker process), and its result is yielded instead: the
    store uses it to build each file's N-Quads in parallel. It must be a
    module-level function so that worker processes can receive it.

    ``describe``, when given (a :class:`unkg.describe.Describer`), fills
    each extraction's identity and metadata from a sidecar or its file's
    name, in the worker, before ``transform``; it must be picklable too.

    One file never stops the batch, whatever it raises or however its
    worker process dies: it gets its reason (see :func:`extract`,
    :func:`_in_processes`) and the others are extracted.

    ``cluster``, a Dask scheduler's address, reads the inputs on its
    workers instead of ``jobs`` local processes, by path, or sent their
    bytes with ``send_bytes`` (see :mod:`unkg.cluster`).
    """
    files = expand_paths(paths)
    # Loaded here: a catalogue that cannot be loaded stops the command before any worker starts,
    # and forked workers inherit the default one already read.
    load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
    limit = default_max_memory(max_bytes) if max_memory is None else max_memory
    if describe is not None:
        transform = functools.partial(_described, describe, transform)
    initargs = (catalogue_path, max_bytes, transform, limit or None)
    if cluster:
        from unkg.cluster import in_cluster

        yield from in_cluster(files, cluster, initargs, send_bytes)
    else:
        if hasattr(os, "fork"):  # read once here, as the catalogue, rather than once in each forked worker
            default_registry()
        yield from _in_processes(files, max(jobs, 1), initargs)
