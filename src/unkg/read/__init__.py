"""Readers: turn a file (or bytes) into a :class:`~unkg.models.Source`.

``read(path)`` picks the reader by the file's content, not its name:
PDF (``%PDF-``), Word (a zip holding ``word/document.xml``), HTML, and plain
text in any common encoding. Every failure is a :class:`~unkg.errors.SourceError`
naming the file and the reason.
"""

from unkg.read.core import file_sha256, read, read_bytes, read_file, sniff
from unkg.read.limits import DEFAULT_MAX_BYTES

__all__ = ["DEFAULT_MAX_BYTES", "file_sha256", "read", "read_bytes", "read_file", "sniff"]
