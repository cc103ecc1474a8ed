"""``unkg fetch``: UN documents by symbol from the Official Document System, along their citations.

The flow of a fetch, one module each:

- ``settings``: politeness and retries as named settings (at least 3 s between requests to the UN);
- ``client``: one paced request at a time, an honest User-Agent, redirects followed hop by hop;
- ``classify``: what an answer is, by its first bytes (a document, one of three "missing" answers, a
  bot check, "slow down");
- ``cache`` and ``worklist``: the files by SHA-256, and each symbol's state in SQLite, so that a
  killed crawl resumes;
- ``crawl``: seeds, then what they cite, level by level, with a circuit breaker and soft-block checks.

>>> from unkg.fetch import check_symbol
>>> check_symbol("S/RES/1325 (2000)")
'S/RES/1325(2000)'
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from unkg.errors import UsageError
from unkg.extract import __version__
from unkg.fetch.cache import Cache
from unkg.fetch.client import Client
from unkg.fetch.crawl import DEFAULT_KINDS, KINDS, Crawl, CrawlReport, Progress
from unkg.fetch.settings import Settings, default_cache_path
from unkg.fetch.worklist import Worklist
from unkg.grammar import SYMBOL_RE, canonical_symbol, has_digit

__all__ = [
    "DEFAULT_KINDS",
    "KINDS",
    "Cache",
    "Client",
    "Crawl",
    "CrawlReport",
    "Settings",
    "Worklist",
    "check_symbol",
    "default_cache_path",
    "fetch",
]


def check_symbol(raw: str) -> str:
    """The canonical spelling of a symbol given to fetch; UsageError when it is no UN document symbol."""
    symbol = canonical_symbol(raw)
    m = SYMBOL_RE.fullmatch(symbol)
    if m is None or not has_digit(symbol):
        raise UsageError(f"{raw!r} is not a UN document symbol (such as A/RES/61/165 or S/RES/1325(2000))")
    return symbol


def fetch(
    symbols: Sequence[str],
    settings: Settings | None = None,
    cache: str | os.PathLike[str] | None = None,
    depth: int = 0,
    max_documents: int = 100,
    kinds: Iterable[str] = DEFAULT_KINDS,
    progress: Progress | None = None,
) -> CrawlReport:
    """Fetch documents by symbol, and ``depth`` steps of what they cite, into a cache.

    Args:
        symbols: the seeds (any spelling the grammar reads: ``S/RES/1325 (2000)``).
        settings: the politeness, retry and address settings (default: ``Settings()``).
        cache: the cache folder (default: ``default_cache_path()``).
        depth: citation steps followed out from the seeds.
        max_documents: the most documents the crawl reaches, seeds included.
        kinds: the kinds of citation followed (``KINDS``).
        progress: called after each answer with (symbol, state, documents reached).

    Returns:
        The report: what was fetched (and the files), unavailable, failed, left waiting, and why a crawl
        stopped early (a bot check, the breaker), if it did.

    Raises:
        UsageError: a seed that is no symbol, an unknown kind.
        FetchError: another crawl holds the cache.
    """
    settings = settings or Settings()
    seeds = [check_symbol(s) for s in symbols]
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown:
        raise UsageError(f"unknown kind {', '.join(unknown)}; choose among {', '.join(KINDS)}")
    store = Cache(cache if cache is not None else default_cache_path())
    store.lock()
    try:
        worklist = Worklist(store.worklist, settings.lang, settings.file_type)
        try:
            with Client(settings, __version__) as client:
                crawl = Crawl(settings, store, client, worklist, kinds, depth, max_documents, progress)
                return crawl.run(seeds)
        finally:
            worklist.close()
    finally:
        store.unlock()
