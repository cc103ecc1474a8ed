"""What the reading commands' safety costs: the unfinished-graph check on open, and the query watchdog.

    python benchmarks/store_checks.py STORE [STORE ...]

For each store (built beforehand with `unkg ingest`): the median time of a
read-only open and close with the check for graphs left unmarked by an
interrupted ingest and without it, the check alone (its two counts), the
one-by-one query it falls back on when the counts differ, and the median CPU
time of `unkg sparql` on a small query with the watchdog (the defaults) and
without it (`--timeout 0 --max-memory 0`), in alternating runs.

Prints a Markdown table (paste it into benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

from unkg import store as st


def median_ms(f: Callable[[], object], runs: int) -> float:
    """Median wall time of ``f`` in milliseconds."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        f()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def open_close(path: Path) -> None:
    st.KnowledgeGraph(path, read_only=True).close()


def cli_cpu_ms(path: Path, runs: int) -> tuple[float, float]:
    """Median CPU time (user + system) of `unkg sparql` with and without the watchdog, alternating."""
    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 10"
    base = [sys.executable, "-c", "from unkg.cli import main; main()", "sparql", query, "--store", str(path)]
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for _ in range(runs):
        for watched in (True, False):
            args = base if watched else [*base, "--timeout", "0", "--max-memory", "0"]
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            assert proc.returncode == 0, args
            cpu[watched].append((usage.ru_utime + usage.ru_stime) * 1000)
    return statistics.median(cpu[True]), statistics.median(cpu[False])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    print(
        "| store | file graphs | open+close, checked | unchecked | check | one-by-one query | `unkg sparql` CPU, watched | unwatched |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for path in args.stores:
        checked = median_ms(lambda path=path: open_close(path), args.runs)
        real = st.refuse_unfinished
        st.refuse_unfinished = lambda store, where: None  # type: ignore[assignment]
        try:
            unchecked = median_ms(lambda path=path: open_close(path), args.runs)
        finally:
            st.refuse_unfinished = real  # type: ignore[assignment]
        store = ox.Store.read_only(str(path))
        files = sum(
            1 for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(st.FILE_GRAPHS)
        )
        check = median_ms(lambda store=store: st.unfinished_graphs(store), args.runs)
        one_by_one = median_ms(lambda store=store: list(store.query(st._UNFINISHED)), args.runs)
        watched, unwatched = cli_cpu_ms(path, args.runs)
        print(
            f"| {path} | {files:,} | {checked:.1f} ms | {unchecked:.1f} ms | {check:.1f} ms | {one_by_one:.1f} ms "
            f"| {watched:.0f} ms | {unwatched:.0f} ms |"
        )


if __name__ == "__main__":
    main()
