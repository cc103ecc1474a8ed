"""Asking the document system for a file, politely: one request at a time per host, paced, honest.

``Client.ask(symbol, lang, file_type)`` sends
``{base}/api/symbol/access?s={symbol}&l={lang}&t={file_type}``, the symbol
percent-encoded whole (its slashes too: the service answers 404 to a bare
one), and follows the redirect to the file (``/doc/undoc/gen/...pdf``) one
hop at a time, each hop paced like any request. It never follows a
redirect off the base host, and never sends a request to the UN Digital
Library.

httpx is the client: the Encode team's, like the web framework and server of
``unkg serve``; it has separate connect and read timeouts, streams a body so
that its size is bounded as it arrives, and leaves redirects to the caller.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urljoin, urlsplit

import httpx

from unkg.fetch.settings import Settings, forbidden

MAX_HOPS = 5
REDIRECTS = (301, 302, 303, 307, 308)


def access_url(base_url: str, symbol: str, lang: str, file_type: str) -> str:
    """The address of a symbol's file in the document system.

    >>> access_url("https://documents.un.org", "S/RES/1325(2000)", "en", "pdf")
    'https://documents.un.org/api/symbol/access?s=S%2FRES%2F1325%282000%29&l=en&t=pdf'
    """
    return f"{base_url}/api/symbol/access?s={quote(symbol, safe='')}&l={lang}&t={file_type}"


@dataclass(frozen=True, slots=True)
class Reply:
    """The last answer to a request, after redirects: status, headers, body, and the address it came from."""

    status: int
    headers: dict[str, str]
    body: bytes
    url: str
    hops: tuple[str, ...] = ()


class TransportFailure(Exception):
    """A request that got no answer (connection refused or reset, a timeout, a broken answer): a passing failure."""


class TooLarge(Exception):
    """An answer larger than ``Settings.max_bytes``."""


class NotFollowed(Exception):
    """A redirect off the base host (or to a host unkg never asks), not followed."""


@dataclass
class Client:
    """The one way unkg sends requests to the document system.

    Attributes:
        settings: pacing, timeouts, size bound and User-Agent.
        version: unkg's version, for the User-Agent.
        clock, sleep, rand: time and chance (tests may replace them).
    """

    settings: Settings
    version: str
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    _next: dict[str, float] = field(default_factory=dict)
    _http: httpx.Client | None = None

    def __post_init__(self) -> None:
        self._http = httpx.Client(
            headers={
                "User-Agent": self.settings.user_agent(self.version),
                "Accept": "application/pdf, application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                " application/msword;q=0.9, */*;q=0.1",
            },
            timeout=httpx.Timeout(self.settings.timeout),
            follow_redirects=False,
        )
        self.host = urlsplit(self.settings.base_url).hostname or ""
        self.requests = 0

    def close(self) -> None:
        """Close the connections."""
        if self._http is not None:
            self._http.close()
            self._http = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def hold(self, seconds: float, host: str | None = None) -> None:
        """Send nothing more to a host (default: the base host) for ``seconds`` (its ``Retry-After``, a cooldown)."""
        host = host or self.host
        self._next[host] = max(self._next.get(host, 0.0), self.clock() + seconds)

    def _turn(self, host: str) -> None:
        """Wait until the host may get the next request."""
        wait = self._next.get(host, 0.0) - self.clock()
        if wait > 0:
            self.sleep(wait)

    def _paced(self, host: str) -> None:
        """After a request: the next one to the host waits the delay plus a jitter."""
        gap = self.settings.delay + self.settings.jitter * self.rand()
        self._next[host] = max(self._next.get(host, 0.0), self.clock() + gap)

    def get(self, url: str, head_only: bool = False) -> Reply:
        """GET ``url``, following same-host redirects one paced hop at a time.

        Args:
            url: the address.
            head_only: read only the first 64 KiB of the final body (enough to classify it).

        Raises:
            TransportFailure: no answer (refused, reset, timed out, broken).
            TooLarge: a body over ``Settings.max_bytes``.
            NotFollowed: a redirect off the base host or to a forbidden one.
        """
        assert self._http is not None, "the client is closed"
        hops: list[str] = []
        for _ in range(MAX_HOPS + 1):
            host = urlsplit(url).hostname or ""
            if forbidden(host):
                raise NotFollowed(f"{url}: the UN Digital Library is never fetched from")
            if host != self.host:
                raise NotFollowed(f"redirected off {self.host} to {url}: not followed")
            self._turn(host)
            self.requests += 1
            try:
                with self._http.stream("GET", url) as answer:
                    location = answer.headers.get("location")
                    if answer.status_code in REDIRECTS and location:
                        hops.append(url)
                        url = urljoin(url, location)
                        continue
                    body = self._read(answer, 65536 if head_only else self.settings.max_bytes, head_only)
                    return Reply(answer.status_code, dict(answer.headers), body, url, tuple(hops))
            except httpx.TransportError as exc:  # refused, reset, timeout, a broken answer
                raise TransportFailure(f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__) from None
            finally:
                self._paced(host)
        raise TransportFailure(f"more than {MAX_HOPS} redirects")

    def _read(self, answer: httpx.Response, limit: int, head_only: bool) -> bytes:
        """The body of an answer, at most ``limit`` bytes (past it: TooLarge, unless only the head is wanted)."""
        chunks: list[bytes] = []
        size = 0
        for chunk in answer.iter_bytes():
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                if head_only:
                    break
                raise TooLarge(f"an answer over {limit // (1024 * 1024)} MiB (the limit of --max-size)")
        return b"".join(chunks)

    def ask(self, symbol: str, lang: str | None = None, file_type: str | None = None, head_only: bool = False) -> Reply:
        """The document system's answer for one symbol (see ``get``)."""
        s = self.settings
        return self.get(access_url(s.base_url, symbol, lang or s.lang, file_type or s.file_type), head_only)
