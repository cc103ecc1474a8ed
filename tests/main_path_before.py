"""The main path as unkg computed it at commit ada8def: the oracle the new implementation must equal.

``search_path_count`` below is the code of ``unkg.network_measures`` before
the main path was rewritten for speed (issue 18), kept verbatim (only the
imports and this docstring are new), so that tests can compare the two on
random graphs with cycles, ties and counts past 2^62. It is not used by the
package.
"""

from __future__ import annotations

import operator
from collections import defaultdict

import numpy as np

from unkg.network_arrays import as_arrays, distinct
from unkg.network_measures import EdgeValues, MainPath, Network


def _csr_lists(keys: np.ndarray, values: np.ndarray, size: int) -> tuple[list[int], list[int]]:
    """(offsets, values) of values grouped by key, as Python lists (for a loop over big integers)."""
    order = np.argsort(keys, kind="stable")
    offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(keys, minlength=size), out=offsets[1:])
    return offsets.tolist(), values[order].tolist()


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
    or out of it has the SPC of the collapsed edge. The condensed DAG is
    ordered by Kahn's algorithm, a frontier at a time (numpy), and the path
    counts are exact integers.

    ``through``: only the lineage of this node (its ancestors, itself and
    its descendants) is searched, and the path is forced through it.
    """
    import scipy.sparse as sp
    from scipy.sparse.csgraph import breadth_first_order, connected_components

    arr = as_arrays(g)
    nodes = arr.nodes  # index order is name order
    n = arr.n
    loop = arr.src != arr.dst
    src, dst = arr.dst[loop], arr.src[loop]  # flow: cited -> citing
    flow = sp.csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    if through is not None:
        if through not in arr.index:
            raise KeyError(f"{through!r} is not in the graph")
        t = arr.index[through]
        keep = np.zeros(n, dtype=bool)
        keep[breadth_first_order(flow, t, directed=True, return_predecessors=False)] = True  # descendants
        keep[breadth_first_order(flow.T.tocsr(), t, directed=True, return_predecessors=False)] = True  # ancestors
        inside = keep[src] & keep[dst]
        src, dst = src[inside], dst[inside]
        flow = sp.csr_matrix((np.ones(len(src), dtype=np.int8), (src, dst)), shape=(n, n))
    # Cycles: strongly connected components (scipy), each one step of the condensed DAG.
    size, label = connected_components(flow, directed=True, connection="strong") if n else (0, np.zeros(0))
    label = label.astype(np.int64)
    counts = np.bincount(label, minlength=size)
    if (counts > 1).any():
        groups: dict[int, list[str]] = defaultdict(list)
        for i in np.flatnonzero(counts[label] > 1).tolist():
            groups[int(label[i])].append(nodes[i])
        big = {c: tuple(m) for c, m in groups.items()}  # already sorted: nodes are
    else:
        big = {}
    first = np.full(size, n, dtype=np.int64)
    np.minimum.at(first, label, np.arange(n))  # each component's smallest node

    def members(c: int) -> tuple[str, ...]:
        return big.get(c) or (nodes[int(first[c])],)

    cycles = sorted(big.values())
    csrc, cdst = label[src], label[dst]
    between = csrc != cdst
    width = max(size, 1)
    edge_keys = csrc[between] * width + cdst[between]
    keys = distinct(edge_keys)  # distinct condensed edges, sorted: by tail, then head
    ca, cb = keys // width, keys % width
    levels = _levels(size, ca, cb)
    counted = _path_counts(size, ca, cb, levels)
    if counted is None:  # past 2^62 paths: Python's integers, exact at any size
        counted = _path_counts_exact(size, ca, cb, levels)
    forward, _backward, cond_spc = counted
    at = np.searchsorted(keys, edge_keys)
    spc = EdgeValues(nodes, dst[between], src[between], cond_spc[at])  # by citation: citing, cited
    succ_off = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(ca, minlength=size), out=succ_off[1:])
    has_pred = np.bincount(cb, minlength=size) > 0
    has_succ = np.diff(succ_off) > 0
    total = sum(int(forward[c]) for c in np.flatnonzero(has_pred & ~has_succ).tolist())

    def best(edges: np.ndarray, ties: str) -> int | None:
        """The edge (its position in keys) of the largest SPC; ties go to the smallest names (tail, head or both)."""
        if not len(edges):
            return None
        values = cond_spc[edges]
        top = edges[values == values.max()]
        if ties == "both":
            order = np.lexsort((first[cb[top]], first[ca[top]]))
        else:
            order = np.argsort(first[(ca if ties == "tail" else cb)[top]], kind="stable")
        return int(top[order[0]])

    def outgoing(c: int) -> np.ndarray:
        return np.arange(succ_off[c], succ_off[c + 1])

    path: list[int] = []
    if through is not None:
        # Backward from the node along the largest SPC, then forward from it.
        pred_edges = np.argsort(cb, kind="stable")
        pred_off = np.zeros(size + 1, dtype=np.int64)
        np.cumsum(np.bincount(cb, minlength=size), out=pred_off[1:])
        back = [int(label[arr.index[through]])]
        while True:
            e = best(pred_edges[pred_off[back[-1]] : pred_off[back[-1] + 1]], "tail")
            if e is None:
                break
            back.append(int(ca[e]))
        path = list(reversed(back))
    else:
        starts = np.flatnonzero(~has_pred[ca])  # edges out of a source
        e = best(starts, "both")
        if e is not None:
            path = [int(ca[e])]
    while path:
        e = best(outgoing(path[-1]), "head")
        if e is None:
            break
        path.append(int(cb[e]))
    return MainPath(spc=spc, path=[members(c) for c in path], cycles=cycles, total_paths=total)


def _segments(offsets: np.ndarray, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions, lengths): the positions of the CSR segments of ``nodes``, concatenated, and each one's length."""
    starts, ends = offsets[nodes], offsets[nodes + 1]
    lengths = ends - starts
    positions = np.repeat(ends - np.cumsum(lengths), lengths) + np.arange(int(lengths.sum()))
    return positions, lengths


def _levels(size: int, tail: np.ndarray, head: np.ndarray) -> list[np.ndarray]:
    """The DAG's nodes by level (Kahn's algorithm a frontier at a time): every tail in a level before its head's."""
    indeg = np.bincount(head, minlength=size)
    out_offsets = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(tail, minlength=size), out=out_offsets[1:])
    out_heads = head  # tails are sorted (keys are), so heads are grouped by tail already
    levels = []
    frontier = np.flatnonzero(indeg == 0)
    while len(frontier):
        levels.append(frontier)
        positions, _lengths = _segments(out_offsets, frontier)
        if not len(positions):
            break
        targets = np.sort(out_heads[positions])
        np.subtract.at(indeg, targets, 1)
        candidates = targets[np.r_[True, targets[1:] != targets[:-1]]]
        frontier = candidates[indeg[candidates] == 0]
    return levels


# Path counts past this are counted with Python's integers (numpy's int64 would overflow).
_INT64_SAFE = float(2**62)


def _path_counts(
    size: int, ca: np.ndarray, cb: np.ndarray, levels: list[np.ndarray]
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(N-, N+, SPC of each condensed edge) in int64, a level at a time; None when a count would pass 2^62."""
    by_head = np.argsort(cb, kind="stable")
    pred_tail = ca[by_head]
    pred_off = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(cb, minlength=size), out=pred_off[1:])
    succ_off = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.bincount(ca, minlength=size), out=succ_off[1:])
    forward = np.ones(size, dtype=np.int64)
    shadow = np.ones(size)  # the same sums in floating point, to see an overflow coming
    for level in levels[1:]:  # the first level has no predecessors: 1 path each
        positions, lengths = _segments(pred_off, level)
        cuts = np.r_[0, np.cumsum(lengths)[:-1]]
        forward[level] = np.add.reduceat(forward[pred_tail[positions]], cuts)
        shadow[level] = np.add.reduceat(shadow[pred_tail[positions]], cuts)
        if shadow[level].max() > _INT64_SAFE:
            return None
    backward = np.ones(size, dtype=np.int64)
    back_shadow = np.ones(size)
    for level in reversed(levels):
        level = level[succ_off[level + 1] > succ_off[level]]  # sinks keep 1
        if not len(level):
            continue
        positions, lengths = _segments(succ_off, level)
        cuts = np.r_[0, np.cumsum(lengths)[:-1]]
        backward[level] = np.add.reduceat(backward[cb[positions]], cuts)
        back_shadow[level] = np.add.reduceat(back_shadow[cb[positions]], cuts)
        if back_shadow[level].max() > _INT64_SAFE:
            return None
    if len(ca) and (shadow[ca] * back_shadow[cb]).max() > _INT64_SAFE:
        return None
    return forward, backward, forward[ca] * backward[cb]


def _path_counts_exact(
    size: int, ca: np.ndarray, cb: np.ndarray, levels: list[np.ndarray]
) -> tuple[list[int], list[int], np.ndarray]:
    """(N-, N+, SPC of each condensed edge) with Python's integers (an object array for the SPC)."""
    order = np.concatenate(levels).tolist() if levels else []
    pred_off, preds = _csr_lists(cb, ca, size)
    succ_off, succs = _csr_lists(ca, cb, size)
    forward = [1] * size
    get_f = forward.__getitem__
    for c in order:  # N-: paths from any source to c
        lo, hi = pred_off[c], pred_off[c + 1]
        if hi > lo:
            forward[c] = sum(map(get_f, preds[lo:hi]))
    backward = [1] * size
    get_b = backward.__getitem__
    for c in reversed(order):  # N+: paths from c to any sink
        lo, hi = succ_off[c], succ_off[c + 1]
        if hi > lo:
            backward[c] = sum(map(get_b, succs[lo:hi]))
    spc = np.empty(len(ca), dtype=object)
    spc[:] = list(map(operator.mul, map(get_f, ca.tolist()), map(get_b, cb.tolist())))
    return forward, backward, spc
