"""Extraction throughput and streaming-memory benchmark on real UN texts.

Builds a corpus of at least ``--min-mb`` MB (10**6 bytes) from the UN General
Debate Corpus, then measures in one run:

* the bare scan: ``unkg.grammar.SYMBOL_RE.finditer`` over every text, read and
  decoded the same way, counting matches (the ceiling for a regex pipeline);
* extraction in a single process: ``extract_many(paths, jobs=1)``;
* extraction on all cores: ``extract_many(paths, jobs=N)``;
* peak RSS of ``extract_many(paths, jobs=1)`` (the command's process and its
  one worker process, which reads every file) in a fresh child process over
  the first half of the corpus and over the whole (streaming: it must not grow).

MB counts the bytes of the files read. Run from the repository root:
``python benchmarks/extract_throughput.py`` (or ``make bench``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import multiprocessing as mp
import os
import pstats
import random
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ARCHIVE = ROOT.parent / "shared" / "corpus" / "scale" / "ungdc-1946-2023.tar.xz"
DONE_MARK = ".unpacked"
FLOOR_MB_PER_CORE = 5.0
FLOOR_RATIO = 0.10
RSS_GROWTH_LIMIT_MB = 5.0  # half vs whole corpus: a few MB of allocator noise at most
SEED = 1946  # fixed shuffle so the sample spans all sessions, the same every run


def unpack(archive: Path, data: Path) -> Path:
    """Unpack ``archive`` into ``data`` once (streamed, text files only); return ``data``."""
    if (data / DONE_MARK).is_file():
        return data
    data.mkdir(parents=True, exist_ok=True)
    print(f"unpacking {archive} into {data} ...", flush=True)
    with tarfile.open(archive, mode="r|xz") as tar:
        for member in tar:
            if member.isfile() and member.name.endswith(".txt"):
                tar.extract(member, data, filter="data")
    (data / DONE_MARK).write_text(datetime.now(UTC).isoformat())
    return data


def build_corpus(data: Path, min_mb: float) -> tuple[list[str], int]:
    """Files (shuffled with a fixed seed, repeated if needed) totalling >= ``min_mb``; and their bytes."""
    files = sorted(p for p in data.rglob("*.txt") if not any(s.startswith(".") for s in p.parts[len(data.parts) :]))
    if not files:
        raise SystemExit(f"no .txt files under {data}")
    random.Random(SEED).shuffle(files)
    chosen: list[str] = []
    total = 0
    while total < min_mb * 1e6:
        for p in files:
            chosen.append(str(p))
            total += p.stat().st_size
            if total >= min_mb * 1e6:
                break
    return chosen, total


def read_all(paths: list[str]) -> int:
    """Read every file once (warms the page cache); total bytes."""
    return sum(len(Path(name).read_bytes()) for name in paths)


def bare_scan(paths: list[str]) -> tuple[float, int, int]:
    """Seconds, SYMBOL_RE matches and bytes of a bare compiled-regex scan over ``paths``."""
    from unkg.grammar import SYMBOL_RE

    matches = size = 0
    start = time.perf_counter()
    for name in paths:
        with open(name, "rb") as fh:
            data = fh.read()
        size += len(data)
        text = data.decode("utf-8", errors="replace")
        matches += sum(1 for _ in SYMBOL_RE.finditer(text))
    return time.perf_counter() - start, matches, size


def run_extraction(paths: list[str], jobs: int) -> tuple[float, int, int]:
    """Seconds, citations and errored inputs of ``extract_many(paths, jobs)``, nothing kept."""
    from unkg import default_catalogue, extract_many
    from unkg.registry import default_registry

    default_catalogue()  # one-off loads of the catalogue and the registry outside the timing
    default_registry()
    citations = errors = 0
    start = time.perf_counter()
    for extraction in extract_many(paths, jobs=jobs):
        citations += len(extraction.citations)
        errors += bool(extraction.errors)
    return time.perf_counter() - start, citations, errors


def _spin(n: int) -> int:
    """Pure-Python CPU work for the scaling calibration."""
    total = 0
    for i in range(n):
        total += i
    return total


def _timed(fn: Callable[..., object], *args: object) -> float:
    """Seconds one call of ``fn(*args)`` takes."""
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def hardware_scaling(jobs: int, n: int = 10_000_000) -> float:
    """How many times more pure-Python work ``jobs`` processes do than one (ideal: ``jobs``); best of 3."""
    one = min(_timed(_spin, n) for _ in range(3))
    with mp.get_context("fork" if hasattr(os, "fork") else "spawn").Pool(jobs) as pool:
        many = min(_timed(pool.map, _spin, [n] * jobs, 1) for _ in range(3))
    return jobs * one / many


def rss_kb() -> dict[str, int]:
    """Current and peak resident set size (kB) of this process, from /proc or getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            fields = dict(line.split(":", 1) for line in fh if line.startswith(("VmRSS", "VmHWM")))
        return {"rss": int(fields["VmRSS"].split()[0]), "peak": int(fields["VmHWM"].split()[0])}
    except (OSError, KeyError):
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return {"rss": peak, "peak": peak}


def child_peak_rss(list_file: str) -> None:
    """In a fresh process: extract every path listed in ``list_file``; print RSS figures (kB) as JSON.

    The peak is reset after the catalogue load (Linux ``clear_refs``) so that it
    covers extraction only; where that is impossible it is the process's peak.
    ``extract_many`` reads in a worker process forked from this one (it starts
    with this process's pages): ``peak_kb`` is the larger of this process's
    peak and the worker's (``RUSAGE_CHILDREN``, read once the pool is shut down).
    """
    from unkg import default_catalogue, extract_many

    with open(list_file, encoding="utf-8") as fh:
        paths = fh.read().splitlines()
    default_catalogue()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")  # reset VmHWM to the current RSS
    except OSError:
        pass
    before = rss_kb()["rss"]
    for extraction in extract_many(paths, jobs=1):
        del extraction
    after = rss_kb()
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(
        json.dumps(
            {
                "baseline_kb": before,
                "peak_kb": max(after["peak"], worker),
                "parent_peak_kb": after["peak"],
                "worker_peak_kb": worker,
                "end_kb": after["rss"],
                "files": len(paths),
            }
        )
    )


def measure_peak_rss(paths: list[str]) -> dict[str, float]:
    """Peak RSS (MB) of single-process extraction over ``paths`` in a fresh subprocess."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as fh:
        fh.write("\n".join(paths))
    try:
        out = subprocess.run(
            [sys.executable, __file__, "--child-rss", fh.name],
            check=True,
            capture_output=True,
            text=True,
            env=os.environ.copy(),
        )
    finally:
        os.unlink(fh.name)
    child = json.loads(out.stdout.strip().splitlines()[-1])
    keys = ("baseline_kb", "peak_kb", "parent_peak_kb", "worker_peak_kb", "end_kb")
    return {key[:-3] + "_mb": child[key] / 1024 for key in keys}


def profile_hotspots(paths: list[str], top: int) -> list[tuple[str, float, float, float]]:
    """Top ``top`` functions by own time in extraction: (function, own s, cumulative s, share of all).

    Profiled in this process with ``extract(path)``: ``extract_many`` reads
    in a worker process, where this profiler does not look.
    """
    from unkg import default_catalogue, extract

    catalogue = default_catalogue()
    prof = cProfile.Profile()
    prof.enable()
    for path in paths:
        extract(path, catalogue)
    prof.disable()
    stats = pstats.Stats(prof).stats  # type: ignore[attr-defined]
    total = sum(row[2] for row in stats.values())
    rows = sorted(stats.items(), key=lambda kv: kv[1][2], reverse=True)[:top]
    return [(f"{Path(f).name}:{line}({fn})", tt, ct, tt / total) for (f, line, fn), (_, _, tt, ct, _) in rows]


def report(results: dict) -> None:
    """Print the table, the ratios and the floors."""
    mb = results["corpus_mb"]
    print(f"\ncorpus: {results['files']} files, {mb:.1f} MB, {results['cores']} cores, jobs={results['jobs']}")
    print(f"{'benchmark':<28}{'seconds':>10}{'MB/s':>10}{'MB/s/core':>11}  count")
    for key, label, cores in (
        ("bare", "bare SYMBOL_RE scan", 1),
        ("single", "extract_many jobs=1", 1),
        ("parallel", f"extract_many jobs={results['jobs']}", results["jobs"]),
    ):
        r = results[key]
        print(f"{label:<28}{r['seconds']:>10.2f}{r['mb_s']:>10.2f}{r['mb_s'] / cores:>11.2f}  {r['count']:,}")
    print(f"\nratio extraction(jobs=1) / bare scan: {results['ratio']:.3f} (1/{1 / results['ratio']:.1f})")
    print(
        f"parallel speed-up over jobs=1: {results['speedup']:.2f}x on {results['jobs']} processes "
        f"(this machine's pure-CPU scaling: {results['hardware_scaling']:.2f}x)"
    )
    m = results["memory"]
    print(
        f"peak RSS, jobs=1 in a fresh process: half corpus {m['half']['peak_mb']:.1f} MB, "
        f"whole {m['full']['peak_mb']:.1f} MB (growth {m['growth_mb']:+.1f} MB; "
        f"{m['full']['baseline_mb']:.1f} MB before the first file; whole corpus: command "
        f"{m['full'].get('parent_peak_mb', 0):.1f} MB, worker {m['full'].get('worker_peak_mb', 0):.1f} MB)"
    )
    print("\nfloors:")
    for name, ok in results["floors"].items():
        print(f"  [{'PASS' if ok else 'FAIL'}] {name}")
    for fn, tt, ct, share in results.get("hotspots", []):
        print(f"  hot spot: {fn:<56} own {tt:6.2f} s ({share:4.0%})  cumulative {ct:6.2f} s")


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run every benchmark, print (and optionally save) the results."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=HERE / "data", help="where the corpus is (or gets) unpacked")
    ap.add_argument("--archive", type=Path, default=ARCHIVE, help="the ungdc-1946-2023.tar.xz archive")
    ap.add_argument("--min-mb", type=float, default=50.0, help="corpus size in MB (default 50)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes for the all-cores run")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each throughput benchmark; the best counts")
    ap.add_argument("--json", type=Path, help="also write the results as JSON here")
    ap.add_argument(
        "--profile",
        type=float,
        default=0.0,
        metavar="MB",
        help="cProfile extraction (extract, in this process) over this many MB and list the top hot spots",
    )
    ap.add_argument("--child-rss", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child_rss:
        child_peak_rss(args.child_rss)
        return 0

    paths, size = build_corpus(unpack(args.archive, args.data), args.min_mb)
    read_all(paths)
    results: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "python": sys.version.split()[0],
        "cores": os.cpu_count(),
        "jobs": args.jobs,
        "files": len(paths),
        "corpus_mb": size / 1e6,
    }
    runs = {
        "bare": lambda: bare_scan(paths),
        "single": lambda: run_extraction(paths, 1),
        "parallel": lambda: run_extraction(paths, args.jobs),
    }
    # The runs take turns (bare, jobs=1, jobs=N, then again), so that a machine whose speed drifts (a shared
    # host) gives each the same conditions; the best of each counts.
    print(f"bare, jobs=1, jobs={args.jobs} in turn, best of {args.repeat} ...", flush=True)
    turns: dict[str, list[tuple[float, int, int]]] = {key: [] for key in runs}
    for _ in range(args.repeat):
        for key, run in runs.items():
            turns[key].append(run())
    for key, timings in turns.items():
        seconds, count, other = min(timings)
        results[key] = {
            "seconds": seconds,
            "all_seconds": [round(t[0], 3) for t in timings],
            "mb_s": size / 1e6 / seconds,
            "count": count,
            ("bytes" if key == "bare" else "errors"): other,
        }
    assert results["bare"]["bytes"] == size, "corpus changed while measuring"
    results["ratio"] = results["single"]["mb_s"] / results["bare"]["mb_s"]
    results["speedup"] = results["parallel"]["mb_s"] / results["single"]["mb_s"]
    results["hardware_scaling"] = hardware_scaling(args.jobs)
    print("measuring peak RSS (half, then whole corpus) ...", flush=True)
    half, full = measure_peak_rss(paths[: len(paths) // 2]), measure_peak_rss(paths)
    results["memory"] = {
        "half": half,
        "full": full,
        "growth_mb": full["peak_mb"] - half["peak_mb"],
        "limit_mb": RSS_GROWTH_LIMIT_MB,
    }
    results["floors"] = {
        f"jobs=1 >= {FLOOR_MB_PER_CORE:g} MB/s per core": results["single"]["mb_s"] >= FLOOR_MB_PER_CORE,
        f"jobs={args.jobs} >= {FLOOR_MB_PER_CORE:g} MB/s per core": results["parallel"]["mb_s"] / args.jobs
        >= FLOOR_MB_PER_CORE,
        f"jobs=1 >= 1/{1 / FLOOR_RATIO:g} of the bare scan": results["ratio"] >= FLOOR_RATIO,
        f"peak RSS growth half->whole <= {RSS_GROWTH_LIMIT_MB:g} MB": results["memory"]["growth_mb"]
        <= RSS_GROWTH_LIMIT_MB,
    }
    if args.profile:
        subset, _ = build_corpus(args.data, args.profile)
        print(f"profiling extraction over {args.profile:g} MB ...", flush=True)
        results["hotspots"] = profile_hotspots(subset, 10)
    report(results)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(results["floors"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
