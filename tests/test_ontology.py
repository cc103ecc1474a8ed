"""The ontology folder: vocabulary, alignments, shapes, examples, and unkg.validate."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

from unkg import extract, vocab
from unkg.rdf import extraction_quads
from unkg.store import KnowledgeGraph
from unkg.validate import _batches, rdflib_graph, validate, validate_store

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
EXAMPLES = ONTOLOGY / "examples"
SAMPLE = ROOT / "corpus" / "sample"
UNKG = "https://w3id.org/unkg/ontology#"
DOC = "https://w3id.org/unkg/doc/"
SHAPES = Namespace("https://w3id.org/unkg/shapes#")
VANN = Namespace("http://purl.org/vocab/vann/")
BREAKS_RE = re.compile(r"^# breaks: (?P<rule>\w+)$", re.MULTILINE)
VOCAB_LINE_RE = re.compile(r"^    (?P<name>\w+): URIRef  # (?P<definition>.*)$", re.MULTILINE)


def _files(folder: Path, *patterns: str) -> list[Path]:
    return sorted(p for pattern in patterns for p in folder.glob(pattern))


RDF_FILES = _files(ONTOLOGY, "*.ttl", "shapes/*.ttl", "examples/**/*.ttl", "examples/**/*.trig")
VALID = _files(EXAMPLES / "valid", "*.ttl", "*.trig")
INVALID = _files(EXAMPLES / "invalid", "*.ttl")


def _ids(path: Path) -> str:
    return str(path.relative_to(ONTOLOGY))


def _load(path: Path) -> Graph:
    """A Turtle or TriG file as one graph (TriG through pyoxigraph: rdflib's Dataset.parse warns)."""
    if path.suffix == ".trig":
        return rdflib_graph(ox.parse(path=str(path), format=ox.RdfFormat.TRIG))
    return Graph().parse(path, format="turtle")


@pytest.fixture(scope="session")
def core() -> Graph:
    """ontology/unkg-core.ttl."""
    return Graph().parse(ONTOLOGY / "unkg-core.ttl", format="turtle")


@pytest.fixture(scope="session")
def declared(core: Graph) -> set[str]:
    """Local names of every term unkg-core.ttl describes."""
    return {str(s)[len(UNKG) :] for s in core.subjects() if isinstance(s, URIRef) and str(s).startswith(UNKG)}


@pytest.fixture(scope="session")
def shapes() -> Graph:
    """Every shapes file, merged."""
    graph = Graph()
    for path in _files(ONTOLOGY / "shapes", "*.ttl"):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="session")
def sample_quads() -> list[ox.Quad]:
    """The quads rdf.py writes for every file of corpus/sample."""
    paths = sorted(SAMPLE.glob("*.txt"))
    assert paths, f"no sample texts in {SAMPLE}"
    return [q for path in paths for q in extraction_quads(extract(path), str(path))]


def _unkg_iris(terms: list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> set[str]:
    return {t.value[len(UNKG) :] for t in terms if isinstance(t, ox.NamedNode) and t.value.startswith(UNKG)}


# -- the files parse ----------------------------------------------------------


def test_rdf_files_are_found() -> None:
    """The ontology folder holds the vocabulary, shapes and examples the tests below read."""
    names = {p.name for p in RDF_FILES}
    assert {"unkg-core.ttl", "alignments.ttl", "instruments.ttl"} <= names
    assert _files(ONTOLOGY / "shapes", "*.ttl"), "no shapes files"


@pytest.mark.parametrize("path", RDF_FILES, ids=_ids)
def test_rdf_file_parses(path: Path) -> None:
    """Each Turtle and TriG file of ontology/ parses with pyoxigraph (and rdflib for Turtle)."""
    fmt = ox.RdfFormat.TRIG if path.suffix == ".trig" else ox.RdfFormat.TURTLE
    assert list(ox.parse(path=str(path), format=fmt))
    assert len(_load(path))


@pytest.mark.parametrize("name", ["unkg-core.ttl", "alignments.ttl", "unkg-network.ttl"])
def test_module_has_an_ontology_header(name: str) -> None:
    """unkg-core.ttl, alignments.ttl and unkg-network.ttl open with a full owl:Ontology header."""
    graph = Graph().parse(ONTOLOGY / name, format="turtle")
    (header,) = graph.subjects(RDF.type, OWL.Ontology)
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.license,
        OWL.versionInfo,
        VANN.preferredNamespacePrefix,
        VANN.preferredNamespaceUri,
    ):
        assert graph.value(header, prop) is not None, f"{name}: no {prop}"
    namespace = "https://w3id.org/unkg/network#" if name == "unkg-network.ttl" else UNKG
    assert str(graph.value(header, VANN.preferredNamespaceUri)) == namespace


# -- the vocabulary -----------------------------------------------------------


def test_every_term_rdf_py_writes_is_declared(sample_quads: list[ox.Quad], declared: set[str]) -> None:
    """Every unkg: IRI in the graph of the sample corpus (predicate, class or value) is in unkg-core.ttl."""
    used = _unkg_iris([q.predicate for q in sample_quads] + [q.object for q in sample_quads])
    assert used, "the sample corpus gave no unkg: terms"
    assert used <= declared, f"used by rdf.py but not declared: {sorted(used - declared)}"


def test_every_term_the_catalogue_uses_is_declared(declared: set[str]) -> None:
    """Every unkg: IRI in instruments.ttl is in unkg-core.ttl."""
    triples = list(ox.parse(path=str(ONTOLOGY / "instruments.ttl"), format=ox.RdfFormat.TURTLE))
    used = _unkg_iris([t.predicate for t in triples] + [t.object for t in triples])
    assert used <= declared, f"used by the catalogue but not declared: {sorted(used - declared)}"


def test_every_term_is_labelled_defined_and_attributed(core: Graph, declared: set[str]) -> None:
    """Each term of unkg-core.ttl has rdfs:label, skos:definition and rdfs:isDefinedBy the ontology."""
    ontology = URIRef(UNKG.rstrip("#"))
    for name in sorted(declared):
        term = URIRef(UNKG + name)
        assert core.value(term, RDFS.label), f"{name}: no rdfs:label"
        assert core.value(term, SKOS.definition), f"{name}: no skos:definition"
        assert core.value(term, RDFS.isDefinedBy) == ontology, f"{name}: rdfs:isDefinedBy is not {ontology}"


def test_alignments_describe_declared_terms_only(declared: set[str]) -> None:
    """Every unkg: subject of alignments.ttl is a term of unkg-core.ttl (no misspelt term)."""
    graph = Graph().parse(ONTOLOGY / "alignments.ttl", format="turtle")
    aligned = {str(s)[len(UNKG) :] for s in graph.subjects() if str(s).startswith(UNKG)}
    assert aligned, "alignments.ttl aligns no unkg: term"
    assert aligned <= declared, f"aligned but not declared: {sorted(aligned - declared)}"


def test_vocab_and_turtle_have_the_same_terms(declared: set[str]) -> None:
    """vocab.UNKG has one attribute per term of unkg-core.ttl, no more, no fewer."""
    names = {m["name"] for m in VOCAB_LINE_RE.finditer(Path(vocab.__file__).read_text(encoding="utf-8"))}
    assert names == declared, (
        f"only in vocab.py: {sorted(names - declared)}; only in the Turtle: {sorted(declared - names)}"
    )
    assert all(getattr(vocab.UNKG, name) == URIRef(UNKG + name) for name in names)


def test_vocab_comments_are_the_definitions(core: Graph) -> None:
    """Each vocab.UNKG attribute's comment is the term's skos:definition, word for word."""
    for m in VOCAB_LINE_RE.finditer(Path(vocab.__file__).read_text(encoding="utf-8")):
        assert m["definition"] == str(core.value(URIRef(UNKG + m["name"]), SKOS.definition)), m["name"]


# -- the shapes and the examples ----------------------------------------------


def test_every_shape_is_labelled(shapes: Graph) -> None:
    """Each node shape, property shape and SPARQL constraint has an rdfs:label saying what it tests."""
    kinds = (SH.NodeShape, SH.PropertyShape, SH.SPARQLConstraint)
    nodes = {s for kind in kinds for s in shapes.subjects(RDF.type, kind)}
    assert nodes, "no shapes"
    assert not [n for n in nodes if not shapes.value(n, RDFS.label)], "shapes without rdfs:label"


def test_invalid_examples_exist() -> None:
    """The invalid examples are found, so the parametrised test below checks something."""
    assert INVALID, f"no invalid examples in {EXAMPLES / 'invalid'}"
    assert VALID, f"no valid examples in {EXAMPLES / 'valid'}"


def test_every_rule_has_an_invalid_example(shapes: Graph) -> None:
    """Each property shape and SPARQL constraint is the rule broken by some invalid example."""
    rules = {
        str(s)[len(SHAPES) :]
        for kind in (SH.PropertyShape, SH.SPARQLConstraint)
        for s in shapes.subjects(RDF.type, kind)
    }
    broken = {m["rule"] for path in INVALID for m in BREAKS_RE.finditer(path.read_text(encoding="utf-8"))}
    assert rules - broken == set(), "rules no example breaks"
    assert broken - rules == set(), "examples name rules that do not exist"


@pytest.mark.parametrize("path", VALID, ids=_ids)
def test_valid_example_conforms(path: Path) -> None:
    """Each valid example conforms to the shapes."""
    report = validate(_load(path))
    assert report.conforms, report.text


@pytest.mark.parametrize("path", INVALID, ids=_ids)
def test_invalid_example_breaks_its_rule(path: Path) -> None:
    """Each invalid example fails, and only the rule its '# breaks:' line names."""
    (rule,) = [m["rule"] for m in BREAKS_RE.finditer(path.read_text(encoding="utf-8"))]
    report = validate(_load(path))
    assert not report.conforms
    assert {r.shape for r in report.results} == {SHAPES[rule]}, report.text


def test_sample_corpus_and_catalogue_conform(sample_quads: list[ox.Quad]) -> None:
    """A real extraction of all of corpus/sample, with the instrument catalogue, conforms."""
    graph = rdflib_graph(sample_quads)
    graph.parse(ONTOLOGY / "instruments.ttl", format="turtle")
    report = validate(graph)
    assert report.conforms, report.text


# -- unkg.validate ------------------------------------------------------------


def test_validate_reads_a_dataset_as_one_graph() -> None:
    """A Dataset is validated as the union of its graphs: a citation may name a source file described in another graph."""
    graph = _load(EXAMPLES / "valid" / "minimal-citation.ttl")
    dataset = Dataset()
    first, second = dataset.graph(URIRef("https://example.org/g1")), dataset.graph(URIRef("https://example.org/g2"))
    for s, p, o in graph:
        (second if o == URIRef(UNKG + "SourceFile") or p == URIRef(UNKG + "sha256") else first).add((s, p, o))
    assert len(second) == 2
    assert not validate(first).conforms
    assert validate(dataset).conforms


def test_validate_refuses_a_folder_without_shapes(tmp_path: Path) -> None:
    """An empty shapes folder is an error, not a graph that conforms to nothing."""
    with pytest.raises(FileNotFoundError, match="no SHACL shapes"):
        validate(Graph(), shapes_dir=tmp_path)


# -- the network vocabulary -----------------------------------------------------
NET = "https://w3id.org/unkg/network#"


def test_every_network_term_the_metrics_graph_holds_is_declared() -> None:
    """Each net: term unkg analyse writes is in unkg-network.ttl, labelled, defined and attributed; no term is unused."""
    from unkg.network import analyse, load_graph, metrics_quads

    kg = KnowledgeGraph(memory=True)
    kg.ingest([str(SAMPLE)])
    g = load_graph(kg.store)
    quads = metrics_quads(g, analyse(g), "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z", "test")
    used = {
        t.value[len(NET) :]
        for q in quads
        for t in (q.predicate, q.object)
        if isinstance(t, ox.NamedNode) and t.value.startswith(NET)
    }
    vocabulary = Graph().parse(ONTOLOGY / "unkg-network.ttl", format="turtle")
    declared = {str(s)[len(NET) :] for s in vocabulary.subjects() if str(s).startswith(NET)}
    assert used == declared, f"undeclared: {sorted(used - declared)}; unused: {sorted(declared - used)}"
    ontology = URIRef(NET.rstrip("#"))
    for name in declared:
        term = URIRef(NET + name)
        assert vocabulary.value(term, RDFS.label) and vocabulary.value(term, SKOS.definition), name
        assert vocabulary.value(term, RDFS.isDefinedBy) == ontology, name


def _scattered_store(graph: Graph) -> ox.Store:
    """The triples of ``graph`` in a pyoxigraph store, spread over three named graphs (a subject's triples too)."""
    store = ox.Store()
    data = ox.parse(graph.serialize(format="nt"), format=ox.RdfFormat.N_TRIPLES)
    for i, t in enumerate(sorted(data, key=str)):
        store.add(ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(f"https://example.org/g{i % 3}")))
    return store


@pytest.mark.parametrize("path", [*VALID, *INVALID], ids=_ids)
@pytest.mark.parametrize("batch", [10, 40, 100_000])
def test_validate_store_in_batches_finds_what_validate_finds(path: Path, batch: int) -> None:
    """Validating a store a few quads at a time (or all in one batch) gives the results of validating the union."""
    whole = validate(_load(path))
    batched = validate_store(_scattered_store(_load(path)), batch_quads=batch)
    assert batched.conforms == whole.conforms
    assert {(str(r.focus_node), str(r.shape), str(r.path), _same_value(r.value)) for r in batched.results} == {
        (str(r.focus_node), str(r.shape), str(r.path), _same_value(r.value)) for r in whole.results
    }


def test_validate_store_in_batches_of_a_real_store_broken_across_graphs() -> None:
    """An ingested store, broken where only other graphs tell: batches of 300 quads (whole graphs, the documents
    and catalogue graphs cut by subject) find what one graph of the store finds, and each break is found."""
    kg = KnowledgeGraph(memory=True)
    kg.ingest([str(SAMPLE)])
    store = kg.store
    files = sorted(g.value for g in store.named_graphs() if "/graph/file/" in g.value)

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal, graph: str) -> None:
        store.add(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o, ox.NamedNode(graph)))

    (cited,) = store.query("SELECT ?c { GRAPH ?g { ?c a <http://purl.org/spar/cito/Citation> } } ORDER BY ?c LIMIT 1")
    quote = cited[0].value + "#quote"
    # a second symbol, in another file's graph, for a document described in the documents graph
    add(DOC + "A/57/387", UNKG + "symbol", ox.Literal("A/57/388"), files[-1])
    # a citation in a graph of its own whose (quote) selector is typed in a file's graph
    add("https://x/c", str(RDF.type), ox.NamedNode("http://purl.org/spar/cito/Citation"), "https://x/g1")
    add("https://x/c", "http://www.w3.org/ns/oa#hasSelector", ox.NamedNode(quote), "https://x/g1")
    # a document whose IRI is not derived from its symbol (the SPARQL constraint on the class)
    add("https://x/doc", str(RDF.type), ox.NamedNode(UNKG + "Document"), "https://x/g2")
    add("https://x/doc", UNKG + "symbol", ox.Literal("A/1"), "https://x/g2")
    whole = validate(rdflib_graph(store.quads_for_pattern(None, None, None)))
    assert len(list(_batches(store, 300))) > 10
    batched = validate_store(store, batch_quads=300)
    assert not batched.conforms and not whole.conforms
    found = {(str(r.focus_node), str(r.shape), str(r.path), str(r.value)) for r in batched.results}
    assert found == {(str(r.focus_node), str(r.shape), str(r.path), str(r.value)) for r in whole.results}
    focus = {f for f, *_ in found}
    assert {DOC + "A/57/387", "https://x/c", UNKG + "Document"} <= focus
    shapes_of_c = {shape for f, shape, *_ in found if f == "https://x/c"}
    assert str(SHAPES.CitationPositionSelector) in shapes_of_c
    assert str(SHAPES.CitationQuoteSelector) not in shapes_of_c  # its quote selector's type is in a file graph


def _same_value(term: object) -> str:
    """A result's value as a value: the store writes a decimal in its canonical form ("96.70" is "96.7")."""
    from decimal import Decimal

    from rdflib import Literal

    value = term.toPython() if isinstance(term, Literal) else term
    return str(value.normalize()) if isinstance(value, Decimal) else str(value)
