"""unkg: a knowledge graph of United Nations instruments, resolutions and
cross-references.

The verbs of the flow (DESIGN.md): ``read`` a file into a Source, ``parse``
its structure, ``cite`` what it references; ``extract`` does all three.

>>> from unkg import extract_text
>>> [c.target for c in extract_text("Security Council resolution 1325 (2000)").citations]
['S/RES/1325(2000)']
"""

from unkg.catalogue import Catalogue, Instrument, default_catalogue, load_catalogue
from unkg.cite import cite
from unkg.extract import __version__, extract, extract_many, extract_source, extract_text
from unkg.grammar import canonical_symbol, parse_symbols
from unkg.models import Citation, Document, Extraction, Footnote, Paragraph, Source
from unkg.read import read
from unkg.structure import parse

__all__ = [
    "Catalogue",
    "Citation",
    "Document",
    "Extraction",
    "Footnote",
    "Instrument",
    "Paragraph",
    "Source",
    "__version__",
    "canonical_symbol",
    "cite",
    "default_catalogue",
    "extract",
    "extract_many",
    "extract_source",
    "extract_text",
    "load_catalogue",
    "parse",
    "parse_symbols",
    "read",
]
