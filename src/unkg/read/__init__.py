"""Readers: turn a file (or bytes) into a :class:`~unkg.models.Source`.

``read(path)`` picks the reader by the file's content, not its name:
PDF (``%PDF-``), Word (a zip holding ``word/document.xml``), HTML, and plain
text in any common encoding. Every failure is a :class:`~unkg.errors.SourceError`
naming the file and the reason.
"""

from unkg.read.core import DEFAULT_MAX_BYTES, read, read_bytes, sniff

__all__ = ["DEFAULT_MAX_BYTES", "read", "read_bytes", "sniff"]
