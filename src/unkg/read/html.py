"""HTML to text: headings, paragraphs, lists, tables and footnotes.

Block elements become paragraphs (a blank line between them); an ordered
list's items open on their number ("3. "), as a browser draws them; table
cells are separated by `` | ``; scripts, styles and the head are dropped.

Footnotes: a note reference (``<sup>2</sup>``, or a link to ``#fn2``,
``#_ftn2``, ``#footnote-2`` whose text is the number) is written glued to the
text and reported as a marker. The footnote area (an element whose id or
class names footnotes or endnotes, or ``role="doc-endnotes"``) is written
after a separator line, one note a line, each opening on its number; links
back to the text ("↩") are dropped.

Pages drawn line by line (the HTML of PDF converters such as Poppler's
``pdftohtml``: every line an absolutely positioned ``<p>`` or ``<div>`` with
its ``top`` and ``left``, in no particular order) are laid out as the eye
reads them: per page (an element whose id names a page, ``page3-div``,
``pf3``), lines top to bottom, the pieces of a line left to right; a blank
line where the gap above a line is wider than the page's usual line gap or
the type changes size (a heading over a table), so that paragraphs are told
apart as in a PDF's text; a form feed between pages. A number whose foot
stands above its line's (top plus type size: a superscript) is a marker.

Markup that browsers repair (unclosed ``<p>``, stray end tags) is read as
they would. A file that ends inside a tag or comment, or whose script or
style never closes, is refused: its end cannot be told from markup.
"""

from __future__ import annotations

import itertools
import re
from html.parser import HTMLParser

from unkg.errors import SourceError

BLOCKS = {
    "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "section", "article",
    "blockquote", "pre", "hr", "ol", "ul", "dd", "dt", "dl", "footer", "header", "aside", "main", "nav",
    "figure", "figcaption", "caption", "address", "center",
}  # fmt: skip
SKIP = {"script", "style", "head", "title", "noscript", "template"}
VOID = {"br", "hr", "img", "meta", "link", "input", "wbr", "area", "base", "col", "source", "track", "embed"}
NOTE_AREA_RE = re.compile(r"^(?:foot-?notes?|end-?notes?|_?ftn\d*|_?edn\d*|fns?|notes)$", re.IGNORECASE)
NOTE_AREA_TAGS = {"div", "section", "aside", "ol", "ul", "footer", "dl"}
NOTE_LINK_RE = re.compile(r"#(?:_?ftn|fn|footnote|endnote|_edn|note)[-_:]?(?P<num>\d{1,3})$", re.IGNORECASE)
BACKLINK_RE = re.compile(r"#(?:_?ftnref|fnref|footnote-ref|ref|_ednref)", re.IGNORECASE)
SEPARATOR = "__________"


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.length = 0
        self.skip = 0
        self.skip_tag: str | None = None
        self.stack: list[str] = []  # open elements (for ol counters and note areas)
        self.lists: list[list[int]] = []  # [counter] per open ol/ul (-1 for ul)
        self.note_depth: int | None = None  # stack depth of the open footnote area
        self.sup = 0
        self.link: str | None = None  # href of the open <a>
        self.link_text: list[str] = []
        self.backlink = 0
        self.lang: str | None = None
        self.title: list[str] = []
        self.in_title = False
        self.in_cell = False
        self.page = 0  # pages of a positioned layout, counted by their elements
        self.placed: list[str] = []  # tags of the open positioned elements
        self.page_mode = False  # a positioned element was seen: the page is drawn line by line
        self.fonts = _Fonts()  # font size and line height of each class of a positioned layout
        self.page_number = 0  # the number a page's element names ("page3-div"), else its count

    # -- writing
    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def block(self) -> None:
        self.write("\n\n")

    def marker(self, number: str) -> None:
        # A note reference is glued to the word before it.
        while self.parts and self.parts[-1] in (" ",):
            self.parts.pop()
            self.length -= 1
        self.write(f"{MARK_OPEN}{number}{MARK_CLOSE}")

    # -- parsing
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.lang = a["lang"]
        if tag == "title":
            self.in_title = True
        if self.skip and self.skip_tag == "head" and (tag == "body" or tag in BLOCKS):
            self.skip, self.skip_tag = 0, None  # </head> may be left out: the body ends the head
        if self.skip:
            if tag == self.skip_tag:
                self.skip += 1
            return
        if tag in SKIP and tag != "title":
            self.skip, self.skip_tag = 1, tag
            return
        if tag not in VOID:
            self.stack.append(tag)
        page_id = PAGE_ID_RE.match(a.get("id", ""))
        if page_id:
            self.page += 1
            self.page_number = int(page_id.group("n")) if page_id.group("n") else self.page
        place = POSITION_RE.search(a.get("style", "")) if tag in ("p", "div", "span") else None
        if place and self.note_depth is None:
            size, height = self.fonts.of(a.get("class", "").split()[0] if a.get("class") else "", self.page_number)
            self.write(
                f"{PLACE_OPEN}{self.page}:{place.group('top')}:{place.group('left')}:{size}:{height}{PLACE_CLOSE}"
            )
            self.placed.append(tag)
            self.page_mode = True
            return
        if self.note_depth is None and tag in NOTE_AREA_TAGS and (
            NOTE_AREA_RE.match(a.get("id", "")) or any(NOTE_AREA_RE.match(c) for c in a.get("class", "").split())
            or a.get("role") in ("doc-endnotes", "doc-footnotes")
        ):  # fmt: skip
            self.note_depth = len(self.stack) if tag not in VOID else len(self.stack) + 1
            self.write(f"\n\n{SEPARATOR}\n")
        if tag in ("ol", "ul"):
            start = a.get("start", "1")
            self.lists.append([int(start) - 1 if start.isdigit() else 0] if tag == "ol" else [-1])
        if tag == "br":
            self.write("\n")  # a line break inside a paragraph, not a new paragraph
        if tag in BLOCKS:
            if self.note_depth is not None:
                if not "".join(self.parts[-3:]).rstrip(" ").endswith("\n"):
                    self.write("\n")
            elif tag in ("td", "th"):
                pass
            else:
                self.block()
        if tag in ("td", "th"):
            if self.in_cell:
                self.write(" | ")
            self.in_cell = True
        if tag == "tr":
            self.in_cell = False
        if tag == "li" and self.lists and self.lists[-1][0] >= 0:
            self.lists[-1][0] += 1
            number = self.lists[-1][0]
            self.write(f"{number} " if self.note_depth is not None else f"{number}. ")
        elif tag == "li" and self.lists:
            self.write("• ")
        if tag == "sup":
            self.sup += 1
        if tag == "a":
            href = a.get("href", "")
            if BACKLINK_RE.search(href) and self.note_depth is not None and self.parts and not self._line_has_number():
                self.link, self.link_text = href, []  # "[1]" opening a note: its number
            elif BACKLINK_RE.search(href) and self.note_depth is not None:
                self.backlink += 1
            else:
                self.link, self.link_text = href, []

    def _line_has_number(self) -> bool:
        line = "".join(self.parts[-6:]).rsplit("\n", 1)[-1]
        return bool(line.strip())

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if self.skip:
            if tag == self.skip_tag:
                self.skip -= 1
            return
        if tag == "a":
            if self.backlink:
                self.backlink -= 1
                return
            if self.link is not None:
                text = "".join(self.link_text).strip().strip("[]()")
                m = NOTE_LINK_RE.search(self.link)
                if self.note_depth is not None and BACKLINK_RE.search(self.link) and text.isdigit():
                    self.write(f"{text} ")  # the note's own number
                elif m and text.isdigit() and self.note_depth is None:
                    self.marker(text)
                elif text and not (self.note_depth is not None and text in ("↩", "↑", "^")):
                    self.data("".join(self.link_text), force=True)
                self.link = None
            return
        if tag == "sup":
            self.sup = max(0, self.sup - 1)
        if self.placed and tag == self.placed[-1]:
            self.placed.pop()
            while self.stack:
                if self.stack.pop() == tag:
                    break
            return
        if tag in ("ol", "ul") and self.lists:
            self.lists.pop()
        if tag in BLOCKS and tag not in ("td", "th") and self.note_depth is None:
            self.block()
        if tag in self.stack:
            while self.stack:
                top = self.stack.pop()
                if self.note_depth is not None and len(self.stack) < self.note_depth:
                    self.note_depth = None
                    self.block()
                if top == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title.append(data)
        if self.skip:
            return
        if self.link is not None:
            self.link_text.append(data)
            return
        if self.backlink:
            return
        self.data(data)

    def data(self, data: str, force: bool = False) -> None:
        text = re.sub(r"\s+", " ", data)
        if not text:
            return
        if self.page_mode and not self.placed:
            return  # a positioned page's text is in its placed lines; what stands between them is navigation
        if self.sup and text.strip().isdigit() and self.note_depth is None and not force:
            self.marker(text.strip())
            return
        self.write(text)


MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"  # private-use sentinels around a marker while the text is tidied
PLACE_OPEN, PLACE_CLOSE = "\ue002", "\ue003"  # around "page:top:left:size" of a positioned element
POSITION_RE = re.compile(
    r"position\s*:\s*absolute\b(?=.*?\btop\s*:\s*(?P<top>-?\d+(?:\.\d+)?)px)(?=.*?\bleft\s*:\s*(?P<left>-?\d+(?:\.\d+)?)px)",
    re.IGNORECASE,
)
PAGE_ID_RE = re.compile(r"^(?:page(?P<n>\d+)(?:-div)?|pf[0-9a-f]+)$", re.IGNORECASE)
RAISED_NUMBER_RE = re.compile(r"(\d{1,3})(?:\s|$)")
FONT_CLASS_RE = re.compile(r"\.([\w-]+)\s*\{([^}]*?font-size\s*:\s*(\d+(?:\.\d+)?)px[^}]*)\}")
LINE_HEIGHT_RE = re.compile(r"line-height\s*:\s*(\d+(?:\.\d+)?)px")
SIZE_CHANGE = 0.15  # lines whose type sizes differ by more than this part are not one paragraph's


class _Fonts:
    """Font size and line height (px) of the classes of a positioned layout.

    ``pdftohtml -s`` numbers its fonts through the document but names a font's class after the page
    that uses it and the font's number ("ft3" + "15" on page 3), and writes the class's style only on
    the page that used the font first (".ft215" on page 2): a class not defined is looked up by the
    font's number, the part of its name after the page's.
    """

    def __init__(self, markup: str = "") -> None:
        self.classes: dict[str, tuple[float, float]] = {}
        self.numbered: dict[int, tuple[float, float]] = {}  # pdftohtml's font number -> its style
        if "font-size" not in markup:
            return
        for i, m in enumerate(FONT_CLASS_RE.finditer(markup)):
            height = LINE_HEIGHT_RE.search(m.group(2))
            style = (float(m.group(3)), float(height.group(1)) if height else 0.0)
            self.classes[m.group(1)] = style
            if m.group(1).startswith("ft") and m.group(1).endswith(str(i)):
                self.numbered[i] = style  # the i-th font defined is pdftohtml's font i

    def of(self, name: str, page: int) -> tuple[float, float]:
        """(size, line height) of class ``name`` on page ``page``; 0 for what is not told."""
        prefix = f"ft{page}"
        if name.startswith(prefix) and name[len(prefix) :].isdigit() and int(name[len(prefix) :]) in self.numbered:
            return self.numbered[int(name[len(prefix) :])]  # before the classes: "ft315" on page 3 is font 15
        return self.classes.get(name, (0.0, 0.0))


def _laid_out(raw: str) -> str:
    """The text of a positioned layout: the pieces between place sentinels read line by line, per page."""
    head, *rest = raw.split(PLACE_OPEN)
    pages: dict[int, list[tuple[float, float, float, float, str]]] = {}
    tail: list[str] = [head]
    for piece in rest:
        place, _, text = piece.partition(PLACE_CLOSE)
        page, top, left, size, height = place.split(":")
        pages.setdefault(int(page), []).append(
            (float(top), float(left), float(size), float(height), text.replace("\n\n", "\n"))
        )
    out: list[str] = []
    for page in sorted(pages):
        # A block of several lines (joined by <br/>) is placed by its first line; the others follow a line
        # height down (the class's, else 1.2 times its font size; 16 px when the class's size is not told).
        items = sorted(
            (top + k * (height or 1.2 * (size or 16.0)), left, size, line)
            for top, left, size, height, text in pages[page]
            for k, line in enumerate(text.split("\n"))
        )
        lines: list[list[tuple[float, float, float, str]]] = []
        for item in items:
            if not item[3].strip():
                continue
            line = lines[-1] if lines else None
            height = max([i[2] for i in line] + [item[2]]) if line else item[2]
            if line and item[0] - line[0][0] <= max(5.0, 0.5 * height):
                line.append(item)
            else:
                lines.append([item])
        tops = [line[0][0] for line in lines]
        gaps = sorted(b - a for a, b in itertools.pairwise(tops) if b > a)
        usual = gaps[len(gaps) // 2] if gaps else 0.0
        previous = None
        previous_size = 0.0
        for line in lines:
            pieces = sorted(line, key=lambda i: i[1])
            # The line's type is its largest (a marker's smaller type never sets it); its words stand on
            # the lowest bottom of its pieces (top plus type size), and a number whose bottom stands
            # higher is set as a superscript: a note's marker.
            line_size = max(i[2] for i in pieces)
            bottom = max(i[0] + (i[2] or 16.0) for i in pieces)
            words = ""
            reach = 0.0  # where the words so far end, roughly (half an em a character)
            for top, left, size, piece in pieces:
                piece = piece.strip()
                raised = (
                    RAISED_NUMBER_RE.match(piece)
                    if words and top + (size or 16.0) < bottom - max(1.5, 0.1 * line_size)
                    else None
                )
                if raised:  # a note's marker, set higher than the words it follows
                    piece = f"{MARK_OPEN}{raised.group(1)}{MARK_CLOSE}{piece[raised.end(1):]}"
                    words += piece
                else:  # a wide gap is a column's: a running head's symbol and title, a table's cells
                    gap = "\t" if words and left - reach > 3 * (size or 16.0) else " "
                    words += (gap if words else "") + piece
                reach = max(reach, left + 0.5 * (size or 16.0) * len(piece))
            if previous is not None:
                wide = usual and line[0][0] - previous > 1.5 * usual
                # a change of type ends a paragraph too: a heading over a table, a table over the text
                resized = (
                    line_size
                    and previous_size
                    and abs(line_size - previous_size) > SIZE_CHANGE * max(line_size, previous_size)
                )
                out.append("\n\n" if wide or resized else "\n")
            out.append(words)
            previous, previous_size = line[0][0], line_size
        out.append("\n\f")
    return "".join(tail) + "\n\n" + "".join(out)


def _tidy(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Collapse spaces and blank runs; take the markers' places from their sentinels."""
    text = re.sub(r" {2,}", " ", raw)
    text = re.sub(r"[ \t]*\n[ \t\n]*", lambda m: "\n\n" if m.group(0).count("\n") >= 2 else "\n", text)
    text = text.strip() + "\n"
    out: list[str] = []
    markers: list[tuple[int, int]] = []
    length = 0
    for piece in re.split(f"({MARK_OPEN}[^{MARK_CLOSE}]*{MARK_CLOSE})", text):
        if piece.startswith(MARK_OPEN):
            number = piece[1:-1]
            markers.append((length, length + len(number)))
            piece = number
        out.append(piece)
        length += len(piece)
    return "".join(out), tuple(markers)


def read_html(markup: str, path: str = "<html>") -> tuple[str, tuple[tuple[int, int], ...], dict[str, str]]:
    """(text, footnote markers, metadata) of an HTML page. Raises SourceError on broken markup."""
    reader = _Reader()
    reader.fonts = _Fonts(markup)
    reader.feed(markup)
    rest = reader.rawdata  # what the parser could not finish: the file ends inside markup
    if rest.lstrip().startswith("<"):
        line = markup.count("\n", 0, len(markup) - len(rest)) + 1
        what = "comment" if rest.lstrip().startswith("<!--") else "tag"
        raise SourceError(path, f"broken HTML: the file ends inside a {what} (line {line}: {rest.strip()[:40]!r})")
    if reader.skip:
        raise SourceError(path, f"broken HTML: <{reader.skip_tag}> is never closed")
    reader.close()
    raw = "".join(reader.parts).replace(MARK_OPEN + MARK_CLOSE, "")
    if PLACE_OPEN in raw:
        raw = _laid_out(raw)
    text, markers = _tidy(raw)
    if not text.strip():
        raise SourceError(path, "HTML page has no text")
    metadata: dict[str, str] = {}
    if reader.lang:
        metadata["language"] = reader.lang
    title = " ".join("".join(reader.title).split())
    if title:
        metadata["title"] = title
    return text, markers, metadata
