"""What the reading commands' safety costs: the unfinished-graph check on open, and the query watchdog;
and what SHACL validation in batches costs next to one graph.

    python benchmarks/store_checks.py STORE [STORE ...]
    python benchmarks/store_checks.py --validate STORE [STORE ...]

For each store (built beforehand with `unkg ingest`): the median time of a
read-only open and close with the check for graphs left unmarked by an
interrupted ingest and without it, the check alone (its two counts), the
one-by-one query it falls back on when the counts differ, and the median CPU
time of `unkg sparql` on a small query with the watchdog (the defaults) and
without it (`--timeout 0 --max-memory 0`), in alternating runs.

With ``--validate``, instead: SHACL validation of each store, in a fresh
process each, the old way (``validate(rdflib_graph(store))``: the store as
one rdflib graph) and the way ``unkg validate`` does it
(``validate_store``, bounded memory), with wall and CPU time, peak resident
memory, and whether the two found the same results.

Prints a Markdown table (paste it into benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import json
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


def validate_child(way: str, path: str, batch_quads: int) -> None:
    """In a fresh process: validate the store one way, print the time and the results as JSON."""
    from unkg.validate import rdflib_graph, validate, validate_store

    store = ox.Store.read_only(path)
    started, cpu = time.perf_counter(), time.process_time()
    if way == "one graph":
        report = validate(rdflib_graph(store.quads_for_pattern(None, None, None)))
    else:
        report = validate_store(store, batch_quads=batch_quads)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    results = sorted([str(r.focus_node), str(r.shape), str(r.path), str(r.value), r.message] for r in report.results)
    print(json.dumps({"seconds": seconds, "cpu": cpu, "conforms": report.conforms, "results": results}))


def validate_table(stores: list[Path], batch_quads: int) -> None:
    """SHACL of each store as one graph and in batches, each in a fresh process."""
    print(
        "| store | quads | one graph: wall | CPU | peak RSS | `validate_store`: wall | CPU | peak RSS "
        "| batches / one graph (CPU) | results |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for path in stores:
        quads = len(ox.Store.read_only(str(path)))
        runs = {}
        for way in ("one graph", "batches"):
            code = f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); import store_checks as s; "
            code += f"s.validate_child({way!r}, {str(path)!r}, {batch_quads})"
            proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
            assert proc.stdout is not None
            out = proc.stdout.read()
            _, status, usage = os.wait4(proc.pid, 0)
            assert os.waitstatus_to_exitcode(status) == 0, way
            runs[way] = (json.loads(out), usage.ru_maxrss / 1024)
        (one, one_rss), (batched, b_rss) = runs["one graph"], runs["batches"]
        one_cpu, b_cpu = one["cpu"], batched["cpu"]
        same = one["results"] == batched["results"] and one["conforms"] == batched["conforms"]
        print(
            f"| {path} | {quads:,} | {one['seconds']:.1f} s | {one_cpu:.1f} s | {one_rss:.0f} MiB "
            f"| {batched['seconds']:.1f} s | {b_cpu:.1f} s | {b_rss:.0f} MiB | {b_cpu / one_cpu:.2f} "
            f"| {'the same' if same else 'DIFFERENT'} ({len(one['results'])}) |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("stores", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--validate", action="store_true", help="SHACL as one graph and in batches instead.")
    parser.add_argument("--batch-quads", type=int, default=50_000, help="validate_store's batch (as unkg validate).")
    args = parser.parse_args()
    if args.validate:
        validate_table(args.stores, args.batch_quads)
        return
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
