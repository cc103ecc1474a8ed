"""What the linked-data pages show, read from the store in a page thread (``jobs.HANDLERS``).

A page of a work (a document or an instrument) has:

- its description, in a panel (``about``): title, date, organ, session, meeting,
  agenda item, the report or draft it was adopted on, the vote (the registry's, where
  no file states it), for an instrument its adoption, entry into force, Treaty Series
  volume and number and adopting resolution; whether a file of the corpus holds it;
- its measures as ``unkg analyse`` stored them, PageRank as a rank among the works;
- what it cites, each citation with the words of its sentence around the quote
  (``oa:prefix``, ``oa:suffix``: ``unkg.context``) and whether the cited work is in the corpus;
- what cites it, by citing document, newest year first, a page of ``CITED_BY_PAGE``
  documents at a time, with the true totals and the count of each year;
- every statement of the graph about it (shown folded).

The citing documents of a much-cited work (the Charter: about 8,000 documents, 26,000
citations on a store of 1.9M quads) are read in two steps: the documents with their
years and counts (one light query, sorted here), then the names and citations of the
documents of the one page shown.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from typing import Any

import pyoxigraph as ox

from unkg import iri
from unkg.rdf import PREFIXES

NET = "https://w3id.org/unkg/network#"
CITED_BY_PAGE = 100
_PROLOGUE = "\n".join(f"PREFIX {k}: <{v}>" for k, v in {**PREFIXES, "net": NET}.items())
_METRICS = f"<{iri.METRICS_GRAPH}>"


_R = re.compile(r"\?r\b")


def with_resource(query: str, r: str) -> str:
    """The query with ``?r`` replaced by the resource's IRI, checked (and escaped) by pyoxigraph.

    Substitutions would be the better tool, but pyoxigraph applies them only to projected variables.

    >>> with_resource("SELECT ?p WHERE { ?r ?p ?rest }", "https://w3id.org/unkg/doc/A/RES/1/1")
    'SELECT ?p WHERE { <https://w3id.org/unkg/doc/A/RES/1/1> ?p ?rest }'
    """
    term = str(ox.NamedNode(r))
    return _R.sub(lambda _m: term, query)


def _value(term: Any) -> str | None:
    return None if term is None else term.value


def _select(store: ox.Store, query: str, limit: int | None = None) -> list[dict[str, str | None]]:
    text = f"{_PROLOGUE}\n{query}" + (f"\nLIMIT {int(limit)}" if limit is not None else "")
    solutions = store.query(text, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [{n: _value(row[n]) for n in names} for row in solutions]


def _term(value: str) -> str:
    """An IRI as SPARQL writes it, checked (and escaped) by pyoxigraph."""
    return str(ox.NamedNode(value))


def _values(name: str, iris: list[str]) -> str:
    return f"VALUES ?{name} {{ {' '.join(_term(v) for v in iris)} }}"


# --------------------------------------------------------------------------
# The description panel.
_PANEL = {
    # property -> (field, is a list)
    PREFIXES["dcterms"] + "title": ("title", False),
    PREFIXES["dcterms"] + "date": ("date", False),
    PREFIXES["dcterms"] + "issued": ("issued", False),
    PREFIXES["unkg"] + "year": ("year", False),
    PREFIXES["unkg"] + "symbol": ("symbol", False),
    PREFIXES["unkg"] + "organ": ("organ", False),
    PREFIXES["unkg"] + "session": ("session", False),
    PREFIXES["unkg"] + "meeting": ("meeting", False),
    PREFIXES["unkg"] + "meetingRecord": ("meetingRecord", False),
    PREFIXES["unkg"] + "agendaItem": ("agendaItem", True),
    PREFIXES["unkg"] + "committee": ("committee", False),
    PREFIXES["unkg"] + "adoptedOnReport": ("report", True),
    PREFIXES["unkg"] + "adoptedOnDraft": ("draft", True),
    PREFIXES["unkg"] + "votesInFavour": ("yes", False),
    PREFIXES["unkg"] + "votesAgainst": ("no", False),
    PREFIXES["unkg"] + "abstentions": ("abstain", False),
    PREFIXES["unkg"] + "recordedVote": ("recorded", False),
    PREFIXES["unkg"] + "country": ("country", False),
    PREFIXES["dcterms"] + "language": ("language", False),
    PREFIXES["skos"] + "prefLabel": ("name", False),
    PREFIXES["skos"] + "altLabel": ("aliases", True),
    PREFIXES["skos"] + "notation": ("key", False),
    PREFIXES["unkg"] + "abbreviation": ("abbreviation", True),
    PREFIXES["unkg"] + "instrumentType": ("instrumentType", False),
    PREFIXES["unkg"] + "entryIntoForce": ("entryIntoForce", False),
    PREFIXES["unkg"] + "untsVolume": ("untsVolume", False),
    PREFIXES["unkg"] + "untsNumber": ("untsNumber", False),
    PREFIXES["unkg"] + "adoptingAct": ("adoptingAct", False),
    PREFIXES["unkg"] + "adoptedByPinpoint": ("adoptedByPinpoint", False),
    NET + "pageRank": ("pageRank", False),
    NET + "inDegree": ("inDegree", False),
    NET + "outDegree": ("outDegree", False),
    NET + "community": ("community", False),
}
_ABOUT = f"""SELECT DISTINCT ?p ?o ?g WHERE {{
  {{ SELECT DISTINCT ?p ?o WHERE {{ {_values("p", list(_PANEL))} ?r ?p ?o }} }}
  OPTIONAL {{ GRAPH ?g {{ ?r ?p ?o }} FILTER(?g = <{iri.REGISTRY_GRAPH}>) }}
}} ORDER BY ?p ?o"""
_HELD = """SELECT ?path WHERE { ?r prov:wasDerivedFrom ?source . OPTIONAL { ?source unkg:path ?path } } ORDER BY ?path"""
# Its predecessors: what it recalls ("Recalling its resolution ..."), the lineage edge.
_RECALLS = f"""SELECT DISTINCT ?p WHERE {{ ?r unkg:recalls ?p FILTER(STRSTARTS(STR(?p), "{iri.DOC}")) }} ORDER BY ?p"""
_ADOPTS = """SELECT ?instrument ?name WHERE { ?instrument unkg:adoptingAct ?r OPTIONAL { ?instrument skos:prefLabel ?name } }
ORDER BY ?name"""


def organ_name(value: str) -> str:
    """The name of an organ from its IRI: ``unkg:GeneralAssembly`` is "General Assembly".

    >>> organ_name("https://w3id.org/unkg/ontology#EconomicAndSocialCouncil")
    'Economic and Social Council'
    """
    local = value.rsplit("#", 1)[-1]
    words = "".join(" " + ch if ch.isupper() and i else ch for i, ch in enumerate(local)).split()
    return " ".join(w if i == 0 or w not in ("And", "On", "Of") else w.lower() for i, w in enumerate(words))


def about(store: ox.Store, r: str) -> dict[str, Any]:
    """The description panel of a work: each field's value(s), and which came from the registry."""
    out: dict[str, Any] = {"registry": set()}
    for row in _select(store, with_resource(_ABOUT, r)):
        name, many = _PANEL[str(row["p"])]
        if many:
            out.setdefault(name, [])
            if row["o"] not in out[name]:
                out[name].append(row["o"])
        else:
            out.setdefault(name, row["o"])
        if row["g"]:
            out["registry"].add(name)
    if "organ" in out:
        out["organ"] = organ_name(out["organ"])
    paths = [row["path"] for row in _select(store, with_resource(_HELD, r), 50)]
    out["held"] = bool(paths)
    out["files"] = sorted({p for p in paths if p})
    out["adopts"] = _select(store, with_resource(_ADOPTS, r), 50)
    if out.get("adoptingAct"):
        act = names(store, [out["adoptingAct"]]).get(out["adoptingAct"], {})
        out["adoptingTitle"] = act.get("title")
    for side in ("report", "draft"):
        out[side] = sorted(out.get(side, []))
    out["abbreviation"] = [a for a in out.get("abbreviation", []) if a != out.get("key")]
    recalled = [str(row["p"]) for row in _select(store, with_resource(_RECALLS, r), 200)]
    described = names(store, recalled)
    out["recalls"] = [described.get(p, {"iri": p, "name": display_name({"iri": p}), "held": False}) for p in recalled]
    return out


def rank(store: ox.Store, page_rank: str | None) -> dict[str, int] | None:
    """PageRank as a rank among the works ``unkg analyse`` measured: {rank, of}."""
    if page_rank is None:
        return None
    value = ox.Literal(page_rank, datatype=ox.NamedNode(PREFIXES["xsd"] + "double"))
    rows = _select(
        store,
        f"""SELECT (SUM(IF(?p > {value}, 1, 0)) AS ?above) (COUNT(?x) AS ?of) WHERE {{
          GRAPH {_METRICS} {{ ?x net:pageRank ?p }} }}""",
    )
    return {"rank": int(rows[0]["above"] or 0) + 1, "of": int(rows[0]["of"] or 0)}


# --------------------------------------------------------------------------
# Names of works, as a page shows them.
_NAMES = """SELECT ?w ?symbol ?key ?label ?title ?country ?date ?year ?issued ?path ?held WHERE {
  %s
  OPTIONAL { ?w unkg:symbol ?symbol } OPTIONAL { ?w skos:notation ?key } OPTIONAL { ?w skos:prefLabel ?label }
  OPTIONAL { ?w dcterms:title ?title } OPTIONAL { ?w unkg:country ?country }
  OPTIONAL { ?w dcterms:date ?date } OPTIONAL { ?w unkg:year ?year } OPTIONAL { ?w dcterms:issued ?issued }
  OPTIONAL { ?w prov:wasDerivedFrom ?source . OPTIONAL { ?source unkg:path ?path } }
  BIND(BOUND(?source) AS ?held)
}"""


def file_name(path: str) -> str:
    """The last part of a file's path.

    >>> file_name("/tmp/ungdc/Session 63 - 2008/QAT_63_2008.txt")
    'QAT_63_2008.txt'
    """
    return path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]


def display_name(w: dict[str, Any]) -> str:
    """How a work is named: its symbol, its key, its title; a document of no symbol and no title by its country
    and year, else its file's name; else the end of its IRI.

    >>> display_name({"iri": "https://w3id.org/unkg/doc/_/00ab", "country": "QAT", "year": "2008"})
    'QAT 2008 (no symbol)'
    >>> display_name({"iri": "https://w3id.org/unkg/doc/_/00ab", "path": "/c/QAT_63_2008.txt"})
    'QAT_63_2008.txt (no symbol)'
    """
    if w.get("symbol"):
        return str(w["symbol"])
    if w.get("key"):
        return str(w["key"])
    if w.get("title"):
        return str(w["title"])
    if w.get("country"):
        return f"{w['country']} {w.get('year') or (w.get('date') or '')[:4]}".strip() + " (no symbol)"
    if w.get("path"):
        return file_name(str(w["path"])) + " (no symbol)"
    return str(w.get("iri", "")).rsplit("/", 1)[-1]


def names(store: ox.Store, works: list[str]) -> dict[str, dict[str, Any]]:
    """IRI -> {iri, name, symbol, key, label, title, date, year, held, files} of each of these works."""
    out: dict[str, dict[str, Any]] = {}
    for start in range(0, len(works), 500):
        chunk = works[start : start + 500]
        for row in _select(store, _NAMES % _values("w", chunk)):
            w = out.setdefault(str(row["w"]), {"iri": row["w"], "held": False, "files": set()})
            for field in ("symbol", "key", "label", "title", "country", "date", "year", "issued", "path"):
                if row[field] and not w.get(field):
                    w[field] = row[field]
            if row["held"] == "true":
                w["held"] = True
            if row["path"]:
                w["files"].add(row["path"])
    for value, w in out.items():
        w["name"] = display_name(w)
        w["title"] = w.get("title") or w.get("label")
        w["date"] = w.get("date") or w.get("issued")  # an instrument's: its adoption
        w["year"] = w.get("year") or (w.get("date") or "")[:4] or None
        w["files"] = sorted(w["files"])
        w["iri"] = value
    return out


# --------------------------------------------------------------------------
# Citations.
_FIELDS = """
  OPTIONAL { ?c unkg:paragraph ?paragraph } OPTIONAL { ?c unkg:verb ?verb } OPTIONAL { ?c unkg:footnote ?footnote }
  OPTIONAL { ?c unkg:pinpoint ?pinpoint }
  OPTIONAL { ?c oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?text
             OPTIONAL { ?q oa:prefix ?before } OPTIONAL { ?q oa:suffix ?after } }
  OPTIONAL { ?c oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ; oa:start ?start }
"""
_CITES = f"""SELECT ?c ?work ?text ?before ?after ?paragraph ?verb ?footnote ?pinpoint ?start WHERE {{
  ?c cito:hasCitingEntity ?r ; cito:hasCitedEntity ?work .
  {_FIELDS}
}} ORDER BY ?start ?c"""
# The citing documents by the direct edge (one per pair, written with each citation): far lighter than
# grouping the citations (0.1 s against 0.7 s for the Charter's 8,000 documents).
# Sorted here by year, then IRI (a document's IRI is its symbol's).
_CITED_BY_WORKS = """SELECT DISTINCT ?work ?date ?year WHERE {
  ?work cito:cites ?r . OPTIONAL { ?work dcterms:date ?date } OPTIONAL { ?work unkg:year ?year }
}"""
_CITED_BY_COUNT = "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c cito:hasCitedEntity ?r }"
_CITED_BY_PAGE = f"""SELECT ?c ?work ?text ?before ?after ?paragraph ?verb ?footnote ?pinpoint ?start WHERE {{
  %s
  ?c cito:hasCitingEntity ?work . ?c cito:hasCitedEntity ?r .
  {_FIELDS}
}} ORDER BY ?work ?start ?c"""


def _citation(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("c", "text", "before", "after", "paragraph", "verb", "footnote", "pinpoint", "start")}


def _distinct(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per citation (a citation with two quote rows, from two files that state it, shows once)."""
    seen: set[str] = set()
    out = []
    for row in rows:
        if row["c"] not in seen:
            seen.add(str(row["c"]))
            out.append(row)
    return out


def cites(store: ox.Store, r: str, limit: int) -> dict[str, Any]:
    """What ``r`` cites, in the order of its text: {rows, total}; each row a citation and its cited work."""
    total = _select(store, with_resource("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c cito:hasCitingEntity ?r }", r))
    rows = _distinct(_select(store, with_resource(_CITES, r), limit * 2))[:limit]
    works = names(store, sorted({str(row["work"]) for row in rows}))
    out = [{**_citation(row), "work": works.get(str(row["work"]), {"iri": row["work"], "name": row["work"]})} for row in rows]
    return {"rows": out, "total": int(total[0]["n"] or 0)}


def _year(row: dict[str, Any]) -> int | None:
    for value in (row.get("year"), (row.get("date") or "")[:4]):
        if value and str(value)[:4].isdigit():
            return int(str(value)[:4])
    return None


class WorksCache:
    """The citing documents of the works whose pages were asked for lately, sorted (``cited_by``), so that the
    next page of a much-cited work costs only its own documents. The served store cannot change (it is open
    read-only under a shared lock), so nothing goes stale; at most ``entries`` works, ``rows`` documents in all."""

    def __init__(self, entries: int = 64, rows: int = 500_000) -> None:
        self.entries, self.rows = entries, rows
        self.items: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, r: str) -> list[dict[str, Any]] | None:
        with self.lock:
            works = self.items.get(r)
            if works is not None:
                self.items.move_to_end(r)
            return works

    def put(self, r: str, works: list[dict[str, Any]]) -> None:
        with self.lock:
            self.items[r] = works
            while len(self.items) > self.entries or sum(map(len, self.items.values())) > self.rows:
                if len(self.items) == 1:
                    break
                self.items.popitem(last=False)


def _citing_works(store: ox.Store, r: str, cache: WorksCache | None) -> list[dict[str, Any]]:
    works = cache.get(r) if cache is not None else None
    if works is None:
        works = list({str(w["work"]): w for w in _select(store, with_resource(_CITED_BY_WORKS, r))}.values())
        for w in works:
            w["y"] = _year(w)
        works.sort(key=lambda w: (w["y"] is None, -(w["y"] or 0), str(w["work"])))
        if cache is not None:
            cache.put(r, works)
    return works


def cited_by(store: ox.Store, r: str, page: int, size: int = CITED_BY_PAGE, cache: WorksCache | None = None) -> dict[str, Any]:
    """What cites ``r``, by citing document, newest first (documents of no known year last), one page of
    ``size`` documents: {groups, total_citations, total_works, years: [{year, documents, page}],
    page, pages}."""
    works = _citing_works(store, r, cache)
    total_citations = int(_select(store, with_resource(_CITED_BY_COUNT, r))[0]["n"] or 0)
    pages = max(1, -(-len(works) // size))
    page = min(max(page, 1), pages)
    years: list[dict[str, Any]] = []
    for i, w in enumerate(works):
        if not years or years[-1]["year"] != w["y"]:
            years.append({"year": w["y"], "documents": 0, "page": i // size + 1})
        years[-1]["documents"] += 1
    shown = works[(page - 1) * size : page * size]
    iris = [str(w["work"]) for w in shown]
    described = names(store, iris)
    by_work: dict[str, list[dict[str, Any]]] = {}
    if iris:
        for row in _distinct(_select(store, with_resource(_CITED_BY_PAGE % _values("work", iris), r))):
            by_work.setdefault(str(row["work"]), []).append(_citation(row))
    groups: list[dict[str, Any]] = []
    for w in shown:
        if not groups or groups[-1]["year"] != w["y"]:
            groups.append({"year": w["y"], "works": []})
        info = described.get(str(w["work"]), {"iri": w["work"], "name": display_name({"iri": w["work"]})})
        groups[-1]["works"].append({**info, "citations": by_work.get(str(w["work"]), [])})
    return {
        "groups": groups,
        "total_citations": total_citations,
        "total_works": len(works),
        "years": years,
        "page": page,
        "pages": pages,
        "size": size,
    }


# --------------------------------------------------------------------------
# Every statement.
_PROPERTIES = "SELECT DISTINCT ?p ?o (isIRI(?o) AS ?iri) WHERE { ?r ?p ?o } ORDER BY ?p ?o"
_PROPERTY_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?p ?o WHERE { ?r ?p ?o } }"
_INCOMING = """SELECT DISTINCT ?s ?p WHERE { ?s ?p ?r
  FILTER(?p NOT IN (cito:hasCitedEntity, cito:hasCitingEntity) && !STRSTARTS(STR(?p), STR(cito:))
         && ?p != unkg:recalls && !STRSTARTS(STR(?s), "https://w3id.org/unkg/network/")) } ORDER BY ?p ?s"""


def statements(store: ox.Store, r: str, limit: int) -> dict[str, Any]:
    """Every statement with ``r`` as subject (at most ``limit``, and how many there are), and those with it as
    object but for citations, CiTO edges and measures (its "cited by" says those)."""
    total = int(_select(store, with_resource(_PROPERTY_COUNT, r))[0]["n"] or 0)
    return {
        "properties": _select(store, with_resource(_PROPERTIES, r), limit),
        "properties_total": total,
        "incoming": _select(store, with_resource(_INCOMING, r), limit),
    }




# --------------------------------------------------------------------------
# A work's citations for export (``references``).
EXPORT_LIMIT = 100_000
_EXPORT = {
    "cites": f"""SELECT ?c ?work ?text ?before ?after ?paragraph ?verb ?footnote ?pinpoint ?start WHERE {{
  ?c cito:hasCitingEntity ?r ; cito:hasCitedEntity ?work .
  {_FIELDS}
}} ORDER BY ?start ?c""",
    "cited-by": f"""SELECT ?c ?work ?text ?before ?after ?paragraph ?verb ?footnote ?pinpoint ?start WHERE {{
  ?c cito:hasCitedEntity ?r ; cito:hasCitingEntity ?work .
  {_FIELDS}
}} ORDER BY ?work ?start ?c""",
}


def export(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """Every citation of one side of a work (``direction``: ``cites`` or ``cited-by``), each with the other
    work's name, title and date: {rows, cut}."""
    r = job["iri"]
    rows = _distinct(_select(store, with_resource(_EXPORT[job["direction"]], r), EXPORT_LIMIT * 2 + 1))
    cut = len(rows) > EXPORT_LIMIT
    rows = rows[:EXPORT_LIMIT]
    works = names(store, sorted({str(row["work"]) for row in rows}))
    subject = names(store, [r]).get(r, {"iri": r, "name": display_name({"iri": r})})
    out = []
    for row in rows:
        w = works.get(str(row["work"]), {"iri": row["work"], "name": display_name({"iri": row["work"]})})
        out.append({**_citation(row), "work": w})
    return {"rows": out, "cut": cut, "subject": subject}
