"""unkg serve attacked as an auditor would (issue 13), on 127.0.0.1 only.

Every attack runs against the real command (``unkg serve``) on a free local
port. A canary listener on another local port records any connection the
server makes: there must never be one. Memory is read from ``/proc``.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from urllib.parse import quote, urlencode

import pytest

from test_serve import Server, assert_error, facts, get, request, server_processes  # noqa: F401  # facts: a fixture
from unkg import iri

RESOLUTION_PAGE = "/doc/A/RES/61/165"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Sorts every pair of triples (about a million rows on the sample store): memory grows until something stops it.
MEMORY_HOG = "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?c ?f ?i LIMIT 1"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Canary:
    """A TCP listener on a free local port that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections: list[tuple[str, int]] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, peer = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections.append(peer)
            conn.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(2)
        self.sock.close()


@pytest.fixture
def canary():
    c = Canary()
    yield c
    c.stop()


@pytest.fixture(scope="module")
def guarded(facts):  # noqa: F811
    s = Server(facts.path, timeout=10, max_concurrent=2, max_memory=300)
    yield s
    s.stop()


def bypasses(port: int) -> list[str]:
    """SERVICE queries that got past the lexical check of earlier versions, aimed at ``port``."""
    target = f"<http://127.0.0.1:{port}/sparql>"
    return [
        f"SELECT ?a {{ ?x ?y ?z .SERVICE {target} {{ ?a ?b ?c }} }}",  # a dot glued to the keyword
        f"PREFIX ex: <http://e/> SELECT ?a {{ ?x ex:p\\#x ?z . SERVICE {target} {{ ?a ?b ?c }} }}",  # \# read as a comment
        f"PREFIX ex: <http://e/> SELECT ?a {{ ?x ex:a\\' ?z . SERVICE {target} {{ ?a ?b ?c }} }}",  # \' read as a string
        f"SELECT ?a {{ OPTIONAL {{ SERVICE SILENT {target} {{ ?a ?b ?c }} }} }}",
        f"SELECT ?a {{ ?a ?b ?c FILTER EXISTS {{ SERVICE {target} {{ ?a ?b ?c }} }} }}",
        f"SELECT ?a {{ {{ SELECT ?a {{ SERVICE {target} {{ ?a ?b ?c }} }} }} }}",
        f"SELECT ?a {{ ?x ?y ?z .SeRvIcE {target} {{ ?a ?b ?c }} }}",
    ]


def send(server: Server, method: str, query: str) -> tuple[int, dict[str, str], bytes]:
    if method == "GET":
        return get(server, query, "application/sparql-results+json")
    if method == "form":
        body = urlencode({"query": query}).encode()
        return request(server, "POST", "/sparql", {"Content-Type": "application/x-www-form-urlencoded"}, body)
    return request(server, "POST", "/sparql", {"Content-Type": "application/sparql-query"}, query.encode())


@pytest.mark.parametrize("method", ["GET", "form", "sparql-query"])
def test_service_is_refused_however_it_is_written_and_nothing_is_contacted(guarded, canary, method):
    for query in bypasses(canary.port):
        status, headers, body = send(guarded, method, query)
        error = assert_error(status, headers, body, 403, "service-refused")
        assert "os error" not in error["message"] and str(canary.port) not in error["message"]
    time.sleep(0.3)
    assert canary.connections == []


def test_a_query_that_merely_mentions_service_still_runs(guarded):
    status, _, body = get(guarded, "SELECT ?service { BIND('service' AS ?service) }", "application/sparql-results+json")
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["service"]["value"] == "service"


def test_server_processes_are_locked_out_of_the_network(guarded):
    """The second wall: once serving, each server process runs under a seccomp filter (mode 2)."""
    assert get(guarded, "ASK {}")[0] == 200
    pids = server_processes(guarded)
    assert pids
    for pid in pids:
        with open(f"/proc/{pid}/status") as status:
            fields = dict(line.split(":", 1) for line in status if ":" in line)
        assert fields["Seccomp"].strip() == "2", f"server process {pid} is not sandboxed"


def test_the_sandbox_stops_service_even_past_the_parser(canary, tmp_path):
    """In a process locked down as a server process is, pyoxigraph's own SERVICE call cannot connect."""
    script = textwrap.dedent(f"""
        import pyoxigraph, socket
        from unkg.serve.sandbox import forbid_network
        assert forbid_network() is None
        try:
            list(pyoxigraph.Store().query("SELECT * {{ SERVICE <http://127.0.0.1:{canary.port}/> {{ ?s ?p ?o }} }}"))
        except OSError as exc:
            print("refused:", exc)
        socket.socketpair()  # Unix sockets still work (the supervisor hands connections over one)
        try:
            socket.create_connection(("127.0.0.1", {canary.port}))
        except OSError as exc:
            print("refused:", exc)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("refused:") == 2 and "Permission denied" in out.stdout
    time.sleep(0.3)
    assert canary.connections == []


def raw(server: Server, head: bytes) -> tuple[int, bytes]:
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(head)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


@pytest.mark.parametrize("path", ["/sparql?query=ASK%7B%7D", "/", RESOLUTION_PAGE, "/editor"])
def test_a_foreign_host_header_is_refused(guarded, path):
    """DNS rebinding: a page served under an attacker's name that resolves to 127.0.0.1 gets nothing."""
    status, body = raw(guarded, f"GET {path} HTTP/1.1\r\nHost: attacker.example:{guarded.port}\r\n"
                                "Connection: close\r\n\r\n".encode())  # fmt: skip
    assert status == 421
    error = json.loads(body)["error"]
    assert error["code"] == "host-not-allowed" and "--allowed-host attacker.example" in error["message"]
    for host in (f"localhost:{guarded.port}", f"127.0.0.1:{guarded.port}", "LOCALHOST"):
        status, _ = raw(guarded, f"GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        assert status in (200, 303), host


def test_a_foreign_host_is_refused_on_the_fast_lane_too(guarded):
    query = "/sparql?" + urlencode({"query": f"ASK {{ <{iri.document('A/RES/61/165')}> ?p ?o }}"})
    for _ in range(6):  # the shape is learnt and then answered by the protocol itself
        assert raw(guarded, f"GET {query} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n".encode())[0] == 200
    status, _ = raw(guarded, f"GET {query} HTTP/1.1\r\nHost: rebound.example\r\nConnection: close\r\n\r\n".encode())
    assert status == 421


def test_cors_names_only_the_origins_allowed(facts):  # noqa: F811
    s = Server(facts.path, cors_origin="https://app.example")
    try:
        for path in ("/sparql?query=ASK%7B%7D", RESOLUTION_PAGE):
            status, headers, _ = request(s, "GET", path, {"Origin": "https://app.example", "Accept": "*/*"})
            assert status == 200 and headers["access-control-allow-origin"] == "https://app.example"
            assert "origin" in headers.get("vary", "").lower()
            status, headers, _ = request(s, "GET", path, {"Origin": "https://evil.example", "Accept": "*/*"})
            assert status == 200 and "access-control-allow-origin" not in headers
    finally:
        s.stop()


def rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def test_a_query_past_the_memory_limit_gets_503_and_memory_stays_bounded(guarded):
    """--max-memory 300: the sort of a million rows is stopped near 300 MiB (it took 8-11 GB before), answered
    503 memory-limit, and a replacement serves."""
    assert get(guarded, "ASK {}")[0] == 200
    peak = 0
    done = threading.Event()
    answer: list = []

    def ask() -> None:
        answer.append(get(guarded, MEMORY_HOG, "application/sparql-results+json"))
        done.set()

    started = time.monotonic()
    threading.Thread(target=ask, daemon=True).start()
    while not done.wait(0.01):
        peak = max([peak, *(rss_kib(pid) for pid in server_processes(guarded))])
    status, headers, body = answer[0]
    error = assert_error(status, headers, body, 503, "memory-limit")
    assert "300 MiB" in error["message"] and headers["retry-after"]
    assert time.monotonic() - started < 10  # well before the timeout
    # The watchdog looks every 50 ms; RLIMIT_DATA (2 x the limit) is the hard floor under it.
    assert peak < 600 * 1024, f"peak {peak} KiB"
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and get(guarded, "ASK {}")[0] != 200:
        time.sleep(0.2)
    assert get(guarded, "ASK {}")[0] == 200


def test_an_iri_that_cannot_be_is_404_not_500(guarded):
    status, headers, body = request(guarded, "GET", "/citation/a%3E%20%3Fp%20%7D/b/c", {"Accept": "text/turtle"})
    assert_error(status, headers, body, 404, "not-found")
    status, headers, body = request(guarded, "GET", "/doc/" + quote("A/RES/1 >x"), {"Accept": "text/html"})
    assert_error(status, headers, body, 404, "not-found")


def test_pages_are_answered_while_slow_queries_hold_every_query_slot(guarded):
    """Two cross joins take both query threads (and queue more); a linked-data page still comes at once."""
    threads = [threading.Thread(target=get, args=(guarded, SLOW), daemon=True) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    status, _, body = request(guarded, "GET", RESOLUTION_PAGE, {"Accept": "text/html"})
    assert status == 200 and b"A/RES/61/165" in body
    assert time.monotonic() - started < 3  # not behind the slow queries (they run for the 10 s timeout)
    for thread in threads:
        thread.join(30)


def test_one_client_cannot_take_every_query_slot(facts):  # noqa: F811
    """Client 127.0.0.1 sends slow queries; a query of client 127.0.0.2 runs at once in the slot left to others."""
    s = Server(facts.path, timeout=8, max_concurrent=2, max_per_client=1, inline_ms=0)
    try:
        threads = [threading.Thread(target=get, args=(s, SLOW), daemon=True) for _ in range(3)]
        for thread in threads:
            thread.start()
        time.sleep(0.5)
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=30, source_address=("127.0.0.2", 0))
        started = time.monotonic()
        conn.request("GET", "/sparql?" + urlencode({"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"}),
                     headers={"Accept": "text/csv"})  # fmt: skip
        response = conn.getresponse()
        assert response.status == 200 and response.read().splitlines()[0] == b"n"
        assert time.monotonic() - started < 3
        conn.close()
        for thread in threads:
            thread.join(30)
    finally:
        s.stop()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_the_rescue_answers_connections_handed_over_but_not_taken_up():
    """A stuck process's rescue also answers what the supervisor handed it and it had not adopted yet."""
    from unkg.serve import supervisor

    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname())
    accepted, _ = server.accept()
    client.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: localhost\r\n\r\n")
    socket.send_fds(ours, [b"c"], [accepted.fileno()])
    accepted.close()
    old = supervisor._handed
    supervisor._handed = theirs
    try:
        handed = supervisor._not_taken_up()
    finally:
        supervisor._handed = old
    assert len(handed) == 1
    from unkg.serve.rescue import RESTARTING, answer, read_waiting, response

    with handed[0] as conn:
        assert read_waiting(conn)
        assert answer(conn, response(503, "overloaded", RESTARTING, 5))
    client.settimeout(5)
    assert client.recv(100).startswith(b"HTTP/1.1 503")
    for sock in (client, server, ours, theirs):
        sock.close()


def read_all(sock: socket.socket, timeout: float) -> bytes:
    sock.settimeout(timeout)
    data = b""
    try:
        while chunk := sock.recv(65536):
            data += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return data


def test_half_sent_heads_are_answered_408_and_closed_at_the_header_timeout(facts):  # noqa: F811
    """Slowloris: 60 connections that never finish their head (or send nothing) are closed within the timeout."""
    s = Server(facts.path, header_timeout=1.0)
    try:
        socks = [socket.create_connection(("127.0.0.1", s.port)) for _ in range(60)]
        for i, sock in enumerate(socks):
            if i % 2:
                sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: loc")
        started = time.monotonic()
        answers = [read_all(sock, 5) for sock in socks]
        assert time.monotonic() - started < 5
        for answer in answers:
            assert answer.startswith(b"HTTP/1.1 408 ")
            assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "request-timeout"
        for sock in socks:
            sock.close()
        # A client that sends its head in time over several writes is served.
        with socket.create_connection(("127.0.0.1", s.port)) as sock:
            for piece in (b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n", b"Host: localhost\r\n", b"Connection: close\r\n\r\n"):
                sock.sendall(piece)
                time.sleep(0.2)
            assert read_all(sock, 5).startswith(b"HTTP/1.1 200 ")
    finally:
        s.stop()


def test_an_oversized_head_is_refused_431(guarded):
    with socket.create_connection(("127.0.0.1", guarded.port)) as sock:
        sock.sendall(b"GET /sparql?query=ASK HTTP/1.1\r\nHost: localhost\r\nX-Big: ")
        try:
            for _ in range(100):  # up to 10 MB: the server answers and closes long before
                sock.sendall(b"a" * 100_000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        answer = read_all(sock, 5)
    assert answer.startswith(b"HTTP/1.1 431 "), answer[:100]


def test_one_client_cannot_hold_every_connection(guarded):
    from unkg.serve.http import MAX_CONNECTIONS_PER_CLIENT

    socks = [socket.create_connection(("127.0.0.1", guarded.port)) for _ in range(MAX_CONNECTIONS_PER_CLIENT)]
    try:
        time.sleep(0.5)
        with socket.create_connection(("127.0.0.1", guarded.port)) as extra:
            assert read_all(extra, 5).startswith(b"HTTP/1.1 503 ")
        # Another address is still served meanwhile.
        conn = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=10, source_address=("127.0.0.3", 0))
        conn.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "text/csv"})
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        for sock in socks:
            sock.close()


def test_a_burst_of_connections_is_answered_whole(guarded):
    """500 clients connect at once and each sends a request: every one gets its answer."""
    results: list[int] = []

    def one(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", guarded.port, timeout=30,
                                          source_address=(f"127.0.1.{i % 200 + 1}", 0))  # fmt: skip
        try:
            conn.request("GET", "/sparql?query=ASK%7B%7D", headers={"Accept": "text/csv"})
            results.append(conn.getresponse().status)
        except OSError as exc:
            results.append(-1)
            print(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(500)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results.count(200) == 500, sorted(set(results))


def test_a_poisoned_fast_lane_stalls_the_process_one_second_not_the_timeout(facts):  # noqa: F811
    """Fast runs of a shape with an absent predicate, then the same shape with rdf:type (a cross join): the
    event loop is freed within about a second (not the 30 s timeout), the runaway and a request waiting behind it
    both get a 503 in the documented shape (no reset), and the replacement serves."""
    s = Server(facts.path, timeout=30, workers=1)
    try:
        shape = "SELECT (COUNT(*) AS ?n) {{ ?a <{}> ?b . ?c ?d ?e . ?f ?g ?h }}"
        absent, heavy = shape.format("http://example.org/absent"), shape.format(f"{RDF_TYPE}")
        for _ in range(6):  # fast in the threads, then on the loop
            assert get(s, absent, "text/csv")[0] == 200
        answers: dict[str, tuple] = {}

        def ask(name: str, query: str) -> None:
            answers[name] = get(s, query, "text/csv")

        started = time.monotonic()
        runaway = threading.Thread(target=ask, args=("runaway", heavy))
        runaway.start()
        time.sleep(0.3)
        behind = threading.Thread(target=ask, args=("behind", "ASK {}"))
        behind.start()
        runaway.join(20)
        behind.join(20)
        assert time.monotonic() - started < 5
        status, headers, body = answers["runaway"]
        error = assert_error(status, headers, body, 503, "overloaded")
        assert "send it again" in error["message"]
        status, headers, body = answers["behind"]
        assert_error(status, headers, body, 503, "overloaded")
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and get(s, "ASK {}")[0] != 200:
            time.sleep(0.2)
        assert get(s, "ASK {}")[0] == 200
    finally:
        s.stop()
