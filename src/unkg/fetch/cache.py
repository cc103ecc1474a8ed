"""The files fetched, by content: each kept once under its SHA-256, written whole or not at all.

::

    CACHE/
      worklist.sqlite          the work list (unkg.fetch.worklist)
      files/ab/ab12…ef.pdf     every file fetched, named by the SHA-256 of its bytes
      lock                     held by the one crawl that uses the cache
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
from pathlib import Path

from unkg.errors import FetchError


class Cache:
    """A content-addressed folder of fetched files, and the lock of the crawl using it."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)
        self.files = self.root / "files"
        self.files.mkdir(parents=True, exist_ok=True)
        self.worklist = self.root / "worklist.sqlite"
        self._lock: int | None = None

    def lock(self) -> None:
        """Take the cache for this crawl alone; another crawl on it is refused (one request at a time)."""
        fd = os.open(self.root / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise FetchError(
                f"another unkg fetch is using the cache {self.root}; wait for it to end, or give another --cache"
            ) from None
        self._lock = fd

    def unlock(self) -> None:
        """Release the cache."""
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def path(self, sha256: str, extension: str) -> Path:
        """Where the file of this hash and extension is kept."""
        return self.files / sha256[:2] / f"{sha256}{extension}"

    def put(self, data: bytes, extension: str) -> tuple[str, Path]:
        """Keep ``data`` (once: a file already there is not written again); its SHA-256 and path.

        The bytes go to a temporary file, flushed to disk, then renamed into
        place, so a crash leaves the file whole or absent, never cut short.
        """
        sha = hashlib.sha256(data).hexdigest()
        final = self.path(sha, extension)
        if final.is_file() and final.stat().st_size == len(data):
            return sha, final
        final.parent.mkdir(parents=True, exist_ok=True)
        temporary = final.with_name(f".{final.name}.{os.getpid()}.part")
        try:
            with open(temporary, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(temporary, final)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        return sha, final
