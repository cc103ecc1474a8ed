"""The errors unkg raises.

::

    UnkgError
    ├── SourceError (path, reason)   # one bad input: reported, the batch goes on
    ├── QueryError                   # a stored query cannot be run as asked
    │   ├── UnknownQuery
    │   └── MissingParameter
    ├── QueryLimit                   # a command's queries ran past their time or memory bound
    ├── StoreError                   # the store cannot be used as asked; the message says what to do
    │   ├── StoreUnavailable         # absent, or open for writing by another process (also an OSError)
    │   ├── StoreUnfinished          # an interrupted ingest left graphs without their marker
    │   ├── StoreCorrupt             # RocksDB found damaged files
    │   └── DiskFull                 # no space left while writing the store
    ├── FetchError                   # unkg fetch cannot go on; the work list keeps the rest for the next run
    │   ├── BotCheck                 # a bot check or a refusal: the crawl stops, never tries to get past it
    │   └── CircuitOpen              # the service kept failing (or soft-blocking) past the breaker's last trip
    ├── SeriesError                  # a series, text or paragraph that cannot be told (unkg series, diff, history)
    ├── ClusterError                 # the Dask cluster of --cluster cannot be reached or used, or went away
    └── UsageError                   # a wrong option or argument (exit status 2)

The command line turns each into one ``Error:`` line (exit status 1,
2 for ``UsageError``).
"""

from __future__ import annotations

from unkg.iri import printable

try:
    import resource
except ImportError:  # not on Windows: no process limits there
    resource = None  # type: ignore[assignment]


class UnkgError(Exception):
    """Base of every error unkg raises on purpose."""


class SourceError(UnkgError):
    """One input could not be read; the message names the file (printable) and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{printable(path)}: {reason}")
        self.path = path
        self.reason = reason


class SeriesError(UnkgError):
    """A series, a text or a paragraph that cannot be told: not a resolution, no text in the corpus,
    a file changed since its ingest, no such paragraph; the message says what to do."""


class UsageError(UnkgError):
    """The caller asked for something that cannot be done as asked."""


class QueryError(UnkgError):
    """A stored query cannot be run as asked (bad header, parameter or value)."""


class UnknownQuery(QueryError):
    """No stored query has that name; the message lists the names there are."""


class MissingParameter(QueryError):
    """A parameter the query needs was not given; the message says which and of what type."""


class QueryLimit(UnkgError):
    """A command's queries ran past ``--timeout`` or ``--max-memory``; the message names the bound and how to raise it."""


class StoreError(UnkgError):
    """The store cannot be used as asked; the message names the store, the cause and what to do."""


class StoreUnavailable(StoreError, OSError):
    """The store cannot be opened as asked: absent, or open for writing by another process."""


class StoreUnfinished(StoreError):
    """An interrupted ingest left file graphs without their hash marker; readers refuse until a writer drops them."""


class StoreCorrupt(StoreError):
    """RocksDB reports damaged store files (a bad block checksum, a truncated or overwritten file)."""


class DiskFull(StoreError):
    """The disk filled up while the store was being written."""


class FetchError(UnkgError):
    """``unkg fetch`` cannot go on as asked (the cache is in use, the service stopped answering); the message says
    what to do. What was fetched stays in the cache and the work list."""


class BotCheck(FetchError):
    """The document system answered with a bot check (HTTP 202 with ``x-amzn-waf-action``, a challenge page) or
    refused the request: the crawl stops; unkg never tries to get past it."""


class CircuitOpen(FetchError):
    """The document system kept failing or soft-blocking after the circuit breaker's last cooldown: the crawl
    stops, its pending documents kept for a later run."""


class ClusterError(UnkgError):
    """The Dask cluster of ``--cluster`` cannot be reached or used (no workers, another unkg on them), or went
    away during the run; the message names the scheduler and what to do. What was stored before stays whole."""


def out_of_memory() -> str:
    """What a MemoryError means here: out of memory, past this process's data limit when it has one.

    A process that reads a batch's files runs under ``--max-memory``
    (``RLIMIT_DATA``, see :mod:`unkg.read.limits`); the reason names it.
    """
    soft = resource.getrlimit(resource.RLIMIT_DATA)[0] if resource is not None else -1
    if soft < 0 or soft == getattr(resource, "RLIM_INFINITY", -1):
        return "out of memory"
    return f"out of memory, past this process's limit of {soft / (1024 * 1024):g} MiB (--max-memory)"


def failure(exc: BaseException) -> str:
    """``Type: message`` of a failure no reader foresaw, for the reason of a SourceError.

    >>> failure(OverflowError("string too long")), failure(MemoryError())
    ('OverflowError: string too long', 'MemoryError: out of memory')
    """
    detail = str(exc) or (out_of_memory() if isinstance(exc, MemoryError) else "")
    return f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__
