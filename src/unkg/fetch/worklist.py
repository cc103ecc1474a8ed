"""The work list of a crawl, in SQLite: what each symbol's state is, so that a killed crawl resumes.

One row per symbol, language and file type. Every change is one statement,
committed at once (SQLite's write-ahead log makes it whole or absent), so a
crawl killed at any point resumes from the last change: a fetched document is
never asked for again, and one whose answer was lost is asked again.

States:

- ``pending``: to fetch (again, from ``next_try`` on: after a passing failure, an empty answer).
- ``fetched``: its file is in the cache (``sha256``, ``file``).
- ``unavailable``: the service says it has no such document (404, its "not available" page). A "not
  available" answer is ``provisional`` until the service is seen to serve documents after it (a soft block
  serves that page for documents that exist); a crawl that starts again asks for provisional ones again.
- ``blocked``: the service blocked us (a soft block, a bot check) when we asked; asked again after ``next_try``.
- ``failed``: no use asking again as things are (too many failures; a file unkg cannot read, kept in the cache).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

PENDING, FETCHED, UNAVAILABLE, BLOCKED, FAILED = "pending", "fetched", "unavailable", "blocked", "failed"
STATES = (PENDING, FETCHED, UNAVAILABLE, BLOCKED, FAILED)
TO_DO = (PENDING, BLOCKED)

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS documents (
    symbol      TEXT NOT NULL,
    lang        TEXT NOT NULL,
    type        TEXT NOT NULL,
    state       TEXT NOT NULL CHECK (state IN ({", ".join(f"'{s}'" for s in STATES)})),
    attempts    INTEGER NOT NULL DEFAULT 0,     -- answers that failed for a passing cause
    next_try    REAL NOT NULL DEFAULT 0,        -- Unix time from which a pending or blocked one is asked again
    reason      TEXT,                           -- why it is in its state (the last answer), for people
    provisional INTEGER NOT NULL DEFAULT 0,     -- 1: unavailable by a "not available" answer not yet confirmed
    sha256      TEXT,                           -- the fetched file's hash (its name in the cache)
    file        TEXT,                           -- its path in the cache, relative to the cache folder
    format      TEXT,                           -- pdf, docx, doc, wordperfect
    url         TEXT,                           -- where the file came from, after redirects
    bytes       INTEGER,
    cites       TEXT,                           -- JSON [[target, kind], ...] found in it; NULL until extracted
    own_symbol  TEXT,                           -- the symbol the file states for itself
    updated     TEXT NOT NULL,
    PRIMARY KEY (symbol, lang, type)
);
"""


@dataclass(frozen=True, slots=True)
class Row:
    """One document of the work list (see the columns of ``SCHEMA``)."""

    symbol: str
    state: str
    attempts: int
    next_try: float
    reason: str | None
    provisional: bool
    sha256: str | None
    file: str | None
    format: str | None
    url: str | None
    cites: tuple[tuple[str, str], ...] | None
    own_symbol: str | None


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Worklist:
    """The work list of one language and file type, in a SQLite file.

    Args:
        path: the SQLite file.
        lang: the language of the documents.
        file_type: ``pdf`` or ``doc``.
        clock: the wall clock (Unix time) of retry times; tests may replace it.
    """

    def __init__(self, path: str | os.PathLike[str], lang: str, file_type: str, clock=time.time) -> None:
        self.db = sqlite3.connect(os.fspath(path), isolation_level=None, timeout=30)
        # Write-ahead log, synced at checkpoints: a commit survives the process being killed at any point (what
        # a resumable crawl needs); a power cut may lose the last few, which are then asked for again.
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.lang, self.type, self.clock = lang, file_type, clock

    def close(self) -> None:
        """Close the file."""
        self.db.close()

    def _set(self, symbol: str, **values: object) -> None:
        values["updated"] = _now()
        assignments = ", ".join(f"{name} = ?" for name in values)
        self.db.execute(
            f"UPDATE documents SET {assignments} WHERE symbol = ? AND lang = ? AND type = ?",
            (*values.values(), symbol, self.lang, self.type),
        )

    # -- reading ----------------------------------------------------------------
    def get(self, symbol: str) -> Row | None:
        """The row of a symbol, or None."""
        found = self.db.execute(
            "SELECT symbol, state, attempts, next_try, reason, provisional, sha256, file, format, url, cites,"
            " own_symbol FROM documents WHERE symbol = ? AND lang = ? AND type = ?",
            (symbol, self.lang, self.type),
        ).fetchone()
        if found is None:
            return None
        cites = None if found[10] is None else tuple((t, k) for t, k in json.loads(found[10]))
        return Row(*found[:5], bool(found[5]), *found[6:10], cites, found[11])

    def counts(self) -> dict[str, int]:
        """How many documents of this language and type are in each state."""
        rows = self.db.execute(
            "SELECT state, COUNT(*) FROM documents WHERE lang = ? AND type = ? GROUP BY state", (self.lang, self.type)
        )
        return {state: n for state, n in rows}

    def canary(self, exclude: Iterable[str] = ()) -> str | None:
        """A symbol fetched before (the latest), to check the service still serves what it has; or None."""
        skip = set(exclude)
        for (symbol,) in self.db.execute(
            "SELECT symbol FROM documents WHERE lang = ? AND type = ? AND state = ? AND format IN ('pdf', 'docx')"
            " ORDER BY updated DESC, symbol LIMIT 50",
            (self.lang, self.type, FETCHED),
        ):
            if symbol not in skip:
                return symbol
        return None

    # -- changes ----------------------------------------------------------------
    def add(self, symbol: str) -> Row:
        """Put a symbol on the list (pending) unless it is there; its row."""
        self.db.execute(
            "INSERT OR IGNORE INTO documents (symbol, lang, type, state, updated) VALUES (?, ?, ?, ?, ?)",
            (symbol, self.lang, self.type, PENDING, _now()),
        )
        row = self.get(symbol)
        assert row is not None
        return row

    def reopen(self) -> int:
        """At the start of a crawl: provisional "not available" verdicts are asked again; how many."""
        cursor = self.db.execute(
            "UPDATE documents SET state = ?, provisional = 0, next_try = 0, updated = ?"
            " WHERE lang = ? AND type = ? AND state = ? AND provisional = 1",
            (PENDING, _now(), self.lang, self.type, UNAVAILABLE),
        )
        return cursor.rowcount

    def fetched(self, symbol: str, sha256: str, file: str, fmt: str, url: str, size: int) -> None:
        """Its file is in the cache."""
        self._set(
            symbol, state=FETCHED, sha256=sha256, file=file, format=fmt, url=url, bytes=size, reason=None,
            provisional=0, next_try=0, cites=None,
        )  # fmt: skip

    def record_cites(self, symbol: str, cites: Iterable[tuple[str, str]], own_symbol: str | None) -> None:
        """What a fetched file cites ((target, kind) in the order found) and the symbol it states for itself."""
        self._set(symbol, cites=json.dumps([list(c) for c in cites]), own_symbol=own_symbol)

    def unavailable(self, symbol: str, reason: str, provisional: bool = False) -> None:
        """The service has no such document (provisional: until the service is seen serving documents)."""
        self._set(symbol, state=UNAVAILABLE, reason=reason, provisional=int(provisional), next_try=0)

    def confirm(self, symbols: Iterable[str]) -> None:
        """Provisional "not available" verdicts made final."""
        for symbol in symbols:
            self._set(symbol, provisional=0)

    def retry(self, symbol: str, reason: str, after: float, counted: bool = True) -> int:
        """Pending again, asked from ``after`` seconds on; ``counted``: one more failed attempt. Its attempts."""
        row = self.get(symbol)
        attempts = (row.attempts if row else 0) + (1 if counted else 0)
        self._set(symbol, state=PENDING, reason=reason, attempts=attempts, next_try=self.clock() + after, provisional=0)
        return attempts

    def block(self, symbol: str, reason: str, after: float) -> None:
        """Blocked when asked; asked again from ``after`` seconds on."""
        self._set(symbol, state=BLOCKED, reason=reason, next_try=self.clock() + after, provisional=0)

    def fail(self, symbol: str, reason: str, **kept: object) -> None:
        """No use asking again as things are; ``kept``: the file's sha256, file, format, url, bytes if it arrived."""
        self._set(symbol, state=FAILED, reason=reason, provisional=0, **kept)
