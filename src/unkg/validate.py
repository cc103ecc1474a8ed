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

import itertools
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

    The named graphs are taken whole, in batches of about ``batch_quads``
    quads (a graph larger than that, the shared documents graph of a large
    store, is cut by subject). A store that fits in one batch is validated
    as one graph, as ``validate`` does. Otherwise each batch is validated
    on

    - every quad of the store whose subject is a subject of the batch (a
      document described in two graphs is checked whole, its counts across
      graphs included), and
    - the ``rdf:type`` of every node these point to (what ``sh:class`` and
      ``sh:qualifiedValueShape [ sh:class ... ]`` look at: the shapes have
      no deeper paths),

    and only the results about the batch's subjects are kept (a node known
    here only by its type is checked in its own batch), with those of the
    two SPARQL constraints whose focus node is a class (every document's and
    instrument's IRI): the document or instrument they name is described in
    full only in the batches of its subjects. A result found in several
    batches is reported once. Memory is that of one batch, not of the store:
    a store of 1.9 million quads took 15 minutes and 5 GB as one rdflib
    graph. Blank nodes are followed like IRIs (a store of unkg's has none)
    but results about them are left out when the store takes several
    batches.
    """
    shapes, ont = _shapes_and_ontology(shapes_dir, ontology)
    batches = iter(_batches(store, batch_quads))
    first = next(batches, [])
    second = next(batches, None)
    if second is None:  # the whole store in one batch: one graph, as validate() has it
        conforms, results = _check(_rdflib(ox.Triple(q.subject, q.predicate, q.object) for q in first), shapes, ont)
        return ValidationReport(conforms, results, _text(conforms, results))
    rdf_type = ox.NamedNode(str(RDF.type))
    found: dict[tuple[str, str, str, str, str], ValidationResult] = {}
    for own in itertools.chain([first, second], batches):
        subjects = {q.subject for q in own}
        triples = {
            ox.Triple(q.subject, q.predicate, q.object)
            for s in subjects
            for q in store.quads_for_pattern(s, None, None)
        }
        pointed = {t.object for t in triples if isinstance(t.object, ox.NamedNode | ox.BlankNode)} - subjects
        triples.update(
            ox.Triple(q.subject, q.predicate, q.object)
            for node in pointed
            for q in store.quads_for_pattern(node, rdf_type, None)
        )
        about = {s.value for s in subjects if isinstance(s, ox.NamedNode)} | _CLASS_FOCUS
        _, results = _check(_rdflib(triples), shapes, ont)
        for r in results:
            if str(r.focus_node) in about:
                found.setdefault((str(r.focus_node), str(r.shape), str(r.path), str(r.value), r.message), r)
    ordered = tuple(found[k] for k in sorted(found))
    conforms = all(r.severity in _ALLOWED for r in ordered)
    return ValidationReport(conforms, ordered, _text(conforms, ordered))


# The SPARQL constraints that check every document's (instrument's) IRI at once have the class as focus node.
_CLASS_FOCUS = frozenset({"https://w3id.org/unkg/ontology#Document", "https://w3id.org/unkg/ontology#Instrument"})
# Severities that do not break conformance (pySHACL's allow_warnings).
_ALLOWED = frozenset({"Warning", "Info"})


def _rdflib(triples: Iterable[ox.Triple]) -> Graph:
    """An rdflib Graph of pyoxigraph triples (through N-Triples, as ``rdflib_graph``)."""
    return Graph().parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES), format="nt")


def _check(data: Graph, shapes: Graph, ont: Graph) -> tuple[bool, tuple[ValidationResult, ...]]:
    """pySHACL on a graph of our own: the ontology is mixed into it in place (no copy of the data)."""
    conforms, report, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        ont_graph=ont if len(ont) else None,
        inference="none",
        advanced=False,
        allow_warnings=True,
        inplace=True,
    )
    assert isinstance(report, Graph)
    return bool(conforms), _results(report)


def _text(conforms: bool, results: tuple[ValidationResult, ...]) -> str:
    """A report's text: whether it conforms, then one line per result."""
    lines = ["Validation Report", f"Conforms: {conforms}", f"Results ({len(results)}):"]
    lines += [f"  {r.severity}: {r.focus_node} {r.path or ''} {r.message}".replace("  ", " ", 1) for r in results]
    return "\n".join(lines) + "\n"


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
