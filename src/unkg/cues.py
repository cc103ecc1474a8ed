"""Cue words: capitalised words the parser and the finders test a text for before a pattern runs.

A pattern that needs "Notes", "Distr." or "Treaty Series" runs only where its word
stands; a substring search for a word that is not there reads the whole text (5-7
ms over 10 MB of statements, each). The catalogue's name pattern tries every
capital letter of the text anyway, so the cue words are found in its pass
(``Catalogue.scan``) at no extra cost, and :class:`Cues` says where they stand.
A caller without that scan (``structure.parse`` on its own) gets a :class:`Cues`
that searches the text for each word it is asked about, with the same answers.

A cue word stands where it is written as here (the case matters), an "s" may follow
it, and then no letter or hyphen: "Notes" in "Notes\\n", "Distr" in "Distr.: General",
not "Distr" in "Distribution".
"""

from __future__ import annotations

import bisect
import re
from functools import lru_cache

# The words, and who asks for them.
CUE_WORDS = frozenset(
    [
        # unkg.cite: ILO conventions by number, the Treaty Series, Official Records, the Human Rights
        # Council's statements, a resolution's or a decision's word in capitals
        "No.", "Series", "Official", "PRST", "RESOLUTION", "RESOLUTIONS", "DECISION", "DECISIONS",
        # unkg.structure: a heading of notes, the line that opens a resolution's text, the words of a
        # masthead, of a heading and of an agenda item
        "Notes", "Footnotes", "Endnotes",
        "The General Assembly", "The Security Council", "The Human Rights Council",
        "The Economic and Social Council", "The Commission on Human Rights", "The Sub-Commission",
        "Resolution", "Decision", "Adopted", "Distr", "Original", "Committee", "Item",
    ]
)  # fmt: skip


@lru_cache(maxsize=64)
def cue_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    """Any of ``words`` where it stands as a cue word (white space between its words as in the text)."""
    alternatives = (re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile("(?P<cue>" + "|".join(alternatives) + r")s?(?![A-Za-z\-])")


_NONE: list[int] = []  # the positions of a word that is not there (never changed)


class Cues:
    """Where the cue words of one text stand.

    ``Cues(text)`` searches the text for a word when first asked; the catalogue's scan
    fills ``Cues()`` with every cue word it finds (``add``), in text order.
    """

    __slots__ = ("_at", "_text")

    def __init__(self, text: str | None = None) -> None:
        self._text = text
        self._at: dict[str, list[int]] = {}

    def add(self, word: str, pos: int) -> None:
        """Record ``word`` at ``pos`` (the scan calls this in text order)."""
        self._at.setdefault(word, []).append(pos)

    def positions(self, word: str) -> list[int]:
        """Where ``word`` (one of ``CUE_WORDS``) stands, in text order."""
        at = self._at.get(word)
        if at is not None:
            return at
        if word not in CUE_WORDS:
            raise ValueError(f"{word!r} is no cue word (unkg.cues.CUE_WORDS)")
        if self._text is None:
            return _NONE  # a scan recorded every cue word it found
        at = self._at[word] = [m.start() for m in cue_pattern((word,)).finditer(self._text)]
        return at

    def has(self, word: str, lo: int = 0, hi: int | None = None) -> bool:
        """Whether ``word`` stands somewhere from ``lo`` to before ``hi`` (its first character in that span)."""
        at = self.positions(word)
        if not at:
            return False
        i = bisect.bisect_left(at, lo) if lo else 0
        return i < len(at) and (hi is None or at[i] < hi)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and bool(self.positions(word))
