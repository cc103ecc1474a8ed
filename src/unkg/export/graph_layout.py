"""Where each work stands in the network picture: positions and sizes, computed before the page opens.

The page (``unkg.export.html``) only draws; it never lays out. A layout
made here is seeded, so the same graph gives the same picture, and it
scales: igraph's Fruchterman-Reingold with its grid (repulsion only between
nearby nodes) lays out 20,000 works and 100,000 citations in about 3 s on
a 2-core machine, where networkx's spring layout took minutes and the old
page fell back to a random square past 3,000 works (benchmarks/README.md,
``network_picture.py``).

- ``layout(g, weights)`` returns, for each node, ``(x, y, r)``: a position
  and a radius in the same units, the radius growing with the node's weight
  (PageRank). Units are pixels of the default view: the picture is about
  ``VIEW`` units across, so the page, which fits the picture to its canvas,
  draws a radius of ``r`` at about ``r`` pixels.
- Each weakly connected component is laid out on its own, then the
  components are packed in rows, largest first, so a small component never
  flies off or lands on top of the big one.
- Circles are then pushed apart until none overlaps another (a few rounds
  over the pairs closer than their radii, found with a k-d tree), so at the
  default zoom no two works cover each other.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping

import igraph
import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

SEED = 42
VIEW = 1000.0  # the picture's width and height, about: the page fits it to the canvas
RADIUS_MIN = 5.0  # the least-cited work, in units of the default view (pixels, about)
RADIUS_MAX = 22.0  # the most important one
GRID_PAST = 1000  # Fruchterman-Reingold with its grid (local repulsion) past this many nodes in a component
SEPARATE = 3000  # at most this many circles, the largest, are kept from overlapping
GAP = 1.15  # room between circles, as a factor of the sum of their radii


def layout(
    g: nx.DiGraph | nx.Graph, weights: Mapping[str, float] | None = None, seed: int = SEED
) -> dict[str, tuple[float, float, float]]:
    """``{node: (x, y, radius)}`` for every node of ``g``, seeded; see the module's docstring."""
    nodes = sorted(g)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    edges = sorted({(min(index[u], index[v]), max(index[u], index[v])) for u, v in g.edges() if u != v})
    ig = igraph.Graph(n=n, edges=edges, directed=False)
    xy = np.zeros((n, 2))
    parts = sorted(ig.connected_components(mode="weak"), key=lambda c: (-len(c), min(c)))
    boxes = []
    for members in parts:
        pos = _component(ig.induced_subgraph(members), seed)
        boxes.append((members, pos))
    _pack(boxes, xy)
    radius = _radii(nodes, weights, n)
    # Scale the picture so that it is about VIEW across, radii staying in those units.
    span = float(np.ptp(xy, axis=0).max()) if n > 1 else 0.0
    if span > 0:
        xy *= (VIEW - 2 * RADIUS_MAX) / span
    # The largest circles first: past SEPARATE works only they are pushed apart (the rest are dots of a pixel or two).
    # The few largest get many rounds (they crowd the middle of a big picture), then the next ones fewer.
    by_size = np.argsort(-radius, kind="stable")
    for count, rounds in ((300, 200), (SEPARATE, 60)):
        top = by_size[:count]
        xy[top] = separate(xy[top], radius[top], rounds)
    xy -= (xy.min(axis=0) + xy.max(axis=0)) / 2
    return {
        v: (round(float(xy[i, 0]), 2), round(float(xy[i, 1]), 2), round(float(radius[i]), 2))
        for i, v in enumerate(nodes)
    }


def _component(sub: igraph.Graph, seed: int) -> np.ndarray:
    """One connected component's layout, centred, with unit mean edge length (about)."""
    k = sub.vcount()
    if k == 1:
        return np.zeros((1, 2))
    if k == 2:
        return np.array([[-0.5, 0.0], [0.5, 0.0]])
    igraph.set_random_number_generator(random.Random(seed))
    try:
        if k > GRID_PAST:
            pos = np.array(sub.layout_fruchterman_reingold(niter=300, grid=True).coords)
        else:
            pos = np.array(sub.layout_fruchterman_reingold(niter=500, grid=False).coords)
    finally:
        igraph.set_random_number_generator(random)
    pos -= pos.mean(axis=0)
    src, dst = np.array(sub.get_edgelist()).T
    length = float(np.median(np.hypot(*(pos[src] - pos[dst]).T))) or 1.0
    return pos / length


def _pack(boxes: list[tuple[list[int], np.ndarray]], xy: np.ndarray) -> None:
    """Place each component's layout in rows (shelves), largest first, into ``xy``."""
    sized = []
    for members, pos in boxes:
        lo, hi = pos.min(axis=0), pos.max(axis=0)
        sized.append((members, pos - lo, (hi - lo) + 1.0))  # 1.0: a margin of one edge length
    area = sum(float(w * h) for _, _, (w, h) in sized)
    width = max(math.sqrt(area) * 1.2, float(sized[0][2][0]))
    x = y = row = 0.0
    for members, pos, (w, h) in sized:
        if x > 0 and x + w > width:
            x, y, row = 0.0, y + row, 0.0
        xy[members] = pos + np.array([x, y])
        x += w
        row = max(row, h)
    xy[:, 1] *= -1  # the first shelf on top, as the page's y axis points up


def _radii(nodes: list[str], weights: Mapping[str, float] | None, n: int) -> np.ndarray:
    """Radius by the square root of the weight above the least one (area follows PageRank); smaller in big graphs."""
    w = np.array([float((weights or {}).get(v, 0.0) or 0.0) for v in nodes])
    low_w, top = (float(w.min()), float(w.max())) if n else (0.0, 0.0)
    share = np.sqrt((w - low_w) / (top - low_w)) if top > low_w else np.zeros(n)
    # Past a few thousand works the picture must hold them all: the smallest shrink towards a pixel.
    crowd = min(1.0, math.sqrt(3000 / n)) if n else 1.0
    low, high = max(1.0, RADIUS_MIN * crowd), max(6.0, RADIUS_MAX * math.sqrt(crowd))
    return low + (high - low) * share


def separate(xy: np.ndarray, radius: np.ndarray, rounds: int = 60) -> np.ndarray:
    """Push overlapping circles apart (each pair by half the overlap, along the line of centres) until none overlaps.

    Pairs are found with a k-d tree around each centre, out to its radius
    plus the largest radius. Coincident centres are split along a seeded
    random direction.
    """
    xy = xy.astype(float).copy()
    n = len(xy)
    if n < 2:
        return xy
    rng = np.random.default_rng(SEED)
    reach = radius * GAP + float(radius.max()) * GAP
    for _ in range(rounds):
        tree = cKDTree(xy)
        pairs = tree.query_pairs(float(reach.max()), output_type="ndarray") if n < 4000 else _near(tree, xy, reach)
        if len(pairs) == 0:
            break
        i, j = pairs[:, 0], pairs[:, 1]
        d = xy[j] - xy[i]
        dist = np.hypot(d[:, 0], d[:, 1])
        need = (radius[i] + radius[j]) * GAP
        over = dist < need
        if not over.any():
            break
        i, j, d, dist, need = i[over], j[over], d[over], dist[over], need[over]
        zero = dist < 1e-9
        if zero.any():
            angle = rng.uniform(0, 2 * math.pi, int(zero.sum()))
            d[zero] = np.c_[np.cos(angle), np.sin(angle)]
            dist[zero] = 1.0
        # Each circle moves by half the overlap, less when it has many neighbours pushing.
        push = (d / dist[:, None]) * ((need - np.where(zero, 0.0, dist)) / 2)[:, None]
        move = np.zeros_like(xy)
        np.add.at(move, i, -push)
        np.add.at(move, j, push)
        count = np.bincount(np.concatenate([i, j]), minlength=n)[:, None]
        xy += move / np.maximum(1, np.sqrt(count))
    return xy


def _near(tree: cKDTree, xy: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Pairs (i < j) with j within reach[i] of i: the variable-radius query for big graphs."""
    found = tree.query_ball_point(xy, reach)
    i = np.repeat(np.arange(len(xy)), [len(f) for f in found])
    j = np.concatenate([np.asarray(f, dtype=np.int64) for f in found]) if len(i) else np.zeros(0, dtype=np.int64)
    keep = i < j
    return np.c_[i[keep], j[keep]]
