"""unkg serve against real clients: SPARQLWrapper, rdflib's SPARQLStore and raw HTTP on a live server.

The server is the real command (``unkg serve``) in a subprocess on a free
port of 127.0.0.1, serving an on-disk store of the sample corpus with small
limits so that each limit can be reached quickly.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import gzip
import http.client
import io
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, POST, POSTDIRECTLY, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from unkg import iri
from unkg.serve import Settings, protocol, supervisor
from unkg.serve.app import error_body, make_templates
from unkg.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "corpus" / "sample"
UNKG_CLI = Path(sys.executable).with_name("unkg")
CITO = "http://purl.org/spar/cito/"
RESOLUTION = "A/RES/61/165"
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"  # 3,644^4 rows
LIMITS = {"timeout": 2.0, "max_rows": 40, "max_request_bytes": 4096, "max_concurrent": 2, "max_queued": 8}


# --------------------------------------------------------------------------
# The store and the live server.
@dataclass
class Facts:
    """What the store holds, read from it directly before it is served."""

    path: Path
    citations: int
    documents: int
    resolution_citations: int
    quads: int
    graph: str  # the named graph of the resolution's file
    graph_triples: int
    citation_iris: list[str]
    document_iris: list[str]
    instrument_iris: list[str]
    resolution_cited: list[str]  # what the resolution cites (cito:cites)


@pytest.fixture(scope="session")
def facts(tmp_path_factory: pytest.TempPathFactory) -> Facts:
    path = tmp_path_factory.mktemp("serve") / "store"
    with KnowledgeGraph(path) as kg:
        report = kg.ingest([str(p) for p in sorted(SAMPLE.glob("*.txt"))], jobs=1)
        assert report.ok and len(report.added) == 5

        def iris(query: str) -> list[str]:
            return sorted({row[0].value for row in kg.store.query(query, use_default_graph_as_union=True)})

        citations = iris(f"SELECT ?c WHERE {{ ?c a <{CITO}Citation> }}")
        documents = iris(f"SELECT ?d WHERE {{ ?d a <{iri.ONTOLOGY}Document> }}")
        instruments = iris(f"SELECT ?i WHERE {{ ?i a <{iri.ONTOLOGY}Instrument> }}")
        resolution = iris(f"SELECT ?c WHERE {{ ?c <{CITO}hasCitingEntity> <{iri.document(RESOLUTION)}> }}")
        cited = iris(f"SELECT ?x WHERE {{ <{iri.document(RESOLUTION)}> <{CITO}cites> ?x }}")
        graph = iri.graph(str(SAMPLE / "A_RES_61_165.txt"))
        graph_triples = len(list(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))))
        quads = len(kg.store)
    assert graph_triples > 100 and len(citations) > 20 and resolution
    return Facts(path, len(citations), len(documents), len(resolution), quads, graph, graph_triples,
                 citations, documents, instruments, cited)  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``unkg serve`` in a subprocess."""

    def __init__(self, store: Path, uvicorn_workers: int = 0, **limits: object) -> None:
        """``unkg serve``; or, with ``uvicorn_workers``, uvicorn itself running the app factory."""
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.endpoint = self.url + "/sparql"
        env = None
        if uvicorn_workers:
            args = [str(UNKG_CLI.with_name("uvicorn")), "--factory", "unkg.serve:create_app", "--port", str(self.port),
                    "--workers", str(uvicorn_workers), "--log-level", "warning"]  # fmt: skip
            env = {**os.environ, **Settings(store=store, **limits).to_env()}  # type: ignore[arg-type]
        else:
            args = [str(UNKG_CLI), "serve", "--store", str(store), "--port", str(self.port)]
            for name, value in limits.items():
                args += [f"--{name.replace('_', '-')}", str(value)]
        self.process = subprocess.Popen(args, stderr=subprocess.PIPE, text=True, env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"unkg serve ended: {self.process.stderr.read()}")
            with contextlib.suppress(OSError):
                if request(self, "GET", "/sparql", {"Accept": "text/turtle"})[0] == 200:
                    return
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("unkg serve did not answer within 60 s")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        try:
            self.stderr = self.process.communicate(timeout=5)[1]
        except subprocess.TimeoutExpired:  # a server process outlived the supervisor and holds the pipe
            self.stderr = "(stderr still open after the supervisor ended)"
            self.process.stderr.close()


@pytest.fixture(scope="session")
def server(facts: Facts):
    s = Server(facts.path, **LIMITS)
    yield s
    s.stop()


def request(server: Server, method: str, path: str, headers: dict[str, str] | None = None, body: bytes | None = None):
    """(status, headers with lower-case names, body) of one plain HTTP exchange."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def get(server: Server, query: str, accept: str = "*/*", **params: str):
    return request(server, "GET", "/sparql?" + urlencode({"query": query, **params}), {"Accept": accept})


def assert_error(status: int, headers: dict[str, str], body: bytes, expected: int, code: str) -> dict:
    """The documented error shape, with this status and code."""
    assert status == expected, body
    assert headers["content-type"].startswith("application/json")
    data = json.loads(body)
    assert set(data) == {"error"} and set(data["error"]) == {"status", "code", "message"}
    assert data["error"]["status"] == expected and data["error"]["code"] == code
    assert data["error"]["message"]
    return data["error"]


def wrapper(server: Server, query: str, fmt: str, method: str = "GET") -> SPARQLWrapper:
    sparql = SPARQLWrapper(server.endpoint)
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    if method != "GET":
        sparql.setMethod(POST)
        if method == "POSTDIRECTLY":
            sparql.setRequestMethod(POSTDIRECTLY)
    return sparql


COUNT_CITATIONS = f"SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE {{ ?c a <{CITO}Citation> }}"
RESOLUTION_CITES = f"""PREFIX cito: <{CITO}>
SELECT DISTINCT ?c ?cited WHERE {{ ?c cito:hasCitingEntity <{iri.document(RESOLUTION)}> ; cito:hasCitedEntity ?cited }}"""
CONSTRUCT_CITES = f"""PREFIX cito: <{CITO}>
CONSTRUCT {{ <{iri.document(RESOLUTION)}> cito:cites ?cited }} WHERE {{ <{iri.document(RESOLUTION)}> cito:cites ?cited }}"""


def cited_by_resolution(facts: Facts) -> set[str]:
    return set(facts.resolution_cited)


# --------------------------------------------------------------------------
# SPARQLWrapper: every results format, every method.
@pytest.mark.parametrize("method", ["GET", "POST", "POSTDIRECTLY"])
def test_select_json_by_every_method(server, facts, method):
    result = wrapper(server, COUNT_CITATIONS, JSON, method).queryAndConvert()
    assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations


def test_select_in_xml_csv_tsv(server, facts):
    xml = wrapper(server, RESOLUTION_CITES, XML).queryAndConvert()  # a minidom document
    assert len(xml.getElementsByTagName("result")) == facts.resolution_citations
    text = wrapper(server, RESOLUTION_CITES, CSV).queryAndConvert().decode("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["c", "cited"] and len(rows) - 1 == facts.resolution_citations
    tsv = wrapper(server, RESOLUTION_CITES, TSV).queryAndConvert().decode("utf-8")
    lines = tsv.strip("\n").split("\n")
    assert lines[0] == "?c\t?cited" and len(lines) - 1 == facts.resolution_citations
    assert all(cell.startswith("<https://w3id.org/unkg/") for line in lines[1:] for cell in line.split("\t"))


@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask_in_every_results_format(server, fmt):
    yes = wrapper(server, f"ASK {{ <{iri.document(RESOLUTION)}> ?p ?o }}", fmt).query()
    no = wrapper(server, "ASK { <http://example.org/nothing> ?p ?o }", fmt).query()
    if fmt == JSON:
        assert yes.convert()["boolean"] is True and no.convert()["boolean"] is False
    elif fmt == XML:
        assert yes.convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
        assert no.convert().getElementsByTagName("boolean")[0].firstChild.data == "false"
    else:
        assert yes.convert().decode().strip().splitlines()[-1] == "true"
        assert no.convert().decode().strip().splitlines()[-1] == "false"


@pytest.mark.parametrize("fmt", [TURTLE, N3, RDFXML, JSONLD])
def test_construct_through_sparqlwrapper(server, facts, fmt):
    response = wrapper(server, CONSTRUCT_CITES, fmt).query().response  # its own convert() warns of ConjunctiveGraph
    media = response.headers["Content-Type"].split(";")[0]
    assert (
        media
        == {TURTLE: "text/turtle", N3: "text/turtle", RDFXML: "application/rdf+xml", JSONLD: "application/ld+json"}[fmt]
    )
    # parsed by pyoxigraph: rdflib's own JSON-LD and RDF/XML readers warn of their deprecated ConjunctiveGraph
    parse_as = {"text/turtle": ox.RdfFormat.TURTLE, "application/rdf+xml": ox.RdfFormat.RDF_XML}
    triples = ox.parse(response.read(), format=parse_as.get(media, ox.RdfFormat.JSON_LD))
    assert {t.object.value for t in triples} == cited_by_resolution(facts)


@pytest.mark.parametrize(
    ("accept", "parse_as"),
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
        ("application/n-quads", ox.RdfFormat.N_QUADS),
        ("application/trig", ox.RdfFormat.TRIG),
    ],
)
def test_construct_in_every_graph_format(server, facts, accept, parse_as):
    status, headers, body = get(server, CONSTRUCT_CITES, accept)
    assert status == 200 and headers["content-type"].split(";")[0] == accept
    objects = {q.object.value for q in ox.parse(body, format=parse_as)}
    assert objects == cited_by_resolution(facts)


def test_describe(server):
    sparql = wrapper(server, f"DESCRIBE <{iri.document(RESOLUTION)}>", TURTLE)
    graph = rdflib.Graph().parse(data=sparql.queryAndConvert(), format="turtle")
    symbols = {
        str(o) for o in graph.objects(rdflib.URIRef(iri.document(RESOLUTION)), rdflib.URIRef(iri.ONTOLOGY + "symbol"))
    }
    assert symbols == {RESOLUTION}


def test_rdflib_sparqlstore(server, facts):
    graph = rdflib.Graph(store=SPARQLStore(server.endpoint, returnFormat="json"))
    rows = list(graph.query(RESOLUTION_CITES))
    assert len(rows) == facts.resolution_citations
    cited = {str(o) for o in graph.objects(rdflib.URIRef(iri.document(RESOLUTION)), rdflib.URIRef(CITO + "cites"))}
    assert cited == cited_by_resolution(facts)
    assert graph.query(f"ASK {{ ?c a <{CITO}Citation> }}").askAnswer is True


# --------------------------------------------------------------------------
# The dataset of a request.
def test_default_graph_uri_narrows_the_default_graph(server, facts):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    sparql = wrapper(server, count, JSON)
    sparql.addDefaultGraph(facts.graph)
    assert int(sparql.queryAndConvert()["results"]["bindings"][0]["n"]["value"]) == facts.graph_triples
    everything = int(wrapper(server, count, JSON).queryAndConvert()["results"]["bindings"][0]["n"]["value"])
    assert everything > facts.graph_triples  # without it: the union of all graphs


def test_named_graph_uri_limits_graph_clauses(server, facts):
    sparql = wrapper(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }", JSON, "POST")
    sparql.addNamedGraph(facts.graph)
    assert [b["g"]["value"] for b in sparql.queryAndConvert()["results"]["bindings"]] == [facts.graph]
    status, _, body = request(
        server,
        "POST",
        "/sparql?" + urlencode({"named-graph-uri": facts.graph}),
        {"Content-Type": "application/sparql-query", "Accept": "text/csv"},
        b"SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    assert status == 200 and body.decode().split() == ["g", facts.graph]


def test_from_clause_of_the_query_is_its_dataset(server, facts):
    status, _, body = get(server, f"SELECT (COUNT(*) AS ?n) FROM <{facts.graph}> WHERE {{ ?s ?p ?o }}", "text/csv")
    assert status == 200 and body.decode().split() == ["n", str(facts.graph_triples)]


def test_bad_graph_iri_is_400(server):
    assert_error(*get(server, "ASK {}", "application/json", **{"default-graph-uri": "not an iri"}), 400, "bad-request")


# --------------------------------------------------------------------------
# Status codes.
def test_malformed_query_is_400(server):
    with pytest.raises(QueryBadFormed) as info:
        wrapper(server, "SELECT ?x WHERE { ?x ", JSON).query()
    assert "SPARQL syntax" in str(info.value)
    assert_error(*get(server, "SELEKT * {}"), 400, "malformed-query")
    assert_error(
        *request(server, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, b""),
        400,
        "bad-request",
    )
    two = "/sparql?" + urlencode([("query", "ASK {}"), ("query", "ASK {}")])
    assert_error(*request(server, "GET", two), 400, "bad-request")


def test_update_is_refused_403_and_changes_nothing(server, facts):
    insert = "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }"
    sparql = SPARQLWrapper(server.endpoint)
    sparql.setMethod(POST)
    sparql.setQuery(insert)
    assert sparql.isSparqlUpdateRequest()
    with pytest.raises(urllib.error.HTTPError) as info:
        sparql.query()
    assert info.value.code == 403
    assert json.loads(info.value.read())["error"]["code"] == "update-refused"
    headers = {"Content-Type": "application/sparql-update"}
    assert_error(*request(server, "POST", "/sparql", headers, insert.encode()), 403, "update-refused")
    assert_error(*get(server, "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }"), 403, "update-refused")
    body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", "text/csv")[2]
    assert body.decode().split() == ["n", str(facts.quads)]
    assert b"example.org" not in get(server, "SELECT * WHERE { <http://example.org/a> ?p ?o }", "text/csv")[2]


def test_other_methods_are_405(server):
    for method in ("PUT", "DELETE", "PATCH"):
        status, headers, body = request(server, method, "/sparql", {"Content-Type": "text/turtle"}, b"<a> <b> <c> .")
        assert_error(status, headers, body, 405, "method-not-allowed")
        assert headers["allow"] == "GET, HEAD, POST, OPTIONS"


def test_unacceptable_formats_are_406(server):
    assert_error(*get(server, COUNT_CITATIONS, "image/png"), 406, "not-acceptable")
    assert_error(*get(server, CONSTRUCT_CITES, "text/csv"), 406, "not-acceptable")  # a graph is not a table
    assert_error(*get(server, COUNT_CITATIONS, "text/turtle"), 406, "not-acceptable")  # a table is not a graph
    assert_error(*get(server, COUNT_CITATIONS, "*/*", format="pdf"), 406, "not-acceptable")


def test_oversized_requests_are_413(server):
    big = "SELECT * WHERE { ?s ?p ?o } " + "# padding\n" * 1000  # over the 4 KiB limit of the test server
    with pytest.raises(urllib.error.HTTPError) as info:
        wrapper(server, big, JSON, "POST").query()
    assert info.value.code == 413
    assert json.loads(info.value.read())["error"]["code"] == "too-large"
    assert_error(
        *request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, big.encode()),
        413,
        "too-large",
    )
    assert_error(*get(server, big), 413, "too-large")


def test_unsupported_body_type_is_415(server):
    status, headers, body = request(server, "POST", "/sparql", {"Content-Type": "text/plain"}, b"ASK {}")
    assert_error(status, headers, body, 415, "unsupported-media-type")


def server_processes(server: Server) -> set[int]:
    """The server processes of ``unkg serve`` (children of its supervisor), from /proc."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            cmdline = (stat.parent / "cmdline").read_bytes()
            if int(fields[1]) == server.process.pid and b"spawn_main" in cmdline:
                found.add(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    """True while the process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def wait_until(condition, seconds: float) -> float:
    """Seconds until ``condition()`` held; fails past ``seconds``."""
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < seconds, f"not within {seconds} s"
        time.sleep(0.05)
    return time.monotonic() - started


def test_query_past_the_timeout_is_503_with_retry_after(server, facts):
    before = server_processes(server)
    assert len(before) == 1
    started = time.monotonic()
    status, headers, body = get(server, CROSS_JOIN, "application/sparql-results+json")
    elapsed = time.monotonic() - started
    assert_error(status, headers, body, 503, "timeout")
    assert headers["retry-after"] == "5" and headers["connection"] == "close"
    assert LIMITS["timeout"] <= elapsed < LIMITS["timeout"] + 10
    # The process running the cross join retired and ended, the query with it, within 2 x timeout + grace
    # (the cross join alone would take hours); a replacement answers every query.
    (burning,) = before
    wait_until(lambda: not alive(burning), 2 * LIMITS["timeout"] + supervisor.GRACE + 5 - elapsed)
    wait_until(lambda: get(server, "ASK {}", "text/csv")[0] == 200, 30)
    for _ in range(2 * LIMITS["max_concurrent"]):
        result = wrapper(server, COUNT_CITATIONS, JSON).queryAndConvert()
        assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations
    after = server_processes(server)
    assert len(after) == 1 and not after & before


def test_a_retiring_process_answers_its_queries_while_its_replacement_serves(facts):
    """One server process: a runaway query retires it; a query already running in it is still answered
    (at its own timeout), new queries go to the replacement meanwhile, and the old process ends within
    2 x timeout + grace of the runaway's start."""
    timeout = 5.0
    one = Server(facts.path, timeout=timeout, max_concurrent=2, workers=1)
    try:
        (first,) = server_processes(one)
        answers: dict[str, tuple[int, float, dict]] = {}

        def ask(name: str, query: str) -> None:
            status, _, body = get(one, query, "application/sparql-results+json")
            answers[name] = (status, time.monotonic(), json.loads(body))

        # A client that never sends the body it announced: uvicorn's drain would wait for it for ever.
        stuck = socket.create_connection(("127.0.0.1", one.port))
        stuck.sendall(b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query\r\n"
                      b"Content-Length: 100\r\n\r\nASK")  # fmt: skip
        started = time.monotonic()
        runaway = threading.Thread(target=ask, args=("runaway", CROSS_JOIN))
        runaway.start()
        time.sleep(timeout - 1)
        in_flight = threading.Thread(target=ask, args=("in flight", CROSS_JOIN + " LIMIT 1"))
        in_flight.start()
        runaway.join(30)
        assert answers["runaway"][0] == 503 and answers["runaway"][2]["error"]["code"] == "timeout"
        # While the old process drains (the second cross join still runs in it), the replacement serves.
        wait_until(lambda: len(server_processes(one)) == 2, 20)
        result = wrapper(one, COUNT_CITATIONS, JSON).queryAndConvert()
        served = time.monotonic()
        assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations
        in_flight.join(30)
        status, finished, body = answers["in flight"]
        assert status == 503 and body["error"]["code"] == "timeout"  # answered at its own timeout, not dropped
        assert finished - started >= 2 * timeout - 1
        assert served < finished, "the replacement should serve while the old process drains"
        # Ended in time although the stuck client still holds a connection to it.
        wait_until(lambda: not alive(first), 2 * timeout + supervisor.GRACE + 3 - (time.monotonic() - started))
        stuck.settimeout(5)
        assert stuck.recv(100) == b""  # its connection ended with the process
        stuck.close()
        assert len(server_processes(one)) == 1 and first not in server_processes(one)
        result = wrapper(one, COUNT_CITATIONS, JSON).queryAndConvert()
        assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations
        processes = server_processes(one)
    finally:
        one.stop()
    assert one.process.returncode == 0, one.stderr  # a clean stop within 15 s
    assert not any(alive(pid) for pid in processes)  # nothing left


def _counted_or_unanswered(server: Server, expected: int) -> bool:
    """True when a fresh connection's count is ``expected``; False for 503 or a connection closed unanswered.

    Under uvicorn's own supervisor the retiring process cannot be told to stop accepting before uvicorn's
    graceful shutdown: a connection it accepted but had not read from when the shutdown began is closed
    without an answer (uvicorn's shutdown closes idle connections), which a client retries for an idempotent
    request (RFC 9110, 9.2.2). Any other answer fails.
    """
    try:
        status, _, body = get(server, COUNT_CITATIONS, "text/csv")
    except (http.client.RemoteDisconnected, ConnectionResetError):
        return False
    if status == 503:
        return False
    assert status == 200, body
    return body.split() == [b"n", str(expected).encode()]


def test_under_uvicorns_own_supervisor_a_retired_process_is_replaced(facts):
    """``uvicorn --factory unkg.serve:create_app --workers 2``: the process of a runaway query retires and
    exits as under ``unkg serve``; uvicorn starts a new one once it has exited, the other serves meanwhile."""
    timeout = 2.0
    both = Server(facts.path, uvicorn_workers=2, timeout=timeout)
    try:
        wait_until(lambda: len(server_processes(both)) == 2, 30)
        before = server_processes(both)
        started = time.monotonic()
        status, headers, body = get(both, CROSS_JOIN, "application/sparql-results+json")
        assert_error(status, headers, body, 503, "timeout")
        # Served again at once (a request that reaches the retiring process before it stops accepting gets
        # 503 "restarting" with Connection: close, and is retried like a client honouring 503 would).
        assert wait_until(lambda: _counted_or_unanswered(both, facts.citations), 5) < 5
        wait_until(lambda: len(server_processes(both) & before) == 1, 2 * timeout + supervisor.GRACE + 3)
        assert time.monotonic() - started < 2 * timeout + supervisor.GRACE + 3
        wait_until(lambda: len(server_processes(both)) == 2, 30)  # uvicorn's replacement
        for _ in range(4):
            result = wrapper(both, COUNT_CITATIONS, JSON).queryAndConvert()
            assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations
    finally:
        both.stop()


def test_server_processes_end_with_a_killed_supervisor(facts):
    """No orphan keeps serving (and holding the store) when the supervisor is killed outright."""
    two = Server(facts.path, workers=2)
    try:
        wait_until(lambda: len(server_processes(two)) == 2, 30)
        processes = server_processes(two)
        two.process.kill()
        wait_until(lambda: not any(alive(pid) for pid in processes), 10)
    finally:
        two.stop()


def test_full_queue_is_503_at_once(facts):
    busy = Server(facts.path, timeout=3, max_concurrent=1, max_queued=0)
    try:
        answers: list[int] = []
        slow = threading.Thread(target=lambda: answers.append(get(busy, CROSS_JOIN)[0]))
        slow.start()
        time.sleep(1.0)  # the one worker is busy with the cross join
        started = time.monotonic()
        status, headers, body = get(busy, "ASK {}")
        assert time.monotonic() - started < 1.0
        assert_error(status, headers, body, 503, "overloaded")
        assert headers["retry-after"] == "5"
        slow.join(30)
        assert answers == [503]
    finally:
        busy.stop()


def test_service_is_refused_and_nothing_is_contacted(server):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(1.0)
        remote = f"http://127.0.0.1:{listener.getsockname()[1]}/sparql"
        for query in (
            f"SELECT * WHERE {{ SERVICE <{remote}> {{ ?s ?p ?o }} }}",
            f"SELECT * WHERE {{ ?x ?y ?z . service silent <{remote}> {{ ?s ?p ?o }} }}",
            f"PREFIX r: <{remote}>\nSELECT * WHERE {{ BIND(r: AS ?e) SERVICE ?e {{ ?s ?p ?o }} }}",
        ):
            assert_error(*get(server, query), 403, "service-refused")
        with pytest.raises(TimeoutError):
            listener.accept()


def test_unknown_page_is_404(server):
    assert_error(*request(server, "GET", "/nowhere"), 404, "not-found")
    assert_error(*request(server, "GET", "/doc/A/RES/999/999", {"Accept": "text/turtle"}), 404, "not-found")
    assert_error(*request(server, "GET", "/queries/no-such-query"), 404, "not-found")


# --------------------------------------------------------------------------
# Limits, CORS, compression, HEAD, the service description.
def test_rows_past_max_rows_are_cut_and_said(server, facts):
    status, headers, body = get(server, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert status == 200 and headers["x-sparql-maxrows"] == str(LIMITS["max_rows"])
    assert len(json.loads(body)["results"]["bindings"]) == LIMITS["max_rows"]
    status, headers, body = get(server, "CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert headers["x-sparql-maxrows"] == str(LIMITS["max_rows"]) and len(body.splitlines()) == LIMITS["max_rows"]
    status, headers, body = get(server, RESOLUTION_CITES, "text/csv")
    assert "x-sparql-maxrows" not in headers and len(body.splitlines()) == facts.resolution_citations + 1


def test_cors_is_off_by_default(server):
    """Without --cors-origin no web page of another origin may read the answers: no CORS header at all."""
    status, headers, _ = get(server, "ASK {}", "application/sparql-results+json")
    assert "access-control-allow-origin" not in headers
    status, headers, _ = request(server, "GET", "/sparql?query=ASK%7B%7D", {"Origin": "https://example.org"})
    assert status == 200 and "access-control-allow-origin" not in headers
    status, headers, _ = request(
        server,
        "OPTIONS",
        "/sparql",
        {
            "Origin": "https://example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert "access-control-allow-origin" not in headers


def test_gzip(server):
    query = "/sparql?" + urlencode({"query": RESOLUTION_CITES})
    _, plain_headers, plain = request(server, "GET", query, {"Accept": "application/sparql-results+json"})
    status, headers, body = request(
        server, "GET", query, {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"}
    )
    assert status == 200 and headers["content-encoding"] == "gzip" and "content-encoding" not in plain_headers
    assert gzip.decompress(body) == plain and len(body) < len(plain)


def test_head(server):
    path = "/sparql?" + urlencode({"query": RESOLUTION_CITES})
    get_status, get_headers, get_body = request(server, "GET", path, {"Accept": "text/csv"})
    status, headers, body = request(server, "HEAD", path, {"Accept": "text/csv"})
    assert status == get_status == 200 and body == b"" and get_body
    assert headers["content-type"] == get_headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-length"] == str(len(get_body))
    status, headers, body = request(server, "HEAD", "/doc/" + RESOLUTION, {"Accept": "text/html"})
    assert status == 200 and body == b"" and headers["content-type"].startswith("text/html")


def test_service_description(server):
    status, headers, body = request(server, "GET", "/sparql", {"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=body, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(server.endpoint)
    assert (service, rdflib.RDF.type, sd.Service) in graph
    assert (service, sd.endpoint, service) in graph
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in graph
    formats = {str(o).rsplit("/", 1)[-1] for o in graph.objects(service, sd.resultFormat)}
    assert {
        "SPARQL_Results_JSON",
        "SPARQL_Results_XML",
        "SPARQL_Results_CSV",
        "SPARQL_Results_TSV",
        "Turtle",
    } <= formats
    status, headers, _ = request(server, "GET", "/sparql", {"Accept": "text/html,*/*;q=0.8"})
    assert status == 303 and headers["location"].endswith("/editor")  # a browser goes to the editor


# --------------------------------------------------------------------------
# Linked-data pages.
def local(value: str) -> str:
    return "/" + value[len(iri.BASE) :]


def test_every_document_instrument_and_citation_iri_dereferences(server, facts):
    iris = facts.document_iris + facts.instrument_iris + facts.citation_iris
    assert len(facts.citation_iris) == facts.citations and len(facts.document_iris) == facts.documents
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for value in iris:
            conn.request("GET", local(value), headers={"Accept": "application/n-triples"})
            response = conn.getresponse()
            body = response.read()
            assert response.status == 200, (value, body)
            triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
            assert any(t.subject.value == value for t in triples), value
    finally:
        conn.close()


def test_resolution_page_html(server, facts):
    status, headers, body = request(server, "GET", "/doc/" + RESOLUTION, {"Accept": "text/html"})
    assert status == 200 and headers["content-type"].startswith("text/html")
    page = body.decode("utf-8")
    assert f"<h1>{RESOLUTION}</h1>" in page
    assert f'href="https://undocs.org/{RESOLUTION}"' in page
    assert f"({facts.resolution_citations} citations)" in page
    assert "<q>resolution 60/169</q>" in page and "recalls" in page and "<td>pp1</td>" in page
    assert 'href="/doc/A/RES/60/169"' in page
    cited = request(server, "GET", "/doc/A/RES/60/169", {"Accept": "text/html"})[2].decode()
    assert "Cited by" in cited and f'href="/doc/{RESOLUTION}"' in cited  # and back
    # where the corpus stops: the page of a document no file holds says so, with the command that fetches it
    assert (
        "Not in the corpus: no file of this store holds A/RES/60/169. To add it: "
        "<code>unkg fetch A/RES/60/169 --ingest</code>"
    ) in cited
    assert "<dt>Date</dt><dd>2005</dd>" in cited
    assert "Not in the corpus" not in page and '<p class="subtitle" id="subtitle">Protection of migrants</p>' in page
    assert "<dt>Date</dt><dd>2006-12-19</dd>" in page


def test_citation_page_html_and_rdf(server, facts):
    citation = next(c for c in facts.citation_iris if "/A%2FRES%2F60%2F169" in c)
    status, _, body = request(server, "GET", local(citation), {"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and "<dt>Quoted text</dt><dd><q>resolution 60/169</q></dd>" in page
    assert "<dt>Paragraph</dt><dd>pp1" in page and "recalls" in page
    status, headers, body = request(server, "GET", local(citation), {"Accept": "text/turtle"})
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    graph = rdflib.Graph().parse(data=body, format="turtle")
    exact = {str(o) for o in graph.objects(None, rdflib.URIRef("http://www.w3.org/ns/oa#exact"))}
    assert exact == {"resolution 60/169"}
    status, headers, body = request(server, "GET", local(citation), {"Accept": "application/ld+json"})
    assert status == 200 and headers["content-type"].startswith("application/ld+json")
    assert citation in {q.subject.value for q in ox.parse(body, format=ox.RdfFormat.JSON_LD)}


def test_instrument_page(server):
    status, _, body = request(server, "GET", "/instrument/ICRMW", {"Accept": "text/html"})
    page = body.decode()
    assert status == 200 and "International Convention on the Protection of the Rights of All Migrant Workers" in page
    assert "Cited by" in page and f'href="/doc/{RESOLUTION}"' in page
    status, _, body = request(server, "GET", "/instrument/ICRMW?format=jsonld")
    data = json.loads(body)
    assert status == 200 and iri.instrument("ICRMW") in json.dumps(data)


# --------------------------------------------------------------------------
# Home page, stored queries, editor.
def test_a_document_known_only_as_an_object_has_a_page(server):
    adopting = request(server, "GET", "/doc/A/RES/45/158", {"Accept": "text/html"})  # ICRMW's adopting act
    assert adopting[0] == 200 and 'href="/instrument/ICRMW"' in adopting[2].decode()
    status, _, body = request(server, "GET", "/doc/A/RES/45/158", {"Accept": "application/n-triples"})
    triples = list(ox.parse(body, format=ox.RdfFormat.N_TRIPLES))
    assert status == 200 and any(t.subject.value == iri.instrument("ICRMW") for t in triples)


def test_home_page(server, facts):
    from unkg.queries import load_queries

    status, _, body = request(server, "GET", "/", {"Accept": "text/html"})
    page = body.decode()
    assert status == 200
    assert f"<tr><th>citations</th><td>{facts.citations}</td></tr>" in page
    assert f"<tr><th>quads</th><td>{facts.quads:,}</td></tr>" in page
    for name in load_queries():
        assert f'href="/queries/{name}"' in page
    assert f'href="/doc/{RESOLUTION}"' in page


def test_stored_query_pages(server, facts):
    status, _, body = request(server, "GET", "/queries/reports/cites?" + urlencode({"document": RESOLUTION}))
    page = body.decode()
    assert status == 200 and page.count("<tr><td>") == facts.resolution_citations
    status, _, body = request(server, "GET", "/queries/reports/cites")  # a parameter missing: the form only
    assert status == 200 and 'name="document"' in body.decode() and 'id="results"' not in body.decode()
    status, _, body = request(server, "GET", "/queries/reports/most-cited")
    assert status == 200 and "ICRMW" in body.decode()


def test_editor_page(server):
    status, _, body = request(server, "GET", "/editor?" + urlencode({"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 3"}))
    page = body.decode()
    assert status == 200 and "SELECT * WHERE { ?s ?p ?o } LIMIT 3" in page
    assert '<script src="/static/vendor/yasgui.min.js">' in page, "run make setup: the editor is not vendored"
    for asset in ("/static/vendor/yasgui.min.js", "/static/vendor/yasgui.min.css", "/static/editor.js"):
        assert request(server, "GET", asset)[0] == 200


def test_editor_page_without_the_vendored_editor_says_so():
    page = make_templates("").get_template("editor.html").render(editor_available=lambda: False, query="ASK {}")
    assert 'id="editor-missing"' in page and "make setup" in page and 'action="/sparql"' in page
    assert "yasgui.min.js" not in page


# --------------------------------------------------------------------------
# The store lock, the command line, the settings.
def test_store_cannot_be_written_while_served(server, facts):
    with pytest.raises(OSError, match="lock"):
        KnowledgeGraph(facts.path)


def test_several_server_processes_share_the_store(facts):
    """--workers 2: uvicorn runs the app factory in two processes, settings passed by environment."""
    several = Server(facts.path, workers=2, max_rows=3, max_concurrent=1)
    try:
        for _ in range(6):
            result = wrapper(several, COUNT_CITATIONS, JSON).queryAndConvert()
            assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations
        _, headers, body = get(several, "SELECT * WHERE { ?s ?p ?o }", "text/tab-separated-values")
        assert headers["x-sparql-maxrows"] == "3" and len(body.splitlines()) == 4  # the limit reached every process
    finally:
        several.stop()


def test_serve_refuses_a_store_open_for_writing(tmp_path):
    store = tmp_path / "store"
    with KnowledgeGraph(store) as kg:
        kg.ingest([str(SAMPLE / "A_RES_61_165.txt")], jobs=1)
        result = subprocess.run([str(UNKG_CLI), "serve", "--store", str(store), "--port", str(free_port())],
                                capture_output=True, text=True, timeout=60)  # fmt: skip
    assert result.returncode == 1 and f"open for writing by process {os.getpid()} (`" in result.stderr  # the holder


def test_serve_refuses_a_folder_that_is_no_store(tmp_path):
    result = subprocess.run(
        [str(UNKG_CLI), "serve", "--store", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "no unkg store here (run `unkg ingest` first)" in result.stderr


def test_settings_from_env_and_bad_values():
    env = {"UNKG_STORE": "/x", "UNKG_SERVE_MAX_CONCURRENT": "3", "UNKG_SERVE_MAX_QUEUED": "0"}
    s = Settings.from_env(env)
    assert (s.store, s.max_concurrent, s.max_queued, s.timeout) == (Path("/x"), 3, 0, 30.0)
    assert Settings.from_env(s.to_env()) == s
    with pytest.raises(ValueError, match="timeout"):
        Settings.from_env({"UNKG_SERVE_TIMEOUT": "0"})
    with pytest.raises(ValueError, match="UNKG_SERVE_MAX_ROWS"):
        Settings.from_env({"UNKG_SERVE_MAX_ROWS": "many"})


def test_default_bind_address_is_loopback():
    result = subprocess.run([str(UNKG_CLI), "serve", "--help"], capture_output=True, text=True, timeout=60)
    assert "[default: 127.0.0.1]" in result.stdout


def test_error_shape_documented():
    assert error_body(503, "timeout", "m") == {"error": {"status": 503, "code": "timeout", "message": "m"}}


@pytest.mark.parametrize(
    ("query", "service"),
    [
        ("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }", True),
        ("SELECT * {SERVICE<http://x/>{?s ?p ?o}}", True),
        ("SELECT * { ?s ?p ?o } #\nSERVICE ?x {}", True),
        ("SELECT ?service { ?service ?p 'SERVICE' }", False),
        ('SELECT * { ?s <http://x/SERVICE> """\nSERVICE <a> {}""" }', False),
        ("PREFIX service: <http://x/> SELECT * { ?s service:p ?o } # SERVICE", False),
        ("SELECT * { ?s ex:SERVICE ?o }", False),
        # what a lexical check missed (issue 13): a dot glued to the keyword, escapes in prefixed names
        ("SELECT ?a { ?x ?y ?z .SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }", True),
        ("PREFIX ex: <http://e/> SELECT ?a { ?x ex:a\\' ?z . SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }", True),
        ("PREFIX ex: <http://e/> SELECT ?a { ?x ex:p\\#x ?z . SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } }", True),
        ("SELECT * { OPTIONAL { { SELECT * { SERVICE SILENT ?e { ?s ?p ?o } } } } }", True),
        ("SELECT * { ?s ?p ?o MINUS { SERVICE <http://x/> { ?s ?p ?o } } }", True),
        ("SELECT * { \\u0053ERVICE <http://x/> { ?s ?p ?o } }", True),  # an escape that is not parsed: refused
        ("SELECT * { ?s ?p ?o FILTER(?o = 'service station') }", False),
    ],
)
def test_service_detection(query, service):
    assert (protocol.service_refusal(query) is not None) is service


def test_update_detection_is_linear_on_long_prologues():
    prologue = "PREFIX a: <http://x/> " * 2000 + " \n\t " * 5000
    assert protocol.looks_like_update(prologue + "INSERT DATA { <a> <b> <c> }")
    assert not protocol.looks_like_update(prologue + "SELECT * {}")
    assert not protocol.looks_like_update("PREFIX " + " " * 20000 + "x")


def test_accept_negotiation():
    assert protocol.negotiate("application/sparql-results+xml;q=0.9, text/csv", protocol.RESULT_FORMATS).name == "csv"
    assert protocol.negotiate("application/*", protocol.RESULT_FORMATS).name == "json"
    assert protocol.negotiate("text/turtle, */*;q=0.1", protocol.RESULT_FORMATS).name == "json"
    assert protocol.negotiate("application/sparql-results+json;q=0, */*", protocol.RESULT_FORMATS).name == "xml"
    assert protocol.negotiate("image/png", protocol.GRAPH_FORMATS) is None
    assert protocol.prefers_html("text/html,application/xhtml+xml,*/*;q=0.8")
    assert not protocol.prefers_html("text/turtle, text/html;q=0.5")
    assert not protocol.prefers_html(None)


def test_server_paths_map_back_to_iris():
    from urllib.parse import unquote

    from unkg.serve.app import iri_of, local_path

    for value in (
        iri.citation("0" * 64, 291, 308, "A/RES/60/169"),
        iri.citation("f" * 64, 1, 2, "ICRMW"),
        iri.document("S/RES/1325(2000)"),
        iri.document("E/CN.4/2003/85/Add.2"),
        iri.instrument("UN-CHARTER"),
    ):
        path = local_path(value)
        kind, rest = path[1:].split("/", 1)
        assert iri_of(kind, unquote(rest)) == value
    assert local_path(iri.GRAPH + "log") is None and iri_of("citation", "abc/1-2") is None


# --------------------------------------------------------------------------
# The query pool in-process, the query string decoder, the lexical checks.
def test_pool_timeout_retires_once_and_turns_the_queue_away(facts, monkeypatch):
    from unkg.serve import pool as pool_module

    release = threading.Event()
    monkeypatch.setitem(pool_module.HANDLERS, "block", lambda store, job: {"waited": release.wait(30)})
    retired: list[int] = []

    async def scenario() -> None:
        limits = Settings(store=facts.path, timeout=0.3, max_concurrent=1, max_queued=1)
        pool = pool_module.QueryPool(limits, on_runaway=lambda: retired.append(1))
        pool.start()
        try:
            assert (await pool.run("sparql", {"query": "ASK {}", "default_graphs": [], "named_graphs": [],
                                             "own_dataset": False, "result_format": "tsv", "graph_format": None,
                                             "max_rows": 5}))["body"].strip().endswith(b"true")  # fmt: skip
            blocked = asyncio.ensure_future(pool.run("block", {}))
            await asyncio.sleep(0.05)
            queued = asyncio.ensure_future(pool.run("block", {}, timeout=10))
            await asyncio.sleep(0.05)
            with pytest.raises(pool_module.Overloaded, match="running and 1 waiting"):
                await pool.run("block", {})  # the queue (1) is full
            with pytest.raises(pool_module.TimedOut):
                await blocked
            with pytest.raises(pool_module.Overloaded, match="restarting"):
                await queued  # turned away at once, not after its 10 s
            with pytest.raises(pool_module.Overloaded, match="restarting"):
                await pool.run("block", {})
            assert retired == [1] and pool.slots.free == 0  # the slot stays taken while the thread runs
            release.set()
            for _ in range(100):
                if pool.slots.free == 1:
                    break
                await asyncio.sleep(0.02)
            assert pool.slots.free == 1  # freed when the thread finished
        finally:
            release.set()
            pool.close()

    asyncio.run(scenario())


def test_pool_retires_for_a_runaway_whose_request_was_cancelled(facts, monkeypatch):
    from unkg.serve import pool as pool_module

    release = threading.Event()
    monkeypatch.setitem(pool_module.HANDLERS, "block", lambda store, job: {"waited": release.wait(30)})
    retired: list[int] = []

    async def scenario() -> None:
        pool = pool_module.QueryPool(Settings(store=facts.path, timeout=0.2), on_runaway=lambda: retired.append(1))
        pool.start()
        try:
            release.set()
            assert await pool.run("block", {}) == {"waited": True} and not retired  # answered in time
            release.clear()
            request = asyncio.ensure_future(pool.run("block", {}))
            await asyncio.sleep(0.05)
            request.cancel()  # the client went away; its query still runs
            await asyncio.sleep(0.4)
            assert retired == [1] and pool.retiring
        finally:
            release.set()
            pool.close()

    asyncio.run(scenario())


_FORM_PIECES = ["a", "x", "=", "&", "+", " ", "%", "%2", "%41", "%5C", "%26", "%3D", "%2B", "%E2%82%AC", "%ff",
                "%zz", "\\", "\\x41"]  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_FORM_PIECES), max_size=12).map("".join))
def test_form_pairs_decode_as_parse_qsl(raw):
    from urllib.parse import parse_qsl

    def outcome(decode):
        try:
            return decode()
        except UnicodeDecodeError:
            return "not UTF-8"

    assert outcome(lambda: protocol.form_pairs(raw)) == outcome(
        lambda: parse_qsl(raw, keep_blank_values=True, errors="strict")
    )


def test_form_pairs_decode_raw_bytes_as_utf8():
    assert protocol.form_pairs("q=caf\u00c3\u00a9+%C3%A9") == [("q", "café é")]  # raw UTF-8 bytes, seen as latin-1
    with pytest.raises(UnicodeDecodeError):
        protocol.form_pairs("q=caf\u00e9")  # a lone latin-1 byte is no UTF-8


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }",
        "PREFIX a: <http://x/> INSERT DATA { a:a a:b a:c }",
        "SELECT * FROM <http://x/g> { ?s ?p ?o }",
        "SELECT ?service { ?service ?p 'FROM' } # INSERT",
        "PREFIX ex: <http://e/> SELECT * { ?s ex:a\\' ?o } FROM <http://x/g>",
        "ASK {}",
    ],
)
def test_lexical_agrees_with_the_two_checks(query):
    assert protocol.lexical(query) == protocol.Lexical(protocol.looks_like_update(query), protocol.has_dataset_clause(query))


# --------------------------------------------------------------------------
# The fast lane: known-fast query shapes on the event loop, and its watchdog.
def test_a_shape_runs_on_the_loop_after_fast_runs_and_leaves_it_when_slow(facts, monkeypatch):
    """Fast and slow are the CPU time a run takes: waiting (for a core, the GIL, a sleep) is not slowness,
    except a wait on the loop of SLOW_WALL x inline_ms or more."""
    from unkg.serve import pool as pool_module

    work = {"cpu": 0.0, "sleep": 0.0}

    def where(store, job):
        until = time.thread_time() + work["cpu"]
        while time.thread_time() < until:  # busy: CPU time
            pass
        time.sleep(work["sleep"])  # waiting: clock time only
        return {"thread": threading.current_thread().name}

    monkeypatch.setitem(pool_module.HANDLERS, "where", where)

    def slow(**w: float):
        work.update({"cpu": 0.0, "sleep": 0.0}, **w)

    async def scenario() -> None:
        inline_ms = 20
        pool = pool_module.QueryPool(Settings(store=facts.path, inline_after=2, inline_ms=inline_ms))
        pool.start()

        async def lane(shape: str | None) -> str:
            name = (await pool.run("where", {}, shape=shape))["thread"]
            return "loop" if name == "MainThread" else "thread" if name.startswith("unkg-query-") else name

        try:
            assert [await lane("s") for _ in range(4)] == ["thread", "thread", "loop", "loop"]
            assert await lane(None) == "thread"  # no shape: never on the loop
            assert await lane("t") == "thread"  # not learnt yet
            slow(sleep=3 * inline_ms / 1000)  # waits on the loop, a little: still fast
            assert [await lane("s") for _ in range(2)] == ["loop", "loop"]
            slow(cpu=2 * inline_ms / 1000)  # slow on the loop: back to the threads for good
            assert await lane("s") == "loop"
            slow()
            assert [await lane("s") for _ in range(4)] == ["thread"] * 4
            for _ in range(2):  # waits in the threads are not slowness: learnt all the same
                slow(sleep=3 * inline_ms / 1000)
                assert await lane("u") == "thread"
            slow()
            assert await lane("u") == "loop"
            slow(sleep=(pool_module.SLOW_WALL + 2) * inline_ms / 1000)  # a long wait on the loop: slow
            assert await lane("u") == "loop"
            slow()
            assert await lane("u") == "thread"
            # a slow run in a thread breaks a run of fast ones
            slow(cpu=2 * inline_ms / 1000)
            assert await lane("v") == "thread"
            slow()
            assert [await lane("v") for _ in range(3)] == ["thread", "thread", "loop"]
        finally:
            pool.close()

    asyncio.run(scenario())


def test_inline_ms_zero_turns_the_fast_lane_off(facts, monkeypatch):
    from unkg.serve import pool as pool_module

    monkeypatch.setitem(pool_module.HANDLERS, "where", lambda store, job: threading.current_thread().name)

    async def scenario() -> list[str]:
        pool = pool_module.QueryPool(Settings(store=facts.path, inline_after=0, inline_ms=0))
        pool.start()
        try:
            return [await pool.run("where", {}, shape="s") for _ in range(5)]
        finally:
            pool.close()

    assert all(name.startswith("unkg-query-") for name in asyncio.run(scenario()))


def test_the_watchdog_rescues_a_query_stuck_on_the_loop(facts, monkeypatch):
    """A query on the loop past the timeout: the watchdog calls the rescue (in a live server it answers and
    ends the process), with the request's client address, after the timeout and soon after it."""
    from unkg.serve import pool as pool_module

    release = threading.Event()
    monkeypatch.setitem(pool_module.HANDLERS, "block", lambda store, job: {"waited": release.wait(30)})
    rescued: list[tuple[object, float]] = []

    def rescue(client: object, limit: float) -> None:
        assert limit == 0.5
        rescued.append((client, time.monotonic()))
        release.set()  # a real rescue ends the process here

    async def scenario() -> None:
        timeout = 0.5
        pool = pool_module.QueryPool(Settings(store=facts.path, timeout=timeout, inline_after=0), on_rescue=rescue)
        pool.start()
        try:
            release.set()
            assert await pool.run("block", {}, shape="b", client=("127.0.0.1", 1)) == {"waited": True}
            assert not rescued  # in time: nothing to rescue
            release.clear()
            started = time.monotonic()
            await pool.run("block", {}, shape="b", client=("127.0.0.1", 2))  # on the loop: blocks it
            ((client, when),) = rescued
            assert client == ("127.0.0.1", 2) and timeout < when - started < timeout + 0.5
            assert pool.retiring
            with pytest.raises(pool_module.Overloaded, match="restarting"):
                await pool.run("block", {}, shape="b")
        finally:
            release.set()
            pool.close()

    asyncio.run(scenario())


def _exchange(sock: socket.socket, request: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send one request on an open connection; (status, headers, body) of the answer."""
    sock.sendall(request)
    return _answer(sock)


_UNREAD: dict[int, bytes] = {}  # bytes of a connection read past the answer just read (pipelining)


def _answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """The next answer on the connection (HEAD-less: a body of Content-Length bytes follows the head)."""
    data = _UNREAD.pop(id(sock), b"")
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"connection closed before an answer: {data!r}"
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    length = int(headers["content-length"])
    while len(rest) < length:
        chunk = sock.recv(65536)
        assert chunk
        rest += chunk
    if rest[length:]:
        _UNREAD[id(sock)] = rest[length:]
    return int(lines[0].split()[1]), headers, rest[:length]


def _get_request(port: int, query: str) -> bytes:
    return (f"GET /sparql?{urlencode({'query': query})} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "Accept: application/sparql-results+json\r\n\r\n").encode()  # fmt: skip


def test_a_runaway_on_the_loop_is_answered_and_its_process_replaced(facts):
    """Every query on the loop (--inline-after 0), one server process: a runaway there gets 503 timeout at
    the timeout, a request waiting on another connection of the same process 503 "restarting", an idle
    connection is closed; the process ends at once and its replacement serves."""
    timeout = 2.0
    one = Server(facts.path, timeout=timeout, inline_after=0, workers=1)
    try:
        (first,) = server_processes(one)
        waiting = socket.create_connection(("127.0.0.1", one.port), timeout=30)
        idle = socket.create_connection(("127.0.0.1", one.port), timeout=30)
        runaway = socket.create_connection(("127.0.0.1", one.port), timeout=30)
        for sock in (waiting, idle):  # both connections served once: they belong to the process
            assert _exchange(sock, _get_request(one.port, "ASK {}"))[0] == 200
        started = time.monotonic()
        runaway.sendall(_get_request(one.port, CROSS_JOIN))
        time.sleep(0.5)
        waiting.sendall(_get_request(one.port, "ASK {}"))  # stuck behind the runaway on the loop
        status, headers, body = _answer(runaway)
        elapsed = time.monotonic() - started
        assert_error(status, headers, body, 503, "timeout")
        assert headers["retry-after"] == "5" and headers["connection"] == "close"
        assert timeout <= elapsed < timeout + 3
        status, headers, body = _answer(waiting)
        assert_error(status, headers, body, 503, "overloaded")
        assert "restarting" in json.loads(body)["error"]["message"] and headers["connection"] == "close"
        idle.settimeout(5)
        assert idle.recv(100) == b""  # closed, without a word: it had asked nothing
        wait_until(lambda: not alive(first), 5)  # the process (and the cross join) ended at once
        wait_until(lambda: get(one, "ASK {}", "text/csv")[0] == 200, 30)
        result = wrapper(one, COUNT_CITATIONS, JSON).queryAndConvert()
        assert int(result["results"]["bindings"][0]["n"]["value"]) == facts.citations
        assert first not in server_processes(one) and len(server_processes(one)) == 1
        for sock in (waiting, idle, runaway):
            sock.close()
    finally:
        one.stop()
    assert one.process.returncode == 0, one.stderr


def _connections_of(pid: int, port: int) -> int:
    """How many established TCP connections to ``port`` the process holds (Linux /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as lines:
            next(lines)
            for line in lines:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == "01":
                    inodes.add(fields[9])
    held = 0
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(OSError):
            link = os.readlink(fd)
            if link.startswith("socket:[") and link[8:-1] in inodes:
                held += 1
    return held


def test_the_supervisor_hands_connections_out_in_turn(facts):
    """Eight keep-alive connections opened at once over two server processes: four each."""
    two = Server(facts.path, workers=2)
    try:
        wait_until(lambda: len(server_processes(two)) == 2, 30)

        def both_ready() -> bool:  # a process gets connections once it has started
            pair = [socket.create_connection(("127.0.0.1", two.port), timeout=30) for _ in range(2)]
            try:
                for sock in pair:
                    _exchange(sock, _get_request(two.port, "ASK {}"))
                return sorted(_connections_of(pid, two.port) for pid in server_processes(two)) == [1, 1]
            finally:
                for sock in pair:
                    sock.close()

        wait_until(both_ready, 30)
        wait_until(lambda: sum(_connections_of(pid, two.port) for pid in server_processes(two)) == 0, 10)
        conns = [socket.create_connection(("127.0.0.1", two.port), timeout=30) for _ in range(8)]
        try:
            for sock in conns:
                assert _exchange(sock, _get_request(two.port, "ASK {}"))[0] == 200
            held = sorted(_connections_of(pid, two.port) for pid in server_processes(two))
            assert held == [4, 4]
        finally:
            for sock in conns:
                sock.close()
    finally:
        two.stop()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("values", ["UNDEF", "<http://example.org/a-longer-name-for-every-row>"])
def test_row_cap_is_exact_whichever_way_the_answer_is_made(fmt, values):
    """Answers short enough to be sent as serialised and long ones made again the careful way both stop at
    exactly max_rows, and say whether they were cut; rows of the fewest bytes (UNDEF) are the edge case."""
    from unkg.serve.jobs import RESULT_FORMATS, run_sparql

    store = ox.Store()
    max_rows = 30
    for n in (0, 1, max_rows - 1, max_rows, max_rows + 1, 5 * max_rows):
        query = f"SELECT ?x WHERE {{ VALUES ?n {{ {' '.join(str(i) for i in range(n))} }} BIND({values} AS ?x) }}"
        if values == "UNDEF":
            query = "SELECT ?x WHERE { VALUES (?n ?x) { " + " ".join(f"({i} UNDEF)" for i in range(n)) + " } }"
        job = {"query": query, "default_graphs": [], "named_graphs": [], "own_dataset": False,
               "result_format": fmt, "graph_format": None, "max_rows": max_rows}  # fmt: skip
        answer = run_sparql(store, job)
        if fmt == "csv":  # pyoxigraph does not read CSV results back (lossy): one row a record
            rows = list(csv.reader(io.StringIO(answer["body"].decode(), newline="")))[1:]
        else:
            rows = list(ox.parse_query_results(answer["body"], format=RESULT_FORMATS[fmt]))
        assert len(rows) == min(n, max_rows) and answer["cut"] == (n > max_rows), (n, answer)
        if n <= max_rows:
            assert answer["body"] == store.query(query).serialize(format=RESULT_FORMATS[fmt])


class RecordingTransport:
    """A stand-in for an asyncio transport that keeps what is written (peer 127.0.0.1:5000)."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def get_extra_info(self, name: str, default=None):
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def get_write_buffer_size(self) -> int:
        return 7

    def pause_reading(self) -> None: ...

    def resume_reading(self) -> None: ...


def test_gathering_transport_sends_one_turns_writes_at_once():
    from unkg.serve.http import GatheringTransport

    async def scenario() -> RecordingTransport:
        real = RecordingTransport()
        transport = GatheringTransport(real, asyncio.get_running_loop())  # type: ignore[arg-type]
        transport.write(b"HTTP/1.1 200 OK\r\n\r\n")
        transport.write(b"body")
        assert real.writes == [] and transport.get_write_buffer_size() == 7 + 23
        await asyncio.sleep(0)
        assert real.writes == [b"HTTP/1.1 200 OK\r\n\r\nbody"]  # one write: one system call
        transport.write(b"next")
        transport.close()  # flushes first
        assert real.writes[-1] == b"next" and real.closed
        transport.write(b"late")
        await asyncio.sleep(0)
        assert real.writes[-1] == b"next"  # nothing written to a closed transport
        assert transport.get_extra_info("peername") == ("127.0.0.1", 5000)
        return real

    asyncio.run(scenario())


# --------------------------------------------------------------------------
# Answers made at once by the HTTP protocol (fast lane) are the answers of the ASGI way.
@pytest.fixture(scope="module")
def fast_and_slow(facts: Facts):
    """The same server twice: every query in the fast lane (answered from the protocol), and no fast lane."""
    fast = Server(facts.path, **LIMITS, inline_after=0)
    try:
        slow = Server(facts.path, **LIMITS, inline_ms=0)
    except BaseException:
        fast.stop()
        raise
    yield fast, slow
    fast.stop()
    slow.stop()


SELECT_ALL = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"  # more rows than LIMITS["max_rows"]
SAME_WAY = [
    ("GET", RESOLUTION_CITES, {"Accept": "application/sparql-results+json"}),
    ("GET", RESOLUTION_CITES, {"Accept": "application/sparql-results+xml"}),
    ("GET", RESOLUTION_CITES, {"Accept": "text/csv"}),
    ("GET", RESOLUTION_CITES, {"Accept": "text/tab-separated-values", "Origin": "http://example.org"}),
    ("GET", CONSTRUCT_CITES, {"Accept": "text/turtle"}),
    ("GET", CONSTRUCT_CITES, {"Accept": "application/ld+json"}),
    ("GET", "ASK { ?s ?p ?o }", {}),
    ("GET", SELECT_ALL, {"Accept": "application/sparql-results+json", "Accept-Encoding": "gzip"}),
    ("HEAD", RESOLUTION_CITES, {"Accept": "application/sparql-results+json"}),
    ("GET", "SELECT ?x WHERE { ?x", {}),  # malformed: 400 from the query's run
    ("GET", "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", {}),  # refused before it runs: 403
    ("GET", RESOLUTION_CITES, {"Accept": "image/png"}),  # 406
]


def _normalised(status: int, headers: dict[str, str], body: bytes) -> tuple:
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    kept = {k: v for k, v in headers.items() if k not in ("date", "content-length")}
    if status == 200 and body:
        lines = body.splitlines()
        body = b"\n".join(sorted(lines))  # the same solutions, whatever their order
    return status, kept, body


@pytest.mark.parametrize("method,query,headers", SAME_WAY, ids=[f"{m} {h.get('Accept', '*/*')} {q[:20]}" for m, q, h in SAME_WAY])
def test_fast_answers_are_the_answers_of_the_asgi_way(fast_and_slow, method, query, headers):
    fast, slow = fast_and_slow
    path = "/sparql?" + urlencode({"query": query})
    answers = [_normalised(*request(s, method, path, headers)) for s in (fast, slow)]
    assert answers[0] == answers[1]
    status, got, body = answers[0]
    if method == "HEAD":
        assert status == 200 and body == b""
    if query == SELECT_ALL:
        assert got["x-sparql-maxrows"] == str(LIMITS["max_rows"]) and got["content-encoding"] == "gzip"


def test_fast_answers_keep_the_connection_as_http_says(fast_and_slow):
    """On one connection: keep-alive, pipelined requests answered in order, HTTP/1.0 and Connection: close."""
    fast, _slow = fast_and_slow
    ask = "/sparql?" + urlencode({"query": "ASK { ?s ?p ?o }"})
    with socket.create_connection(("127.0.0.1", fast.port), timeout=30) as sock:
        for _ in range(3):
            status, headers, body = _exchange(sock, f"GET {ask} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode())
            assert status == 200 and json.loads(body)["boolean"] is True and headers.get("connection") != "close"
        # two requests in one write, then a page (the ASGI way) and a POST on the same connection
        sock.sendall(f"GET {ask} HTTP/1.1\r\nHost: localhost\r\n\r\nGET /sparql?{urlencode({'query': 'ASK {}'})} "
                     f"HTTP/1.1\r\nHost: localhost\r\nAccept: text/csv\r\n\r\n".encode())  # fmt: skip
        assert _answer(sock)[2] == b'{"head":{},"boolean":true}'
        assert _answer(sock)[2].strip() == b"true"  # the CSV of an ASK
        status, headers, _ = _exchange(sock, b"GET / HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\n\r\n")
        assert status == 200 and headers["content-type"].startswith("text/html")
        body = b"ASK {}"
        status, _, answer = _exchange(sock, b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query"
                                      b"\r\nContent-Length: 6\r\nAccept: text/csv\r\n\r\n" + body)  # fmt: skip
        assert status == 200 and answer.strip() == b"true"
        status, headers, _ = _exchange(sock, f"GET {ask} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())
        assert status == 200 and headers["connection"] == "close"
        assert sock.recv(100) == b""  # closed by the server
    with socket.create_connection(("127.0.0.1", fast.port), timeout=30) as sock:
        status, headers, _ = _exchange(sock, f"GET {ask} HTTP/1.0\r\n\r\n".encode())
        assert status == 200 and headers["connection"] == "close"
        assert sock.recv(100) == b""


def test_protocol_answers_at_once_only_what_the_app_answers_at_once():
    """uvicorn's protocol with unkg's additions, in-process: the app's ``answer_now`` is asked only for a GET or
    HEAD of /sparql with a query and without a body; its answer is written whole (one write); None, or any
    other request, goes to the app the ASGI way."""
    import uvicorn
    from uvicorn.server import ServerState

    from unkg.serve.http import Protocol

    asked: list[tuple] = []
    called: list[str] = []

    class App:
        def answer_now(self, method, query_string, headers, client):
            asked.append((method, query_string, dict(headers).get(b"accept"), client))
            if b"slow" in query_string:
                return None
            return 200, [(b"content-type", b"text/plain")], b"fast"

        async def __call__(self, scope, receive, send):
            called.append(f"{scope['method']} {scope['path']}")
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-type", b"text/plain"), (b"content-length", b"4")]})  # fmt: skip
            await send({"type": "http.response.body", "body": b"asgi"})

    async def scenario() -> None:
        config = uvicorn.Config(App(), proxy_headers=False, log_level="warning")
        config.load()
        protocol = Protocol(config=config, server_state=ServerState(), app_state={}, _loop=asyncio.get_running_loop())
        transport = RecordingTransport()
        protocol.connection_made(transport)  # type: ignore[arg-type]

        async def exchange(raw: bytes) -> bytes:
            before = len(transport.writes)
            protocol.data_received(raw)
            for _ in range(20):
                await asyncio.sleep(0)
            return b"".join(transport.writes[before:])

        answer = await exchange(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: localhost\r\nAccept: text/csv\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"\r\n\r\nfast")
        assert b"content-type: text/plain\r\n" in answer and b"connection: close" not in answer
        assert len(transport.writes) == 1  # head and body in one write
        assert asked == [(b"GET", b"query=ASK", b"text/csv", ("127.0.0.1", 5000))] and not called
        answer = await exchange(b"HEAD /sparql?query=ASK HTTP/1.1\r\nHost: localhost\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"\r\n\r\n")  # no body
        for raw in (
            b"GET /sparql?slow HTTP/1.1\r\nHost: localhost\r\n\r\n",  # the app declines
            b"GET /sparql HTTP/1.1\r\nHost: localhost\r\n\r\n",  # no query string
            b"GET /elsewhere?query=ASK HTTP/1.1\r\nHost: localhost\r\n\r\n",
            b"POST /sparql?query=ASK HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n",
            b"GET /sparql?query=ASK HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\n\r\nxy",  # a body
        ):
            assert (await exchange(raw)).endswith(b"asgi"), raw
        assert called == ["GET /sparql", "GET /sparql", "GET /elsewhere", "POST /sparql", "GET /sparql"]
        assert len(asked) == 3  # HEAD, and the declined one
        answer = await exchange(b"GET /sparql?query=ASK HTTP/1.0\r\n\r\n")
        assert answer.endswith(b"fast") and b"connection: close\r\n" in answer and transport.closed

    asyncio.run(scenario())


_QUERY_PIECES = ["SELECT", " ", "?s", "<http://x/a>", "<http://x/#b>", '"lit"', "'l#t'", '"""long\n#"""', "#c\n", "\n",
                 "SERVICE", "FROM", "{", "}", "\\", '"', "<", ">"]  # fmt: skip


@settings(max_examples=300)
@given(st.lists(st.sampled_from(_QUERY_PIECES), max_size=14).map("".join))
def test_masking_without_comments_agrees_with_the_full_masking(query):
    full = protocol._MASKED.sub(protocol._mask, query)
    assert protocol.masked(query) == full
