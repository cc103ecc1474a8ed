"""Title search (Okapi BM25) and the normalised titles that group a series.

BM25 is a dozen lines over a few thousand short titles; the libraries that offer it
(``rank-bm25``, unmaintained since 2022; ``bm25s``, sparse matrices and a tokenizer stack
of its own) would add a dependency for less than they carry, so it is written out here
(Robertson and Zaragoza, "The Probabilistic Relevance Framework: BM25 and Beyond", 2009).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing of a title's subject; also left out of the series keys.
STOPWORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "from", "in", "into", "of", "on", "or", "the", "to", "with", "its", "their"]
)


def tokens(text: str) -> list[str]:
    """The words of a title or query, lower case, without stop words ("UN" is "United Nations").

    >>> tokens("Protection of the UN's migrants")
    ['protection', 'united', 'nations', 's', 'migrants']
    """
    out: list[str] = []
    for word in _WORD.findall(text.lower()):
        if word in STOPWORDS:
            continue
        out.extend(("united", "nations") if word == "un" else (word,))
    return out


class BM25:
    """An Okapi BM25 index over short texts (k1 = 1.2, b = 0.75)."""

    def __init__(self, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.docs = [Counter(tokens(t)) for t in texts]
        self.lengths = [sum(d.values()) for d in self.docs]
        self.average = sum(self.lengths) / max(len(self.docs), 1)
        frequency: Counter[str] = Counter()
        for d in self.docs:
            frequency.update(d.keys())
        n = len(self.docs)
        self.idf = {w: math.log(1 + (n - f + 0.5) / (f + 0.5)) for w, f in frequency.items()}
        self.postings: dict[str, list[int]] = {}
        for i, d in enumerate(self.docs):
            for w in d:
                self.postings.setdefault(w, []).append(i)

    def scores(self, query: str) -> dict[int, float]:
        """The score of every text sharing a word with the query (the others score 0)."""
        out: dict[int, float] = {}
        for w in set(tokens(query)):
            idf = self.idf.get(w)
            if idf is None:
                continue
            for i in self.postings[w]:
                tf = self.docs[i][w]
                norm = tf + self.k1 * (1 - self.b + self.b * self.lengths[i] / self.average)
                out[i] = out.get(i, 0.0) + idf * tf * (self.k1 + 1) / norm
        return out


_MONTHS = "Jan|Feb|Mar|Apr|May|June?|July?|Aug|Sept?|Oct|Nov|Dec"
# What changes from one renewal of a Security Council mandate to the next: the end date, the
# period, the acronym, a "further" or "final" period.
_RENEWAL_NOISE = (
    re.compile(rf"\b(?:until|to|through|till)\s+(?:\d{{1,2}}\s+)?(?:{_MONTHS})[a-z]*\.?\s+\d{{4}}", re.IGNORECASE),
    re.compile(
        r"\b(?:for\s+)?(?:a|an|another)?\s*(?:further|final|additional|new)?\s*(?:period\s+of\s+)?"
        r"(?:\d{1,2}|one|two|three|four|five|six|nine|twelve|eighteen)[\s-]+(?:months?|years?|weeks?)",
        re.IGNORECASE,
    ),
    re.compile(r"\([^)]*\)"),
    re.compile(r"\b(?:extension|extention|renewal|prolongation|extend(?:ing)?)\s+(?:of\s+)?", re.IGNORECASE),
    re.compile(r"\b(?:further|final|technical|and|of|the)\b", re.IGNORECASE),
)


def series_key(title: str, organ: str) -> str:
    """The normalised title that the members of one series share.

    General Assembly: the title's words (stop words dropped, "UN" as "United Nations").
    Security Council: also without what changes from one mandate renewal to the next
    (end date, period, acronym, "extension of").

    >>> series_key("Protection of migrants", "GA")
    'protection migrants'
    >>> series_key("Extension of the mandate of the UN Interim Force in Lebanon (UNIFIL) until 31 Aug. 2020", "SC")
    'mandate united nations interim force lebanon'
    """
    if organ == "SC":
        for pattern in _RENEWAL_NOISE:
            title = pattern.sub(" ", title)
    return " ".join(tokens(title))
