"""Precision and recall of ``unkg extract`` on annotated real documents.

Runs unkg on the seed documents and on the hand-annotated dev documents
(``tests/gold/dev.jsonl``), then the shared scorer
(``../shared/tools/score_extract.py``) on each result, and prints the
scorer's report. The tests assert the floors; this script shows the figures.

    python benchmarks/extract_quality.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

from unkg import extract_many
from unkg.output import to_jsonl

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
SCORER = ROOT.parent / "shared" / "tools" / "score_extract.py"
SETS = {
    "seeds": CORPUS / "gold" / "seeds.jsonl",
    "dev": ROOT / "tests" / "gold" / "dev.jsonl",
    "held-out": ROOT / "tests" / "gold" / "heldout.jsonl",
}


def score(name: str, gold: Path) -> str:
    """The scorer's report for one gold set."""
    files = [str(CORPUS / json.loads(line)["file"]) for line in gold.read_text().splitlines() if line.strip()]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False, encoding="utf-8") as fh:
        for extraction in extract_many(files):
            fh.write(to_jsonl(extraction) + "\n")
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--root", str(CORPUS), "--pred", fh.name],
        capture_output=True,
        text=True,
        check=False,
    )
    Path(fh.name).unlink()
    return f"== {name} ({len(files)} documents, gold {gold.relative_to(ROOT.parent)})\n{proc.stdout}"


def main() -> int:
    """Score every gold set that is present."""
    if not SCORER.is_file():
        print(f"scorer absent: {SCORER}", file=sys.stderr)
        return 2
    for name, gold in SETS.items():
        if gold.is_file():
            print(score(name, gold))
    return 0


if __name__ == "__main__":
    sys.exit(main())
