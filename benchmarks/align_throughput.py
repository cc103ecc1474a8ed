"""Paragraph alignment of every consecutive pair of the series in ga-78-80, next to a plain difflib
baseline on the same pairs in the same run, with peak memory.

    python benchmarks/align_throughput.py [--corpus ../shared/corpus] [--repeat 3]

1. The 887 texts of ``ga-78-80/texts.jsonl.xz`` form a corpus; each text's series is found as
   ``unkg series`` finds it (registry, titles, the texts' own words: ``unkg.series.members``) and
   every member is paired with the nearest earlier member the corpus holds. Not timed.
2. Every text is cut into its paragraphs (``unkg.series.units``). Timed apart: ``parse``.
3. Every pair is aligned ``--repeat`` times, the best run kept, by:
   - ``unkg`` (``unkg.series.align``, rapidfuzz scores, the default);
   - ``unkg-difflib`` (with ``--with-difflib-scores``; it takes many minutes): the same algorithm
     with difflib's ratio on words as the score;
   - ``difflib-plain``: a plain difflib alignment, as one would write it without unkg:
     ``SequenceMatcher`` over the two lists of paragraph texts; an equal block is unchanged, a
     replaced block paired paragraph by paragraph where ``SequenceMatcher.ratio`` of the two texts
     is at least the same threshold, the rest new or dropped; no moves.
   Pairs per second, and the peak of Python's allocations while aligning (``tracemalloc``, a run
   of its own so that tracing does not slow the timed runs); the process's peak resident memory at
   the end (``ru_maxrss``) covers all of it, texts included.
4. How far the plain baseline agrees with unkg: the share of later paragraphs given the same
   predecessor.
"""

from __future__ import annotations

import argparse
import difflib
import json
import lzma
import resource
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from unkg.series.align import THRESHOLD, align
from unkg.series.members import Corpus, Text, consecutive, members
from unkg.series.units import Unit, text_units

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def plain_difflib(earlier: Sequence[Unit], later: Sequence[Unit], threshold: float = THRESHOLD) -> dict[str, str | None]:
    """later label -> earlier label (None: new), by difflib alone (see the module's docstring)."""
    a, b = [u.text for u in earlier], [u.text for u in later]
    out: dict[str, str | None] = {}
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for k in range(j2 - j1):
                out[later[j1 + k].label] = earlier[i1 + k].label
        elif op == "replace":
            for k in range(j2 - j1):
                i = i1 + k
                ok = i < i2 and difflib.SequenceMatcher(None, a[i], b[j1 + k], autojunk=False).ratio() >= threshold
                out[later[j1 + k].label] = earlier[i].label if ok else None
        elif op == "insert":
            for k in range(j1, j2):
                out[later[k].label] = None
    return out


def unkg_pairs(method: str) -> Callable[[Sequence[Unit], Sequence[Unit]], dict[str, str | None]]:
    def run(earlier: Sequence[Unit], later: Sequence[Unit]) -> dict[str, str | None]:
        return {
            m.later.label: (m.earlier.label if m.earlier else None)
            for m in align(earlier, later, method=method).matches
            if m.later
        }

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--with-difflib-scores", action="store_true", help="also unkg's algorithm with difflib's scores (slow: minutes)"
    )
    args = parser.parse_args()

    with lzma.open(args.corpus / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines]
    corpus = Corpus(Text(r["symbol"], r["symbol"], loader=lambda t=r["text"]: t) for r in rows)
    start = time.perf_counter()
    pairs: list[tuple[str, str]] = []
    covered: set[str] = set()
    for symbol in sorted(corpus.texts):
        if symbol in covered:
            continue
        series = members(symbol, corpus)
        covered.update(m.symbol for m in series)
        pairs.extend((e.symbol, later.symbol) for e, later, _ in consecutive(series))
    pairs = sorted(set(pairs))
    print(f"{len(rows)} texts, {len(pairs)} consecutive pairs ({time.perf_counter() - start:.1f} s to find the series)")

    start = time.perf_counter()
    units = {r["symbol"]: text_units(r["text"], r["symbol"])[1] for r in rows}
    parse_s = time.perf_counter() - start
    print(f"parse: {len(units)} texts in {parse_s:.1f} s ({len(units) / parse_s:.0f} texts/s)")

    methods = {"unkg": unkg_pairs("rapidfuzz"), "difflib-plain": plain_difflib}
    if args.with_difflib_scores:
        methods["unkg-difflib"] = unkg_pairs("difflib")
    results: dict[str, dict[str, dict[str, str | None]]] = {}
    print(f"{'method':<14} {'pairs/s':>9} {'s (best of ' + str(args.repeat) + ')':>16} {'peak MiB':>9}")
    for name, run in methods.items():
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            out = {f"{e}>{later}": run(units[e], units[later]) for e, later in pairs}
            best = min(best, time.perf_counter() - start)
        results[name] = out
        tracemalloc.start()
        for e, later in pairs:
            run(units[e], units[later])
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        print(f"{name:<14} {len(pairs) / best:>9.1f} {best:>16.2f} {peak:>9.1f}")
    print(f"process peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    reference = results["unkg"]
    for name in [m for m in methods if m != "unkg"]:
        same = total = 0
        for key, matches in reference.items():
            for label, earlier in matches.items():
                total += 1
                same += results[name][key].get(label, "?") == earlier
        print(f"{name} gives the same predecessor as unkg for {same / total:.3f} of {total} later paragraphs")


if __name__ == "__main__":
    main()
