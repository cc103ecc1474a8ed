"""The measures of a citation network, computed by igraph and scipy on its arrays.

Every measure takes a ``NetworkArrays`` (what ``unkg analyse`` reads from the
store) or a networkx DiGraph (converted once), and gives the same answers as
networkx does on the same graph (the tests hold networkx as the reference):

- degrees: ``numpy.bincount`` of the citing and cited ends;
- PageRank: igraph's PRPACK, the exact solution of the system networkx's
  power iteration approaches (dangling works spread their rank uniformly;
  self-citations count);
- HITS: a power iteration from a uniform start over the sparse citing x
  cited matrix (deterministic; networkx starts ARPACK from a random vector);
- betweenness: igraph's shortest path counts, exact or from k seeded
  sources, normalised as networkx does;
- Louvain: networkx's ``louvain_communities`` up to LOUVAIN_NETWORKX_EDGES
  edges, igraph's ``community_multilevel`` above;
- weak components: igraph; co-citation and coupling: sparse matrix
  products; the main path: search path counts over the condensed DAG, exact
  integers; citations by year: ``numpy`` counts.

Node measures come back as ``NodeValues`` (a mapping over one array).
"""

from __future__ import annotations

import math
import random
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx
import numpy as np

from unkg.network_arrays import NetworkArrays, NodeValues, as_arrays, distinct

__all__ = [
    "BETWEENNESS_SAMPLES",
    "EXACT_BETWEENNESS_NODES",
    "LOUVAIN_NETWORKX_EDGES",
    "PAIR_CORE",
    "PAIR_INCIDENCES",
    "SEED",
    "Analysis",
    "EdgeValues",
    "MainPath",
    "Pair",
    "analyse",
    "betweenness",
    "bibliographic_coupling",
    "citations_by_year",
    "co_citation",
    "communities",
    "components",
    "degrees",
    "hits",
    "pagerank",
    "pair_scope",
    "salton",
    "sample_size",
    "search_path_count",
]

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

Network = nx.DiGraph | NetworkArrays


# --------------------------------------------------------------------------
# Node measures.
def degrees(g: Network) -> tuple[NodeValues, NodeValues]:
    """(in-degree, out-degree) of every node: works citing it, works it cites."""
    a = as_arrays(g)
    return a.values(a.in_degree()), a.values(a.out_degree())


def pagerank(g: Network, alpha: float = 0.85) -> NodeValues:
    """PageRank over citing -> cited edges, unweighted (igraph's PRPACK: the fixed point networkx iterates to)."""
    a = as_arrays(g)
    if a.n == 0:
        return a.values(np.zeros(0))
    return a.values(np.asarray(a.igraph.pagerank(directed=True, damping=alpha, implementation="prpack")))


def hits(g: Network, max_iter: int = 1000, tol: float = 1e-12) -> tuple[NodeValues, NodeValues]:
    """HITS (hubs, authorities), each summing to 1, by power iteration from a uniform start.

    A good hub cites good authorities; a good authority is cited by good
    hubs; citing pairs count once (no weights). The uniform start makes the
    result deterministic (networkx's ``hits`` starts ARPACK from a random
    vector). Nodes without edges score 0.
    """
    arr = as_arrays(g)
    n = arr.n
    if n == 0 or arr.m == 0:
        return arr.values(np.zeros(n)), arr.values(np.zeros(n))
    a = arr.adjacency
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
    return arr.values(hub), arr.values(auth)


def sample_size(n: int) -> int | None:
    """How many sources betweenness samples on a graph of n nodes (None: exact)."""
    return None if n <= EXACT_BETWEENNESS_NODES else BETWEENNESS_SAMPLES


def betweenness(g: Network, k: int | None = None, seed: int = SEED, backend: str = "auto") -> NodeValues:
    """Directed betweenness, normalised as networkx does (1/((n-1)(n-2))); estimated from ``k`` seeded sources.

    ``k=None`` is exact. With ``k`` the sources are drawn with
    ``random.Random(seed)`` from the sorted node list, so the same graph
    gives the same estimate, and scaled by n/k as networkx's ``k`` does.
    The shortest paths are counted by igraph (``backend="networkx"``: by
    networkx, the reference, much slower).
    """
    a = as_arrays(g)
    n = a.n
    sources = None if k is None or k >= n else random.Random(seed).sample(range(n), k)
    if backend == "networkx":
        nxg = g if isinstance(g, nx.DiGraph) else a.to_networkx()
        if sources is None:
            exact = nx.betweenness_centrality(nxg, normalized=True)
            return a.values(np.array([exact[v] for v in a.nodes], dtype=float))
        raw = nx.betweenness_centrality_subset(nxg, [a.nodes[s] for s in sources], list(nxg), normalized=False)
        factor = _scale(n, len(sources))
        return a.values(np.array([raw[v] * factor for v in a.nodes], dtype=float))
    if sources is None:
        raw = np.asarray(a.igraph.betweenness(directed=True), dtype=float)
        return a.values(raw / ((n - 1) * (n - 2)) if n > 2 else raw)
    raw = np.asarray(a.igraph.betweenness(directed=True, sources=sources, targets=None), dtype=float)
    return a.values(raw * _scale(n, len(sources)))


def _scale(n: int, k: int) -> float:
    # networkx's normalisation of a directed graph, 1/((n-1)(n-2)), times n/k for the sample.
    return (n / k) / ((n - 1) * (n - 2)) if n > 2 else 0.0


def communities(g: Network, seed: int = SEED, resolution: float = 1.0, backend: str = "auto") -> NodeValues:
    """Louvain communities of the undirected citation graph, seeded, numbered 0.. by size.

    Community 0 is the largest; ties are ordered by their smallest node.
    Isolated nodes are communities of their own. networkx's
    ``louvain_communities`` up to LOUVAIN_NETWORKX_EDGES edges; above,
    igraph's ``community_multilevel`` (the same method, about 14 times
    faster on 1,000,000 edges: benchmarks/README.md), seeded through
    ``igraph.set_random_number_generator(random.Random(seed))``. A networkx
    graph is read in its own node and edge order (Louvain's ties follow it);
    a NetworkArrays in name order.
    """
    a = as_arrays(g)
    if a.n == 0:
        return a.values(np.zeros(0, dtype=np.int64))
    use_igraph = backend == "igraph" or (backend == "auto" and a.m > LOUVAIN_NETWORKX_EDGES)
    if use_igraph:
        import igraph

        if isinstance(g, nx.DiGraph):  # igraph's vertex order: the networkx graph's own
            nodes = list(g)
            index = {v: i for i, v in enumerate(nodes)}
            u = igraph.Graph(n=len(nodes), edges=[(index[x], index[y]) for x, y in g.edges()], directed=False)
            u.simplify()
            position = np.array([a.index[v] for v in nodes], dtype=np.int64)
        else:
            u, position = a.undirected, np.arange(a.n)
        igraph.set_random_number_generator(random.Random(seed))
        try:
            membership = np.asarray(u.community_multilevel(resolution=resolution).membership, dtype=np.int64)
        finally:
            igraph.set_random_number_generator(random)
        labels = np.empty(a.n, dtype=np.int64)
        labels[position] = membership
        return a.values(_number(labels))
    nxg = g if isinstance(g, nx.DiGraph) else a.to_networkx()
    found = nx.community.louvain_communities(
        nxg.to_undirected(as_view=True), weight=None, seed=seed, resolution=resolution
    )
    labels = np.empty(a.n, dtype=np.int64)
    for c, members in enumerate(found):
        labels[[a.index[v] for v in members]] = c
    return a.values(_number(labels))


def _number(labels: np.ndarray) -> np.ndarray:
    """Groups renumbered 0.. by size, largest first, ties by their smallest node (index order is name order)."""
    if not len(labels):
        return labels
    size = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=size)
    first = np.full(size, len(labels), dtype=np.int64)
    np.minimum.at(first, labels, np.arange(len(labels)))
    used = np.flatnonzero(sizes)
    order = used[np.lexsort((first[used], -sizes[used]))]
    rank = np.empty(size, dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[labels]


def components(g: Network) -> NodeValues:
    """Weakly connected component of each node, numbered 0.. by size (ties by smallest node)."""
    a = as_arrays(g)
    if a.n == 0:
        return a.values(np.zeros(0, dtype=np.int64))
    membership = np.asarray(a.igraph.connected_components(mode="weak").membership, dtype=np.int64)
    return a.values(_number(membership))


# --------------------------------------------------------------------------
# Pair measures.
@dataclass(frozen=True, slots=True)
class Pair:
    """Two works and how strongly they are related: a count and Salton's cosine."""

    a: str
    b: str
    count: int
    cosine: float


def _pairs(g: Network, by_citing: bool, min_count: int, limit: int | None) -> list[Pair]:
    import scipy.sparse as sp

    arr = as_arrays(g)
    n = arr.n
    if arr.m == 0:
        return []
    a = sp.csr_matrix((np.ones(arr.m, dtype=np.int64), (arr.src, arr.dst)), shape=(n, n))
    # Co-citation: works cited together, A^T A. Coupling: works citing the same, A A^T.
    m = a.T.tocsr() if by_citing else a  # rows: the works to pair; columns: what links them
    deg = np.asarray(m.sum(axis=1)).ravel()
    linking = arr.out_degree() if by_citing else arr.in_degree()
    if float((linking.astype(float) ** 2).sum()) > PAIR_INCIDENCES:
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
    nodes = arr.nodes
    return [Pair(nodes[r[i]], nodes[c[i]], int(d[i]), float(cos[i])) for i in order]


def pair_scope(g: Network, by_citing: bool) -> str:
    """'all', or 'core N' when the pair measure is restricted to the N works of highest degree."""
    a = as_arrays(g)
    linking = a.out_degree() if by_citing else a.in_degree()  # the works whose pairs are counted
    return f"core {PAIR_CORE}" if float((linking.astype(float) ** 2).sum()) > PAIR_INCIDENCES else "all"


def co_citation(g: Network, min_count: int = 1, limit: int | None = None) -> list[Pair]:
    """Pairs of works cited together by the same document: how many documents cite both.

    Salton's cosine divides by the square root of the product of the two
    in-degrees. Strongest first (then by names). On a graph where the sparse
    product would hold over PAIR_INCIDENCES pair incidences (sum of squared
    out-degrees), only the PAIR_CORE most cited works are paired: the
    co-citation core, as bibliometric studies do.
    """
    return _pairs(g, True, min_count, limit)


def bibliographic_coupling(g: Network, min_count: int = 1, limit: int | None = None) -> list[Pair]:
    """Pairs of documents that cite the same works: how many works both cite (cosine over out-degrees).

    Past PAIR_INCIDENCES (sum of squared in-degrees: one work cited 15,000
    times couples 10^8 pairs), only the PAIR_CORE most citing documents are paired.
    """
    return _pairs(g, False, min_count, limit)


# --------------------------------------------------------------------------
# Main path: the lineage that carries most of the citation flow.
class EdgeValues(Mapping[tuple[str, str], int]):
    """Search path counts by edge, ``{(citing, cited): count}``, over arrays (a dict is built when read)."""

    def __init__(self, nodes: list[str], citing: np.ndarray, cited: np.ndarray, counts: np.ndarray) -> None:
        self._nodes, self._citing, self._cited, self._counts = nodes, citing, cited, counts
        self._dict: dict[tuple[str, str], int] | None = None

    def _as_dict(self) -> dict[tuple[str, str], int]:
        if self._dict is None:
            nodes = self._nodes
            self._dict = {
                (nodes[a], nodes[b]): c
                for a, b, c in zip(self._citing.tolist(), self._cited.tolist(), self._counts.tolist(), strict=True)
            }
        return self._dict

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self._as_dict()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return len(self._counts)

    def __repr__(self) -> str:
        return f"EdgeValues({self._as_dict()!r})"


@dataclass
class MainPath:
    """Search path counts of the edges and the main path found with them.

    ``spc`` maps each edge (citing, cited) to its search path count. The
    path runs forward in time: from the oldest work to the newest, as a
    list of steps, each a tuple of nodes (one node, or the members of a
    citation cycle collapsed into one step). ``cycles`` lists those cycles.
    """

    spc: Mapping[tuple[str, str], int]
    path: list[tuple[str, ...]]
    cycles: list[tuple[str, ...]] = field(default_factory=list)
    total_paths: int = 0


def search_path_count(g: Network, through: str | None = None) -> MainPath:
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
    connected components); an edge inside a cycle has no SPC, an edge into
    or out of it has the SPC of the collapsed edge. The works are put in
    layers by Kahn's algorithm over the citations as sorted (``_layers``),
    and the graph is condensed only when some work is left over (a cycle).
    The counts are exact integers (``_path_counts``).

    ``through``: only the lineage of this node (its ancestors, itself and
    its descendants) is searched, and the path is forced through it.
    """
    import scipy.sparse as sp

    arr = as_arrays(g)
    nodes, n = arr.nodes, arr.n
    citing, cited = arr.src, arr.dst  # sorted by citing work: each work's citations are one run
    if (citing == cited).any():
        citing, cited = citing[citing != cited], cited[citing != cited]
    if through is not None:
        if through not in arr.index:
            raise KeyError(f"{through!r} is not in the graph")
        citing, cited = _lineage(n, citing, cited, arr.index[through])
    # A DAG is ordered at once; works left over sit in a cycle or are cited from one: condense, then order.
    offsets = _offsets(citing, n)
    layers = _layers(offsets, cited)
    if sum(len(layer.steps) for layer in layers) == n:
        size, label, first = n, None, np.arange(n)
        head, tail = citing, cited  # the steps are the works; the flow edges tail -> head, distinct already
    else:
        size, label, first = _components(n, citing, cited)
        width = max(size, 1)
        between = label[citing] != label[cited]
        keys = distinct(label[citing[between]] * width + label[cited[between]])  # sorted by citing step
        head, tail = keys // width, keys % width
        citing, cited = citing[between], cited[between]
        offsets = _offsets(head, size)
        layers = _layers(offsets, tail)
    forward, backward, total = _path_counts(size, layers)
    if label is None:
        spc = EdgeValues(nodes, citing, cited, forward[cited] * backward[citing])
    else:
        spc = EdgeValues(nodes, citing, cited, forward[label[cited]] * backward[label[citing]])
    big = _members(nodes, label, size)

    def members(c: int) -> tuple[str, ...]:
        return big.get(c) or (nodes[int(first[c])],)

    # Steps are numbered in name order (of their first work), so a tie goes to the smaller number.
    # The steps each step cites: tail[offsets[c]:offsets[c + 1]]; its citers: the same matrix by column.
    citers = sp.csr_matrix((np.ones(len(head), dtype=np.int8), tail, offsets), shape=(size, size)).tocsc()
    path: list[int] = []
    if through is not None:
        # Backward from the node along the largest SPC, N-(u) N+(v) for the fixed v: the largest N-(u).
        path = [int(label[arr.index[through]]) if label is not None else arr.index[through]]
        while offsets[path[-1] + 1] > offsets[path[-1]]:
            path.append(_best(tail[offsets[path[-1]] : offsets[path[-1] + 1]], forward))
        path.reverse()
    elif len(tail):
        starts = np.flatnonzero((offsets[1:] == offsets[:-1])[tail])  # edges out of a source (N- = 1)
        values = backward[head[starts]]
        path = [int(tail[starts[values == values.max()]].min())]  # then the walk takes that source's best edge
    while path and citers.indptr[path[-1] + 1] > citers.indptr[path[-1]]:
        # Forward along the largest SPC, N-(u) N+(v) for the fixed u: the largest N+(v).
        path.append(_best(citers.indices[citers.indptr[path[-1]] : citers.indptr[path[-1] + 1]], backward))
    return MainPath(spc=spc, path=[members(c) for c in path], cycles=sorted(big.values()), total_paths=total)


def _best(steps: np.ndarray, counts: np.ndarray) -> int:
    """The step with the largest count (ties: the smallest step)."""
    values = counts[steps]
    return int(steps[values == values.max()].min())


def _offsets(keys: np.ndarray, size: int) -> np.ndarray:
    """CSR offsets of sorted keys: key k's run is ``[offsets[k], offsets[k + 1])``."""
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=offsets[1:])
    return offsets


def _segments(offsets: np.ndarray, nodes: np.ndarray) -> np.ndarray:
    """The positions of the CSR runs of ``nodes``, run after run (a cumulative sum of steps: 1 inside a run,
    a jump between runs)."""
    starts, ends = offsets[nodes], offsets[nodes + 1]
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    step = np.ones(int((ends - starts).sum()), dtype=np.int64)
    if len(starts):
        step[0] = starts[0]
        step[np.cumsum(ends[:-1] - starts[:-1])] = starts[1:] - ends[:-1] + 1
    return np.cumsum(step, out=step)


def _lineage(n: int, citing: np.ndarray, cited: np.ndarray, t: int) -> tuple[np.ndarray, np.ndarray]:
    """The citations among the ancestors of work t, t itself and its descendants (scipy's breadth-first search)."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order

    flow = sp.csr_matrix((np.ones(len(citing), dtype=np.int8), (cited, citing)), shape=(n, n))
    keep = np.zeros(n, dtype=bool)
    keep[breadth_first_order(flow, t, directed=True, return_predecessors=False)] = True  # descendants
    keep[breadth_first_order(flow.T.tocsr(), t, directed=True, return_predecessors=False)] = True  # ancestors
    inside = keep[citing] & keep[cited]
    return citing[inside], cited[inside]


def _components(n: int, citing: np.ndarray, cited: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """(how many, each work's component, each component's first work): scipy's strongly connected components,
    numbered in the order of their first (smallest) work."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    graph = sp.csr_matrix((np.ones(len(citing), dtype=np.int8), (citing, cited)), shape=(n, n))
    size, label = connected_components(graph, directed=True, connection="strong")
    first = np.full(size, n, dtype=np.int64)
    np.minimum.at(first, label, np.arange(n))
    order = np.argsort(first)
    number = np.empty(size, dtype=np.int64)
    number[order] = np.arange(size)
    return size, number[label], first[order]


def _members(nodes: list[str], label: np.ndarray | None, size: int) -> dict[int, tuple[str, ...]]:
    """The works of each component of more than one work (in name order), by component."""
    if label is None:
        return {}
    counts = np.bincount(label, minlength=size)
    inside = np.flatnonzero(counts[label] > 1)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, c in zip(inside.tolist(), label[inside].tolist(), strict=True):
        groups[c].append(nodes[i])
    return {c: tuple(m) for c, m in groups.items()}


class _Layer(NamedTuple):
    """One layer of a DAG: its steps, how many steps each cites, and those, run after run."""

    steps: np.ndarray
    runs: np.ndarray
    cited: np.ndarray


def _layers(offsets: np.ndarray, cited: np.ndarray) -> list[_Layer]:
    """The steps in layers, newest first (Kahn's algorithm a frontier at a time, over the citations grouped by
    citing step: ``cited[offsets[v]:offsets[v + 1]]``): every step comes after all the steps citing it.

    Steps in a cycle, and the steps they cite, are never reached: they are in no layer.
    """
    remaining = np.bincount(cited, minlength=len(offsets) - 1)  # citing steps not yet placed
    frontier = np.flatnonzero(remaining == 0)
    layers = []
    while len(frontier):
        targets = cited[_segments(offsets, frontier)]
        layers.append(_Layer(frontier, offsets[frontier + 1] - offsets[frontier], targets))
        np.subtract.at(remaining, targets, 1)
        frontier = distinct(targets[remaining[targets] == 0])
    return layers


# Path counts: below 2^53 float64 sums of them are exact; below 2^62 int64 holds them and their products.
_FLOAT_EXACT = float(2**53)
_INT64_SAFE = float(2**62)


def _path_counts(size: int, layers: list[_Layer]) -> tuple[np.ndarray, np.ndarray, int]:
    """(N-, N+, the number of source-to-sink paths) of the steps of a DAG in layers, exact.

    Every count is at most the number of source-to-sink paths (a count is a number of such paths, or of
    pieces of them). N+ is counted first in float64, which tells that number's size: below 2^53 every
    sum was exact; else N+ is counted again in int64 (below 2^62) or in Python's integers (numpy object
    arrays, exact at any size). N- is then counted in the type that holds it.
    """
    sources = np.zeros(size, dtype=bool)  # steps that cite nothing ...
    for layer in layers:
        sources[layer.steps[layer.runs == 0]] = True
    if layers:
        sources[layers[0].steps] = False  # ... and are cited
    with np.errstate(over="ignore"):  # past 10^308 paths the float count is infinite: exact integers below
        backward = _backward(size, layers, np.dtype(np.float64))
        estimate = float(backward[sources].sum())
    dtype = np.dtype(np.int64) if estimate < _INT64_SAFE else np.dtype(object)
    # Below 2^53 the float counts are the exact ones; above, some sums were rounded: counted again.
    backward = backward.astype(np.int64).astype(dtype) if estimate < _FLOAT_EXACT else _backward(size, layers, dtype)
    forward = _forward(size, layers, dtype)
    return forward, backward, int(backward[sources].sum())


def _backward(size: int, layers: list[_Layer], dtype: np.dtype) -> np.ndarray:
    """N+ (paths from each step to a sink), newest layer first: a step's count, whole once its layer is
    reached, is added to the counts of the steps it cites (``numpy.add.at``)."""
    backward = np.zeros(size, dtype=dtype)
    if layers:
        backward[layers[0].steps] = 1  # sinks: nothing cites them
    for layer in layers:
        np.add.at(backward, layer.cited, np.repeat(backward[layer.steps], layer.runs))
    return backward


def _forward(size: int, layers: list[_Layer], dtype: np.dtype) -> np.ndarray:
    """N- (paths from a source to each step), oldest layer first: the sum over the steps it cites
    (``numpy.add.reduceat`` over their runs)."""
    forward = np.ones(size, dtype=dtype)  # sources: they cite nothing
    for layer in reversed(layers):
        citing = layer.runs > 0
        if citing.any():
            runs = layer.runs[citing]
            forward[layer.steps[citing]] = np.add.reduceat(forward[layer.cited], np.cumsum(runs) - runs)
    return forward


# --------------------------------------------------------------------------
# Time.
def citations_by_year(g: Network) -> dict[str, dict[int, int]]:
    """For each cited work: the number of citing documents of each year (documents without a year are left out)."""
    if isinstance(g, nx.DiGraph):
        out: dict[str, Counter[int]] = defaultdict(Counter)
        for u, v in g.edges():
            year = g.nodes[u].get("year")
            if year is not None:
                out[v][int(year)] += 1
        return {v: dict(sorted(c.items())) for v, c in sorted(out.items())}
    column = g.attributes.get("year")
    if column is None or g.m == 0:
        return {}
    years = np.array([-1 if y is None else int(y) for y in column], dtype=np.int64)
    citing_year = years[g.src]
    dated = citing_year >= 0
    if not dated.any():
        return {}
    low = int(citing_year[dated].min())
    span = int(citing_year[dated].max()) - low + 1
    keys = np.sort(g.dst[dated] * span + (citing_year[dated] - low))
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else np.zeros(0, dtype=np.int64)
    counts = np.diff(np.r_[starts, len(keys)])
    result: dict[str, dict[int, int]] = {}
    nodes = g.nodes
    for key, count in zip(keys[starts].tolist(), counts.tolist(), strict=True):
        result.setdefault(nodes[key // span], {})[key % span + low] = count
    return result


# --------------------------------------------------------------------------
# Everything at once.
@dataclass
class Analysis:
    """Every measure of one graph, with the parameters they were computed with."""

    in_degree: Mapping[str, int]
    out_degree: Mapping[str, int]
    pagerank: Mapping[str, float]
    hubs: Mapping[str, float]
    authorities: Mapping[str, float]
    betweenness: Mapping[str, float]
    community: Mapping[str, int]
    component: Mapping[str, int]
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
        if isinstance(values, NodeValues):  # a stable sort of the negated values keeps name order in ties
            order = np.argsort(-values.array, kind="stable")[:n]
            names = list(values)
            return [(names[i], values.array[i].item()) for i in order.tolist()]
        return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:n]

    def rank(self, measure: str) -> dict[str, int]:
        """Each node's rank by a node measure, 1 the highest (ties share the better rank)."""
        values: Mapping[str, float] = getattr(self, measure)
        names = list(values)
        array = values.array if isinstance(values, NodeValues) else np.array([values[v] for v in names])
        order = np.argsort(-array, kind="stable")
        ranks = np.empty(len(names), dtype=np.int64)
        sorted_values = array[order]
        first = np.r_[0, np.flatnonzero(np.diff(sorted_values) != 0) + 1]  # where each run of equal values starts
        run = np.repeat(first, np.diff(np.r_[first, len(names)]))
        ranks[order] = run + 1
        return dict(zip(names, ranks.tolist(), strict=True))


def analyse(
    g: Network,
    *,
    alpha: float = 0.85,
    seed: int = SEED,
    betweenness_k: int | None = None,
    pair_limit: int | None = 1000,
) -> Analysis:
    """Every measure of the citation graph ``g`` (a networkx DiGraph, or NetworkArrays)."""
    arr = as_arrays(g)
    ins, outs = degrees(arr)
    hub, auth = hits(arr)
    k = betweenness_k if betweenness_k is not None else sample_size(arr.n)
    params: dict[str, dict[str, Any]] = {
        "degree": {"algorithm": "numpy.bincount of the citing and cited ends"},
        "pagerank": {"algorithm": "igraph.Graph.pagerank (PRPACK)", "alpha": alpha, "weight": "none"},
        "hits": {"algorithm": "HITS power iteration from a uniform start (scipy.sparse)", "tol": 1e-12},
        "betweenness": {
            "algorithm": "igraph.Graph.betweenness" + ("" if k is None else " from sampled sources"),
            "normalized": True,
            "k": k if k is not None else "exact",
            "seed": seed,
        },
        "community": {
            "algorithm": "networkx.community.louvain_communities"
            if arr.m <= LOUVAIN_NETWORKX_EDGES
            else "igraph.Graph.community_multilevel",
            "seed": seed,
            "resolution": 1.0,
        },
        "component": {"algorithm": "igraph.Graph.connected_components (weak)"},
        "co_citation": {
            "algorithm": "A^T A (scipy.sparse), Salton cosine",
            "limit": pair_limit or "all",
            "works": pair_scope(arr, True),
        },
        "coupling": {
            "algorithm": "A A^T (scipy.sparse), Salton cosine",
            "limit": pair_limit or "all",
            "works": pair_scope(arr, False),
        },
        "main_path": {"algorithm": "search path count, local forward main path; cycles condensed"},
        "by_year": {"algorithm": "citing documents per year of the citing document"},
    }
    return Analysis(
        in_degree=ins,
        out_degree=outs,
        pagerank=pagerank(arr, alpha),
        hubs=hub,
        authorities=auth,
        betweenness=betweenness(arr, k, seed),
        community=communities(g, seed),
        component=components(arr),
        co_citation=co_citation(arr, limit=pair_limit),
        coupling=bibliographic_coupling(arr, limit=pair_limit),
        main_path=search_path_count(arr),
        by_year=citations_by_year(g),
        parameters=params,
    )


def salton(count: int, deg_a: int, deg_b: int) -> float:
    """Salton's cosine of a pair: count / sqrt(deg_a * deg_b).

    >>> salton(2, 2, 8)
    0.5
    """
    return count / math.sqrt(deg_a * deg_b)
