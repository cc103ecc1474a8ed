"""Throughput and latency of ``unkg serve`` next to ``oxigraph serve-read-only`` on the same store.

One run:

1. builds (once; reused when present) an on-disk store of ``--files`` real General
   Assembly statements (the UN General Debate Corpus, ``../shared/corpus/scale``)
   plus the sample corpus, with ``KnowledgeGraph.ingest``;
2. starts ``unkg serve --workers N`` (the command: N server processes, each with
   its default 4 query threads) and
   ``oxigraph serve-read-only --union-default-graph`` (the ``oxigraph`` package of
   PyPI) on the very same store directory, each on a free port of 127.0.0.1;
3. for each query (a one-hop lookup: what one document cites; an aggregate: the
   20 most cited works) and each concurrency (1, 8, 32 clients, each with one
   keep-alive connection), sends SPARQL GET requests (JSON results) to each
   server in turn: a warm-up, then until ``--requests`` answers or ``--seconds``
   have passed, whichever comes first; every answer must be 200. This is done
   ``--rounds`` times (servers in turn within a round, so that a busy minute on
   a shared machine falls on every server alike) and each figure's median over
   the rounds is reported;
4. prints requests/s, p50/p99 latency and the server's CPU time per request (all
   its processes, from /proc: less sensitive to the machine's other load than
   requests/s), and the ratio unkg / Oxigraph of the medians, with each round's
   own ratio beside it.

For the lookup it also measures the ceiling of any Python ASGI app on this machine:
uvicorn (same ``--workers``) answering a fixed JSON body without running a query.

The load goes to 127.0.0.1 only, is bounded in requests and time, and both
servers are stopped at the end. The client is one asyncio process (uvloop when
installed) with a minimal HTTP/1.1 reader (Content-Length and chunked bodies),
so that it costs the servers as little CPU as possible; it shares the machine
with them, which caps both servers alike.

Run from the repository root: ``python benchmarks/serve_throughput.py``
(``make bench-serve`` installs ``oxigraph`` first). Floor: unkg's lookup
throughput at least 0.5 of Oxigraph's, at every concurrency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from extract_throughput import ARCHIVE, SEED, unpack  # noqa: E402

FLOOR = 0.5
CONCURRENCY = (1, 8, 32)
CITO = "http://purl.org/spar/cito/"
LOOKUP = "PREFIX cito: <http://purl.org/spar/cito/>\nSELECT ?cited WHERE {{ <{doc}> cito:cites ?cited }}"
AGGREGATE = """PREFIX cito: <http://purl.org/spar/cito/>
SELECT ?work (COUNT(DISTINCT ?citing) AS ?documents) WHERE {
  ?c cito:hasCitedEntity ?work ; cito:hasCitingEntity ?citing .
} GROUP BY ?work ORDER BY DESC(?documents) ?work LIMIT 20"""


# --------------------------------------------------------------------------
# The store.
def build_store(store: Path, data: Path, files: int) -> dict[str, int]:
    """Ingest ``files`` General Debate statements (fixed shuffle) and the sample corpus, unless already there."""
    from unkg.store import KnowledgeGraph

    marker = store / ".unkg-bench"
    if not marker.is_file():
        if store.exists():
            shutil.rmtree(store)
        paths = sorted(str(p) for p in data.rglob("*.txt"))
        random.Random(SEED).shuffle(paths)
        chosen = sorted(paths[:files]) + sorted(str(p) for p in (ROOT / "corpus" / "sample").glob("*.txt"))
        print(f"ingesting {len(chosen)} files into {store} ...", flush=True)
        started = time.perf_counter()
        with KnowledgeGraph(store) as kg:
            report = kg.ingest(chosen, jobs=os.cpu_count() or 1)
        print(f"  {len(report.added)} added, {len(report.failed)} failed, {report.quads:,} quads "
              f"in {time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        marker.write_text(str(files))
    with KnowledgeGraph(store) as kg:
        status = kg.status()
        docs = [row[0].value for row in kg.store.query(
            f"SELECT DISTINCT ?d WHERE {{ ?d <{CITO}cites> ?x }}", use_default_graph_as_union=True)]  # fmt: skip
    status["citing documents"] = len(docs)
    return status | {"_docs": sorted(docs)}  # type: ignore[return-value]


# --------------------------------------------------------------------------
# The servers.
HELLO_BODY = b'{"head":{"vars":["cited"]},"results":{"bindings":[]}}'


async def hello(scope, receive, send):  # type: ignore[no-untyped-def]
    """The ceiling of any Python ASGI app here: uvicorn answering a fixed JSON body, no query at all."""
    if scope["type"] != "http":
        return
    headers = [
        (b"content-type", b"application/sparql-results+json"),
        (b"content-length", str(len(HELLO_BODY)).encode()),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": HELLO_BODY})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, process: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 60
    probe = url + "?" + urlencode({"query": "ASK {}"})
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} ended with status {process.returncode}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within 60 s")


def start_servers(store: Path, workers: int) -> dict[str, tuple[str, subprocess.Popen]]:
    bin_dir = Path(sys.executable).parent
    oxigraph = shutil.which("oxigraph", path=str(bin_dir)) or shutil.which("oxigraph")
    if not oxigraph:
        raise SystemExit("the oxigraph server is not installed: pip install oxigraph (or make bench-serve)")
    servers = {}
    port = free_port()
    unkg = subprocess.Popen([str(bin_dir / "unkg"), "serve", "--store", str(store), "--port", str(port),
                             "--workers", str(workers)])  # fmt: skip
    servers["unkg"] = (f"http://127.0.0.1:{port}/sparql", unkg)
    port = free_port()
    ox = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}",
                           "--union-default-graph"], stderr=subprocess.DEVNULL)  # fmt: skip
    servers["oxigraph"] = (f"http://127.0.0.1:{port}/query", ox)
    port = free_port()
    bare = subprocess.Popen([str(bin_dir / "uvicorn"), "serve_throughput:hello", "--app-dir", str(HERE), "--port",
                             str(port), "--workers", str(workers), "--log-level", "warning", "--no-access-log"])  # fmt: skip
    servers["uvicorn-hello"] = (f"http://127.0.0.1:{port}/sparql", bare)
    for name, (url, process) in servers.items():
        wait_up(url, process, name)
    return servers


def stop(servers: dict[str, tuple[str, subprocess.Popen]]) -> None:
    for _url, process in servers.values():
        process.terminate()
    for _url, process in servers.values():
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and of all its descendants (Linux /proc; 0 elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
        times[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / tick
    family, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in family} - family
        family |= more
        grew = bool(more)
    return sum(times.get(p, 0.0) for p in family)


# --------------------------------------------------------------------------
# The load.
async def read_response(reader: asyncio.StreamReader) -> tuple[int, int]:
    """(status, body length) of one HTTP/1.1 response."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    if "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"]))
        return status, len(body)
    if headers.get("transfer-encoding", "").lower() == "chunked":
        size = 0
        while True:
            n = int((await reader.readline()).split(b";")[0], 16)
            if n == 0:
                while (await reader.readline()) not in (b"\r\n", b""):
                    pass
                return status, size
            size += len(await reader.readexactly(n + 2)) - 2
    raise RuntimeError(f"response without a length: {headers}")


async def client(url: str, paths: list[str], budget: dict, latencies: list[float], failures: list[str]) -> None:
    host_port = url.split("/")[2]
    host, port = host_port.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        i = random.randrange(len(paths))
        while budget["left"] > 0 and time.perf_counter() < budget["until"]:
            budget["left"] -= 1
            path = paths[i % len(paths)]
            i += 1
            request = (f"GET {path} HTTP/1.1\r\nHost: {host_port}\r\n"
                       "Accept: application/sparql-results+json\r\n\r\n").encode()  # fmt: skip
            started = time.perf_counter()
            writer.write(request)
            status, _size = await read_response(reader)
            latencies.append(time.perf_counter() - started)
            if status != 200:
                failures.append(f"{status} for {path[:80]}")
    finally:
        writer.close()


async def load(url: str, paths: list[str], clients: int, requests: int, seconds: float, pid: int) -> dict[str, float]:
    """Measure one server at one concurrency; ``pid`` is the server's process (its CPU time is counted too)."""
    warm: list[float] = []
    await asyncio.gather(*(client(url, paths, {"left": 20, "until": time.perf_counter() + 10}, warm, [])
                           for _ in range(min(clients, 8))))  # fmt: skip
    latencies: list[float] = []
    failures: list[str] = []
    budget = {"left": requests, "until": time.perf_counter() + seconds}
    cpu = cpu_seconds(pid)
    started = time.perf_counter()
    await asyncio.gather(*(client(url, paths, budget, latencies, failures) for _ in range(clients)))
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds(pid) - cpu
    if failures:
        raise SystemExit(f"{url}: {len(failures)} failed requests, e.g. {failures[:3]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "seconds": elapsed,
        "rps": len(latencies) / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(0.99 * len(latencies)))],
        "cpu_us": 1e6 * cpu / len(latencies),
    }


def median_of(measured: list[dict[str, float]]) -> dict[str, float]:
    """Each figure's median over the rounds (requests/s, latencies, CPU per request), with the rounds' count.

    >>> median_of([{"rps": 1.0, "p50_ms": 3.0}, {"rps": 5.0, "p50_ms": 1.0}, {"rps": 2.0, "p50_ms": 2.0}])
    {'rps': 2.0, 'p50_ms': 2.0, 'rounds': 3}
    """
    return {key: statistics.median(m[key] for m in measured) for key in measured[0]} | {"rounds": len(measured)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=HERE / "data" / "ungdc", help="where the corpus is unpacked")
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--store", type=Path, default=HERE / "data" / "serve-store")
    parser.add_argument("--files", type=int, default=4000, help="General Debate statements to ingest")
    parser.add_argument("--requests", type=int, default=20000, help="most requests per measurement")
    parser.add_argument("--seconds", type=float, default=10.0, help="most seconds per measurement")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="unkg serve --workers (default: cores)"
    )
    parser.add_argument("--queries", default="lookup,aggregate", help="which queries to run (comma-separated)")
    parser.add_argument(
        "--clients", default=",".join(map(str, CONCURRENCY)), help="concurrencies to measure (comma-separated)"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="measurements of each server, in turn; the median is reported"
    )
    parser.add_argument("--json", type=Path, help="write the results here too")
    args = parser.parse_args(argv)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass

    facts = build_store(args.store, unpack(args.archive, args.data), args.files)
    docs = facts.pop("_docs")
    print("store:", ", ".join(f"{k} {v:,}" for k, v in facts.items()))
    queries = {
        "lookup": ["?" + urlencode({"query": LOOKUP.format(doc=d)}) for d in docs],
        "aggregate": ["?" + urlencode({"query": AGGREGATE})],
    }
    queries = {k: v for k, v in queries.items() if k in args.queries.split(",")}
    concurrency = [int(c) for c in args.clients.split(",")]
    servers = start_servers(args.store, args.workers)
    results: dict[str, dict] = {}
    try:
        for qname, suffixes in queries.items():
            for clients in concurrency:
                rounds: dict[str, list[dict[str, float]]] = {}
                for round_ in range(1, args.rounds + 1):
                    for name, (url, _p) in servers.items():  # in turn, so that a busy minute hits every server
                        if name == "uvicorn-hello" and qname != "lookup":
                            continue
                        base = url.split("/", 3)[3]
                        paths = ["/" + base + s for s in suffixes]
                        r = asyncio.run(load(url, paths, clients, args.requests, args.seconds, _p.pid))
                        rounds.setdefault(name, []).append(r)
                        print(f"{qname:9} {clients:>2} clients {name:8} round {round_}  {r['rps']:8.0f} req/s  "
                              f"p50 {r['p50_ms']:7.2f} ms  p99 {r['p99_ms']:7.2f} ms  "
                              f"server CPU {r['cpu_us']:5.0f} µs/request  ({r['requests']} requests)", flush=True)  # fmt: skip
                for name, measured in rounds.items():
                    results[f"{qname}/{clients}/{name}"] = median_of(measured)
                results[f"{qname}/{clients}/rounds"] = rounds  # type: ignore[assignment]
    finally:
        stop(servers)
    print(f"\nratio unkg / oxigraph (median requests/s of {args.rounds} rounds; each round's ratio in brackets):")
    ok = True
    for qname in queries:
        for clients in concurrency:
            ratio = results[f"{qname}/{clients}/unkg"]["rps"] / results[f"{qname}/{clients}/oxigraph"]["rps"]
            both = results[f"{qname}/{clients}/rounds"]
            per_round = [u["rps"] / o["rps"] for u, o in zip(both["unkg"], both["oxigraph"], strict=True)]
            results[f"{qname}/{clients}/ratio"] = {"ratio": ratio, "rounds": per_round}
            verdict = ""
            if qname == "lookup":
                verdict = "PASS" if ratio >= FLOOR else "FAIL"
                ok = ok and ratio >= FLOOR
            ceiling = ""
            if qname == "lookup":
                bare = (
                    results[f"{qname}/{clients}/uvicorn-hello"]["rps"] / results[f"{qname}/{clients}/oxigraph"]["rps"]
                )
                ceiling = f"   (a bare uvicorn app with no query: {bare:.2f})"
            rounds_text = " ".join(f"{r:.2f}" for r in per_round)
            print(f"  {qname:9} {clients:>2} clients: {ratio:.2f} {verdict} [{rounds_text}]{ceiling}")
    if args.json:
        meta = {"when": datetime.now(UTC).isoformat(), "cpus": os.cpu_count(), "store": facts, "args": vars(args)}
        args.json.write_text(json.dumps({"meta": meta, "results": results}, indent=1, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
