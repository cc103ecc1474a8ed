"""The citation network: a networkx graph of the store, and its analytics.

``load_graph(store)`` reads the knowledge graph (SPARQL over the union of
the named graphs, ``DISTINCT``) into a ``networkx.DiGraph``:

- a node per document and per cited instrument, keyed by its symbol
  (``A/RES/61/165``) or catalogue key (``ICRMW``), with ``label``,
  ``name`` (title or official name), ``kind`` (document, instrument),
  ``type`` (Resolution, Report ..., convention ...), ``organ`` (GA, SC,
  ECOSOC, HRC, CHR, SUBCOM, TC; stated, else told by the symbol), ``year``,
  ``in_corpus`` and ``url`` (undocs.org);
- an edge ``citing -> cited`` per pair, with ``weight`` (how many
  citations), ``year`` and ``organ`` of the citing document,
  ``functions`` (the verbs as found, sorted), ``characterisations`` (CiTO)
  and ``citations`` (paragraph, verb, quoted text of each).

Every analytic below is a pure function of such a graph (any DiGraph does),
so each is tested on small hand-drawn graphs without a store. ``analyse``
runs them all; ``write_metrics`` stores the results as RDF in their own
named graph with PROV-O provenance, replaced in one transaction.

Scale: the analytics run on networkx except where networkx is too slow at
the scale of a real citation graph (benchmarks/network_analysis.py
measures each on 100,000 nodes and 1,000,000 edges, next to igraph and
rustworkx): betweenness past 5,000 nodes is sampled from 500 seeded
sources and counted by igraph (the same estimator as networkx's ``k``,
about 100 times faster); Louvain past 50,000 edges is igraph's
``community_multilevel`` (networkx's took minutes); HITS is a scipy power
iteration; co-citation and coupling are sparse matrix products (scipy),
restricted to a core of the 2,000 most cited (citing) works when the full
product would explode.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from unkg import iri
from unkg.rdf import CITO, DCTERMS, OA, ORGANS, PREFIXES, RDFS, UNKG
from unkg.rdf import symbol_year as rdf_symbol_year

# The short organ codes, from the IRIs rdf.py writes.
ORGAN_CODES = {UNKG + local: code for code, local in ORGANS.items()}

# Above this many nodes betweenness is estimated from k sampled sources.
EXACT_BETWEENNESS_NODES = 5000
BETWEENNESS_SAMPLES = 500
# Above this many edges Louvain runs in igraph.
LOUVAIN_NETWORKX_EDGES = 50_000
# Pair measures: when the product would hold more pair incidences than this,
# only the PAIR_CORE most cited (co-citation) or most citing (coupling) works are paired.
PAIR_INCIDENCES = 20_000_000
PAIR_CORE = 2000
SEED = 42


# --------------------------------------------------------------------------
# The graph from the store.
def symbol_organ(symbol: str) -> str | None:
    """The organ a document symbol belongs to, from its series prefix.

    >>> symbol_organ("A/HRC/RES/7/16"), symbol_organ("S/RES/1325(2000)"), symbol_organ("E/CN.4/2003/85/Add.2")
    ('HRC', 'SC', 'CHR')
    >>> symbol_organ("E/CN.4/Sub.2/RES/2002/1"), symbol_organ("A/RES/61/165"), symbol_organ("ICRMW") is None
    ('SUBCOM', 'GA', True)
    """
    for prefix, organ in (
        ("A/HRC/", "HRC"),
        ("A/", "GA"),
        ("S/", "SC"),
        ("E/CN.4/Sub.2/", "SUBCOM"),
        ("E/CN.4/", "CHR"),
        ("E/", "ECOSOC"),
        ("T/", "TC"),
    ):
        if symbol.startswith(prefix):
            return organ
    return None


_SESSION = re.compile(r"^A/(\d{2})/")
_YEAR_IN_SYMBOL = re.compile(r"^E/(?:CN\.4/(?:Sub\.2/)?)?((?:19|20)\d\d)/")


def symbol_year(symbol: str) -> int | None:
    """The year of a document, where its symbol tells it (acts: rdf.symbol_year; reports: session or year).

    A General Assembly document of session N (from the 31st) is dated 1945 + N, its
    session's opening year; ECOSOC and Commission documents carry their year.

    >>> symbol_year("A/58/275"), symbol_year("E/CN.4/2003/85/Add.2"), symbol_year("A/RES/61/165"), symbol_year("A/5/1")
    (2003, 2003, 2006, None)
    """
    year = rdf_symbol_year(symbol)
    if year:
        return year
    m = _YEAR_IN_SYMBOL.match(symbol)
    if m:
        return int(m.group(1))
    m = _SESSION.match(symbol)
    if m and int(m.group(1)) >= 31:
        return 1945 + int(m.group(1))
    return None


_PREFIXES = f"""PREFIX cito: <{CITO}>
PREFIX dcterms: <{DCTERMS}>
PREFIX oa: <{OA}>
PREFIX rdfs: <{RDFS}>
PREFIX skos: <{PREFIXES["skos"]}>
PREFIX unkg: <{UNKG}>
"""

# One query per attribute keeps the union's multiset and optional values
# from multiplying rows; each answer is DISTINCT.
_NODE_QUERIES = {
    "document": "SELECT DISTINCT ?n ?v WHERE { ?n a unkg:Document . OPTIONAL { ?n unkg:symbol ?v } }",
    "instrument": "SELECT DISTINCT ?n ?v WHERE { ?c cito:hasCitedEntity ?n . ?n a unkg:Instrument ; skos:notation ?v }",
    "title": "SELECT DISTINCT ?n ?v WHERE { ?n dcterms:title ?v }",
    "prefLabel": "SELECT DISTINCT ?n ?v WHERE { ?n a unkg:Instrument ; skos:prefLabel ?v }",
    "organ": "SELECT DISTINCT ?n ?v WHERE { ?n unkg:organ ?v }",
    "type": "SELECT DISTINCT ?n ?v WHERE { ?n dcterms:type ?v }",
    "instrumentType": "SELECT DISTINCT ?n ?v WHERE { ?n unkg:instrumentType ?v }",
    "year": "SELECT DISTINCT ?n ?v WHERE { ?n unkg:year ?v }",
    "date": "SELECT DISTINCT ?n ?v WHERE { ?n dcterms:date ?v }",
    "issued": "SELECT DISTINCT ?n ?v WHERE { ?n a unkg:Instrument ; dcterms:issued ?v }",
    "source": "SELECT DISTINCT ?n ?v WHERE { ?n a unkg:Document ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?v }",
}
_EDGE_QUERY = """SELECT DISTINCT ?c ?citing ?cited WHERE {
  ?c a cito:Citation ; cito:hasCitingEntity ?citing ; cito:hasCitedEntity ?cited .
}"""
_CITES_QUERY = "SELECT DISTINCT ?citing ?cited WHERE { ?citing cito:cites ?cited }"
# What each citation says, one simple query per property (joined in Python:
# far faster on a large store than one query with a chain of OPTIONALs).
_CITATION_QUERIES = {
    "verb": "SELECT DISTINCT ?n ?v WHERE { ?n unkg:verb ?v }",
    "char": "SELECT DISTINCT ?n ?v WHERE { ?n cito:hasCitationCharacterization ?v }",
    "paragraph": "SELECT DISTINCT ?n ?v WHERE { ?n unkg:paragraph ?v }",
    "exact": "SELECT DISTINCT ?n ?v WHERE { ?n oa:hasSelector ?q . ?q oa:exact ?v }",
    "start": "SELECT DISTINCT ?n ?v WHERE { ?n oa:hasSelector ?q . ?q oa:start ?v }",
}


def _rows(store: Any, query: str) -> Iterable[tuple[str, str | None]]:
    for row in store.query(_PREFIXES + query, use_default_graph_as_union=True):
        yield row[0].value, (row[1].value if row[1] is not None else None)


def _undescribed(node: str) -> dict[str, Any]:
    """The attributes of a work that is cited but not described in the store (no type)."""
    return {
        "label": node,
        "name": "",
        "kind": "document",
        "type": "",
        "organ": symbol_organ(node) or "",
        "year": symbol_year(node),
        "in_corpus": False,
        "url": "",
        "iri": "",
    }


def _triples(store: Any, query: str) -> Iterable[tuple[str, str, str]]:
    for row in store.query(_PREFIXES + query, use_default_graph_as_union=True):
        yield row[0].value, row[1].value, row[2].value


def _node_id(node_iri: str, symbols: Mapping[str, str], keys: Mapping[str, str]) -> str:
    if node_iri in symbols:
        return symbols[node_iri]
    if node_iri in keys:
        return keys[node_iri]
    if node_iri.startswith(iri.DOC + "_/"):  # a document whose own symbol is not known
        return "_/" + node_iri[len(iri.DOC) + 2 :][:12]
    return node_iri


def load_graph(store: Any, details: bool = True) -> nx.DiGraph:
    """The citation network of a pyoxigraph store (documents, instruments, citations).

    ``details=False`` leaves out what each citation says (functions,
    characterisations, paragraphs, quoted text): the measures do not need
    them, and on a large store they are most of the reading
    (benchmarks/README.md). The edges are then read from the direct
    ``cito:cites`` statements and carry year and organ only (no weight).
    """
    symbols: dict[str, str] = {}
    docs: set[str] = set()
    for n, v in _rows(store, _NODE_QUERIES["document"]):
        docs.add(n)
        if v is not None:
            symbols[n] = min(v, symbols.get(n, v))
    keys = {n: v for n, v in _rows(store, _NODE_QUERIES["instrument"]) if v is not None}

    def first(name: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for n, v in _rows(store, _NODE_QUERIES[name]):
            if v is not None and (n not in out or v < out[n]):
                out[n] = v
        return out

    title, label, organ, dtype = first("title"), first("prefLabel"), first("organ"), first("type")
    itype, year, date, issued, source = (
        first("instrumentType"),
        first("year"),
        first("date"),
        first("issued"),
        first("source"),
    )
    g = nx.DiGraph()
    nodes: dict[str, dict[str, Any]] = {}
    for n in sorted(docs | set(keys)):
        node = _node_id(n, symbols, keys)
        is_doc = n in docs
        when = year.get(n) or date.get(n) or issued.get(n)
        attrs: dict[str, Any] = {
            "label": node,
            "name": title.get(n) or label.get(n) or "",
            "kind": "document" if is_doc else "instrument",
            "type": (dtype[n].rsplit("#", 1)[-1] if n in dtype else itype.get(n, "")) or "",
            "organ": ORGAN_CODES.get(organ.get(n, ""), "") or (symbol_organ(node) or "" if is_doc else ""),
            "year": int(when[:4]) if when and when[:4].isdigit() else (symbol_year(node) if is_doc else None),
            "in_corpus": n in source,
            "url": iri.undocs(node) if n in symbols else "",
            "iri": n,
        }
        nodes[node] = attrs
    for node in sorted(nodes):
        g.add_node(node, **nodes[node])

    if not details:  # the direct edges: one pattern, about five times faster than the citation nodes
        for citing_iri, cited_iri in _rows(store, _CITES_QUERY):
            citing = _node_id(citing_iri, symbols, keys)
            cited = _node_id(cited_iri or "", symbols, keys)
            for end in (citing, cited):
                if end not in g:
                    g.add_node(end, **_undescribed(end))
            g.add_edge(citing, cited, year=g.nodes[citing].get("year"), organ=g.nodes[citing].get("organ", ""))
        return g
    facts: dict[str, dict[str, str]] = {name: {} for name in _CITATION_QUERIES}
    for name, query in _CITATION_QUERIES.items() if details else ():
        found: dict[str, str] = {}
        for n, v in _rows(store, query):
            if v is not None and (n not in found or v < found[n]):
                found[n] = v
        facts[name] = found
    verbs, chars, paragraphs, exacts, starts = (facts[k] for k in ("verb", "char", "paragraph", "exact", "start"))
    cites: dict[tuple[str, str], dict[str, Any]] = {}
    described = set(g)
    for c, citing_iri, cited_iri in _triples(store, _EDGE_QUERY):
        citing = _node_id(citing_iri, symbols, keys)
        cited = _node_id(cited_iri, symbols, keys)
        for end in (citing, cited):
            if end not in described:  # cited but not described (no type): still a node
                described.add(end)
                g.add_node(end, **_undescribed(end))
        e = cites.get((citing, cited))
        if e is None:
            e = cites[(citing, cited)] = {"citations": {}, "functions": set(), "characterisations": set()}
        verb = verbs.get(c, "")
        char = chars[c].rsplit("/", 1)[-1] if c in chars else ""
        if verb:
            e["functions"].add(verb)
        if char:
            e["characterisations"].add(char)
        e["citations"][c] = {
            "paragraph": paragraphs.get(c, ""),
            "function": verb,
            "text": exacts.get(c, ""),
            "start": int(starts[c]) if c in starts else -1,
        }
    for (citing, cited), e in sorted(cites.items()):
        quotes = sorted(e["citations"].values(), key=lambda c: (c["start"], c["paragraph"], c["text"]))
        g.add_edge(
            citing,
            cited,
            weight=len(quotes),
            year=g.nodes[citing].get("year"),
            organ=g.nodes[citing].get("organ", ""),
            functions=sorted(e["functions"]),
            characterisations=sorted(e["characterisations"]),
            citations=[{k: v for k, v in q.items() if k != "start"} for q in quotes],
        )
    return g


# --------------------------------------------------------------------------
# Node measures.
def degrees(g: nx.DiGraph) -> tuple[dict[str, int], dict[str, int]]:
    """(in-degree, out-degree) of every node: works citing it, works it cites."""
    return dict(g.in_degree()), dict(g.out_degree())


def pagerank(g: nx.DiGraph, alpha: float = 0.85) -> dict[str, float]:
    """PageRank (networkx, power iteration via scipy) over citing -> cited edges, unweighted."""
    if g.number_of_nodes() == 0:
        return {}
    return nx.pagerank(g, alpha=alpha, weight=None, tol=1e-10, max_iter=1000)


def hits(g: nx.DiGraph, max_iter: int = 1000, tol: float = 1e-12) -> tuple[dict[str, float], dict[str, float]]:
    """HITS (hubs, authorities), each summing to 1, by power iteration from a uniform start.

    A good hub cites good authorities; a good authority is cited by good
    hubs; citing pairs count once (no weights). The uniform start makes the result deterministic (networkx's
    ``hits`` starts ARPACK from a random vector). Nodes without edges score 0.
    """
    import numpy as np
    import scipy.sparse as sp

    nodes = list(g)
    n = len(nodes)
    if n == 0 or g.number_of_edges() == 0:
        return dict.fromkeys(nodes, 0.0), dict.fromkeys(nodes, 0.0)
    index = {v: i for i, v in enumerate(nodes)}
    rows = [index[u] for u, _ in g.edges()]
    cols = [index[v] for _, v in g.edges()]
    a = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    at = a.T.tocsr()
    hub = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        auth = at @ hub
        auth /= auth.sum()
        new = a @ auth
        new /= new.sum()
        if np.abs(new - hub).sum() < tol:
            hub = new
            break
        hub = new
    auth = at @ hub
    auth /= auth.sum()
    return (
        {v: float(hub[i]) for v, i in index.items()},
        {v: float(auth[i]) for v, i in index.items()},
    )


def sample_size(n: int) -> int | None:
    """How many sources betweenness samples on a graph of n nodes (None: exact)."""
    return None if n <= EXACT_BETWEENNESS_NODES else BETWEENNESS_SAMPLES


def betweenness(g: nx.DiGraph, k: int | None = None, seed: int = SEED, backend: str = "auto") -> dict[str, float]:
    """Directed betweenness, normalised as networkx does; estimated from ``k`` seeded sources.

    ``k=None`` is exact (networkx). With ``k`` the sources are drawn with
    ``random.Random(seed)`` from the sorted node list, so the same graph
    gives the same estimate, and scaled by n/k as networkx's ``k`` does;
    the shortest paths from them are counted by igraph when it is installed
    (``backend="auto"``; much faster at scale) or by networkx.
    """
    n = g.number_of_nodes()
    if k is None or k >= n:
        return nx.betweenness_centrality(g, normalized=True)
    sources = random.Random(seed).sample(sorted(g), k)
    if backend == "networkx":
        return _nx_sampled(g, sources)
    try:
        import igraph  # noqa: F401
    except ImportError:
        if backend == "igraph":
            raise
        return _nx_sampled(g, sources)
    return _igraph_sampled(g, sources)


def _scale(n: int, k: int) -> float:
    # networkx's normalisation of a directed graph, 1/((n-1)(n-2)), times n/k for the sample.
    return (n / k) / ((n - 1) * (n - 2)) if n > 2 else 0.0


def _nx_sampled(g: nx.DiGraph, sources: list[str]) -> dict[str, float]:
    raw = nx.betweenness_centrality_subset(g, sources, list(g), normalized=False)
    # Unnormalised subset betweenness of a directed graph: the dependencies of the sampled sources.
    factor = _scale(g.number_of_nodes(), len(sources))
    return {v: raw[v] * factor for v in g}


def _igraph_sampled(g: nx.DiGraph, sources: list[str]) -> dict[str, float]:
    import igraph

    nodes = list(g)
    index = {v: i for i, v in enumerate(nodes)}
    ig = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in g.edges()], directed=True)
    raw = ig.betweenness(directed=True, sources=[index[s] for s in sources], targets=None)
    factor = _scale(len(nodes), len(sources))
    return {v: raw[i] * factor for v, i in index.items()}


def communities(g: nx.DiGraph, seed: int = SEED, resolution: float = 1.0, backend: str = "auto") -> dict[str, int]:
    """Louvain communities of the undirected citation graph, seeded, numbered 0.. by size.

    Community 0 is the largest; ties are ordered by their smallest node.
    Isolated nodes are communities of their own. networkx's
    ``louvain_communities`` up to LOUVAIN_NETWORKX_EDGES edges; above,
    igraph's ``community_multilevel`` (the same method, about 14 times
    faster on 1,000,000 edges: benchmarks/README.md), seeded through
    ``igraph.set_random_number_generator(random.Random(seed))``.
    """
    if g.number_of_nodes() == 0:
        return {}
    use_igraph = backend == "igraph" or (backend == "auto" and g.number_of_edges() > LOUVAIN_NETWORKX_EDGES)
    if use_igraph:
        return _number(_igraph_louvain(g, seed, resolution))
    found = nx.community.louvain_communities(
        g.to_undirected(as_view=True), weight=None, seed=seed, resolution=resolution
    )
    return _number(found)


def _igraph_louvain(g: nx.DiGraph, seed: int, resolution: float) -> list[list[str]]:
    import igraph

    nodes = list(g)
    index = {v: i for i, v in enumerate(nodes)}
    ig = igraph.Graph(n=len(nodes), edges=[(index[u], index[v]) for u, v in g.edges()], directed=False)
    ig.simplify()  # a pair citing each other is one undirected edge, as in networkx's to_undirected
    igraph.set_random_number_generator(random.Random(seed))
    try:
        membership = ig.community_multilevel(resolution=resolution).membership
    finally:
        igraph.set_random_number_generator(random)
    groups: dict[int, list[str]] = defaultdict(list)
    for v, c in zip(nodes, membership, strict=True):
        groups[c].append(v)
    return list(groups.values())


def _number(groups: Iterable[Iterable[str]]) -> dict[str, int]:
    ordered = sorted((sorted(c) for c in groups), key=lambda c: (-len(c), c[0]))
    return {v: i for i, c in enumerate(ordered) for v in c}


def components(g: nx.DiGraph) -> dict[str, int]:
    """Weakly connected component of each node, numbered 0.. by size (ties by smallest node)."""
    return _number(nx.weakly_connected_components(g))


# --------------------------------------------------------------------------
# Pair measures.
@dataclass(frozen=True, slots=True)
class Pair:
    """Two works and how strongly they are related: a count and Salton's cosine."""

    a: str
    b: str
    count: int
    cosine: float


def _pairs(g: nx.DiGraph, by_citing: bool, min_count: int, limit: int | None) -> list[Pair]:
    import numpy as np
    import scipy.sparse as sp

    nodes = sorted(g)
    index = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    if g.number_of_edges() == 0:
        return []
    rows = np.fromiter((index[u] for u, _ in g.edges()), dtype=np.int64, count=g.number_of_edges())
    cols = np.fromiter((index[v] for _, v in g.edges()), dtype=np.int64, count=g.number_of_edges())
    a = sp.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(n, n))
    # Co-citation: works cited together, A^T A. Coupling: works citing the same, A A^T.
    m = a.T.tocsr() if by_citing else a  # rows: the works to pair; columns: what links them
    deg = np.asarray(m.sum(axis=1)).ravel()
    incidences = float((np.asarray((m.T.tocsr()).sum(axis=1)).ravel() ** 2).sum())
    if incidences > PAIR_INCIDENCES:
        core = np.sort(np.lexsort((np.arange(n), -deg))[:PAIR_CORE])
        sub = m[core]
    else:
        core = np.arange(n)
        sub = m
    prod = sp.triu(sub @ sub.T, k=1).tocoo()
    keep = prod.data >= min_count
    r, c, d = core[prod.row[keep]], core[prod.col[keep]], prod.data[keep]
    cos = d / np.sqrt(deg[r] * deg[c])
    order = np.lexsort((c, r, -d))
    if limit is not None:
        order = order[:limit]
    return [Pair(nodes[r[i]], nodes[c[i]], int(d[i]), float(cos[i])) for i in order]


def pair_scope(g: nx.DiGraph, by_citing: bool) -> str:
    """'all', or 'core N' when the pair measure is restricted to the N works of highest degree."""
    linking = g.out_degree() if by_citing else g.in_degree()  # the works whose pairs are counted
    incidences = sum(float(d) ** 2 for _n, d in linking)
    return f"core {PAIR_CORE}" if incidences > PAIR_INCIDENCES else "all"


def co_citation(g: nx.DiGraph, min_count: int = 1, limit: int | None = None) -> list[Pair]:
    """Pairs of works cited together by the same document: how many documents cite both.

    Salton's cosine divides by the square root of the product of the two
    in-degrees. Strongest first (then by names). On a graph where the sparse
    product would hold over PAIR_INCIDENCES pair incidences (sum of squared
    out-degrees), only the PAIR_CORE most cited works are paired: the
    co-citation core, as bibliometric studies do.
    """
    return _pairs(g, True, min_count, limit)


def bibliographic_coupling(g: nx.DiGraph, min_count: int = 1, limit: int | None = None) -> list[Pair]:
    """Pairs of documents that cite the same works: how many works both cite (cosine over out-degrees).

    Past PAIR_INCIDENCES (sum of squared in-degrees: one work cited 15,000
    times couples 10^8 pairs), only the PAIR_CORE most citing documents are paired.
    """
    return _pairs(g, False, min_count, limit)


# --------------------------------------------------------------------------
# Main path: the lineage that carries most of the citation flow.
@dataclass
class MainPath:
    """Search path counts of the edges and the main path found with them.

    ``spc`` maps each edge (citing, cited) to its search path count. The
    path runs forward in time: from the oldest work to the newest, as a
    list of steps, each a tuple of nodes (one node, or the members of a
    citation cycle collapsed into one step). ``cycles`` lists those cycles.
    """

    spc: dict[tuple[str, str], int]
    path: list[tuple[str, ...]]
    cycles: list[tuple[str, ...]] = field(default_factory=list)
    total_paths: int = 0


def search_path_count(g: nx.DiGraph, through: str | None = None) -> MainPath:
    """SPC of every edge and the local forward main path (Hummon and Doreian; Batagelj).

    Knowledge flows against the citations, from the cited work to the
    citing one. Sources are works that cite nothing in the graph, sinks
    works that nothing cites; SPC(e) is the number of source-to-sink paths
    through e, N-(u) * N+(v) on the flow edge u -> v. The main path starts
    at the source edge with the largest SPC and always follows the largest
    outgoing SPC until a sink (ties: the smallest node name).

    Cycles (two reports citing each other, a self-citation) have no order
    in time: self-loops are dropped, and each strongly connected component
    of more than one node is collapsed into one step (scipy's strongly
    connected components, then igraph's topological sort of the condensed
    DAG); an edge inside a cycle has no SPC, an edge into or out of it has
    the SPC of the collapsed edge. Path counts are exact integers.

    ``through``: only the lineage of this node (its ancestors, itself and
    its descendants) is searched, and the path is forced through it.
    """
    import igraph
    import numpy as np
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order, connected_components

    nodes = sorted(g)  # index order is name order
    index = {v: i for i, v in enumerate(nodes)}
    n = len(nodes)
    pairs = [(index[v], index[u]) for u, v in g.edges() if u != v]  # flow: cited -> citing
    src = np.fromiter((a for a, _ in pairs), dtype=np.int64, count=len(pairs))
    dst = np.fromiter((b for _, b in pairs), dtype=np.int64, count=len(pairs))
    flow = sp.csr_matrix((np.ones(len(pairs), dtype=np.int8), (src, dst)), shape=(n, n))
    if through is not None:
        if through not in index:
            raise KeyError(f"{through!r} is not in the graph")
        t = index[through]
        keep = np.zeros(n, dtype=bool)
        keep[breadth_first_order(flow, t, directed=True, return_predecessors=False)] = True  # descendants
        keep[breadth_first_order(flow.T.tocsr(), t, directed=True, return_predecessors=False)] = True  # ancestors
        inside = keep[src] & keep[dst]
        src, dst = src[inside], dst[inside]
        flow = sp.csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    # Cycles: strongly connected components (scipy), each one step of the condensed DAG.
    _count, label = connected_components(flow, directed=True, connection="strong")
    label = label.astype(np.int64)  # edge keys below multiply two labels
    groups: dict[int, list[str]] = defaultdict(list)
    for i, c in enumerate(label.tolist()):
        groups[c].append(nodes[i])
    members = {c: tuple(m) for c, m in groups.items()}  # already sorted: nodes are
    cycles = sorted(m for m in members.values() if len(m) > 1)
    csrc, cdst = label[src], label[dst]
    between = csrc != cdst
    width = max(int(label.max()) + 1, 1) if n else 1
    keys = np.unique(csrc[between] * width + cdst[between])  # distinct condensed edges, sorted
    cond_edges = list(zip((keys // width).tolist(), (keys % width).tolist(), strict=True))
    preds: dict[int, list[int]] = defaultdict(list)
    succs: dict[int, list[int]] = defaultdict(list)
    for a, b in cond_edges:
        succs[a].append(b)
        preds[b].append(a)
    # Any topological order gives the same counts (igraph's, in C).
    order = igraph.Graph(n=len(members), edges=cond_edges, directed=True).topological_sorting(mode="out")
    forward: dict[int, int] = {}
    for c in order:  # N-: paths from any source to c
        forward[c] = sum(forward[p] for p in preds[c]) if preds[c] else 1
    backward: dict[int, int] = {}
    for c in reversed(order):  # N+: paths from c to any sink
        backward[c] = sum(backward[x] for x in succs[c]) if succs[c] else 1
    spc_cond = {(a, b): forward[a] * backward[b] for a, b in cond_edges}
    spc: dict[tuple[str, str], int] = {}
    for a, b, ca, cb in zip(src.tolist(), dst.tolist(), csrc.tolist(), cdst.tolist(), strict=True):
        if ca != cb:
            spc[(nodes[b], nodes[a])] = spc_cond[(ca, cb)]  # keyed by the citation: citing, cited
    total = sum(forward[c] for c in members if not succs[c] and preds[c])

    def best(edges: Iterable[tuple[int, int]]) -> tuple[int, int] | None:
        ranked = sorted(edges, key=lambda e: (-spc_cond[e], members[e[0]], members[e[1]]))
        return ranked[0] if ranked else None

    path: list[int] = []
    if through is not None:
        # Backward from the node along the largest SPC, then forward from it.
        back = [int(label[index[through]])]
        while True:
            e = best((p, back[-1]) for p in preds[back[-1]])
            if e is None:
                break
            back.append(e[0])
        path = list(reversed(back))
    else:
        sources = [c for c in members if not preds[c]]
        e = best((c, t) for c in sources for t in succs[c])
        if e is not None:
            path = [e[0]]
    while path:
        e = best((path[-1], t) for t in succs[path[-1]])
        if e is None:
            break
        path.append(e[1])
    return MainPath(spc=spc, path=[members[c] for c in path], cycles=cycles, total_paths=total)


# --------------------------------------------------------------------------
# Time.
def citations_by_year(g: nx.DiGraph) -> dict[str, dict[int, int]]:
    """For each cited work: the number of citing documents of each year (documents without a year are left out)."""
    out: dict[str, Counter[int]] = defaultdict(Counter)
    for u, v in g.edges():
        year = g.nodes[u].get("year")
        if year is not None:
            out[v][int(year)] += 1
    return {v: dict(sorted(c.items())) for v, c in sorted(out.items())}


# --------------------------------------------------------------------------
# Everything at once.
@dataclass
class Analysis:
    """Every measure of one graph, with the parameters they were computed with."""

    in_degree: dict[str, int]
    out_degree: dict[str, int]
    pagerank: dict[str, float]
    hubs: dict[str, float]
    authorities: dict[str, float]
    betweenness: dict[str, float]
    community: dict[str, int]
    component: dict[str, int]
    co_citation: list[Pair]
    coupling: list[Pair]
    main_path: MainPath
    by_year: dict[str, dict[int, int]]
    parameters: dict[str, dict[str, Any]]

    def node_table(self) -> dict[str, dict[str, Any]]:
        """Each node's measures as one flat record."""
        return {
            v: {
                "in_degree": self.in_degree[v],
                "out_degree": self.out_degree[v],
                "pagerank": self.pagerank[v],
                "hub": self.hubs[v],
                "authority": self.authorities[v],
                "betweenness": self.betweenness[v],
                "community": self.community[v],
                "component": self.component[v],
            }
            for v in sorted(self.in_degree)
        }

    def top(self, measure: str, n: int = 10) -> list[tuple[str, float]]:
        """The n nodes ranking highest by a node measure (ties by name)."""
        values: Mapping[str, float] = getattr(self, measure)
        return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]


def analyse(
    g: nx.DiGraph,
    *,
    alpha: float = 0.85,
    seed: int = SEED,
    betweenness_k: int | None = None,
    pair_limit: int | None = 1000,
) -> Analysis:
    """Every measure of the citation graph ``g``."""
    ins, outs = degrees(g)
    hub, auth = hits(g)
    k = betweenness_k if betweenness_k is not None else sample_size(g.number_of_nodes())
    params: dict[str, dict[str, Any]] = {
        "degree": {"algorithm": "networkx in_degree/out_degree"},
        "pagerank": {"algorithm": "networkx.pagerank", "alpha": alpha, "weight": "none", "tol": 1e-10},
        "hits": {"algorithm": "HITS power iteration from a uniform start (scipy.sparse)", "tol": 1e-12},
        "betweenness": {
            "algorithm": "networkx.betweenness_centrality" if k is None else "sampled sources (igraph or networkx)",
            "normalized": True,
            "k": k if k is not None else "exact",
            "seed": seed,
        },
        "community": {
            "algorithm": "networkx.community.louvain_communities"
            if g.number_of_edges() <= LOUVAIN_NETWORKX_EDGES
            else "igraph.Graph.community_multilevel",
            "seed": seed,
            "resolution": 1.0,
        },
        "component": {"algorithm": "networkx.weakly_connected_components"},
        "co_citation": {
            "algorithm": "A^T A (scipy.sparse), Salton cosine",
            "limit": pair_limit or "all",
            "works": pair_scope(g, True),
        },
        "coupling": {
            "algorithm": "A A^T (scipy.sparse), Salton cosine",
            "limit": pair_limit or "all",
            "works": pair_scope(g, False),
        },
        "main_path": {"algorithm": "search path count, local forward main path; cycles condensed"},
        "by_year": {"algorithm": "citing documents per year of the citing document"},
    }
    return Analysis(
        in_degree=ins,
        out_degree=outs,
        pagerank=pagerank(g, alpha),
        hubs=hub,
        authorities=auth,
        betweenness=betweenness(g, k, seed),
        community=communities(g, seed),
        component=components(g),
        co_citation=co_citation(g, limit=pair_limit),
        coupling=bibliographic_coupling(g, limit=pair_limit),
        main_path=search_path_count(g),
        by_year=citations_by_year(g),
        parameters=params,
    )


def salton(count: int, deg_a: int, deg_b: int) -> float:
    """Salton's cosine of a pair: count / sqrt(deg_a * deg_b).

    >>> salton(2, 2, 8)
    0.5
    """
    return count / math.sqrt(deg_a * deg_b)


# --------------------------------------------------------------------------
# The measures in the store.
NET = iri.BASE + "network#"
METRICS_GRAPH = iri.METRICS_GRAPH
_MEASURE = iri.BASE + "network/"
_PROV = "http://www.w3.org/ns/prov#"
_XSD = "http://www.w3.org/2001/XMLSchema#"

# Node measure -> (property local name, xsd type).
NODE_PROPERTIES = {
    "in_degree": ("inDegree", "integer", "degree"),
    "out_degree": ("outDegree", "integer", "degree"),
    "pagerank": ("pageRank", "double", "pagerank"),
    "hub": ("hubScore", "double", "hits"),
    "authority": ("authorityScore", "double", "hits"),
    "betweenness": ("betweenness", "double", "betweenness"),
    "community": ("community", "integer", "community"),
    "component": ("component", "integer", "component"),
}


def _node_iri(g: nx.DiGraph, node: str) -> str:
    return g.nodes[node].get("iri") or iri.target(node)


def _key(*parts: str) -> str:
    import hashlib

    return hashlib.sha256("\x00".join(parts).encode("utf-8")).hexdigest()[:24]


def metrics_quads(g: nx.DiGraph, result: Analysis, started: str, ended: str, version: str) -> list[Any]:
    """The measures of ``result`` as quads of the metrics graph, with their PROV-O provenance.

    Node measures are properties of the work's own IRI in the ``net:``
    namespace (``net:pageRank``, ``net:inDegree`` ...); pairs, edge search
    path counts and yearly counts are nodes of their own. The graph
    ``prov:wasGeneratedBy`` one ``prov:Activity`` (start and end time) whose
    qualified associations name unkg as the agent and one ``prov:Plan`` per
    measure, with its algorithm and parameters.
    """
    from pyoxigraph import Literal, NamedNode, Quad

    graph = NamedNode(METRICS_GRAPH)
    rdf_type = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

    def p(local: str) -> NamedNode:
        return NamedNode(NET + local)

    def lit(value: Any, kind: str) -> Literal:
        if kind == "double":
            return Literal(repr(float(value)), datatype=NamedNode(_XSD + "double"))
        if kind == "integer":
            return Literal(str(int(value)), datatype=NamedNode(_XSD + "integer"))
        if kind == "dateTime":
            return Literal(value, datatype=NamedNode(_XSD + "dateTime"))
        return Literal(str(value))

    quads: list[Quad] = []

    def add(s: NamedNode, pred: NamedNode, o: Any) -> None:
        quads.append(Quad(s, pred, o, graph))

    table = result.node_table()
    for node, values in table.items():
        subject = NamedNode(_node_iri(g, node))
        for measure, (local, kind, _plan) in NODE_PROPERTIES.items():
            add(subject, p(local), lit(values[measure], kind))
    for i, step in enumerate(result.main_path.path):
        for node in step:
            add(NamedNode(_node_iri(g, node)), p("mainPathPosition"), lit(i, "integer"))
    for (citing, cited), count in sorted(result.main_path.spc.items()):
        s = NamedNode(_MEASURE + "spc/" + _key(citing, cited))
        add(s, rdf_type, p("EdgeMeasure"))
        add(s, p("citing"), NamedNode(_node_iri(g, citing)))
        add(s, p("cited"), NamedNode(_node_iri(g, cited)))
        add(s, p("searchPathCount"), lit(count, "integer"))
    for kind, pairs in (("CoCitation", result.co_citation), ("Coupling", result.coupling)):
        for pair in pairs:
            s = NamedNode(_MEASURE + kind.lower() + "/" + _key(pair.a, pair.b))
            add(s, rdf_type, p(kind))
            add(s, p("work"), NamedNode(_node_iri(g, pair.a)))
            add(s, p("work"), NamedNode(_node_iri(g, pair.b)))
            add(s, p("count"), lit(pair.count, "integer"))
            add(s, p("cosine"), lit(pair.cosine, "double"))
    for node, years in result.by_year.items():
        for year, count in years.items():
            s = NamedNode(_MEASURE + "year/" + _key(node, str(year)))
            add(s, rdf_type, p("YearCount"))
            add(s, p("work"), NamedNode(_node_iri(g, node)))
            add(s, p("year"), lit(year, "integer"))
            add(s, p("count"), lit(count, "integer"))

    activity = NamedNode(_MEASURE + "run")
    agent = NamedNode(iri.BASE + "software/unkg")
    add(graph, rdf_type, NamedNode(_PROV + "Entity"))
    add(graph, NamedNode(_PROV + "wasGeneratedBy"), activity)
    add(activity, rdf_type, NamedNode(_PROV + "Activity"))
    add(activity, NamedNode(_PROV + "startedAtTime"), lit(started, "dateTime"))
    add(activity, NamedNode(_PROV + "endedAtTime"), lit(ended, "dateTime"))
    add(activity, NamedNode(_PROV + "wasAssociatedWith"), agent)
    add(activity, p("nodes"), lit(g.number_of_nodes(), "integer"))
    add(activity, p("edges"), lit(g.number_of_edges(), "integer"))
    add(agent, rdf_type, NamedNode(_PROV + "SoftwareAgent"))
    add(agent, NamedNode(RDFS + "label"), Literal(f"unkg {version}"))
    for measure, params in sorted(result.parameters.items()):
        plan = NamedNode(_MEASURE + "measure/" + measure)
        assoc = NamedNode(_MEASURE + "run#" + measure)
        add(activity, NamedNode(_PROV + "qualifiedAssociation"), assoc)
        add(assoc, rdf_type, NamedNode(_PROV + "Association"))
        add(assoc, NamedNode(_PROV + "agent"), agent)
        add(assoc, NamedNode(_PROV + "hadPlan"), plan)
        add(plan, rdf_type, NamedNode(_PROV + "Plan"))
        add(plan, NamedNode(RDFS + "label"), Literal(measure))
        for name, value in sorted(params.items()):
            if name == "algorithm":
                add(plan, p("algorithm"), Literal(str(value)))
            else:
                add(plan, p("parameter"), Literal(f"{name}={value}"))
    return quads


def write_metrics(store: Any, g: nx.DiGraph, result: Analysis, started: str, ended: str) -> int:
    """Replace the metrics graph with these measures in one transaction; returns the quad count."""
    from unkg.extract import __version__

    quads = metrics_quads(g, result, started, ended, __version__)
    body = "\n".join(sorted({f"{q.subject} {q.predicate} {q.object} ." for q in quads}))
    store.update(f"DROP SILENT GRAPH <{METRICS_GRAPH}> ;\nINSERT DATA {{ GRAPH <{METRICS_GRAPH}> {{\n{body}\n}} }}")
    return len(quads)


def read_metrics(store: Any) -> dict[str, dict[str, float]]:
    """The node measures stored in the metrics graph, by node IRI: {iri: {measure: value}}."""
    local_to_measure = {local: m for m, (local, _k, _p) in NODE_PROPERTIES.items()}
    out: dict[str, dict[str, float]] = defaultdict(dict)
    q = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH <{METRICS_GRAPH}> {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?p), '{NET}')) }}"
    for row in store.query(q):
        local = row["p"].value[len(NET) :]
        if local in local_to_measure:
            out[row["s"].value][local_to_measure[local]] = float(row["o"].value)
    return dict(out)
