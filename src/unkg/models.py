"""Plain, frozen data classes that flow between the steps of extraction.

Each value knows where it came from: spans index the text the reader
produced, so ``text[start:end]`` gives back what was matched.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from unkg.cues import Cues
from unkg.iri import printable


@dataclass(frozen=True, slots=True)
class Source:
    """A decoded input: its text, the path as given, the hash of its bytes.

    ``pages`` holds the start offset of each page (PDF), empty otherwise.
    ``page_map`` (PDF) lists ``(offset, page)`` where the page changes, for
    text a reader moved (footnotes gathered after the body); when empty,
    ``pages`` alone places an offset. ``markers`` are the footnote markers
    the reader saw in the layout (superscript digits, note references), as
    ``(start, end)``. ``encoding`` says how the bytes were decoded;
    ``metadata`` holds what the file states about itself (title, language).
    """

    path: str
    text: str
    sha256: str
    encoding: str = "utf-8"
    pages: tuple[int, ...] = ()
    page_map: tuple[tuple[int, int], ...] = ()
    markers: tuple[tuple[int, int], ...] | None = None
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def page_of(self, offset: int) -> int | None:
        """The 1-based page an offset falls on, or None without pages.

        >>> Source("x.pdf", "body note", "0", pages=(0, 2), page_map=((0, 1), (5, 3))).page_of(6)
        3
        """
        if self.page_map:
            i = bisect.bisect_right(self.page_map, (offset, 1 << 30))
            return self.page_map[max(i, 1) - 1][1]
        if not self.pages:
            return None
        lo, hi = 0, len(self.pages)
        while lo < hi:
            mid = (lo + hi) // 2
            if self.pages[mid] <= offset:
                lo = mid + 1
            else:
                hi = mid
        return max(lo, 1)

    def __repr__(self) -> str:
        return f"Source({self.path!r}, {len(self.text)} chars, {self.encoding})"


class Paragraph(NamedTuple):
    """A paragraph of the document's body or a footnote.

    ``label`` is ``pp3`` (third preambular paragraph), ``op2`` (operative
    paragraph 2), ``68`` (a report's numbered paragraph), ``p4`` (fourth
    unnumbered block), or ``fn6`` (footnote 6). ``content`` is where its
    words begin, after any number; ``structure.paragraph_verb`` reads the
    verb that opens it ("recalls"), only when a citation needs it.

    A named tuple, not a frozen data class as the others: the parser makes
    one for each block of every text (about 14,000 over 10 MB of
    statements), and a frozen data class takes twice as long to make.
    """

    label: str
    start: int
    end: int
    content: int

    def __repr__(self) -> str:
        return f"Paragraph({self.label!r}, {self.start}-{self.end})"


@dataclass(frozen=True, slots=True)
class Footnote:
    """A footnote: its number, its text span, and the paragraph of its marker."""

    number: int
    start: int
    end: int
    anchor: str | None = None  # label of the paragraph carrying the first marker


@dataclass(frozen=True, slots=True)
class Marker:
    """A footnote marker in the body: "Rights,2" has marker 2 at the "2"."""

    number: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Document:
    """The structure of one text: identity, paragraphs, footnotes, furniture.

    ``furniture`` lists spans (start, end) that are page furniture or the
    document's own identity and never hold citations.
    """

    source: Source
    symbol: str | None
    organ: str | None
    paragraphs: tuple[Paragraph, ...]
    footnotes: tuple[Footnote, ...]
    markers: tuple[Marker, ...]
    furniture: tuple[tuple[int, int], ...]
    symbols: tuple[Any, ...] | None = None  # grammar.SymbolMatch of every symbol written out
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    cues: Cues | None = field(default=None, hash=False, compare=False)  # where the text's cue words stand
    line_marks: list[int] | None = field(default=None, hash=False, compare=False)  # structure.line_marks

    @property
    def text(self) -> str:
        """The reader's text."""
        return self.source.text

    def __repr__(self) -> str:
        return (
            f"Document({self.source.path!r}, symbol={self.symbol!r}, "
            f"{len(self.paragraphs)} paragraphs, {len(self.footnotes)} footnotes)"
        )


def _pickled_by_fields(cls: type) -> type:
    """Pickle a slotted dataclass as a call of its class with its fields' values in order (read in C by one
    ``attrgetter``): the dataclass's own ``__getstate__`` looks the fields up anew for every object and its
    ``__setstate__`` sets them one by one, most of what a reading process spends sending its extractions
    back, and the command receiving them."""
    fields = operator.attrgetter(*cls.__slots__)  # type: ignore[attr-defined]

    def reduce(self: Any) -> tuple[type, tuple[Any, ...]]:
        return cls, fields(self)

    cls.__reduce__ = reduce  # type: ignore[method-assign,assignment]
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Citation:
    """One reference to one work, with its exact place in the text.

    ``target`` is a canonical UN symbol or an instrument key; ``kind`` is
    ``resolution``, ``decision``, ``statement``, ``document`` or
    ``instrument``. ``via`` says what identified the target when it was not
    the quoted text alone (a footnote's Treaty Series entry, an anaphor).
    ``footnote`` is the footnote the span stands in, if any; ``paragraph``
    is then the paragraph that carries the footnote's marker.
    """

    target: str
    kind: str
    text: str
    start: int
    end: int
    paragraph: str | None
    function: str | None
    pinpoint: str | None = None
    via: str | None = None
    footnote: str | None = None
    page: int | None = None

    def span(self) -> tuple[int, int]:
        """(start, end) in the reader's text."""
        return (self.start, self.end)

    def to_json(self) -> dict[str, Any]:
        """The citation as the extraction contract's JSON object."""
        return asdict(self)

    def __repr__(self) -> str:
        return f"Citation({self.target!r}, {self.text!r}@{self.start}, {self.paragraph!r}, {self.function!r})"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction made of one input: identity, citations, errors."""

    source: str
    sha256: str | None
    symbol: str | None
    citations: tuple[Citation, ...]
    errors: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    #: citations the checks against what is known refused (``unkg.check.Dropped``: the citation and why)
    dropped: tuple[Any, ...] = field(default=(), compare=False)
    #: the words around each citation's quote, in the order of ``citations``: (before, after), each within the
    #: quote's sentence and at most ``context.CONTEXT_CHARS`` characters (``oa:prefix``, ``oa:suffix`` in the graph)
    contexts: tuple[tuple[str, str], ...] = field(default=(), compare=False)

    @property
    def ok(self) -> bool:
        """True when the input was read without error."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """The document's line in ``unkg extract --format jsonl`` (the source name printable, see iri.printable)."""
        return {
            "source": printable(self.source),
            "sha256": self.sha256,
            "symbol": self.symbol,
            "errors": list(self.errors),
            "metadata": dict(self.metadata),
            "citations": [c.to_json() for c in self.citations],
            "dropped": [d.to_json() for d in self.dropped],
        }
