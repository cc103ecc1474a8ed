"""Paragraph alignment against the hand-checked gold, for each scoring method and threshold.

    python benchmarks/align_quality.py [--methods rapidfuzz,difflib] [--thresholds 0.5,0.6] [--show]

Reads the texts the gold names (``tests/gold/alignment.jsonl``: ``ga-78-80:A/RES/78/100`` is a line of
``../shared/corpus/ga-78-80/texts.jsonl.xz``, ``sc-1946-1994:FILE`` and ``dev:FILE`` files of those
folders), aligns every pair with each method at each threshold, and prints the paragraph-match and
change accuracies (``unkg.series.evaluate``) and the time the alignments took (texts parsed once,
before the clock starts). ``--show`` lists the lines each method gets wrong at the default threshold.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from unkg.series.align import SCORERS, THRESHOLD, align
from unkg.series.evaluate import gold_texts, score
from unkg.series.units import text_units

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "tests" / "gold" / "alignment.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--methods", default=",".join(SCORERS))
    parser.add_argument("--thresholds", default="0.4,0.5,0.55,0.6,0.65,0.7,0.8")
    parser.add_argument("--show", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts = gold_texts(rows, CORPUS)
    units = {name: text_units(text, name)[1] for name, text in texts.items()}
    print(f"{len(rows)} pairs, {sum(len(r['matches']) for r in rows)} gold lines")
    print(f"{'method':<15} {'threshold':>9} {'match acc':>9} {'change acc':>10} {'ms/pair':>8}")
    for method in args.methods.split(","):
        for threshold in (float(t) for t in args.thresholds.split(",")):
            start = time.perf_counter()
            alignments = [align(units[r["earlier"]], units[r["later"]], method=method, threshold=threshold) for r in rows]
            ms = (time.perf_counter() - start) * 1000 / len(rows)
            s = score(rows, alignments)
            mark = " *" if threshold == THRESHOLD else ""
            print(f"{method:<15} {threshold:>9.2f} {s.match_accuracy:>9.3f} {s.change_accuracy:>10.3f} {ms:>8.1f}{mark}")
            if args.show and threshold == THRESHOLD:
                for w in s.wrong:
                    print(f"    {w}")


if __name__ == "__main__":
    main()
