"""Word (.docx) to text: paragraphs, list numbering, tables, footnotes and endnotes.

A .docx is a zip of XML parts (ECMA-376, WordprocessingML). The reader
reads them with the standard library (``zipfile``, ``xml.etree``): the
body of ``word/document.xml`` in order, the list numbering that Word draws
but does not store in the text (``word/numbering.xml``, also through
paragraph styles), the tables row by row, and the real footnotes and
endnotes (``word/footnotes.xml``, ``word/endnotes.xml``), which
python-docx does not expose.

The text it gives:

- one paragraph per block, a blank line between blocks; a numbered
  paragraph opens on its number as Word shows it ("12.", "(a)") and a tab;
- a table row is one block, its cells separated by `` | ``;
- a footnote reference is written as its number glued to the text
  ("Rights,2") and reported as a marker; the notes follow the body under a
  separator line, one a line ("2 Resolution 217 A (III)."). Endnotes follow
  the footnotes and are numbered after them;
- the header of the first page (the running head with the document's
  symbol) opens the text once, as on the first page of a PDF; other headers
  and the footers (page and job numbers) are page furniture and left out.
"""

from __future__ import annotations

import itertools
import zipfile
from io import BytesIO
from xml.etree import ElementTree as ET

from unkg.errors import SourceError
from unkg.read.limits import bomb

_CHUNK = 1024 * 1024
_MAX_NUMBER = 32767

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DC = "{http://purl.org/dc/elements/1.1/}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
APP = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
SEPARATOR = "__________"


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                           (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):  # fmt: skip
        while n >= value:
            out += letters
            n -= value
    return out


def _letters(n: int) -> str:
    """Word's letter numbering: a..z, then aa..zz."""
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list number in one of Word's formats.

    >>> [format_number(4, f) for f in ("decimal", "lowerLetter", "upperRoman", "bullet")]
    ['4', 'd', 'IV', '•']
    """
    if fmt in ("lowerLetter", "upperLetter", "lowerRoman", "upperRoman") and not 0 < n <= _MAX_NUMBER:
        return str(n)  # Word numbers up to 32767; a hostile start value would spell out a huge label
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n)
    if fmt == "upperRoman":
        return _roman(n).upper()
    if fmt == "bullet":
        return "•"
    if fmt == "none":
        return ""
    return str(n)


class _Numbering:
    """List numbering: the counters Word keeps for each list while it draws it."""

    def __init__(self, root: ET.Element | None, styles: ET.Element | None) -> None:
        self.levels: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        abstract: dict[str, dict[int, tuple[str, str, int, str]]] = {}
        if root is not None:
            for a in root.iter(f"{W}abstractNum"):
                lv: dict[int, tuple[str, str, int, str]] = {}
                for lvl in a.iter(f"{W}lvl"):
                    ilvl = int(lvl.get(f"{W}ilvl", "0"))
                    fmt = lvl.find(f"{W}numFmt")
                    text = lvl.find(f"{W}lvlText")
                    start = lvl.find(f"{W}start")
                    suff = lvl.find(f"{W}suff")
                    lv[ilvl] = (
                        fmt.get(f"{W}val", "decimal") if fmt is not None else "decimal",
                        text.get(f"{W}val", "") if text is not None else "",
                        int(start.get(f"{W}val", "1")) if start is not None else 1,
                        suff.get(f"{W}val", "tab") if suff is not None else "tab",
                    )
                abstract[a.get(f"{W}abstractNumId", "")] = lv
            for num in root.iter(f"{W}num"):
                ref = num.find(f"{W}abstractNumId")
                if ref is not None:
                    self.levels[num.get(f"{W}numId", "")] = abstract.get(ref.get(f"{W}val", ""), {})
        if styles is not None:
            for style in styles.iter(f"{W}style"):
                num_pr = style.find(f"{W}pPr/{W}numPr")
                if num_pr is not None:
                    num_id = num_pr.find(f"{W}numId")
                    ilvl = num_pr.find(f"{W}ilvl")
                    if num_id is not None:
                        self.style_num[style.get(f"{W}styleId", "")] = (
                            num_id.get(f"{W}val", ""),
                            int(ilvl.get(f"{W}val", "0")) if ilvl is not None else 0,
                        )

    def label(self, p: ET.Element) -> str:
        """The number Word draws before paragraph ``p`` (with its tab), or ''."""
        ppr = p.find(f"{W}pPr")
        if ppr is None:
            return ""
        num_pr = ppr.find(f"{W}numPr")
        num_id, ilvl = None, 0
        style = ppr.find(f"{W}pStyle")
        if style is not None and style.get(f"{W}val", "") in self.style_num:
            num_id, ilvl = self.style_num[style.get(f"{W}val", "")]
        if num_pr is not None:
            nid = num_pr.find(f"{W}numId")
            lvl = num_pr.find(f"{W}ilvl")
            if nid is not None:
                num_id = nid.get(f"{W}val", "")
            if lvl is not None:
                ilvl = int(lvl.get(f"{W}val", "0"))
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        _fmt, text, start, suff = levels[ilvl]
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        out = text
        for k in range(9):
            if f"%{k + 1}" in out:
                kfmt, _t, kstart, _s = levels.get(k, ("decimal", "", 1, "tab"))
                out = out.replace(f"%{k + 1}", format_number(counters.get(k, kstart), kfmt))
        if not out:
            return ""
        return out + {"tab": "\t", "space": " "}.get(suff, "")


class _Writer:
    """The text being written, with the footnote markers placed in it."""

    def __init__(self, notes: dict[tuple[str, str], int], body_size: int = 0) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.markers: list[tuple[int, int]] = []
        self.notes = notes  # (kind, id) -> number shown
        self.body_size = body_size  # the paragraph's usual font size (half-points), 0 if not told

    def _raised(self, run: ET.Element) -> str | None:
        """The number a run raises as a note's marker: superscript digits, or digits in a font much smaller
        than the paragraph's glued to the word before (a PDF converted to Word draws superscripts so)."""
        props = run.find(f"{W}rPr")
        if props is None:
            return None
        text = "".join(t.text or "" for t in run.iter(f"{W}t")).strip()
        if not (text.isdigit() and len(text) <= 3 and self.parts and self.parts[-1][-1:].strip()):
            return None
        align = props.find(f"{W}vertAlign")
        if align is not None and align.get(f"{W}val") == "superscript":
            return text
        size = _size(props)
        return text if size and self.body_size and size <= 0.75 * self.body_size else None

    def write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def runs(self, el: ET.Element) -> None:
        """The text of the runs under ``el``, in order."""
        for child in el:
            tag = child.tag
            if tag == f"{W}t":
                self.write(child.text or "")
            elif tag == f"{W}tab":
                self.write("\t")
            elif tag in (f"{W}br", f"{W}cr"):
                self.write("\n")
            elif tag == f"{W}noBreakHyphen":
                self.write("-")
            elif tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
                kind = "footnote" if tag == f"{W}footnoteReference" else "endnote"
                number = self.notes.get((kind, child.get(f"{W}id", "")))
                if number is not None:
                    text = str(number)
                    self.markers.append((self.length, self.length + len(text)))
                    self.write(text)
            elif tag in (f"{W}del", f"{W}instrText", f"{W}delText", f"{W}rPr", f"{W}pPr"):
                continue
            elif tag == f"{W}r" and (raised := self._raised(child)):
                self.markers.append((self.length, self.length + len(raised)))
                self.write(raised)
            else:
                self.runs(child)  # runs, hyperlinks, insertions, smart tags, fields, content controls


def _size(props: ET.Element) -> int:
    """A run's font size in half-points (``w:sz``), 0 if not told."""
    sz = props.find(f"{W}sz")
    value = sz.get(f"{W}val", "") if sz is not None else ""
    return int(value) if value.isdigit() else 0


def _body_size(p: ET.Element) -> int:
    """The font size most of a paragraph's characters are written in (0 if no run tells)."""
    sizes: dict[int, int] = {}
    for run in p.iter(f"{W}r"):
        props = run.find(f"{W}rPr")
        size = _size(props) if props is not None else 0
        if size:
            sizes[size] = sizes.get(size, 0) + sum(len(t.text or "") for t in run.iter(f"{W}t"))
    return max(sizes, key=sizes.__getitem__) if sizes else 0


def _paragraph_text(p: ET.Element, numbering: _Numbering, notes: dict[tuple[str, str], int]) -> tuple[str, list]:
    w = _Writer(notes, _body_size(p))
    w.write(numbering.label(p))
    w.runs(p)
    return "".join(w.parts), w.markers


def _blocks(body: ET.Element, numbering: _Numbering, notes: dict[tuple[str, str], int]):
    """(text, markers) of each block of the body: paragraphs and table rows."""
    for el in body:
        if el.tag == f"{W}p":
            yield _paragraph_text(el, numbering, notes)
        elif el.tag == f"{W}tbl":
            for row in el.iter(f"{W}tr"):
                cells: list[str] = []
                marks: list[tuple[int, int]] = []
                for cell in row.findall(f"{W}tc"):
                    texts = []
                    for p in cell.iter(f"{W}p"):
                        t, m = _paragraph_text(p, numbering, notes)
                        base = sum(len(c) + 3 for c in cells) + sum(len(x) + 1 for x in texts)
                        marks.extend((s + base, e + base) for s, e in m)
                        texts.append(t)
                    if cells or " ".join(texts).strip():
                        cells.append(" ".join(texts))
                    # a row opens on its first cell that holds text: a converter draws a paragraph's hanging
                    # number in a cell of its own, the cells to the left of it empty ("98." | "The Government ...")
                yield " | ".join(cells), marks
        elif el.tag == f"{W}sdt":
            content = el.find(f"{W}sdtContent")
            if content is not None:
                yield from _blocks(content, numbering, notes)


class _Parts:
    """The XML parts of one .docx, each inflated under the limit, and all of them together under it too.

    The sizes the zip's directory declares may refuse a part before a byte
    is inflated, never admit one: the bytes actually inflated are counted
    as they stream, and reading stops at the limit.
    """

    def __init__(self, zf: zipfile.ZipFile, path: str, limit: int) -> None:
        self.zf = zf
        self.path = path
        self.limit = limit
        self.left = limit  # what all parts read so far may still inflate to
        self.names = set(zf.namelist())
        self.cache: dict[str, ET.Element | None] = {}

    def _bomb(self, name: str, declared: int) -> SourceError:
        together = self.left < self.limit and declared <= self.limit
        return SourceError(self.path, bomb(f"{name} with the parts before it" if together else name, self.limit))

    def inflate(self, name: str) -> bytes:
        """The bytes of one member, or SourceError once they pass what is left of the limit."""
        declared = self.zf.getinfo(name).file_size
        if declared > self.left:
            raise self._bomb(name, declared)
        pieces: list[bytes] = []
        total = 0
        with self.zf.open(name) as member:
            while piece := member.read(min(_CHUNK, self.left - total + 1)):
                total += len(piece)
                if total > self.left:
                    raise self._bomb(name, declared)
                pieces.append(piece)
        self.left -= total
        return b"".join(pieces)

    def xml(self, name: str) -> ET.Element | None:
        """The parsed part ``name``, or None when the package has none."""
        if name not in self.cache:
            if name not in self.names:
                self.cache[name] = None
            else:
                try:
                    self.cache[name] = ET.fromstring(self.inflate(name))
                except ET.ParseError as exc:
                    raise SourceError(self.path, f"corrupt Word .docx ({name}: {exc})") from None
        return self.cache[name]


def _note_bodies(root: ET.Element | None, kind: str) -> list[tuple[str, ET.Element]]:
    if root is None:
        return []
    return [(n.get(f"{W}id", ""), n) for n in root.findall(f"{W}{kind}") if n.get(f"{W}type") is None]


def _running_head(parts: _Parts, document: ET.Element | None) -> ET.Element | None:
    """The header Word draws on the first page (the running head with the symbol), if any."""
    if document is None:
        return None
    sect = next(document.iter(f"{W}sectPr"), None)  # the first section's settings
    if sect is None:
        return None
    refs = {r.get(f"{W}type", "default"): r.get(f"{R}id", "") for r in sect.findall(f"{W}headerReference")}
    rid = refs.get("first") if sect.find(f"{W}titlePg") is not None else None
    rid = rid or refs.get("default")
    rels = parts.xml("word/_rels/document.xml.rels")
    if not rid or rels is None:
        return None
    for rel in rels:
        if rel.get("Id") == rid and rel.get("Target"):
            target = rel.get("Target", "").lstrip("/")
            return parts.xml(target if target.startswith("word/") else f"word/{target}")
    return None


def read_docx(data: bytes, path: str, max_bytes: int) -> tuple[str, tuple[tuple[int, int], ...], dict[str, str]]:
    """(text, footnote markers, metadata) of a .docx. Raises SourceError.

    The parts read (at most ten) may inflate to ``max_bytes`` each and
    together; past that the file is refused as a zip bomb.
    """
    try:
        zf = zipfile.ZipFile(BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise SourceError(path, f"corrupt Word .docx (not a readable zip: {exc})") from None
    with zf:
        parts = _Parts(zf, path, max_bytes)
        try:
            document = parts.xml("word/document.xml")
            styles = parts.xml("word/styles.xml")
            numbering = _Numbering(parts.xml("word/numbering.xml"), styles)
            footnotes = parts.xml("word/footnotes.xml")
            endnotes = parts.xml("word/endnotes.xml")
            core = parts.xml("docProps/core.xml")
            app = parts.xml("docProps/app.xml")
            head = _running_head(parts, document)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise SourceError(path, f"corrupt Word .docx ({exc})") from None
    if document is None:
        raise SourceError(path, "corrupt Word .docx (no word/document.xml)")
    body = document.find(f"{W}body")
    if body is None:
        raise SourceError(path, "corrupt Word .docx (word/document.xml has no body)")

    # Notes are numbered in the order their references appear, as Word shows them.
    notes: dict[tuple[str, str], int] = {}
    for ref in body.iter():
        if ref.tag in (f"{W}footnoteReference", f"{W}endnoteReference"):
            kind = "footnote" if ref.tag == f"{W}footnoteReference" else "endnote"
            key = (kind, ref.get(f"{W}id", ""))
            if key not in notes and ref.get(f"{W}customMarkFollows") not in ("1", "true"):
                notes[key] = 0
    ordered = sorted(notes, key=lambda k: k[0] == "endnote")  # footnotes first, then endnotes
    for i, key in enumerate(ordered, start=1):
        notes[key] = i

    parts: list[str] = []
    markers: list[tuple[int, int]] = []
    length = 0
    blocks = _blocks(body, numbering, notes)
    if head is not None:
        # The running head opens the text once, as on the first page of the PDF.
        no_refs: dict[tuple[str, str], int] = {}
        head_text = " ".join(_paragraph_text(p, numbering, no_refs)[0].strip() for p in head.iter(f"{W}p")).strip()
        if head_text:
            blocks = itertools.chain([(head_text, [])], blocks)
    for text, marks in blocks:
        if not text.strip():
            continue
        if parts:
            parts.append("\n\n")
            length += 2
        markers.extend((s + length, e + length) for s, e in marks)
        parts.append(text)
        length += len(text)
    bodies = {("footnote", i): n for i, n in _note_bodies(footnotes, "footnote")}
    bodies.update({("endnote", i): n for i, n in _note_bodies(endnotes, "endnote")})
    written = [(notes[k], bodies[k]) for k in ordered if k in bodies]
    if written:
        parts.append(f"\n\n{SEPARATOR}")
        no_refs: dict[tuple[str, str], int] = {}
        for number, note in written:
            texts = [_paragraph_text(p, numbering, no_refs)[0].strip() for p in note.iter(f"{W}p")]
            parts.append(f"\n{number} " + " ".join(t for t in texts if t))
    text = "".join(parts).rstrip() + "\n"
    if not text.strip():
        raise SourceError(path, "Word .docx has no text")

    metadata: dict[str, str] = {}
    if core is not None:
        title = core.find(f"{DC}title")
        if title is not None and (title.text or "").strip():
            metadata["title"] = " ".join(title.text.split())
        lang = core.find(f"{DC}language")
        if lang is not None and (lang.text or "").strip():
            metadata["language"] = lang.text.strip()
    if "language" not in metadata and styles is not None:
        lang_el = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}lang")
        if lang_el is not None and lang_el.get(f"{W}val"):
            metadata["language"] = lang_el.get(f"{W}val", "")
    if app is not None:
        pages = app.find(f"{APP}Pages")
        if pages is not None and (pages.text or "").strip().isdigit():
            metadata["pages"] = pages.text.strip()
    return text, tuple(markers), metadata
