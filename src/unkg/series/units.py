"""The paragraphs of a resolution as units of comparison: label, position, clean text.

``units(document)`` turns the paragraphs that ``unkg.structure.parse`` found into the units
that two members of a series are aligned on. A unit is a preambular (``pp3``) or operative
(``op5``) paragraph with its sub-paragraphs ("(a) To develop procedures ...") and whatever a
page break split from it; footnotes, the heading and the meeting line are not units. Its text is
what a reader would read: page furniture (running heads, job numbers, page numbers, barcodes) and
footnote markers taken out, line wraps and the hyphen at a wrap joined, quotes and spaces made
one. So two layouts of one text (PyMuPDF, PDFium, pdftotext, a hand-made plain text) give the
same units with the same texts.

Sub-paragraphs stay inside their paragraph because layouts disagree on them: PyMuPDF's text puts
"(a)" on a line of its own, a plain text runs it on; a unit of its own in one layout and none in
the other would read as a paragraph added or dropped.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from unkg.models import Document, Source
from unkg.structure import document_metadata, parse

# What a layout varies and a reader does not see.
_PUA = re.compile(r"[\ue000-\uf8ff\u200b\u00ad\ufeff]")  # barcode glyphs, zero-width space, soft hyphen
_WRAP_HYPHEN = re.compile(r"(?<=[A-Za-z])-[ \t]*\n\s*(?=[A-Za-z])")  # "Non-\nSelf-Governing"
_SPACE = re.compile(r"\s+")
# A hyphen between two letters, as the key sees it (spaces gone): "North-South", "self-determination".
_LETTER_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011\u00ad](?=[^\W\d_])")
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "})
_SPACE_BEFORE_PUNCT = re.compile(r"\s+(?=[,;:.)])")
_SPACE_AFTER_OPEN = re.compile(r"(?<=[(])\s+")
# A footnote marker glued after a word or a closing punctuation mark that the structure did not
# catch in one layout ("Rights,2 " / "Rights, 2 "): a number of one or two digits after a comma
# with no space between, and before a space and a lower-case word, or at the paragraph's end after its
# stop. A number after a comma and a space ("the Council, 15 members") is a number; it stays.
_STRAY_MARKER = re.compile(r"(?<=[a-z][,;.])\d{1,2}(?=\s+[a-z]|\s*$)")
# Markers the plain texts of the Security Council leave spaced: at the end of a paragraph after its
# stop ("Takes note of the report of the Secretary-General; 14"), after "Secretary-General" ("the
# report of the Secretary-General 7 recommends") and after a year ("dated 10 December 1965 18
# states"), before a word in lower case or a stop.
_SPACED_MARKER = re.compile(
    r"(?<=[;.,:])\s\d{1,3}\s*$|(?<=[A-Za-z],)\s\d{1,2}(?=\s(?:the|and|as|in|of|to|which|including|adopted|entitled)\s)|(?:(?<=Secretary-General)|(?<=\b(?:19|20)\d\d))\s\d{1,3}(?=\s+[a-z]|\s*[,;.]|\s*$)"
)
# A text quoted whole ("The full text of resolution 1919 (2010) reads as follows: “The Security
# Council, “Recalling ...") opens each paragraph with a quotation mark.
_OPENING_QUOTE = re.compile(r'^"\s*(?=[A-Z(])')
SENTINEL = "\x01"
_STOP = "\x02"  # where a running head ends: no run of the title's words goes on past it
_SEPARATOR = re.compile(r"\s*(?:_{5,}|-{5,})\s*")
# How a paragraph ends: a preambular one on a comma, an operative one on a semicolon or full stop.
_ENDED = re.compile(r"[,;:.][\"')\]]?$")
_PAGE = re.compile(r"\d{1,3}/\d{1,3}")
_SUBPARAGRAPH = re.compile(r"^\((?P<item>[a-z]{1,3}|[ivx]{1,5})\)\s")
# The meeting line that ends a resolution's text ("47th plenary meeting", "Adopted at the 1143rd
# meeting", "Adopted unanimously at its 5664th meeting"): units after it belong to an annex.
_MEETING_LINE = re.compile(
    r"^(?:\d{1,5}(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?plenary\s+meeting|Adopted\b.{0,80}\bmeeting\b)", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Unit:
    """One paragraph of a text as compared: its label, its 1-based position, its clean text and
    where it stands in the reader's text (``start``, ``end``)."""

    label: str
    position: int
    text: str
    start: int
    end: int
    key: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The text as matched: lower case, without spaces and without a hyphen between two letters.
        # Capitals vary with a layout's headings, spaces with its glyph placement ("internationa l",
        # "COVID -19" in pdftotext's text of an ODS PDF), and a hyphen between letters with its
        # dehyphenation (pdftotext's "NorthSouth", "self determination" for "North-South",
        # "self-determination"); no edit of a resolution changes only those. Digits stay strict: a
        # hyphen beside a digit stays ("3-5" is not "35"). Computed once: aligning reads it often.
        object.__setattr__(self, "key", _LETTER_HYPHEN.sub("", _SPACE.sub("", self.text.lower())))

    @property
    def digest(self) -> str:
        """The SHA-256 of the clean text (hex): equal texts, equal digests."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def __repr__(self) -> str:
        return f"Unit({self.label!r}, {self.text[:40]!r})"


def clean(
    text: str,
    spans: Sequence[tuple[int, int]] = (),
    offset: int = 0,
    *,
    mark: bool = False,
    quiet: Sequence[tuple[int, int]] = (),
    tags: Mapping[tuple[int, int], str] | None = None,
) -> str:
    """The words of ``text`` as a reader reads them, with the ``spans`` (furniture, markers, relative
    to ``offset``) blanked out; with ``mark``, each span longer than a marker leaves ``SENTINEL``
    in its place, followed by its tag in ``tags`` if any (``_RunningHead.strip`` takes the sentinels
    out). The ``quiet`` spans are blanked out without one.

    >>> clean("Recalling its resolution\\n78/100 of 5 Decem-\\n ber 2023,  ")
    'Recalling its resolution 78/100 of 5 Decem-ber 2023,'
    >>> clean("the “Non-\\nSelf-Governing” Territories,2 and")
    'the "Non-Self-Governing" Territories, and'
    """
    if spans or quiet:
        chars = list(text)
        for (s, e), marked in [*((span, mark) for span in spans), *((span, False) for span in quiet)]:
            lo, hi = max(s - offset, 0), min(e - offset, len(chars))
            for i in range(lo, hi):
                chars[i] = " " if chars[i] != "\n" else "\n"
            if marked and hi - lo > 3 and lo < len(chars):  # a running head, job or page number: not a marker
                chars[lo] = f" {SENTINEL}{(tags or {}).get((s, e), '')} "
        text = "".join(chars)
    text = _PUA.sub("", text).translate(_QUOTES)
    text = _WRAP_HYPHEN.sub("-", text)
    text = _SPACE.sub(" ", text).strip()
    text = _STRAY_MARKER.sub("", text)
    text = _SPACED_MARKER.sub("", text)
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _SPACE_AFTER_OPEN.sub("", text)
    return text


def units(document: Document) -> list[Unit]:
    """The units of a parsed text, in order (see the module's docstring).

    A text with preambular or operative paragraphs gives those (their sub-paragraphs and the
    unnumbered blocks a page break split off joined to them; after the meeting line, an annex's
    numbered paragraphs as ``annex.op1`` ...). A text without them (a report) gives each of its
    body paragraphs.
    """
    text = document.text
    # Footnotes are blanked too: a paragraph that runs over a page break holds that page's notes. They and
    # the separator line above them are no running head: blanked without a sentinel.
    notes = [(f.start, f.end) for f in document.footnotes]
    notes += [(s, e) for s, e in document.furniture if _SEPARATOR.fullmatch(text, s, e)]
    furniture = sorted({*document.furniture, *notes})
    body = [p for p in document.paragraphs if not p.label.startswith("fn")]
    resolution = any(p.label.startswith(("pp", "op")) for p in body)

    head = _RunningHead(document.symbol, heading_title(text) or document_metadata(text, document.symbol).get("title"))

    def words(start: int, end: int) -> str:
        inside = [(s, e) for s, e in furniture if e > start and s < end]
        # A span that holds the whole head (the symbol and the whole title) leaves nothing of it outside:
        # no sentinel, so that the words beside it that the title shares stay ("and that disaster risk
        # reduction / [Disaster risk reduction A/RES/80/137 3/20] / practices need to be").
        whole = [(s, e) for s, e in inside if e - s > 3 and head.holds(text[s:e])]
        grown = True
        while whole and grown:  # and the page and job numbers beside it
            near = [
                (s, e)
                for s, e in inside
                if (s, e) not in whole and any(not text[min(e, b) : max(s, a)].strip() for a, b in whole)
            ]
            grown = bool(near)
            whole += near
        quiet = [*whole, *((s, e) for s, e in notes if e > start and s < end)]
        rest = [(s, e) for s, e in inside if not any(a <= s and e <= b for a, b in quiet)]
        tags = {(s, e): head.tag(text[s:e]) for s, e in rest if e - s > 3}
        return clean(text[start:end], rest, start, mark=True, quiet=quiet, tags=tags)

    # Blocks are joined before the running head is taken out: a page break splits a paragraph into
    # blocks, and the head's lines may fall on either side of the break.
    out: list[list] = []  # [label, start, end, raw text with sentinels]
    annex = False
    seen: dict[str, int] = {}
    last = 0  # where the block before ends
    for p in body:
        # the page's furniture between two blocks that join (its notes, job number, head: pdftotext's
        # "\fA/RES/78/109" before "Peremptory norms of ... (jus cogens)") leaves its sentinels in the join
        gap, last = (words(last, p.start) if out and last < p.start else ""), p.end
        raw = words(p.content, p.end)
        content = head.strip(raw)
        if content and SENTINEL in gap and content.split() == head.title:
            content = ""  # the running title alone after the page's head (pdftotext's "\fA/RES/78/241" / title)
        if not content:
            if out and head.symbol and head.symbol in raw.split(" "):
                # a running head the structure missed, a block of its own: the title's lines before it may
                # stand in the blocks before ("... Medium-sized / Enterprises of the ... International /
                # A/RES/78/106  Trade Law"); beside them, its symbol takes them out
                out[-1][3] = " ".join(filter(None, (out[-1][3], gap, raw, _STOP)))  # the title's words after it: none
            continue
        if not resolution:
            out.append([p.label, p.start, p.end, raw])
            continue
        numbered = p.label.startswith(("pp", "op"))
        if not numbered and out and _MEETING_LINE.match(content):
            annex = True
            continue
        # A block that continues the paragraph before it: unnumbered (a sub-paragraph, the rest
        # after a page break), or a "preambular paragraph" the structure counted where a page
        # break cut one whose words had not reached their comma.
        continues = out and (
            (not numbered and (out[-1][0].startswith("annex.") if annex else not _heading(content)))
            or (p.label.startswith("pp") and out[-1][0].startswith("pp") and not _ENDED.search(head.strip(out[-1][3])))
        )
        if continues:
            out[-1][2] = p.end
            out[-1][3] = " ".join(filter(None, (out[-1][3], gap, raw)))
            continue
        if not numbered:
            continue
        label = f"annex.{p.label}" if annex else p.label
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label}~{seen[label]}"
        out.append([label, p.start, p.end, raw])
    result = []
    preambular = 0
    for i, (label, start, end, raw) in enumerate(out, start=1):
        if label.startswith("pp"):  # counted again after the joins above
            preambular += 1
            label = f"pp{preambular}"
        result.append(Unit(label, i, _OPENING_QUOTE.sub("", head.strip(raw)), start, end))
    return result


class _RunningHead:
    """What is left of a running head in a layout whose structure missed part of it: the text's own
    symbol, the page number beside it ("2/12") and the lines of the title ("... convened under the
    auspices of the General Assembly A/RES/78/1"), taken out only next to the furniture the
    structure found (``SENTINEL``) or the symbol, so a paragraph that names the title keeps it."""

    def __init__(self, symbol: str | None, title: str | None) -> None:
        self.symbol = symbol
        self.title = clean(title).split() if title else []
        self.joined = "\x00" + "\x00".join(self.title) + "\x00"
        self.keys = [_SPACE.sub("", w.lower()) for w in (symbol, clean(title) if title else None) if w]

    def holds(self, text: str) -> bool:
        """Whether ``text`` holds the whole head: the symbol and the whole title (spaces aside)."""
        key = _SPACE.sub("", clean(text).lower())
        return len(self.keys) == 2 and all(k in key for k in self.keys)

    def tag(self, text: str) -> str:
        """The title's words a span of furniture holds, as the sentinel's tag: "lo_hi", the indexes of the
        longest run of them (two words at least, or the whole of a short title); "" for none."""
        words = clean(text).split()
        best = (0, 0, 0)  # (length, lo, hi)
        for i in range(len(words)):
            for lo in range(len(self.title)):
                k = 0
                while i + k < len(words) and lo + k < len(self.title) and words[i + k] == self.title[lo + k]:
                    k += 1
                best = max(best, (k, lo, lo + k))
        k, lo, hi = best
        return f"{lo}_{hi}" if k >= 2 or (k and k == len(self.title)) else ""

    def strip(self, text: str) -> str:
        tokens = text.split(" ")
        marks = {i for i, t in enumerate(tokens) if t.startswith(SENTINEL) or (self.symbol and t == self.symbol)}
        if marks and self.title:
            drop: set[int] = set()
            for i in sorted(marks):
                # furniture that holds some of the title's words (its last line, "Weapons and on Their
                # Destruction A/RES/80/34"): only the words of the title before those, just before it,
                # and those after them, just after it, are the head's
                held = tokens[i][len(SENTINEL) :].partition("_")
                j = i - 1
                while j >= 0 and j in drop | marks:
                    j -= 1
                k = self._run(tokens, j, -1, int(held[0]) if held[2] else None)
                drop.update(range(j - k + 1, j + 1))
                # the title's words before the head and after it are one run of the title: after words that
                # end it ("... of nuclear weapons A/RES/78/240"), the words that follow are the text's own
                after = int(held[2]) if held[2] else self._end(tokens[j - k + 1 : j + 1])
                j = i + 1
                while j < len(tokens) and j in drop | marks:
                    j += 1
                k = self._run(tokens, j, 1, after)
                drop.update(range(j, j + k))
            tokens = [t for i, t in enumerate(tokens) if i not in drop]
        text = " ".join(t for t in tokens if not t.startswith((SENTINEL, _STOP)) and t != self.symbol)
        text = _SPACE.sub(" ", text).strip()
        text = _SPACE_BEFORE_PUNCT.sub("", text)
        return _SPACE_AFTER_OPEN.sub("", text)

    def _end(self, words: list[str]) -> int | None:
        """Where ``words`` (a run of the title's words, page numbers aside) end in the title, or None."""
        words = [w for w in words if not _PAGE.fullmatch(w)]
        if not words:
            return None
        k = len(words)
        return next((p + k for p in range(len(self.title) - k + 1) if self.title[p : p + k] == words), None)

    def _run(self, tokens: list[str], at: int, step: int, edge: int | None = None) -> int:
        """How many tokens from ``at`` (going back for -1, on for 1) are a page number or a run of the
        title's words (two at least, or the whole of a short title); with ``edge``, a run of any length
        that ends just before the title's word ``edge`` (going back) or starts at it (going on)."""
        if not 0 <= at < len(tokens):
            return 0
        if edge is None and _PAGE.fullmatch(tokens[at]):
            return 1 + self._run(tokens, at + step, step)
        if edge is not None:  # (no page number: "resolution [head] 46/182 of 19 December 1991")
            title = self.title[edge:] if step > 0 else self.title[:edge][::-1]
            k = 0
            while k < len(title) and 0 <= at + step * k < len(tokens) and tokens[at + step * k] == title[k]:
                k += 1
            return k
        k = 0
        while 0 <= at + step * k < len(tokens) and k < len(self.title):
            words = tokens[at - k : at + 1] if step < 0 else tokens[at : at + k + 1]
            if "\x00" + "\x00".join(words) + "\x00" not in self.joined:
                break
            k += 1
        # a line of the title: four words at least, or two that reach its first or last word
        # ("... sustainable consumption and production" in a paragraph is not a head's line)
        words = tokens[at - k + 1 : at + 1] if step < 0 else tokens[at : at + k]
        edge = words[:2] == self.title[:2] or words[-2:] == self.title[-2:]
        if k < 4 and not (k >= 2 and edge) and not (k and k == len(self.title)):
            return 0
        end = at + step * k
        if 0 <= end < len(tokens) and _PAGE.fullmatch(tokens[end]):
            k += 1
        return k


# The resolution's number that opens its title ("78/106. Guide on Access ...", "80/9. 2025 Political ...").
_TITLE_NUMBER = re.compile(r"(?m)^[ \t]*(?:(?:E?S-)?\d{1,2}|(?:19|20)\d\d)/\d{1,4}\.(?=\s)")
_OPENING = re.compile(r"\bThe (?:General Assembly|Security Council)\b")


def heading_title(text: str) -> str | None:
    """The title as the heading sets it, every line of it: from the resolution's number to "The General
    Assembly" (a running head repeats it, whole or its last lines), or None.

    >>> heading_title("80/107. Agreement on the Conservation of Marine\\n\\nBiological Diversity\\n\\nThe General Assembly,")
    'Agreement on the Conservation of Marine Biological Diversity'
    """
    number = _TITLE_NUMBER.search(text, 0, 6000)
    opening = _OPENING.search(text, number.end(), number.end() + 600) if number else None
    title = " ".join(text[number.end() : opening.start()].split()) if number and opening else ""
    return title or None


def _heading(content: str) -> bool:
    """A block before the first paragraph of the text: "The General Assembly," and the like."""
    return content.startswith(("The General Assembly", "The Security Council"))


# pdftotext -layout writes an operative paragraph's number below its first line when the number
# hangs in the margin (S/RES/1755 (2007), S/RES/1812 (2008) in the dev corpus); that first line
# does not end a paragraph (no stop or comma at its end), which tells it from the line before a
# number that stands alone above its words (PyMuPDF's "1. \n Welcomes ..."):
#             Stresses the importance of full and expeditious implementation of all
#       3.
# elements of the CPA, ...
_HANGING_NUMBER = re.compile(
    r"(?m)^(?P<i1>[ \t]+)(?P<first>[A-Z][^\n]*[^\s.;:,])[ \t]*\n(?P<i2>[ \t]+)(?P<num>\d{1,3})\.[ \t]*\n(?=[ \t]*[^\s\d])"
)


def hanging_numbers(text: str) -> str:
    """The text with each hanging paragraph number put back before its first line, every offset
    after it kept (the line is padded with the spaces it loses).

    >>> hanging_numbers("      Stresses the need for\\n      3.\\nelements of peace;\\n")
    '            3. Stresses the need for\\nelements of peace;\\n'
    """

    def put_back(m: re.Match[str]) -> str:
        line = f"{m['num']}. {m['first']}\n"
        return " " * (len(m.group(0)) - len(line)) + line

    return _HANGING_NUMBER.sub(put_back, text)


# A number glued to its words ("      26.Decides to remain actively seized of the matter."): given
# its space, taken from the indentation before it so that every offset stays.
_GLUED_NUMBER = re.compile(r"(?m)^(?P<indent>[ \t]+)(?P<num>\d{1,3}\.)(?=[A-Z][a-z])")


def text_units(text: str, path: str = "-") -> tuple[Document, list[Unit]]:
    """Parse a text (hanging and glued paragraph numbers put right first, offsets kept) and give its
    document and units."""
    text = _GLUED_NUMBER.sub(lambda m: f"{m['indent'][1:]}{m['num']} ", hanging_numbers(text))
    document = parse(Source(path, text, hashlib.sha256(text.encode("utf-8")).hexdigest()))
    return document, units(document)


def subparagraph(text: str) -> str | None:
    """The item of a sub-paragraph ("(a) To develop ..." -> "a"), or None."""
    m = _SUBPARAGRAPH.match(text)
    return m.group("item") if m else None

