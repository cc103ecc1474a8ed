"""Network analytics at scale: every measure of `unkg analyse` on a synthetic citation graph.

    python benchmarks/network_analysis.py                       # 100,000 works, 1,000,000 citations
    python benchmarks/network_analysis.py --nodes 10000 --edges 100000 --store-nodes 10000

The graph (benchmarks/network_synthetic.py) is time-ordered, with
preferential attachment and a heavy-tailed in-degree. Each measure runs in
a forked child of the process that holds the graph, so its time and its peak
memory (the child's peak resident set above what it started with, Python and
C allocations alike) are its own; next to it, the same measure in igraph or
rustworkx, in the same run, and the ratio unkg / other (above 1: unkg is
slower). Where the other library has no such measure, the closest step is
named. Then the time to build the graph from a store: the same citations
written as the quads unkg's ingest writes, bulk-loaded into an on-disk
pyoxigraph store, read back by ``unkg.network.load_graph``.

Prints a Markdown table (paste it into benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import numpy as np
import rustworkx as rx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from network_synthetic import citation_edges

from unkg import iri
from unkg import network as net

PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


def _child(fn: Callable[[], Any], conn: Any) -> None:
    start = _rss()
    t = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    conn.send((seconds, max(0, peak - start), summarise(out)))
    conn.close()


def summarise(out: Any) -> str:
    if isinstance(out, dict):
        return f"{len(out)} values"
    if isinstance(out, list | tuple):
        return f"{len(out)} items"
    return type(out).__name__


def measure(fn: Callable[[], Any]) -> tuple[float, float, str]:
    """(seconds, peak MiB above the start, a word on the result) of fn in a forked child."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    p = ctx.Process(target=_child, args=(fn, child))
    p.start()
    child.close()
    seconds, peak, what = parent.recv()
    p.join()
    return seconds, peak / 2**20, what


def write_nquads(path: Path, citing: np.ndarray, cited: np.ndarray, years: np.ndarray, nodes: int) -> int:
    """The quads unkg's ingest writes for these citations (documents and citation nodes), as N-Quads; returns the count."""
    from unkg.rdf import CITO, DCTERMS, OA, RDF, UNKG, XSD

    typ = f"<{RDF}type>"
    names = [f"A/RES/{int(years[i]) - 1945}/{i}" for i in range(nodes)]
    iris = [f"<{iri.document(s)}>" for s in names]
    count = 0
    with path.open("w", encoding="utf-8") as f:
        for i in range(nodes):
            graph = f"<{iri.GRAPH}file/bench{i // 1000}>"
            d = iris[i]
            lines = [
                f"{d} {typ} <{UNKG}Document>",
                f"{d} {typ} <{UNKG}Resolution>",
                f"{d} <{DCTERMS}type> <{UNKG}Resolution>",
                f'{d} <{UNKG}symbol> "{names[i]}"',
                f'{d} <{UNKG}year> "{int(years[i])}"^^<{XSD}gYear>',
                f"{d} <{UNKG}organ> <{UNKG}GeneralAssembly>",
            ]
            f.write("".join(f"{line} {graph} .\n" for line in lines))
            count += len(lines)
        for k, (a, b) in enumerate(zip(citing.tolist(), cited.tolist(), strict=True)):
            graph = f"<{iri.GRAPH}file/bench{a // 1000}>"
            c = f"{iri.CITATION}bench/{k}"
            lines = [
                f"<{c}> {typ} <{CITO}Citation>",
                f"<{c}> <{CITO}hasCitingEntity> {iris[a]}",
                f"<{c}> <{CITO}hasCitedEntity> {iris[b]}",
                f"<{c}> <{CITO}hasCitationCharacterization> <{CITO}citesAsAuthority>",
                f'<{c}> <{UNKG}verb> "recalls"',
                f'<{c}> <{UNKG}paragraph> "pp1"',
                f"<{c}> <{OA}hasSelector> <{c}#quote>",
                f'<{c}#quote> <{OA}exact> "resolution {names[b][6:]}"',
                f"<{c}> <{OA}hasSelector> <{c}#position>",
                f'<{c}#position> <{OA}start> "{k % 5000}"^^<{XSD}integer>',
                f"{iris[a]} <{CITO}cites> {iris[b]}",
            ]
            f.write("".join(f"{line} {graph} .\n" for line in lines))
            count += len(lines)
    return count


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--nodes", type=int, default=100_000)
    ap.add_argument("--edges", type=int, default=1_000_000)
    ap.add_argument("--store-nodes", type=int, default=100_000, help="Works in the store part (0: skip it).")
    ap.add_argument("--no-networkx-louvain", action="store_true", help="Skip networkx Louvain (3 minutes at 1M).")
    ap.add_argument("--store-only", action="store_true", help="Only the time to build the graph from a store.")
    ap.add_argument(
        "--details", choices=["both", "lean", "full"], default="both", help="Which load_graph to time (details=...)."
    )
    args = ap.parse_args()
    # igraph warns that many hub/authority scores are zero: true of any citation graph (works citing nothing).
    warnings.filterwarnings("ignore", message="More than 30% of hub or authority scores", category=RuntimeWarning)

    t = time.perf_counter()
    citing, cited, years = citation_edges(args.nodes, args.edges)
    gen = time.perf_counter() - t
    indeg = np.bincount(cited, minlength=args.nodes)
    outdeg = np.bincount(citing, minlength=args.nodes)
    print(
        f"graph: {args.nodes:,} works, {len(citing):,} citations (generated in {gen:.1f} s); in-degree max "
        f"{indeg.max():,}, 99th percentile {np.percentile(indeg, 99):.0f}, median {np.median(indeg):.0f}, "
        f"uncited {np.mean(indeg == 0):.0%}; out-degree mean {outdeg.mean():.1f}, max {outdeg.max()}"
    )
    names = [f"w{i:06d}" for i in range(args.nodes)]
    t = time.perf_counter()
    g = nx.DiGraph()
    g.add_nodes_from((names[i], {"year": int(years[i])}) for i in range(args.nodes))
    g.add_edges_from(zip([names[i] for i in citing.tolist()], [names[i] for i in cited.tolist()], strict=True))
    build_nx = time.perf_counter() - t
    pairs = np.column_stack([citing, cited]).tolist()
    t = time.perf_counter()
    ig = igraph.Graph(n=args.nodes, edges=pairs, directed=True)
    build_ig = time.perf_counter() - t
    t = time.perf_counter()
    rg = rx.PyDiGraph()
    rg.add_nodes_from(range(args.nodes))
    rg.add_edges_from_no_data([tuple(p) for p in pairs])
    build_rx = time.perf_counter() - t
    print(f"in memory: networkx {build_nx:.1f} s, igraph {build_ig:.1f} s, rustworkx {build_rx:.1f} s")

    k = net.BETWEENNESS_SAMPLES
    nx_k = 10  # networkx's sampled betweenness at k=500 would take far too long: 10 sources, scaled up
    sources = random.Random(net.SEED).sample(range(args.nodes), k)
    top = np.argsort(-indeg, kind="stable")[:200].tolist()
    topout = np.argsort(-outdeg, kind="stable")[:200].tolist()

    def ig_louvain() -> Any:
        u = ig.as_undirected()
        u.simplify()
        igraph.set_random_number_generator(random.Random(net.SEED))
        return u.community_multilevel().membership

    rows: list[tuple[str, Callable[[], Any], str, Callable[[], Any], float]] = [
        (
            "in/out degree",
            lambda: net.degrees(g),
            "igraph indegree+outdegree",
            lambda: (ig.indegree(), ig.outdegree()),
            1,
        ),
        ("PageRank", lambda: net.pagerank(g), "igraph pagerank (PRPACK)", lambda: ig.pagerank(directed=True), 1),
        ("PageRank", lambda: net.pagerank(g), "rustworkx pagerank", lambda: rx.pagerank(rg), 1),
        (
            "HITS",
            lambda: net.hits(g),
            "igraph hub_score+authority_score",
            lambda: (ig.hub_score(), ig.authority_score()),
            1,
        ),
        ("HITS", lambda: net.hits(g), "rustworkx hits", lambda: rx.hits(rg), 1),
        (
            f"betweenness, k={k} (unkg: igraph backend)",
            lambda: net.betweenness(g, k=k),
            f"networkx, k={nx_k}, x{k // nx_k}",
            lambda: net.betweenness(g, k=nx_k, backend="networkx"),
            k / nx_k,
        ),
        (
            f"betweenness, k={k} (unkg: igraph backend)",
            lambda: net.betweenness(g, k=k),
            f"igraph betweenness, {k} sources",
            lambda: ig.betweenness(directed=True, sources=sources),
            1,
        ),
        ("Louvain (unkg: igraph backend)", lambda: net.communities(g), "igraph community_multilevel", ig_louvain, 1),
        (
            "weak components",
            lambda: net.components(g),
            "igraph connected_components(weak)",
            lambda: ig.connected_components(mode="weak").membership,
            1,
        ),
        (
            "weak components",
            lambda: net.components(g),
            "rustworkx weakly_connected_components",
            lambda: rx.weakly_connected_components(rg),
            1,
        ),
        (
            "co-citation (all pairs)",
            lambda: net.co_citation(g, limit=1000),
            "igraph cocitation, 200 most cited, x n/200",
            lambda: ig.cocitation(top),
            args.nodes / 200,
        ),
        (
            "bibliographic coupling",
            lambda: net.bibliographic_coupling(g, limit=1000),
            "igraph bibcoupling, 200 most citing, x n/200",
            lambda: ig.bibcoupling(topout),
            args.nodes / 200,
        ),
        (
            "main path (SPC)",
            lambda: net.search_path_count(g),
            "rustworkx topological_sort only (no SPC)",
            lambda: rx.topological_sort(rg),
            1,
        ),
        ("citations by year", lambda: net.citations_by_year(g), "-", None, 1),
        ("whole analyse()", lambda: net.analyse(g), "-", None, 1),
    ]
    if not args.no_networkx_louvain:
        rows.insert(
            8,
            (
                "Louvain (unkg: igraph backend)",
                lambda: net.communities(g),
                "networkx louvain_communities",
                lambda: net.communities(g, backend="networkx"),
                1,
            ),
        )

    if args.store_only:
        rows = []
    print()
    print("| measure | unkg s | unkg peak MiB | other | other s | other peak MiB | ratio unkg/other |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: |")
    cache: dict[str, tuple[float, float, str]] = {}
    for name, ours, other_name, other, scale in rows:
        if name not in cache:
            cache[name] = measure(ours)
        s, m, _ = cache[name]
        if other is None:
            print(f"| {name} | {s:.2f} | {m:.0f} | {other_name} | | | |", flush=True)
            continue
        os_, om, _ = measure(other)
        os_ *= scale
        print(f"| {name} | {s:.2f} | {m:.0f} | {other_name} | {os_:.2f} | {om:.0f} | {s / os_:.2f} |", flush=True)

    if args.store_nodes:
        import pyoxigraph as ox

        sub = citing < args.store_nodes
        sc, sd = citing[sub], cited[sub]
        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            quads = write_nquads(Path(tmp) / "bench.nq", sc, sd, years, args.store_nodes)
            make = time.perf_counter() - t
            store = ox.Store(str(Path(tmp) / "store"))
            t = time.perf_counter()
            store.bulk_load(path=str(Path(tmp) / "bench.nq"), format=ox.RdfFormat.N_QUADS)
            store.flush()
            load = time.perf_counter() - t
            print(
                f"\nstore: {args.store_nodes:,} works, {len(sc):,} citations, {quads:,} quads "
                f"(written in {make:.0f} s, bulk-loaded in {load:.0f} s)"
            )
            for details in {"both": (False, True), "lean": (False,), "full": (True,)}[args.details]:
                seconds, peak, what = measure(lambda d=details: net.load_graph(store, details=d))
                print(f"load_graph(details={details}): {seconds:.1f} s, peak +{peak:.0f} MiB ({what})", flush=True)
            del store


if __name__ == "__main__":
    main()
