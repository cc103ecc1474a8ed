"""The citation network as arrays, the form the measures compute on.

A ``NetworkArrays`` holds the works' names (sorted: index order is name
order), the citing and cited index of every citing pair (distinct, sorted),
the works' attributes as columns, and the same network as an igraph graph,
built once. The measures of :mod:`unkg.network` take it (or a networkx
DiGraph, converted once) and hand it to igraph and scipy without copying
names or edges again: at 100,000 works and 1,000,000 citations copying a
networkx graph into igraph cost more than igraph's PageRank itself
(benchmarks/README.md).

``NodeValues`` is a measure's result: a read-only mapping from a work's name
to its value, over one numpy array, so a measure does not build a dict of
100,000 entries that a reader may never look at.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any

import networkx as nx
import numpy as np


class NodeValues(Mapping[str, Any]):
    """A node measure: ``{work: value}`` over the works of a network, backed by one array.

    Values come back as Python numbers (``int`` or ``float``), as a dict of
    them would hold.

    >>> v = NodeValues(["a", "b"], np.array([2, 0]))
    >>> v["a"], dict(v), v == {"a": 2, "b": 0}
    (2, {'a': 2, 'b': 0}, True)
    """

    __slots__ = ("_dict", "_names", "array")

    def __init__(self, names: Sequence[str], array: np.ndarray) -> None:
        self._names = names
        self.array = array
        self._dict: dict[str, Any] | None = None

    def _as_dict(self) -> dict[str, Any]:
        if self._dict is None:
            self._dict = dict(zip(self._names, self.array.tolist(), strict=True))
        return self._dict

    def __getitem__(self, key: str) -> Any:
        return self._as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    def __contains__(self, key: object) -> bool:
        return key in self._as_dict()

    def __repr__(self) -> str:
        return f"NodeValues({self._as_dict()!r})"


class NetworkArrays:
    """Works and citing pairs as index arrays, with the same network in igraph.

    Args:
        nodes: the works' names, sorted and distinct.
        citing: the citing work's index of each pair.
        cited: the cited work's index of each pair (pairs distinct; self-citations kept).
        attributes: optional columns of node attributes, each a list in node order
            (``name``, ``year``, ``iri``, ... as ``unkg.network.load_graph`` gives them).
        aliases: works counted as another (``{"A/RES/70/1": "AGENDA-2030"}``), for the record.
    """

    def __init__(
        self,
        nodes: Sequence[str],
        citing: np.ndarray,
        cited: np.ndarray,
        attributes: Mapping[str, list[Any]] | None = None,
        aliases: Mapping[str, str] | None = None,
    ) -> None:
        import igraph

        self.nodes = list(nodes)
        n = len(self.nodes)
        src = np.asarray(citing, dtype=np.int64)
        dst = np.asarray(cited, dtype=np.int64)
        if len(src):  # distinct pairs, sorted by (citing, cited)
            keys = distinct(src * max(n, 1) + dst)
            src, dst = keys // max(n, 1), keys % max(n, 1)
        self.src, self.dst = src, dst
        self._in_degree = np.bincount(dst, minlength=n)
        self._out_degree = np.bincount(src, minlength=n)
        self._in_degree.flags.writeable = self._out_degree.flags.writeable = False
        self.attributes: dict[str, list[Any]] = dict(attributes or {})
        self.aliases: dict[str, str] = dict(aliases or {})
        # igraph reads int32 pairs about twice as fast as int64 ones (both through its sequence protocol)
        pairs = np.column_stack([src, dst]).astype(np.int32 if n < 2**31 else np.int64)
        self.igraph = igraph.Graph(n=n, edges=pairs if len(src) else [], directed=True)

    @classmethod
    def from_networkx(cls, g: nx.DiGraph) -> NetworkArrays:
        """The network of a networkx DiGraph (its node attributes become columns)."""
        nodes = sorted(g)
        index = {v: i for i, v in enumerate(nodes)}
        m = g.number_of_edges()
        src = np.fromiter((index[u] for u, _ in g.edges()), dtype=np.int64, count=m)
        dst = np.fromiter((index[v] for _, v in g.edges()), dtype=np.int64, count=m)
        names = {k for _, d in g.nodes(data=True) for k in d}
        columns = {k: [g.nodes[v].get(k) for v in nodes] for k in sorted(names)}
        return cls(nodes, src, dst, columns)

    @property
    def n(self) -> int:
        """How many works."""
        return len(self.nodes)

    @property
    def m(self) -> int:
        """How many citing pairs."""
        return len(self.src)

    def __len__(self) -> int:
        return self.n

    def __contains__(self, node: object) -> bool:
        return node in self.index

    @cached_property
    def index(self) -> dict[str, int]:
        """Each work's position."""
        return {v: i for i, v in enumerate(self.nodes)}

    @cached_property
    def adjacency(self) -> Any:
        """The citing x cited matrix (scipy CSR, ones)."""
        import scipy.sparse as sp

        return sp.csr_matrix((np.ones(self.m), (self.src, self.dst)), shape=(self.n, self.n))

    @cached_property
    def undirected(self) -> Any:
        """The igraph undirected, simple graph (a pair citing each other is one edge; self-citations dropped)."""
        u = self.igraph.as_undirected(mode="collapse")
        u.simplify()
        return u

    def in_degree(self) -> np.ndarray:
        """Citing works of each work (counted once, with the arrays, as igraph keeps its own index)."""
        return self._in_degree

    def out_degree(self) -> np.ndarray:
        """Works each work cites."""
        return self._out_degree

    def values(self, array: np.ndarray) -> NodeValues:
        """A node measure over this network's works."""
        return NodeValues(self.nodes, array)

    def attribute(self, name: str, node: str, default: Any = None) -> Any:
        """One attribute of one work."""
        column = self.attributes.get(name)
        if column is None:
            return default
        value = column[self.index[node]]
        return default if value is None else value

    def edges(self) -> Iterator[tuple[str, str]]:
        """The citing pairs by name, sorted."""
        nodes = self.nodes
        for a, b in zip(self.src.tolist(), self.dst.tolist(), strict=True):
            yield nodes[a], nodes[b]

    def to_networkx(self) -> nx.DiGraph:
        """The same network as a networkx DiGraph: nodes in name order with their attributes, edges sorted;
        each edge carries the citing work's ``year`` and ``organ``, as ``load_graph(details=False)`` gives."""
        g = nx.DiGraph()
        names = list(self.attributes)
        for i, v in enumerate(self.nodes):
            g.add_node(v, **{k: self.attributes[k][i] for k in names})
        years = self.attributes.get("year")
        organs = self.attributes.get("organ")
        for a, b in zip(self.src.tolist(), self.dst.tolist(), strict=True):
            g.add_edge(
                self.nodes[a],
                self.nodes[b],
                year=years[a] if years is not None else None,
                organ=(organs[a] or "") if organs is not None else "",
            )
        return g

    def number_of_nodes(self) -> int:
        """How many works (networkx's name)."""
        return self.n

    def number_of_edges(self) -> int:
        """How many citing pairs (networkx's name)."""
        return self.m


def distinct(keys: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (``numpy.unique`` by a sort: numpy 2's hashing unique took 7 s on 500,000 keys).

    >>> distinct(np.array([3, 1, 3, 2])).tolist()
    [1, 2, 3]
    """
    ordered = np.sort(keys)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def as_arrays(g: nx.DiGraph | NetworkArrays) -> NetworkArrays:
    """``g`` as arrays (converted once from networkx)."""
    return g if isinstance(g, NetworkArrays) else NetworkArrays.from_networkx(g)
