"""Time and memory bounds for a command's queries: a watchdog thread ends the process past either.

pyoxigraph cannot cancel a query, and a query can run for ever or grow
without bound (on a store with damaged blocks a ``COUNT(*)`` over the union
of the graphs spins and allocates until the machine runs out of memory).
pyoxigraph releases the GIL while it evaluates and while it hands over each
solution, so a Python thread keeps running beside it: every ``interval``
seconds it reads the clock and the process's resident memory
(``/proc/self/statm``, counted from what the process held when the watch
began) and, past a bound, writes one ``Error:`` line to
standard error and ends the process (``os._exit``; the store is open
read-only, so nothing is left half written, and the kernel releases the
store's lock). Resident memory is read between two looks, so a query can
pass the bound by what it allocates in ``interval``.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType

from unkg.errors import QueryLimit

MIB = 1024 * 1024
# Exit status of a command ended by the watchdog: the status of any other failure with an Error line.
EXIT_STATUS = 1


@dataclass(frozen=True)
class Limits:
    """Bounds of a command's queries; None means no bound."""

    timeout: float | None = None  # seconds, from the start of the watch
    max_memory: int | None = None  # bytes of resident memory gained since the start of the watch

    @classmethod
    def from_options(cls, timeout: float, max_memory_mib: int) -> Limits:
        """From the command line's ``--timeout`` (seconds) and ``--max-memory`` (MiB); 0 turns a bound off."""
        return cls(timeout or None, max_memory_mib * MIB if max_memory_mib else None)


def resident_bytes() -> int:
    """The resident memory of this process, in bytes (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def cap_data_memory(limit: int) -> str | None:
    """Cap this process's data memory (``RLIMIT_DATA``) at ``limit`` bytes; None when done, else why not.

    ``RLIMIT_DATA`` counts private writable memory (the heap, anonymous
    mappings: what Python, pyoxigraph and PDFium allocate), not address
    space merely reserved nor the shared libraries mapped (``RLIMIT_AS``
    would count those). Past it an allocation fails: Python raises
    MemoryError, PDFium aborts the process. A lower cap already set stays.
    """
    try:
        import resource
    except ImportError:
        return f"no RLIMIT_DATA on {sys.platform}"
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))
    except (OSError, ValueError) as exc:
        return f"RLIMIT_DATA could not be set: {exc}"
    return None


def breach(limits: Limits, elapsed: float, gained: int) -> QueryLimit | None:
    """The bound passed, as the error to give, or None while within both.

    Args:
        limits: the bounds.
        elapsed: seconds since the watch began.
        gained: bytes of resident memory gained since the watch began.

    >>> breach(Limits(timeout=2.0), 2.5, 0)
    QueryLimit('the query ran past its time limit of 2 s (--timeout, UNKG_QUERY_TIMEOUT) and was stopped')
    >>> breach(Limits(timeout=2.0, max_memory=100 * MIB), 1.0, 50 * MIB) is None
    True
    """
    if limits.timeout is not None and elapsed > limits.timeout:
        return QueryLimit(
            f"the query ran past its time limit of {limits.timeout:g} s (--timeout, UNKG_QUERY_TIMEOUT) and was stopped"
        )
    if limits.max_memory is not None and gained > limits.max_memory:
        return QueryLimit(
            f"the query used more than its memory limit of {limits.max_memory // MIB} MiB ({gained // MIB} MiB; "
            "--max-memory, UNKG_QUERY_MAX_MEMORY) and was stopped"
        )
    return None


def end_process(error: QueryLimit) -> None:
    """Write ``Error: <error>`` to standard error and end the process at once, whatever the other threads do."""
    os.write(2, f"Error: {error}\n".encode())
    os._exit(EXIT_STATUS)


class Watchdog:
    """A context manager that watches the process while its block runs.

    Args:
        limits: the bounds.
        interval: seconds between two looks at the clock and the memory.
        on_breach: what to do past a bound (default: ``end_process``); called from the watchdog thread.
    """

    def __init__(
        self,
        limits: Limits,
        interval: float = 0.05,
        on_breach: Callable[[QueryLimit], None] = end_process,
    ) -> None:
        self.limits = limits
        self.interval = interval
        self.on_breach = on_breach
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        if self.limits.timeout is None and self.limits.max_memory is None:
            return self
        started, baseline = time.monotonic(), resident_bytes()

        def watch() -> None:
            while not self._stop.wait(self.interval):
                error = breach(self.limits, time.monotonic() - started, resident_bytes() - baseline)
                if error is not None:
                    self.on_breach(error)
                    return

        self._thread = threading.Thread(target=watch, name="unkg-watchdog", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
