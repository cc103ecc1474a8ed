"""The members of a resolution series, each with the evidence that makes it one, and the texts a
corpus holds of them.

Three kinds of evidence, each named on the member:

- ``registry``: the registry puts it in the same series (the same normalised title; for the
  Security Council, a mandate renewal under the same subject: ``unkg.registry.Registry.series``);
- ``title``: the corpus holds a text of it whose own title has the same normalised title;
- ``text``: a member's text names it as its predecessor ("... the most recent of which is
  resolution 60/169", said of a resolution of the same organ), or recalls or reaffirms it while
  its title (the corpus's, else the registry's) is the series' title. The evidence gives the
  citing member and the quoted words.

A corpus is what holds texts: the store's ingested files (:func:`store_corpus`, each read again
from its path and checked against the hash it was ingested with) or files given by hand
(:func:`file_corpus`). The text evidence reads the resolutions a text cites and the words before
each quote: extracted from the text, or, for a corpus read from the store with its citations
(``store_corpus(store, citations=True)``), as the store keeps them (each quote's ``oa:prefix``), so
that no file is read again (the network page's timelines, ``unkg.series.timeline``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from unkg.errors import SeriesError
from unkg.rdf import symbol_year
from unkg.registry import Registry, default_registry
from unkg.registry.search import series_key
from unkg.series.units import Unit, text_units
from unkg.structure import document_metadata, organ_of_symbol

# "Recalling all its previous resolutions on the protection of migrants, the most recent of which is
# resolution 60/169 of 16 December 2005": the citation after these words names the predecessor.
MOST_RECENT_RE = re.compile(r"most\s+recent\s+of\s+which\s+(?:is|was|being|are|were)\b", re.IGNORECASE)
BEFORE = 80  # characters before a quote in which those words are looked for


@dataclass(frozen=True)
class Text:
    """A text the corpus holds: its document's symbol, the file, its title and date, and how to read it."""

    symbol: str
    path: str
    title: str | None = None
    date: str | None = None
    sha256: str | None = None
    loader: Callable[[], str] | None = field(default=None, compare=False, repr=False)

    def read(self) -> str:
        """The text (read from its file; a stored file must still have the hash it was ingested with)."""
        if self.loader is not None:
            return self.loader()
        try:
            data = Path(self.path).read_bytes()
        except OSError as exc:
            raise SeriesError(f"{self.symbol}: its file {self.path} cannot be read ({exc.strerror}); ingest it again") from None
        if self.sha256 and hashlib.sha256(data).hexdigest() != self.sha256:
            raise SeriesError(f"{self.symbol}: {self.path} changed since it was ingested; run `unkg ingest {self.path}` again")
        from unkg.read import read_bytes

        return read_bytes(data, self.path).text

    @cached_property
    def units(self) -> list[Unit]:
        """The paragraphs of the text as aligned (``unkg.series.units``)."""
        return text_units(self.read(), self.path)[1]


@dataclass(frozen=True)
class Member:
    """One resolution of a series: symbol, date, title, the evidence, and its text when the corpus holds it."""

    symbol: str
    date: str | None
    title: str | None
    evidence: tuple[str, ...]
    text: Text | None = None

    @property
    def in_corpus(self) -> bool:
        """Whether the corpus holds a text of it."""
        return self.text is not None

    def to_json(self) -> dict[str, object]:
        """A JSON object: symbol, date, title, in_corpus, path, evidence."""
        return {
            "symbol": self.symbol,
            "date": self.date,
            "title": self.title,
            "in_corpus": self.in_corpus,
            "path": self.text.path if self.text else None,
            "evidence": list(self.evidence),
        }


@dataclass(frozen=True)
class Cited:
    """A resolution a text cites, as the text evidence reads it: the target, the citation's kind
    and function, the words just before the quote (``before``) and the quoted words."""

    target: str
    kind: str
    function: str | None
    before: str
    words: str


class Corpus:
    """The texts a corpus holds, by symbol; with ``citations``, what each cites, known without reading it."""

    def __init__(self, texts: Iterable[Text], citations: dict[str, list[Cited]] | None = None) -> None:
        self.texts: dict[str, Text] = {}
        for t in texts:
            self.texts.setdefault(t.symbol, t)
        self.citations = citations

    def cited(self, text: Text) -> list[Cited]:
        """The resolutions ``text`` cites: as known (the store's), else extracted from its text."""
        if self.citations is not None:
            return self.citations.get(text.symbol, [])
        from unkg.extract import extract_text

        body = text.read()
        return [
            Cited(c.target, c.kind, c.function, body[max(0, c.start - BEFORE) : c.start], c.text)
            for c in extract_text(body, text.path).citations
            if c.kind == "resolution"
        ]

    def get(self, symbol: str) -> Text | None:
        """The text of a symbol, or None."""
        return self.texts.get(symbol)

    def __len__(self) -> int:
        return len(self.texts)


def file_corpus(paths: Iterable[str]) -> Corpus:
    """A corpus of files: each read, its symbol, title and date taken from its text."""
    from unkg.read import read
    from unkg.structure import find_own_symbol

    texts = []
    for path in paths:
        source = read(path)
        symbol, _ = find_own_symbol(source.text)
        if not symbol:
            raise SeriesError(f"{path}: its text does not say which document it is (no symbol found)")
        meta = document_metadata(source.text, symbol)
        body = source.text
        texts.append(Text(symbol, path, meta.get("title"), meta.get("date"), source.sha256, loader=lambda body=body: body))
    return Corpus(texts)


def store_corpus(store: object, citations: bool = False) -> Corpus:
    """The texts of the store's ingested files (stored query ``reports/corpus-texts``); with
    ``citations``, also the resolutions each cites as the store keeps them (``reports/corpus-resolution-citations``),
    so that finding a series reads no file."""
    from unkg.queries import get_query, run

    def value(row: object, key: str) -> str | None:
        term = row[key]  # type: ignore[index]
        return term.value if term is not None else None

    texts = []
    for row in run(store, get_query("reports/corpus-texts")):  # type: ignore[arg-type]
        v = {k: value(row, k) for k in ("symbol", "path", "sha256", "title", "date")}
        texts.append(Text(v["symbol"], v["path"], v["title"], v["date"], v["sha256"]))  # type: ignore[arg-type]
    if not citations:
        return Corpus(texts)
    found: dict[str, set[Cited]] = {}
    for row in run(store, get_query("reports/corpus-resolution-citations")):  # type: ignore[arg-type]
        cited = Cited(value(row, "target"), "resolution", value(row, "function"), value(row, "before") or "", value(row, "words") or "")  # type: ignore[arg-type]
        found.setdefault(value(row, "symbol"), set()).add(cited)  # type: ignore[arg-type]
    return Corpus(texts, {s: sorted(c, key=lambda c: (c.target, c.before, c.words)) for s, c in found.items()})


@lru_cache(maxsize=65536)
def _title_key(symbol: str, title: str | None) -> str | None:
    organ = organ_of_symbol(symbol)
    return series_key(title, organ) if title and organ in ("GA", "SC") else None


def members(symbol: str, corpus: Corpus | None = None, registry: Registry | None = None) -> list[Member]:
    """The members of the series of ``symbol``, oldest first, each with its evidence (see the module).

    Raises:
        SeriesError: ``symbol`` is not a resolution symbol.
    """
    registry = registry or default_registry()
    canonical = registry.canonical(symbol)
    if not canonical or "/RES/" not in canonical:
        raise SeriesError(f"{symbol!r} is not the symbol of a resolution (A/RES/61/165, S/RES/1590(2005))")
    corpus = corpus or Corpus(())
    organ_prefix = canonical.split("/RES/")[0]

    def title_of(s: str) -> str | None:
        text = corpus.get(s)
        record = registry.lookup(s)
        return (text.title if text else None) or (record.title if record else None)

    key = _title_key(canonical, title_of(canonical))
    evidence: dict[str, list[str]] = {canonical: []}
    for record in registry.series(canonical):
        evidence.setdefault(record.symbol, []).append("registry")
    if key:
        for s, text in corpus.texts.items():
            if s.split("/RES/")[0] == organ_prefix and "/RES/" in s and _title_key(s, text.title) == key:
                evidence.setdefault(s, []).append("title")
    # What the texts say, from every member the corpus holds (and from those they name, in turn).
    queue = [s for s in evidence if corpus.get(s)]
    read: set[str] = set()
    while queue:
        s = queue.pop()
        if s in read:
            continue
        read.add(s)
        for named, words in _predecessors(corpus.get(s), corpus, organ_prefix, key, title_of):  # type: ignore[arg-type]
            if named not in evidence or not any(e.startswith("text") for e in evidence[named]):
                evidence.setdefault(named, []).append(f'text: {s} "{words}"')
            if corpus.get(named) and named not in read:
                queue.append(named)
    out = []
    for s, found in evidence.items():
        text = corpus.get(s)
        record = registry.lookup(s)
        date = (text.date if text else None) or (record.date if record else None)
        out.append(Member(s, date, title_of(s), tuple(dict.fromkeys(found)) or ("asked",), text))
    out.sort(key=lambda m: (m.date or str(symbol_year(m.symbol) or ""), _number(m.symbol)))
    return out


def _number(symbol: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", symbol))



def _predecessors(
    text: Text, corpus: Corpus, organ_prefix: str, key: str | None, title_of: Callable[[str], str | None]
) -> list[tuple[str, str]]:
    """(symbol, quoted words) of the resolutions a text names as its predecessors (see the module)."""
    out = []
    for c in corpus.cited(text):
        if c.kind != "resolution" or "/RES/" not in c.target or c.target.split("/RES/")[0] != organ_prefix:
            continue
        if c.target == text.symbol:
            continue
        window = c.before[-BEFORE:]
        recent = list(MOST_RECENT_RE.finditer(window))
        # the first resolution after the words, not the rest of a list ("72/180 ..., 72/246 ...")
        if recent and len(window) - recent[-1].end() <= 30:
            words = " ".join((window[recent[-1].start() :] + c.words).split())
            out.append((c.target, words))
        elif c.function in ("recalls", "reaffirms") and key and _title_key(c.target, title_of(c.target)) == key:
            out.append((c.target, " ".join(c.words.split())))
    return out


def consecutive(series: list[Member]) -> list[tuple[Member, Member, list[Member]]]:
    """(earlier, later, members between them the corpus lacks) for each member the corpus holds and
    the nearest earlier member it holds."""
    out = []
    previous: Member | None = None
    gap: list[Member] = []
    for m in series:
        if not m.in_corpus:
            gap.append(m)
            continue
        if previous is not None:
            out.append((previous, m, gap))
        previous, gap = m, []
    return out
