"""The Flate streams of a PDF, inflated under a limit before PDFium reads the file.

PDFium inflates a page's content stream whole, in memory, when it loads the
page (measured: a 0.5 MB PDF whose one content stream inflates to 512 MB
took 1.1 GB), and pypdfium2 offers no call that tells a stream's size
before the page is loaded (its raw API gives the data of image objects
only, once their page is loaded). So every stream of the file that starts
as Flate data (zlib, the filter of page contents in practice) is inflated
here first, in pieces, counting the bytes and keeping none: a stream, or a
Flate stream inside a Flate stream, that inflates past the limit refuses
the file before PDFium loads it.

Not checked here: streams whose first filter is not Flate (LZW, run-length,
ASCII85 or hex around Flate) and the streams of encrypted PDFs, which only
PDFium can decode. PDFium inflates those in the worker process that reads
the file, under ``--max-memory`` (see :func:`unkg.extract.extract_many`):
past it PDFium aborts that process and the file fails alone.
"""

from __future__ import annotations

import itertools
import re
import zlib
from collections.abc import Iterator

_STREAM = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_OBJECT = re.compile(rb"(\d+)\s+\d+\s+obj\b")
_PIECE = 256 * 1024
_DEPTH = 4  # Flate inside Flate inside ... checked this deep


class StreamTooLarge(Exception):
    """A stream inflates past the limit; ``where`` names it."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


def _looks_zlib(head: bytes) -> bool:
    """Whether bytes open a zlib stream (deflate method, valid header check)."""
    return len(head) >= 2 and head[0] & 0x0F == 8 and head[0] >> 4 <= 7 and (head[0] * 256 + head[1]) % 31 == 0


def _inflate(pieces: Iterator[bytes]) -> Iterator[bytes]:
    """What zlib data inflates to, in pieces of at most _PIECE bytes, up to its end or the first error."""
    d = zlib.decompressobj()
    for piece in pieces:
        while piece:
            try:
                out = d.decompress(piece, _PIECE)
            except zlib.error:
                return
            if out:
                yield out
            if d.eof:
                return
            piece = d.unconsumed_tail


def _check(pieces: Iterator[bytes], limit: int, depth: int = 0) -> None:
    """Inflate ``pieces`` (and a Flate stream they hold), raising OverflowError past ``limit`` bytes."""
    out = _inflate(pieces)
    first = next(out, b"")
    if not first:
        return
    total = 0

    def counted() -> Iterator[bytes]:
        nonlocal total
        for piece in itertools.chain([first], out):
            total += len(piece)
            if total > limit:
                raise OverflowError
            yield piece

    rest = counted()
    if depth < _DEPTH and _looks_zlib(first):
        _check(rest, limit, depth + 1)
    for _ in rest:
        pass


def _name(data: bytes, at: int) -> str:
    """'object N' for the stream whose dictionary ends at ``at``, else its offset."""
    found = list(_OBJECT.finditer(data, max(0, at - 16384), at))
    return f"object {int(found[-1].group(1))}" if found else f"the stream at byte {at}"


def check_streams(data: bytes, limit: int) -> None:
    """Raise StreamTooLarge when a Flate stream of the PDF ``data`` inflates past ``limit`` bytes."""
    view = memoryview(data)
    for match in _STREAM.finditer(data):
        start = match.end()
        if not _looks_zlib(data[start : start + 2]):
            continue
        pieces = (bytes(view[i : i + _PIECE]) for i in range(start, len(data), _PIECE))
        try:
            _check(pieces, limit)
        except OverflowError:
            raise StreamTooLarge(_name(data, match.start())) from None
