"""Paragraphs and their derivations as quads, in the graph of each document's own source file.

For a member of a series whose text the store holds:

- each paragraph (``unkg.series.units``): ``<doc#op3> a unkg:Paragraph, prov:Entity``,
  ``dcterms:isPartOf`` the document, ``rdfs:label`` "op3", ``unkg:position``, ``unkg:textHash``
  (SHA-256 of the clean text), ``rdf:value`` the clean text (once, in its own document's graph),
  ``prov:wasDerivedFrom`` the source file (as a citation is);
- where the corpus holds an earlier member: ``<later> unkg:succeeds <earlier>``; for each paragraph
  with a predecessor ``prov:wasRevisionOf`` that paragraph and a ``prov:qualifiedRevision``, a
  ``prov:Revision`` with ``prov:entity`` the earlier paragraph, ``unkg:change`` (unchanged,
  edited, moved) and ``unkg:similarity``; a new paragraph says ``unkg:change "new"`` itself; the
  alignment is a ``prov:Activity`` (``<doc#alignment>``) that ``prov:used`` both source files,
  names its ``unkg:alignmentMethod`` and lists with ``unkg:dropped`` the earlier paragraphs that
  have no successor. Each revision names it with ``prov:hadActivity``.

Every subject is ``<document IRI>#...``, so one SPARQL update replaces a document's part of its
graph (``replace_update``) and a re-ingest of the file, which rewrites the graph, drops it whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, Quad

from unkg import iri
from unkg.rdf import DCTERMS, PROV, RDF, RDFS, TYPE, UNKG, XSD, _lit, _n
from unkg.series.align import Alignment
from unkg.series.units import Unit


def paragraph(symbol: str, label: str) -> str:
    """The IRI of a paragraph of a document: its document's IRI, ``#`` and its label.

    >>> paragraph("A/RES/61/165", "op3")
    'https://w3id.org/unkg/doc/A/RES/61/165#op3'
    """
    return f"{iri.document(symbol)}#{quote(label, safe='')}"


def paragraph_quads(symbol: str, units: Iterable[Unit], graph: NamedNode, source: NamedNode) -> Iterator[Quad]:
    """The paragraphs of one document, in the graph of its source file."""
    document = NamedNode(iri.document(symbol))
    for u in units:
        node = NamedNode(paragraph(symbol, u.label))
        yield Quad(node, TYPE, _n(UNKG, "Paragraph"), graph)
        yield Quad(node, TYPE, _n(PROV, "Entity"), graph)
        yield Quad(node, _n(DCTERMS, "isPartOf"), document, graph)
        yield Quad(node, _n(RDFS, "label"), _lit(u.label), graph)
        yield Quad(node, _n(UNKG, "position"), _lit(u.position), graph)
        yield Quad(node, _n(UNKG, "textHash"), _lit(u.digest), graph)
        yield Quad(node, _n(RDF, "value"), _lit(u.text), graph)
        yield Quad(node, _n(PROV, "wasDerivedFrom"), source, graph)


def derivation_quads(
    alignment: Alignment, graph: NamedNode, later_source: NamedNode, earlier_source: NamedNode
) -> Iterator[Quad]:
    """How the later document of an alignment derives from the earlier one, in the later's graph."""
    later, earlier = alignment.later, alignment.earlier
    assert later and earlier, "an alignment to store names both documents"
    document = NamedNode(iri.document(later))
    activity = NamedNode(f"{iri.document(later)}#alignment")
    yield Quad(document, _n(UNKG, "succeeds"), NamedNode(iri.document(earlier)), graph)
    yield Quad(activity, TYPE, _n(PROV, "Activity"), graph)
    yield Quad(activity, _n(PROV, "used"), later_source, graph)
    yield Quad(activity, _n(PROV, "used"), earlier_source, graph)
    yield Quad(activity, _n(UNKG, "alignmentMethod"), _lit(f"{alignment.method} >= {alignment.threshold}"), graph)
    for m in alignment.matches:
        if m.later is None:
            yield Quad(activity, _n(UNKG, "dropped"), NamedNode(paragraph(earlier, m.earlier.label)), graph)  # type: ignore[union-attr]
            continue
        node = NamedNode(paragraph(later, m.later.label))
        if m.earlier is None:
            yield Quad(node, _n(UNKG, "change"), _lit("new"), graph)
            continue
        before = NamedNode(paragraph(earlier, m.earlier.label))
        revision = NamedNode(f"{paragraph(later, m.later.label)}-revision")
        yield Quad(node, _n(PROV, "wasRevisionOf"), before, graph)
        yield Quad(node, _n(PROV, "qualifiedRevision"), revision, graph)
        yield Quad(revision, TYPE, _n(PROV, "Revision"), graph)
        yield Quad(revision, _n(PROV, "entity"), before, graph)
        yield Quad(revision, _n(UNKG, "change"), _lit(m.change), graph)
        yield Quad(revision, _n(UNKG, "similarity"), Literal(f"{m.similarity:.4f}", datatype=_n(XSD, "decimal")), graph)
        yield Quad(revision, _n(PROV, "hadActivity"), activity, graph)


def replace_update(symbol: str, graph: NamedNode, quads: Iterable[Quad]) -> str:
    """One SPARQL update that drops what an earlier run wrote of ``symbol`` in ``graph`` (every
    subject ``<doc#...>`` and its ``unkg:succeeds``) and inserts ``quads``: one transaction."""
    document = iri.document(symbol)
    body = "\n".join(sorted({f"{q.subject} {q.predicate} {q.object} ." for q in quads}))
    prefix = _string(document + "#")
    return (
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {graph} {{ ?s ?p ?o "
        f"FILTER(STRSTARTS(STR(?s), {prefix}) || (?s = <{document}> && ?p = <{UNKG}succeeds>)) }} }} ;\n"
        f"INSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}"
    )


def _string(value: str) -> str:
    return str(Literal(value))
