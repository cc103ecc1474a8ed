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
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from unkg.store import default_store_path

POSITIVE, NOT_NEGATIVE = "positive", "0 or more"


def setting(default: object, help: str, bound: str | None = None, option: str | None = None) -> Any:
    """A field of ``Settings``: its default, its help (the ``unkg serve`` option's too), the bound its value
    must keep (``POSITIVE`` or ``NOT_NEGATIVE``), and the option's name where it is not the field's
    (``--allowed-host`` for ``allowed_hosts``; ``""``: no option, an environment variable only)."""
    return field(default=default, metadata={"help": help, "bound": bound, "option": option})


@dataclass(frozen=True, slots=True)
class Settings:
    """What the server serves and how much it gives to one request. ``unkg serve`` makes one option of each
    field (``cli.serve_options``), with the field's default and help."""

    store: Path = setting(None, "The store served (default: the default store).", option="")  # noqa: RUF009  # a field()
    timeout: float = setting(30.0, "Seconds a query may run; past it, 503 with Retry-After (the server process "
                             "restarts to stop the query).", POSITIVE)  # fmt: skip
    max_rows: int = setting(10_000, "Rows (or triples) in one answer; more are cut and X-SPARQL-MaxRows says so.",
                            POSITIVE)  # fmt: skip
    max_request_bytes: int = setting(64 * 1024, "Largest request body or query string; more is 413.", POSITIVE)
    max_concurrent: int = setting(4, "Queries running at once in each server process (one thread each).", POSITIVE)
    max_queued: int = setting(64, "Requests waiting for a free query slot; past that, 503.", NOT_NEGATIVE)
    retry_after: int = setting(5, "Seconds in Retry-After of a 503.", POSITIVE, option="")
    inline_after: int = setting(3, "Fast runs in a row before a query's shape runs on the event loop, with no "
                                "thread hand-off (0: at once).", NOT_NEGATIVE)  # fmt: skip
    inline_ms: float = setting(10.0, "A run under this many ms of CPU counts as fast; slower on the loop sends the "
                               "shape back to the threads. 0: no fast lane.", NOT_NEGATIVE)  # fmt: skip
    max_memory: int = setting(2048, "MiB one server process may hold; past it, its queries get 503 and it "
                              "restarts. 0: no limit.", NOT_NEGATIVE)  # fmt: skip
    page_concurrent: int = setting(2, "Threads kept for the server's own pages and look-ups, which slow SPARQL "
                                   "queries cannot take.", POSITIVE)  # fmt: skip
    max_per_client: int = setting(2, "Queries one client address may run at once in a server process; its "
                                  "others wait their turn.", POSITIVE)  # fmt: skip
    header_timeout: float = setting(10.0, "Seconds a client has to send a request's whole head; past it, 408 "
                                    "and the connection is closed.", POSITIVE)  # fmt: skip
    allowed_hosts: tuple[str, ...] = setting((), "A Host header value to answer (against DNS rebinding), with "
                                             "or without a port; repeat for more, '*' for any. Default: "
                                             "localhost, 127.0.0.1, [::1].", option="--allowed-host")  # fmt: skip
    cors_origins: tuple[str, ...] = setting((), "An origin whose web pages may read the answers (CORS); repeat "
                                            "for more, '*' for any (public data only). Default: none.",
                                            option="--cors-origin")  # fmt: skip
    sandbox: bool = setting(True, "Lock each server process out of the network once it serves (Linux seccomp).")

    def __post_init__(self) -> None:
        if self.store is None:
            object.__setattr__(self, "store", default_store_path())
        object.__setattr__(self, "store", Path(self.store))
        for f in fields(self):
            value, bound = getattr(self, f.name), f.metadata["bound"]
            if (bound == POSITIVE and value <= 0) or (bound == NOT_NEGATIVE and value < 0):
                raise ValueError(f"setting {f.name} must be {bound}, not {value!r}")
        for name in ("allowed_hosts", "cors_origins"):
            object.__setattr__(self, name, _names(getattr(self, name)))

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
            if isinstance(f.default, tuple):
                values[f.name] = _names(raw)
            elif isinstance(f.default, bool):
                if raw.strip().lower() not in _BOOLEANS:
                    raise ValueError(f"UNKG_SERVE_{f.name.upper()}={raw!r} is not one of {sorted(_BOOLEANS)}")
                values[f.name] = _BOOLEANS[raw.strip().lower()]
            else:
                try:
                    values[f.name] = type(f.default)(raw)
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
