"""Network analytics: known answers on small hand-drawn citation graphs, and the measures in the store.

Every expected value here is worked out by hand in the comments (or in
closed form), never by calling the code under test.
"""

from __future__ import annotations

import itertools
import math
import random
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner
from tests import main_path_before
from tests.conftest import SAMPLE

from unkg import iri, network_measures
from unkg import network as net
from unkg.cli import cli
from unkg.network_arrays import NetworkArrays
from unkg.queries import get_query, run
from unkg.store import KnowledgeGraph


def citations(*edges: str, years: dict[str, int] | None = None) -> nx.DiGraph:
    """A citation graph from 'citing>cited' strings."""
    g = nx.DiGraph()
    for e in edges:
        citing, cited = e.split(">")
        g.add_edge(citing, cited)
    for node, year in (years or {}).items():
        g.nodes[node]["year"] = year
    return g


# -- node measures --------------------------------------------------------------
def test_degrees_known_answer() -> None:
    """B, C cite A; C cites B; D cites C: A is cited twice, C cites twice."""
    ins, outs = net.degrees(citations("B>A", "C>A", "C>B", "D>C"))
    assert ins == {"A": 2, "B": 1, "C": 1, "D": 0}
    assert outs == {"A": 0, "B": 1, "C": 2, "D": 1}


def test_pagerank_of_a_cycle_is_uniform() -> None:
    """A cites B cites C cites A: by symmetry each has 1/3."""
    pr = net.pagerank(citations("A>B", "B>C", "C>A"))
    assert all(math.isclose(v, 1 / 3, abs_tol=1e-9) for v in pr.values())


def test_pagerank_of_a_star_known_answer() -> None:
    """Three leaves cite X, which cites nothing (dangling: its rank spreads over all four).

    With n=4, alpha=0.85: p_L = 0.15/4 + 0.85 p_X/4 and p_X + 3 p_L = 1,
    so p_X (1 + 3 * 0.2125) = 1 - 3 * 0.0375, p_X = 0.8875 / 1.6375.
    """
    pr = net.pagerank(citations("L1>X", "L2>X", "L3>X"), alpha=0.85)
    p_x = 0.8875 / 1.6375
    assert math.isclose(pr["X"], p_x, abs_tol=1e-9)
    for leaf in ("L1", "L2", "L3"):
        assert math.isclose(pr[leaf], (1 - p_x) / 3, abs_tol=1e-9)


def test_hits_golden_ratio() -> None:
    """H1 cites A and B, H2 cites A.

    Authorities: the principal eigenvector of A^T A = [[2, 1], [1, 1]],
    eigenvalue (3 + sqrt 5)/2 = phi^2, vector (1, 1/phi): normalised to sum
    1, A = 1/phi and B = 1/phi^2. Hubs = A a: H1 = a_A + a_B = 1, H2 = a_A,
    normalised: H1 = 1/phi, H2 = 1/phi^2. Nodes that cite nothing are no
    hubs; nodes never cited are no authorities.
    """
    phi = (1 + math.sqrt(5)) / 2
    hubs, auths = net.hits(citations("H1>A", "H1>B", "H2>A"))
    assert math.isclose(auths["A"], 1 / phi, abs_tol=1e-9) and math.isclose(auths["B"], 1 / phi**2, abs_tol=1e-9)
    assert math.isclose(hubs["H1"], 1 / phi, abs_tol=1e-9) and math.isclose(hubs["H2"], 1 / phi**2, abs_tol=1e-9)
    assert hubs["A"] == hubs["B"] == 0 and auths["H1"] == auths["H2"] == 0


def test_hits_agrees_with_networkx_on_a_random_graph() -> None:
    """The deterministic power iteration finds what networkx's ARPACK-based hits finds."""
    g = nx.gnp_random_graph(60, 0.08, seed=3, directed=True)
    hubs, auths = net.hits(g)
    nx_hubs, nx_auths = nx.hits(g)
    assert max(abs(hubs[v] - nx_hubs[v]) for v in g) < 1e-8
    assert max(abs(auths[v] - nx_auths[v]) for v in g) < 1e-8


def test_betweenness_of_a_chain_known_answer() -> None:
    """a cites b cites c cites d: b lies on a->c and a->d, c on a->d and b->d; normalised by (n-1)(n-2) = 6."""
    bc = net.betweenness(citations("a>b", "b>c", "c>d"))
    assert bc == pytest.approx({"a": 0.0, "b": 2 / 6, "c": 2 / 6, "d": 0.0})


@pytest.mark.parametrize("backend", ["networkx", "igraph"])
def test_sampled_betweenness_known_answer(backend: str) -> None:
    """On the chain a>b>c>d>e, sampled from k=2 sources, scaled by n/k and 1/((n-1)(n-2)).

    Dependencies by source (targets whose only shortest path crosses v):
    from a: b 3 (c, d, e), c 2 (d, e), d 1 (e); from b: c 2, d 1; from c: d 1; from d, e: none.
    """
    deps = {"a": {"b": 3, "c": 2, "d": 1}, "b": {"c": 2, "d": 1}, "c": {"d": 1}, "d": {}, "e": {}}
    g = citations("a>b", "b>c", "c>d", "d>e")
    sources = random.Random(7).sample(["a", "b", "c", "d", "e"], 2)  # the documented draw: sorted nodes, seeded
    scale = (5 / 2) / (4 * 3)
    expected = {v: scale * sum(deps[s].get(v, 0) for s in sources) for v in "abcde"}
    assert net.betweenness(g, k=2, seed=7, backend=backend) == pytest.approx(expected)


def test_louvain_splits_two_triangles() -> None:
    """Two triangles joined by one citation, and a lone node: three communities, numbered by size then name."""
    g = citations("a>b", "b>c", "c>a", "d>e", "e>f", "f>d", "c>d")
    g.add_node("g")
    assert net.communities(g) == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1, "g": 2}


def test_weak_components() -> None:
    """Direction does not matter: {a, b, c} via b, then {x, y}, then the lone z."""
    g = citations("a>b", "c>b", "x>y")
    g.add_node("z")
    assert net.components(g) == {"a": 0, "b": 0, "c": 0, "x": 1, "y": 1, "z": 2}


# -- pair measures ----------------------------------------------------------------
def test_co_citation_and_coupling_known_answer() -> None:
    """D1 cites X, Y, Z; D2 cites X, Y.

    Co-citation: X-Y by both (2; cosine 2/sqrt(2*2) = 1), X-Z and Y-Z by D1
    (1; 1/sqrt(2*1)). Coupling: D1-D2 share X and Y (2; 2/sqrt(3*2)).
    """
    g = citations("D1>X", "D1>Y", "D1>Z", "D2>X", "D2>Y")
    co = [(p.a, p.b, p.count, round(p.cosine, 6)) for p in net.co_citation(g)]
    assert co == [
        ("X", "Y", 2, 1.0),
        ("X", "Z", 1, round(1 / math.sqrt(2), 6)),
        ("Y", "Z", 1, round(1 / math.sqrt(2), 6)),
    ]
    bc = [(p.a, p.b, p.count, round(p.cosine, 6)) for p in net.bibliographic_coupling(g)]
    assert bc == [("D1", "D2", 2, round(2 / math.sqrt(6), 6))]
    assert [p.count for p in net.co_citation(g, min_count=2)] == [2]


# -- main path ----------------------------------------------------------------------
DAG = ("B>A", "C>A", "D>B", "D>C", "E>C", "F>D", "F>E")


def test_search_path_count_known_answer() -> None:
    """Knowledge flows A->B, A->C, B->D, C->D, C->E, D->F, E->F (against the citations).

    Paths from the source A: N-(A..F) = 1, 1, 1, 2, 1, 3; to the sink F:
    N+(A..F) = 3, 1, 2, 1, 1, 1. SPC(u->v) = N-(u) N+(v): A->C 2, D->F 2,
    every other edge 1; 3 source-sink paths (ABDF, ACDF, ACEF). Main path:
    A->C (2), then C->D or C->E (tie, 1: D by name), then D->F.
    """
    mp = net.search_path_count(citations(*DAG))
    assert mp.spc == {
        ("B", "A"): 1,
        ("C", "A"): 2,
        ("D", "B"): 1,
        ("D", "C"): 1,
        ("E", "C"): 1,
        ("F", "D"): 2,
        ("F", "E"): 1,
    }
    assert mp.total_paths == 3
    assert mp.path == [("A",), ("C",), ("D",), ("F",)]
    assert mp.cycles == []


def test_main_path_through_one_work() -> None:
    """The lineage of E: its ancestors A, C, itself and its descendant F; the path is A, C, E, F."""
    mp = net.search_path_count(citations(*DAG), through="E")
    assert mp.path == [("A",), ("C",), ("E",), ("F",)]
    with pytest.raises(KeyError):
        net.search_path_count(citations(*DAG), through="nowhere")


def test_main_path_collapses_cycles() -> None:
    """X and Y cite each other, Y cites W, Z cites X, and Q cites itself.

    The cycle {X, Y} is one step; the self-loop is dropped. Flow W -> {X,Y} -> Z:
    both edges have SPC 1; the edges inside the cycle have none.
    """
    mp = net.search_path_count(citations("X>Y", "Y>X", "Y>W", "Z>X", "Q>Q"))
    assert mp.cycles == [("X", "Y")]
    assert mp.spc == {("Y", "W"): 1, ("Z", "X"): 1}
    assert mp.path == [("W",), ("X", "Y"), ("Z",)]


# -- time ------------------------------------------------------------------------------
def test_citations_by_year_known_answer() -> None:
    """D1, D2 (2001) cite X; D3 (2003) cites X and Y; D4 (no year) cites Y."""
    g = citations("D1>X", "D2>X", "D3>X", "D3>Y", "D4>Y", years={"D1": 2001, "D2": 2001, "D3": 2003})
    assert net.citations_by_year(g) == {"X": {2001: 2, 2003: 1}, "Y": {2003: 1}}


def test_analyse_gathers_everything() -> None:
    """analyse returns every measure for every node, with the parameters used."""
    g = citations(*DAG, years={"A": 1990, "F": 2000})
    result = net.analyse(g)
    assert set(result.node_table()) == set(g)
    assert result.in_degree["A"] == 2 and result.main_path.path[0] == ("A",)
    assert result.parameters["betweenness"]["k"] == "exact"
    assert result.top("in_degree", 2) == [("A", 2), ("C", 2)]


# -- the store -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    """The sample corpus in memory."""
    graph = KnowledgeGraph(memory=True)
    assert graph.ingest([str(SAMPLE)]).ok
    return graph


def test_load_graph_from_the_sample(kg: KnowledgeGraph) -> None:
    """Documents and cited instruments are nodes; citations edges with year, function, organ and quotes."""
    g = net.load_graph(kg.store)
    assert g.in_degree("ICRMW") == 4  # A/58/275, A/59/377, A/65/222, A/RES/61/165 (tests/test_queries.py)
    edge = g.edges["A/RES/61/165", "A/RES/60/169"]
    assert edge["functions"] == ["recalls"] and edge["year"] == 2006 and edge["organ"] == "GA"
    assert edge["citations"] == [{"paragraph": "pp1", "function": "recalls", "text": "resolution 60/169"}]
    node = g.nodes["A/RES/61/165"]
    assert (node["kind"], node["type"], node["organ"], node["year"], node["in_corpus"]) == (
        "document",
        "Resolution",
        "GA",
        2006,
        True,
    )
    assert node["url"] == "https://undocs.org/A/RES/61/165"
    assert g.nodes["ICRMW"]["kind"] == "instrument" and g.nodes["ICRMW"]["year"] == 1990
    # Nodes: every document, and only the instruments that are cited.
    docs = {
        r[0].value
        for r in kg.store.query(
            f"SELECT DISTINCT ?d WHERE {{ ?d a <{iri.ONTOLOGY}Document> }}", use_default_graph_as_union=True
        )
    }
    assert len(docs) == kg.status()["documents"]
    assert sum(1 for _n, d in g.nodes(data=True) if d["kind"] == "document") == len(docs)
    pairs = {
        (r[0].value, r[1].value)
        for r in kg.store.query(
            "SELECT DISTINCT ?a ?b WHERE { ?a <http://purl.org/spar/cito/cites> ?b }", use_default_graph_as_union=True
        )
    }
    assert g.number_of_edges() == len(pairs)


def test_the_same_file_twice_does_not_double_edges(tmp_path) -> None:
    """The union of named graphs is a multiset: two copies of a file give the same network."""
    import shutil

    one = tmp_path / "one"
    one.mkdir()
    shutil.copy(SAMPLE / "A_RES_61_165.txt", one / "a.txt")
    shutil.copy(SAMPLE / "A_RES_61_165.txt", one / "b.txt")
    single = KnowledgeGraph(memory=True)
    single.ingest([str(SAMPLE / "A_RES_61_165.txt")])
    double = KnowledgeGraph(memory=True)
    double.ingest([str(one)])
    g1, g2 = net.load_graph(single.store), net.load_graph(double.store)
    assert sorted(g1.edges(data="weight")) == sorted(g2.edges(data="weight"))


def test_metrics_in_the_store_match_networkx(kg: KnowledgeGraph) -> None:
    """After write_metrics, the stored values are networkx's own results for the same graph."""
    g = net.load_graph(kg.store)
    result = net.analyse(g)
    net.write_metrics(kg.store, g, result, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z")
    stored = net.read_metrics(kg.store)
    by_iri = {g.nodes[n]["iri"]: n for n in g}
    assert set(stored) == set(by_iri)
    # networkx iterates towards PageRank's fixed point; run to 1e-15 it stands within 1e-12 of PRPACK's solution
    pagerank = nx.pagerank(g, alpha=0.85, weight=None, tol=1e-15, max_iter=10_000)
    betweenness = nx.betweenness_centrality(g, normalized=True)
    unweighted = nx.DiGraph(list(g.edges()))  # unkg's HITS counts citing pairs; networkx's reads 'weight'
    unweighted.add_nodes_from(g)
    nx_hubs, nx_auths = nx.hits(unweighted, max_iter=1000, tol=1e-12)
    for node_iri, values in stored.items():
        n = by_iri[node_iri]
        assert values["in_degree"] == g.in_degree(n) and values["out_degree"] == g.out_degree(n)
        assert values["pagerank"] == pytest.approx(pagerank[n], abs=1e-12)
        assert values["betweenness"] == pytest.approx(betweenness[n], abs=1e-12)
        assert values["hub"] == pytest.approx(nx_hubs[n], abs=1e-8)
        assert values["authority"] == pytest.approx(nx_auths[n], abs=1e-8)
    communities = {}
    for node_iri, values in stored.items():
        communities.setdefault(int(values["community"]), set()).add(by_iri[node_iri])
    expected = nx.community.louvain_communities(g.to_undirected(), seed=net.SEED)
    assert sorted(map(sorted, communities.values())) == sorted(map(sorted, expected))


def test_metrics_graph_is_replaced_with_provenance(kg: KnowledgeGraph) -> None:
    """A second run replaces the graph (same size, one activity, the new times) and names algorithm and parameters."""
    g = net.load_graph(kg.store)
    result = net.analyse(g)
    graph = f"<{net.METRICS_GRAPH}>"
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    net.write_metrics(kg.store, g, result, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z")
    first = int(next(iter(kg.store.query(count)))[0].value)
    net.write_metrics(kg.store, g, result, "2026-02-02T00:00:00Z", "2026-02-02T00:00:05Z")
    assert int(next(iter(kg.store.query(count)))[0].value) == first
    prov = "http://www.w3.org/ns/prov#"
    ended = [
        r[0].value
        for r in kg.store.query(
            f"SELECT ?t WHERE {{ GRAPH {graph} {{ {graph} <{prov}wasGeneratedBy> ?a . ?a <{prov}endedAtTime> ?t }} }}"
        )
    ]
    assert ended == ["2026-02-02T00:00:05Z"]
    plans = {
        r[0].value: r[1].value
        for r in kg.store.query(
            f"SELECT ?plan ?alg WHERE {{ GRAPH {graph} {{ ?a <{prov}qualifiedAssociation>/<{prov}hadPlan> ?plan . "
            f"?plan <{net.NET}algorithm> ?alg }} }}"
        )
    }
    assert plans[net._MEASURE + "measure/pagerank"] == "igraph.Graph.pagerank (PRPACK)"
    params = {
        r[0].value
        for r in kg.store.query(
            f"SELECT ?p WHERE {{ GRAPH {graph} {{ <{net._MEASURE}measure/pagerank> <{net.NET}parameter> ?p }} }}"
        )
    }
    assert "alpha=0.85" in params


def test_most_influential_query_ranks_by_stored_pagerank(kg: KnowledgeGraph) -> None:
    """reports/most-influential gives the works in networkx's PageRank order."""
    g = net.load_graph(kg.store)
    result = net.analyse(g)
    net.write_metrics(kg.store, g, result, "2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z")
    rows = [(r["name"].value, float(r["pageRank"].value)) for r in run(kg.store, get_query("reports/most-influential"))]
    pagerank = nx.pagerank(g, alpha=0.85, weight=None, tol=1e-15, max_iter=10_000)
    expected = sorted(pagerank.items(), key=lambda kv: (-kv[1], kv[0]))
    assert [n for n, _ in rows] == [n for n, _ in expected]
    assert rows[0][1] == pytest.approx(expected[0][1], abs=1e-12)


def test_cli_analyse_prints_tables_and_stores(tmp_path) -> None:
    """unkg analyse prints the top tables and the main path; the query then ranks by the stored PageRank."""
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SAMPLE), "--store", str(store), "--quiet", "-j", "1"]).exit_code == 0
    out = runner.invoke(
        cli, ["analyse", "--store", str(store), "--top", "3", "--work", "ICRMW", "--lineage", "A/RES/61/165"]
    )
    assert out.exit_code == 0, out.output
    assert "PageRank" in out.output and "Main path" in out.output and "Communities (Louvain)" in out.output
    assert "Citing documents of ICRMW by year" in out.output
    # Most cited: ICRMW with 4 citing documents heads the in-degree table.
    table = out.output.split("Most cited (in-degree: citing works)")[1].splitlines()
    assert table[3].split()[:3] == ["1", "ICRMW", "4"]
    ranked = runner.invoke(cli, ["query", "reports/most-influential", "--store", str(store), "--format", "csv"])
    assert ranked.exit_code == 0 and len(ranked.output.splitlines()) > 10
    bad = runner.invoke(cli, ["analyse", "--store", str(store), "--no-write", "--work", "NO-SUCH"])
    assert bad.exit_code == 1 and bad.stdout == ""  # refused by unkg.lookup before any table (was a usage error)
    assert bad.stderr.startswith("Error: --work: 'NO-SUCH' names no work:")


def test_louvain_in_igraph_finds_the_same_triangles() -> None:
    """The igraph backend (used on large graphs) splits the two triangles the same way."""
    g = citations("a>b", "b>c", "c>a", "d>e", "e>f", "f>d", "c>d")
    g.add_node("g")
    assert net.communities(g, backend="igraph") == {"a": 0, "b": 0, "c": 0, "d": 1, "e": 1, "f": 1, "g": 2}


def test_pair_measures_restricted_to_the_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the size limit only the most cited works are paired; their counts do not change.

    W1, W2, W3 are cited by D1 and D2 (in-degree 2), W4 by D1 alone; with a
    core of 3 the pairs are W1-W2, W1-W3, W2-W3, each cited together twice.
    """
    g = citations("D1>W1", "D1>W2", "D1>W3", "D1>W4", "D2>W1", "D2>W2", "D2>W3")
    monkeypatch.setattr(network_measures, "PAIR_INCIDENCES", 0)
    monkeypatch.setattr(network_measures, "PAIR_CORE", 3)
    assert [(p.a, p.b, p.count) for p in net.co_citation(g)] == [("W1", "W2", 2), ("W1", "W3", 2), ("W2", "W3", 2)]
    assert net.pair_scope(g, True) == "core 3"


def test_load_graph_without_details_has_the_same_network(kg: KnowledgeGraph) -> None:
    """details=False (what `unkg analyse` reads) gives the same nodes, edges, years and organs, without quotes."""
    full, lean = net.load_graph(kg.store), net.load_graph(kg.store, details=False)
    assert sorted(full.nodes(data=True)) == sorted(lean.nodes(data=True))
    assert sorted(full.edges()) == sorted(lean.edges())
    for u, v, d in lean.edges(data=True):
        assert d == {"year": full.edges[u, v]["year"], "organ": full.edges[u, v]["organ"]}
    assert net.analyse(full).node_table() == net.analyse(lean).node_table()


def _table_bytes(store: Path) -> int:
    """The bytes of a store's table files (RocksDB deletes the write-ahead log of the last write at the next open)."""
    return sum(f.stat().st_size for f in store.iterdir() if f.suffix == ".sst")


def test_analyse_twice_leaves_the_store_size_bounded(tmp_path: Path) -> None:
    """Each run of analyse replaces the metrics graph; the old one's space is given back (it piled up before)."""
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SAMPLE), "--store", str(store), "--quiet", "-j", "1"]).exit_code == 0
    sizes = []
    for _ in range(3):
        out = runner.invoke(cli, ["analyse", "--store", str(store), "--top", "1"])
        assert out.exit_code == 0, out.output
        sizes.append(_table_bytes(store))
    assert max(sizes[1:]) <= sizes[0] * 1.05, sizes


# -- the arrays the measures compute on ---------------------------------------------------
def _reference_spc(g: nx.DiGraph) -> dict[tuple[str, str], int]:
    """Search path counts by networkx alone: condensation, then path counts in topological order."""
    flow = nx.DiGraph((v, u) for u, v in g.edges() if u != v)
    flow.add_nodes_from(g)
    cond = nx.condensation(flow)
    member = cond.graph["mapping"]
    order = list(nx.topological_sort(cond))
    forward: dict[int, int] = {}
    for c in order:
        forward[c] = sum(forward[p] for p in cond.predecessors(c)) if cond.in_degree(c) else 1
    backward: dict[int, int] = {}
    for c in reversed(order):
        backward[c] = sum(backward[s] for s in cond.successors(c)) if cond.out_degree(c) else 1
    return {(v, u): forward[member[u]] * backward[member[v]] for u, v in flow.edges() if member[u] != member[v]}


@pytest.mark.parametrize("seed", range(6))
def test_measures_on_arrays_equal_networkx(seed: int) -> None:
    """On random graphs with cycles and self-citations, every measure equals networkx's (the reference)."""
    rng = random.Random(seed)
    g = nx.gnp_random_graph(80, 0.05, seed=seed, directed=True)
    g = nx.relabel_nodes(g, {v: f"w{v:02d}" for v in g})
    for v in rng.sample(sorted(g), 4):
        g.add_edge(v, v)
    for v in rng.sample(sorted(g), 60):  # some works have a year, some none
        g.nodes[v]["year"] = rng.randrange(1946, 2026)
    arrays = NetworkArrays.from_networkx(g)
    assert net.citations_by_year(arrays) == net.citations_by_year(g)
    ins, outs = net.degrees(arrays)
    assert ins == dict(g.in_degree()) and outs == dict(g.out_degree())
    reference = nx.pagerank(g, alpha=0.85, weight=None, tol=1e-15, max_iter=10_000)
    assert max(abs(net.pagerank(arrays)[v] - reference[v]) for v in g) < 1e-12
    exact = nx.betweenness_centrality(g, normalized=True)
    assert max(abs(net.betweenness(arrays)[v] - exact[v]) for v in g) < 1e-12
    sampled = net.betweenness(g, k=10, seed=seed, backend="networkx")
    assert max(abs(net.betweenness(arrays, k=10, seed=seed)[v] - sampled[v]) for v in g) < 1e-12
    weak = nx.weakly_connected_components(g)
    assert sorted(map(sorted, weak)) == sorted(
        sorted(v for v in g if net.components(arrays)[v] == c) for c in set(net.components(arrays).values())
    )
    assert net.communities(arrays) == net.communities(arrays.to_networkx())
    assert net.search_path_count(arrays).spc == _reference_spc(g)
    assert net.search_path_count(arrays).path == net.search_path_count(g).path
    pairs = {(p.a, p.b): p.count for p in net.co_citation(arrays)}
    for a, b in list(pairs)[:20]:
        assert pairs[(a, b)] == len(set(g.predecessors(a)) & set(g.predecessors(b)))


def _layered(rng: random.Random, widths: list[int], density: float, skips: int, backs: int) -> nx.DiGraph:
    """A citation graph in layers (each work cites works of the layer before, with ``density``), plus ``skips``
    citations across several layers and ``backs`` citations of a newer work (cycles); ties everywhere."""
    layers = [[f"L{i:03d}n{j}" for j in range(w)] for i, w in enumerate(widths)]
    g = nx.DiGraph()
    g.add_nodes_from(v for layer in layers for v in layer)
    for older, newer in itertools.pairwise(layers):
        for v in newer:
            cited = [u for u in older if rng.random() < density] or [rng.choice(older)]
            g.add_edges_from((v, u) for u in cited)
    everyone = sorted(g)
    for _ in range(skips):
        a, b = sorted(rng.sample(everyone, 2))
        g.add_edge(b, a)  # names sort by layer: b is newer
    for _ in range(backs):
        a, b = sorted(rng.sample(everyone, 2))
        g.add_edge(a, b)
    return g


def _main_path_graphs() -> list[tuple[str, nx.DiGraph]]:
    """Random graphs for the main path: gnp graphs with cycles and self-citations, time-ordered ones, and layered
    ones whose path counts reach 2^53 and 2^62 and pass them, with many equal counts."""
    graphs = []
    for seed in range(40):
        rng = random.Random(seed)
        g = nx.gnp_random_graph(rng.randrange(2, 90), rng.choice([0.01, 0.03, 0.06, 0.12]), seed=seed, directed=True)
        g = nx.relabel_nodes(g, {v: f"w{v:02d}" for v in g})
        for v in rng.sample(sorted(g), min(3, len(g))):
            g.add_edge(v, v)
        graphs.append((f"gnp{seed}", g))
    for seed in range(20):
        rng = random.Random(100 + seed)
        n = rng.randrange(20, 150)
        g = nx.DiGraph((f"w{i:03d}", f"w{j:03d}") for i in range(1, n) for j in rng.sample(range(i), min(i, 3)))
        for _ in range(seed % 4):  # a few citations of a newer work: cycles in a citation record
            i, j = sorted(rng.sample(range(n), 2))
            g.add_edge(f"w{i:03d}", f"w{j:03d}")
        graphs.append((f"dated{seed}", g))
    for i, (seed, widths, density) in enumerate(
        [
            (0, [2] * 52, 1.0),  # 2^51 paths
            (0, [2] * 54, 1.0),  # 2^53
            (0, [2] * 55, 1.0),  # 2^54: N+ counted again in int64
            (0, [2] * 63, 1.0),  # 2^62: Python's integers
            (0, [1] + [2] * 53 + [1], 1.0),  # exactly 2^53 source-to-sink paths
            (4, [1] + [4] * 36 + [1], 0.7),  # 1.015 x 2^53 paths: float64 gets one N+ wrong (the test below)
            (2, [3] * 48, 0.8),  # 2^60 to 2^61: twenty wrong
            (0, [3] * 700, 1.0),  # 3^700: past float64's range
        ]
    ):
        graphs.append((f"layered{i}", _layered(random.Random(seed), widths, density, skips=3, backs=0)))
        rng = random.Random(seed)
        graphs.append((f"layered{i}-cycles", _layered(rng, widths, density, skips=i, backs=1 + i % 3)))
    return graphs


@pytest.mark.parametrize(("name", "g"), _main_path_graphs(), ids=[name for name, _ in _main_path_graphs()])
def test_main_path_equals_the_code_before(name: str, g: nx.DiGraph) -> None:
    """The main path, its counts (values, order and integer type), cycles and total equal those of the code
    before the rewrite for speed (tests/main_path_before.py), on the whole graph and through three works."""
    rng = random.Random(name)
    arrays = NetworkArrays.from_networkx(g)
    for through in [None, *rng.sample(sorted(g), min(3, len(g)))]:
        new, old = net.search_path_count(arrays, through), main_path_before.search_path_count(arrays, through)
        assert list(new.spc.items()) == list(old.spc.items())
        assert all(type(v) is int for v in new.spc.values())
        assert (new.path, new.cycles, new.total_paths) == (old.path, old.cycles, old.total_paths)
        assert type(new.total_paths) is int


def test_main_path_graphs_reach_counts_float64_gets_wrong() -> None:
    """The layered graphs above do test the exact recount: counted in float64, some of their N+ would be wrong."""
    graphs = dict(_main_path_graphs())
    for name in ("layered5", "layered6"):
        arrays = NetworkArrays.from_networkx(graphs[name])
        offsets = network_measures._offsets(arrays.src, arrays.n)
        layers = network_measures._layers(offsets, arrays.dst)
        floats = network_measures._backward(arrays.n, layers, np.dtype(np.float64)).tolist()
        exact = network_measures._backward(arrays.n, layers, np.dtype(object)).tolist()
        assert 2**53 < max(exact) < 2**62
        assert any(int(f) != e for f, e in zip(floats, exact, strict=True))


def test_a_work_and_its_adopting_resolution_are_one_node() -> None:
    """A/RES/70/1 adopted the 2030 Agenda: citations of either count for AGENDA-2030, a document citing both once.

    A/RES/2200(XXI) adopted three instruments (the Covenants and a Protocol): it stays a work of its own.
    """
    nodes = {
        v: {"label": v, "name": v, "in_corpus": False}
        for v in ("AGENDA-2030", "A/RES/70/1", "D1", "D2", "D3", "ICCPR", "A/RES/2200(XXI)")
    }
    pairs = [
        ("D1", "AGENDA-2030"),
        ("D1", "A/RES/70/1"),
        ("D2", "A/RES/70/1"),
        ("D3", "AGENDA-2030"),
        ("D3", "A/RES/2200(XXI)"),
        ("D3", "ICCPR"),
    ]
    merged = net.merge_adopted(nodes, pairs)
    assert merged == {"A/RES/70/1": "AGENDA-2030"}
    assert "A/RES/70/1" not in nodes and nodes["AGENDA-2030"]["aliases"] == ["A/RES/70/1"]
    arrays = net._arrays(nodes, pairs, merge=False)
    ins, _outs = net.degrees(arrays)
    assert ins["AGENDA-2030"] == 3 and ins["A/RES/2200(XXI)"] == 1 and ins["ICCPR"] == 1
    assert arrays.aliases == {}  # merged already; _arrays(..., merge=True) records them


def test_load_arrays_reads_what_load_graph_reads(kg: KnowledgeGraph) -> None:
    """Without merging, the arrays hold the nodes, attributes and edges of load_graph(details=False)."""
    lean = net.load_graph(kg.store, details=False)
    arrays = net.load_arrays(kg.store, merge=False)
    g = arrays.to_networkx()
    assert sorted(g.edges()) == sorted(lean.edges())
    assert set(g) == set(lean)
    for v in lean:
        assert {k: g.nodes[v][k] for k in lean.nodes[v]} == lean.nodes[v]
    assert net.analyse(arrays).node_table() == net.analyse(lean).node_table()


def _chain_corpus(folder: Path) -> None:
    """A/RES/68/3 recalls 68/2, which recalls 68/1, which recalls 67/1; a statement without a symbol cites 68/3 and 68/2."""
    folder.mkdir()
    for k, cited in ((1, "67/1"), (2, "68/1"), (3, "68/2")):
        (folder / f"A_RES_68_{k}.txt").write_text(
            f"United Nations A/RES/68/{k}\nGeneral Assembly\n\nResolution adopted by the General Assembly on "
            f"1 October 2013\n\n68/{k}. Matter {k}\n\nThe General Assembly,\n\nRecalling its resolution {cited} "
            "of 1 October 2013,\n\n1. Decides to remain seized of the matter.\n",
            encoding="utf-8",
        )
    (folder / "QAT_68_2013.txt").write_text(
        "Statement by Qatar\n\nMr. President, we recall resolution 68/3 of the General Assembly and resolution 68/2.\n",
        encoding="utf-8",
    )


def test_cli_analyse_prints_ranks_figures_and_file_names(tmp_path: Path) -> None:
    """Betweenness and hubs are ranked and scaled (not 0.0000); a document without a symbol is named by its file."""
    _chain_corpus(tmp_path / "corpus")
    store = tmp_path / "store"
    runner = CliRunner()
    ingested = runner.invoke(cli, ["ingest", str(tmp_path / "corpus"), "--store", str(store), "--quiet", "-j", "1"])
    assert ingested.exit_code == 0, ingested.output
    out = runner.invoke(cli, ["analyse", "--store", str(store), "--top", "3", "--no-write"])
    assert out.exit_code == 0, out.output
    for title in ("Betweenness", "HITS hubs"):
        table = out.output.split(title)[1].split("\n\n")[0].splitlines()[3:]
        assert [row.split()[0] for row in table] == ["1", "2", "3"]
        assert all("0.0000" not in row for row in table)
        assert float(table[0].split()[2]) > 0
    assert "QAT_68_2013.txt" in out.output.split("HITS hubs")[1].split("\n\n")[0]
    assert "_/" not in out.output


def test_main_path_counts_past_int64_are_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past 2^62 paths the counts go to Python's integers: the same answers as numpy's int64 below it."""
    g = nx.gnp_random_graph(60, 0.08, seed=11, directed=True)
    fast = net.search_path_count(g)
    monkeypatch.setattr(network_measures, "_INT64_SAFE", 0.0)
    exact = net.search_path_count(g)
    assert dict(exact.spc) == dict(fast.spc) and exact.path == fast.path and exact.total_paths == fast.total_paths
    assert all(type(v) is int for v in exact.spc.values())
