"""The server's limits and options as named settings with safe defaults.

Every setting has an environment variable (``UNKG_SERVE_<NAME>``) and a
``unkg serve`` option of the same name, so that a production ASGI server
running several workers (``uvicorn --factory unkg.serve:create_app``) reads the
same values as the command line.

>>> s = Settings.from_env({"UNKG_SERVE_TIMEOUT": "2.5", "UNKG_SERVE_MAX_ROWS": "10"})
>>> s.timeout, s.max_rows, s.max_request_bytes
(2.5, 10, 65536)
>>> Settings.from_env({"UNKG_SERVE_ALLOWED_HOSTS": "unkg.example.org, localhost"}).allowed_hosts
('unkg.example.org', 'localhost')
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
    #: MiB of memory (resident) one server process may hold; past it the process answers 503 and restarts
    #: (a query that sorts or joins the whole store). 0: no limit.
    max_memory: int = 2048
    #: Query threads kept for the server's own pages and look-ups (/doc/..., the home page): slow SPARQL
    #: queries cannot take them.
    page_concurrent: int = 2
    #: Queries one client (by address) may run at once in one server process; its others wait their turn
    #: while other clients' queries go ahead.
    max_per_client: int = 2
    #: Seconds a client has to send a request's whole head (request line and headers); past it, 408 and closed.
    header_timeout: float = 10.0
    #: Host header values answered (DNS rebinding); empty: the loopback names (localhost, 127.0.0.1, [::1]).
    #: A name may end in a port (``example.org:8080``); ``*`` answers every host.
    allowed_hosts: tuple[str, ...] = ()
    #: Origins whose web pages may read the answers (CORS); empty: none. ``*`` for any: public data only.
    cors_origins: tuple[str, ...] = ()
    #: Lock the server process out of the network once it serves (Linux seccomp): no outbound connection, ever.
    sandbox: bool = True

    def __post_init__(self) -> None:
        if self.store is None:
            object.__setattr__(self, "store", default_store_path())
        object.__setattr__(self, "store", Path(self.store))
        for name in ("timeout", "max_rows", "max_request_bytes", "max_concurrent", "retry_after"):
            if getattr(self, name) <= 0:
                raise ValueError(f"setting {name} must be positive, not {getattr(self, name)!r}")
        for name in ("page_concurrent", "max_per_client", "header_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"setting {name} must be positive, not {getattr(self, name)!r}")
        for name in ("allowed_hosts", "cors_origins"):
            object.__setattr__(self, name, _names(getattr(self, name)))
        for name in ("max_queued", "inline_after", "inline_ms", "max_memory"):
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
            if f.name in ("allowed_hosts", "cors_origins"):
                values[f.name] = _names(raw)
                continue
            if f.name == "sandbox":
                if raw.strip().lower() not in _BOOLEANS:
                    raise ValueError(f"UNKG_SERVE_SANDBOX={raw!r} is not one of {sorted(_BOOLEANS)}")
                values[f.name] = _BOOLEANS[raw.strip().lower()]
                continue
            kind = float if f.name in ("timeout", "inline_ms", "header_timeout") else int
            try:
                values[f.name] = kind(raw)
            except ValueError:
                raise ValueError(f"UNKG_SERVE_{f.name.upper()}={raw!r} is not a number") from None
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        """The ``UNKG_SERVE_*`` variables that give these settings back (for server processes)."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, tuple):
                value = ",".join(value)
            elif isinstance(value, bool):
                value = "1" if value else "0"
            env[f"UNKG_SERVE_{f.name.upper()}"] = str(value)
        return env

    def but(self, **changes: object) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


_BOOLEANS = {"1": True, "true": True, "yes": True, "on": True, "0": False, "false": False, "no": False, "off": False}


def _names(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """A list setting from a comma-separated string or a sequence: stripped, lower-case, blanks dropped."""
    items = [value] if isinstance(value, str) else value
    return tuple(name.strip().lower() for item in items for name in item.split(",") if name.strip())
