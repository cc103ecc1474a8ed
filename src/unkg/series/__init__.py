"""What changed: resolution series, paragraph alignment, a paragraph's history.

- :mod:`unkg.series.units`: the paragraphs of a text as compared (label, position, clean text);
- :mod:`unkg.series.align`: which paragraph of a later text derives from which of an earlier
  one (unchanged, edited, moved, new, dropped), with the word-level difference;
- :mod:`unkg.series.members`: the members of a series with their evidence, and the texts a
  corpus (the store, or files) holds of them;
- :mod:`unkg.series.rdf`: paragraphs and derivations as quads of the later document's graph;
- :mod:`unkg.series.render`: the terminal and HTML views of a difference.

>>> from unkg.series.units import text_units
>>> _, before = text_units("The General Assembly,\\n\\nRecalling its resolution 77/148,\\n\\n1. Requests a report;\\n")
>>> _, after = text_units("The General Assembly,\\n\\nRecalling its resolution 78/100,\\n\\n1. Urges a report;\\n\\n2. Decides to remain seized;\\n")
>>> [(m.change, m.later.label if m.later else None) for m in align(before, after).matches]
[('edited', 'pp1'), ('edited', 'op1'), ('new', 'op2')]
"""

from __future__ import annotations

from dataclasses import dataclass

from unkg.series.align import Alignment, Match, align
from unkg.series.members import Corpus, Member, SeriesError, Text, consecutive, members

__all__ = [
    "Alignment",
    "Corpus",
    "Match",
    "Member",
    "SeriesError",
    "Step",
    "Text",
    "align",
    "align_texts",
    "history",
    "members",
]


def align_texts(earlier: Text, later: Text, method: str = "rapidfuzz") -> Alignment:
    """The alignment of two texts of the corpus (their units, ``unkg.series.units``)."""
    return align(earlier.units, later.units, method=method, earlier_symbol=earlier.symbol, later_symbol=later.symbol)


@dataclass(frozen=True)
class Step:
    """One step of a paragraph's history: the paragraph ``label`` of ``symbol`` and how it came from
    the paragraph of the nearest earlier member the corpus holds (``match``; None where there is
    none to compare with). ``missing``: the members between the two that the corpus lacks."""

    symbol: str
    label: str
    match: Match | None
    earlier: str | None
    missing: tuple[str, ...] = ()

    @property
    def change(self) -> str:
        """``new`` where the paragraph first appears, else how it came from the earlier one;
        ``earliest`` when no earlier text is there to tell."""
        return self.match.change if self.match else "earliest"


def history(symbol: str, label: str, corpus: Corpus, series: list[Member] | None = None) -> list[Step]:
    """The paragraph ``label`` of ``symbol`` back through its series, latest first, to where it first
    appears (``new``) or to the earliest member the corpus holds.

    Raises:
        SeriesError: the corpus lacks ``symbol``'s text, or the text has no paragraph ``label``.
    """
    series = series if series is not None else members(symbol, corpus)
    held = {m.symbol: m for m in series}
    if symbol not in held or not held[symbol].in_corpus:
        raise SeriesError(f"the corpus holds no text of {symbol}; ingest it first (unkg fetch {symbol} --ingest)")
    labels = [u.label for u in held[symbol].text.units]  # type: ignore[union-attr]
    if label not in labels:
        raise SeriesError(f"{symbol} has no paragraph {label!r}; its paragraphs are {', '.join(labels)}")
    before = {later.symbol: (earlier, gap) for earlier, later, gap in consecutive(series)}
    steps: list[Step] = []
    current, current_label = symbol, label
    while True:
        if current not in before:
            gap = [m.symbol for m in series[: [m.symbol for m in series].index(current)] if not m.in_corpus]
            steps.append(Step(current, current_label, None, None, tuple(gap)))
            return steps
        earlier, gap = before[current]
        alignment = align_texts(earlier.text, held[current].text)  # type: ignore[arg-type]
        match = alignment.of_later(current_label)
        assert match is not None  # every later unit has a line in its alignment
        steps.append(Step(current, current_label, match, earlier.symbol, tuple(m.symbol for m in gap)))
        if match.change == "new" or match.earlier is None:
            return steps
        current, current_label = earlier.symbol, match.earlier.label
