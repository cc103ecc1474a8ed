"""PDF to text with pypdfium2, one page after another, form feed between."""

from __future__ import annotations

from unkg.errors import SourceError


def read_pdf(data: bytes, path: str) -> tuple[str, tuple[int, ...]]:
    """(text, start offset of each page). Raises SourceError on bad PDFs."""
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        reason = str(exc)
        if "password" in reason.lower():
            raise SourceError(path, "encrypted PDF (a password is needed)") from None
        raise SourceError(path, f"corrupt or truncated PDF ({reason})") from None
    parts: list[str] = []
    pages: list[int] = []
    offset = 0
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            page.close()
            pages.append(offset)
            parts.append(text)
            parts.append("\n\f")
            offset += len(text) + 2
    finally:
        pdf.close()
    text = "".join(parts)
    if not text.strip("\n\f \t"):
        raise SourceError(path, "PDF has no text layer (scanned without OCR?)")
    return text, tuple(pages)
