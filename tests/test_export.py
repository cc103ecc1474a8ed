"""Network exports: GraphML and GEXF read back, Cytoscape.js elements, CSV, HTML, and the committed exports/."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import pytest
from click.testing import CliRunner
from tests.conftest import ROOT, SAMPLE

from unkg import export as ex
from unkg import network as net
from unkg.cli import cli
from unkg.store import KnowledgeGraph

EXPORTS = ROOT / "exports" / "network"


@pytest.fixture(scope="module")
def sample_kg() -> KnowledgeGraph:
    """The sample corpus in an in-memory store."""
    kg = KnowledgeGraph(memory=True)
    assert kg.ingest([str(SAMPLE)]).ok
    return kg


@pytest.fixture(scope="module")
def sample(sample_kg: KnowledgeGraph) -> tuple[nx.DiGraph, net.Analysis]:
    """The network of the sample corpus and its measures."""
    g = net.load_graph(sample_kg.store)
    return g, net.analyse(g)


@pytest.fixture(scope="module")
def sample_series(sample_kg: KnowledgeGraph, sample: tuple[nx.DiGraph, net.Analysis]) -> list[dict[str, Any]]:
    """The series of the sample's resolutions, as `unkg export --format html` reads them."""
    from unkg.series.timeline import store_series

    return store_series(sample_kg.store, sample[0])


def expected_nodes(g: nx.DiGraph, result: net.Analysis) -> dict[str, dict[str, Any]]:
    """What every node should carry, from the graph and the measures (None left out)."""
    out = {}
    for n in g:
        d = g.nodes[n]
        rec = {k: d[k] for k in ("label", "name", "kind", "type", "organ", "year", "in_corpus", "url")}
        rec.update(
            in_degree=result.in_degree[n],
            out_degree=result.out_degree[n],
            pagerank=result.pagerank[n],
            hub=result.hubs[n],
            authority=result.authorities[n],
            betweenness=result.betweenness[n],
            community=result.community[n],
            component=result.component[n],
        )
        out[n] = {k: v for k, v in rec.items() if v is not None}
    return out


def same(a: Any, b: Any) -> bool:
    if isinstance(b, float):
        return abs(float(a) - b) < 1e-9
    return a == b


def test_graphml_reads_back(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """networkx reads the GraphML back with the same nodes, edges and typed attributes."""
    g, result = sample
    back = nx.read_graphml(io.BytesIO(ex.graphml(g, result)))
    assert back.is_directed()
    assert set(back.nodes) == set(g.nodes) and set(back.edges) == set(g.edges)
    want = expected_nodes(g, result)
    for n, attrs in want.items():
        got = back.nodes[n]
        for k, v in attrs.items():
            assert same(got[k], v), (n, k, got.get(k), v)
    for u, v, d in g.edges(data=True):
        got = back.edges[u, v]
        assert got["weight"] == d["weight"] and got["functions"] == "; ".join(d["functions"])
        assert got.get("year") == d["year"] and got["organ"] == d["organ"]
    assert back.edges["A/RES/61/165", "A/RES/60/169"]["functions"] == "recalls"


def test_gexf_reads_back_with_timeline(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """networkx reads the GEXF back; nodes and edges with a year carry a start date for Gephi's timeline."""
    g, result = sample
    data = ex.gexf(g, result)
    assert b"lastmodifieddate" not in data and b'mode="dynamic"' in data and b'timeformat="date"' in data
    back = nx.read_gexf(io.BytesIO(data), node_type=str)
    assert set(back.nodes) == set(g.nodes) and set(back.edges) == set(g.edges)
    want = expected_nodes(g, result)
    for n, attrs in want.items():
        got = back.nodes[n]
        for k, v in attrs.items():
            assert same(got[k], v), (n, k, got.get(k), v)
        year = g.nodes[n]["year"]
        assert got.get("start") == (f"{year}-01-01" if year else None)
    for u, v, d in g.edges(data=True):
        assert back.edges[u, v].get("start") == (f"{d['year']}-01-01" if d["year"] else None)
        assert back.edges[u, v]["weight"] == d["weight"]
    assert back.nodes["A/RES/61/165"]["start"] == "2006-01-01"


# Cytoscape.js's element format (js.cytoscape.org, "Element JSON"): elements is
# either an array of elements or {nodes: [...], edges: [...]}; each element is an
# object whose data.id is a string unique among all elements; an edge's
# data.source and data.target are ids of nodes; position, when given, is
# {x: number, y: number}; the other top-level keys are Cytoscape's own
# (group, selected, selectable, locked, grabbable, pannable, classes, style,
# renderedPosition, scratch).
ELEMENT_KEYS = {
    "data",
    "position",
    "renderedPosition",
    "group",
    "selected",
    "selectable",
    "locked",
    "grabbable",
    "pannable",
    "classes",
    "style",
    "scratch",
}


def validate_cytoscape(doc: Any) -> list[str]:
    """Problems with ``doc`` as Cytoscape.js elements JSON (empty when valid)."""
    problems: list[str] = []
    if not isinstance(doc, dict) or not isinstance(doc.get("elements"), dict):
        return ["top level: expected {'elements': {'nodes': [...], 'edges': [...]}}"]
    nodes, edges = doc["elements"].get("nodes"), doc["elements"].get("edges")
    if not isinstance(nodes, list) or not isinstance(edges, list):
        return ["elements.nodes and elements.edges must be arrays"]
    ids: set[str] = set()
    node_ids: set[str] = set()

    def json_value(v: Any) -> bool:
        if isinstance(v, dict):
            return all(isinstance(k, str) and json_value(x) for k, x in v.items())
        if isinstance(v, list):
            return all(json_value(x) for x in v)
        return v is None or isinstance(v, str | int | float | bool)

    for group, items in (("nodes", nodes), ("edges", edges)):
        for i, el in enumerate(items):
            where = f"{group}[{i}]"
            if not isinstance(el, dict) or not isinstance(el.get("data"), dict):
                problems.append(f"{where}: an element is an object with a data object")
                continue
            extra = set(el) - ELEMENT_KEYS
            if extra:
                problems.append(f"{where}: unknown keys {sorted(extra)}")
            if "group" in el and el["group"] != group:
                problems.append(f"{where}: group {el['group']!r} in {group}")
            eid = el["data"].get("id")
            if not isinstance(eid, str) or not eid:
                problems.append(f"{where}: data.id must be a non-empty string")
            elif eid in ids:
                problems.append(f"{where}: duplicate id {eid!r}")
            else:
                ids.add(eid)
                if group == "nodes":
                    node_ids.add(eid)
            if not json_value(el["data"]):
                problems.append(f"{where}: data holds a non-JSON value")
            if "position" in el:
                pos = el["position"]
                if not (
                    isinstance(pos, dict)
                    and set(pos) == {"x", "y"}
                    and all(isinstance(pos[c], int | float) and not isinstance(pos[c], bool) for c in "xy")
                ):
                    problems.append(f"{where}: position must be {{x: number, y: number}}")
    for i, el in enumerate(edges):
        data = el.get("data", {}) if isinstance(el, dict) else {}
        for end in ("source", "target"):
            if data.get(end) not in node_ids:
                problems.append(f"edges[{i}]: {end} {data.get(end)!r} is not a node id")
    return problems


def test_validator_catches_broken_elements() -> None:
    """The validator is not a rubber stamp: each kind of fault is reported."""
    good = {
        "elements": {
            "nodes": [{"data": {"id": "a"}, "position": {"x": 1, "y": 2}}, {"data": {"id": "b"}}],
            "edges": [{"data": {"id": "e", "source": "a", "target": "b"}}],
        }
    }
    assert validate_cytoscape(good) == []
    assert validate_cytoscape({"nodes": []})
    dup = json.loads(json.dumps(good))
    dup["elements"]["edges"][0]["data"]["id"] = "a"
    assert any("duplicate" in p for p in validate_cytoscape(dup))
    dangling = json.loads(json.dumps(good))
    dangling["elements"]["edges"][0]["data"]["target"] = "zz"
    assert any("target" in p for p in validate_cytoscape(dangling))
    badpos = json.loads(json.dumps(good))
    badpos["elements"]["nodes"][0]["position"] = {"x": "1", "y": 2}
    assert any("position" in p for p in validate_cytoscape(badpos))
    noid = json.loads(json.dumps(good))
    del noid["elements"]["nodes"][1]["data"]["id"]
    assert validate_cytoscape(noid)


def test_cytoscape_json_is_valid_elements(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """The JSON export is valid Cytoscape.js elements with every node, every edge and their quotes."""
    g, result = sample
    doc = json.loads(ex.cytoscape_json(g, result))
    assert validate_cytoscape(doc) == []
    assert {n["data"]["id"] for n in doc["elements"]["nodes"]} == set(g.nodes)
    assert {(e["data"]["source"], e["data"]["target"]) for e in doc["elements"]["edges"]} == set(g.edges)
    edge = next(
        e["data"]
        for e in doc["elements"]["edges"]
        if (e["data"]["source"], e["data"]["target"]) == ("A/RES/61/165", "A/RES/60/169")
    )
    assert edge["citations"] == [{"function": "recalls", "paragraph": "pp1", "text": "resolution 60/169"}]


def test_csv_tables(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """One node row per node with its measures, one edge row per citing pair with its quotes."""
    g, result = sample
    nodes_csv, edges_csv = ex.csv_tables(g, result)
    nodes = list(csv.DictReader(io.StringIO(nodes_csv)))
    edges = list(csv.DictReader(io.StringIO(edges_csv)))
    assert len(nodes) == g.number_of_nodes() and len(edges) == g.number_of_edges()
    icrmw = next(r for r in nodes if r["id"] == "ICRMW")
    assert icrmw["in_degree"] == "4" and icrmw["kind"] == "instrument"
    assert abs(float(icrmw["pagerank"]) - result.pagerank["ICRMW"]) < 1e-9
    row = next(r for r in edges if (r["source"], r["target"]) == ("A/RES/61/165", "A/RES/60/169"))
    assert (row["functions"], row["year"], row["quotes"]) == ("recalls", "2006", "resolution 60/169")


def test_exports_are_deterministic(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """Two runs give the same bytes: sorted, seeded, no timestamps."""
    g, _ = sample
    kg = KnowledgeGraph(memory=True)
    kg.ingest([str(SAMPLE)])
    g2 = net.load_graph(kg.store)
    r1, r2 = net.analyse(g), net.analyse(g2)
    assert ex.graphml(g, r1) == ex.graphml(g2, r2)
    assert ex.gexf(g, r1) == ex.gexf(g2, r2)
    assert ex.cytoscape_json(g, r1) == ex.cytoscape_json(g2, r2)
    assert ex.csv_tables(g, r1) == ex.csv_tables(g2, r2)
    assert ex.html(g, r1) == ex.html(g2, r2)
    assert not re.search(rb"20\d\d-\d\d-\d\dT\d\d:", ex.gexf(g, r1) + ex.graphml(g, r1))


def test_html_is_self_contained(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """The page inlines graphology, sigma.js and the data, laid out, and references nothing outside itself."""
    g, result = sample
    page = ex.html(g, result)
    assert "graphology" in page and "sigma" in page and page.count("<script") == 4
    assert "cytoscape" not in page.lower()
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", page)
    data = re.search(r'<script id="graph-data" type="application/json">(.*?)</script>', page, re.S)
    assert data is not None
    doc = json.loads(data.group(1))
    assert (doc["format"], doc["version"]) == ("unkg-network", 2)
    assert [n["id"] for n in doc["nodes"]] == sorted(g.nodes)
    assert all(isinstance(n[k], float) for n in doc["nodes"] for k in ("x", "y", "r"))
    ids = [n["id"] for n in doc["nodes"]]
    assert {(ids[e["source"]], ids[e["target"]]) for e in doc["edges"]} == set(g.edges)
    edge = next(e for e in doc["edges"] if (ids[e["source"]], ids[e["target"]]) == ("A/RES/61/165", "A/RES/60/169"))
    assert edge["citations"] == [["pp1", "recalls", "resolution 60/169"]]
    assert edge["functions"] == ["recalls"] and edge["weight"] == 1


def circles(pos: dict[str, tuple[float, float, float]]) -> list[tuple[str, str, float]]:
    """Pairs of circles that overlap: (a, b, distance / sum of radii)."""
    items = sorted(pos.items())
    out = []
    for i, (a, (xa, ya, ra)) in enumerate(items):
        for b, (xb, yb, rb) in items[i + 1 :]:
            d = ((xa - xb) ** 2 + (ya - yb) ** 2) ** 0.5
            if d < ra + rb:
                out.append((a, b, d / (ra + rb)))
    return out


def test_layout_keeps_works_apart_and_sizes_them_by_pagerank(sample: tuple[nx.DiGraph, net.Analysis]) -> None:
    """No two works of the sample overlap (instruments drawn as squares included); the most important is the largest."""
    from unkg.export import graph_layout

    g, result = sample
    pos = graph_layout.layout(g, result.pagerank)
    assert set(pos) == set(g) and circles(pos) == []
    # A square's corner stands at 0.8 * sqrt(2) = 1.13 radii: the room kept (GAP) covers it.
    assert graph_layout.GAP >= 0.8 * 2**0.5
    top = max(result.pagerank, key=lambda n: (result.pagerank[n], n))
    low = min(result.pagerank, key=lambda n: (result.pagerank[n], n))
    assert pos[top][2] == graph_layout.RADIUS_MAX and pos[low][2] == graph_layout.RADIUS_MIN
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    assert max(xs) - min(xs) <= graph_layout.VIEW * 1.2 and max(ys) - min(ys) <= graph_layout.VIEW * 1.2
    assert graph_layout.layout(g, result.pagerank) == pos  # seeded


def test_layout_of_a_big_graph_is_no_random_square() -> None:
    """Past 3,000 works (where the old page drew a random square) linked works stand closer than unlinked ones.

    Two components stay apart (packed side by side, not laid over each other).
    """
    import random

    from unkg.export import graph_layout

    rng = random.Random(7)
    g = nx.DiGraph()
    for part in ("a", "b"):
        for i in range(1, 2000):
            for _ in range(2):
                g.add_edge(f"{part}{i}", f"{part}{rng.randrange(i)}")
    pos = graph_layout.layout(g, {n: 1.0 for n in g})
    assert len(pos) == g.number_of_nodes() == 4000

    def dist(u: str, v: str) -> float:
        return ((pos[u][0] - pos[v][0]) ** 2 + (pos[u][1] - pos[v][1]) ** 2) ** 0.5

    linked = sorted(dist(u, v) for u, v in g.edges())[len(g.edges()) // 2]
    nodes = sorted(g)
    unlinked = sorted(dist(rng.choice(nodes), rng.choice(nodes)) for _ in range(5000))[2500]
    assert linked < unlinked / 3, (linked, unlinked)

    assert laid_over(pos, lambda n: n.startswith("a"), lambda n: n.startswith("b")) == 0


def laid_over(pos: dict[str, tuple[float, float, float]], ours: Any, theirs: Any) -> int:
    """How many works of ``theirs`` stand inside the convex hull of ``ours``."""
    from scipy.spatial import Delaunay

    hull = Delaunay([p[:2] for n, p in pos.items() if ours(n)])
    return int((hull.find_simplex([p[:2] for n, p in pos.items() if theirs(n)]) >= 0).sum())


def test_small_components_are_packed_close_round_the_big_one() -> None:
    """A component of 3,000 works and 1,000 works alone (a store's statements that cite nothing): the big one takes
    most of the picture, the lone works stand round it, none inside it, about as wide as high."""
    import random

    from unkg.export import graph_layout

    rng = random.Random(3)
    g = nx.DiGraph()
    for i in range(1, 3000):  # hubs and spokes, as citations are: preferential attachment
        g.add_edge(f"big{i}", f"big{min(rng.randrange(i), rng.randrange(i))}")
    g.add_nodes_from(f"alone{i}" for i in range(1000))
    g.add_edges_from((f"pair{i}a", f"pair{i}b") for i in range(50))
    pos = graph_layout.layout(g, {n: 1.0 for n in g})
    xy = np.array([p[:2] for p in pos.values()])
    big = np.array([p[:2] for n, p in pos.items() if n.startswith("big")])
    share = float(np.prod(np.ptp(big, axis=0)) / np.prod(np.ptp(xy, axis=0)))
    assert share > 0.6, share  # in rows below it, as before: 0.25
    centre = np.median(big, axis=0)
    body = np.percentile(np.hypot(*(big - centre).T), 80)  # four in five of its works stand within this of its middle
    rest = np.array([p[:2] for n, p in pos.items() if not n.startswith("big")])
    assert np.hypot(*(rest - centre).T).min() > body  # round it, not in its body
    width, height = np.ptp(xy, axis=0)
    assert 0.75 < width / height < 1.33


COMMITTED = {
    "network.graphml": lambda g, r, _: ex.graphml(g, r),
    "network.gexf": lambda g, r, _: ex.gexf(g, r),
    "network.cyjs.json": lambda g, r, _: ex.cytoscape_json(g, r),
    "network.nodes.csv": lambda g, r, _: ex.csv_tables(g, r)[0].encode("utf-8"),
    "network.edges.csv": lambda g, r, _: ex.csv_tables(g, r)[1].encode("utf-8"),
    "network.html": lambda g, r, series: ex.html(g, r, series=series).encode("utf-8"),
}


@pytest.mark.parametrize("name", sorted(COMMITTED))
def test_committed_exports_are_current(
    sample: tuple[nx.DiGraph, net.Analysis], sample_series: list[dict[str, Any]], name: str
) -> None:
    """exports/network/ holds exactly what the current code makes of corpus/sample (`make run` rewrites it)."""
    g, result = sample
    path = EXPORTS / name
    assert path.is_file(), f"{path} missing: run `make run`"
    assert path.read_bytes() == COMMITTED[name](g, result, sample_series), f"{path} is stale: run `make run` and commit"


def test_cli_export_network_formats(tmp_path: Path) -> None:
    """unkg export writes every network format; csv wants -o; the RDF formats still work."""
    store = tmp_path / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SAMPLE), "--store", str(store), "--quiet", "-j", "1"]).exit_code == 0
    for fmt, name in (("graphml", "g.graphml"), ("gexf", "g.gexf"), ("cytoscape", "g.json"), ("html", "g.html")):
        res = runner.invoke(cli, ["export", "--format", fmt, "--store", str(store), "-o", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
        assert (tmp_path / name).read_bytes() == (
            EXPORTS
            / {
                "g.graphml": "network.graphml",
                "g.gexf": "network.gexf",
                "g.json": "network.cyjs.json",
                "g.html": "network.html",
            }[name]
        ).read_bytes()
    res = runner.invoke(cli, ["export", "--format", "csv", "--store", str(store), "-o", str(tmp_path / "net.csv")])
    assert res.exit_code == 0 and (tmp_path / "net.nodes.csv").is_file() and (tmp_path / "net.edges.csv").is_file()
    res = runner.invoke(cli, ["export", "--format", "csv", "--store", str(store)])
    assert res.exit_code == 2 and "-o" in res.output
    res = runner.invoke(cli, ["export", "--format", "nq", "--store", str(store)])
    assert res.exit_code == 0 and "<https://w3id.org/unkg/doc/A/RES/61/165>" in res.output


# -- the series as timelines (unkg.series.timeline, the page's "series") ---------------------------------


def series_store(folder: Path) -> KnowledgeGraph:
    """The sample corpus and two members of the annual series "Dissemination of information on decolonization"
    (A/RES/78/100 and A/RES/79/113: tests/test_series.py's EARLIER and LATER texts, written to ``folder``),
    ingested into an in-memory store and aligned by ``unkg derive``."""
    from tests.test_series import EARLIER, LATER

    from unkg.series.derive import derive

    (folder / "A_RES_78_100.txt").write_text("A/RES/78/100\n" + EARLIER, encoding="utf-8")
    (folder / "A_RES_79_113.txt").write_text("A/RES/79/113\n" + LATER, encoding="utf-8")
    kg = KnowledgeGraph(memory=True)
    assert kg.ingest([str(SAMPLE), str(folder)]).ok
    assert derive(kg.store).pairs == 1
    return kg


@pytest.fixture(scope="module")
def with_series(tmp_path_factory: pytest.TempPathFactory) -> tuple[KnowledgeGraph, nx.DiGraph, list[dict[str, Any]]]:
    """``series_store``'s store, its network and the series of its resolutions."""
    from unkg.series.timeline import store_series

    kg = series_store(tmp_path_factory.mktemp("series"))
    g = net.load_graph(kg.store)
    return kg, g, store_series(kg.store, g)


def test_series_members_in_order_with_the_corpus_flagged(with_series: tuple) -> None:
    """Each series lists its members oldest first, as `unkg series` does (from the files), those not in the corpus flagged."""
    from unkg.series import members
    from unkg.series.members import store_corpus

    kg, _, series = with_series
    by_title = {s["title"]: s for s in series}
    assert sorted(by_title) == ["Dissemination of information on decolonization", "Protection of migrants"]
    decolonization = by_title["Dissemination of information on decolonization"]["members"]
    read_from_files = members("A/RES/79/113", store_corpus(kg.store))  # `unkg series A/RES/79/113`
    assert [m["symbol"] for m in decolonization] == [m.symbol for m in read_from_files]
    assert len(decolonization) > 40 and decolonization[0]["year"] < 1980 and decolonization[-1]["symbol"] == "A/RES/80/104"
    assert [m["year"] for m in decolonization] == sorted(m["year"] for m in decolonization)
    assert {m["symbol"] for m in decolonization if m["in_corpus"]} == {"A/RES/78/100", "A/RES/79/113"}
    assert not next(m for m in decolonization if m["symbol"] == "A/RES/77/148")["in_corpus"]
    # The text evidence (61/165: "the most recent of which is resolution 60/169") read from the store's quotes.
    assert [(m["symbol"], m["year"], m["in_corpus"]) for m in by_title["Protection of migrants"]["members"]] == [
        ("A/RES/60/169", 2005, False),
        ("A/RES/61/165", 2006, True),
    ]


def test_series_members_carry_the_changes_unkg_derive_stored(with_series: tuple) -> None:
    """A member aligned with its predecessor carries the counts of new, edited, moved, unchanged and dropped paragraphs."""
    _, _, series = with_series
    found = {m["symbol"]: m for s in series for m in s["members"]}
    assert found["A/RES/79/113"]["changes"] == {
        "predecessor": "A/RES/78/100", "new": 1, "edited": 1, "moved": 1, "unchanged": 4, "dropped": 0,
    }  # fmt: skip
    assert "changes" not in found["A/RES/78/100"]  # the earliest the corpus holds: nothing to compare with


def test_a_work_in_no_series_has_none(with_series: tuple) -> None:
    """The page data names each member's work in the picture; a work in no series is in none."""
    _, g, series = with_series
    data = ex.page_data(g, net.analyse(g), series)
    ids = [n["id"] for n in data["nodes"]]
    named = {ids[m["node"]]: m for s in data["series"] for m in s["members"] if m["node"] is not None}
    assert {"A/RES/79/113", "A/RES/78/100", "A/RES/61/165", "A/RES/60/169"} <= set(named)
    assert all(m["symbol"] == work for work, m in named.items())
    for work in ("A/RES/58/208", "ICRMW", "A/59/377", "A/61/324"):  # cited resolution, instrument, reports
        assert work in ids and work not in named
    missing = next(m for s in data["series"] for m in s["members"] if m["symbol"] == "A/RES/2879(XXVI)")
    assert missing["node"] is None and not missing["in_corpus"]
    assert missing["title"] is None  # the series' own title, said once
    assert ex.page_data(g, net.analyse(g))["series"] == []


def test_a_document_without_a_symbol_is_labelled_by_its_file(tmp_path: Path) -> None:
    """A statement ingested from a file that names no symbol is labelled in the exports (and the page) by its file's
    name, as `unkg analyse` names it (unkg.network.work_label), not by its hash."""
    from tests.test_network import _chain_corpus

    _chain_corpus(tmp_path / "corpus")
    kg = KnowledgeGraph(memory=True)
    assert kg.ingest([str(tmp_path / "corpus")]).ok
    g = net.load_graph(kg.store)
    unnamed = [n for n in g if n.startswith("_/")]
    assert len(unnamed) == 1
    data = ex.page_data(g, net.analyse(g))
    (node,) = [d for d in data["nodes"] if d["id"] == unnamed[0]]
    assert node["label"] == "QAT_68_2013.txt"
    nodes, _ = ex.csv_tables(g, net.analyse(g))
    assert f"{unnamed[0]},QAT_68_2013.txt," in nodes
