"""The words around a citation's quote: its sentence, as a reader of the page needs it.

A citation's quote ("resolution 60/169") says what is cited; the sentence around it
says why ("Recalling all its previous resolutions on the protection of migrants, the
most recent of which is resolution 60/169 of 16 December 2005,"). The graph keeps
both sides as the ``oa:prefix`` and ``oa:suffix`` of the quote's
``oa:TextQuoteSelector`` (W3C Web Annotation), so a page can show them without the
source file.

The sentence is bounded by the span the quote stands in (its paragraph or footnote,
from ``structure.parse``; the whole text when it stands in none), by ``WINDOW`` times
``CONTEXT_CHARS`` characters either side of the quote, and, inside that, by a
sentence's end: ``.``, ``!``, ``?`` or ``;`` followed by a space and a capital letter
or a digit, but not after the abbreviations UN texts write before a number ("vol.",
"No.", "para."). Each side is cut to at most ``CONTEXT_CHARS`` characters at a word,
and "…" marks the cut. Runs of white space (hard line breaks, tabs, form feeds)
become one space.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence

from unkg.models import Citation, Document

CONTEXT_CHARS = 200
WINDOW = 4  # how far a sentence's start or end is looked for, in CONTEXT_CHARS
ELLIPSIS = "…"

# A sentence ends at . ! ? ; followed by white space and a capital or a digit; not at the full stop of an
# abbreviation that UN texts write before a number or a name (the word before it is looked at apart: twenty
# lookbehinds in the pattern made it three times slower).
_SENTENCE_END = re.compile(r"[.!?;](?=\s+[A-Z0-9\"“(])")
_WORD_BEFORE = re.compile(r"(?<![\w.])[\w.]{1,5}$")  # the whole word before a full stop, if short
_ABBREVIATIONS = frozenset(
    ["vol", "Vol", "No", "no", "para", "paras", "Para", "Paras", "art", "arts", "Art", "p", "pp", "Corr", "Add", "Rev", "Suppl", "op", "St", "Mr",
     "Ms", "Dr", "e.g", "i.e"]
)  # fmt: skip


def _ends(text: str, pos: int = 0) -> Iterator[int]:
    """Where the sentences of ``text`` end (the offset after each one's closing mark), from ``pos`` on.

    The pattern looks at no character before ``pos``, so the ends from ``pos`` on are those of the whole text.
    """
    for m in _SENTENCE_END.finditer(text, pos):
        i = m.start()
        if text[i] == "." and _abbreviation_before(text, i):
            continue
        yield m.end()


def _abbreviation_before(text: str, i: int) -> bool:
    """Whether the full stop at ``i`` closes an abbreviation written before a number or a name ("vol.")."""
    word = _WORD_BEFORE.search(text, max(0, i - 6), i)
    return bool(word) and word[0] in _ABBREVIATIONS


def _last_end(text: str) -> int:
    """The end of the last sentence of ``text`` (0 if none): its marks looked at from the end backwards (a
    search for one character is fast) until one ends a sentence."""
    pos = len(text)
    while True:
        i = max(text.rfind(mark, 0, pos) for mark in ".!?;")
        if i < 0:
            return 0
        if _SENTENCE_END.match(text, i) and not (text[i] == "." and _abbreviation_before(text, i)):
            return i + 1
        pos = i


def _squeeze(text: str) -> str:
    """Each run of white space one space (``re.sub(r"\\s+", " ", text)``: ``str.split`` knows the same white
    space as ``\\s``, and is twice as fast on a few hundred characters)."""
    words = " ".join(text.split())
    if not words:
        return " " if text else ""
    return (" " if text[0].isspace() else "") + words + (" " if text[-1].isspace() else "")


def _cut_left(text: str, limit: int) -> str:
    """The last ``limit`` characters at most, from a word's start, "…" before when cut."""
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    space = tail.find(" ")
    return ELLIPSIS + (tail[space + 1 :] if 0 <= space < limit // 2 else tail)


def _cut_right(text: str, limit: int) -> str:
    """The first ``limit`` characters at most, to a word's end, "…" after when cut."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head) + ELLIPSIS


def around(text: str, start: int, end: int, lo: int = 0, hi: int | None = None, limit: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The words of the sentence before and after ``text[start:end]``, inside ``text[lo:hi]``.

    >>> around("See above. Recalling its resolution 60/169 of 16 December 2005; Notes it.", 25, 42)
    ('Recalling its ', ' of 16 December 2005;')
    >>> around("Ibid., vol. 1577, No. 27531.", 12, 16)
    ('Ibid., vol. ', ', No. 27531.')
    """
    hi = len(text) if hi is None else hi
    # Only so far around the quote as can be shown: a text of one long paragraph (or none) must not make
    # each citation read it whole (5,000 notes in one span took 9 minutes so).
    lo, hi = max(lo, start - WINDOW * limit), min(hi, end + WINDOW * limit)
    before = text[lo:start]
    first = _last_end(before)
    after = text[end:hi]
    last = next(_ends(after), len(after))
    return _cut_left(_left_words(before[first:], limit), limit), _cut_right(_right_words(after[:last], limit), limit)


def _left_words(text: str, limit: int) -> str:
    """``_squeeze(text).lstrip()``, or its end only when that is longer than ``_cut_left`` keeps.

    The end of the squeezed last ``2 * limit`` characters is the end of the whole squeezed (a run of white
    space across the cut is one space either way), so a long text is not squeezed whole.
    """
    if len(text) > 2 * limit:
        end = _squeeze(text[-2 * limit :])
        if len(end) > limit + 1:
            return end
    return _squeeze(text).lstrip()


def _right_words(text: str, limit: int) -> str:
    """``_squeeze(text).rstrip()``, or its start only (as ``_left_words``)."""
    if len(text) > 2 * limit:
        start = _squeeze(text[: 2 * limit])
        if len(start) > limit + 1:
            return start
    return _squeeze(text).rstrip()


def contexts(document: Document, citations: Iterable[Citation], limit: int = CONTEXT_CHARS) -> tuple[tuple[str, str], ...]:
    """(before, after) of each citation, in order, each within the paragraph or footnote its quote stands in."""
    citations = list(citations)
    if not citations:
        return ()
    spans = sorted(
        [(p.start, p.end) for p in document.paragraphs] + [(f.start, f.end) for f in document.footnotes]
    )
    starts: Sequence[int] = [s for s, _ in spans]
    text = document.text
    out = []
    for c in citations:
        lo, hi = 0, len(text)
        i = bisect.bisect_right(starts, c.start) - 1
        if i >= 0 and spans[i][0] <= c.start and c.end <= spans[i][1]:
            lo, hi = spans[i]
        out.append(around(text, c.start, c.end, lo, hi, limit))
    return tuple(out)
