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
  components are packed round the largest, largest first, each one a disc
  put where it stands closest to the middle without covering what was
  placed before (``_pack``): so a small component never flies off or lands
  on top of the big one, and the big one keeps most of the picture (a store
  of General Assembly resolutions and general debate statements has a
  component of thousands of works and a thousand statements that cite
  nothing: packed in rows below the big one, as before, they took half the
  canvas).
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
ARM = 0.3  # how far out works beyond the body of a component stay (see _component)


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
    """One connected component's layout, centred on its median, in units where each work has the same room.

    A component of ``k`` works is scaled so that nine in ten of them stand within the radius of a
    disc of area ``k`` times that of a disc half a unit across (a lone work's): so each component
    takes room in proportion to its works, whatever its shape. (Scaled by edge length, as before, a
    big component of hubs and spokes came out a fifteenth of its share: 20,000 works of a store of
    resolutions and statements in less room than its thousand lone statements.)
    """
    k = sub.vcount()
    if k == 1:
        return np.zeros((1, 2))
    if k == 2:
        pos = np.array([[-0.5, 0.0], [0.5, 0.0]])
        return pos * _share(pos, k)
    igraph.set_random_number_generator(random.Random(seed))
    try:
        if k > GRID_PAST:
            pos = np.array(sub.layout_fruchterman_reingold(niter=300, grid=True).coords)
        else:
            pos = np.array(sub.layout_fruchterman_reingold(niter=500, grid=False).coords)
    finally:
        igraph.set_random_number_generator(random)
    pos -= np.median(pos, axis=0)
    # A long arm (a chain of works that Fruchterman-Reingold pushes far out) would set the picture's extent and
    # leave the body small: beyond the distance of 98 works in 100 from the middle, distances grow as a third of
    # their log (an arm five times that far out ends half as far again).
    d = np.hypot(pos[:, 0], pos[:, 1])
    q = float(np.percentile(d, 98))
    far = d > q
    if q > 0 and far.any():
        pos[far] *= (q * (1 + ARM * np.log(d[far] / q)) / d[far])[:, None]
    return pos * _share(pos, k)


def _share(pos: np.ndarray, k: int) -> float:
    """The factor that gives a layout of ``k`` works centred on 0 its share of room (see ``_component``)."""
    r90 = float(np.percentile(np.hypot(pos[:, 0], pos[:, 1]), 90))
    return 0.5 * math.sqrt(0.9 * k) / r90 if r90 > 0 else 1.0


SECTORS = 720  # directions round the middle in which the packing keeps how far out the picture reaches
ENVELOPE = 4  # sectors either side over which the largest component's outline is widened (2 degrees)


def _pack(boxes: list[tuple[list[int], np.ndarray]], xy: np.ndarray) -> None:
    """Place the components' layouts into ``xy``: the largest in the middle, the others packed round it.

    The packing keeps, for each of ``SECTORS`` directions from the middle, how far out the picture
    reaches (its outline, in polar coordinates): first the largest component's, widened a little
    so that nothing lands among the sparse works of its rim. Each further component, largest first, is a
    disc (its layout's bounding circle and half an edge length of room: a lone work takes one edge
    length across, the room of a work of the big component), put in the direction where it stands
    closest to the middle while clear of the outline over the angle it spans (below the middle on a
    tie); the outline then takes in the disc. So the small components hug the big one, lowest spots
    first, ring after ring, and the picture stays about as wide as high.
    """
    step = 2 * math.pi / SECTORS
    first, pos = boxes[0]
    pos = pos - np.median(pos, axis=0)
    xy[first] = pos
    sector = ((np.arctan2(pos[:, 1], pos[:, 0]) + math.pi) / step).astype(int) % SECTORS
    outline = np.zeros(SECTORS)
    np.maximum.at(outline, sector, np.hypot(pos[:, 0], pos[:, 1]) + 0.5)
    outline = _widest(outline, ENVELOPE)
    angles = (np.arange(SECTORS) + 0.5) * step - math.pi
    below = np.abs(np.angle(np.exp(1j * (angles + math.pi / 2))))  # how far each direction is from straight down
    for members, pos in boxes[1:]:
        centre = (pos.min(axis=0) + pos.max(axis=0)) / 2
        pos = pos - centre
        r = float(np.hypot(pos[:, 0], pos[:, 1]).max()) + 0.5
        # The angle the disc spans seen from the middle, at the nearest it could stand: the sectors it must clear.
        half = math.asin(min(1.0, r / (float(outline.min()) + r)))
        k = math.ceil(half / step)
        reach = _widest(outline, k) + r  # how far out the disc's centre must stand, in each direction
        at = int(np.argmin(reach + 1e-9 * below))
        d = float(reach[at])
        xy[members] = pos + d * np.array([math.cos(angles[at]), math.sin(angles[at])])
        # The outline takes in the disc: along each direction it spans, how far out the disc reaches.
        around = (at + np.arange(-k, k + 1)) % SECTORS
        off = np.sin(angles[around] - angles[at]) * d
        inside = np.abs(off) <= r
        far = np.cos(angles[around] - angles[at]) * d + np.sqrt(np.maximum(0.0, r * r - off * off))
        outline[around[inside]] = np.maximum(outline[around[inside]], far[inside])


def _widest(outline: np.ndarray, k: int) -> np.ndarray:
    """Each direction's value the largest within ``k`` directions either side (round the circle)."""
    if k <= 0:
        return outline.copy()
    k = min(k, len(outline) // 2)
    wrapped = np.concatenate([outline[-k:], outline, outline[:k]])
    return np.lib.stride_tricks.sliding_window_view(wrapped, 2 * k + 1).max(axis=1)


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
