"""Time and size of the linked-data pages of ``unkg serve`` on a big store.

One run starts ``unkg serve`` on the store given (read-only; nothing is written) on a free port of
127.0.0.1 and asks each page ``--repeat`` times, one request at a time, after one warm-up: the page of
the most cited work (the Charter: about 8,000 citing documents on a store of the shared corpora), a page
deep into its citing documents, a much cited Security Council resolution, a General Assembly
resolution of the corpus, the stored co-citation query's page, a search, and an export. Every answer
must be 200. It prints the time of the first request (nothing cached), p50 and p99 of the time to the
whole answer over the next ones (a server process keeps the sorted citing documents of the works asked
for lately: ``pages.WorksCache``) and the size of the answer; and,
as the reference in the same run, the time of one SPARQL query through the same server that only
counts the work's citations (the least any page of that work must do).

A store of the shared corpora (2.1M quads), as measured in ``benchmarks/README.md``::

    mkdir -p /tmp/c/ga /tmp/c/ungdc && cp -r ../shared/corpus/sc-1946-1994 /tmp/c/sc
    tar -xJf ../shared/corpus/scale/ungdc-1946-2023.tar.xz -C /tmp/c/ungdc
    xz -dc ../shared/corpus/ga-78-80/texts.jsonl.xz | python -c "import json,sys
    for l in sys.stdin: d=json.loads(l); open('/tmp/c/ga/'+d['symbol'].replace('/','_')+'.txt','w').write(d['text'])"
    unkg ingest /tmp/c --store /tmp/big -j 2 && unkg analyse --store /tmp/big
    python benchmarks/serve_pages.py --store /tmp/big
    git archive main | tar -x -C /tmp/old && python benchmarks/serve_pages.py --store /tmp/big --python-path /tmp/old/src

(the second line: the same pages served by another version of the code, here ``main``'s).
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

CLI = "import sys; from unkg.cli import main; sys.argv[0] = 'unkg'; main()"
PAGES = (
    ("the Charter's page", "/instrument/UN-CHARTER"),
    ("the Charter, page 40 of its citing documents", "/instrument/UN-CHARTER?page=40"),
    ("S/RES/242(1967)", "/doc/" + quote("S/RES/242(1967)")),
    ("A/RES/78/1", "/doc/A/RES/78/1"),
    ("co-citation (stored query)", "/queries/reports/co-citation"),
    ("search 'resolution 242 (1967)' (a redirect)", "/search?" + urlencode({"q": "Security Council resolution 242 (1967)"})),
    ("search 'protection of migrants'", "/search?" + urlencode({"q": "protection of migrants"})),
    ("export of what cites S/RES/242(1967), CSV", "/doc/" + quote("S/RES/242(1967)") + "?export=cited-by&format=csv"),
)
REFERENCE = (
    "SELECT (COUNT(?c) AS ?n) WHERE { ?c <http://purl.org/spar/cito/hasCitedEntity> "
    "<https://w3id.org/unkg/instrument/UN-CHARTER> }"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(port: int, path: str, accept: str = "text/html", timeout: float = 120) -> tuple[float, int, bytes]:
    """(seconds, status, body) of one GET of ``path``, the whole body read; status 0 when no answer came."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    start = time.perf_counter()
    try:
        conn.request("GET", path, headers={"Accept": accept})
        response = conn.getresponse()
        body = response.read()
    except (ConnectionError, TimeoutError):  # a server process that ended (an older version, past its timeout)
        time.sleep(2)
        return time.perf_counter() - start, 0, b""
    finally:
        conn.close()
    return time.perf_counter() - start, response.status, body


def fetch(port: int, path: str) -> tuple[float, int]:
    """(seconds, bytes) of one GET of ``path``; -1 bytes without an answer, minus the status when not 200 or 303."""
    seconds, status, body = get(port, path)
    if status == 0:
        return seconds, -1
    if status not in (200, 303):
        return seconds, -status  # said in the table: an older version may time out
    return seconds, len(body)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", required=True, type=Path)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--python-path", help="run unkg from this source folder instead (an older version, to compare)")
    args = parser.parse_args()
    port = free_port()
    env = {**os.environ, "PYTHONPATH": args.python_path} if args.python_path else None
    server = subprocess.Popen([sys.executable, "-c", CLI, "serve", "--store", str(args.store), "--port", str(port)],
                              stderr=subprocess.DEVNULL, env=env)  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while get(port, "/sparql?format=turtle", timeout=5)[1] == 0:  # no answer until the server listens
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("unkg serve did not answer within 60 s")
        rows = []
        for name, path in (*PAGES, ("reference: one SPARQL count of the Charter's citations", "/sparql?" + urlencode({"query": REFERENCE, "format": "json"}))):
            first, _ = fetch(port, path)  # the first time: nothing cached (the citing documents of a work are)
            times, size = [], 0
            for _ in range(args.repeat):
                seconds, size = fetch(port, path)
                times.append(seconds)
            times.sort()
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            rows.append((name, first, statistics.median(times), p99, size))
        print(f"{'page':<58} {'first s':>8} {'p50 s':>8} {'p99 s':>8} {'bytes':>11}")
        for name, first, p50, p99, size in rows:
            shown = f"{size:>11,}" if size >= 0 else "   no answer" if size == -1 else f"{'status ' + str(-size):>11}"
            print(f"{name:<58} {first:>8.3f} {p50:>8.3f} {p99:>8.3f} {shown}")
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
