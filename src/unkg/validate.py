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
    shapes_path = Path(shapes_dir) if shapes_dir is not None else ontology_dir() / "shapes"
    shapes = Graph()
    for path in shapes_files(shapes_path):
        shapes.parse(path, format="turtle")
    if ontology is None:
        ontology = [ontology_dir() / name for name in ONTOLOGY_FILES]
    ont = Graph()
    for path in ontology:
        ont.parse(Path(path), format="turtle")
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
