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
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import numpy as np
import rustworkx as rx
import scipy.sparse.csgraph  # noqa: F401  imported before the forks, as igraph and rustworkx are (unkg imports it when first needed)

sys.path.insert(0, str(Path(__file__).resolve().parent))
from network_synthetic import citation_edges

from unkg import iri
from unkg import network as net
from unkg.network_arrays import NetworkArrays

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
    if isinstance(out, NetworkArrays):
        return f"{out.n:,} works, {out.m:,} citing pairs"
    if isinstance(out, Mapping):
        return f"{len(out)} values"
    if isinstance(out, list | tuple):
        return f"{len(out)} items"
    return type(out).__name__


def measure(fn: Callable[[], Any], repeat: int = 1) -> tuple[float, float, str]:
    """(seconds, peak MiB above the start, a word on the result) of fn in a forked child: the fastest of
    ``repeat`` children, each started afresh (on a shared machine one run says little)."""
    runs = []
    for _ in range(repeat):
        ctx = mp.get_context("fork")
        parent, child = ctx.Pipe(duplex=False)
        p = ctx.Process(target=_child, args=(fn, child))
        p.start()
        child.close()
        runs.append(parent.recv())
        p.join()
    seconds, peak, what = min(runs)
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
    ap.add_argument(
        "--store", default=None, help="A store written by an earlier run (--keep-store): skip the bulk load."
    )
    ap.add_argument("--keep-store", default=None, help="Build the store part's store here and keep it.")
    ap.add_argument(
        "--networkx", action="store_true", help="Also networkx's Louvain and sampled betweenness (minutes)."
    )
    ap.add_argument("--store-only", action="store_true", help="Only the time to build the network from a store.")
    ap.add_argument("--old-load", action="store_true", help="Also load_graph(details=False), the networkx read.")
    ap.add_argument("--only", default=None, help="Only the measures whose name contains this text (e.g. 'main path').")
    ap.add_argument("--repeat", type=int, default=1, help="Time each row this many times, keep the fastest.")
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
    rows: list[tuple[str, Callable[[], Any], list[tuple[str, Callable[[], Any], float]]]] = []
    if not args.store_only:
        rows = build_rows(args, citing, cited, years)
        if args.only:
            rows = [row for row in rows if args.only in row[0]]
    print()
    print("| measure | unkg s | unkg peak MiB | reference | reference s | reference peak MiB | unkg / best reference |")
    print("| --- | ---: | ---: | --- | ---: | ---: | ---: |")
    for name, ours, others in rows:
        s_, m, _ = measure(ours, args.repeat)
        if not others:
            print(f"| {name} | {s_:.3f} | {m:.0f} | – | | | |", flush=True)
            continue
        timed = []
        for other_name, other, scale in others:
            os_, om, _ = measure(other, args.repeat)
            timed.append((other_name, os_ * scale, om))
        best = min(t for _, t, _ in timed)
        for i, (other_name, os_, om) in enumerate(timed):
            ratio = f"**{s_ / best:.2f}**" if i == 0 else ""
            first = f"{name} | {s_:.3f} | {m:.0f}" if i == 0 else " | |"
            print(f"| {first} | {other_name} | {os_:.3f} | {om:.0f} | {ratio} |", flush=True)

    if args.store_nodes:
        store_part(args, citing, cited, years)


def build_rows(args: Any, citing: np.ndarray, cited: np.ndarray, years: np.ndarray) -> list[Any]:
    """The measures: unkg's on its NetworkArrays, igraph's and rustworkx's on their own graphs, all built first."""
    n = args.nodes
    names = [f"w{i:06d}" for i in range(n)]  # sorted: index order is name order, as in NetworkArrays
    t = time.perf_counter()
    arr = NetworkArrays(names, citing, cited, {"year": years.tolist()})
    build_arr = time.perf_counter() - t
    pairs = np.column_stack([citing, cited]).tolist()
    t = time.perf_counter()
    ig = igraph.Graph(n=n, edges=pairs, directed=True)
    build_ig = time.perf_counter() - t
    t = time.perf_counter()
    rg = rx.PyDiGraph()
    rg.add_nodes_from(range(n))
    rg.add_edges_from_no_data([tuple(p) for p in pairs])
    build_rx = time.perf_counter() - t
    print(
        f"in memory: unkg NetworkArrays (with its igraph graph) {build_arr:.1f} s, igraph {build_ig:.1f} s, "
        f"rustworkx {build_rx:.1f} s"
    )
    if args.networkx:
        t = time.perf_counter()
        g = nx.DiGraph()
        g.add_nodes_from(names)
        g.add_edges_from(zip([names[i] for i in citing.tolist()], [names[i] for i in cited.tolist()], strict=True))
        print(f"networkx {time.perf_counter() - t:.1f} s")
    k = net.BETWEENNESS_SAMPLES
    sources = random.Random(net.SEED).sample(range(n), k)
    top = np.argsort(-np.bincount(cited, minlength=n), kind="stable")[:200].tolist()
    topout = np.argsort(-np.bincount(citing, minlength=n), kind="stable")[:200].tolist()
    u = ig.as_undirected(mode="collapse")
    u.simplify()

    def ig_louvain() -> Any:
        igraph.set_random_number_generator(random.Random(net.SEED))
        return u.community_multilevel().membership

    def in_year(i: int) -> Any:  # citations by year of the citing work, as igraph would count them: per vertex
        return np.unique(np.column_stack([cited, years[citing]]), axis=0, return_counts=True)

    rows: list[Any] = [
        (
            "in/out degree",
            lambda: net.degrees(arr),
            [
                ("igraph indegree+outdegree", lambda: (ig.indegree(), ig.outdegree()), 1),
                (
                    "rustworkx in_degree+out_degree per node",
                    lambda: [(rg.in_degree(i), rg.out_degree(i)) for i in range(n)],
                    1,
                ),
            ],
        ),
        (
            "PageRank",
            lambda: net.pagerank(arr),
            [
                ("igraph pagerank (PRPACK)", lambda: ig.pagerank(directed=True), 1),
                ("rustworkx pagerank", lambda: rx.pagerank(rg), 1),
            ],
        ),
        (
            "HITS",
            lambda: net.hits(arr),
            [
                ("igraph hub_score+authority_score", lambda: (ig.hub_score(), ig.authority_score()), 1),
                ("rustworkx hits", lambda: rx.hits(rg), 1),
            ],
        ),
        (
            f"betweenness, {k} sampled sources",
            lambda: net.betweenness(arr, k=k),
            [(f"igraph betweenness, {k} sources", lambda: ig.betweenness(directed=True, sources=sources), 1)]
            + (
                [
                    (
                        f"networkx, {10} sources, x{k // 10}",
                        lambda: net.betweenness(arr, k=10, backend="networkx"),
                        k / 10,
                    )
                ]
                if args.networkx
                else []
            ),
        ),
        (
            "Louvain (igraph multilevel)",
            lambda: net.communities(arr),
            [("igraph community_multilevel", ig_louvain, 1)]
            + (
                [("networkx louvain_communities", lambda: net.communities(arr, backend="networkx"), 1)]
                if args.networkx
                else []
            ),
        ),
        (
            "weak components",
            lambda: net.components(arr),
            [
                ("igraph connected_components(weak)", lambda: ig.connected_components(mode="weak").membership, 1),
                ("rustworkx weakly_connected_components", lambda: rx.weakly_connected_components(rg), 1),
            ],
        ),
        (
            "co-citation (all pairs)",
            lambda: net.co_citation(arr, limit=1000),
            [("igraph cocitation, 200 most cited, x n/200", lambda: ig.cocitation(top), n / 200)],
        ),
        (
            "bibliographic coupling (core of the 2,000 most citing)",
            lambda: net.bibliographic_coupling(arr, limit=1000),
            [("igraph bibcoupling, 200 most citing, x n/200", lambda: ig.bibcoupling(topout), n / 200)],
        ),
        (
            "main path (SPC, exact integers)",
            lambda: net.search_path_count(arr),
            [
                ("igraph topological_sorting only (no SPC)", lambda: ig.topological_sorting(mode="in"), 1),
                ("rustworkx topological_sort only (no SPC)", lambda: rx.topological_sort(rg), 1),
            ],
        ),
        ("citations by year", lambda: net.citations_by_year(arr), []),
        ("whole analyse()", lambda: net.analyse(arr), []),
    ]
    del in_year
    return rows


def store_part(args: Any, citing: np.ndarray, cited: np.ndarray, years: np.ndarray) -> None:
    """The network read from a store (load_arrays, what unkg analyse runs) next to Store.dump of the same store."""
    import pyoxigraph as ox

    sub = citing < args.store_nodes
    sc, sd = citing[sub], cited[sub]
    with tempfile.TemporaryDirectory(dir="/tmp") as tmp:
        path = args.store or args.keep_store or str(Path(tmp) / "store")
        if not args.store:
            t = time.perf_counter()
            quads = write_nquads(Path(tmp) / "bench.nq", sc, sd, years, args.store_nodes)
            make = time.perf_counter() - t
            store = ox.Store(path)
            t = time.perf_counter()
            store.bulk_load(path=str(Path(tmp) / "bench.nq"), format=ox.RdfFormat.N_QUADS)
            store.flush()
            load = time.perf_counter() - t
            print(f"\nstore: {quads:,} quads (written in {make:.0f} s, bulk-loaded in {load:.0f} s)")
            del store
        store = ox.Store.read_only(path)
        print(f"\nstore: {args.store_nodes:,} works, {len(sc):,} citations, at {path}")
        print("\n| read | seconds | peak MiB above start | result |")
        print("| --- | ---: | ---: | --- |")
        dump = str(Path(tmp) / "dump.nq")
        seconds, peak, _ = measure(lambda: store.dump(output=dump, format=ox.RdfFormat.N_QUADS))
        size = os.path.getsize(dump)
        os.remove(dump)
        print(
            f"| pyoxigraph `Store.dump` (N-Quads, {size / 2**20:,.0f} MiB) | {seconds:.1f} | {peak:.0f} | |", flush=True
        )
        s_, p_, what = measure(lambda: net.load_arrays(store))
        print(f"| `load_arrays(store)` (unkg analyse) | {s_:.1f} | {p_:.0f} | {what} |", flush=True)
        print(f"\nload_arrays / Store.dump: {s_ / seconds:.2f}", flush=True)
        if args.old_load:
            s2, p2, what = measure(lambda: net.load_graph(store, details=False))
            print(f"| `load_graph(store, details=False)` (networkx) | {s2:.1f} | {p2:.0f} | {what} |", flush=True)


if __name__ == "__main__":
    main()
