"""The server's search box: what a person types, resolved to works, each a link to its page.

``resolve(text)`` is the one function that turns text into works: a symbol in any
spelling the registry's reader takes ("a/res/61/165", "resolution 61/165", "Security
Council resolution 1325 (2000)", spaces around a slash), an instrument's key, name,
alias or abbreviation (the catalogue's), and, when the text is no symbol, titles from the registry (BM25). It is
kept apart so that the project's one forgiving look-up (``unkg.lookup``, being written
for the command line) can replace it at merge: ``resolve`` is all the server calls
(``jobs.search``), and its answer is a list of ``Match``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from unkg import iri
from unkg.catalogue import default_catalogue
from unkg.registry import default_registry
from unkg.registry.spelling import typed_symbol

_SLASH = re.compile(r"\s*/\s*")


@dataclass(frozen=True, slots=True)
class Match:
    """A work that the text may mean: its IRI, its name, its title, and how it matched."""

    iri: str
    name: str
    title: str | None
    how: str  # "symbol", "instrument", "title"


_loading = threading.Lock()
_ready = threading.Event()


def warm() -> None:
    """Read the catalogue and the registry and build the title index (about 3 s), once."""
    with _loading:  # a search that comes meanwhile waits for this one reading rather than reading again
        if not _ready.is_set():
            default_catalogue()
            default_registry().search("warm", 1)
            _ready.set()


def ready(wait: float = 0.0) -> bool:
    """True once ``warm`` has run; else start it in a thread of its own (once) and wait up to ``wait`` seconds.

    The server's first search starts the reading in the background, not in the query thread: a query thread
    past the timeout retires its process, and reading the tables is no runaway. Not at the server's start
    either: the reading holds the interpreter for seconds, and a process that replaces a retired one must
    serve at once."""
    if _ready.is_set():
        return True
    with _starting:
        global _warming
        if _warming is None:
            _warming = threading.Thread(target=warm, name="unkg-search-tables", daemon=True)
            _warming.start()
    return _ready.wait(wait)


_starting = threading.Lock()
_warming: threading.Thread | None = None


def _symbol(text: str) -> str | None:
    return typed_symbol(text) or typed_symbol(_SLASH.sub("/", text))


def resolve(text: str, limit: int = 20) -> list[Match]:
    """The works ``text`` may name, the exact ones first.

    >>> [m.iri for m in resolve("resolution 61/165")][:1]
    ['https://w3id.org/unkg/doc/A/RES/61/165']
    >>> resolve("Migrant Workers Convention")[0].name
    'ICRMW'
    """
    text = " ".join(text.split())
    if not text:
        return []
    warm()
    out: list[Match] = []
    catalogue = default_catalogue()
    registry = default_registry()
    symbol = _symbol(text)
    if symbol:
        record = registry.records.get(symbol)
        out.append(Match(iri.document(symbol), symbol, record.title if record else None, "symbol"))
    key = text.upper() if text.upper() in catalogue else None
    key = key or catalogue.by_abbreviation(text) or catalogue.by_label(text)
    if key and key in catalogue:
        instrument = catalogue.get(key)
        out.append(Match(iri.instrument(key), key, instrument.name if instrument else None, "instrument"))
    words = text.lower()
    for instrument in catalogue.instruments.values():
        if len(out) >= limit:
            break
        names = (instrument.name, *instrument.labels, *instrument.abbreviations)
        if instrument.key != key and len(words) >= 3 and any(words in n.lower() for n in names):
            out.append(Match(iri.instrument(instrument.key), instrument.key, instrument.name, "instrument"))
    for _score, record in [] if symbol else registry.search(text, limit):
        if len(out) >= limit:
            break
        if record.symbol != symbol:
            out.append(Match(iri.document(record.symbol), record.symbol, record.title, "title"))
    return out
