"""The crawl: fetch the seeds, then what they cite, level by level, as the work list says is left to do.

A crawl is breadth first and deterministic: the seeds (level 0), then the
symbols they cite of the kinds asked (level 1, in the order the citations
stand), and so on to ``depth``, at most ``max_documents`` in all. What a
document cites is read by the extractor from its file in the cache, once,
and kept in the work list; a document fetched in an earlier run is not asked
for again but is followed all the same, so running the same command again
after a kill goes on where the first stopped.

Guards, on top of the client's pacing (``unkg.fetch.client``):

- passing failures (no answer, 5xx, 429) are retried after ``Retry-After``
  or a doubling wait, up to ``max_attempts``; ``breaker_failures`` of them in
  a row trip the circuit breaker: a cooldown (doubled at each trip), and after
  ``max_trips`` the crawl stops (``CircuitOpen``);
- a bot check or a refusal stops the crawl at once (``BotCheck``): unkg never
  tries to get past one;
- a soft block (the "not available" page served for documents that exist)
  must not mark documents unavailable: a "not available" verdict stays
  provisional until the service is seen to serve a document after it, and
  ``soft_block_run`` of them in a row make the crawl ask again for a
  document it fetched before; when that one is "not available" too (or none
  was fetched before), the run's symbols are marked blocked, to be asked
  again after the cooldown, and the breaker trips.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from unkg.errors import BotCheck, CircuitOpen, FetchError
from unkg.extract import extract
from unkg.fetch.cache import Cache
from unkg.fetch.classify import (
    CHALLENGE,
    DOCUMENTS,
    EMPTY,
    MISSING,
    NOT_AVAILABLE,
    REFUSED,
    SERVER_ERROR,
    THROTTLED,
    UNREADABLE,
    classify,
    is_file,
)
from unkg.fetch.client import Client, NotFollowed, TooLarge, TransportFailure
from unkg.fetch.settings import Settings
from unkg.fetch.worklist import FAILED, FETCHED, TO_DO, UNAVAILABLE, Row, Worklist

# The kinds of citation a crawl can follow (the extractor's ``Citation.kind`` of a UN symbol), and the
# default: back along lineage, as ``unkg lineage`` walks it.
KINDS = ("resolution", "decision", "statement", "document")
DEFAULT_KINDS = ("resolution", "decision")


@dataclass
class CrawlReport:
    """What a crawl ended with, for every document it reached (in crawl order).

    Attributes:
        fetched: symbols whose file is in the cache (this run or an earlier one).
        files: the cached files of those unkg can read (PDF, .docx), in the same order: what ``--ingest`` stores.
        new: symbols fetched by this run.
        unavailable, failed: (symbol, reason).
        waiting: (symbol, reason, when) of documents left pending or blocked, to ask again from ``when``.
        trips: times the circuit breaker tripped; soft_blocks: how many of them for a suspected soft block.
        requests: requests sent (redirect hops included).
        stopped: why the crawl stopped before its end, or None.
    """

    fetched: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    unavailable: list[tuple[str, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    waiting: list[tuple[str, str, datetime]] = field(default_factory=list)
    trips: int = 0
    soft_blocks: int = 0
    requests: int = 0
    stopped: FetchError | None = None

    @property
    def ok(self) -> bool:
        """True when every document reached was fetched and the crawl ran to its end."""
        return not (self.unavailable or self.failed or self.waiting or self.stopped)


Progress = Callable[[str, str, int], None]  # (symbol, its state now, documents reached so far)


class Crawl:
    """One crawl over a cache and its work list (see the module's docstring).

    Args:
        settings: the politeness and retry settings.
        cache: the cache (locked by the caller).
        client: the HTTP client.
        worklist: the work list of the settings' language and file type.
        kinds: the kinds of citation followed.
        depth: how many citation steps out from the seeds.
        max_documents: the most documents a crawl reaches (seeds included).
        progress: called after each answer.
        sleep: waits (tests may replace it).
    """

    def __init__(
        self,
        settings: Settings,
        cache: Cache,
        client: Client,
        worklist: Worklist,
        kinds: Iterable[str] = DEFAULT_KINDS,
        depth: int = 0,
        max_documents: int = 100,
        progress: Progress | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings, self.cache, self.client, self.worklist = settings, cache, client, worklist
        self.kinds = frozenset(kinds)
        self.depth, self.max_documents = depth, max_documents
        self.progress = progress
        self.sleep = sleep
        self.report = CrawlReport()
        self._failures = 0  # passing failures in a row
        self._trips = 0  # trips since the service last served a document
        self._run: list[str] = []  # provisional "not available" verdicts since the last document served
        # The run that is checked for a soft block; doubled after each check the service passes, so that a
        # crawl through many documents it has not got checks less and less often (back to the setting once
        # a document is served).
        self._suspect = settings.soft_block_run
        self._reached = 0

    # -- the crawl -------------------------------------------------------------------
    def run(self, seeds: Sequence[str]) -> CrawlReport:
        """Crawl from ``seeds`` (canonical symbols); the report of every document reached."""
        self.worklist.reopen()
        level = list(dict.fromkeys(seeds))
        seen = list(level)
        self._reached = len(seen)
        try:
            for step in range(self.depth + 1):
                for symbol in level:
                    row = self.worklist.add(symbol)
                    if row.state == FETCHED and not (self.cache.root / str(row.file)).is_file():
                        self.worklist.retry(symbol, "its file is gone from the cache", 0, counted=False)
                self._settle(level)
                if step == self.depth:
                    break
                following: list[str] = []
                for symbol in level:
                    row = self.worklist.get(symbol)
                    for target, kind in self._cites(row) if row and row.state == FETCHED else ():
                        if kind in self.kinds and "/" in target and target not in seen:
                            if len(seen) >= self.max_documents:
                                break
                            seen.append(target)
                            following.append(target)
                self._reached = len(seen)
                level = following
                if not level:
                    break
            self.worklist.confirm(self._run)  # the crawl ended: the last answers stand
            self._run.clear()
        except FetchError as exc:
            self.report.stopped = exc
        self._summarise(seen)
        return self.report

    def _settle(self, level: list[str]) -> None:
        """Ask for every document of a level still to do, waiting for retry times up to ``wait_limit``."""
        while True:
            rows = [row for row in map(self.worklist.get, level) if row is not None and row.state in TO_DO]
            if not rows:
                return
            now = self.worklist.clock()
            due = [row for row in rows if row.next_try <= now]
            if due:
                self._fetch(due[0])
                continue
            soonest = min(row.next_try for row in rows)
            if soonest - now > self.settings.wait_limit:
                return  # left for a later run; the report says when
            self.sleep(soonest - now)

    def _cites(self, row: Row) -> tuple[tuple[str, str], ...]:
        """What a fetched document cites, (target, kind) in the order found: from the work list, else extracted."""
        if row.cites is not None:
            return row.cites
        found = extract(self.cache.root / str(row.file))
        cites = tuple(dict.fromkeys((c.target, c.kind) for c in found.citations if c.target != found.symbol))
        self.worklist.record_cites(row.symbol, cites, found.symbol)
        return cites

    # -- one document ------------------------------------------------------------------
    def _fetch(self, row: Row) -> None:
        """Ask for one document and record what the answer means."""
        symbol = row.symbol
        try:
            reply = self.client.ask(symbol)
        except TransportFailure as exc:
            self._passing(row, f"no answer ({exc})", None)
            return self._tell(symbol)
        except (TooLarge, NotFollowed) as exc:
            self.worklist.fail(symbol, str(exc))
            return self._tell(symbol)
        verdict = classify(reply.status, reply.headers, reply.body)
        kind = verdict.kind
        if kind in DOCUMENTS or kind in UNREADABLE:
            sha, path = self.cache.put(reply.body, verdict.extension or "")
            kept = {"sha256": sha, "file": str(path.relative_to(self.cache.root)), "url": reply.url}
            if kind in DOCUMENTS:
                self.worklist.fetched(symbol, fmt=kind, size=len(reply.body), **kept)
                self.report.new.append(symbol)
            else:
                self.worklist.fail(symbol, verdict.reason, format=kind, bytes=len(reply.body), **kept)
            self._served()
        elif kind == MISSING:
            self.worklist.unavailable(symbol, verdict.reason)
            self._failures = 0
        elif kind == NOT_AVAILABLE:
            self._not_available(symbol, verdict.reason)
        elif kind == EMPTY:
            self.worklist.retry(symbol, verdict.reason, self.settings.unpublished_retry, counted=False)
            self._failures = 0
        elif kind in (THROTTLED, SERVER_ERROR):
            self._passing(row, verdict.reason, verdict.retry_after)
        elif kind in (CHALLENGE, REFUSED):
            self.worklist.block(symbol, verdict.reason, self.settings.cooldown)
            self._tell(symbol)
            raise bot_check(symbol, verdict.reason)
        else:
            self.worklist.fail(symbol, verdict.reason)
        self._tell(symbol)

    def _tell(self, symbol: str) -> None:
        """Report one answer to the progress callback."""
        self.report.requests = self.client.requests
        if self.progress is not None:
            row = self.worklist.get(symbol)
            self.progress(symbol, row.state if row else "?", self._reached)

    def _served(self) -> None:
        """The service served a document: it works, so the "not available" answers before it stand."""
        self._failures = 0
        self._trips = 0
        self._suspect = self.settings.soft_block_run
        self.worklist.confirm(self._run)
        self._run.clear()

    def _passing(self, row: Row, reason: str, wait: float | None) -> None:
        """A failure that may pass: retry later, or give up after ``max_attempts``; the breaker counts it."""
        s = self.settings
        if wait is not None:
            if wait > s.wait_limit:
                self.worklist.retry(row.symbol, reason, wait)
                raise FetchError(
                    f"the document system asked to wait {wait:.0f} s ({reason}), longer than the crawl waits "
                    f"({s.wait_limit:.0f} s): run the same command again after {_when(self.worklist.clock() + wait)}"
                )
            self.client.hold(wait)
        if row.attempts + 1 >= s.max_attempts:
            self.worklist.fail(row.symbol, f"{reason}; gave up after {row.attempts + 1} tries")
        else:
            after = wait if wait is not None else s.retry_base * 2**row.attempts
            self.worklist.retry(row.symbol, reason, after)
        self._failures += 1
        if self._failures >= s.breaker_failures:
            self._trip(f"{self._failures} failures in a row (the last: {reason})")

    def _trip(self, why: str) -> float:
        """The circuit breaker trips: hold every request for the cooldown, or stop past ``max_trips``."""
        self._trips += 1
        self.report.trips += 1
        self._failures = 0
        if self._trips > self.settings.max_trips:
            raise CircuitOpen(
                f"the document system kept failing after {self.settings.max_trips} cooldowns ({why}); the crawl "
                "stopped and the work list keeps what is left: run the same command again later"
            )
        wait = self._cooldown()
        self.client.hold(wait)
        return wait

    def _cooldown(self) -> float:
        """The pause of the breaker's current trip (doubled at each)."""
        return self.settings.cooldown * 2 ** max(self._trips - 1, 0)

    def _not_available(self, symbol: str, reason: str) -> None:
        """A "not available" answer: provisional, and a run of them checked against a document fetched before."""
        self._run.append(symbol)
        self.worklist.unavailable(symbol, reason, provisional=True)
        if len(self._run) < self._suspect:
            return
        canary = self.worklist.canary(exclude=self._run)
        if canary is None:
            evidence = "and no document fetched before to check the service against"
        else:
            try:
                probe = self.client.ask(canary, head_only=True)
            except (TransportFailure, NotFollowed, TooLarge) as exc:
                evidence = f"and {canary}, fetched before, got no answer ({exc})"
            else:
                if probe.status == 200 and is_file(probe.body):
                    suspect = self._suspect
                    self._served()  # the service serves what it has: these answers stand
                    self._suspect = suspect * 2
                    return
                verdict = classify(probe.status, probe.headers, probe.body)
                if verdict.kind in (CHALLENGE, REFUSED):
                    raise bot_check(canary, verdict.reason)
                evidence = f"and {canary}, fetched before, is now answered: {verdict.reason}"
        run, self._run = self._run, []
        self.report.soft_blocks += 1
        after = self.settings.cooldown * 2**self._trips  # the cooldown of the trip below
        for blocked in run:
            self.worklist.block(blocked, f"soft block suspected ({reason}); asked again later", after)
        self._trip(f"a soft block suspected: {len(run)} 'not available' answers in a row, {evidence}")

    # -- the end --------------------------------------------------------------------------
    def _summarise(self, seen: list[str]) -> None:
        """Fill the report from the work list, for every document reached."""
        report = self.report
        report.requests = self.client.requests
        for symbol in seen:
            row = self.worklist.get(symbol)
            if row is None:
                continue
            if row.state == FETCHED:
                report.fetched.append(symbol)
                if row.format in DOCUMENTS and row.file:
                    report.files.append(self.cache.root / row.file)
            elif row.state == UNAVAILABLE:
                report.unavailable.append((symbol, row.reason or "not available"))
            elif row.state == FAILED:
                report.failed.append((symbol, row.reason or "failed"))
            else:
                report.waiting.append((symbol, row.reason or "not asked yet", _at(row.next_try)))


def bot_check(symbol: str, reason: str) -> BotCheck:
    """The error that stops a crawl at a bot check or a refusal, saying what to do."""
    return BotCheck(
        f"the document system answered {symbol} with {reason}; unkg never tries to get past one, so the crawl "
        "stopped. Wait (hours, not minutes) and run the same command again: the work list resumes where it stopped"
    )


def _at(unix: float) -> datetime:
    return datetime.fromtimestamp(max(unix, 0), UTC)


def _when(unix: float) -> str:
    """A retry time for people, in UTC."""
    return _at(unix).strftime("%Y-%m-%d %H:%M:%S UTC")
