"""Format detection and the ``read`` step."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
import zipfile
from collections.abc import Iterator
from io import BytesIO

from unkg.errors import SourceError, failure
from unkg.models import Source
from unkg.read.docx import read_docx
from unkg.read.html import read_html
from unkg.read.limits import DEFAULT_MAX_BYTES, over_size
from unkg.read.pdf import read_pdf
from unkg.read.text import decode_text

_CHUNK = 1024 * 1024


def sniff(data: bytes) -> str:
    """The format of ``data`` by its content: pdf, docx, zip, html, ole, text, binary, empty."""
    if not data:
        return "empty"
    head = data[:2048]
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(data)) as zf:
                return "docx" if "word/document.xml" in zf.namelist() else "zip"
        except zipfile.BadZipFile:
            return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    probe = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if probe.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        probe.startswith(b"<") and b"<p" in data[:65536].lower() and b"</" in head
    ):
        return "html"
    return "text"


def _zip_summary(data: bytes) -> str:
    """What a zip that is no Word file holds, for the error message."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as zf:
            names = zf.namelist()
    except zipfile.BadZipFile:
        return "unreadable zip"
    shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"no word/document.xml; it holds {shown or 'nothing'}"


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _not_regular(mode: int) -> str | None:
    """Why a file of this mode is refused (it is no regular file), or None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    kind = next((name for test, name in _KINDS if test(mode)), "a special file")
    return f"not a regular file ({kind}): only files are read"


def _open_regular(name: str) -> tuple[int, int]:
    """A descriptor open for reading on ``name``, a regular file, and the size it reports; else SourceError.

    Opened without blocking, so that a named pipe with no writer cannot
    hang the batch, then checked on the open descriptor itself (no race
    between the check and the open).
    """
    try:
        pre = os.stat(name)  # a FIFO is refused before it is opened at all
        reason = _not_regular(pre.st_mode)
        if reason:
            raise SourceError(name, reason)
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except PermissionError:
        raise SourceError(name, "permission denied") from None
    except IsADirectoryError:
        raise SourceError(name, "is a folder") from None
    except OSError as exc:
        raise SourceError(name, f"cannot be read: {exc.strerror or exc}") from None
    st = os.fstat(fd)
    reason = _not_regular(st.st_mode)
    if reason:
        os.close(fd)
        raise SourceError(name, reason)
    return fd, st.st_size


def _chunks(name: str, max_bytes: int) -> Iterator[bytes]:
    """The bytes of a file (``-``: standard input) in pieces, at most ``max_bytes`` in all, else SourceError.

    The bound counts the bytes actually read, never the size the file
    reports (a device or a file under /proc reports 0). Each read asks
    for what the reported size leaves, and one byte more to see the end
    (a read allocates what it asks for: a mebibyte asked for a page's
    text cost more than reading it); past that size, or with none
    reported, for pieces of ``_CHUNK``.
    """
    size = 0
    if name == "-":
        stream, fd = sys.stdin.buffer, None
    else:
        fd, size = _open_regular(name)
        if size > max_bytes:  # the reported size may refuse a file, never admit one
            os.close(fd)
            raise SourceError(name, over_size(max_bytes, size))
        stream = os.fdopen(fd, "rb", buffering=0)
    total = 0
    try:
        while True:
            want = size - total + 1 if size >= total and size else _CHUNK
            try:
                chunk = stream.read(min(want, _CHUNK, max_bytes + 1 - total))
            except OSError as exc:
                raise SourceError(name, f"cannot be read: {exc.strerror or exc}") from None
            if not chunk:
                return
            total += len(chunk)
            if total > max_bytes:
                size = os.fstat(fd).st_size if fd is not None else None
                raise SourceError(name, over_size(max_bytes, size if size and size > max_bytes else None))
            yield chunk
    finally:
        if fd is not None:
            stream.close()


def read_file(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """The bytes of one regular file (``-``: standard input), at most ``max_bytes``; else SourceError."""
    return b"".join(_chunks(os.fspath(path), max_bytes))


def file_sha256(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The SHA-256 of a regular file, read in pieces, at most ``max_bytes``; else SourceError."""
    digest = hashlib.sha256()
    for chunk in _chunks(os.fspath(path), max_bytes):
        digest.update(chunk)
    return digest.hexdigest()


def read_bytes(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Turn the bytes of one input into a Source, or raise SourceError.

    A reader that fails in a way it did not foresee (a malformed file that
    trips the PDF, Word or HTML reader; memory, recursion or size limits of
    the libraries) gives a SourceError too, naming the format and the
    failure, so one bad file never stops a batch.
    """
    try:
        return _read_bytes(data, path, max_bytes)
    except SourceError:
        raise
    except Exception as exc:  # whatever a reader raises is this file's failure
        raise SourceError(path, f"cannot be read as {sniff(data)} ({failure(exc)})") from None


def _read_bytes(data: bytes, path: str, max_bytes: int) -> Source:
    if len(data) > max_bytes:
        raise SourceError(path, over_size(max_bytes, len(data)))
    sha = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "empty":
        raise SourceError(path, "empty file")
    if kind == "pdf":
        composed, notes = read_pdf(data, path, max_bytes)
        return Source(
            path, composed.text, sha, "pdf", composed.page_starts, composed.page_map, composed.markers, notes
        )
    if kind == "html":
        markup, encoding = decode_text(data, path)
        text, markers, metadata = read_html(markup, path)
        return Source(path, text, sha, f"html/{encoding}", markers=markers, metadata=metadata)
    if kind == "docx":
        text, markers, metadata = read_docx(data, path, max_bytes)
        return Source(path, text, sha, "docx", markers=markers, metadata=metadata)
    if kind == "ole":
        raise SourceError(path, "legacy Word .doc (OLE) files are not supported (save as .docx, PDF or plain text)")
    if kind == "zip":
        raise SourceError(path, f"a zip archive, not a document ({_zip_summary(data)})")
    text, encoding = decode_text(data, path)
    return Source(path, text, sha, encoding)


def read(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read one regular file ("-" is standard input), at most ``max_bytes`` of it."""
    name = os.fspath(path)
    return read_bytes(read_file(name, max_bytes), name, max_bytes)
