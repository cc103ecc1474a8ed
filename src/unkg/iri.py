"""Every IRI unkg mints, derived from a symbol, a key or a file — never invented twice.

A UN document's IRI is derivable from its canonical symbol alone; an
instrument's from its catalogue key; a citation's from the source file's
hash, its span and its target; a source file's named graph from its path.
Two independent ingests of the same files therefore mint the same IRIs.

>>> document("A/RES/60/169")
'https://w3id.org/unkg/doc/A/RES/60/169'
>>> instrument("ICRMW")
'https://w3id.org/unkg/instrument/ICRMW'
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import quote, unquote

BASE = "https://w3id.org/unkg/"
ONTOLOGY = BASE + "ontology#"
DOC = BASE + "doc/"
INSTRUMENT = BASE + "instrument/"
CITATION = BASE + "citation/"
SOURCE = BASE + "source/"
GRAPH = BASE + "graph/"
CATALOGUE_GRAPH = GRAPH + "catalogue"
LOG_GRAPH = GRAPH + "log"
# What a symbol alone says of a UN document (type, symbol, undocs.org address, year), stated once
# for the whole store however many files cite the document.
DOCUMENTS_GRAPH = GRAPH + "documents"
# The network measures of `unkg analyse` (unkg.network).
METRICS_GRAPH = GRAPH + "metrics"
# The registry's facts (titles, dates, meetings, votes) of the documents the store holds or cites (unkg.registry).
REGISTRY_GRAPH = GRAPH + "registry"
REGISTRY_SOURCE = BASE + "registry/"
# The sidecars and file-name patterns a document's metadata was taken from (unkg.describe).
METADATA_SOURCE = BASE + "metadata/"
UNDOCS = "https://undocs.org/"

# Characters of a canonical symbol kept as they are in the IRI path.
_SYMBOL_SAFE = "/().-"


def document(symbol: str) -> str:
    """The IRI of a UN document, from its canonical symbol."""
    return DOC + quote(symbol, safe=_SYMBOL_SAFE)


def symbol_of(iri: str) -> str | None:
    """The canonical symbol of a document IRI, or None for another IRI."""
    return unquote(iri[len(DOC) :]) if iri.startswith(DOC) else None


def instrument(key: str) -> str:
    """The IRI of a catalogued instrument, from its key."""
    return INSTRUMENT + quote(key, safe="-")


def target(target: str) -> str:
    """The IRI of a citation target: an instrument key or a document symbol."""
    return document(target) if "/" in target else instrument(target)


def undocs(symbol: str) -> str:
    """The address of a UN document on undocs.org."""
    return UNDOCS + quote(symbol, safe=_SYMBOL_SAFE)


def registry_source(name: str) -> str:
    """The IRI of one source file of the registry, by its file name (``undl-resolutions.csv``)."""
    return REGISTRY_SOURCE + quote(name, safe=".-")


def metadata_source(kind: str, digest: str) -> str:
    """The IRI of a source of metadata: a sidecar (``kind`` "sidecar", by the hash of its bytes) or a name pattern (by its text's)."""
    return f"{METADATA_SOURCE}{kind}/{digest[:32]}"


def source(sha256: str) -> str:
    """The IRI of a source file's content (its bytes, by hash)."""
    return SOURCE + sha256


def unnamed_document(sha256: str) -> str:
    """The IRI of a document whose own symbol cannot be told: by its content."""
    return DOC + "_/" + sha256


def printable(path: str) -> str:
    r"""A file name as valid text: each byte of it that is not UTF-8 written ``\xNN``.

    Python keeps such a byte of a name as a lone surrogate, which no UTF-8
    output (JSON lines, messages, RDF literals) can carry.

    >>> printable("corpus/bad\udcff.txt")
    'corpus/bad\\xff.txt'
    """
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate no file name holds: escape the string itself
        return path.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


def file_path(path: str) -> str:
    """The normalised absolute path that identifies a source file, as printable text."""
    return printable(os.path.abspath(path)) if path != "-" else "-"


def graph(path: str) -> str:
    """The named graph that holds everything extracted from one source file.

    It derives from the bytes of the file's absolute name (UTF-8 for a
    UTF-8 name), so two names that print alike keep two graphs.
    """
    name = os.path.abspath(path) if path != "-" else "-"
    try:
        raw = os.fsencode(name)
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogatepass")
    return GRAPH + "file/" + hashlib.sha256(raw).hexdigest()[:32]


def citation(sha256: str, start: int, end: int, target_id: str) -> str:
    """The IRI of one citation: source content, span, target."""
    return f"{CITATION}{sha256[:20]}/{start}-{end}/{quote(target_id, safe='-')}"
