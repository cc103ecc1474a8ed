"""Silver check at scale: every Security Council citation the extractor finds, looked up in the registry.

The registry holds every Security Council resolution 1-2798 with its year, so a Security Council target it
does not hold is a misreading (or a resolution after October 2025). The script extracts the given folders
(the Security Council texts 1946-1994 and the General Assembly texts 2023-2025, say), counts the Security
Council targets the registry confirms, and the ones the checks refused (``unkg.check``), and prints a sample
of each kind of refusal to read::

    python benchmarks/silver_registry.py ../shared/corpus/sc-1946-1994 /tmp/ga-78-80-texts
"""

from __future__ import annotations

import argparse
import collections
import re
from pathlib import Path

from unkg.extract import extract_many
from unkg.registry import default_registry

SC_RE = re.compile(r"^S/RES/\d{1,4}\(\d{4}\)$")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--sample", type=int, default=8, help="refusals shown of each kind")
    args = parser.parse_args()
    registry = default_registry()
    kept = collections.Counter()
    refused: dict[str, list[str]] = collections.defaultdict(list)
    documents = 0
    for extraction in extract_many(args.folders, None, 2):
        documents += 1
        for c in extraction.citations:
            if SC_RE.match(c.target):
                kept["confirmed" if registry.exists(c.target) else "not known"] += 1
                if c.via and c.via.startswith("registry:"):
                    kept["re-attributed by its date"] += 1
        for d in extraction.dropped:
            if SC_RE.match(d.citation.target):
                kind = "after the citing document" if "after the citing" in d.reason else "cannot be"
                refused[kind].append(f"{Path(extraction.source).name}: {' '.join(d.citation.text.split())!r}: {d.reason}")
    total = sum(v for k, v in kept.items() if k != "re-attributed by its date") + sum(map(len, refused.values()))
    print(f"documents {documents}; Security Council citations found {total}")
    for key, n in kept.most_common():
        print(f"  kept, {key}: {n}")
    for kind, rows in refused.items():
        print(f"  refused, {kind}: {len(rows)}")
        for row in rows[: args.sample]:
            print(f"    {row}")


if __name__ == "__main__":
    main()
