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
- ``html(g, result)``: one self-contained page (jinja2 template, the
  vendored Cytoscape.js inlined): nothing is fetched when it is opened.
"""

from __future__ import annotations

import csv
import io
import json
import re
from importlib import resources
from typing import Any

import networkx as nx

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


def layout(g: nx.DiGraph, seed: int = 42) -> dict[str, tuple[float, float]]:
    """Seeded positions in pixels: a spring layout (a seeded random one past 3,000 nodes)."""
    if g.number_of_nodes() == 0:
        return {}
    und = nx.Graph()
    und.add_nodes_from(sorted(g))
    und.add_edges_from(sorted(g.edges()))
    if und.number_of_nodes() > 3000:
        pos = nx.random_layout(und, seed=seed)
    else:
        pos = nx.spring_layout(und, seed=seed, k=1.5 / max(1, und.number_of_nodes()) ** 0.5, iterations=200)
    return {n: (round(float(x) * 600, 2), round(float(y) * 600, 2)) for n, (x, y) in pos.items()}


def cytoscape(g: nx.DiGraph, result: Analysis, seed: int = 42) -> dict[str, Any]:
    """The graph in Cytoscape.js's element format, with seeded positions."""
    pos = layout(g, seed)
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


def vendor_script() -> str:
    """The vendored Cytoscape.js (fetched from npm by the build hook, ``hatch_build.py``)."""
    path = resources.files("unkg.export") / "vendor" / "cytoscape.min.js"
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VendorMissing(
            f"{path}: the graph library is missing from this install (built with UNKG_VENDOR=skip?); install "
            "unkg again where npm is found (`pip install .`, `make setup`): its build fetches it"
        ) from None


def html(g: nx.DiGraph, result: Analysis, title: str = "unkg citation network") -> str:
    """One self-contained interactive page: the graph data and Cytoscape.js inlined, nothing fetched."""
    import jinja2

    from unkg import inline

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("unkg.export", "templates"),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
        keep_trailing_newline=True,
    )
    inline.register(env)
    data = cytoscape(g, result)
    organs = sorted(
        {
            n["data"]["organ"] or ("instrument" if n["data"]["kind"] == "instrument" else "other")
            for n in data["elements"]["nodes"]
        }
    )
    functions = sorted({f for e in data["elements"]["edges"] for f in e["data"]["functions"]} | {"(none)"})
    years = [n["data"]["year"] for n in data["elements"]["nodes"] if n["data"]["year"] is not None]
    return env.get_template("network.html.j2").render(
        title=title,
        data=data,
        cytoscape_js=inline.code_in_script(vendor_script()),
        organs=organs,
        functions=functions,
        year_min=min(years) if years else 0,
        year_max=max(years) if years else 0,
        nodes=g.number_of_nodes(),
        edges=g.number_of_edges(),
    )
