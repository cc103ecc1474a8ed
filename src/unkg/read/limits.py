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
"""

from __future__ import annotations

DEFAULT_MAX_BYTES = 256 * 1024 * 1024
DEFAULT_MAX_QUADS = 1_000_000


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


def over_quads(max_quads: int) -> str:
    """The reason for a file whose graph passes --max-quads."""
    return f"its graph has over {max_quads:,} quads, the limit of --max-quads (raise it to store this file)"
