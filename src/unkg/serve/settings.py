"""The server's limits and options as named settings with safe defaults.

Every setting has an environment variable (``UNKG_SERVE_<NAME>``) and a
``unkg serve`` option of the same name, so that a production ASGI server
running several workers (``uvicorn --factory unkg.serve:create_app``) reads the
same values as the command line.

>>> s = Settings.from_env({"UNKG_SERVE_TIMEOUT": "2.5", "UNKG_SERVE_MAX_ROWS": "10"})
>>> s.timeout, s.max_rows, s.max_request_bytes
(2.5, 10, 65536)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

from unkg.store import default_store_path


@dataclass(frozen=True, slots=True)
class Settings:
    """What the server serves and how much it gives to one request."""

    store: Path = None  # type: ignore[assignment]  # filled by __post_init__: the default store
    #: Seconds a query may run; past it the answer is 503 and the server process restarts to stop the query.
    timeout: float = 30.0
    #: Solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) in one answer; more are cut, and said so in X-SPARQL-MaxRows.
    max_rows: int = 10_000
    #: Bytes of a request body or of a query string; more is 413.
    max_request_bytes: int = 64 * 1024
    #: Queries running at once in one server process (one thread each).
    max_concurrent: int = 4
    #: Requests waiting for a free query slot; past that, 503 at once.
    max_queued: int = 64
    #: Seconds in Retry-After of a 503.
    retry_after: int = 5
    #: Fast runs in a row (in the query threads) before a query's shape runs on the event loop (0: from its first).
    inline_after: int = 3
    #: Milliseconds under which a run counts as fast; a shape slower than that on the loop goes back to the
    #: threads for good. 0 turns the fast lane off: every query then runs in a thread.
    inline_ms: float = 10.0

    def __post_init__(self) -> None:
        if self.store is None:
            object.__setattr__(self, "store", default_store_path())
        object.__setattr__(self, "store", Path(self.store))
        for name in ("timeout", "max_rows", "max_request_bytes", "max_concurrent", "retry_after"):
            if getattr(self, name) <= 0:
                raise ValueError(f"setting {name} must be positive, not {getattr(self, name)!r}")
        for name in ("max_queued", "inline_after", "inline_ms"):
            if getattr(self, name) < 0:
                raise ValueError(f"setting {name} must be 0 or more, not {getattr(self, name)!r}")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Settings from ``UNKG_SERVE_*`` variables (the store also from ``UNKG_STORE``)."""
        env = os.environ if env is None else env
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f"UNKG_SERVE_{f.name.upper()}")
            if f.name == "store":
                raw = raw or env.get("UNKG_STORE")
                if raw:
                    values["store"] = Path(raw)
                continue
            if raw is None:
                continue
            kind = float if f.name in ("timeout", "inline_ms") else int
            try:
                values[f.name] = kind(raw)
            except ValueError:
                raise ValueError(f"UNKG_SERVE_{f.name.upper()}={raw!r} is not a number") from None
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The ``UNKG_SERVE_*`` variables that give these settings back (for server processes)."""
        return {f"UNKG_SERVE_{f.name.upper()}": str(getattr(self, f.name)) for f in fields(self)}

    def but(self, **changes: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]
