"""Ingest on a Dask LocalCluster of 2 workers against ``ingest -j 2``, on the same real files, in one run.

The files are real documents of ``../shared/corpus``: the 80 ODS PDFs and
the 887 texts of ga-78-80 (each text written to a file of its own), the
900 Security Council resolutions of sc-1946-1994, and ``--statements``
general debate statements of ``scale/`` (a fixed sample). Each round
ingests them all into a fresh store with ``unkg ingest -j 2``, then with
``unkg ingest --cluster ADDRESS`` on a LocalCluster of 2 worker processes
of 1 thread each (started before the rounds, as a deployed cluster is; its
start is reported apart), and the other way round in the next round, so
that neither always runs first on a shared machine. Throughput is files
and quads per second of wall-clock time of the command; the ratio of the
cluster's to ``-j 2``'s is the best round's of each. The stores of the
last round are compared, quad for quad (the ingest log aside).

Run from the repository root::

    nice .venv/bin/python benchmarks/cluster_throughput.py                  # about 10 minutes on 2 cores
    nice .venv/bin/python benchmarks/cluster_throughput.py --rounds 1 --statements 500
"""

from __future__ import annotations

import argparse
import json
import lzma
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from extract_throughput import ARCHIVE, SEED, unpack  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
UNKG = str(Path(sys.executable).with_name("unkg"))
FLOOR = 0.8  # the cluster's throughput at least this fraction of -j 2's
# The settings README.md gives for a deployment: no statistical profiler sampling every thread's stack
# each 10 ms, the system monitor every 2 s (not 0.5 s): a Dask worker that only hands files to its
# reading process then takes 2 % of a core when idle, not 4 %.
QUIET = {"distributed.worker.profile.enabled": False, "distributed.admin.system-monitor.interval": "2s"}


def build_files(work: Path, statements: int) -> list[Path]:
    """Copy or write the benchmark's files under ``work/files``; return the folders to ingest."""
    files = work / "files"
    if files.is_dir():
        shutil.rmtree(files)
    pdf, ga, sc, gd = (files / name for name in ("ga-pdf", "ga-text", "sc", "gd"))
    shutil.copytree(CORPUS / "ga-78-80" / "pdf", pdf)
    shutil.copytree(CORPUS / "sc-1946-1994", sc)
    ga.mkdir(parents=True)
    with lzma.open(CORPUS / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                d = json.loads(line)
                (ga / (d["symbol"].replace("/", "_") + ".txt")).write_text(d["text"], encoding="utf-8")
    data = unpack(ARCHIVE, work / "ungdc")
    sample = sorted(str(p.relative_to(data)) for p in data.rglob("*.txt"))
    random.Random(SEED).shuffle(sample)
    gd.mkdir(parents=True)
    for name in sorted(sample[:statements]):
        shutil.copy(data / name, gd / Path(name).name)
    return [pdf, ga, sc, gd]


def ingest(folders: list[Path], store: Path, *options: str) -> tuple[float, int, int, str]:
    """(seconds, files added, quads, last line) of ``unkg ingest`` of ``folders`` into a fresh ``store``."""
    if store.exists():
        shutil.rmtree(store)
    cmd = [UNKG, "ingest", "--quiet", "--store", str(store), *options, *map(str, folders)]
    start = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    last = done.stdout.strip().splitlines()[-1] if done.stdout.strip() else done.stderr.strip()[-300:]
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}): {done.stderr[-2000:]}")
    added = int(last.split("added ")[1].split(",")[0])
    quads = int(last.split("; ")[1].split(" quads")[0])
    return seconds, added, quads, last


def nquads(store: Path) -> list[str]:
    from unkg import iri
    from unkg.store import KnowledgeGraph

    with KnowledgeGraph(store, read_only=True) as kg:
        return sorted(
            str(q)
            for q in kg.store
            if not (q.graph_name is not None and getattr(q.graph_name, "value", "") == iri.LOG_GRAPH)
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=2000, help="General debate statements (of 10,952).")
    parser.add_argument("--rounds", type=int, default=2, help="Rounds of both ingests (alternating which runs first).")
    parser.add_argument("--work", type=Path, default=None, help="A folder to keep (default: a temporary one).")
    parser.add_argument("--json", type=Path, default=None, help="Also write the figures here.")
    args = parser.parse_args()

    import dask
    from distributed import LocalCluster

    work = args.work or Path(tempfile.mkdtemp(prefix="dask-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        folders = build_files(work, args.statements)
        count = sum(1 for f in folders for p in f.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for f in folders for p in f.rglob("*") if p.is_file())
        print(
            f"files: {count:,} ({size / 1e6:.1f} MB): 80 GA PDFs, 887 GA texts, 900 SC texts, "
            f"{args.statements} general debate statements; {os.cpu_count()} cores",
            flush=True,
        )
        start = time.perf_counter()
        with dask.config.set(QUIET):
            cluster = LocalCluster(
                n_workers=2,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                scheduler_port=0,
                scheduler_kwargs={"dashboard_address": ":0"},
            )
        started = time.perf_counter() - start
        print(f"LocalCluster of 2 workers x 1 thread started in {started:.1f} s at {cluster.scheduler_address}")
        runs: dict[str, list[tuple[float, int, int]]] = {"-j 2": [], "--cluster": []}
        options = {"-j 2": ("-j", "2"), "--cluster": ("--cluster", cluster.scheduler_address)}
        try:
            for r in range(args.rounds):
                order = ["-j 2", "--cluster"] if r % 2 == 0 else ["--cluster", "-j 2"]
                for name in order:
                    store = work / ("store-local" if name == "-j 2" else "store-cluster")
                    seconds, added, quads, last = ingest(folders, store, *options[name])
                    runs[name].append((seconds, added, quads))
                    print(
                        f"round {r + 1} ingest {name:<10} {seconds:8.1f} s  {added / seconds:7.1f} files/s  "
                        f"{quads / seconds:9,.0f} quads/s   ({last})",
                        flush=True,
                    )
        finally:
            cluster.close()
        equal = nquads(work / "store-local") == nquads(work / "store-cluster")
        best = {name: min(r[0] for r in rs) for name, rs in runs.items()}
        paired = sorted(local[0] / remote[0] for local, remote in zip(runs["-j 2"], runs["--cluster"], strict=True))
        added, quads = runs["-j 2"][0][1], runs["-j 2"][0][2]
        ratio = best["-j 2"] / best["--cluster"]
        print()
        print(f"{'ingest':<22}{'best s':>9}{'files/s':>10}{'quads/s':>11}")
        for name in runs:
            print(f"{name:<22}{best[name]:9.1f}{added / best[name]:10.1f}{quads / best[name]:11,.0f}")
        print(f"ratio in each round (-j 2 seconds / cluster seconds), sorted: {', '.join(f'{r:.3f}' for r in paired)}")
        print(
            f"\ncluster throughput / -j 2 throughput: {ratio:.3f} (floor {FLOOR}); stores equal: {equal}; "
            f"{added:,} files stored, {quads:,} quads"
        )
        if args.json:
            args.json.write_text(
                json.dumps(
                    {
                        "runs": runs,
                        "best": best,
                        "ratio": ratio,
                        "equal": equal,
                        "files": count,
                        "bytes": size,
                        "cluster_start_s": started,
                        "paired": paired,
                    },
                    indent=1,
                )
            )
        if not equal or ratio < FLOOR:
            raise SystemExit(1)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
