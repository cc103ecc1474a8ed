"""How much of one input unkg takes on, and the reasons given past each limit.

Both are the user's to raise; the reasons say which option does it.

- ``max_bytes`` (``--max-size``, 256 MiB by default) bounds the bytes read
  from a file, counted as they are read (never the size a file reports),
  and what any compressed part of a file may inflate to: each .docx part
  and all the parts read together, each Flate stream of a PDF.
- ``max_quads`` (``unkg ingest --max-quads``, 1,000,000 by default) bounds
  one file's graph. A graph is built and loaded whole, in memory
  (measured: ``unkg ingest -j 1`` of one file of 943,707 quads peaks at
  1.2 GB, about 1.3 KB a quad), so this bounds one file's memory at
  ingest; it is 50 times the largest file of the dev corpus (19,145 quads,
  A/HRC/43/2).
- ``max_memory`` (``--max-memory``, 1 GiB plus 8 times ``--max-size``,
  3 GiB by default) bounds the data memory (``RLIMIT_DATA``: heap and
  private mappings, what PDFium allocates too) of each process that reads
  a batch's files. PDFium ends its process (SIGABRT) when an allocation
  fails, so a PDF whose streams inflate past what was checked before
  (see :mod:`unkg.read.streams`) costs that process, never the command;
  measured: a 16 MiB text file peaks at 0.96 GB while its graph of 838,847
  quads is built, and reads under a limit of 1100 MiB; the 20 dev PDFs read
  the same under 40 MiB (under 20 MiB each fails with MemoryError). Not
  ``RLIMIT_AS``: it counts address space merely reserved, and a process
  with the store open (the workers of ``ingest`` are forked from it) holds
  385 MB of address space for 89 MB of data.
"""

from __future__ import annotations

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_QUADS = 1_000_000
MEMORY_BASE = 1024 * 1024 * 1024
MEMORY_PER_MAX_BYTE = 8


def default_max_memory(max_bytes: int) -> int:
    """The memory limit of a reading process when none is given: 1 GiB plus 8 times ``max_bytes``.

    >>> mib(default_max_memory(DEFAULT_MAX_BYTES))
    '3072 MiB'
    """
    return MEMORY_BASE + MEMORY_PER_MAX_BYTE * max_bytes


def mib(n: int) -> str:
    """A size in MiB as a person writes it.

    >>> mib(256 * 1024 * 1024), mib(1536 * 1024)
    ('256 MiB', '1.5 MiB')
    """
    return f"{n / (1024 * 1024):g} MiB"


def over_size(max_bytes: int, size: int | None = None) -> str:
    """The reason for a file over --max-size; ``size`` when known."""
    limit = f"over the limit of {max_bytes / 1e6:.1f} MB (--max-size)"
    return f"file is {size / 1e6:.1f} MB, {limit}" if size is not None else f"file is {limit}"


def bomb(what: str, max_bytes: int) -> str:
    """The reason for a compressed part that inflates past --max-size."""
    return f"{what} inflates past {mib(max_bytes)}, the limit of --max-size (a zip bomb?)"


def aborted(max_memory: int | None) -> str:
    """The reason for a file whose reading process aborted (SIGABRT), as PDFium does when an allocation fails.

    >>> aborted(300 * 1024 * 1024)
    'the process reading it aborted (SIGABRT), as PDFium does when it runs past its memory limit of 300 MiB (--max-memory; a PDF that inflates past it?)'
    """
    if max_memory is None:
        return "the process reading it aborted (SIGABRT; out of memory?)"
    return (
        "the process reading it aborted (SIGABRT), as PDFium does when it runs past its memory limit of "
        f"{mib(max_memory)} "
        "(--max-memory; a PDF that inflates past it?)"
    )


def over_quads(max_quads: int) -> str:
    """The reason for a file whose graph passes --max-quads."""
    return f"its graph has over {max_quads:,} quads, the limit of --max-quads (raise it to store this file)"
