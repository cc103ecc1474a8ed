"""How ``unkg fetch`` behaves towards the document system: named settings with polite defaults.

>>> s = Settings()
>>> s.base_url, s.delay, s.lang, s.file_type
('https://documents.un.org', 3.0, 'en', 'pdf')
>>> Settings(delay=0.5)
Traceback (most recent call last):
...
ValueError: delay must be at least 3.0 s between requests to https://documents.un.org (it may be lower only for another --base-url, such as a local mirror)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

# The Official Document System of the United Nations (ODS): one address per symbol, language and file type.
ODS = "https://documents.un.org"
LANGUAGES = ("en", "fr", "es", "ru", "zh", "ar")  # the six official languages; ODS answers others in English
FILE_TYPES = ("pdf", "doc")  # t=doc is the word-processing original (.docx, or .doc / WordPerfect for old ones)
# The least time between two requests to the document system itself; only another base address may go lower.
POLITE_DELAY = 3.0
# The UN Digital Library's terms forbid automated downloads without approval: never a request there.
FORBIDDEN_HOSTS = ("digitallibrary.un.org",)
CONTACT_ENV = "UNKG_FETCH_CONTACT"


def default_cache_path() -> Path:
    """$UNKG_FETCH_CACHE, else $XDG_CACHE_HOME/unkg/fetch, else ~/.cache/unkg/fetch."""
    if os.environ.get("UNKG_FETCH_CACHE"):
        return Path(os.environ["UNKG_FETCH_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "unkg" / "fetch"


def forbidden(host: str | None) -> bool:
    """True for a host unkg never sends a request to (the UN Digital Library).

    >>> forbidden("digitallibrary.un.org"), forbidden("documents.un.org")
    (True, False)
    """
    host = (host or "").lower().rstrip(".")
    return any(host == h or host.endswith("." + h) for h in FORBIDDEN_HOSTS)


@dataclass(frozen=True, slots=True)
class Settings:
    """The settings of one crawl. Times are in seconds.

    Attributes:
        base_url: the document system's address (a local mirror or a test server may stand in).
        lang: the language asked for (``l=``), one of ``LANGUAGES``.
        file_type: ``pdf`` or ``doc`` (``t=``).
        delay: the least time between two requests to one host.
        jitter: up to this much more, at random, on top of ``delay``.
        timeout: for connecting, and between two bytes of an answer.
        max_bytes: the largest answer kept; a larger one fails its document.
        max_attempts: tries of one document that fails for a passing cause (5xx, 429, a reset connection).
        retry_base: the wait after a first passing failure without Retry-After; doubled at each further one.
        unpublished_retry: the wait after an empty answer (a symbol announced but not yet published).
        breaker_failures: passing failures in a row that trip the circuit breaker.
        cooldown: the pause when the breaker trips (doubled at each further trip).
        max_trips: trips of the breaker after which the crawl stops (the work list keeps the rest).
        soft_block_run: "not available" answers in a row that make unkg suspect a soft block and check a
            document it fetched before.
        wait_limit: the longest the crawl waits for a document's retry time; a later one is left to the
            next run.
        contact: an e-mail address or web page, sent in the User-Agent so the UN can reach whoever runs it.
    """

    base_url: str = ODS
    lang: str = "en"
    file_type: str = "pdf"
    delay: float = POLITE_DELAY
    jitter: float = 1.0
    timeout: float = 60.0
    max_bytes: int = 256 * 1024 * 1024
    max_attempts: int = 5
    retry_base: float = 30.0
    unpublished_retry: float = 24 * 3600.0
    breaker_failures: int = 5
    cooldown: float = 300.0
    max_trips: int = 3
    soft_block_run: int = 5
    wait_limit: float = 900.0
    contact: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        parts = urlsplit(self.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"base address {self.base_url!r} is not an http(s) address")
        if forbidden(parts.hostname):
            raise ValueError(
                f"{parts.hostname} is the UN Digital Library, whose terms forbid automated downloads: "
                "unkg never fetches from it"
            )
        if self.lang not in LANGUAGES:
            raise ValueError(f"language {self.lang!r}: choose one of {', '.join(LANGUAGES)}")
        if self.file_type not in FILE_TYPES:
            raise ValueError(f"file type {self.file_type!r}: choose one of {', '.join(FILE_TYPES)}")
        if self.delay < POLITE_DELAY and self.is_ods:
            raise ValueError(
                f"delay must be at least {POLITE_DELAY} s between requests to {ODS} "
                "(it may be lower only for another --base-url, such as a local mirror)"
            )
        for name in ("delay", "jitter", "retry_base", "unpublished_retry", "cooldown", "wait_limit"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be 0 or more, not {getattr(self, name)!r}")
        for name in ("timeout", "max_bytes", "max_attempts", "breaker_failures", "max_trips", "soft_block_run"):
            if getattr(self, name) <= 0:
                raise ValueError(f"{name} must be positive, not {getattr(self, name)!r}")

    @property
    def is_ods(self) -> bool:
        """True when the base address is the UN's own document system."""
        return urlsplit(self.base_url).hostname == urlsplit(ODS).hostname

    def user_agent(self, version: str) -> str:
        """The User-Agent: who asks, and how to reach them.

        >>> Settings(contact="someone@example.org").user_agent("1.0")
        'unkg/1.0 (a citation graph of UN documents; one request at a time; contact: someone@example.org)'
        """
        contact = self.contact or f"none given (set --contact or ${CONTACT_ENV})"
        return f"unkg/{version} (a citation graph of UN documents; one request at a time; contact: {contact})"
