"""The registry's facts as quads of their own named graph (``iri.REGISTRY_GRAPH``).

For each document the store holds or cites that the registry knows, the facts the
corpus does not state: ``dcterms:title``, ``dcterms:date`` (adoption), ``unkg:meetingRecord``
(the meeting record's document node), ``unkg:agendaItem``, ``unkg:adoptedOnReport``,
``unkg:adoptedOnDraft``, and the vote (``unkg:votesInFavour``, ``unkg:votesAgainst``,
``unkg:abstentions``, ``unkg:recordedVote``); and ``dcterms:source`` each registry file
those facts came from (a ``unkg:RegistrySource``). The graph tells registry facts from
corpus facts; ``dcterms:source`` (not ``prov:wasDerivedFrom``, which names the corpus's
source files) tells which dataset said it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from pyoxigraph import Literal, NamedNode, Quad

from unkg import iri
from unkg.rdf import DCTERMS, RDFS, TYPE, UNKG, XSD
from unkg.registry import Registry

GRAPH = NamedNode(iri.REGISTRY_GRAPH)
SOURCE = NamedNode(DCTERMS + "source")
# Registry fact -> the property that carries it, and how its value is written.
PROPERTIES: dict[str, tuple[str, str]] = {
    "title": (DCTERMS + "title", "string"),
    "date": (DCTERMS + "date", "date"),
    "meeting": (UNKG + "meetingRecord", "document"),
    "agenda_item": (UNKG + "agendaItem", "string"),
    "report": (UNKG + "adoptedOnReport", "document"),
    "draft": (UNKG + "adoptedOnDraft", "document"),
}
VOTES = {
    "yes": UNKG + "votesInFavour",
    "no": UNKG + "votesAgainst",
    "abstain": UNKG + "abstentions",
}
RECORDED = UNKG + "recordedVote"


def _value(value: str, how: str) -> NamedNode | Literal:
    if how == "document":
        return NamedNode(iri.document(value))
    if how == "date":
        return Literal(value, datatype=NamedNode(XSD + "date"))
    return Literal(value)


def registry_quads(registry: Registry, symbols: Iterable[str], stated: Mapping[str, set[str]]) -> Iterator[Quad]:
    """The registry graph for these documents.

    Args:
        registry: the registry.
        symbols: the canonical symbols of the documents the store holds or cites.
        stated: property IRI -> the document IRIs for which the corpus states it already;
            the registry does not add a second value there.
    """
    sources: set[str] = set()
    for symbol in sorted(set(symbols)):
        record = registry.records.get(symbol)
        if record is None:
            continue
        node = NamedNode(iri.document(symbol))
        used: set[str] = set()
        for name, (prop, how) in PROPERTIES.items():
            fact = record.facts.get(name)
            if fact is None or node.value in stated.get(prop, ()):
                continue
            yield Quad(node, NamedNode(prop), _value(str(fact.value), how), GRAPH)
            used.add(fact.source)
        votes = record.facts.get("votes")
        if votes is not None:
            for key, prop in VOTES.items():
                if votes.value.get(key) is not None:
                    yield Quad(
                        node,
                        NamedNode(prop),
                        Literal(str(votes.value[key]), datatype=NamedNode(XSD + "integer")),
                        GRAPH,
                    )
            recorded = "true" if votes.value.get("recorded") else "false"
            yield Quad(node, NamedNode(RECORDED), Literal(recorded, datatype=NamedNode(XSD + "boolean")), GRAPH)
            used.add(votes.source)
        for name in sorted(used):
            yield Quad(node, SOURCE, NamedNode(iri.registry_source(name)), GRAPH)
        sources |= used
    for name in sorted(sources):
        src = NamedNode(iri.registry_source(name))
        yield Quad(src, TYPE, NamedNode(UNKG + "RegistrySource"), GRAPH)
        yield Quad(src, NamedNode(RDFS + "label"), Literal(name), GRAPH)
