"""What the server's query threads do with a job: run it on the read-only store, answer plain data.

Each function takes the store and a job (a dict) and returns the answer (bytes,
strings, dicts), already serialised by pyoxigraph. They run in the query
threads of ``pool.QueryPool``; pyoxigraph releases the GIL while it evaluates,
iterates and serialises.

Row cap: SELECT results are written straight in the format asked for into a
writer that stops the serialiser once the answer is long enough to hold more
than ``max_rows`` solutions (every format spends a least number of bytes on a
solution: ``MIN_ROW_BYTES``). An answer shorter than that cannot have too many
rows and is sent as it is; that is every small answer, lookups included. A
longer one is made again the careful way: the query is run a second time (the
served store cannot change, so it gives the same solutions), written as TSV
(one solution a line) into a writer that stops after ``max_rows`` lines, then
parsed back and written in the format asked for. CONSTRUCT and DESCRIBE
results always go the careful way, as N-Triples (one triple a line). The cap
therefore also bounds the memory one answer takes.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pyoxigraph as ox

from unkg import iri
from unkg.rdf import CITO, OA, PREFIXES, UNKG
from unkg.serve import pages
from unkg.serve.pages import _value, with_resource
from unkg.serve.protocol import SERVICE_REFUSED, service_refusal

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
    "nquads": ox.RdfFormat.N_QUADS,
    "trig": ox.RdfFormat.TRIG,
}


# The fewest bytes one solution takes in each results format: ``{}`` in JSON, ``<result></result>`` in XML,
# an empty line in CSV (``\r\n``) and TSV (``\n``).
MIN_ROW_BYTES = {"json": 2, "xml": 17, "csv": 2, "tsv": 1}


class _Full(Exception):
    """Raised by the capped writer to stop a serialiser."""


class CappedBytes(io.RawIOBase):
    """A binary writer that stops the writer once it has been given ``limit`` bytes or more."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.buffer = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buffer += data
        if len(self.buffer) >= self.limit:
            raise _Full
        return len(data)


class CappedLines(io.RawIOBase):
    """A binary writer that keeps the first ``limit`` lines and stops the writer after them."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.buffer = bytearray()
        self.lines = 0
        self.cut = False

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.buffer += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            self.cut = True
            raise _Full
        return len(chunk)

    def value(self) -> bytes:
        """The first ``limit`` lines written."""
        if not self.cut:
            return bytes(self.buffer)
        end = -1
        for _ in range(self.limit):
            end = self.buffer.index(b"\n", end + 1)
        return bytes(self.buffer[: end + 1])


def _capped(serialize: Callable[..., Any], fmt: Any, limit: int) -> tuple[bytes, bool]:
    out = CappedLines(limit)
    try:
        serialize(out, format=fmt)
    except _Full:
        pass
    except OSError as exc:  # pyoxigraph may wrap what the writer raised
        if not out.cut:
            raise exc
    return out.value(), out.cut


def _evaluate(store: ox.Store, job: dict[str, Any]) -> Any:
    """The query's result (lazy), on the dataset the job names; SyntaxError or ValueError when it cannot run."""
    if job["default_graphs"] or job["named_graphs"]:
        return store.query(
            job["query"],
            default_graph=[ox.NamedNode(u) for u in job["default_graphs"]],
            named_graphs=[ox.NamedNode(u) for u in job["named_graphs"]],
        )
    if job["own_dataset"]:
        return store.query(job["query"])
    return store.query(job["query"], use_default_graph_as_union=True)


def run_sparql(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """Run one protocol query; the answer is serialised in the result or graph format the client accepts."""
    if job.get("check_service") and (refusal := service_refusal(job["query"])):
        return {"error": "service-refused", "message": refusal}  # parsed here, in a query thread: it may take time
    try:
        return _run_sparql(store, job)
    except PermissionError:  # the sandbox stopped pyoxigraph opening a connection: a SERVICE call got through
        return {"error": "service-refused", "message": SERVICE_REFUSED}


def _run_sparql(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    try:
        result = _evaluate(store, job)
    except SyntaxError as exc:
        return {"error": "malformed-query", "message": f"SPARQL syntax: {exc}"}
    except ValueError as exc:  # a bad IRI among the graphs
        return {"error": "bad-request", "message": str(exc)}
    max_rows = job["max_rows"]
    if isinstance(result, (ox.QueryBoolean, ox.QuerySolutions)):
        fmt = job["result_format"]
        if fmt is None:
            return {"error": "not-acceptable", "message": "a SELECT or ASK query answers in a results format"}
        if isinstance(result, ox.QueryBoolean):
            return {"format": fmt, "body": result.serialize(format=RESULT_FORMATS[fmt]), "cut": False}
        # Straight into the format asked for, while the answer is too short to hold more than max_rows solutions.
        out = CappedBytes(MIN_ROW_BYTES[fmt] * (max_rows + 1))
        try:
            result.serialize(out, format=RESULT_FORMATS[fmt])
            return {"format": fmt, "body": bytes(out.buffer), "cut": False}
        except _Full:
            pass
        except OSError:  # pyoxigraph may wrap what the writer raised
            if len(out.buffer) < out.limit:
                raise
        result = _evaluate(store, job)  # long: again, the careful way (the served store does not change)
        tsv, cut = _capped(result.serialize, ox.QueryResultsFormat.TSV, max_rows + 1)  # + the header line
        if fmt == "tsv":
            return {"format": fmt, "body": tsv, "cut": cut}
        parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
        return {"format": fmt, "body": parsed.serialize(format=RESULT_FORMATS[fmt]), "cut": cut}
    fmt = job["graph_format"]
    if fmt is None:
        return {"error": "not-acceptable", "message": "a CONSTRUCT or DESCRIBE query answers in an RDF format"}
    nt, cut = _capped(result.serialize, ox.RdfFormat.N_TRIPLES, max_rows)
    if fmt == "ntriples":
        return {"format": fmt, "body": nt, "cut": cut}
    return {"format": fmt, "body": serialize_graph(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES), fmt), "cut": cut}


def serialize_graph(triples: Any, fmt: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Triples in an RDF format, with the project's prefixes (or these) where the format has them."""
    target = GRAPH_FORMATS[fmt]
    if target in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=target, prefixes=prefixes or PREFIXES)
    if target == ox.RdfFormat.N_QUADS:  # triples of the default graph
        return ox.serialize((ox.Quad(t.subject, t.predicate, t.object) for t in triples), format=target)
    return ox.serialize(triples, format=target)


# --------------------------------------------------------------------------
# Linked-data pages (what they show: ``pages``).
_CITATION = """SELECT DISTINCT ?citing ?cited ?text ?before ?after ?paragraph ?verb ?footnote ?pinpoint ?via ?page
  ?characterisation ?start ?end ?source ?path WHERE {
  ?r cito:hasCitingEntity ?citing ; cito:hasCitedEntity ?cited .
  OPTIONAL { ?r unkg:paragraph ?paragraph } OPTIONAL { ?r unkg:verb ?verb } OPTIONAL { ?r unkg:footnote ?footnote }
  OPTIONAL { ?r unkg:pinpoint ?pinpoint } OPTIONAL { ?r unkg:via ?via } OPTIONAL { ?r unkg:page ?page }
  OPTIONAL { ?r cito:hasCitationCharacterization ?characterisation }
  OPTIONAL { ?r oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?text
             OPTIONAL { ?q oa:prefix ?before } OPTIONAL { ?q oa:suffix ?after } }
  OPTIONAL { ?r oa:hasSelector ?pos . ?pos a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
  OPTIONAL { ?r oa:hasSource ?source . OPTIONAL { ?source unkg:path ?path } }
}"""


# A series member's paragraphs as `unkg derive` stored them, each with how it came from its predecessor's
# paragraph (unkg.series.rdf), and the predecessor's paragraphs it dropped; the page shows the difference.
_CHANGES = """SELECT ?label ?position ?text ?change ?similarity ?earlierLabel ?earlierText ?predecessor ?dropped WHERE {
  ?r unkg:succeeds ?before . ?before unkg:symbol ?predecessor .
  { ?p dcterms:isPartOf ?r ; rdfs:label ?label ; unkg:position ?position ; rdf:value ?text .
    # ?p's document again inside the OPTIONAL: without it the engine read every revision of the store (with its
    # earlier text) before joining, 0.7-1.2 s a page on the whole record (benchmarks/whole_record.py); 0.01 s now
    OPTIONAL { ?p dcterms:isPartOf ?r ; prov:qualifiedRevision ?rev .
               ?rev unkg:change ?revised ; unkg:similarity ?similarity ; prov:entity ?e .
               ?e rdfs:label ?earlierLabel ; rdf:value ?earlierText }
    OPTIONAL { ?p unkg:change ?own }
    BIND(COALESCE(?revised, ?own) AS ?change) }
  UNION
  { ?a unkg:dropped ?d . FILTER(?a = IRI(CONCAT(STR(?r), "#alignment")))
    ?d rdfs:label ?earlierLabel ; unkg:position ?dpos ; rdf:value ?earlierText .
    BIND("dropped" AS ?change) BIND(true AS ?dropped) BIND(?dpos - 0.5 AS ?position) }
} ORDER BY ?position"""


def page(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """What the HTML page of one resource shows (``pages``); ``found`` is False when nothing is said of it."""
    r = job["iri"]
    limit = job["max_rows"]
    said = pages.statements(store, r, limit)
    if r.startswith(iri.CITATION):
        rows = pages._select(store, with_resource(_CITATION, r), 1)
        citation = rows[0] if rows else None
        if citation:
            works = pages.names(store, [str(citation["citing"]), str(citation["cited"])])
            citation["citingWork"] = works.get(str(citation["citing"]))
            citation["citedWork"] = works.get(str(citation["cited"]))
        return {"found": bool(said["properties"] or said["incoming"]), "citation": citation, **said}
    about = pages.about(store, r)
    cited_by = pages.cited_by(store, r, job.get("page", 1), min(pages.CITED_BY_PAGE, limit), job.get("cache"))
    cites = pages.cites(store, r, limit)
    changes = pages._select(store, with_resource(_CHANGES, r), limit)  # a series member's (unkg derive)
    found = bool(said["properties"] or said["incoming"] or cited_by["total_works"])
    return {
        "found": found,
        "about": about,
        "rank": pages.rank(store, about.get("pageRank")),
        "cites": cites,
        "cited_by": cited_by,
        "citation": None,
        "changes": changes,
        **said,
    }


def describe(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """The RDF of one resource: what it says, what says something of it, and for a citation its selectors."""
    r = job["iri"]
    query = (
        "CONSTRUCT { ?r ?p ?o . ?selector ?sp ?so . ?s ?ip ?r } WHERE { { ?r ?p ?o } UNION "
        f"{{ ?r <{OA}hasSelector> ?selector . ?selector ?sp ?so }} UNION {{ ?s ?ip ?r }} }}"
    )
    result = store.query(with_resource(query, r), use_default_graph_as_union=True)
    nt, cut = _capped(result.serialize, ox.RdfFormat.N_TRIPLES, job["max_rows"])
    if not nt:
        return {"found": False}
    triples = sorted(set(ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)), key=str)
    return {"found": True, "body": serialize_graph(triples, job["format"]), "cut": cut}


def counts(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """What the home page shows: counts, and the documents of the corpus."""
    out = {}
    for name, pattern in (
        ("documents in the corpus", f"?x a <{UNKG}Document> ; <{PREFIXES['prov']}wasDerivedFrom> ?source"),
        ("documents, cited or in the corpus", f"?x a <{UNKG}Document>"),
        ("resolutions", f"?x a <{UNKG}Resolution>"),
        # what the corpus cites, not the catalogue's every instrument
        ("instruments cited", f"?c <{CITO}hasCitedEntity> ?x . ?x a <{UNKG}Instrument>"),
        ("citations", f"?x a <{CITO}Citation>"),
        ("source files", f"?x a <{UNKG}SourceFile>"),
    ):
        solutions = store.query(
            f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}", use_default_graph_as_union=True
        )
        out[name] = int(next(iter(solutions))[0].value)
    out["quads"] = len(store)
    documents = store.query(
        f"""SELECT ?d (SAMPLE(?s) AS ?symbol) (SAMPLE(?t) AS ?title) (COUNT(DISTINCT ?c) AS ?citations) WHERE {{
          ?d a <{UNKG}Document> ; <http://www.w3.org/ns/prov#wasDerivedFrom> ?src .
          OPTIONAL {{ ?d <{UNKG}symbol> ?s }} OPTIONAL {{ ?d <http://purl.org/dc/terms/title> ?t }}
          OPTIONAL {{ ?c <{CITO}hasCitingEntity> ?d }}
        }} GROUP BY ?d ORDER BY ?symbol ?d LIMIT {int(job["max_rows"])}""",
        use_default_graph_as_union=True,
    )
    rows = [
        {
            "iri": r["d"].value,
            "symbol": _value(r["symbol"]),
            "title": _value(r["title"]),
            "citations": int(r["citations"].value),
        }
        for r in documents
    ]
    return {"counts": out, "documents": rows}


def stored(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """Run a stored query of queries/ with its parameters; rows as strings for a table."""
    from unkg.queries import QueryError, get_query, run

    try:
        solutions = run(store, get_query(job["name"]), job["params"])
    except QueryError as exc:
        return {"error": "bad-request", "message": str(exc)}
    names = [v.value for v in solutions.variables]
    rows = []
    cut = False
    for row in solutions:
        if len(rows) == job["max_rows"]:
            cut = True
            break
        rows.append([_cell(row[n]) for n in names])
    return {"columns": names, "rows": rows, "cut": cut}


def _cell(term: Any) -> dict[str, str] | None:
    if term is None:
        return None
    return {"value": term.value, "iri": isinstance(term, ox.NamedNode)}  # type: ignore[dict-item]


def search(store: ox.Store, job: dict[str, Any]) -> dict[str, Any]:
    """The works the search box's text may mean (``search.resolve``), each with what the store knows of it:
    ``held`` (a file of the corpus), ``cited`` (cited by one), else neither (no page)."""
    from unkg.serve.search import ready, resolve

    if not ready(job.get("wait", 0.0)):  # the server process started a moment ago: its tables are being read
        return {"error": "overloaded", "message": "the search's tables are still being read (a few seconds after "
                "the server starts); send the search again"}  # fmt: skip
    matches = resolve(job["text"], job.get("limit", 20))
    known = pages.names(store, [m.iri for m in matches]) if matches else {}
    cited = set()
    if matches:
        rows = pages._select(
            store, f"SELECT DISTINCT ?w WHERE {{ {pages._values('w', [m.iri for m in matches])} ?c cito:hasCitedEntity ?w }}"
        )
        cited = {str(row["w"]) for row in rows}
    out = []
    for m in matches:
        info = known.get(m.iri, {})
        out.append({"iri": m.iri, "name": m.name, "title": m.title or info.get("title"), "how": m.how,
                    "held": bool(info.get("held")), "cited": m.iri in cited})  # fmt: skip
    return {"matches": out}


HANDLERS: dict[str, Callable[[ox.Store, dict[str, Any]], Any]] = {
    "search": search,
    "export": pages.export,
    "sparql": run_sparql,
    "page": page,
    "describe": describe,
    "counts": counts,
    "stored": stored,
}
