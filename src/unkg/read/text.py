"""Plain text in any common encoding."""

from __future__ import annotations

import codecs

from unkg.errors import SourceError

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    # "utf-8", not "utf-8-sig": the mark stays in the text as U+FEFF, so that offsets index the file as every
    # UTF-8 reader decodes it (text == file_text[start:end]); "utf-8-sig" shifted every offset by one.
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control bytes that never occur in text (tab, newlines, form feed and
# escape are allowed).
_BINARY_BYTES = bytes(sorted(set(range(0, 8)) | {11} | set(range(14, 27)) | set(range(28, 32))))


def _looks_utf16(sample: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' for BOM-less UTF-16 of mostly ASCII text."""
    if len(sample) < 4 or 0 not in sample:  # no zero byte: no UTF-16 of ASCII text
        return None
    even = sample[0::2].count(0) / max(1, len(sample[0::2]))
    odd = sample[1::2].count(0) / max(1, len(sample[1::2]))
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, path: str) -> tuple[str, str]:
    """Decode bytes to text; returns (text, encoding used).

    UTF-8, UTF-16 and UTF-32 with a byte-order mark, BOM-less UTF-16, then
    UTF-8, Windows-1252 and Latin-1. Binary data is refused.
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise SourceError(path, f"invalid {encoding} text at byte {exc.start}") from None
    sample = data[:8192]
    utf16 = _looks_utf16(sample)
    if utf16:
        try:
            return data.decode(utf16), utf16
        except UnicodeDecodeError:
            pass
    binary = len(sample) - len(sample.translate(None, _BINARY_BYTES))
    if binary > max(2, len(sample) // 100):
        raise SourceError(path, "binary file, not text (control bytes in the first 8 KiB)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"
