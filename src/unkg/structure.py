"""Document structure of a plain text: identity, furniture, paragraphs,
footnotes and their markers.

``parse(source)`` is a pure function from a decoded :class:`Source` to a
:class:`Document`. It never looks for citations; it says where the text's
parts are so that the citation finders can tell a body paragraph from a
footnote, a running head from a reference, and which verb opens a paragraph.
"""

from __future__ import annotations

import bisect
import collections
import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from unkg import grammar as g
from unkg.cues import Cues
from unkg.models import Document, Footnote, Marker, Paragraph, Source

# --------------------------------------------------------------------------
# Page furniture.
ODS_TAG_RE = re.compile(
    r"<<ODS [A-Z ]{1,20}\d?>>[^<\n]{0,200}?<<ODS [A-Z ]{1,20}\d?>>|<<ODS [A-Z ]{1,20}\d?>>|\[DU\d{1,3}\]"
)
# Found by its hyphen (a literal the engine finds fast); the two digits
# before it are checked in Python (``_job_number_at``).
JOB_NUMBER_RE = re.compile(r"-\d{5}(?:\s?\([A-Z]\))?(?:\s{1,20}\d{6})?(?![\w/])")
BARCODE_RE = re.compile(r"\*\d{7,9}\*")  # "*1816895*" (the glyph form in a private-use font holds no citation)
# (A number over a year in brackets is a Security Council resolution's, that PyMuPDF's text of a justified line
# sets word by word: "resolution \n1373 \n(2001) \nconcerning", A/RES/79/129.)
PAGE_LINE_RE = re.compile(
    r"(?m)^[ \t\f]*(?:\d{1,4}(?:/\d{1,4})?|-\s?\d{1,4}\s?-|Page \d{1,4})[ \t]*$(?!\n[ \t]*\((?:19|20)\d\d\))"
)
SEPARATOR_LINE_RE = re.compile(r"(?m)^[ \t\f]*(?:_{5,}|-{5,}|\*{3,})[ \t]*$")
ODS_SYMBOL_RE = re.compile(r"<<ODS DOC SYMBOL1>>(?P<sym>[^<\n]{1,80})<<ODS DOC SYMBOL1>>")

# --------------------------------------------------------------------------
# Identity.
PRESS_RELEASE_RE = re.compile(
    r"(?:full\s+)?text\s+of\s+(?:the\s+)?(?P<what>resolution|decision|statement)\s+(?P<item>\S{1,20}(?:\s\(\d{4}\))?)\s+reads\s+as\s+follows"
)
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
# The heading of a Security Council resolution, alone on its line, in the forms of each era:
#   "187 (1964). Resolution of 13 March 1964"   1946-1964, the Council's collected volumes
#   "1 (1946) Resolution of 25 January 1946"    the same without its full stop
#   "Resolution 477 (1980) of 30 July 1980"     1965-1993, the date on the heading or on the next line
#   "RESOLUTION 796 (1992)"                     1990-1994, the resolution as issued
#   "Resolution 1755 (2007)"                    today, with "Adopted by the Security Council ..." below
# The year in brackets is what the OCR damages ("(197-4)", "(1973)" for 1978, "(208)"): it is read
# loosely here and checked against the adoption date in ``_sc_heading_symbol``.
SC_HEADING_RE = re.compile(
    r"(?m)^[ \t\"“]*(?:"
    r"(?P<num>\d{1,4})\s?\((?P<year>\d{4})\)\.?[ \t]+Resolution\s+of"
    rf"|(?:Resolution|RESOLUTION)\s+(?P<num2>\d{{1,4}})(?:\s?\((?P<year2>\d[\d -]{{1,5}}\d)\))?(?:\s{{1,4}}of)?"
    r")"
    rf"(?:\s{{1,4}}\d{{1,2}}\s+{MONTH}\s+(?P<dated>(?:19|20)\d\d))?"
    r"(?:[ \t]+\d{1,3})?[ \t]*$"  # a footnote marker may close it: "6 (1946). Resolution of 17 May 1946 21"
)
# Under a heading of the collected volumes, the symbol the text was issued under: "[S/5603]". It is
# another name of the document itself, not a citation.
# The OCR gives its closing bracket as "}" too ("[S/1234}").
ISSUED_AS_RE = re.compile(r"[ \t]*\n[ \t]*\[(?P<sym>S/\d{1,5}(?:/Rev\.\d)?)[\]}]{1,2}[ \t]*(?=\n|$)")
ADOPTED_SC_RE = re.compile(
    r"Adopted\s+(?:unanimously\s+)?by\s+the\s+Security\s+Council\s+at\s+its\s+\d{1,5}\w{2}\s+meeting,\s+on\s+\d{1,2}\s+[A-Z][a-z]+\s+(?P<year>(?:19|20)\d\d)"
)
ADOPTED_BY_RE = re.compile(
    r"(?P<act>Resolution|Decision)\s+adopted\s+by\s+the\s+(?P<organ>General\s+Assembly|Human\s+Rights\s+Council|Economic\s+and\s+Social\s+Council|Commission\s+on\s+Human\s+Rights|Security\s+Council)"
)
ACT_NUMBER_LINE_RE = re.compile(r"(?m)^[ \t]*(?P<num>(?:(?:E?S-)?\d{1,2}|(?:19|20)\d\d)/\d{1,4})(?:\.[ \t]+\S|[ \t]*$)")
MASTHEAD_RE = re.compile(rf"United\s+Nations[ \t]+{g.SYMBOL}[ \t]*(?:\n|$)")
# "The General Assembly," alone on its line opens a resolution's text. Matched where its cue words stand
# (``find_opening``: "The Sub-Commission" ends on a word's end, as ``\b`` says), the start of the line
# checked there.
OPENING_RE = re.compile(
    r"(?m)The\s+(?P<organ>General\s+Assembly|Security\s+Council|Human\s+Rights\s+Council|Economic\s+and\s+Social\s+Council|Commission\s+on\s+Human\s+Rights|Sub-Commission\b[\w ,]{0,80}?)\s*,?[ \t]*$"
)


# The symbol of a resolution: "A/RES/79/214", "S/RES/796(1992)", "A/HRC/RES/7/16", "E/CN.4/RES/2005/47".
RESOLUTION_SYMBOL_RE = re.compile(r"/RES/")


# The cue words (``unkg.cues``) an OPENING_RE match opens on.
OPENING_CUES = (
    "The General Assembly",
    "The Security Council",
    "The Human Rights Council",
    "The Economic and Social Council",
    "The Commission on Human Rights",
    "The Sub-Commission",
)


def find_opening(text: str, cues: Cues | None = None) -> re.Match[str] | None:
    """The line that opens a resolution's text, if there is one (matched where its cue words stand)."""
    cues = Cues(text) if cues is None else cues
    found = [at for word in OPENING_CUES if (at := cues.positions(word))]
    for pos in sorted(p for at in found for p in at) if found else ():
        m = OPENING_RE.match(text, pos)
        if m:
            line_start = text.rfind("\n", 0, pos) + 1
            if not text[line_start:pos].strip(' \t\f“"'):
                return m
    return None


ORGAN_BY_NAME = {
    "general assembly": g.GA,
    "security council": g.SC,
    "human rights council": g.HRC,
    "economic and social council": g.ECOSOC,
    "commission on human rights": g.CHR,
}


def _job_number_at(text: str, hyphen: int) -> int | None:
    """Start of the job number whose hyphen is at ``hyphen`` ("06-50433",
    "GE.10-12049"), or None when the digits are part of something else."""
    start = hyphen - 2
    if start < 0 or not text[start:hyphen].isdigit():
        return None
    if start >= 3 and text[start - 3 : start] == "GE.":
        return start - 3
    if start and (text[start - 1].isalnum() or text[start - 1] in "/-."):
        return None
    return start


def organ_of_symbol(symbol: str | None) -> str | None:
    """The organ a document belongs to, from its own symbol."""
    if not symbol:
        return None
    if symbol.startswith("A/HRC/"):
        return g.HRC
    if symbol.startswith("A/"):
        return g.GA
    if symbol.startswith("S/"):
        return g.SC
    if symbol.startswith(("E/CN.4/Sub.2/", "E/CN.4/SUB.2/")):
        return g.SUBCOM
    if symbol.startswith("E/CN.4/"):
        return g.CHR
    if symbol.startswith("E/"):
        return g.ECOSOC
    return None


def _organ_key(name: str) -> str | None:
    name = " ".join(name.split()).lower()
    if name.startswith("sub-commission"):
        return g.SUBCOM
    return ORGAN_BY_NAME.get(name)


# A line of page furniture next to a running head: a page number ("2/9", "14") or a job number
# ("24-24343", "GE.19-14870(E)"), alone on its line.
# (A table's empty cells may stand around it: a Word rendering of the page draws head and foot as tables.)
_PAGE_MARK = r"(?:\d{1,3}/\d{1,3}|\d{1,3}|(?:GE\.)?\d\d-\d{5}(?:\s?\([A-Z]\))?|\*\d{7,8}\*)"
PAGE_MARK_LINE_RE = re.compile(rf"[ \t\f|]*{_PAGE_MARK}(?:[ \t|]+{_PAGE_MARK})?[ \t|]*$")  # "24-23498 <tab> 3/7"
# The same, matched from a line's start without its end found first (a line may be a paragraph long).
_IN_LINE_MARK = _PAGE_MARK.replace(r"\s?", r"[^\S\n]?")
PAGE_MARK_LINE_AT_RE = re.compile(rf"[ \t\f|]*{_IN_LINE_MARK}(?:[ \t|]+{_IN_LINE_MARK})?[ \t|]*(?=\n|\Z)")
# Every character a page mark line holds besides white space ("GE." the only full stop; "(E)" a capital).
_PAGE_MARK_CHARS = frozenset("0123456789/-()*|.ABCDEFGHIJKLMNOPQRSTUVWXYZ")
CELL_END_RE = re.compile(r"[ \t]*(?:\||$)|[ \t]{2,}|[ ]?\t")  # a table cell's end, or a layout's column gap
# A running head is a few short lines: the symbol and the title (or a shortened one).
HEAD_MAX_LINES = 6
HEAD_MAX_CHARS = 600
HEAD_TITLE_CHARS = 120  # a running title beside the symbol on the same line


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    end = text.find("\n", pos)
    return text.rfind("\n", 0, pos) + 1, len(text) if end < 0 else end


def page_heads(
    text: str, symbols: list[g.SymbolMatch], page_starts: tuple[int, ...] = ()
) -> list[tuple[str, tuple[int, int]]]:
    """Running heads: (symbol, span) of each block of lines that holds a symbol alone on its line
    next to a page or job number (the line after the block, or before it, blank lines skipped).

    In PyMuPDF's text of an ODS PDF the head of each page is the symbol and the resolution's title
    ("A/RES/79/214 / Implementation of the outcomes ... (UN-Habitat) / 24-24343 / 2/9", or the title
    first on odd pages); the whole block is furniture, so the title repeated on every page ("... United
    Nations Convention against Corruption") is not cited again.
    """
    heads: list[tuple[str, tuple[int, int]]] = []
    # where pdftotext's pages start, after its form feeds, when the reader told none
    feeds = [m.end() for m in re.finditer("\f", text)] if not page_starts and "\f" in text else []
    for sm in symbols:
        start, end = _line_bounds(text, sm.start)
        if page_starts and CELL_END_RE.match(text, sm.end, end):
            # a PDF reader may run a page's head into the last line of the page before ("... Illicit Maritime
            # Questions in Central Africa A/RES/79/68"): from the page's start to the symbol, a short title
            page = page_starts[max(0, bisect.bisect_right(page_starts, sm.start) - 1)]
            if start < page < sm.start and sm.start - page <= HEAD_TITLE_CHARS and "\n" not in text[page : sm.start]:
                heads.append((sm.targets[0], (page, end)))
                continue
            # or the symbol first and the title after a column gap ("... reasonable grounds to A/RES/78/29
            # Weapons and on Their Destruction"): from the symbol to the line's end, a short title
            if start < page == sm.start and end - sm.end <= HEAD_TITLE_CHARS:
                heads.append((sm.targets[0], (page, end)))
                continue
        # alone on its line, or in a table cell of its own ("A/RES/79/129 | Measures to eliminate ...")
        gap = text[start : sm.start].endswith(("  ", "\t"))
        before = text[start : sm.start].rstrip(" \t")
        if (before.strip(" \t\f|") and not (before.endswith("|") or gap)) or not CELL_END_RE.match(text, sm.end, end):
            continue
        lines = 1
        while start > 0 and lines <= HEAD_MAX_LINES:  # up to the blank line above
            above, _ = _line_bounds(text, start - 1)
            if not text[above : start - 1].strip():
                break
            start, lines = above, lines + 1
        while end < len(text) and lines <= HEAD_MAX_LINES:  # down to the blank line below
            _, below = _line_bounds(text, end + 1)
            if not text[end + 1 : below].strip():
                break
            end, lines = below, lines + 1
        if lines > HEAD_MAX_LINES or end - start > HEAD_MAX_CHARS:
            start, end = _line_bounds(text, sm.start)
        # a page's first lines, where the reader told the pages (a PDF's text keeps no page number to look for)
        first_lines = (
            bool(page_starts) and 0 <= start - page_starts[max(0, bisect.bisect_right(page_starts, start) - 1)] <= 3
        ) or (bool(feeds) and _title_above(text, feeds[max(0, bisect.bisect_right(feeds, start) - 1)], start))
        if first_lines or _page_mark_near(text, start, end):
            heads.append((sm.targets[0], (start, end)))
    heads = _with_neighbour_blocks(text, symbols, heads)
    return heads + _repeated_heads(text, symbols, {span for _, span in heads})


def _title_above(text: str, page: int, start: int) -> bool:
    """Whether the line at ``start`` opens a page after pdftotext's form feed ("\\fA/RES/78/241"), or one
    block of a head's size, the running title, is all that stands between them ("\\fImplementation of the
    Convention on the Prohibition of the / ... / Weapons and on Their Destruction / (blank) / A/RES/78/29"),
    a paragraph's number that pdftotext sets before the symbol aside ("... Destruction / 11. / A/RES/80/34 /
    Recalls:")."""
    if not 0 < page <= start or text[page - 1] != "\f":
        return False
    blocks = [b for b in BLANK_RE.split(text[page:start].strip()) if b and not _LONE_PARAGRAPH_NUMBER_RE.fullmatch(b)]
    if not blocks:
        return True
    return len(blocks) == 1 and blocks[0].count("\n") < HEAD_MAX_LINES and len(blocks[0]) <= HEAD_MAX_CHARS


_LONE_PARAGRAPH_NUMBER_RE = re.compile(r"[ \t]*\d{1,3}\.[ \t]*")


def _block_at(text: str, pos: int, step: int, whole: bool = True) -> tuple[int, int] | None:
    """The block of non-blank lines next to ``pos`` (above with ``step`` -1, below with 1), blank lines
    skipped; when it is longer than a head's block, None (``whole``) or its lines nearest ``pos``."""
    while (
        0 < pos < len(text) and not text[_line_bounds(text, pos + step)[0] : _line_bounds(text, pos + step)[1]].strip()
    ):
        pos = _line_bounds(text, pos + step)[0 if step < 0 else 1]
    if not 0 < pos < len(text):
        return None
    start, end = _line_bounds(text, pos + step)
    lines = 1
    while lines <= HEAD_MAX_LINES:
        a, b = _line_bounds(text, (start - 1) if step < 0 else (end + 1))
        if not (start > 0 if step < 0 else end < len(text)) or not text[a:b].strip():
            break
        start, end, lines = min(start, a), max(end, b), lines + 1
    return None if whole and (lines > HEAD_MAX_LINES or end - start > HEAD_MAX_CHARS) else (start, end)


def _with_neighbour_blocks(
    text: str, symbols: list[g.SymbolMatch], heads: list[tuple[str, tuple[int, int]]]
) -> list[tuple[str, tuple[int, int]]]:
    """Heads grown by the blocks around them that are page furniture too, a blank line between.

    pdftotext's text sets each line of a page's head apart ("4/12", "23-20100", the title's two lines,
    "A/RES/78/1"): the page or job numbers next to a head are part of it, and so is a block that stands
    next to two heads or more of the same symbol (the running title)."""
    if len(heads) < 2:
        return heads
    seen: dict[tuple[str, str], set[tuple[int, int]]] = {}  # the blocks of each text: two heads may share one
    for target, (start, end) in heads:
        for step in (-1, 1):
            block = _block_at(text, start if step < 0 else end, step)
            if block is not None:
                key = (target, " ".join(text[block[0] : block[1]].split()))
                seen.setdefault(key, set()).add(block)
    per_symbol = collections.Counter(target for target, _ in heads)
    # beside half the heads of its symbol or more (a running title repeats on every page or every other one;
    # a form's box repeated on a few pages of an annex is no title)
    titles = {key for key, blocks in seen.items() if len(blocks) > 1 and 2 * len(blocks) >= per_symbol[key[0]]}
    known = {span[0] for _, span in heads}
    for sm in symbols:  # a symbol alone on its line beside the running title, its page number further off
        start, end = _line_bounds(text, sm.start)
        if start in known or text[start:end].strip(" \t\f") != text[sm.start : sm.end]:
            continue
        for step in (-1, 1):
            block = _block_at(text, start if step < 0 else end, step)
            if block is not None and (sm.targets[0], " ".join(text[block[0] : block[1]].split())) in titles:
                heads = [*heads, (sm.targets[0], (start, end))]
                break
    grown: list[tuple[str, tuple[int, int]]] = []
    for target, (start, end) in heads:
        for step in (-1, 1):
            for _ in range(4):
                block = _block_at(text, start if step < 0 else end, step, whole=False)
                if block is None:
                    break
                a, b = block
                if (target, " ".join(text[a:b].split())) in titles:
                    start, end = min(start, a), max(end, b)
                    continue
                lines = _line_starts(text, a, b)
                marks = 0  # the page-number lines on the head's side of the block
                for x in lines[::step]:
                    if not PAGE_MARK_LINE_RE.match(text, *_line_bounds(text, x)):
                        break
                    marks += 1
                if not marks:
                    break
                near = lines[::step][marks - 1]
                if step < 0:
                    start = min(start, near)
                else:
                    end = max(end, _line_bounds(text, near)[1])
                if marks < len(lines):
                    break
        grown.append((target, (start, end)))
    return grown


def _line_starts(text: str, start: int, end: int) -> list[int]:
    out = [start]
    pos = text.find("\n", start, end)
    while pos >= 0:
        out.append(pos + 1)
        pos = text.find("\n", pos + 1, end)
    return out


def _repeated_heads(
    text: str, symbols: list[g.SymbolMatch], known: set[tuple[int, int]]
) -> list[tuple[str, tuple[int, int]]]:
    """Running heads that a reader ran into the last line of the page before, told by their repeating.

    Where the text keeps neither page numbers nor page starts (PDFium's text, once read back as plain
    text), an even page's head is the symbol, a column gap and the title's last line ("... grounds to
    A/RES/78/29  Weapons and on Their Destruction"), an odd page's the title and the symbol ("... the
    Weapons and on Their Destruction A/RES/78/29"). The same symbol and title at a line's end twice or
    more are a head; the title is then a head before the symbol too.
    """
    if not symbols:
        return []
    after: dict[tuple[str, str], list[tuple[int, int]]] = {}
    ends: list[tuple[g.SymbolMatch, int]] = []
    for sm in symbols:
        _, end = _line_bounds(text, sm.start)
        gap = CELL_END_RE.match(text, sm.end, end)
        title = text[sm.end : end].strip(" \t")
        if gap and gap.end() > sm.end and title and end - sm.end <= HEAD_TITLE_CHARS and "|" not in title:
            after.setdefault((sm.targets[0], title), []).append((sm.start, end))
        elif not text[sm.end : end].strip():
            ends.append((sm, end))
    titles = {key for key, spans in after.items() if len(spans) > 1}
    heads = [(key[0], span) for key in titles for span in after[key] if span not in known]
    for sm, end in ends:
        for target, title in titles:
            start = sm.start - len(title) - 1
            if target == sm.targets[0] and text.startswith(title, start) and (start, end) not in known:
                heads.append((target, (start, end)))
    return heads + _first_title_lines(text, heads)


def _first_title_lines(text: str, heads: list[tuple[str, tuple[int, int]]]) -> list[tuple[str, tuple[int, int]]]:
    """The first line of a title of two, above the heads ``_repeated_heads`` found: a line that stands whole
    above two of them or more ("Further Implementation of the Programme of Action for the"), and the same
    words that close the line above another (run into the last body line of the page before)."""
    if not heads:
        return []
    above: list[tuple[str, int, int]] = []
    for target, (start, _) in heads:
        block = _block_at(text, start, -1, whole=False)
        if block is not None:
            a, b = _line_bounds(text, block[1])
            above.append((target, a, a + len(text[a:b].rstrip())))
    whole = collections.Counter((target, text[a:b].strip()) for target, a, b in above)
    firsts = {key for key, n in whole.items() if n > 1 and len(key[1]) <= HEAD_TITLE_CHARS}
    out = []
    for target, a, b in above:
        for head_target, first in firsts:
            start = b - len(first)
            lone = start == a or (start > a and text[start - 1] in " \t\f")  # the line, or its last words
            if head_target == target and lone and text.startswith(first, start):
                out.append((target, (start, b)))
    return out


def _page_mark_near(text: str, start: int, end: int) -> bool:
    """True when a page or job number stands on one of the two non-blank lines after ``end`` or
    before ``start``, or inside the block."""
    seen = 0
    pos = end
    while seen < 2 and pos < len(text):  # the lines after
        a, b = _line_bounds(text, pos + 1)
        if text[a:b].strip():
            seen += 1
            if PAGE_MARK_LINE_RE.match(text, a, b):
                return True
        pos = b
    seen = 0
    pos = start
    while seen < 2 and pos > 0:  # the lines before
        a, b = _line_bounds(text, pos - 1)
        if text[a:b].strip():
            seen += 1
            if PAGE_MARK_LINE_RE.match(text, a, b):
                return True
        pos = a
    a = start
    while a < end:  # inside
        _, b = _line_bounds(text, a)
        if PAGE_MARK_LINE_RE.match(text, a, b):
            return True
        a = b + 1
    return False


def find_own_symbol(text: str, symbols: list[g.SymbolMatch] | None = None) -> tuple[str | None, list[tuple[int, int]]]:
    """The document's own symbol and the spans where it names itself (headings, running heads).

    ``symbols`` are the symbol matches of ``text`` when already found.
    """
    symbols = g.parse_symbols(text) if symbols is None else symbols
    heads = page_heads(text, symbols)
    symbol, spans = _own_symbol(text, symbols, heads)
    return symbol, spans + [span for target, span in heads if target == symbol]


def _after_nations(text: str, pos: int) -> bool:
    """Whether "Nations", then spaces or tabs, stand right before ``pos``: a masthead's symbol (MASTHEAD_RE)
    is one the symbol scan found, so the pattern need not search a text where no symbol stands so."""
    q = pos
    while q > 0 and text[q - 1] in " \t":
        q -= 1
    return q < pos and text.endswith("Nations", 0, q)


def _own_symbol(
    text: str, symbols: list[g.SymbolMatch], heads: list[tuple[str, tuple[int, int]]], cues: Cues | None = None
) -> tuple[str | None, list[tuple[int, int]]]:
    cues = Cues(text) if cues is None else cues
    spans: list[tuple[int, int]] = []
    m = ODS_SYMBOL_RE.search(text) if "<" in text else None  # one character's search first: fast
    if m:
        found = g.parse_symbols(m.group("sym"))
        if found:
            return found[0].targets[0], spans
    m = MASTHEAD_RE.search(text) if any(_after_nations(text, s.start) for s in symbols) else None
    if m:
        found = g.match_symbol_at(text, m)
        if found:
            return found.targets[0], spans
    head = text[:4000]
    m = PRESS_RELEASE_RE.search(head) if "as follows" in head else None
    if m:
        symbol = _act_symbol(m.group("what"), m.group("item"), _organ_in(head))
        if symbol:
            spans.append((m.start(), m.end()))
            return symbol, spans
    heading = cues.has("Resolution", 0, len(head)) or cues.has("RESOLUTION", 0, len(head))
    m = SC_HEADING_RE.search(head) if heading else None
    symbol = _sc_heading_symbol(text, m) if m else None
    if m and symbol:
        spans.append((m.start(), m.end()))
        issued = ISSUED_AS_RE.match(text, m.end())
        if issued:
            spans.append((issued.start("sym"), issued.end("sym")))
        return symbol, spans
    act_word = cues.has("Resolution", 0, len(head)) or cues.has("Decision", 0, len(head))  # ADOPTED_BY_RE opens on one
    m = ADOPTED_BY_RE.search(head) if act_word and "adopted by" in head else None
    if m:
        number = ACT_NUMBER_LINE_RE.search(text, m.end(), m.end() + 1500)
        organ = _organ_key(m.group("organ"))
        if number and organ:
            session, num = number.group("num").split("/")
            style = "year" if len(session) == 4 else "session"
            special = ""
            if "-" in session:
                special, session = session.split("-")[0] + "-", session.split("-")[1]
            symbol = g.resolution_symbol(
                organ, m.group("act").lower(), style, session=session, year=session, number=num, special=special
            )
            if symbol:
                spans.append((number.start("num"), number.end("num")))
                return symbol, spans
    # The symbol of the running heads (next to page and job numbers), the
    # best witness in an excerpt that starts mid-document.
    if heads:
        return Counter(target for target, _ in heads).most_common(1)[0][0], spans
    # A symbol standing alone at the head of the text (the symbol block of
    # the first page) or repeated alone on lines.
    if not symbols:
        return None, spans
    lines = Counter()
    first: str | None = None
    for sm in symbols:
        line_start = text.rfind("\n", 0, sm.start) + 1
        line_end = text.find("\n", sm.end)
        line_end = len(text) if line_end < 0 else line_end
        before, after = text[line_start : sm.start], text[sm.end : line_end]
        alone_left = not before.strip() or before.endswith(("  ", "\t"))
        alone_right = not after.strip() or after.startswith(("  ", "\t", " "))
        if not (alone_left and alone_right) or "(" in before[-2:]:
            continue
        if first is None and sm.start < 600 and text[:line_start].strip(" \t\n\f\ufeff")[:1] != "[":
            first = sm.targets[0]
        if not before.strip() and not after.strip():
            lines[sm.targets[0]] += 1
    if first:
        return first, spans
    if lines:
        symbol, count = lines.most_common(1)[0]
        if count >= 2:
            return symbol, spans
    return None, spans


def _sc_heading_symbol(text: str, m: re.Match[str]) -> str | None:
    """The Security Council resolution a heading (``SC_HEADING_RE``) names.

    Its year is the year of adoption: the date on the heading ("of 18 September 1978") or in the
    "Adopted by the Security Council ..." line below it wins over a bracketed year the OCR damaged
    ("Resolution 434 (1973)" of 1978, "Resolution 361 (197-4)", "Resolution 1812 (208)").
    """
    number = m.group("num") or m.group("num2")
    bracketed = "".join(ch for ch in (m.group("year") or m.group("year2") or "") if ch.isdigit())
    dated = m.group("dated")
    if not dated:
        adopted = ADOPTED_SC_RE.search(text, m.end(), m.end() + 400)
        dated = adopted.group("year") if adopted else None
    year = dated or (bracketed if len(bracketed) == 4 and 1945 < int(bracketed) < 2100 else None)
    return f"S/RES/{number}({year})" if year else None


def _organ_in(text: str) -> str | None:
    m = find_opening(text)
    if m:
        return _organ_key(m.group("organ"))
    for name, organ in ORGAN_BY_NAME.items():
        if name in text.lower():
            return organ
    return None


def _act_symbol(what: str, item: str, organ: str | None) -> str | None:
    m = g.ITEM_RE.match(item)
    if not m:
        return None
    if m.group("scnum"):
        return f"S/RES/{m.group('scnum')}({m.group('scyear')})"
    if m.group("session") and organ in (g.GA, g.HRC):
        return g.resolution_symbol(
            organ,
            what,
            "session",
            session=m.group("session"),
            number=m.group("number"),
            special=m.group("special") or "",
        )
    return None


# --------------------------------------------------------------------------
# Paragraph verbs.
#
# The opening words of a paragraph, as participles (preamble) or finite
# verbs (operative part, declarations in the first person plural), mapped to
# the function a citation in that paragraph has. Longest phrases first.
_VERB_FORMS = {
    "recalls": "recalling|recalls|recall",
    "reaffirms": "reaffirming|reaffirms|reaffirm",
    "welcomes": "welcoming|welcomes|welcome",
    "takes note of": "taking note|takes note|take note",
    "notes": "noting|notes|note",
    "bears in mind": "bearing in mind|bears in mind|bear in mind",
    "is guided by": "guided by",
    "is mindful of": "mindful",
    "recognizes": "recognizing|recognising|recognizes|recognises|recognize|recognise",
    "acknowledges": "acknowledging|acknowledges|acknowledge",
    "emphasizes": "emphasizing|emphasising|emphasizes|emphasises|emphasize|emphasise",
    "stresses": "stressing|stresses|stress",
    "underlines": "underlining|underlines|underline",
    "expresses concern": "|".join(
        f"{verb} {depth}concern"
        for verb in ("expressing", "expresses", "express")
        for depth in (
            "",
            "deep ",
            "grave ",
            "serious ",
            "continued ",
            "its deep ",
            "its grave ",
            "its serious ",
            "its continued ",
            "its ",
        )
    ),
    # Participles that say a state of mind read as "is ...", as "Convinced" and "Mindful" do.
    "is concerned": "concerned",
    "is alarmed": "alarmed",
    "is conscious of": "conscious",
    "is convinced": "convinced",
    "considers": "considering|considers|consider",
    "affirms": "affirming|affirms|affirm",
    "reiterates": "reiterating|reiterates|reiterate",
    "endorses": "endorsing|endorses|endorse",
    "commends": "commending|commends|commend",
    "condemns": "condemning|condemns|condemn",
    "urges": "urging|urges|urge",
    "calls upon": "calls upon|calls on|call upon|call on|calling upon|calling on",
    "requests": "requesting|requests|request",
    "invites": "inviting|invites|invite",
    "encourages": "encouraging|encourages|encourage",
    "decides": "deciding|decides|decide",
    "adopts": "adopting|adopts|adopt",
    "approves": "approving|approves|approve",
    "declares": "declaring|declares|declare",
    "demands": "demanding|demands|demand",
    "authorizes": "authorizing|authorizes|authorize",
    "determines": "determining|determines|determine",
    "proclaims": "proclaiming|proclaims|proclaim",
    "supports": "supporting|supports|support",
    "appeals": "appealing|appeals|appeal",
    "recommends": "recommending|recommends|recommend",
    "expresses": "expressing|expresses|express",
    "acting under": "acting under",
    "takes into account": "taking into account|takes into account|take into account",
    "looks forward to": "looking forward|looks forward|look forward",
    "draws the attention of": "drawing the attention|draws the attention|draw the attention",
    "reminds": "reminding|reminds|remind",
    "confirms": "confirming|confirms|confirm",
    "deprecates": "deprecating|deprecates|deprecate",
    "deplores": "deploring|deplores|deplore",
    "establishes": "establishing|establishes|establish",
    # The perfect participle of a preamble, in the third person like the rest:
    # "Having considered the report" has considered it.
    "has considered": "having considered|having reviewed",
    "has examined": "having examined",
    "has received": "having received",
    "has studied": "having studied",
    "has heard": "having heard",
    "has taken note of": "having taken note",
    "resolves": "resolving|resolves|resolve",
}
VERBS: dict[str, str] = {form: function for function, forms in _VERB_FORMS.items() for form in forms.split("|")}

# The finite forms ("Decides", "Calls upon", "Strongly condemns"): an operative paragraph's, never a preamble's.
_FINITE = sorted(
    {
        form
        for function, forms in _VERB_FORMS.items()
        for form in forms.split("|")
        if form.split()[0] == function.split()[0] and not form.split()[0].endswith("ing")
    },
    key=len,
    reverse=True,
)
ADVERBS = r"(?:(?:also|further|again|once\s+again|strongly|deeply|gravely|seriously|firmly|fully|urgently|moreover|furthermore|in\s+addition|with\s+(?:appreciation|satisfaction|concern|interest))\s+){0,3}"
VERB_RE = re.compile(
    r"[ \t]*[“\"]?(?:\(?[a-z]\)[ \t]+)?(?:[Tt]he\s+(?:Special\s+Rapporteur|Secretary-General|Council|Assembly|Commission|Working\s+Group|Committee|Group|Expert)\s+)?"
    + ADVERBS
    + r"(?P<verb>"
    + "|".join(re.escape(v).replace(r"\ ", r"\s+") for v in sorted(VERBS, key=len, reverse=True))
    + r")\b",
    re.IGNORECASE,
)


FINITE_OPENING_RE = re.compile(
    r"[ \t]*(?:[A-Z][a-z]+ly\s+|Also\s+|Further\s+)?(?:"
    + "|".join(re.escape(f[0].upper() + f[1:]).replace(r"\ ", r"\s+") for f in _FINITE)
    + r")\b"
)


def paragraph_verb(text: str, paragraph: Paragraph) -> str | None:
    """The function named by the verb that opens ``paragraph`` (None for footnotes)."""
    if paragraph.label.startswith("fn"):
        return None
    return opening_verb(text, paragraph.content, paragraph.end)


def opening_verb(text: str, pos: int, end: int) -> str | None:
    """The function named by the verb that opens the paragraph at ``pos``."""
    m = VERB_RE.match(text, pos, min(end, pos + 200))
    if not m:
        return None
    return VERBS.get(" ".join(m.group("verb").lower().split()))


# --------------------------------------------------------------------------
# Paragraphs.
# A numbered paragraph: a line opening on "12." (or "12<tab>"). Found from
# its newline, a literal the engine finds fast; the text's first line is
# tried on its own.
# The number may also stand alone on its line, its words on the next (after
# at most two blank lines): PyMuPDF's text of ODS PDFs writes "1. \nWelcomes
# the holding ..." and "1.\n \nRequests ..."; such words open with a capital.
NUMBER_ALONE = r"\.[ \t]*\n(?:[ \t\f]*\n){0,2}[ \t\f]*(?=[A-Z“\"(])"
NUMBERED_LINE_RE = re.compile(rf"\n[ \t\f]*[“\"]?(?P<num>\d{{1,3}})(?:(?:\.|(?=\t))[ \t]+(?=[^\s\d])|{NUMBER_ALONE})")
NUMBERED_FIRST_LINE_RE = re.compile(
    rf"[ \t\f]*[“\"]?(?P<num>\d{{1,3}})(?:(?:\.|(?=\t))[ \t]+(?=[^\s\d])|{NUMBER_ALONE})"
)
UNDOTTED_NUMBER_RE = re.compile(r"\n[ \t\f]*(?P<num>\d{1,3}),?[ \t]*\n?[ \t]*(?=[A-Z][a-z])")
INLINE_NUMBERED_RE = re.compile(r"(?P<num>\d{1,3})\.[ \t]+(?=[A-Z“\"(])")
SHORT_LINE_END_RE = re.compile(r"[.:;][\u201d\")]?[ \t]*\n(?=[ \t]*[A-Z\u201c\"(])")
NONSPACE_RE = re.compile(r"\S")
NUMBER_PREFIX_RE = re.compile(r"[ \t\f]*[“\"]?\d{1,3}[.,]?\s+")
LINE_START_RE = re.compile(r"\n(?=[ \t]*\S)")
BLANK_RE = re.compile(r"\n[ \t\f]*\n[ \t\f\n]*")
# A line break before a blank line or a number: the only places where BLANK_RE, NUMBERED_LINE_RE,
# UNDOTTED_NUMBER_RE and TRAILING_NOTE_RE can match (each opens on such a break), and MEETING_RE right
# after one (``_meeting_line``). One pass over the line breaks finds them for all, which are then
# matched there only (``_matches_at``).
_LINE_MARK_RE = re.compile(r"\n(?=[ \t\f]*(?:\n|[“\"]?\d))")


def _holds(text: str, needle: str) -> bool:
    """``needle in text``, for a needle that opens on a character rare in prose ("<", "[", "_", "*"): that
    character is looked for (a search for one character is many times faster than for a string that is
    not there) and the needle tried where it stands."""
    i = text.find(needle[0])
    while i >= 0:
        if text.startswith(needle, i):
            return True
        i = text.find(needle[0], i + 1)
    return False


def line_marks(text: str) -> list[int]:
    """Where ``_LINE_MARK_RE`` matches in ``text``, in order."""
    return [m.start() for m in _LINE_MARK_RE.finditer(text)]


def _matches_at(
    pattern: re.Pattern[str], text: str, marks: list[int], pos: int = 0, endpos: int | None = None
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text, pos, endpos)`` for a pattern that matches only at ``marks`` (``line_marks``)
    and never matches empty: each mark from ``pos`` on, past the last match, tried in turn."""
    endpos = len(text) if endpos is None else endpos
    after = pos
    for i in range(bisect.bisect_left(marks, pos), len(marks)):
        at = marks[i]
        if at >= endpos:
            return
        if at >= after:
            m = pattern.match(text, at, endpos)
            if m:
                yield m
                after = m.end()


# A preambular paragraph's first word on a line of its own: a participle or adjective of the verb table
# ("Recalling", "Concerned", "Mindful"), or a word that opens a preamble's state of mind.
_PREAMBLE_OPENERS = sorted(
    {
        word
        for forms in _VERB_FORMS.values()
        for form in forms.split("|")
        if (word := form.split()[0]).endswith(("ing", "ed")) or word in ("mindful", "conscious")
    }
    | {"aware", "disturbed", "deeply", "gravely", "seriously", "profoundly", "cognizant", "desirous", "further", "also"}
)  # fmt: skip
CUE_LINE_RE = re.compile(r"(?m)^[ \t\f]*[“\"]?(?=(?:" + "|".join(w.capitalize() for w in _PREAMBLE_OPENERS) + r")\b)")
# Words that open fewer preambles ("Highlighting", "Underscoring", "Determined", "Ever mindful"): a
# paragraph's start only on a line after a clause's end ("... approach," / "Underscoring that ..."), as
# pdftotext's text of an ODS PDF writes paragraphs, without a blank line or indentation between them;
# inside a sentence ("Nationally / Determined Contributions") the line before ends on no comma.
_CLAUSE_OPENERS = sorted(
    {
        "highlighting", "underscoring", "believing", "remaining", "sharing", "referring", "wishing", "regretting",
        "recommitting", "honouring", "appreciating", "trusting", "realizing", "renewing", "continuing",
        "commemorating", "being", "reconfirming", "praising", "striving", "aiming", "marking", "observing",
        "seeking", "expecting", "rejecting", "proceeding", "re-emphasizing", "determined", "encouraged",
        "resolved", "committed", "disappointed", "seized", "strongly", "firmly", "particularly", "unequivocally",
        "equally", "solemnly", "ever",
    }
    - set(_PREAMBLE_OPENERS)
)  # fmt: skip
# An operative paragraph's finite verb opens one there too, a note's spaced marker after the clause or not
# (pdftotext's text of A/RES/80/189: "... report of the Human / Rights Council, 1" / "Takes note of the report").
CLAUSE_CUE_LINE_RE = re.compile(
    r"(?<=[,;:])(?:[ \t]+\d{1,3})?[ \t]*\n[ \t\f]*[“\"]?(?=(?:"
    + "|".join(
        [
            *(w.capitalize() for w in _CLAUSE_OPENERS),
            *(re.escape(f.capitalize()).replace(r"\ ", r"\s+") for f in _FINITE),
        ]
    )
    + r")\b|[IVX]{1,5}\.?[ \t]*\n[ \t]*[A-Z])"  # or a section's number alone over its heading ("I" / "General guidelines")
)


def _paragraph_starts(
    text: str, begin: int, end: int, resolution: bool, marks: list[int] | None = None
) -> dict[int, int | None]:
    """Where paragraphs begin in [begin, end), with their number if numbered (``marks``: the text's
    ``line_marks``, when the caller found them)."""
    marks = line_marks(text) if marks is None else marks
    starts: dict[int, int | None] = {begin: None}
    first_blank = None
    for m in _matches_at(BLANK_RE, text, marks, begin, end):
        first_blank = first_blank or m
        if m.end() < end:
            starts.setdefault(m.end(), None)
    if resolution:
        for m in CUE_LINE_RE.finditer(text, begin, end):
            starts.setdefault(m.end(), None)
        for m in CLAUSE_CUE_LINE_RE.finditer(text, begin, end):
            starts.setdefault(m.end(), None)
        if MEETING_END_RE.search(text, begin, end):
            # the meeting line that closes a resolution, right under its last line (pdftotext's text:
            # "... of the General Assembly." / "45th plenary meeting" / "7 December 2023")
            for m in MEETING_RE.finditer(text, begin, end):
                starts.setdefault(m.start("meeting"), None)
    expected = None
    numbered = list(_matches_at(NUMBERED_LINE_RE, text, marks, begin, end))
    if resolution:
        # a number without its full stop (the PDF of A/RES/79/160 sets "26 Condemns", "27 Affirms"): only the
        # next number, before an operative verb
        taken = {m.start("num") for m in numbered}
        numbered += [m for m in _matches_at(UNDOTTED_NUMBER_RE, text, marks, begin, end) if m.start("num") not in taken]
        numbered.sort(key=lambda m: m.start("num"))
    first = NUMBERED_FIRST_LINE_RE.match(text, begin, end) if begin == 0 or text[begin - 1] == "\n" else None
    for m in ([first] if first else []) + numbered:
        num_start, num_end = m.span("num")
        n = int(text[num_start:num_end])
        if m.re is UNDOTTED_NUMBER_RE and (n != (expected or 1) or not FINITE_OPENING_RE.match(text, m.end())):
            continue
        has_dot = text[num_end : num_end + 1] == "."
        if not has_dot and expected is not None and n != expected:
            continue
        # At the number, not at the line's indentation: a blank line before it
        # starts a paragraph there too (pdftotext -layout indents "1.").
        pos = num_start - (text[num_start - 1] in '“"' if num_start else 0)
        starts[pos] = n
        expected = n + 1
    first_break = text.find("\n", begin, min(end, begin + 2001))
    long_lines = end - begin > 2000 and first_break < 0
    # Text written one paragraph a line (no blank lines, long lines): each
    # line is a paragraph. Measured on the first lines of the region.
    sample_end = min(end, begin + 20_000)
    # a blank line in the sample (it may hold spaces: PyMuPDF's " \n"): the region's first one, when it ends there
    blank_in_sample = first_blank is not None and (
        first_blank.end() <= sample_end or BLANK_RE.search(text, begin, sample_end) is not None
    )
    breaks = 0 if blank_in_sample else text.count("\n", begin, sample_end)
    if breaks >= 2:
        sample = text[begin:sample_end]
        if len(sample) / (breaks + 1) > 250:
            for m in LINE_START_RE.finditer(text, begin, end):
                starts.setdefault(m.start(), None)
        else:
            # Hard-wrapped text without blank lines: a line that ends a
            # sentence well short of the usual width ends its paragraph.
            lengths = sorted(len(line) for line in sample.split("\n"))
            width = lengths[len(lengths) * 3 // 4]
            for m in SHORT_LINE_END_RE.finditer(text, begin, end):
                line_start = text.rfind("\n", begin, m.start()) + 1
                if m.start() - line_start < 0.8 * width:
                    starts.setdefault(m.end(), None)
    if long_lines:
        expected = None
        for m in INLINE_NUMBERED_RE.finditer(text, begin, end):
            if m.start() < 2 or text[m.start() - 1] != " " or text[m.start() - 2].isdigit():
                continue
            n = int(m.group("num"))
            if expected is None or n == expected:
                starts.setdefault(m.start(), n)
                expected = n + 1
    return starts


# A paragraph ends on one of these (a preambular paragraph on a comma, an
# operative one on a semicolon or a full stop), or on a closing quote or
# bracket after one of them.
PARAGRAPH_END = frozenset(".,;:!?")
SENTENCE_END = frozenset(".;:!?")
# Words no phrase ends on (articles, prepositions, conjunctions, possessives), written in lower case as
# inside a sentence: a block that stops on one goes on in the next ("... the rights of former permanent
# residents of" / "Slovenia originating from ..."). Not "A" ("Annex A", "N/A"), nor "and" or "or" after a
# comma or semicolon: a clause of a list may close so ("Whereas ...; and" / "Whereas ...").
GOES_ON_WORDS = frozenset(
    [
        "a", "an", "the", "and", "or", "nor", "of", "on", "in", "into", "onto", "upon", "for", "to", "by", "with",
        "within", "without", "against", "from", "at", "as", "about", "between", "among", "through", "during",
        "under", "over", "after", "before", "towards", "toward", "including", "concerning", "regarding", "than",
        "that", "which", "whom", "whose", "whether", "because", "although", "unless", "its", "their", "our",
        "his", "her",
    ]
)  # fmt: skip
# A sentence's first word: a block opening on one ("These aims are ...") is no phrase's rest.
SENTENCE_OPENERS = GOES_ON_WORDS | frozenset(
    ["this", "these", "those", "it", "we", "i", "they", "he", "she", "there", "such"]
)


# A list's next number going on in lower case or with its comma ("68/150 of 18 December 2013", "5,000 dollars"),
# not a note's number before its capital ("1 See ...", "4 A/78/334.", "1A/78/622" glued).
LIST_GOES_ON_RE = re.compile(r"\d+(?:[/.,]\d+)*(?:[ \t]+[a-z(]|[,;])")


def _ends_mid_phrase(text: str, start: int, last: int, clause: bool = True) -> bool:
    """Whether the word that ends at ``last`` (its last character) is one no phrase ends on; with
    ``clause``, not "and" or "or" after a comma or semicolon (a clause of a list may close so)."""
    first = last
    while first > start and text[first - 1].isalpha():
        first -= 1
    word = text[first : last + 1]
    if word not in GOES_ON_WORDS or (first > start and text[first - 1].isalnum()):
        return False
    if clause and word in ("and", "or"):
        before = text[max(start, first - 4) : first].rstrip()
        return not before.endswith((",", ";"))
    return True


def _opens_sentence(text: str, pos: int) -> bool:
    """Whether the word at ``pos`` is one a sentence opens on ("The", "These", "It")."""
    end = pos
    while end < len(text) and end - pos < 8 and text[end].isalpha():
        end += 1
    return text[pos:end].lower() in SENTENCE_OPENERS


class _Words:
    """Where the words of a stretch of text are, page furniture (running heads, job numbers, markers)
    and lines holding only a page or job number left out.

    A page break cuts paragraphs: in PyMuPDF's text of a PDF the running head and the footnotes of the
    page stand between the two halves of a paragraph, and the second half starts after a blank line.
    ``continues`` tells such a half from a new paragraph.
    """

    def __init__(self, text: str, furniture: list[tuple[int, int]]) -> None:
        self.text = text
        merged: list[list[int]] = []
        for s, e in sorted(furniture):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [s for s, _ in merged]
        self.ends = [e for _, e in merged]

    def _furniture_start(self, pos: int) -> int | None:
        """Start of the furniture span holding ``pos``."""
        i = bisect.bisect_right(self.starts, pos)
        return self.starts[i - 1] if i and pos < self.ends[i - 1] else None

    def first(self, pos: int, end: int) -> int | None:
        """The first character of [pos, end) that is a word of the text, or None."""
        text, starts, ends = self.text, self.starts, self.ends
        while pos < end:
            if text[pos].isspace():
                m = NONSPACE_RE.search(text, pos, end)
                if not m:
                    return None
                pos = m.start()
            i = bisect.bisect_right(starts, pos)  # past the furniture span holding pos, if any
            if i and pos < ends[i - 1]:
                pos = ends[i - 1]
                continue
            if text[pos] in "0123456789G*|(":  # a page or job number, its barcode, a table row, "(E)" after one
                mark = PAGE_MARK_LINE_AT_RE.match(text, text.rfind("\n", 0, pos) + 1)
                if mark:
                    pos = mark.end()
                    continue
            return pos
        return None

    def last(self, start: int, pos: int) -> int | None:
        """The last character of [start, pos) that is a word of the text, or None."""
        text = self.text
        pos -= 1
        while pos >= start:
            if text[pos].isspace():
                pos -= 1
                continue
            skip = self._furniture_start(pos)
            if skip is not None:
                pos = skip - 1
                continue
            if text[pos] in _PAGE_MARK_CHARS and (text[pos] != "." or text[pos - 1 : pos] == "E"):
                line_start, line_end = _line_bounds(text, pos)
                if PAGE_MARK_LINE_RE.match(text, line_start, line_end):
                    pos = line_start - 1
                    continue
            return pos
        return None

    def continues(
        self, before: Paragraph, first_word: int, end: int | None = None, following: int | None = None
    ) -> bool:
        """True when the block at ``first_word`` (up to ``end``; ``following`` is the number of the next
        numbered paragraph after it) goes on with the paragraph ``before``:

        - it opens in lower case ("based on its non-legislative nature ...");
        - ``before`` stops short of its closing punctuation and a page break (furniture, footnotes)
          stands between them;
        - ``before`` stops on a word no phrase ends on ("residents of" / "Slovenia originating ...");
        - ``before`` is a report's numbered paragraph that stops inside a sentence (on a word or a comma)
          and the block ends one, not opening a sentence of its own (a converter cut the paragraph at a
          line: "... the Act Regulating the Legal" / "Status of Citizens ... (Legal Status Act).");
        - ``before`` is a report's numbered paragraph that a page break cuts after a sentence, and the block
          is sentences that the next paragraph's number follows ("... at all levels.104" / page 8 / "The
          Committee ... made similar recommendations.105" / "60. ...")."""
        text = self.text
        if text[first_word].islower():
            return True
        last = self.last(before.content, before.end)
        if last is None:
            return False
        item = text[first_word] in BULLETS or ITEM_LETTER_RE.match(text, first_word) is not None
        if item and (text[last] == ":" or BULLET_LINE_RE.search(text, before.content, before.end)):
            return True  # "... calls upon Portugal to implement the following:" and its items, "(a) ...", "• ..."
        while last > before.content and text[last] in '\u201d\u2019")]':
            last -= 1
        between = last + 1
        while between < first_word and text[between].isdigit():
            between += 1  # a marker glued to the last word ("treaties2") is no page break
        page_break = bool(text[between:first_word].strip())
        report = before.label.isdigit() and end is not None
        if text[last] in PARAGRAPH_END:
            if text[last] == "," and page_break and LIST_GOES_ON_RE.match(text, first_word):
                return True  # a list cut by a page: "67/154 of 20 December 2012," / notes, head / "68/150 of ..."
            if report and text[last] == "," and not _opens_sentence(text, first_word):
                return self._ends_sentence(first_word, end)
            if report and page_break and text[last] in ".!?" and following == int(before.label) + 1:
                return self._ends_sentence(first_word, end)
            return False
        if text[first_word] in "(0123456789" and (text[last].isalnum() or text[last] in "–-,("):
            return True  # a converter's break inside a sentence: "(2010–" / "2015) aimed", "Women" / "(CEDAW) noted"
        if text[last].isalpha() and _ends_mid_phrase(text, before.content, last):
            return True
        if (
            report
            and text[last].isalnum()
            and not _opens_sentence(text, first_word)
            and self._ends_sentence(first_word, end)
        ):
            return True
        return page_break

    def _ends_sentence(self, first_word: int, end: int | None) -> bool:
        """Whether the block [first_word, end) ends on a sentence's punctuation (a closing quote after it)."""
        tail = self.last(first_word, end) if end is not None else None
        while tail is not None and tail > first_word and self.text[tail] in '\u201d\u2019")]':
            tail -= 1
        return tail is not None and self.text[tail] in SENTENCE_END


# --------------------------------------------------------------------------
# Footnotes.
BULLETS = "•▪◦●■–-"
# A list's item: a bullet, or a letter in brackets, and a space; a bullet glyph may be glued to its words
# ("•CoE Convention ...": a converter dropped the tab), a dash may not ("-based").
# pdftotext's text may set a letter on a line of its own, its words after a blank line ("(a)" / "" /
# "International peace and security,").
BULLET_LINE_RE = re.compile(r"\n[ \t]*(?:[•▪◦●■]|[–-][ \t]|\((?:[a-z]{1,4}|\d{1,2})\)(?:[ \t]|[ \t]*\n))")
ITEM_LETTER_RE = re.compile(r"\((?:[a-z]{1,4}|\d{1,2})\)(?:[ \t]|[ \t]*\n)")
# A report's numbered heading: one short line that ends in no punctuation ("1. International human rights
# treaties2", a marker at most after it; "1. Right to life, liberty and security of person30" lists with
# commas); its number is the section's, not a paragraph's.
NUMBERED_HEADING_RE = re.compile(r"[^\n.;:!?]{2,90}?[^\W\d_)]\)?\d{0,3}[ \t]*(?:\n|$)")
_HEADING_STOP_RE = re.compile(r"[.;:!?]")  # what NUMBERED_HEADING_RE lets no heading hold
_HEADING_WORDS = 48  # words enough to pass the 95 characters a heading can have (48 words and 47 spaces)


def _goes_on_in_lower_case(text: str, end: int) -> bool:
    """Whether the first word within 200 characters after ``end`` opens in lower case."""
    after = NONSPACE_RE.search(text, end, end + 200)
    return bool(after) and text[after.start()].islower()


def _numbered_heading(text: str, start: int, end: int) -> bool:
    """Whether the words of a numbered paragraph, ``text[start:end]``, are a section's heading
    (NUMBERED_HEADING_RE).

    A long paragraph is told at once: its first lines hold more words than a heading has room for; most
    paragraphs sooner still, by a full stop or another mark no heading holds.
    """
    if _HEADING_STOP_RE.search(text, start, end):
        return False
    for stop in (min(end, start + 800), end):  # a word the first cut halves counts once: no more words than in all
        parts = text[start:stop].replace("|", " ").split(None, _HEADING_WORDS)
        if len(parts) > _HEADING_WORDS:
            return False
    return NUMBERED_HEADING_RE.fullmatch(" ".join(parts) + "\n") is not None


# "Notes" on a line of its own, or run into the line before and the first note ("programmes.121 Notes 78 CRC/")
NOTES_HEADING_RE = re.compile(
    r"(?m)^[ \t]*(?:Notes|Footnotes|Endnotes)[ \t]*$|(?<=[.;\d] )(?:Notes|Endnotes)(?= \d{1,3} [A-Z(])"
)
INLINE_SEPARATOR_RE = re.compile(r"_{5,}")
_NOTES_WORDS = {"N": "Notes", "t": "Footnotes", "d": "Endnotes"}  # by the letter before "notes"/"otes"


def _notes_headings(text: str, cues: Cues | None = None) -> Iterator[re.Match[str]]:
    """The matches of ``NOTES_HEADING_RE.finditer(text)``, looked for where "otes" occurs, in a text where
    one of the words stands (``cues``).

    The pattern opens on a line's start or a look-behind, which the regex engine tries at every character;
    a heading's word holds "otes", which a substring search finds fast. At each "Notes", "Footnotes" or
    "Endnotes" the pattern is matched where it may begin: the line's start, when only spaces stand before
    the word, then the word. Same matches, in order (tests/test_structure.py).
    """
    cues = Cues(text) if cues is None else cues
    if not any(word in cues for word in _NOTES_WORDS.values()):
        return
    end = 0
    i = text.find("otes")
    while i >= 0:
        word = _NOTES_WORDS.get(text[i - 2 : i - 1] if text[i - 1 : i] == "n" else text[i - 1 : i])
        start = i - len(word) + 4 if word else -1
        if start >= end and text.startswith(word or "", start):
            line = text.rfind("\n", 0, start) + 1
            for at in (line, start) if line != start and not text[line:start].strip(" \t") else (start,):
                m = NOTES_HEADING_RE.match(text, at) if at >= end else None
                if m:
                    yield m
                    end = m.end()
                    break
        i = text.find("otes", max(i + 4, end))


GLUED_SEPARATOR_RE = re.compile(r"(?<=[^\W\d_])_{5,}(?=[ \t]*\n)")
# A note's number may carry a slash, as the UN wrote notes and their markers until the 1990s ("1/ S/1994/62.",
# "the report of the Secretary-General, 1/ and"): SLASH_MARKER_RE.
FIRST_NOTE_RE = re.compile(r"[ \t]*(?P<num>\d{1,3})/?[ \t]+(?=\S)")
RUN_IN_NOTE_RE = re.compile(r"(?<=[.;] )(?P<num>\d{1,3}) (?=[A-Z(])")
# A note's number glued to its first word ("33Letter from CERD ...": a converter dropped the space); taken
# only as the next note of a run, so "4G networks" at a line's start is none.
GLUED_NOTE_RE = re.compile(r"\n[ \t\f]*(?P<num>\d{1,3})(?=[A-Z])")
LONE_NUMBER_RE = re.compile(r"(?m)^[ \t\f]*(?P<num>\d{1,3})[ \t]*$")
FOOTNOTE_ITEM_RE = re.compile(r"(?m)^[ \t\f]*(?P<num>\d{1,3})/?(?:[ \t]+(?=\S)|[ \t]*\n[ \t]*(?=\S))")
# A year just before ("27 January 2023 6"), or one that closes a span of years ("2015–2030 6"; read from 6
# characters before the number, so the dash is the first of them). PyMuPDF's text may set the marker at the next
# line's start ("of 13 September 1993\n11  and the subsequent", A/RES/80/80): then a word in lower case follows.
YEAR_BEFORE_RE = re.compile(r"(?:[ \t\n–-]|(?<!\d))(?:19|20)\d\d[ \n]$")
_WORD_AFTER_RE = re.compile(r"[ \t]+[a-z]")
MARKER_RE = re.compile(r"\d{1,3}(?=[\s,.;:)\]]|$)")
# The marker of the UN's older notes: the note's number and a slash, a space or a sign after it ("1994, 1/ and
# taking note"); not a symbol's part ("S/1994/62", "45/ 123" after a slash), nor a fraction ("1/2").
SLASHED_NOTE_RE = re.compile(r"[ \t\f]*\d{1,3}/")  # a note written so, at its start
SLASH_MARKER_RE = re.compile(r"(?<![\w/.\-])(?P<num>\d{1,3})/(?=[\s,.;:)\]]|$)")
# A marker glued to a year ("in 201814 and" = 2018 + note 14, "2015-203020", "20231"): a reader that lost the
# raise runs the two together. The year's digits alone are no marker; the rest is one only as the next note.
GLUED_YEAR_MARKER_RE = re.compile(r"(?<![\d/.])(?:19|20)\d\d(?P<num>[1-9]\d{0,2})(?=[\s,.;:)\]]|$)")
# An action's number, its full stop after it (the Pact for the Future's "Action 15. We will ..."; "the Programme
# of Action 9 by the" is a marker).
ACTION_RE = re.compile(r"Action \d{1,3}\.")
# A decimal's dot or a thousands' comma after digits: they are a number's first, no marker ("1.3 billion",
# "4,995,400 dollars"); two markers stand side by side with a comma ("conflict,10,11").
NUMBER_GOES_ON_RE = re.compile(r"\.\d|,\d{3}(?!\d)")
# After digits and a dot, a number is a decimal's last digits where the sentence goes on ("4.14 per cent",
# "targets 15.3, 6.1 and"); before a line's end or a capital, a marker after a sentence's stop ("item 1.41",
# "in 2018.3 The").
DECIMAL_AFTER_RE = re.compile(r"[ \t]*[,;]|[ \t]+[a-z]")
# After a spaced number, a month's name: the number is a day ("77/184 of 14 December 2022"), a doubtful marker.
MONTH_AFTER_RE = re.compile(rf"[ \t]+{MONTH}\b")
# An acronym's number in its parentheses ("(GP20)", "(COP28)"): no marker (the text before the number).
ACRONYM_BEFORE_RE = re.compile(r"\([A-Z]{1,6}$")
# The character before a glued marker ("Rights,2"), and before a spaced one
# ("Development, 1 including", "in 2005. 20 In his view").
_GLUED_BEFORE = frozenset('’”",;:.)]')
# After a spaced marker: a word in lower case, a line's end, punctuation, a capitalised word or an acronym
# ("compensation. 138 UNHCR, 139 the Committee": a converter drew the markers on the line), or a year in a list
# of years ("held in 2011, 1 2014 2 and 2018;3"), its marker glued to it in PyMuPDF's text ("2011, 1 20142"),
# or a resolution's number in a list of them ("resolutions 7/34 of 28 March 2008, 6 18/15 of 29 September").
SPACED_AFTER_RE = re.compile(
    r"[ \t]+[a-z]|[ \t]*\n|[,;.]|[ \t]+[A-Z](?:[a-z]|[A-Z]+\b)|[ \t]+(?:19|20)\d\d(?!\d{3})|[ \t]+\d{1,2}/\d{1,3}[ \t]+of\b"
)
# The programme of the Rio conference: its number is its name's ("building on Agenda 21" at a line's end).
AGENDA_21_RE = re.compile(r"Agenda[ \t\n]21(?!\d)")
# A number after one of these counts something ("vol. 2", "resolution 5", "principle 7"): no marker. An
# abbreviation may take its dot ("para. 12"); after a whole word a full stop ends the sentence, and the
# number glued to it is a marker ("a non-refoulement principle.117").
NOT_MARKER_BEFORE_RE = re.compile(
    r"(?:\b(?:(?:No|Nos|vol|vols|Add|Corr|Rev|Amend|para|paras|p|pp|art|arts|chap|sect|Sub|CN|WG|L|C)\.?|(?:annex|and|to|of|than|by|the|in|from|since|on|at|or|per|about|over|under|between|some|least|nearly|approximately|resolution|resolutions|decision|paragraph|paragraphs|article|articles|chapter|section|rule|rules|principle|goal|target|item|items|page|session|meeting|Group|Goal|Target|Article|Principle|Rule|Convention|Recommendation|Protocol))|[\d/]|/[A-Z][A-Za-z]*\.)\s?$"  # "/DEC.3": a symbol's
)


@dataclass(slots=True)
class _Zone:
    start: int
    end: int
    furniture: list[int] | None = None  # starts of the furniture lines inside, whose numbers are no notes


def _called_between(missing: list[int], n: int, doubtful: dict[int, Marker], found: dict[int, int], start: int) -> bool:
    """Whether the notes ``missing`` below ``n`` (at most two, right below it) each have a doubtful marker
    in order between the marker of the note before them and ``start``."""
    if len(missing) > 2 or missing != list(range(n - len(missing), n)) or any(k not in doubtful for k in missing):
        return False
    places = [found.get(missing[0] - 1, -1), *(doubtful[k].start for k in missing), start]
    return all(a < b for a, b in itertools.pairwise(places))


def _footnote_zones(
    text: str, furniture_lines: list[tuple[int, int]], separators: list[tuple[int, int]], cues: Cues | None = None
) -> list[_Zone]:
    """Spans of text that hold footnotes: after a separator line, after "Notes".

    ``separators`` are the separator lines already found (page furniture).
    """
    zones: list[_Zone] = []
    stops = sorted(
        {s for s, _ in furniture_lines} | ({m.start() for m in re.finditer("\f", text)} if "\f" in text else set())
    )

    def zone_end(pos: int) -> int:
        i = bisect.bisect_right(stops, pos)
        return stops[i] if i < len(stops) else len(text)

    for _, end in separators:
        zones.append(_Zone(end, zone_end(end)))
    # Notes under a heading are endnotes: they run on over the page breaks to the end of the text.
    for m in _notes_headings(text, cues):
        zones.append(_Zone(m.end(), len(text), stops))
    for m in INLINE_SEPARATOR_RE.finditer(text) if _holds(text, "_____") else ():
        line_end = text.find("\n", m.end())
        line_end = len(text) if line_end < 0 else line_end
        if line_end - m.end() > 2 and not SEPARATOR_LINE_RE.match(text, text.rfind("\n", 0, m.start()) + 1):
            zones.append(_Zone(m.end(), line_end))
    return zones


def _footnotes_in(text: str, zone: _Zone, expect: int | None) -> list[tuple[int, int, int]]:
    """(number, start, end) of the consecutive footnotes inside one zone."""
    items: list[tuple[int, int]] = []
    inline = "\n" not in text[zone.start : zone.end].strip()
    pattern = re.compile(r"(?:^|(?<=\s))(?P<num>\d{1,3})\s+(?=\S)") if inline else FOOTNOTE_ITEM_RE
    skip = set(zone.furniture or ())
    found = list(pattern.finditer(text, zone.start, zone.end))
    if not inline:  # a note run into the line of the note before ("... para. 31. 4 E/C.12/SVN/CO/2, ..."), glued
        found = sorted(
            [
                *found,
                *RUN_IN_NOTE_RE.finditer(text, zone.start, zone.end),
                *GLUED_NOTE_RE.finditer(text, zone.start, zone.end),
            ],
            key=lambda m: m.start("num"),
        )
        first = FIRST_NOTE_RE.match(text, zone.start, zone.end) if zone.start and text[zone.start - 1] != "\n" else None
        if first and (not found or found[0].start() > first.start()):
            found.insert(0, first)  # the first note on the line of its heading ("Notes 78 CRC/C/SVN/CO/3-4")
    for m in found:
        start = m.start("num") if m.re is GLUED_NOTE_RE else m.start()
        if start in skip or start + 1 in skip:  # a page number on a line of its own
            continue
        n = int(m.group("num"))
        if m.re in (RUN_IN_NOTE_RE, GLUED_NOTE_RE) and not (items and n == items[-1][0] + 1):
            continue
        if not items:
            if inline and start - zone.start > 3:
                break
            if expect is not None and n not in (expect, 1) and n < expect:
                continue
            items.append((n, start))
        elif n == items[-1][0] + 1:
            items.append((n, start))
    end = zone.end
    if items and not inline and (expect is None or items[0][0] == expect + 1):
        # pdftotext writes the number of a page's first note after the page's notes, on a line of its own
        # ("____ / Official Records ... (A/77/10). / 2 / Ibid., para. 41. / 1"): the words before the second
        # note are the first
        lone = next(reversed(list(LONE_NUMBER_RE.finditer(text, items[-1][1], zone.end))), None)
        first = NONSPACE_RE.search(text, zone.start, items[0][1])
        if (
            lone
            and first
            and int(lone["num"]) == items[0][0] - 1
            and not text[lone.end() : zone.end].strip()
            and any(ch.isalpha() for ch in text[first.start() : items[0][1]])
        ):
            items.insert(0, (items[0][0] - 1, first.start()))
            end = lone.start()
    out = []
    for i, (n, s) in enumerate(items):
        e = items[i + 1][1] if i + 1 < len(items) else end
        if any(ch.isalpha() for ch in text[s:e]):  # a note has words, not just a page number
            out.append((n, s, e))
    return out


# A line of a page's foot that is no note's text: a job number ("23-25892 (E)"), a page number ("2/19"),
# a print date ("030124"), a barcode ("*2325892*"), the resolution's symbol.
_FOOT_FURNITURE_LINE_RE = re.compile(
    r"[ \t]*(?:\d\d-\d{5}(?:\s?\([A-Z]\))?|\d{1,3}/\d{1,3}|\d{6}|\*\d{7,9}\*|A/RES/\S+)[ \t]*"
)
_LONE_NUMBER_LINE_RE = re.compile(r"[ \t]*(?P<num>\d{1,3})[ \t]*")
# Where a note ends and the next begins inside a run of lines whose numbers stand elsewhere: a line ending
# on a full stop, before one opening on a capital or a quotation mark.
_NOTE_BREAK_RE = re.compile(r"(?<=\.)[ \t]*\n(?=[ \t]*[A-Z“\"])")


def _page_foot_notes(
    text: str, start: int, end: int, expect: int | None
) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
    """(number, start, end) of the notes at the foot of one page of pdftotext's text, [start, end) from the
    separator to the form feed: it writes the numbers of a page's first notes apart from their words, on
    lines of their own after the page's last note or before its job number, and their words first or after
    the job number ("____ / Resolution 69/313, annex. / Resolution 76/258, annex. / 14 / Report of ... / 12
    / 13 / 23-25892 / 7/12"); and the lines of furniture and lone numbers there, which are no paragraph's
    words ("030124" under the notes). Empty unless every number finds its words and the numbers follow on."""
    lines = []  # (kind, number, start, end): "N" a number alone, "T" words, "F" furniture
    for m in re.finditer(r"[^\n]+", text[start:end]):
        line = m.group()
        if not line.strip():
            continue
        s, e = start + m.start(), start + m.end()
        if lone := _LONE_NUMBER_LINE_RE.fullmatch(line):
            lines.append(("N", int(lone["num"]), s, e))
        elif _FOOT_FURNITURE_LINE_RE.fullmatch(line):
            lines.append(("F", 0, s, e))
        elif lines and lines[-1][0] == "T":
            lines[-1] = ("T", 0, lines[-1][2], e)  # a note's next line
        else:
            lines.append(("T", 0, s, e))
    numbered: list[tuple[int, int, int]] = []  # a number right above its words
    orphans: list[int] = []  # numbers whose words stand elsewhere
    loose: list[tuple[int, int]] = []  # words with no number above them
    # a number right above its words, no blank line between, is theirs; one a blank line sets apart is not
    # ("____ / 1 / (blank) / Resolution 217 A (III). / Resolutions 53/243 A and B. / 3 / ... / 2")
    apart = [i + 1 < len(lines) and "\n\n" in text[lines[i][3] : lines[i + 1][2]] for i in range(len(lines))]
    for i, (kind, n, s, e) in enumerate(lines):
        if kind == "N":
            if i + 1 < len(lines) and lines[i + 1][0] == "T" and not apart[i]:
                numbered.append((n, s, lines[i + 1][3]))
            else:
                orphans.append(n)
        elif kind == "T" and not (i and lines[i - 1][0] == "N" and not apart[i - 1]):
            loose.append((s, e))
    if not orphans or not loose:
        return [], []
    pieces: list[tuple[int, int]] = []
    for s, e in loose:
        cuts = [m.end() for m in _NOTE_BREAK_RE.finditer(text, s, e)]
        pieces.extend(itertools.pairwise([s, *cuts, e]))
    if len(pieces) != len(orphans):
        if len(orphans) != len(loose):
            return [], []
        pieces = loose  # each run of words one note
    notes = sorted([*zip(sorted(orphans), (s for s, _ in pieces), (e for _, e in pieces), strict=True), *numbered])
    numbers = [n for n, _, _ in notes]
    if numbers != list(range(numbers[0], numbers[0] + len(numbers))) or (expect is not None and numbers[0] != expect):
        return [], []
    if [s for _, s, _ in notes] != sorted(s for _, s, _ in notes):
        return [], []  # the words stand in another order than their numbers
    return notes, [(s, e) for kind, n, s, e in lines if kind == "F" or (kind == "N" and n in orphans)]


TRAILING_NOTE_RE = re.compile(r"\n(?P<num>\d{1,3})/?[ \t]+(?=[A-Z\[\"“(]|[Ii]bid|[Ss]ee)")
TRAILING_FIRST_NOTE_RE = re.compile(r"(?P<num>\d{1,3})/?[ \t]+(?=[A-Z\[\"“(]|[Ii]bid|[Ss]ee)")


def _trailing_run(text: str, begin: int, marks: list[int] | None = None) -> list[tuple[int, int, int]]:
    """Footnotes written as lines "1 See ...", "2 Resolution ..." in a run.

    The run must number from 1 (or continue) consecutively and hold at least
    two notes; text between the notes belongs to the note before.
    """
    first = TRAILING_FIRST_NOTE_RE.match(text, begin) if begin == 0 else None
    lines = [
        (int(m.group("num")), m.start("num"))
        for m in (
            *([first] if first else []),
            *_matches_at(TRAILING_NOTE_RE, text, line_marks(text) if marks is None else marks, begin),
        )
    ]
    best: list[tuple[int, int]] = []
    run: list[tuple[int, int]] = []
    for n, s in lines:
        if run and n == run[-1][0] + 1:
            run.append((n, s))
        else:
            run = [(n, s)] if n == 1 else []
        if len(run) > len(best):
            best = list(run)
    if len(best) < 2:
        best = _closing_notes(text, begin, lines)
        if not best:
            return []
    out = []
    for i, (n, s) in enumerate(best):
        if i + 1 < len(best):
            e = best[i + 1][1]
        else:  # the last note runs on to the next blank line ("18 Ibid., Supplement ...,\ndocument S/26488.")
            blank = BLANK_RE.search(text, s)
            e = blank.start() if blank else len(text.rstrip())
        out.append((n, s, e))
    return out


def _closing_notes(text: str, begin: int, lines: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Notes that close a text and are numbered through a volume ("19 Ibid., document S/10738." under a
    Security Council resolution reprinted from its yearbook): consecutive lines from any number on, at
    the very end of the text, the first of them called by its marker in the body before ("the report
    submitted by the Secretary-General 19"). Each note holds at most five lines. A scan may have lost the
    first notes' markers: the run then begins at the first note whose marker the body holds."""
    if not lines:
        return []
    run = [lines[-1]]
    for n, s in reversed(lines[:-1]):
        if n != run[0][0] - 1:
            break
        run.insert(0, (n, s))
    if run[0][0] == 1 or text.count("\n", run[-1][1], len(text.rstrip())) > 4:
        return []
    if any(text.count("\n", s, e) > 4 for (_, s), (_, e) in itertools.pairwise(run)):
        return []
    for i, (first, _) in enumerate(run):
        if _closing_marker_in(text, first, begin, run[0][1]):
            return run[i:]
    return []


def _closing_marker(number: int) -> re.Pattern[str]:
    """The marker of a closing note in the body: after a word or a sign, or spaced after a year ("the report
    of 13 June 1967 16 that")."""
    return re.compile(
        rf"(?:(?<=[^\W\d_]|[,.;:)])[ \t]?|(?<=(?:19|20)\d\d)(?<!\d{{5}})[ \t]){number}(?=[ \t]*\n|[ \t]+[a-z])"
    )


def _closing_marker_in(text: str, number: int, begin: int, end: int) -> bool:
    """``_closing_marker(number).search(text, begin, end)`` is not None, tried only where the number's digits
    stand (the pattern opens on look-behinds, which the regex engine tries at every position of the body):
    a match opens on the number or on the space or tab before it."""
    marker, digits = _closing_marker(number), str(number)
    at = text.find(digits, begin, end)
    while at >= 0:
        if (at > begin and marker.match(text, at - 1, end)) or marker.match(text, at, end):
            return True
        at = text.find(digits, at + 1, end)
    return False


def parse(source: Source, cues: Cues | None = None) -> Document:
    """The structure of one text. ``cues``: where its cue words stand, when the caller scanned for them
    (``Catalogue.scan``); else they are searched for as needed."""
    text = source.text
    cues = Cues(text) if cues is None else cues
    symbols = g.parse_symbols(text)
    heads = page_heads(text, symbols, tuple(p for p in source.pages if p))
    symbol, self_spans = _own_symbol(text, symbols, heads, cues)
    head_spans = [span for target, span in heads if target == symbol]
    furniture: list[tuple[int, int]] = [*self_spans, *head_spans]
    # Each pattern runs only where a literal it needs occurs (a fast test).
    # A character a needle holds is looked for first where it is rare in prose ("<", "["): a search for one
    # character is many times faster than for a string that is not there.
    for pattern, needles in ((ODS_TAG_RE, ("<<ODS", "[DU")), (BARCODE_RE, ("*",))):
        if any(_holds(text, n) for n in needles):
            furniture.extend((m.start(), m.end()) for m in pattern.finditer(text))
    separators = (
        [(m.start(), m.end()) for m in SEPARATOR_LINE_RE.finditer(text)]
        if _holds(text, "_____") or "-----" in text or _holds(text, "***")
        else []
    )
    if "\f" in text and _holds(text, "_____"):
        # pdftotext may run the notes' separator into the page's last word ("using non-invasive, drought____",
        # A/RES/78/320): it ends that line, the notes under it
        separators = sorted([*separators, *((m.start(), m.end()) for m in GLUED_SEPARATOR_RE.finditer(text))])
    furniture.extend(separators)
    for m in JOB_NUMBER_RE.finditer(text):
        start = _job_number_at(text, m.start())
        if start is not None:
            furniture.append((start, m.end()))
    zone_stops = [span for span in furniture if span not in self_spans]
    opening = find_opening(text, cues)
    organ = organ_of_symbol(symbol) or (_organ_key(opening.group("organ")) if opening else None)
    if organ is None:
        adopted = ADOPTED_SC_RE.search(text, 0, 3000) if cues.has("Adopted", 0, 3000) else None
        organ = g.SC if adopted else None

    # Footnotes.
    notes: dict[int, tuple[int, int]] = {}
    separator_ends = {end for _, end in separators}
    for zone in _footnote_zones(text, zone_stops, separators, cues):
        expect = max(notes) + 1 if notes else None
        foot: list[tuple[int, int, int]] = []
        if "\f" in text and zone.furniture is None and zone.start in separator_ends:
            page_end = text.find("\f", zone.start)
            foot, foot_furniture = _page_foot_notes(text, zone.start, len(text) if page_end < 0 else page_end, expect)
            furniture.extend(foot_furniture)
        for n, s, e in foot or _footnotes_in(text, zone, expect):
            notes.setdefault(n, (s, e))
    marks = line_marks(text)
    run = _trailing_run(text, opening.end() if opening else 0, marks)
    if len(run) > len(notes):
        # a note of the run ends where the page does (a running head, a job or page number, a form feed):
        # the notes of each page of a PDF's text stand between its body and the next page's
        stops = sorted(
            {a for a, _ in zone_stops} | ({m.start() for m in re.finditer("\f", text)} if "\f" in text else set())
        )
        notes = {}
        for n, s, e in run:
            i = bisect.bisect_right(stops, s)
            notes[n] = (s, min(e, stops[i]) if i < len(stops) else e)
    note_spans = sorted(notes.values())

    def in_notes(pos: int) -> bool:
        return any(s <= pos < e for s, e in note_spans)

    # Markers: numbers glued to the body text that name an existing footnote.
    markers: list[Marker] = []
    furniture_starts = sorted(furniture)

    def in_furniture(pos: int) -> bool:
        i = bisect.bisect_right(furniture_starts, (pos, len(text)))
        return any(s <= pos < e for s, e in furniture_starts[max(0, i - 6) : i])

    reader_markers = [
        Marker(int(text[s:e]), s, e)
        for s, e in source.markers or ()
        if text[s:e].isdigit() and int(text[s:e]) in notes and not in_notes(s)
    ]
    # Notes written "1/ ..." are called by "1/" in the body: a marker as sure as a reader's (the slash and all).
    slashed = {n for n, (s, _) in notes.items() if SLASHED_NOTE_RE.match(text, s)}
    seen = {mk.number for mk in reader_markers}
    reader_markers += [
        Marker(int(m["num"]), m.start(), m.end())
        for m in (SLASH_MARKER_RE.finditer(text) if slashed else ())
        if int(m["num"]) in slashed
        and int(m["num"]) not in seen
        and not in_notes(m.start())
        and not in_furniture(m.start())
    ]
    reader_markers.sort(key=lambda mk: mk.start)
    if reader_markers:
        # The reader saw the markers in the layout (superscripts, note references): trust it, and look in
        # the text only for the notes it saw no marker of (a converter drew some markers on the line).
        markers = list(reader_markers)
        furniture.extend((mk.start, mk.end) for mk in markers)
        furniture_starts = sorted(furniture)
    by_reader = {mk.number for mk in reader_markers}
    if notes and not set(notes) <= by_reader:
        # Page numbers on lines of their own are not markers either.
        furniture.extend((m.start(), m.end()) for m in PAGE_LINE_RE.finditer(text))
        furniture_starts = sorted(furniture)
        last_first: dict[int, int] = {mk.number: mk.start for mk in sorted(reader_markers, key=lambda mk: -mk.start)}
        doubtful: dict[int, Marker] = {}
        days: set[int] = set()  # the notes whose doubtful marker is a day's number ("of 14 December 2022")
        candidates = sorted(
            [*MARKER_RE.finditer(text), *GLUED_YEAR_MARKER_RE.finditer(text)],
            key=lambda m: m.start("num" if m.re is GLUED_YEAR_MARKER_RE else 0),
        )
        for m in candidates:
            glued_year = m.re is GLUED_YEAR_MARKER_RE
            num = m.group("num") if glued_year else m.group(0)
            start = m.start("num") if glued_year else m.start()
            if not start or num.startswith("0") or (text[start - 1].isdigit() and not glued_year):
                continue
            if NUMBER_GOES_ON_RE.match(text, m.end()):
                continue  # a number's first digits ("(a) 1.3 billion", "4,995,400 dollars")
            before = text[start - 1]
            if before == "." and text[start - 2 : start - 1].isdigit() and DECIMAL_AFTER_RE.match(text, m.end()):
                continue  # a decimal's last digits ("4.14 per cent", "targets 15.3, 6.1")
            after_year = day = False
            if glued_year:
                spaced = after_year = True  # "201814": the next note only, as after a spaced year
            elif before.isalpha() or before in _GLUED_BEFORE:
                acronym = before.isupper() and text.startswith(")", m.end())
                if acronym and ACRONYM_BEFORE_RE.search(text, start - 7, start):
                    continue  # "(GP20)"
                spaced = False
            elif before == " " and start > 1 and (text[start - 2].isalpha() or text[start - 2] in _GLUED_BEFORE):
                if not SPACED_AFTER_RE.match(text, m.end()) or ACTION_RE.match(text, start - 7, m.end() + 1):
                    continue
                spaced = True
                day = bool(MONTH_AFTER_RE.match(text, m.end()))
            elif (
                before in " \n"
                and YEAR_BEFORE_RE.match(text, max(0, start - 6), start)
                and (SPACED_AFTER_RE if before == " " else _WORD_AFTER_RE).match(text, m.end())
            ):
                spaced = after_year = True  # "released on 27 January 2023 6 and the fourth": the next note only
            else:
                continue
            n = int(num)
            if after_year and n != max(last_first, default=min(notes) - 1) + 1:
                continue
            if n not in notes or n in by_reader or in_notes(start) or in_furniture(start):
                continue
            if day or (
                not after_year
                and (
                    NOT_MARKER_BEFORE_RE.search(text, max(0, start - 16), start)
                    or AGENDA_21_RE.match(text, max(0, start - 7))
                )
            ):
                # "the relevant review resolutions 3 and the debates": doubtful alone, a marker when the
                # notes before and after it are called on either side of it; a day's number ("of 14 December")
                # is the last choice, given up for any other doubtful marker of its note
                if n not in last_first and (n not in doubtful or (n in days and not day)):
                    doubtful[n] = Marker(n, start, start + len(num))
                    days.discard(n)
                    if day:
                        days.add(n)
                continue
            if spaced and n in last_first:
                continue
            if n not in last_first:
                missing = [k for k in notes if k < n and k not in last_first and k >= min(notes)]
                called = bool(missing) and _called_between(missing, n, doubtful, last_first, start)
                if spaced and missing and not called:
                    continue
                for k in missing if called else ():
                    last_first[k] = doubtful[k].start
                    markers.append(doubtful[k])
            last_first.setdefault(n, start)
            markers.append(Marker(n, start, start + len(num)))
        markers.sort(key=lambda mk: mk.start)
        furniture.extend((mk.start, mk.end) for mk in markers if mk.number not in by_reader)

    # Paragraphs of the body (everything outside the footnote spans). A
    # resolution's numbered paragraphs are operative even in an excerpt that
    # starts after "The General Assembly,"; its preambular paragraphs can
    # only be counted from there, so an excerpt leaves them unnumbered (p3).
    resolution = opening is not None or bool(symbol and RESOLUTION_SYMBOL_RE.search(symbol))
    body_regions = []
    cursor = 0
    for s, e in note_spans:
        if s > cursor:
            body_regions.append((cursor, s))
        cursor = max(cursor, e)
    if cursor < len(text):
        body_regions.append((cursor, len(text)))
    starts: dict[int, int | None] = {}
    for b, e in body_regions:
        starts.update(_paragraph_starts(text, b, e, resolution, marks))
    first = NONSPACE_RE.search(text, opening.end()) if opening else None
    if first and "\n" in text[opening.end() : first.start()] and not in_notes(first.start()):
        # the line under "The General Assembly" opens a paragraph, no blank line between (pdftotext's text of
        # A/RES/80/9: "The General Assembly" / "Adopts the 2025 Political Declaration ...")
        starts.setdefault(first.start(), None)
    positions = sorted(starts)
    region_ends = sorted(e for _, e in body_regions)
    paragraphs: list[Paragraph] = []
    pp = unnumbered = unnumbered_ops = 0
    operative_seen = False
    last_numbered = max((p for p in positions if starts[p] is not None), default=-1)
    opening_end = opening.end() if opening else -1
    words = _Words(text, furniture)
    numbered_at = [p for p in positions if starts[p] is not None]

    def next_number(pos: int) -> int | None:
        """The number of the first numbered paragraph after ``pos``."""
        j = bisect.bisect_right(numbered_at, pos)
        return starts[numbered_at[j]] if j < len(numbered_at) else None

    # each paragraph ends where the next begins, or at the end of its region (the notes after it)
    ends = [*positions[1:], len(text)]
    r = 0
    for i, pos in enumerate(positions):
        while r < len(region_ends) and region_ends[r] <= pos:
            r += 1
        end = ends[i] if r == len(region_ends) or ends[i] < region_ends[r] else region_ends[r]
        number = starts[pos]
        first_word = words.first(pos, end)
        if first_word is None:  # blank, or only a running head, job and page numbers
            continue
        if paragraphs and pos <= paragraphs[-1].content:  # the words after a number alone on its line
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.label, last.start, end, last.content)
            continue
        last = paragraphs[-1] if paragraphs else None
        if last and starts[last.start] is not None and words.first(last.content, last.end) is None:
            # a number with only furniture under it, its words after (pdftotext's "11." / the page's head
            # "A/RES/80/34" / "Recalls:", A/RES/80/34 and 79/75): they are its paragraph's
            paragraphs[-1] = Paragraph(last.label, last.start, end, pos)
            continue
        if number is None and paragraphs and words.continues(paragraphs[-1], first_word, end, next_number(pos)):
            last = paragraphs[-1]
            paragraphs[-1] = Paragraph(last.label, last.start, end, last.content)
            continue
        words_at = None  # where a numbered paragraph's words begin, after its number
        if number is not None and not resolution:
            num_m = NUMBER_PREFIX_RE.match(text, pos, pos + 40)
            words_at = num_m.end() if num_m else pos
            if (
                _numbered_heading(text, words_at, end)
                and not _goes_on_in_lower_case(text, end)  # the sentence goes on after a break: no heading
                and not _ends_mid_phrase(text, words_at, words.last(words_at, end) or words_at, clause=False)
            ):
                # nor when the block after it goes on with it ("7. In 2011, the Committee on the
                # Elimination of Discrimination against Women" / "(CEDAW) noted ... discrimination.")
                following = positions[i + 1] if i + 1 < len(positions) else None
                goes_on = False
                if following is not None and starts[following] is None:
                    following_end = positions[i + 2] if i + 2 < len(positions) else len(text)
                    r2 = bisect.bisect_right(region_ends, following)
                    if r2 < len(region_ends):
                        following_end = min(following_end, region_ends[r2])
                    following_word = words.first(following, following_end)
                    goes_on = following_word is not None and words.continues(
                        Paragraph(str(number), pos, end, words_at),
                        following_word,
                        following_end,
                        next_number(following),
                    )
                if not goes_on:
                    number = None  # a section's heading
        if number is not None:
            label = f"op{number}" if resolution and pos > opening_end else str(number)
            operative_seen = operative_seen or label.startswith("op")
        elif (
            opening and opening_end <= pos and pos > last_numbered and FINITE_OPENING_RE.match(text, first_word)
        ):  # an operative part of unnumbered paragraphs ("The Security Council / Decides to invite ...")
            operative_seen = True
            unnumbered_ops += 1
            label = f"op{unnumbered_ops}"
        elif opening and opening_end <= pos and not operative_seen:
            pp += 1
            label = f"pp{pp}"
        else:
            unnumbered += 1
            label = f"p{unnumbered}"
        content = pos
        if number is not None:
            if words_at is None:
                num_m = NUMBER_PREFIX_RE.match(text, pos, pos + 40)
                words_at = num_m.end() if num_m else pos
            content = words_at
        paragraphs.append(Paragraph(label, pos, end, content))

    def paragraph_at(pos: int) -> Paragraph | None:
        lo, hi = 0, len(paragraphs)
        while lo < hi:
            mid = (lo + hi) // 2
            if paragraphs[mid].start <= pos:
                lo = mid + 1
            else:
                hi = mid
        return paragraphs[lo - 1] if lo else None

    first_marker: dict[int, Marker] = {}
    for mk in markers:
        first_marker.setdefault(mk.number, mk)
    footnotes = []
    for n in sorted(notes):  # every anchor found in the body's paragraphs before the notes join them
        s, e = notes[n]
        first = first_marker.get(n)
        anchor = paragraph_at(first.start) if first else None
        footnotes.append(Footnote(n, s, e, anchor.label if anchor else None))
    paragraphs.extend(Paragraph(f"fn{fn.number}", fn.start, fn.end, fn.start) for fn in footnotes)
    paragraphs.sort(key=lambda p: p.start)

    return Document(
        source=source,
        symbol=symbol,
        organ=organ,
        paragraphs=tuple(paragraphs),
        footnotes=tuple(footnotes),
        markers=tuple(markers),
        furniture=tuple(sorted(furniture)),
        symbols=tuple(symbols),
        cues=cues,
        line_marks=marks,
    )


# --------------------------------------------------------------------------
# What a document says of itself: title, date, session, meeting.
MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
        start=1,
    )
}
ADOPTION_DATE_RE = re.compile(
    r"(?:[Aa]dopted\s+(?:unanimously\s+)?by\s+the\s+[A-Z][A-Za-z ]{3,40}?\s+(?:at\s+its\s+\d{1,5}\w{2}\s+meeting,\s+)?on"
    r"|adopted\s+by\s+the\s+[A-Z][A-Za-z ]{3,40}?\s+on)\s+(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)"
)
MEETING_RE = re.compile(
    r"(?m)^[ \t]*(?P<meeting>\d{1,5}(?:st|nd|rd|th)\s+(?:\(resumed\)\s+)?(?:plenary\s+)?meeting)[ \t]*$"
)  # "55th (resumed) plenary meeting" (A/RES/79/233)
MEETING_END_RE = re.compile(r"(?m)meeting[ \t]*$")  # a fast test: its literal opens the pattern
# Fast tests before the patterns that open on a choice or a line start: a literal opens each, which the
# regex engine looks for by substring search.
ADOPTED_BY_THE_RE = re.compile(r"dopted\s+(?:unanimously\s+)?by\s+the\s")
_AGENDA_WORDS_RE = re.compile(r"genda\s+items?\s+\d")


def _agenda_words(text: str, pos: int = 0, endpos: int | None = None, cues: Cues | None = None) -> bool:
    """Whether ``text[pos:endpos]`` may have the words AGENDA_RE needs: "agenda item 5" (the pattern opens on
    its literal, which the regex engine looks for as fast as ``in`` would, and looks at nothing before
    ``pos``: no slice of the text is needed), or the cue word of "Item 5 of the ..." (``cues``)."""
    endpos = len(text) if endpos is None else endpos
    cues = Cues(text) if cues is None else cues
    return cues.has("Item", pos, endpos) or _AGENDA_WORDS_RE.search(text, pos, endpos) is not None


def _meeting_line(text: str, marks: list[int]) -> re.Match[str] | None:
    """``MEETING_RE.search(text)``, tried only where the pattern can open: at the text's start and after
    each of its ``line_marks`` (a meeting line opens on a number, so the break before it is one)."""
    for at in itertools.chain((0,), (mark + 1 for mark in marks)):
        m = MEETING_RE.match(text, at)
        if m:
            return m
    return None


# A title line that ends on one of these words, or is followed by a line in lower case, goes on at
# the next line ("Political declaration of the high-level meeting of the" / "General Assembly on the
# fight against tuberculosis"; "... commercial and financial" / "embargo imposed by ...").
_TITLE_GOES_ON = frozenset(
    [
        "a",
        "an",
        "and",
        "the",
        "of",
        "on",
        "in",
        "for",
        "to",
        "by",
        "with",
        "against",
        "from",
        "its",
        "their",
        "at",
        "or",
        "between",
        "concerning",
        "regarding",
    ]
)


def _whole_title(first: str, text: str, end: int) -> str:
    r"""A title line joined with the lines that continue it (at most three), spaces normalised.

    >>> _whole_title("Declaration of the", "x\n\nMeeting on peace\n\nThe General Assembly", 1)
    'Declaration of the Meeting on peace'
    >>> _whole_title("Ending the financial", "x\nembargo on Cuba\nThe General Assembly", 1)
    'Ending the financial embargo on Cuba'
    >>> _whole_title("Protection of migrants", "x\n\nThe General Assembly,", 1)
    'Protection of migrants'
    """
    title = " ".join(first.split())
    pos = end
    for _ in range(3):
        nxt = re.compile(r"\n[ \t]*(?:\n[ \t]*)?([^\n]{2,200})").match(text, pos)
        if not nxt:
            break
        last = title.rsplit(" ", 1)[-1].lower()
        if last not in _TITLE_GOES_ON and not nxt.group(1)[0].islower():
            break
        title += " " + " ".join(nxt.group(1).split())
        pos = nxt.end()
    return title


_TITLE_LINE = r"[ \t]*(?:(?:E?S-)?\d{1,2}|(?:19|20)\d\d)/\d{1,4}\.?[ \t]+(?P<title>[A-Z][^\n]{3,200})$"
TITLE_LINE_RE = re.compile(r"(?m)^" + _TITLE_LINE)
# The same after a line break: a pattern opening on a literal is searched for fast (on a line start, the
# regex engine tries every position); ``_title_line`` reads the text's first line with TITLE_LINE_RE.
_TITLE_NEXT_LINE_RE = re.compile(r"(?m)\n" + _TITLE_LINE)


def _title_line(head: str) -> re.Match[str] | None:
    """``TITLE_LINE_RE.search(head)``: its first line, or the first after a line break ("78/1. Title")."""
    return TITLE_LINE_RE.match(head) or _TITLE_NEXT_LINE_RE.search(head)


SESSION_RE = re.compile(r"^A/(?:HRC/)?(?:RES/|DEC/)?(?:(?:E?S-)?)(?P<session>\d{1,2})/")
AGENDA_RE = re.compile(
    r"(?m)^[ \t]*(?:Provisional\s+)?[Aa]genda\s+items?\s+(?P<item>\d{1,3}(?:\s?\([a-z]\))?(?:(?:,|\s+and)\s+\d{1,3}(?:\s?\([a-z]\))?){0,6})[ \t]*$"
    r"|^[ \t]*Item\s+(?P<item2>\d{1,3}(?:\s?\([a-z]\))?)\s+of\s+the\s+(?:provisional\s+)?agenda\b"
)
DISTRIBUTED_RE = re.compile(
    r"Distr\.:?\s*(?:General|GENERAL|Limited|LIMITED|Restricted|RESTRICTED)\s+(?:[A-Z]{1,6}/[\w./-]{1,60}\s+)?(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s+(?P<year>(?:19|20)\d\d)"
)
ORIGINAL_RE = re.compile(r"Original:\s*(?P<lang>(?i:English|French|Spanish|Russian|Arabic|Chinese))\b")
COMMITTEE_REPORT_RE = re.compile(
    r"\[\s*(?:on\s+the\s+report\s+of\s+the\s+(?P<committee>[A-Z][A-Za-z ]{2,60}?Committee)"
    r"|(?P<none>without\s+reference\s+to\s+a\s+Main\s+Committee))\s*\((?P<docs>[^()\]]{3,120})\)\s*\]"
)
LANGUAGES = {"English": "en", "French": "fr", "Spanish": "es", "Russian": "ru", "Arabic": "ar", "Chinese": "zh"}
_STOPWORDS = {
    "en": (" the ", " of ", " and ", " to ", " that ", " is "),
    "fr": (" le ", " la ", " les ", " des ", " et ", " du "),
    "es": (" el ", " los ", " las ", " del ", " y ", " que "),
}
_STOPWORD_LANGUAGE = {w.strip(): lang for lang, words in _STOPWORDS.items() for w in words}
_OTHER_SCRIPT_RE = re.compile("[\u0400-\u9fff]")  # holds every range of _SCRIPTS
_SCRIPTS = {
    "ru": re.compile("[\u0400-\u04ff]"),
    "ar": re.compile("[\u0600-\u06ff]"),
    "zh": re.compile("[\u4e00-\u9fff]"),
}


def text_language(text: str) -> str | None:
    """The language of a text, by its script or its commonest words (en, fr, es, ru, ar, zh).

    Read from the first 1,000 characters with string counts (tens of
    microseconds a document).

    >>> text_language("Recalling its resolution 60/169 of 16 December 2005 on the protection of migrants")
    'en'
    """
    sample = text[:1000]
    # A letter of those scripts takes two or three bytes in UTF-8: fewer extra bytes than 30 % of the
    # sample, and no script can hold 30 % of it (a fast test; curly quotes and accents are no sign).
    if len(sample.encode("utf-8", "surrogatepass")) - len(sample) > len(sample) * 0.3 and _OTHER_SCRIPT_RE.search(
        sample
    ):
        for script, pattern in _SCRIPTS.items():
            if len(pattern.findall(sample)) > len(sample) * 0.3:
                return script
    # the languages of the stop words that have a word on either side (the last may be cut)
    found = list(filter(None, map(_STOPWORD_LANGUAGE.get, sample.lower().split()[1:-1])))
    lang, best = max(((lang, found.count(lang)) for lang in _STOPWORDS), key=lambda kv: kv[1])
    return lang if best >= 3 else None


# What may stand on the line of an adoption heading before "adopted" ("Resolution adopted by ...", "[Adopted
# by ...") and after its date (a closing bracket or full stop, a marker, another column of a laid-out page).
_HEADING_BEFORE_ADOPTED_RE = re.compile(r"[ \t]*[\[(]?[ \t]*(?:(?:Resolution|Decision|RESOLUTION|DECISION)[ \t]+)?")
_HEADING_AFTER_DATE_RE = re.compile(r"\.?[\])]?\.?[ \t]*\d{0,3}[ \t]*(?:(?:[ \t]{2,}|\t)\S[^\n]*)?(?:\n|$)")


def _adoption_heading(head: str) -> re.Match[str] | None:
    """The first adoption date that heads the text ("Resolution adopted by the General Assembly on 19 December
    2006", "Adopted by the Security Council at its 4385th meeting, on 28 September 2001"), not one the prose
    tells ("the partition plan adopted by the Assembly on 29 November 1947 [resolution 181 (II)]")."""
    for m in ADOPTION_DATE_RE.finditer(head):
        line_start = head.rfind("\n", 0, m.start()) + 1
        if _HEADING_BEFORE_ADOPTED_RE.fullmatch(head, line_start, m.start()) and _HEADING_AFTER_DATE_RE.match(
            head, m.end()
        ):
            return m
    return None


_HEAD_CHARS = 6000  # where a masthead and an adoption heading stand
_TAIL_CHARS = 3000  # where an ODS text export sets its masthead


def document_metadata(
    text: str, symbol: str | None, cues: Cues | None = None, marks: list[int] | None = None
) -> dict[str, str]:
    """Title, date of adoption, session and meeting, where the text states them (``cues``: where its cue
    words stand, ``marks``: its ``line_marks``, when the caller knows them).

    >>> text = "Resolution adopted by the General Assembly on 19 December 2006\\n61/165.\\tProtection of migrants\\n"
    >>> document_metadata(text + "81st plenary meeting\\n", "A/RES/61/165")
    {'date': '2006-12-19', 'title': 'Protection of migrants', 'meeting': '81st plenary meeting', 'session': '61'}
    """
    head_span = 0, _HEAD_CHARS  # the patterns search the head in place (from 0, as if the text ended there): no copy
    cues = Cues(text) if cues is None else cues

    def in_head(needle: str) -> bool:
        return text.find(needle, *head_span) >= 0

    out: dict[str, str] = {}
    m = (
        _adoption_heading(text[:_HEAD_CHARS])
        if in_head("dopted") and ADOPTED_BY_THE_RE.search(text, *head_span)
        else None
    )
    if m and m.group("month") in MONTHS:
        out["date"] = f"{m.group('year')}-{MONTHS[m.group('month')]:02d}-{int(m.group('day')):02d}"
    if in_head("/"):
        head_text = text[:_HEAD_CHARS]
        t = _title_line(head_text)
        if t:
            out["title"] = _whole_title(t.group("title"), head_text, t.end())
    meeting = _meeting_line(text, line_marks(text) if marks is None else marks)
    if meeting:
        out["meeting"] = " ".join(meeting.group("meeting").split())
    s = SESSION_RE.match(symbol or "")
    if s:
        out["session"] = s.group("session")
    # The masthead opens the text, or closes it in ODS text exports.
    parts = (head_span, (max(0, len(text) - _TAIL_CHARS), len(text)))
    a = next(
        (m for lo, hi in parts if _agenda_words(text, lo, hi, cues) for m in [AGENDA_RE.search(text[lo:hi])] if m), None
    )
    if a:
        out["agenda_item"] = " ".join((a.group("item") or a.group("item2")).split())
    d = DISTRIBUTED_RE.search(text, *head_span) if cues.has("Distr", *head_span) else None
    if d and d.group("month") in MONTHS:
        out["distributed"] = f"{d.group('year')}-{MONTHS[d.group('month')]:02d}-{int(d.group('day')):02d}"
    o = ORIGINAL_RE.search(text, *head_span) if cues.has("Original", *head_span) else None
    if o:
        out["original_language"] = LANGUAGES[o.group("lang").title()]
    c = COMMITTEE_REPORT_RE.search(text, *head_span) if cues.has("Committee", *head_span) else None
    if c:
        out["committee"] = " ".join((c.group("committee") or c.group("none")).split())
        reports = g.parse_symbols(c.group("docs"))
        if reports:
            out["report" if c.group("committee") else "draft"] = reports[0].targets[0]
    return out
