"""The registry: what public datasets say of UN resolutions, decisions and drafts, by canonical symbol.

Built from the CSV files of ``../shared/registry`` by ``python -m unkg.registry.build`` and
shipped in the package (``data/registry.jsonl.gz``; sources and terms in ``data/NOTICE``).
Every fact keeps the file it came from.

>>> record = lookup("S/RES/1325 (2000)")
>>> record.title, record.date, record.meeting
('Women and peace and security', '2000-10-31', 'S/PV.4213')
>>> record.source_of("title")
'undl-resolutions.csv'
>>> exists("S/RES/1325(2001)"), exists("A/RES/60/169")
(False, None)

The registry is partial (``README.md``, "Registry"): "not in the registry" says that a
document does not exist only where a source is complete, Security Council resolutions
1-2798. ``exists`` answers True, False, or None (not known).
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from unkg.registry.search import BM25, series_key
from unkg.registry.spelling import typed_symbol

__all__ = ["Fact", "Record", "Registry", "default_registry", "exists", "lookup", "search", "series", "year_of"]


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact of a record and the source file it came from."""

    value: Any
    source: str


@dataclass(frozen=True)
class Record:
    """What the registry knows of one document: its facts, each with its source, and its parts."""

    symbol: str
    kind: str
    facts: Mapping[str, Fact]
    parts: Mapping[str, Mapping[str, Fact]] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """The value of a fact, or None."""
        fact = self.facts.get(name)
        return fact.value if fact else None

    def source_of(self, name: str) -> str | None:
        """The source file of a fact, or None."""
        fact = self.facts.get(name)
        return fact.source if fact else None

    @property
    def title(self) -> str | None:
        """The title, cleaned of the library's tails (for a Security Council resolution, the library's subject line)."""
        return self.get("title") or next((p["title"].value for p in self.parts.values() if "title" in p), None)

    @property
    def date(self) -> str | None:
        """The date of adoption, ISO."""
        return self.get("date") or next((p["date"].value for p in self.parts.values() if "date" in p), None)

    @property
    def year(self) -> int | None:
        """The year of adoption."""
        return int(self.date[:4]) if self.date else None

    @property
    def meeting(self) -> str | None:
        """The symbol of the record of the meeting that adopted it (A/78/PV.45, S/PV.4213)."""
        return self.get("meeting")

    @property
    def organ(self) -> str:
        """GA or SC (the only organs the registry holds)."""
        return "SC" if self.symbol.startswith("S/") else "GA"

    def __repr__(self) -> str:
        return f"Record({self.symbol!r}, {self.title!r}, {self.date!r})"


def _record(obj: dict[str, Any]) -> Record:
    facts = {name: Fact(value, source) for name, (value, source) in obj["facts"].items()}
    parts = {p: {n: Fact(v, s) for n, (v, s) in f.items()} for p, f in obj.get("parts", {}).items()}
    return Record(obj["symbol"], obj["kind"], facts, parts)


_SC = re.compile(r"^S/RES/(?P<number>\d{1,4})\((?P<year>\d{4})\)$")
_ROMAN = re.compile(r"^A/RES/(?P<number>\d{1,4})\((?P<session>[^)]+)\)$")


class Registry:
    """The registry read from its file: look-up by symbol, title search, series, existence."""

    def __init__(self, path: str | Path | None = None) -> None:
        source = Path(path) if path else default_registry_path()
        with gzip.open(source, "rt", encoding="utf-8") as f:
            lines = iter(f)
            self.header: dict[str, Any] = json.loads(next(lines))
            self.records: dict[str, Record] = {}
            for line in lines:
                record = _record(json.loads(line))
                self.records[record.symbol] = record
        self.path = source
        self._sc = {int(m["number"]): s for s in self.records if (m := _SC.match(s))}
        self._roman = {int(m["number"]): s for s in self.records if (m := _ROMAN.match(s))}

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[Record]:
        return iter(self.records.values())

    def lookup(self, symbol: str) -> Record | None:
        """The record of a symbol however it is typed ("resolution 61/165", "s/res/1325 (2000)"), or None."""
        canonical = self.canonical(symbol)
        return self.records.get(canonical) if canonical else None

    @staticmethod
    def canonical(symbol: str) -> str | None:
        """The canonical symbol of what was typed, or None when it names no document."""
        return _typed_symbol(symbol)

    @cached_property
    def _index(self) -> tuple[list[Record], BM25]:
        titled = [r for r in self.records.values() if r.title]
        return titled, BM25([r.title or "" for r in titled])

    def search(self, text: str, limit: int = 20) -> list[tuple[float, Record]]:
        """Records ranked by BM25 of their titles against ``text``; ties: the most recent first."""
        titled, index = self._index
        scored = index.scores(text)
        ranked = sorted(
            scored.items(), key=lambda kv: (-round(kv[1], 9), _negated(titled[kv[0]].date), titled[kv[0]].symbol)
        )
        return [(score, titled[i]) for i, score in ranked[:limit]]

    @cached_property
    def _series(self) -> dict[tuple[str, str, str], list[Record]]:
        groups: dict[tuple[str, str, str], list[Record]] = {}
        for r in self.records.values():
            if r.kind != "resolution" or not r.title:
                continue
            groups.setdefault((r.organ, r.kind, series_key(r.title, r.organ)), []).append(r)
        for members in groups.values():
            members.sort(key=lambda r: (r.date or "", r.symbol))
        return groups

    def series(self, symbol: str) -> list[Record]:
        """The resolutions of the series of ``symbol``, oldest first: the same normalised title
        (for the Security Council, without the end date and period of a mandate renewal).
        Empty when the registry does not hold the resolution."""
        record = self.lookup(symbol)
        if record is None or not record.title or record.kind != "resolution":
            return []
        return list(self._series[(record.organ, record.kind, series_key(record.title, record.organ))])

    def exists(self, symbol: str) -> bool | None:
        """True when the registry holds the document; False only where it knows it cannot exist
        (a Security Council resolution of 1-2798 with another year or none, a Roman-era General
        Assembly number of another session); None when it cannot tell."""
        canonical = self.canonical(symbol)
        if canonical is None:
            return None
        if canonical in self.records:
            return True
        m = _SC.match(canonical)
        span = self.header["complete"].get("S/RES")
        if m and span:
            number = int(m["number"])
            if number in self._sc:
                return False  # that number has another year
            if span["from"] <= number <= span["to"]:
                return None if number in span["missing"] else False
            return None
        m = _ROMAN.match(canonical)
        if m and int(m["number"]) in self._roman:
            return False
        return None

    def same_number(self, canonical: str) -> str | None:
        """The symbol the registry holds under the same number with another year or session
        (S/RES/1325(2000) for S/RES/1325(2001), A/RES/181(II) for A/RES/181(III)), or None."""
        for pattern, held in ((_SC, self._sc), (_ROMAN, self._roman)):
            m = pattern.match(canonical)
            if m and held.get(int(m["number"]), canonical) != canonical:
                return held[int(m["number"])]
        return None

    def year_of(self, symbol: str) -> int | None:
        """The year of adoption: the registry's date, else the year a Security Council symbol carries."""
        record = self.lookup(symbol)
        if record and record.year:
            return record.year
        canonical = self.canonical(symbol)
        m = _SC.match(canonical or "")
        return int(m["year"]) if m else None


# The extractor's checks ask for the same few thousand symbols again and again (three times a citation).
_typed_symbol = lru_cache(maxsize=8192)(typed_symbol)


def _negated(date: str | None) -> str:
    """A key that sorts later dates first."""
    return "".join(chr(0x10FFFF - ord(c)) for c in (date or ""))


def default_registry_path() -> Path:
    """The registry file of the package."""
    return Path(str(resources.files("unkg.registry") / "data" / "registry.jsonl.gz"))


@lru_cache(maxsize=2)
def default_registry() -> Registry:
    """The package's registry, read once per process."""
    return Registry()


def lookup(symbol: str) -> Record | None:
    """The record of a symbol however typed, or None (see ``Registry.lookup``)."""
    return default_registry().lookup(symbol)


def search(text: str, limit: int = 20) -> list[Record]:
    """Records whose titles match ``text``, best first (see ``Registry.search``)."""
    return [r for _, r in default_registry().search(text, limit)]


def series(symbol: str) -> list[Record]:
    """The members of the series of a resolution, oldest first (see ``Registry.series``)."""
    return default_registry().series(symbol)


def exists(symbol: str) -> bool | None:
    """True, False, or None for not known (see ``Registry.exists``)."""
    return default_registry().exists(symbol)


def year_of(symbol: str) -> int | None:
    """The year of adoption, or None (see ``Registry.year_of``)."""
    return default_registry().year_of(symbol)
