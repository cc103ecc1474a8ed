"""Alignments scored against a hand-checked gold (``tests/gold/alignment.jsonl``).

Each gold row is one pair of texts, with one line per unit: a later unit and the earlier unit it
derives from (``earlier`` null: new), or an earlier unit that has no successor (``later`` null:
dropped), and the change. Two figures:

- paragraph-match accuracy: the share of gold lines the alignment gets right (a later unit given
  the right predecessor or rightly none; a dropped earlier unit left without a successor);
- change accuracy: of the gold lines that pair two units, the share where the alignment pairs
  them too and gives the same change (unchanged, edited or moved).
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from unkg.series.align import Alignment


@dataclass
class Score:
    """Counts of right and wrong lines, and the wrong ones for a report."""

    lines: int = 0
    matched_right: int = 0
    pairs: int = 0
    change_right: int = 0
    wrong: list[str] = field(default_factory=list)

    @property
    def match_accuracy(self) -> float:
        """The paragraph-match accuracy."""
        return self.matched_right / self.lines if self.lines else 1.0

    @property
    def change_accuracy(self) -> float:
        """The change accuracy over the gold's pairs."""
        return self.change_right / self.pairs if self.pairs else 1.0

    def add(self, other: Score) -> None:
        """Add another pair's counts to these."""
        self.lines += other.lines
        self.matched_right += other.matched_right
        self.pairs += other.pairs
        self.change_right += other.change_right
        self.wrong.extend(other.wrong)


def score_pair(gold: Mapping[str, Any], alignment: Alignment) -> Score:
    """Score the alignment of one gold pair."""
    predecessor = {m.later.label: m for m in alignment.matches if m.later}
    successor = {m.earlier.label: m for m in alignment.matches if m.earlier and m.later}
    out = Score()
    name = f"{gold['earlier']} -> {gold['later']}"
    for line in gold["matches"]:
        out.lines += 1
        later, earlier, change = line["later"], line["earlier"], line["change"]
        if later is None:  # dropped
            got = successor.get(earlier)
            if got is None:
                out.matched_right += 1
            else:
                out.wrong.append(f"{name}: {earlier} dropped, aligned as the source of {got.later.label}")  # type: ignore[union-attr]
            continue
        m = predecessor.get(later)
        got_earlier = m.earlier.label if m and m.earlier else None
        if got_earlier == earlier:
            out.matched_right += 1
        else:
            out.wrong.append(f"{name}: {later} <- {earlier or 'new'}, aligned <- {got_earlier or 'new'}")
        if earlier is not None:
            out.pairs += 1
            if got_earlier == earlier and m is not None and m.change == change:
                out.change_right += 1
            elif got_earlier == earlier and m is not None:
                out.wrong.append(f"{name}: {later} <- {earlier} {change}, aligned as {m.change}")
    return out


def score(golds: Iterable[Mapping[str, Any]], alignments: Iterable[Alignment]) -> Score:
    """Score alignments against their gold pairs, in the same order."""
    total = Score()
    for gold, alignment in zip(golds, alignments, strict=True):
        total.add(score_pair(gold, alignment))
    return total


def gold_texts(rows: Iterable[Mapping[str, Any]], corpus: Path) -> dict[str, str]:
    """The text of every source the gold names, from the shared corpus folder: ``ga-78-80:A/RES/78/100``
    is a line of ``ga-78-80/texts.jsonl.xz``, ``sc-1946-1994:FILE`` and ``dev:FILE`` files of those folders.

    Raises:
        FileNotFoundError: a source the corpus does not hold.
    """
    names = {r[side] for r in rows for side in ("earlier", "later")}
    texts: dict[str, str] = {}
    ga = {n.split(":", 1)[1] for n in names if n.startswith("ga-78-80:")}
    if ga:
        with lzma.open(corpus / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
            for line in lines:
                row = json.loads(line)
                if row["symbol"] in ga:
                    texts[f"ga-78-80:{row['symbol']}"] = row["text"]
    for n in names:
        folder, _, name = n.partition(":")
        if folder in ("sc-1946-1994", "dev"):
            texts[n] = (corpus / folder / name).read_text(encoding="utf-8")
    missing = names - texts.keys()
    if missing:
        raise FileNotFoundError(f"texts not found in {corpus}: {sorted(missing)}")
    return texts
