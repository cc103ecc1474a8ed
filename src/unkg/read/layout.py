"""Layout cleanup: from positioned lines on pages to clean, traceable text.

A PDF reader hands over each page as :class:`Line` objects (text, box, font
height, superscript digits). :func:`compose` turns the pages into one text:

- running heads and footers (the document's symbol, page numbers, job
  numbers such as ``10-47488``, lines repeated on most pages) are dropped
  from every page after the first; the first page keeps its masthead, which
  states the document's identity;
- lines are joined into paragraphs (soft line breaks become spaces, a word
  hyphenated across a line end is joined, a UN symbol split after a slash is
  joined without a space); paragraphs are separated by a blank line;
- the footnote area at the foot of each page (smaller type under the body,
  opened by a separator or a note number) is gathered, note by note, after
  the body under one separator line, each note on its own line
  ("12 See A/HRC/14/15."), continuation lines on the next page included;
- superscript digits become footnote markers, reported by offset.

Offsets of the composed text map back to pages through ``page_map``
(``(offset, page)`` change points, pages counted from 1).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field

from unkg import grammar as g
from unkg.structure import CUE_LINE_RE


@dataclass(slots=True)
class Line:
    """One line of a page: its text and where it sits (PDF units, y up)."""

    text: str
    left: float
    right: float
    bottom: float
    top: float
    size: float  # font height of the line's body characters
    superscripts: list[tuple[int, int]] = field(default_factory=list)  # digit runs set as superscript (line offsets)

    @property
    def baseline(self) -> float:
        return self.bottom


@dataclass(slots=True)
class Page:
    """The lines of one page, top to bottom, and the page's height."""

    lines: list[Line]
    height: float
    width: float


@dataclass(slots=True)
class Composed:
    """The text of a document, its page map and its footnote markers."""

    text: str
    page_map: tuple[tuple[int, int], ...]
    page_starts: tuple[int, ...]
    markers: tuple[tuple[int, int], ...]
    furniture_removed: int


JOB_LINE_RE = re.compile(r"^(?:GE\.)?\d{2}-\d{5}(?:\s?\([A-Z]\))?(?:\s+\d{6})?(?:\s+\S{1,12})?$")
PAGE_NUMBER_RE = re.compile(r"^(?:\d{1,4}(?:/\d{1,4})?|-\s?\d{1,4}\s?-|Page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)$")
BARCODE_RE = re.compile(r"^[\*\s\uf000-\uf0ff]+$|^\*\d{7,9}\*$")
SEPARATOR_RE = re.compile(r"^(?:_{5,}|-{5,})$")
NOTE_START_RE = re.compile(r"^(?P<num>\d{1,3}|\*{1,3})(?:\s+|(?=[A-Z“\"(]))")
NEW_ITEM_RE = re.compile(
    r"^(?:\d{1,3}\.(?:\d{1,2}\.?)?\s|\([a-z]{1,4}\)\s|\(\d{1,3}\)\s|[A-Z]\.\s|[IVXL]{1,6}\.\s|[a-z]\)\s|[•\-–·]\s|Annex\b|Chapter\b)"
)
DIGIT_NORM_RE = re.compile(r"\d+")
SENTENCE_END = (".", ":", ";", "?", "!", "”", '"', ")")


def _norm(text: str) -> str:
    return DIGIT_NORM_RE.sub("#", " ".join(text.split()))


# A note: its number, then words, or a document's symbol alone ("15 EC-96/DG.1.", "4 S/2023/508."), whose digits
# differ from page to page where a running foot's repeat.
NOTE_TEXT_RE = re.compile(r"^(?:\d{1,3}|\*)\s+(?:\S.*[a-z]{3}|[A-Z][A-Za-z.]*[-/]\S*\d)")


def _is_furniture_text(text: str, own: set[str]) -> bool:
    """A head or foot line: page number, job number, barcode, the document's own symbol."""
    t = " ".join(text.split())
    if not t:
        return True
    if PAGE_NUMBER_RE.match(t) or JOB_LINE_RE.match(t) or BARCODE_RE.match(t):
        return True
    # "A/HRC/14/15", "A/HRC/14/15 3", "3 A/HRC/14/15", "A/RES/73/6 18-17962 4/5"
    rest = " ".join(
        p for p in t.split() if not (PAGE_NUMBER_RE.match(p) or JOB_LINE_RE.match(p) or p in {"Page", "(E)"})
    )
    if not rest:
        return True
    found = g.parse_symbols(rest)
    return len(found) == 1 and found[0].start == 0 and found[0].end == len(rest) and found[0].targets[0] in own


def _is_titled_head(text: str, own: set[str]) -> bool:
    """A running head that is the document's own symbol and words of its title at the other end
    ("A/RES/78/320  effective solution to environmental challenges", "... challenges A/RES/78/320")."""
    t = " ".join(text.split())
    found = [sm for sm in g.parse_symbols(t) if sm.targets[0] in own]
    return any(
        (sm.start == 0 or sm.end == len(t)) and re.search(r"[a-z]{3}", t[: sm.start] + t[sm.end :]) for sm in found
    )


def _bands(page: Page) -> tuple[float, float]:
    """(top band floor, bottom band ceiling): y limits of the head and foot areas."""
    return page.height * 0.88, page.height * 0.12


def _furniture(pages: list[Page]) -> list[set[int]]:
    """Indexes of the furniture lines of each page.

    Only the first and last two lines of a page, inside its head or foot
    band, are candidates. The first page keeps its masthead (bare job
    numbers, barcodes and page numbers go). A symbol line is furniture when
    the symbol is the document's own: written in the head or foot band at
    least twice.
    """
    candidates: list[list[int]] = []
    for page in pages:
        top, bottom = _bands(page)
        n = len(page.lines)
        picks = sorted({i for i in (0, 1, n - 2, n - 1) if 0 <= i < n})
        candidates.append([i for i in picks if page.lines[i].bottom >= top or page.lines[i].top <= bottom])
    repeated: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for page, picks in zip(pages, candidates, strict=True):
        repeated.update({_norm(page.lines[i].text) for i in picks})
        for i in picks:
            own.update(sm.targets[0] for sm in g.parse_symbols(page.lines[i].text))
    if pages:
        top, _bottom = _bands(pages[0])
        for line in pages[0].lines:
            if line.bottom >= top * 0.95:
                own.update(sm.targets[0] for sm in g.parse_symbols(line.text))
    owned = {sym for sym, count in own.items() if count >= 2}
    threshold = max(2, len(pages) // 2)
    out: list[set[int]] = []
    for number, (page, picks) in enumerate(zip(pages, candidates, strict=True)):
        drop: set[int] = set()
        for i in picks:
            bare = " ".join(page.lines[i].text.split())
            if number == 0:
                if bare and (BARCODE_RE.match(bare) or JOB_LINE_RE.match(bare) or PAGE_NUMBER_RE.match(bare)):
                    drop.add(i)
                continue
            if _is_furniture_text(bare, owned) or (
                len(pages) >= 3 and repeated[_norm(bare)] >= threshold and not NOTE_TEXT_RE.match(bare)
            ):
                drop.add(i)
        out.append(drop)
    # A running title over two lines (A/RES/78/320, A/RES/79/241) ends beside the symbol on some pages
    # ("in all its aspects A/RES/79/241", "A/RES/78/320  effective solution ...") and on a line of its own
    # under the title and the symbol on others ("in all its aspects"). A line among a page's first three,
    # in the head band, holding the symbol and the title's words is furniture with the lines above it, and
    # so are those words alone at another page's head. Left, the title's end joins the preamble, or the
    # word hyphenated at the page before's end ("drought-A/RES/78/320 effective solution ...").
    head_lines = [
        (number, i, " ".join(page.lines[i].text.split()))
        for number, page in enumerate(pages[1:], start=1)
        for i in range(min(3, len(page.lines)))
        if page.lines[i].bottom >= _bands(page)[0]
    ]
    titled = [(number, i, text) for number, i, text in head_lines if _is_titled_head(text, owned)]
    ends = {_title_words(text, owned) for _, _, text in titled}
    for number, i, _ in titled:
        out[number].update(range(i + 1))
    for number, i, text in head_lines:
        if text in ends:
            out[number].add(i)
    return out


def _title_words(text: str, own: set[str]) -> str:
    """The words of a titled head beside its symbol ("in all its aspects" of "in all its aspects A/RES/79/241")."""
    t = " ".join(text.split())
    for sm in g.parse_symbols(t):
        if sm.targets[0] in own and (sm.start == 0 or sm.end == len(t)):
            return (t[: sm.start] + t[sm.end :]).strip()
    return t


def _body_size(lines: list[Line]) -> float:
    sizes: Counter[float] = Counter()
    for line in lines:
        sizes[round(line.size, 1)] += len(line.text)
    return sizes.most_common(1)[0][0] if sizes else 0.0


def _note_area(lines: list[Line], body: float, continuing: bool = False) -> int:
    """Index of the first line of the footnote area at the foot (len(lines) when none).

    ``continuing``: the page before ended in notes, so small type at the top
    of the area, before the first note number, is the end of its last note.
    """
    start = len(lines)
    i = len(lines) - 1
    while i >= 0 and (lines[i].size < body * 0.95 or SEPARATOR_RE.match(lines[i].text.strip())):
        if SEPARATOR_RE.match(lines[i].text.strip()):
            return i
        i -= 1
    if i < len(lines) - 1:
        # No separator line: the area opens on a note number.
        for j in range(i + 1, len(lines)):
            if NOTE_START_RE.match(lines[j].text.strip()):
                start = j
                break
        if continuing and i + 1 < start and (i < 0 or lines[i].bottom - lines[i + 1].bottom > 0):
            start = i + 1
    return start


@dataclass(slots=True)
class _Builder:
    """Text with its page map, built piece by piece."""

    parts: list[str] = field(default_factory=list)
    length: int = 0
    page_map: list[tuple[int, int]] = field(default_factory=list)
    markers: list[tuple[int, int]] = field(default_factory=list)

    def add(self, text: str, page: int | None = None, line: Line | None = None, skip: int = 0) -> None:
        """Append ``text`` (``line.text[skip:]`` stripped when a line is given)."""
        if page is not None and (not self.page_map or self.page_map[-1][1] != page):
            if self.page_map and self.page_map[-1][0] == self.length:
                self.page_map[-1] = (self.length, page)
            else:
                self.page_map.append((self.length, page))
        if line is not None:
            for s, e in line.superscripts:
                if s >= skip:
                    self.markers.append((self.length + s - skip, self.length + e - skip))
        self.parts.append(text)
        self.length += len(text)

    def endswith(self, suffix: str) -> bool:
        return bool(self.parts) and "".join(self.parts[-3:]).endswith(suffix)

    def tail(self, n: int) -> str:
        return "".join(self.parts[-4:])[-n:]


def _joint(prev: str, nxt: str, vocabulary: set[str]) -> tuple[str, str]:
    """How two lines of one paragraph join: (text replacing prev's end, separator)."""
    if prev.endswith(("\xad", "\x02")) or (prev.endswith("\ufffe") and not prev[-2:-1].isalpha()):
        return prev[:-1], ""
    if prev.endswith("/") and nxt[:1].isalnum():
        return prev, ""  # "A/HRC/" + "14/15"
    if prev.endswith("\ufffe"):
        prev = prev[:-1] + "-"  # PDFium's mark of a hyphen at a line end
    if prev.endswith("-") and len(prev) >= 2 and prev[-2].isalpha() and nxt[:1].isalpha():
        head = re.search(r"(\w+)-$", prev)
        tailm = re.match(r"\w+", nxt)
        if head and tailm and (head.group(1) + tailm.group(0)).lower() in vocabulary:
            return prev[:-1], ""  # "Govern-" + "ment": the word is written whole elsewhere
        return prev, ""  # "fifty-" + "ninth", "Secretary-" + "General"
    return prev, " "


def compose(pages: list[Page]) -> Composed:
    """One text from positioned lines: see the module docstring."""
    furniture = _furniture(pages)
    removed = sum(len(f) for f in furniture)
    vocabulary = {w.lower() for page in pages for line in page.lines for w in re.findall(r"[A-Za-z]{4,}", line.text)}
    out = _Builder()
    notes: list[tuple[int, list[tuple[Line, int, int]]]] = []  # (page, [(line, skip, page)]) per note
    page_starts: list[int] = []
    prev: Line | None = None  # last body line written
    prev_margin = 0.0
    kept_pages = [
        [line for i, line in enumerate(page.lines) if i not in furniture[n] and line.text.strip()]
        for n, page in enumerate(pages)
    ]

    def above_separator(lines: list[Line]) -> list[Line]:
        cut = [i for i, line in enumerate(lines) if SEPARATOR_RE.match(line.text.strip())]
        return lines[: cut[-1]] if cut else lines

    # The body type of the whole document, measured above the footnote separators.
    body = _body_size([line for kept in kept_pages for line in above_separator(kept)])
    all_lefts = Counter(round(line.left) for kept in kept_pages for line in kept)
    doc_left = all_lefts.most_common(1)[0][0] if all_lefts else 0
    for number, kept in enumerate(kept_pages, start=1):
        area = _note_area(kept, body, continuing=bool(notes) and notes[-1][0] == number - 1) if body else len(kept)
        body_lines, note_lines = kept[:area], kept[area:]
        page_starts.append(out.length)
        if body_lines:
            rights = Counter(round(line.right / 3) * 3 for line in body_lines if len(line.text) > 40)
            right_margin = rights.most_common(1)[0][0] + 3 if rights else max(line.right for line in body_lines)
            lefts = Counter(round(line.left) for line in body_lines)
            # A page of a few lines says little of its margin: the document's then.
            left_margin = lefts.most_common(1)[0][0] if len(body_lines) >= 5 else doc_left
            steps = sorted(
                a.bottom - b.bottom for a, b in itertools.pairwise(body_lines) if a.bottom - b.bottom > 0
            )
            step = steps[len(steps) // 3] if steps else body * 1.2
        for k, line in enumerate(body_lines):
            text = line.text.strip()
            lead = len(line.text) - len(line.text.lstrip())
            if prev is None:
                out.add(text, number, line, lead)
                prev, prev_margin = line, right_margin
                continue
            same_page = k > 0
            prev_text = prev.text.rstrip()
            short = prev.right < prev_margin - max(30.0, 0.12 * (prev_margin - left_margin))
            new_item = bool(NEW_ITEM_RE.match(text))
            if same_page:
                gap = prev.bottom - line.bottom
                brk = (
                    gap > step * 1.3
                    or gap < -body  # went back up: another column or block
                    or abs(line.size - prev.size) > 0.15 * max(line.size, prev.size)
                    or short
                    or prev.left > left_margin + 60  # a centred or right-aligned line stands alone
                    or (new_item and prev_text.endswith((*SENTENCE_END, ",")))
                    or (
                        line.left > left_margin + 8
                        and prev.left <= left_margin + 8
                        and prev_text.endswith(SENTENCE_END)
                    )
                )
            else:
                brk = (
                    short
                    or new_item
                    # A list item ending ";" goes on over the page break; a sentence ends its paragraph.
                    or (prev_text.endswith(SENTENCE_END) and not prev_text.endswith(";") and not text[:1].islower())
                    # A resolution's paragraph opens on its verb ("Recalling", "Noting"); margins
                    # differ between facing pages, so indentation across a page break says little.
                    or (prev_text.endswith((",", ";")) and bool(CUE_LINE_RE.match(text)))
                )
            if brk:
                out.add("\n\n", number)
                out.add(text, number, line, lead)
            else:
                last = out.parts[-1]
                stripped = last.rstrip()
                replaced, sep = _joint(stripped, text, vocabulary)
                if replaced != last:
                    out.parts[-1] = replaced
                    out.length -= len(last) - len(replaced)
                    out.markers = [m for m in out.markers if m[1] <= out.length]
                out.add(sep, number)
                out.add(text, number, line, lead)
            prev, prev_margin = line, right_margin
        # Footnotes of this page: a note opens on its number; other lines continue the note before.
        for line in note_lines:
            text = line.text.strip()
            if SEPARATOR_RE.match(text):
                continue
            lead = len(line.text) - len(line.text.lstrip())
            if NOTE_START_RE.match(text) or not notes:
                notes.append((number, [(line, lead, number)]))
            else:
                notes[-1][1].append((line, lead, number))  # a note continued from the page before
    if notes:
        out.add("\n\n__________\n")
        for i, (page_no, note) in enumerate(notes):
            if i:
                out.add("\n")
            for j, (line, lead, line_page) in enumerate(note):
                text = line.text.strip()
                if j:
                    last = out.parts[-1]
                    replaced, sep = _joint(last.rstrip(), text, vocabulary)
                    if replaced != last:
                        out.parts[-1] = replaced
                        out.length -= len(last) - len(replaced)
                    out.add(sep, line_page)
                    out.add(text, line_page, line, lead)
                else:
                    # The note's own number is not a marker.
                    m = NOTE_START_RE.match(text)
                    line_marks = [(s, e) for s, e in line.superscripts if not (m and s - lead < m.end("num"))]
                    saved, line.superscripts = line.superscripts, line_marks
                    out.add(text, page_no, line, lead)
                    line.superscripts = saved
    out.add("\n")
    return Composed("".join(out.parts), tuple(out.page_map), tuple(page_starts), tuple(out.markers), removed)
