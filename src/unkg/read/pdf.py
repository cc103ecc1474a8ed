"""PDF to text with pypdfium2: positioned lines per page, then layout cleanup.

pypdfium2 (PDFium, the engine of Chromium's viewer) was chosen by measure:
``benchmarks/read_throughput.py`` compares it with pdfplumber and
pdfminer.six on the dev PDFs in one run (speed and recall on the gold);
see benchmarks/README.md, "Readers".

Each page's text comes from PDFium in content order, one segment per text
line it found; segments are placed by their loose character boxes (the font's
full height), gathered into lines top to bottom, and handed to
:func:`unkg.read.layout.compose`. A digit set smaller than its line, or
raised above its baseline, is a superscript: a footnote marker.
"""

from __future__ import annotations

import statistics

from unkg.errors import SourceError
from unkg.read.layout import Composed, Line, Page, compose
from unkg.read.limits import DEFAULT_MAX_BYTES, bomb
from unkg.read.streams import StreamTooLarge, check_streams


def _place(textpage, text: str, pos: int, end: int):
    """(start, end, box, height of the first letter) of text[pos:end], or None when blank."""
    seg = text[pos:end]
    if not seg.strip():
        return None
    first = pos + (len(seg) - len(seg.lstrip()))
    last = pos + len(seg.rstrip()) - 1
    try:
        fl, fb, _fr, ft = textpage.get_charbox(first, loose=True)
        _ll, lb, lr, lt = textpage.get_charbox(last, loose=True)
        letter = next((pos + k for k, ch in enumerate(seg) if ch.isalpha()), None)
        height = None
        bottom, top = fb, ft
        if letter is not None:
            _l, b, _r, t = textpage.get_charbox(letter, loose=True)
            height, bottom, top = t - b, b, t
        return (pos, end, (fl, min(bottom, fb, lb), lr, max(top, ft, lt)), height)
    except Exception:  # a glyph PDFium cannot place: keep the text, unplaced
        return (pos, end, (0.0, 0.0, 0.0, 0.0), None)


def _split(textpage, text: str, placed: tuple) -> list[tuple]:
    """A segment PDFium ran over two lines (it joins a word hyphenated at a
    line end with the next line), split where the text goes back left and down."""
    pos, end, box, height = placed
    if not height or box[3] - box[1] < 1.6 * height:
        return [placed]
    prev = None
    for k in range(pos, end):
        if text[k].isspace():
            continue
        try:
            left, bottom, _r, _t = textpage.get_charbox(k, loose=True)
        except Exception:
            continue
        if prev is not None and left < prev[0] - 3 * height and bottom < prev[1] - 0.5 * height:
            head = _place(textpage, text, pos, k)
            tail = _place(textpage, text, k, end)
            return ([head] if head else []) + (_split(textpage, text, tail) if tail else [])
        prev = (left, bottom)
    return [placed]


def _segments(textpage, text: str) -> list[tuple[int, int, tuple[float, float, float, float], float | None]]:
    """(start, end, box of the segment, height of its first letter) per PDFium line."""
    out = []
    pos = 0
    n = len(text)
    while pos < n:
        nl = text.find("\r\n", pos)
        end = n if nl < 0 else nl
        placed = _place(textpage, text, pos, end)
        if placed:
            out.extend(_split(textpage, text, placed))
        pos = end + 2
    return out


def _spurious_space(textpage, index: int, size: float, start: int, seg: str) -> bool:
    """A space PDFium made up inside a word ("peopl e", "St ates").

    Where a PDF sets its word spaces as characters, a space PDFium
    generated from a gap between two glyphs narrower than a fifth of an em
    is a gap inside a word (a justified line spreads its letters). Where
    every space is generated (older PDFs), tight lines have narrow word
    spaces too, and none is dropped.
    """
    import pypdfium2.raw as pdfium_c

    if not pdfium_c.FPDFText_IsGenerated(textpage, index):
        return False
    try:
        _l, _b, before, _t = textpage.get_charbox(index - 1, loose=True)
        after, _b, _r, _t = textpage.get_charbox(index + 1, loose=True)
    except Exception:
        return False
    gap = after - before
    if not 0 <= gap < 0.2 * size:
        return False
    real = []
    for k, ch in enumerate(seg):
        if ch == " " and 0 < k < len(seg) - 1 and not pdfium_c.FPDFText_IsGenerated(textpage, start + k):
            try:
                right = textpage.get_charbox(start + k - 1, loose=True)[2]
                real.append(textpage.get_charbox(start + k + 1, loose=True)[0] - right)
            except Exception:
                continue
    # Narrow against this line's own word spaces: a justified line's spaces are all wide or all tight.
    return bool(real) and gap < 0.5 * statistics.median(real)


def _page_lines(textpage, text: str) -> list[Line]:
    """The lines of one page, top to bottom, with superscript digits marked."""
    segments = _segments(textpage, text)
    placed = [s for s in segments if s[2] != (0.0, 0.0, 0.0, 0.0)]
    unplaced = [s for s in segments if s[2] == (0.0, 0.0, 0.0, 0.0)]
    placed.sort(key=lambda s: -(s[2][1] + s[2][3]) / 2)
    groups: list[list[tuple]] = []
    for seg in placed:
        _l, b, _r, t = seg[2]
        if groups:
            gb = min(s[2][1] for s in groups[-1])
            gt = max(s[2][3] for s in groups[-1])
            overlap = min(t, gt) - max(b, gb)
            if overlap > 0.5 * min(t - b, gt - gb):
                groups[-1].append(seg)
                continue
        groups.append([seg])
    groups.extend([s] for s in unplaced)
    lines: list[Line] = []
    for group in groups:
        group.sort(key=lambda s: s[2][0])
        sized = [s for s in group if s[3]]
        main = max(sized, key=lambda s: s[1] - s[0]) if sized else group[0]
        size = main[3] or (main[2][3] - main[2][1])
        _ml, main_bottom, _mr, _mt = main[2]
        parts: list[str] = []
        supers: list[tuple[int, int]] = []
        length = 0
        prev_right = None
        for start, end, box, own in group:
            seg = text[start:end]
            if parts and prev_right is not None:
                gap = box[0] - prev_right
                if gap > 0.2 * size and not parts[-1].endswith(" ") and not seg.startswith(" "):
                    sep = "  " if gap > 1.5 * size else " "
                    parts.append(sep)
                    length += len(sep)
            # Digits are measured against the letters of their own segment
            # (a masthead symbol in large type is no superscript), or the
            # line's when the segment has none.
            ref = max(own or 0.0, size)
            ref_bottom = min(box[1], main_bottom) if own else main_bottom
            out_seg: list[str] = []
            for k, ch in enumerate(seg):
                inside_word = ch == " " and 0 < k < len(seg) - 1 and seg[k - 1].isalpha() and seg[k + 1].isalpha()
                if inside_word and _spurious_space(textpage, start + k, ref, start, seg):
                    continue
                if ch.isdigit():
                    try:
                        _l, b, _r, t = textpage.get_charbox(start + k, loose=True)
                    except Exception:
                        b = t = None
                    if (
                        b is not None
                        and b > ref_bottom + 0.15 * ref
                        and ((t - b) < 0.85 * ref or b > ref_bottom + 0.25 * ref)
                    ):
                        here = length + len(out_seg)
                        if supers and supers[-1][1] == here:
                            supers[-1] = (supers[-1][0], here + 1)
                        else:
                            prev_ch = out_seg[-1] if out_seg else (parts[-1][-1:] if parts else "")
                            if prev_ch.isdigit():  # "2015–2030" + marker 3: keep the year whole
                                out_seg.append(" ")
                                here += 1
                            supers.append((here, here + 1))
                out_seg.append(ch)
            seg = "".join(out_seg)
            parts.append(seg)
            length += len(seg)
            prev_right = box[2]
        line_text = "".join(parts)
        # A marker is a short run after a word or punctuation, not a line's own number.
        marks = []
        for s, e in supers:
            before = line_text[:s].rstrip()
            if (
                e - s <= 3
                and before
                and (before[-1].isalnum() or before[-1] in ',.;:)”’"]')
                and (s == len(before) or line_text[s - 1] == " ")
            ):
                marks.append((s, e))
        lefts = [s[2][0] for s in group]
        lines.append(
            Line(
                line_text,
                min(lefts),
                max(s[2][2] for s in group),
                min(s[2][1] for s in group),
                max(s[2][3] for s in group),
                size,
                marks,
            )
        )
    return lines


TRUNCATED = "truncated PDF (no %%EOF at its end: the file was cut short)"


def read_pdf_pages(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Page]:
    """The positioned lines of every page. Raises SourceError on bad PDFs.

    A Flate stream that inflates past ``max_bytes`` refuses the file before
    PDFium loads it (see :mod:`unkg.read.streams`).
    """
    import pypdfium2 as pdfium

    try:
        check_streams(data, max_bytes)
    except StreamTooLarge as exc:
        raise SourceError(path, bomb(f"a compressed stream ({exc.where})", max_bytes)) from None
    # Every complete PDF ends with "%%EOF" (and maybe a line end); PDFium
    # repairs a file cut short and would give part of its text silently.
    complete = b"%%EOF" in data[-1024:]
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise SourceError(path, "encrypted PDF (a password is needed)") from None
        if not complete:
            raise SourceError(path, TRUNCATED) from None
        detail = reason.split("PDFium: ", 1)[-1].rstrip(").").lower()
        raise SourceError(path, f"corrupt PDF (PDFium cannot load it: {detail})") from None
    if not complete:
        pdf.close()
        raise SourceError(path, TRUNCATED)
    pages: list[Page] = []
    try:
        if len(pdf) == 0:
            raise SourceError(path, "PDF has no pages")
        for index in range(len(pdf)):
            try:
                page = pdf[index]
            except pdfium.PdfiumError as exc:
                detail = str(exc).rstrip(".").lower()
                raise SourceError(path, f"corrupt PDF (page {index + 1} of {len(pdf)}: {detail})") from None
            width, height = page.get_size()
            textpage = page.get_textpage()
            # PDFium writes a hyphen it found at a line end as U+FFFE.
            text = textpage.get_text_range().replace("\ufffe", "-")
            if len(text) != textpage.count_chars():  # never seen; keep the text, without places
                text = text.replace("\r\n", "\n")
                lines = [Line(t, 0.0, 0.0, 0.0, 0.0, 0.0) for t in text.split("\n")]
            else:
                lines = _page_lines(textpage, text)
            textpage.close()
            page.close()
            pages.append(Page(lines, height, width))
    finally:
        pdf.close()
    return pages


def read_pdf(data: bytes, path: str, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[Composed, dict[str, str]]:
    """The composed text of a PDF and what the reader notes of it. Raises SourceError on bad PDFs.

    A PDF some of whose pages have no text (scanned pages among typed ones)
    is read, and ``pages_without_text`` lists those pages.
    """
    pages = read_pdf_pages(data, path, max_bytes)
    empty = [n for n, page in enumerate(pages, start=1) if not any(line.text.strip() for line in page.lines)]
    if len(empty) == len(pages):
        raise SourceError(path, f"PDF has no text layer ({len(pages)} pages of images only: scanned without OCR?)")
    notes = {"pages_without_text": ", ".join(map(str, empty))} if empty else {}
    return compose(pages), notes
