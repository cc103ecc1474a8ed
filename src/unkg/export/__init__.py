"""The citation network as files people open: GraphML, GEXF, Cytoscape.js JSON, CSV, HTML.

Every export starts from the graph of ``unkg.network.load_graph`` and the
measures of ``unkg.network.analyse``, and is deterministic: nodes and edges
sorted, layouts and communities seeded, no timestamps, floats rounded to 10
places, so that the files of ``exports/`` can be checked byte for byte.

- ``graphml(g, result)`` and ``gexf(g, result)``: attributes on nodes and
  edges; GEXF also carries ``start`` (the year, as a date) on nodes and
  edges for Gephi's timeline.
- ``cytoscape(g, result)``: ``{"elements": {"nodes": [...], "edges": [...]}}``
  in Cytoscape.js's element format (``data.id``, ``data.source``,
  ``data.target``, ``position``), loadable by ``cy.add`` or Cytoscape
  desktop.
- ``csv_tables(g, result)``: a node list and an edge list.
- ``html(g, result, series=...)``: one self-contained page (jinja2 template, the
  vendored graphology and sigma.js inlined): nothing is fetched when it is
  opened. The page draws with WebGL and lays out nothing itself: positions
  and sizes come from ``unkg.export.graph_layout`` (``page_data``). Given
  the series of the network's resolutions (``unkg.series.timeline``), it
  draws a selected member's series as a timeline.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from typing import Any

import networkx as nx

from unkg.export.graph_layout import layout as place
from unkg.network import Analysis

FORMATS = ("graphml", "gexf", "cytoscape", "csv", "html")
NODE_FIELDS = ("label", "name", "kind", "type", "organ", "year", "in_corpus", "url")
MEASURE_FIELDS = ("in_degree", "out_degree", "pagerank", "hub", "authority", "betweenness", "community", "component")
EDGE_FIELDS = ("weight", "year", "organ", "functions", "characterisations", "spc")


class VendorMissing(RuntimeError):
    """The graph library for the HTML page is not in the package (a build with ``UNKG_VENDOR=skip``)."""


def _round(value: Any) -> Any:
    return round(value, 10) if isinstance(value, float) else value


def node_records(g: nx.DiGraph, result: Analysis) -> list[dict[str, Any]]:
    """One flat record per node, sorted by id: its description and its measures."""
    table = result.node_table()
    main = {n: i for i, step in enumerate(result.main_path.path) for n in step}
    out = []
    for node in sorted(g):
        data = g.nodes[node]
        rec: dict[str, Any] = {"id": node}
        rec.update({f: data.get(f) for f in NODE_FIELDS})
        rec["label"] = rec["label"] or node
        rec.update({m: _round(table[node][m]) for m in MEASURE_FIELDS})
        rec["main_path"] = main.get(node)
        out.append(rec)
    return out


def edge_records(g: nx.DiGraph, result: Analysis) -> list[dict[str, Any]]:
    """One record per citing -> cited pair, sorted, with its citations (quoted text)."""
    out = []
    for i, (u, v) in enumerate(sorted(g.edges())):
        data = g.edges[u, v]
        rec: dict[str, Any] = {"id": f"e{i}", "source": u, "target": v}
        rec["weight"] = data.get("weight", 1)
        rec["year"] = data.get("year")
        rec["organ"] = data.get("organ", "")
        rec["functions"] = list(data.get("functions", []))
        rec["characterisations"] = list(data.get("characterisations", []))
        rec["spc"] = result.main_path.spc.get((u, v))
        rec["citations"] = list(data.get("citations", []))
        out.append(rec)
    return out


def _flat_graph(g: nx.DiGraph, result: Analysis, timeline: bool) -> nx.DiGraph:
    """A copy with scalar attributes only (lists joined by '; ', None left out): what GraphML and GEXF hold."""
    flat = nx.DiGraph()
    for rec in node_records(g, result):
        attrs = {k: v for k, v in rec.items() if k != "id" and v is not None}
        if timeline and rec["year"] is not None:
            attrs["start"] = f"{rec['year']:04d}-01-01"
        flat.add_node(rec["id"], **attrs)
    for rec in edge_records(g, result):
        attrs = {}
        for k in EDGE_FIELDS:
            v = rec[k]
            if isinstance(v, list):
                v = "; ".join(v)
            if v is not None:
                attrs[k] = v
        attrs["id"] = rec["id"]
        if timeline and rec["year"] is not None:
            attrs["start"] = f"{rec['year']:04d}-01-01"
        flat.add_edge(rec["source"], rec["target"], **attrs)
    return flat


def graphml(g: nx.DiGraph, result: Analysis) -> bytes:
    """GraphML with every node and edge attribute (typed keys); re-read by ``nx.read_graphml``."""
    flat = _flat_graph(g, result, timeline=False)
    for _u, _v, d in flat.edges(data=True):
        d.pop("id")
    buf = io.BytesIO()
    nx.write_graphml(flat, buf, encoding="utf-8", prettyprint=True, named_key_ids=True, edge_id_from_attribute=None)
    return buf.getvalue()


_LAST_MODIFIED = re.compile(rb' lastmodifieddate="[^"]*"')


def gexf(g: nx.DiGraph, result: Analysis) -> bytes:
    """GEXF 1.2 with attributes, and ``start`` dates (year of the work, of the citing document) for Gephi's timeline."""
    flat = _flat_graph(g, result, timeline=True)
    buf = io.BytesIO()
    nx.write_gexf(flat, buf, encoding="utf-8", prettyprint=True)
    return _LAST_MODIFIED.sub(b"", buf.getvalue())  # no timestamp: the same graph gives the same bytes


def layout(g: nx.DiGraph, result: Analysis | None = None) -> dict[str, tuple[float, float]]:
    """Seeded positions (``unkg.export.graph_layout``: igraph's Fruchterman-Reingold, components packed, no overlap).

    Units are pixels of the default view; y points down, as in Cytoscape.
    """
    pos = place(g, result.pagerank if result is not None else None)
    return {n: (x, round(-y, 2) + 0.0) for n, (x, y, _r) in pos.items()}


def cytoscape(g: nx.DiGraph, result: Analysis) -> dict[str, Any]:
    """The graph in Cytoscape.js's element format, with seeded positions."""
    pos = layout(g, result)
    nodes = [
        {"data": rec, "position": {"x": pos[rec["id"]][0], "y": pos[rec["id"]][1]}} for rec in node_records(g, result)
    ]
    edges = [{"data": rec} for rec in edge_records(g, result)]
    return {"elements": {"nodes": nodes, "edges": edges}}


def cytoscape_json(g: nx.DiGraph, result: Analysis) -> bytes:
    """``cytoscape`` as indented, key-sorted JSON."""
    return (json.dumps(cytoscape(g, result), ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def csv_tables(g: nx.DiGraph, result: Analysis) -> tuple[str, str]:
    """(nodes.csv, edges.csv): one row per node with its measures; one per citing -> cited pair.

    An edge row's ``quotes`` joins the quoted text of its citations with ' | '.
    """
    nodes = node_records(g, result)
    node_cols = ["id", *NODE_FIELDS, *MEASURE_FIELDS, "main_path"]
    nbuf = io.StringIO()
    w = csv.writer(nbuf, lineterminator="\n")
    w.writerow(node_cols)
    for rec in nodes:
        w.writerow(["" if rec[c] is None else rec[c] for c in node_cols])
    edge_cols = ["source", "target", *EDGE_FIELDS, "quotes"]
    ebuf = io.StringIO()
    w = csv.writer(ebuf, lineterminator="\n")
    w.writerow(edge_cols)
    for rec in edge_records(g, result):
        row = []
        for c in edge_cols:
            v = rec.get(c)
            if c == "quotes":
                v = " | ".join(" ".join(q["text"].split()) for q in rec["citations"])
            elif isinstance(v, list):
                v = "; ".join(v)
            row.append("" if v is None else v)
        w.writerow(row)
    return nbuf.getvalue(), ebuf.getvalue()


VENDOR = ("graphology.umd.min.js", "sigma.min.js")  # fetched from npm by the build hook, in load order


def vendor_scripts() -> list[str]:
    """The vendored graphology and sigma.js (fetched from npm by the build hook, ``hatch_build.py``)."""
    out = []
    for name in VENDOR:
        path = resources.files("unkg.export") / "vendor" / name
        try:
            out.append(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise VendorMissing(
                f"{path}: the graph library is missing from this install (built with UNKG_VENDOR=skip?); install "
                    "unkg again where npm is found (`pip install .`, `make setup`): its build fetches it"
            ) from None
    return out


PAGE_FORMAT = "unkg-network"
PAGE_VERSION = 2


def page_data(g: nx.DiGraph, result: Analysis, series: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """What the HTML page reads: works with their place, size and measures; citing pairs with their quotes; series.

    ``{"format": "unkg-network", "version": 2, "nodes": [...], "edges": [...], "series": [...]}``.
    A node is ``node_records``' record (sorted by id) plus ``x``, ``y``
    (y up) and ``r``, its radius, in pixels of the default view. An edge
    names its ends by their place in ``nodes`` (``source``, ``target``)
    and carries ``weight``, ``functions`` and ``citations`` (each a
    ``[paragraph, function, quoted text]`` triple: a large network has
    hundreds of thousands). Measures keep six significant digits. ``series``
    is ``unkg.series.timeline``'s list (each series' title, organ and
    members oldest first: symbol, date, year, title, in_corpus, and the
    paragraph ``changes`` where ``unkg derive`` aligned it), each member
    with ``node``, its place in ``nodes`` (None when the network lacks
    it); a member's title is left out (None) where it is the series' own.
    Further views add keys of their own beside
    ``nodes`` and ``edges`` (the page ignores keys it does not know), and
    raise ``version`` only when a key changes meaning.
    """
    pos = place(g, result.pagerank)
    nodes = node_records(g, result)
    index = {rec["id"]: i for i, rec in enumerate(nodes)}
    for rec in nodes:
        rec["x"], rec["y"], rec["r"] = pos[rec["id"]]
        for m in MEASURE_FIELDS:  # six significant digits are more than the page shows, and half the bytes
            if isinstance(rec[m], float):
                rec[m] = float(f"{rec[m]:.6g}")
    edges = [
        {
            "source": index[u],
            "target": index[v],
            "weight": g.edges[u, v].get("weight", 1),
            "functions": list(g.edges[u, v].get("functions", [])),
            "citations": [
                [c.get("paragraph", ""), c.get("function", ""), c.get("text", "")]
                for c in g.edges[u, v].get("citations", [])
            ],
        }
        for u, v in sorted(g.edges())
    ]
    timelines = []
    for s in series or []:
        rows = []
        for m in s["members"]:
            row = dict(m, node=index.get(m["symbol"]))
            if row["title"] == s["title"]:
                row["title"] = None  # the series' own: said once
            rows.append(row)
        timelines.append(dict(s, members=rows))
    return {"format": PAGE_FORMAT, "version": PAGE_VERSION, "nodes": nodes, "edges": edges, "series": timelines}


def html(
    g: nx.DiGraph, result: Analysis, title: str = "unkg citation network", series: list[dict[str, Any]] | None = None
) -> str:
    """One self-contained interactive page: the graph data, its layout and the graph libraries inlined, nothing fetched.

    ``series``: the series of the network's resolutions (``unkg.series.timeline.store_series``), drawn as timelines.
    """
    import jinja2

    from unkg import inline

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("unkg.export", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    inline.register(env)
    data = page_data(g, result, series)
    organs = sorted({n["organ"] or ("instrument" if n["kind"] == "instrument" else "other") for n in data["nodes"]})
    functions = sorted({f for e in data["edges"] for f in e["functions"]} | {"(none)"})
    years = [n["year"] for n in data["nodes"] if n["year"] is not None]
    return env.get_template("network.html.j2").render(
        title=title,
        data=data,
        libraries=[inline.code_in_script(code) for code in vendor_scripts()],
        organs=organs,
        functions=functions,
        year_min=min(years) if years else 0,
        year_max=max(years) if years else 0,
        nodes=g.number_of_nodes(),
        edges=g.number_of_edges(),
    )
