"""A synthetic citation graph shaped like real citation data (shared by the network benchmarks).

Works arrive in time order (work i is dated by its rank) and each cites
earlier works only, so the graph is a DAG like a citation record. The number
of works a new work cites is heavy-tailed (geometric, mean ``edges/nodes``);
whom it cites is drawn by preferential attachment: an earlier work is picked
with probability proportional to 1 + the citations it already has, which
gives the heavy-tailed in-degree of real citation networks.
"""

from __future__ import annotations

import numpy as np


def citation_edges(nodes: int, edges: int, seed: int = 42) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(citing, cited, year) arrays: ``edges`` citations (within 1%) among ``nodes`` works, deduplicated.

    A work drawing the same earlier work twice cites it once, so the mean
    out-degree drawn is raised until the distinct citations reach the target.
    """
    factor = 1.0
    for _ in range(5):
        citing, cited, years = _draw(nodes, edges * factor, seed)
        if len(citing) >= 0.99 * edges:
            break
        factor *= edges / len(citing)
    return citing, cited, years


def _draw(nodes: int, edges: float, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    mean = edges / nodes
    # Out-degree: geometric with the right mean, capped by how many works exist before.
    out = rng.geometric(1 / mean, size=nodes)
    out[0] = 0
    # The urn: one ticket per work as it arrives, one more per citation it receives.
    urn = np.empty(nodes + int(out.sum()) + 1, dtype=np.int64)
    filled = 0
    citing_parts, cited_parts = [], []
    for i in range(nodes):
        k = min(int(out[i]), i)
        if k:
            picks = np.unique(urn[rng.integers(0, filled, size=k)])
            citing_parts.append(np.full(len(picks), i, dtype=np.int64))
            cited_parts.append(picks)
            urn[filled : filled + len(picks)] = picks
            filled += len(picks)
        urn[filled] = i
        filled += 1
    citing = np.concatenate(citing_parts)
    cited = np.concatenate(cited_parts)
    years = 1946 + (np.arange(nodes) * 80 // nodes)
    return citing, cited, years
