"""Format detection and the ``read`` step."""

from __future__ import annotations

import hashlib
import os
import zipfile
from io import BytesIO
from pathlib import Path

from unkg.errors import SourceError
from unkg.models import Source
from unkg.read.docx import read_docx
from unkg.read.html import read_html
from unkg.read.pdf import read_pdf
from unkg.read.text import decode_text

DEFAULT_MAX_BYTES = 256 * 1024 * 1024  # far above any UN document; a larger input is refused, named


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


def read_bytes(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Turn the bytes of one input into a Source, or raise SourceError.

    A reader that fails in a way it did not foresee (a malformed file that
    trips the PDF, Word or HTML reader) gives a SourceError too, naming the
    format and the failure, so one bad file never stops a batch.
    """
    try:
        return _read_bytes(data, path, max_bytes)
    except SourceError:
        raise
    except (ValueError, KeyError, IndexError, TypeError, AttributeError, RuntimeError, OSError) as exc:
        raise SourceError(path, f"cannot be read as {sniff(data)} ({type(exc).__name__}: {exc})") from None


def _read_bytes(data: bytes, path: str, max_bytes: int) -> Source:
    if len(data) > max_bytes:
        raise SourceError(
            path, f"file is {len(data) / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB (--max-size)"
        )
    sha = hashlib.sha256(data).hexdigest()
    kind = sniff(data)
    if kind == "empty":
        raise SourceError(path, "empty file")
    if kind == "pdf":
        composed, notes = read_pdf(data, path)
        return Source(
            path, composed.text, sha, "pdf", composed.page_starts, composed.page_map, composed.markers, notes
        )
    if kind == "html":
        markup, encoding = decode_text(data, path)
        text, markers, metadata = read_html(markup, path)
        return Source(path, text, sha, f"html/{encoding}", markers=markers, metadata=metadata)
    if kind == "docx":
        text, markers, metadata = read_docx(data, path)
        return Source(path, text, sha, "docx", markers=markers, metadata=metadata)
    if kind == "ole":
        raise SourceError(path, "legacy Word .doc (OLE) files are not supported (save as .docx, PDF or plain text)")
    if kind == "zip":
        raise SourceError(path, f"a zip archive, not a document ({_zip_summary(data)})")
    text, encoding = decode_text(data, path)
    return Source(path, text, sha, encoding)


def read(path: str | os.PathLike[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Source:
    """Read one file ("-" is standard input)."""
    name = os.fspath(path)
    try:
        if name == "-":
            import sys

            data = sys.stdin.buffer.read(max_bytes + 1)
        else:
            p = Path(name)
            if p.is_dir():
                raise SourceError(name, "is a folder")
            size = p.stat().st_size
            if size > max_bytes:
                raise SourceError(
                    name, f"file is {size / 1e6:.1f} MB, over the limit of {max_bytes / 1e6:.1f} MB (--max-size)"
                )
            data = p.read_bytes()
    except FileNotFoundError:
        raise SourceError(name, "no such file") from None
    except PermissionError:
        raise SourceError(name, "permission denied") from None
    except IsADirectoryError:
        raise SourceError(name, "is a folder") from None
    except OSError as exc:
        raise SourceError(name, f"cannot be read: {exc.strerror or exc}") from None
    return read_bytes(data, name, max_bytes)
