"""Validation of a unkg graph against the SHACL shapes in ``ontology/shapes/``.

``validate(data)`` runs pySHACL over the union of every graph in ``data``
(a store's named graphs are validated together, since a citation in one
file's graph may point to a document described in another), with the core
vocabulary ``ontology/unkg-core.ttl`` mixed in so that the shapes can check
values against the organs it declares. The SPARQL violation queries in
``queries/checks/`` are the other half of ``unkg validate``; they run on the
store itself, through :mod:`unkg.queries`. ``rdflib_graph`` turns a
pyoxigraph store's quads (or a parsed TriG file) into the graph to validate.

>>> from rdflib import Graph
>>> report = validate(Graph().parse(data='''
...     @prefix unkg: <https://w3id.org/unkg/ontology#> .
...     <https://w3id.org/unkg/source/x> a unkg:SourceFile ; unkg:path "a.txt" ; unkg:sha256 "not a hash" .
... ''', format="turtle"))
>>> report.conforms
False
>>> [(str(r.shape), r.message) for r in report.results]
[('https://w3id.org/unkg/shapes#SourceFileSha256', 'A unkg:SourceFile needs exactly one unkg:sha256 of 64 lower-case hexadecimal digits.')]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pyshacl
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

# Ontology files mixed into the data graph before validation.
ONTOLOGY_FILES = ("unkg-core.ttl",)


@dataclass(frozen=True, slots=True)
class ValidationResult:
    """One SHACL result: which node broke which rule, and how.

    ``shape`` is the rule that failed: the SPARQL constraint for a
    SPARQL-based rule, otherwise the (property) shape. ``path`` and
    ``value`` are None when the result has none.
    """

    focus_node: Node
    path: Node | None
    message: str
    shape: Node
    value: Node | None = None
    severity: str = "Violation"

    def __repr__(self) -> str:
        return f"ValidationResult({self.focus_node.n3()}, {self.path}, {self.message!r})"


@dataclass(frozen=True, slots=True)
class ValidationReport:
    """What validation found: whether the data conforms, and every result."""

    conforms: bool
    results: tuple[ValidationResult, ...]
    text: str

    def __repr__(self) -> str:
        return f"ValidationReport(conforms={self.conforms}, {len(self.results)} results)"


def ontology_dir() -> Path:
    """The ``ontology/`` folder of a source checkout, else the package's copy."""
    repo = Path(__file__).resolve().parents[2] / "ontology"
    if (repo / "shapes").is_dir():
        return repo
    return Path(str(resources.files("unkg") / "data" / "ontology"))


def shapes_files(shapes_dir: Path) -> list[Path]:
    """Every shapes file of a folder, sorted; raises when there is none.

    A folder with no shapes would make every graph "conform", so it is an
    error, not an empty pass.
    """
    paths = sorted(shapes_dir.glob("*.ttl"))
    if not paths:
        raise FileNotFoundError(f"no SHACL shapes (*.ttl) in {shapes_dir}")
    return paths


def union(data: Graph | Dataset) -> Graph:
    """The triples of every graph of ``data`` in one graph."""
    if not isinstance(data, Dataset):
        return data
    merged = Graph()
    for s, p, o, _ in data.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def rdflib_graph(quads: Iterable[ox.Quad | ox.Triple]) -> Graph:
    """One rdflib Graph of pyoxigraph quads (a store, a parsed TriG file), graphs merged.

    >>> s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    >>> len(rdflib_graph([ox.Quad(s, p, ox.Literal("a"), ox.NamedNode("https://example.org/g")),
    ...                   ox.Quad(s, p, ox.Literal("a"))]))
    1
    """
    triples = (ox.Triple(q.subject, q.predicate, q.object) for q in quads)
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def validate(
    data_graph: Graph | Dataset,
    shapes_dir: str | Path | None = None,
    ontology: Iterable[str | Path] | None = None,
) -> ValidationReport:
    """Validate the union of ``data_graph``'s graphs against every shapes file.

    Args:
        data_graph: an rdflib Graph, or a Dataset whose graphs are validated
            as one (a store's default graph and named graphs together).
        shapes_dir: the folder of ``*.ttl`` shapes files; by default
            ``ontology/shapes`` of the checkout (or the package's copy).
        ontology: files mixed into the data before validation; by default
            ``unkg-core.ttl`` of the checkout or the package (it declares
            the organs that ``unkg:organ`` may name). Pass ``()`` for none.

    Returns:
        A ValidationReport; ``conforms`` is False when any result is a
        violation.

    Raises:
        FileNotFoundError: when the shapes folder holds no shapes file.
    """
    shapes, ont = _shapes_and_ontology(shapes_dir, ontology)
    conforms, report, text = pyshacl.validate(
        union(data_graph),
        shacl_graph=shapes,
        ont_graph=ont if len(ont) else None,
        inference="none",
        advanced=False,
        allow_warnings=True,
    )
    assert isinstance(report, Graph)
    return ValidationReport(bool(conforms), _results(report), str(text))


def _results(report: Graph) -> tuple[ValidationResult, ...]:
    """The results of a pySHACL report graph, in a stable order."""
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(node, SH.sourceConstraint) or report.value(node, SH.sourceShape)
        severity = report.value(node, SH.resultSeverity)
        message = report.value(node, SH.resultMessage)
        focus = report.value(node, SH.focusNode)
        assert focus is not None and shape is not None
        results.append(
            ValidationResult(
                focus_node=focus,
                path=report.value(node, SH.resultPath),
                message=str(message) if isinstance(message, Literal) else "",
                shape=shape,
                value=report.value(node, SH.value),
                severity=severity.split("#")[-1] if isinstance(severity, URIRef) else "Violation",
            )
        )
    return tuple(sorted(results, key=lambda r: (str(r.focus_node), str(r.shape), str(r.path), str(r.value))))


def validate_store(
    store: ox.Store,
    batch_quads: int = 50_000,
    shapes_dir: str | Path | None = None,
    ontology: Iterable[str | Path] | None = None,
) -> ValidationReport:
    """Validate a store's graphs a batch at a time, in bounded memory: the same results as ``validate`` of the union.

    The named graphs are taken in batches of about ``batch_quads`` quads (a
    graph larger than that, the shared documents graph of a large store, is
    cut by subject). Each batch is validated on its own quads, with

    - every quad of the store whose subject is a subject of the batch (a
      document described in two graphs is checked whole, its counts across
      graphs included),
    - every quad of what those point to (a citation's selectors, its cited
      document), and
    - the ``rdf:type`` of what these point to in turn (``sh:class``),

    and only the first two are focus nodes (pySHACL's ``focus_nodes``): a
    node known only by its type is not checked in that batch, but in its
    own. A result found in several batches is reported once. Memory is that
    of one batch, not of the store: a store of 1.9 million quads took 15
    minutes and 5 GB as one rdflib graph. Blank nodes are followed like
    IRIs (a store of unkg's has none) but are not focus nodes, so a blank
    node is checked only through the shapes of what points to it.
    """
    shapes, ont = _shapes_and_ontology(shapes_dir, ontology)
    results: dict[tuple[str, str, str, str, str], ValidationResult] = {}
    texts: list[str] = []
    conforms = True
    rdf_type = ox.NamedNode(str(RDF.type))

    def whole(nodes: Iterable[ox.NamedNode | ox.BlankNode], predicate: ox.NamedNode | None = None) -> set[ox.Triple]:
        return {
            ox.Triple(q.subject, q.predicate, q.object)
            for node in nodes
            for q in store.quads_for_pattern(node, predicate, None)
        }

    for own in _batches(store, batch_quads):
        subjects = {q.subject for q in own}
        triples = whole(subjects)
        # What the batch points to, described whole and checked too: pySHACL's focus_nodes also filters the
        # value nodes of nested shapes (a citation's selectors, sh:qualifiedValueShape).
        pointed = {t.object for t in triples if isinstance(t.object, ox.NamedNode | ox.BlankNode)} - subjects
        triples |= whole(pointed)
        further = {t.object for t in triples if isinstance(t.object, ox.NamedNode | ox.BlankNode)}
        triples |= whole(further - subjects - pointed, rdf_type)  # for sh:class
        data = Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")
        focus = sorted({n.value for n in subjects | pointed if isinstance(n, ox.NamedNode)} | _CLASS_FOCUS)
        ok, report, text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            ont_graph=ont if len(ont) else None,
            inference="none",
            advanced=False,
            allow_warnings=True,
            focus_nodes=focus,
        )
        assert isinstance(report, Graph)
        conforms = conforms and bool(ok)
        for r in _results(report):
            results.setdefault((str(r.focus_node), str(r.shape), str(r.path), str(r.value), r.message), r)
        if not ok:
            texts.append(str(text))
    ordered = tuple(results[k] for k in sorted(results))
    return ValidationReport(conforms, ordered, "\n".join(texts) or "Validation Report\nConforms: True\n")


# The SPARQL constraints that check every document's (instrument's) IRI at once have the class as focus node.
_CLASS_FOCUS = frozenset({"https://w3id.org/unkg/ontology#Document", "https://w3id.org/unkg/ontology#Instrument"})


def _batches(store: ox.Store, batch_quads: int) -> Iterable[list[ox.Quad]]:
    """The store's quads, a whole named graph at a time, in batches of about ``batch_quads`` (default graph last)."""
    batch: list[ox.Quad] = []
    names: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = sorted(store.named_graphs(), key=str)
    for name in [*names, ox.DefaultGraph()]:
        quads = list(store.quads_for_pattern(None, None, None, name))
        if len(quads) > batch_quads:  # cut a large graph by subject: a subject's quads stay together
            quads.sort(key=lambda q: str(q.subject))
            cut: list[ox.Quad] = []
            for i, q in enumerate(quads):
                cut.append(q)
                if len(cut) >= batch_quads and (i + 1 == len(quads) or quads[i + 1].subject != q.subject):
                    yield cut
                    cut = []
            quads = cut
        batch.extend(quads)
        if len(batch) >= batch_quads:
            yield batch
            batch = []
    if batch:
        yield batch


def _shapes_and_ontology(shapes_dir: str | Path | None, ontology: Iterable[str | Path] | None) -> tuple[Graph, Graph]:
    shapes_path = Path(shapes_dir) if shapes_dir is not None else ontology_dir() / "shapes"
    shapes = Graph()
    for path in shapes_files(shapes_path):
        shapes.parse(path, format="turtle")
    if ontology is None:
        ontology = [ontology_dir() / name for name in ONTOLOGY_FILES]
    ont = Graph()
    for path in ontology:
        ont.parse(Path(path), format="turtle")
    return shapes, ont
