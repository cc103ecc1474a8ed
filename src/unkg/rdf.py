"""Extractions as RDF: the mapping of the knowledge graph.

``extraction_quads(extraction, path)`` gives every quad of one source
file's named graph. The vocabularies (ontology/README.md says which term
comes from where):

- the source file: ``prov:Entity`` with ``unkg:path``, ``unkg:sha256``,
  ``unkg:encoding``; the graph itself says ``<graph> prov:wasDerivedFrom
  <source>`` and ``unkg:extractorVersion``;
- the citing document: ``unkg:Document`` (acts also ``unkg:Resolution``,
  ``unkg:Decision`` or ``unkg:PresidentialStatement``) with
  ``unkg:symbol``, ``unkg:organ``, ``dcterms:type`` (resolution, decision,
  report ...), ``rdfs:seeAlso`` its undocs.org address,
  ``prov:wasDerivedFrom`` the source; where the text states them,
  ``dcterms:title``, ``dcterms:date`` (adoption), ``dcterms:issued``
  (distribution), ``dcterms:language``, ``unkg:session``, ``unkg:meeting``,
  ``unkg:agendaItem``, ``unkg:committee``, and ``unkg:adoptedOnReport`` /
  ``unkg:adoptedOnDraft`` linking the document it was adopted on; what a
  sidecar or the file's name gave where the text is silent (unkg.describe),
  with ``unkg:year`` (when the symbol tells none) and ``unkg:country``, and
  ``dcterms:source`` the ``unkg:MetadataSource`` it came from, with a
  ``skos:editorialNote`` naming the facts taken (``description_quads``);
- each citation: a ``cito:Citation`` node with ``cito:hasCitingEntity``,
  ``cito:hasCitedEntity``, ``cito:hasCitationCharacterization`` (CiTO
  where one fits), ``unkg:verb`` (the function as found), ``unkg:paragraph``,
  ``unkg:footnote``, ``unkg:pinpoint``, ``unkg:via``, ``unkg:page``, and a
  Web Annotation target: ``oa:hasSelector`` a ``oa:TextQuoteSelector``
  (``oa:exact``; ``oa:prefix`` and ``oa:suffix``, the words of its sentence
  around it: ``unkg.context``) and a ``oa:TextPositionSelector`` (``oa:start``,
  ``oa:end``), both IRIs derived from the citation's, indexing the text of
  ``oa:hasSource`` the source file;
  ``prov:wasDerivedFrom`` the source;
- the direct edge ``<citing> cito:cites <cited>`` for simple queries;
- every cited document: ``unkg:Document`` with its symbol and undocs.org
  address, whether or not it is in the corpus. These descriptions depend
  only on the symbol and go to the shared documents graph
  (``iri.DOCUMENTS_GRAPH``), once for the whole store.

Nothing time-dependent is in a file's graph, so two ingests of the same
file give the same quads; the time of each ingest goes to the log graph.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad

from unkg import iri
from unkg.extract import extractor_version
from unkg.grammar import symbol_kind
from unkg.models import Extraction

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
CITO = "http://purl.org/spar/cito/"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
OA = "http://www.w3.org/ns/oa#"
ELI = "http://data.europa.eu/eli/ontology#"
UNKG = iri.ONTOLOGY

PREFIXES = {
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
    "cito": CITO,
    "dcterms": DCTERMS,
    "prov": PROV,
    "oa": OA,
    "eli": ELI,
    "unkg": UNKG,
    "skos": "http://www.w3.org/2004/02/skos/core#",
}

# The CiTO characterisation of each function unkg reads from a paragraph's
# verb. Functions not listed are characterised as plain cito:cites.
CHARACTERISATION = {
    "recalls": "citesAsAuthority",
    "reaffirms": "confirms",
    "affirms": "confirms",
    "reiterates": "confirms",
    "welcomes": "agreesWith",
    "endorses": "agreesWith",
    "commends": "agreesWith",
    "supports": "supports",
    "takes note of": "citesForInformation",
    "notes": "citesForInformation",
    "bears in mind": "citesAsAuthority",
    "is guided by": "citesAsAuthority",
    "pursuant to": "citesAsAuthority",
    "acting under": "citesAsAuthority",
    "recognizes": "citesAsAuthority",
    "urges ratification of": "citesAsRecommendedReading",
    "condemns": "disagreesWith",
    "expresses concern": "discusses",
    "is concerned": "discusses",
    "is alarmed": "discusses",
    "confirms": "confirms",
    "takes into account": "citesAsAuthority",
    "deprecates": "disagreesWith",
    "deplores": "disagreesWith",
}

# The functions that make one act the successor of another in a series:
# "Recalling its resolution 60/169", "Reaffirming its resolution ...".
LINEAGE_FUNCTIONS = frozenset({"recalls", "reaffirms"})

# dcterms:type of a document, from its kind.
DOCUMENT_TYPES = {
    "resolution": "Resolution",
    "decision": "Decision",
    "statement": "PresidentialStatement",
    "document": "Document",
}
ORGANS = {
    "GA": "GeneralAssembly",
    "SC": "SecurityCouncil",
    "ECOSOC": "EconomicAndSocialCouncil",
    "HRC": "HumanRightsCouncil",
    "CHR": "CommissionOnHumanRights",
    "SUBCOM": "SubCommission",
    "TC": "TrusteeshipCouncil",
}


def _n(base: str, local: str) -> NamedNode:
    return NamedNode(base + local)


TYPE = _n(RDF, "type")


def _lit(value: str | int) -> Literal:
    if isinstance(value, int):
        return Literal(str(value), datatype=_n(XSD, "integer"))
    return Literal(value)


_SC_YEAR = re.compile(r"\((\d{4})\)$")
_YEAR_SERIES = re.compile(r"^E/(?:CN\.4/(?:Sub\.2/)?)?(?:RES|DEC)/((?:19|20)\d\d)/")
_GA_SESSION = re.compile(r"^A/(?:HRC/)?(?:RES|DEC)/(\d{1,2})/")


def symbol_year(symbol: str) -> int | None:
    """The year an act was adopted, where its symbol tells it.

    A Security Council resolution carries its year; ECOSOC, Commission and
    Sub-Commission acts are numbered by year; a General Assembly act of
    session N (from the 31st, 1976) was adopted in the year 1945 + N, or
    early the next. Human Rights Council sessions do not map to years.

    >>> symbol_year("S/RES/1325(2000)"), symbol_year("A/RES/61/165"), symbol_year("A/HRC/RES/7/16")
    (2000, 2006, None)
    """
    m = _SC_YEAR.search(symbol)
    if m and symbol.startswith("S/"):
        return int(m.group(1))
    m = _YEAR_SERIES.match(symbol)
    if m:
        return int(m.group(1))
    m = _GA_SESSION.match(symbol)
    if m and symbol.startswith(("A/RES/", "A/DEC/")):
        session = int(m.group(1))
        return 1945 + session if session >= 31 else None
    return None


DOCUMENTS = NamedNode(iri.DOCUMENTS_GRAPH)


def document_quads(symbol: str, graph: NamedNode = DOCUMENTS) -> Iterator[Quad]:
    """What a symbol alone says of a UN document, in the shared documents graph.

    These quads depend only on the symbol, so the store holds them once
    (in ``iri.DOCUMENTS_GRAPH``) however many files cite the document; a
    file's own graph keeps what only that file says (its title, date,
    citations). Were they repeated in every citing file's graph, the union
    of the graphs, which SPARQL queries see, would repeat each description
    once per citing file, and joins on them would multiply.
    """
    node = NamedNode(iri.document(symbol))
    yield Quad(node, TYPE, _n(UNKG, "Document"), graph)
    yield Quad(node, _n(UNKG, "symbol"), _lit(symbol), graph)
    yield Quad(node, _n(RDFS, "seeAlso"), NamedNode(iri.undocs(symbol)), graph)
    kind = DOCUMENT_TYPES[symbol_kind(symbol)]
    yield Quad(node, _n(DCTERMS, "type"), _n(UNKG, kind), graph)
    if kind != "Document":
        yield Quad(node, TYPE, _n(UNKG, kind), graph)
    year = symbol_year(symbol)
    if year:
        yield Quad(node, _n(UNKG, "year"), Literal(str(year), datatype=_n(XSD, "gYear")), graph)


def extraction_quads(extraction: Extraction, path: str, sources: Mapping[str, str] | None = None) -> Iterator[Quad]:
    """Every quad of the named graph of one source file.

    ``sources`` (label -> IRI, ``unkg.describe.Describer.sources``): the
    sidecar and name pattern the extraction was described with, if any (see
    :func:`description_quads`).
    """
    if extraction.sha256 is None:
        return
    graph = NamedNode(iri.graph(path))
    source = NamedNode(iri.source(extraction.sha256))
    yield Quad(graph, TYPE, _n(UNKG, "SourceGraph"), graph)
    yield Quad(graph, _n(PROV, "wasDerivedFrom"), source, graph)
    yield Quad(graph, _n(UNKG, "extractorVersion"), _lit(extractor_version()), graph)
    yield Quad(source, TYPE, _n(PROV, "Entity"), graph)
    yield Quad(source, TYPE, _n(UNKG, "SourceFile"), graph)
    yield Quad(source, _n(UNKG, "path"), _lit(iri.file_path(path)), graph)
    yield Quad(source, _n(UNKG, "sha256"), _lit(extraction.sha256), graph)
    encoding = extraction.metadata.get("encoding")
    if encoding:
        yield Quad(source, _n(UNKG, "encoding"), _lit(encoding), graph)

    if extraction.symbol:
        citing = NamedNode(iri.document(extraction.symbol))
        yield from document_quads(extraction.symbol)
    else:
        citing = NamedNode(iri.unnamed_document(extraction.sha256))
        yield Quad(citing, TYPE, _n(UNKG, "Document"), graph)
    yield Quad(citing, _n(PROV, "wasDerivedFrom"), source, graph)
    meta = extraction.metadata
    if meta.get("title"):
        yield Quad(citing, _n(DCTERMS, "title"), _lit(meta["title"]), graph)
    if meta.get("date"):
        yield Quad(citing, _n(DCTERMS, "date"), Literal(meta["date"], datatype=_n(XSD, "date")), graph)
    if meta.get("session", "").isdigit():
        yield Quad(citing, _n(UNKG, "session"), _lit(int(meta["session"])), graph)
    if meta.get("meeting"):
        yield Quad(citing, _n(UNKG, "meeting"), _lit(meta["meeting"]), graph)
    if meta.get("agenda_item"):
        yield Quad(citing, _n(UNKG, "agendaItem"), _lit(meta["agenda_item"]), graph)
    if meta.get("distributed"):
        yield Quad(citing, _n(DCTERMS, "issued"), Literal(meta["distributed"], datatype=_n(XSD, "date")), graph)
    if meta.get("language"):
        yield Quad(citing, _n(DCTERMS, "language"), Literal(meta["language"], datatype=_n(XSD, "language")), graph)
    if meta.get("committee"):
        yield Quad(citing, _n(UNKG, "committee"), _lit(meta["committee"]), graph)
    for key, prop in (("report", "adoptedOnReport"), ("draft", "adoptedOnDraft")):
        if meta.get(key):
            yield Quad(citing, _n(UNKG, prop), NamedNode(iri.document(meta[key])), graph)
            yield from document_quads(meta[key])
    organ = extraction.metadata.get("organ")
    if organ in ORGANS:
        yield Quad(citing, _n(UNKG, "organ"), _n(UNKG, ORGANS[organ]), graph)
    year = meta.get("year", "")
    if len(year) == 4 and year.isdigit() and not (extraction.symbol and symbol_year(extraction.symbol)):
        # given by a sidecar or the file's name (unkg.describe) for a document whose symbol tells none
        yield Quad(citing, _n(UNKG, "year"), Literal(year, datatype=_n(XSD, "gYear")), graph)
    if meta.get("country"):
        yield Quad(citing, _n(UNKG, "country"), _lit(meta["country"]), graph)
    if sources:
        yield from description_quads(extraction, graph, citing, sources)

    cited_documents: set[str] = set()
    contexts = extraction.contexts if len(extraction.contexts) == len(extraction.citations) else ()
    for i, c in enumerate(extraction.citations):
        node = NamedNode(iri.citation(extraction.sha256, c.start, c.end, c.target))
        cited = NamedNode(iri.target(c.target))
        yield Quad(node, TYPE, _n(CITO, "Citation"), graph)
        yield Quad(node, _n(CITO, "hasCitingEntity"), citing, graph)
        yield Quad(node, _n(CITO, "hasCitedEntity"), cited, graph)
        yield Quad(
            node,
            _n(CITO, "hasCitationCharacterization"),
            _n(CITO, CHARACTERISATION.get(c.function or "", "cites")),
            graph,
        )
        yield Quad(node, _n(UNKG, "kind"), _lit(c.kind), graph)
        if c.function:
            yield Quad(node, _n(UNKG, "verb"), _lit(c.function), graph)
        if c.paragraph:
            yield Quad(node, _n(UNKG, "paragraph"), _lit(c.paragraph), graph)
        for field, value in (("footnote", c.footnote), ("pinpoint", c.pinpoint), ("via", c.via)):
            if value:
                yield Quad(node, _n(UNKG, field), _lit(value), graph)
        if c.page is not None:
            yield Quad(node, _n(UNKG, "page"), _lit(c.page), graph)
        quote, position = NamedNode(node.value + "#quote"), NamedNode(node.value + "#position")
        yield Quad(node, _n(OA, "hasSelector"), quote, graph)
        yield Quad(quote, TYPE, _n(OA, "TextQuoteSelector"), graph)
        yield Quad(quote, _n(OA, "exact"), _lit(c.text), graph)
        if contexts:  # the words of the sentence around the quote (unkg.context)
            before, after = contexts[i]
            if before:
                yield Quad(quote, _n(OA, "prefix"), _lit(before), graph)
            if after:
                yield Quad(quote, _n(OA, "suffix"), _lit(after), graph)
        yield Quad(node, _n(OA, "hasSelector"), position, graph)
        yield Quad(position, TYPE, _n(OA, "TextPositionSelector"), graph)
        yield Quad(position, _n(OA, "start"), _lit(c.start), graph)
        yield Quad(position, _n(OA, "end"), _lit(c.end), graph)
        yield Quad(node, _n(OA, "hasSource"), source, graph)
        yield Quad(node, _n(PROV, "wasDerivedFrom"), source, graph)
        yield Quad(citing, _n(CITO, "cites"), cited, graph)
        characterisation = CHARACTERISATION.get(c.function or "")
        if characterisation:  # the CiTO property as a direct edge too
            yield Quad(citing, _n(CITO, characterisation), cited, graph)
        if c.function in LINEAGE_FUNCTIONS:  # "Recalling its resolution ...": the lineage edge
            yield Quad(citing, _n(UNKG, "recalls"), cited, graph)
        if "/" in c.target and c.target not in cited_documents:
            cited_documents.add(c.target)
            if c.target != extraction.symbol:
                yield from document_quads(c.target)


SKOS = PREFIXES["skos"]


def description_quads(
    extraction: Extraction, graph: NamedNode, citing: NamedNode, sources: Mapping[str, str]
) -> Iterator[Quad]:
    """What a file's graph says of the sidecar and name pattern its document was described with.

    The graph names each with ``dcterms:source`` (it was built with them,
    whether or not they had anything to say of this file: ingest tells by
    these whether a stored file was described as it is asked to be now);
    each is a ``unkg:MetadataSource`` with its label. The document names
    with ``dcterms:source`` those that gave it facts, and a
    ``skos:editorialNote`` says which facts came from where
    ("year, session, country from name pattern '{country}_{session}_{year}.txt'"),
    and what a source said that the text contradicts. As with the
    registry's facts (``dcterms:source`` a ``unkg:RegistrySource``),
    ``prov:wasDerivedFrom`` stays for the source file the text was read from.
    """
    meta = extraction.metadata
    used = meta.get("metadata_source", "")
    for label, node_iri in sources.items():
        node = NamedNode(node_iri)
        yield Quad(graph, _n(DCTERMS, "source"), node, graph)
        yield Quad(node, TYPE, _n(UNKG, "MetadataSource"), graph)
        yield Quad(node, _n(RDFS, "label"), _lit(label), graph)
        if label in used:
            yield Quad(citing, _n(DCTERMS, "source"), node, graph)
    if used:
        note = f"{meta.get('metadata_fields', '')} from {used}" if ";" not in used else f"from {used}"
        yield Quad(citing, _n(SKOS, "editorialNote"), _lit(note), graph)
    if meta.get("metadata_note"):
        yield Quad(citing, _n(SKOS, "editorialNote"), _lit(meta["metadata_note"]), graph)
