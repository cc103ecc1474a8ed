"""Ingest throughput, memory and stored-query latency of the knowledge graph on >= 10,000 real documents.

Builds a corpus of ``--docs`` files (default 10,000) from real texts: copies of
the five texts in ``corpus/sample/``, each with its own symbol, and General
Debate statements. Then, in one run:

* ``KnowledgeGraph(store).ingest(paths, jobs=N)`` into a fresh on-disk store, in
  a child process: seconds, documents/s, quads/s, peak RSS (``VmHWM``);
* the same store dumped to N-Quads and ``pyoxigraph.Store.bulk_load``-ed into
  another fresh store: quads/s, and ingest quads/s / bulk_load quads/s;
* a second ingest of the same, unchanged, files (every file skipped by hash);
* every stored query (``queries/**/*.rq``) on that store, each in a child
  process with a time limit: median and p95 latency.

Run from the repository root: ``python benchmarks/ingest_throughput.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import json
import math
import os
import pstats
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from extract_throughput import ARCHIVE, SEED, rss_kb, unpack  # noqa: E402

SAMPLE = ROOT / "corpus" / "sample"
LINEAGE_TEXT = "A_RES_61_165.txt"
PREDECESSOR = "resolution 60/169"  # "Recalling ... the most recent of which is resolution 60/169"
FLOOR_RATIO = 1 / 3
TAG = "<<ODS DOC SYMBOL1>>"


def chain_symbol(i: int, chain: int) -> tuple[str, str]:
    """(own symbol, recalled predecessor) of lineage copy ``i``: chain ``i // chain``, one session per step."""
    c, p = divmod(i, chain)
    return f"A/RES/{40 + p}/{1000 + c}", f"{39 + p}/{1000 + c}"


def build_corpus(out: Path, data: Path, docs: int, lineage: int, reports: int, chain: int) -> tuple[list[str], int]:
    """Write ``docs`` files under ``out``, each headed by its own symbol; return (paths, bytes).

    ``lineage`` copies of A_RES_61_165 recall the previous copy of their chain;
    ``reports`` copies of each other sample text; General Debate statements
    (shuffled with a fixed seed) fill the rest.
    """
    out.mkdir(parents=True, exist_ok=True)
    paths: list[str] = []
    total = 0

    def write(name: str, symbol: str, body: str) -> None:
        nonlocal total
        data = f"{TAG}{symbol}{TAG}\n{body.lstrip(chr(0xFEFF))}".encode()
        (out / name).write_bytes(data)
        paths.append(str(out / name))
        total += len(data)

    base = SAMPLE.joinpath(LINEAGE_TEXT).read_text(encoding="utf-8")
    assert PREDECESSOR in base, f"{LINEAGE_TEXT} no longer recalls {PREDECESSOR}"
    for i in range(lineage):
        own, previous = chain_symbol(i, chain)
        write(f"res_{i:05d}.txt", own, base.replace(PREDECESSOR, f"resolution {previous}"))
    others = sorted(p for p in SAMPLE.glob("*.txt") if p.name != LINEAGE_TEXT)
    for j, sample in enumerate(others):
        text, session = sample.read_text(encoding="utf-8"), sample.name.split("_")[1]
        for k in range(reports):
            write(f"rep_{j}_{k:05d}.txt", f"A/{session}/{1000 + j * reports + k}", text)
    statements = sorted(p for p in data.rglob("*.txt") if not p.name.startswith("."))
    random.Random(SEED).shuffle(statements)
    need = docs - len(paths)
    if need > len(statements):
        raise SystemExit(f"--docs {docs} needs {need} statements; {data} has {len(statements)}")
    for k, p in enumerate(statements[: max(need, 0)]):
        text = p.read_bytes().decode("utf-8", errors="replace")
        write(f"gd_{k:05d}.txt", f"A/{p.name.split('_')[1]}/PV.{1000 + k}", text)
    return paths, total


def child_ingest(list_file: str, store: str, jobs: int) -> None:
    """In a fresh process: ingest every listed path into ``store``; print timings and RSS (kB) as JSON."""
    from unkg.store import KnowledgeGraph

    paths = Path(list_file).read_text(encoding="utf-8").splitlines()
    kg = KnowledgeGraph(store)
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    before = rss_kb()["rss"]
    start = time.perf_counter()
    report = kg.ingest(paths, jobs=jobs)
    seconds = time.perf_counter() - start
    peak, workers = rss_kb()["peak"], resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # The quads the ingest left in the store (every graph: the same quads the dump holds and
    # bulk_load loads), not the quads it sent, which repeat the shared document descriptions.
    out = {"seconds": seconds, "added": len(report.added), "failed": len(report.failed), "quads": len(kg.store)}
    print(json.dumps({**out, "baseline_kb": before, "peak_kb": peak, "workers_peak_kb": workers}))


def measure_ingest(paths: list[str], store: Path, jobs: int) -> dict:
    """Run ``child_ingest`` in a subprocess and return its figures."""
    list_file = store.parent / "paths.txt"
    list_file.write_text("\n".join(paths), encoding="utf-8")
    cmd = [sys.executable, __file__, "--child-ingest", str(list_file), str(store), str(jobs)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def bulk_load(kg_store, work: Path) -> dict:
    """Dump ``kg_store`` to N-Quads and bulk_load it into a fresh store: seconds and quads of each step."""
    import pyoxigraph as ox

    nq = work / "dump.nq"
    start = time.perf_counter()
    kg_store.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    dump_s = time.perf_counter() - start
    target = ox.Store(str(work / "bulk"))
    start = time.perf_counter()
    target.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
    load_s = time.perf_counter() - start
    loaded = len(target)
    assert loaded == len(kg_store), "bulk_load lost quads"
    return dict(quads=loaded, dump_s=dump_s, load_s=load_s, nq_mb=nq.stat().st_size / 1e6, quads_s=loaded / load_s)


def query_values(lineage: int, chain: int) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Parameter values by name, and per-query overrides, from a chain in the middle of the corpus."""
    c = (lineage // chain) // 2
    first, _ = chain_symbol(c * chain, chain)
    mid, _ = chain_symbol(c * chain + chain // 2, chain)
    after, _ = chain_symbol(c * chain + chain // 2 + 1, chain)
    last, _ = chain_symbol(c * chain + chain - 1, chain)
    values = {"document": last, "resolution": last, "cited": mid, "citing": after, "instrument": "ICRMW"}
    overrides = {"reports/lineage-forward": {"resolution": first}, "reports/lineage-step-forward": {"document": mid}}
    return values, overrides


def child_query(store: str, name: str, values: str, runs: int) -> None:
    """In a fresh process: run one stored query ``runs`` times; print one JSON line per run."""
    import pyoxigraph as ox

    from unkg.queries import load_queries, run

    query, kg = load_queries()[name], ox.Store.read_only(store)
    for _ in range(runs):
        start = time.perf_counter()
        rows = sum(1 for _ in run(kg, query, json.loads(values)))
        print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows}), flush=True)


def query_latency(store: Path, lineage: int, chain: int, runs: int, timeout: float) -> list[dict]:
    """Latency of every stored query, each in its own child process killed after ``timeout`` seconds."""
    from unkg.queries import load_queries

    values, overrides = query_values(lineage, chain)
    rows = []
    for name, query in load_queries().items():
        given = {p.name: overrides.get(name, {}).get(p.name, values.get(p.name)) for p in query.params}
        missing = [k for k, v in given.items() if v is None]
        if missing:
            raise SystemExit(f"{name}: no benchmark value for parameter(s) {missing}")
        cmd = [sys.executable, __file__, "--child-query", str(store), name, json.dumps(given), str(runs)]
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True).stdout
        except subprocess.TimeoutExpired as exc:
            out = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
        done = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        times = sorted(d["seconds"] for d in done)
        median = statistics.median(times) * 1e3 if times else None
        p95 = times[math.ceil(0.95 * len(times)) - 1] * 1e3 if times else None  # nearest rank
        count = done[0]["rows"] if done else None
        rows.append(dict(query=name, params=given, runs=len(times), rows=count, median_ms=median, p95_ms=p95))
        print(f"  {name}: {len(times)} run(s){' (time limit)' if len(times) < runs else ''}", flush=True)
    return rows


def profile_ingest(paths: list[str], work: Path, jobs: int, top: int) -> list[tuple[str, float, float, float]]:
    """cProfile the parent process of a ``jobs`` ingest of ``paths`` into a fresh store.

    With jobs > 1 extraction runs in worker processes, which are not profiled: what
    is listed is the serial part (writing, building quads, receiving results, waiting).
    Returns (function, own s, cumulative s, share of all own time).
    """
    from unkg.store import KnowledgeGraph

    kg = KnowledgeGraph(work / "profile-store")
    kg.load_catalogue()
    prof = cProfile.Profile()
    prof.enable()
    kg.ingest(paths, jobs=jobs)
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return [(f"{Path(f).name}:{line}({fn})", tt, ct, tt / total) for (f, line, fn), (_, _, tt, ct, _) in rows]


def report(r: dict) -> None:
    """Print the tables and the floor."""
    ing, bulk = r["ingest"], r["bulk"]
    print(
        f"\ncorpus: {r['files']:,} files ({r['composition']}), {r['corpus_mb']:.1f} MB; "
        f"{r['cores']} cores, jobs={r['jobs']}"
    )
    print(f"{'step':<36}{'seconds':>9}{'docs/s':>10}{'quads':>12}{'quads/s':>11}")
    for label, sec, docs, quads in (
        ("ingest (fresh store)", ing["seconds"], r["files"], ing["quads"]),
        ("dump to N-Quads", bulk["dump_s"], 0, bulk["quads"]),
        ("pyoxigraph bulk_load of the dump", bulk["load_s"], 0, bulk["quads"]),
        (f"re-ingest ({r['reingest']['skipped']:,} skipped)", r["reingest"]["seconds"], r["files"], 0),
    ):
        per_s, count, quads_s = (f"{v:,.0f}" if v else "" for v in (docs / sec, quads, quads / sec))
        print(f"{label:<36}{sec:>9.2f}{per_s:>10}{count:>12}{quads_s:>11}")
    print(
        f"\ningest quads/s / bulk_load quads/s: {r['ratio']:.4f} (1/{1 / r['ratio']:.1f}); N-Quads {bulk['nq_mb']:.0f} MB"
    )
    print(
        f"peak RSS of the ingesting process: {ing['peak_kb'] / 1024:.0f} MB ({ing['baseline_kb'] / 1024:.0f} MB "
        f"before the first file); largest extraction worker {ing['workers_peak_kb'] / 1024:.0f} MB"
    )
    print(f"\n{'stored query':<42}{'rows':>10}{'runs':>6}{'median ms':>12}{'p95 ms':>12}")
    limit = f"> {r['query_timeout']:g} s"
    for q in r["queries"]:
        median, p95 = (f"{v:>12,.1f}" if v is not None else f"{limit:>12}" for v in (q["median_ms"], q["p95_ms"]))
        rows = f"{q['rows']:,}" if q["rows"] is not None else "-"
        print(f"{q['query']:<42}{rows:>10}{q['runs']:>6}{median}{p95}")
    print("\nfloors:")
    for name, ok in r["floors"].items():
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    for fn, tt, ct, share in r.get("hotspots", []):
        print(f"  hot spot: {fn:<60} own {tt:6.2f} s ({share:4.0%})  cumulative {ct:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, build the corpus, run every measurement, print (and optionally save) the results."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=HERE / "data", help="where the General Debate corpus is unpacked")
    ap.add_argument("--archive", type=Path, default=ARCHIVE, help="the ungdc-1946-2023.tar.xz archive")
    ap.add_argument("--work", type=Path, help="an empty folder to build corpus and stores in and keep (default: temp)")
    ap.add_argument("--docs", type=int, default=10_000, help="documents in the corpus (default 10,000)")
    ap.add_argument("--lineage", type=int, default=2000, help="renumbered copies of A_RES_61_165 (default 2000)")
    ap.add_argument("--reports", type=int, default=500, help="copies of each other sample text (default 500)")
    ap.add_argument("--chain", type=int, default=20, help="resolutions per lineage chain (default 20, max 39)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="extraction processes of the ingest")
    ap.add_argument("--query-runs", type=int, default=5, help="runs of each stored query (default 5)")
    ap.add_argument("--query-timeout", type=float, default=20.0, help="seconds allowed for all runs of one query")
    ap.add_argument("--profile", type=int, default=0, metavar="DOCS", help="cProfile an ingest of DOCS documents")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument("--child-ingest", nargs=3, help=argparse.SUPPRESS)
    ap.add_argument("--child-query", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_ingest:
        child_ingest(args.child_ingest[0], args.child_ingest[1], int(args.child_ingest[2]))
        return 0
    if args.child_query:
        child_query(*args.child_query[:3], int(args.child_query[3]))
        return 0
    assert 1 <= args.chain <= 39, "--chain: sessions 40..78"

    work = args.work or Path(tempfile.mkdtemp(prefix="unkg-ingest-bench-"))
    try:
        if args.work and work.exists() and any(work.iterdir()):
            raise SystemExit(f"--work {work} is not empty")
        print(f"building the corpus in {work} ...", flush=True)
        paths, size = build_corpus(
            work / "docs", unpack(args.archive, args.data), args.docs, args.lineage, args.reports, args.chain
        )
        statements = len(paths) - args.lineage - 4 * args.reports
        composition = f"{args.lineage} lineage copies, 4 x {args.reports} report copies, {statements} statements"
        command = " ".join([Path(sys.executable).name, *sys.argv])
        results: dict = dict(date=datetime.now(UTC).isoformat(timespec="seconds"), command=command, jobs=args.jobs)
        results |= dict(python=sys.version.split()[0], cores=os.cpu_count(), files=len(paths), corpus_mb=size / 1e6)
        results |= dict(composition=composition, query_timeout=args.query_timeout)
        print(f"ingesting {len(paths):,} files with jobs={args.jobs} ...", flush=True)
        results["ingest"] = ing = measure_ingest(paths, work / "store", args.jobs)
        assert ing["added"] == len(paths) and not ing["failed"], f"ingest did not add every file: {ing}"
        from unkg.store import KnowledgeGraph

        kg = KnowledgeGraph(work / "store")
        print("dumping and bulk-loading ...", flush=True)
        results["bulk"] = bulk_load(kg.store, work)
        shutil.rmtree(work / "bulk")
        print("re-ingesting the unchanged files ...", flush=True)
        start = time.perf_counter()
        again = kg.ingest(paths, jobs=args.jobs)
        results["reingest"] = {"seconds": time.perf_counter() - start, "skipped": len(again.skipped)}
        results["ratio"] = ing["quads"] / ing["seconds"] / results["bulk"]["quads_s"]
        print("stored queries ...", flush=True)
        results["queries"] = query_latency(
            work / "store", args.lineage, args.chain, args.query_runs, args.query_timeout
        )
        results["floors"] = {
            f">= 10,000 documents ingested ({len(paths):,})": len(paths) >= 10_000,
            "ingest quads/s >= 1/3 of bulk_load quads/s": results["ratio"] >= FLOOR_RATIO,
            "re-ingest skips every unchanged file": len(again.skipped) == len(paths),
        }
        del kg
        if args.profile:
            print(f"profiling a jobs={args.jobs} ingest of {args.profile} documents ...", flush=True)
            step = max(len(paths) // args.profile, 1)
            results["hotspots"] = profile_ingest(paths[::step][: args.profile], work, args.jobs, 12)
        report(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
        return 0 if all(results["floors"].values()) else 1
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
