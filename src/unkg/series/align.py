"""Paragraph alignment: which paragraph of a later text derives from which of an earlier one.

``align(earlier, later)`` matches the units (``unkg.series.units``) of two texts:

1. Units whose clean texts are equal (case aside) are paired first, in order: most of a
   resolution repeats its predecessor word for word.
2. The rest are scored against each other (every later unit with every earlier one left) and
   paired greedily, the most similar pair first, down to ``THRESHOLD``; equal scores go to the
   pair whose relative positions are closest.
3. Of the pairs, the largest set in the same order in both texts (the heaviest increasing
   subsequence, weighted by similarity) keeps its place; a pair outside it was ``moved``.

A pair in place is ``unchanged`` (the same clean text) or ``edited``; a later unit without a pair
is ``new``; an earlier unit without one is ``dropped``.

The score is the normalised Indel similarity of the two lower-cased texts, character by character
(``rapidfuzz.fuzz.ratio`` / 100, the ratio ``difflib.SequenceMatcher`` approximates), computed for
all pairs at once in rapidfuzz's C++ (``process.cdist``). ``benchmarks/align.py`` measured it
against difflib's ratio on words and against the Jaccard index of word 3-shingles, on the gold
of ``tests/gold/alignment.jsonl`` and on the pairs of ga-78-80: see README.md, "What changed".
"""

from __future__ import annotations

import difflib
from collections import defaultdict, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from unkg.series.units import Unit

# Below this a later paragraph is new rather than an edit of an earlier one (chosen on the gold:
# README.md, "What changed").
THRESHOLD = 0.55
CHANGES = ("unchanged", "edited", "moved", "new", "dropped")
# (later texts, earlier texts, cutoff) -> scores; a score below the cutoff may be given as 0.
Scorer = Callable[[Sequence[str], Sequence[str], float], list[list[float]]]


def _rapidfuzz(later: Sequence[str], earlier: Sequence[str], cutoff: float = 0.0) -> list[list[float]]:
    from rapidfuzz import fuzz, process

    # the cutoff lets rapidfuzz skip a pair whose lengths alone keep it below (ratio <= 2 min / sum)
    matrix = process.cdist(later, earlier, scorer=fuzz.ratio, dtype=None, workers=1, score_cutoff=cutoff * 100)
    return [[float(v) / 100 for v in row] for row in matrix.tolist()]


def _rapidfuzz_words(later: Sequence[str], earlier: Sequence[str], cutoff: float = 0.0) -> list[list[float]]:
    """Like ``_rapidfuzz`` but of the words each text shares, whatever their order, with the words of
    the shorter counted whole when it is inside the longer (``fuzz.token_set_ratio``)."""
    from rapidfuzz import fuzz, process

    matrix = process.cdist(later, earlier, scorer=fuzz.token_set_ratio, dtype=None, workers=1, score_cutoff=cutoff * 100)
    return [[float(v) / 100 for v in row] for row in matrix.tolist()]


def _difflib(later: Sequence[str], earlier: Sequence[str], cutoff: float = 0.0) -> list[list[float]]:
    rows = []
    for a in later:
        matcher = difflib.SequenceMatcher(None, autojunk=False)
        matcher.set_seq2(a.split())
        row = []
        for b in earlier:
            matcher.set_seq1(b.split())
            row.append(matcher.ratio())
        rows.append(row)
    return rows


def _shingles(text: str, k: int = 3) -> set[tuple[str, ...]]:
    words = text.split()
    return {tuple(words[i : i + k]) for i in range(max(len(words) - k + 1, 1))}


def _jaccard(later: Sequence[str], earlier: Sequence[str], cutoff: float = 0.0) -> list[list[float]]:
    right = [_shingles(b) for b in earlier]
    rows = []
    for a in later:
        left = _shingles(a)
        rows.append([len(left & r) / len(left | r) if left | r else 1.0 for r in right])
    return rows


SCORERS: dict[str, Scorer] = {
    "rapidfuzz": _rapidfuzz,
    "rapidfuzz-set": _rapidfuzz_words,
    "difflib": _difflib,
    "shingles": _jaccard,
}


@dataclass(frozen=True, slots=True)
class Match:
    """One line of an alignment: a later unit and the earlier unit it derives from.

    ``earlier`` is None for a ``new`` unit, ``later`` None for a ``dropped`` one; ``similarity``
    is 1.0 for ``unchanged`` and 0.0 for ``new`` and ``dropped``.
    """

    change: str
    later: Unit | None
    earlier: Unit | None
    similarity: float

    def diff(self) -> list[tuple[str, str]]:
        """The word-level difference from the earlier text to the later one, as
        (``equal`` | ``delete`` | ``insert``, words) in reading order.

        >>> a, b = Unit("op1", 1, "Requests the Secretary-General to report", 0, 1), Unit("op1", 1, "Urges the Secretary-General to report", 0, 1)
        >>> Match("edited", b, a, 0.8).diff()
        [('delete', 'Requests'), ('insert', 'Urges'), ('equal', 'the Secretary-General to report')]
        """
        return word_diff(self.earlier.text if self.earlier else "", self.later.text if self.later else "")

    def to_json(self) -> dict[str, Any]:
        """A JSON object: change, labels, similarity, and the difference of an edited or moved pair."""
        out: dict[str, Any] = {
            "change": self.change,
            "later": self.later.label if self.later else None,
            "earlier": self.earlier.label if self.earlier else None,
            "similarity": round(self.similarity, 4),
        }
        if self.change in ("edited", "moved") and self.similarity < 1:
            out["diff"] = [list(op) for op in self.diff()]
        elif self.change == "new" and self.later:
            out["text"] = self.later.text
        elif self.change == "dropped" and self.earlier:
            out["text"] = self.earlier.text
        return out


@dataclass(frozen=True)
class Alignment:
    """The alignment of a later text on an earlier one: every unit of both, once."""

    earlier: str | None
    later: str | None
    matches: tuple[Match, ...]
    method: str = "rapidfuzz"
    threshold: float = THRESHOLD
    counts: dict[str, int] = field(default_factory=dict, compare=False)

    def of_later(self, label: str) -> Match | None:
        """The match of a later unit by its label (``op3``), or None."""
        return next((m for m in self.matches if m.later and m.later.label == label), None)

    def summary(self) -> dict[str, int]:
        """How many units of each change."""
        out = dict.fromkeys(CHANGES, 0)
        for m in self.matches:
            out[m.change] += 1
        return out

    def to_json(self) -> dict[str, Any]:
        """A JSON object with the two symbols, the method, the counts and every match."""
        return {
            "earlier": self.earlier,
            "later": self.later,
            "method": self.method,
            "threshold": self.threshold,
            "summary": self.summary(),
            "matches": [m.to_json() for m in self.matches],
        }


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The word-level difference of two texts (difflib's opcodes on words, a replacement given as
    its deletion then its insertion)."""
    a, b = before.split(), after.split()
    out: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(("delete", " ".join(a[i1:i2])))
        if j2 > j1:
            out.append(("insert", " ".join(b[j1:j2])))
    return out


def align(
    earlier: Sequence[Unit],
    later: Sequence[Unit],
    *,
    method: str = "rapidfuzz",
    threshold: float = THRESHOLD,
    earlier_symbol: str | None = None,
    later_symbol: str | None = None,
) -> Alignment:
    """Align the units of a later text on those of an earlier one (see the module's docstring).

    Raises:
        ValueError: an unknown ``method`` (the known ones are listed).
    """
    if method not in SCORERS:
        raise ValueError(f"unknown alignment method {method!r}; choose one of {sorted(SCORERS)}")
    pairs: dict[int, tuple[int, float]] = {}  # later index -> (earlier index, similarity)
    waiting: dict[str, deque[int]] = defaultdict(deque)
    for i, u in enumerate(earlier):
        waiting[u.key].append(i)
    for j, u in enumerate(later):
        if waiting[u.key]:
            pairs[j] = (waiting[u.key].popleft(), 1.0)
    used = {i for i, _ in pairs.values()}
    rest_later = [j for j in range(len(later)) if j not in pairs]
    rest_earlier = [i for i in range(len(earlier)) if i not in used]
    if rest_later and rest_earlier:
        scores = SCORERS[method](
            [later[j].text.lower() for j in rest_later], [earlier[i].text.lower() for i in rest_earlier], threshold
        )
        n, m = max(len(later), 1), max(len(earlier), 1)
        candidates = [
            (-round(s, 6), abs(j / n - i / m), j, i)
            for row, j in zip(scores, rest_later, strict=True)
            for s, i in zip(row, rest_earlier, strict=True)
            if s >= threshold
        ]
        candidates.sort()
        taken: set[int] = set()
        for negated, _, j, i in candidates:
            if j in pairs or i in taken:
                continue
            pairs[j] = (i, -negated)
            taken.add(i)
    in_place = _heaviest_increasing(sorted((j, i, s) for j, (i, s) in pairs.items()))
    by_earlier = {i: j for j, (i, _) in pairs.items()}
    matches: list[Match] = []
    dropped_before = _dropped_positions(len(earlier), by_earlier)
    for j, u in enumerate(later):
        for i in dropped_before.get(j, ()):
            matches.append(Match("dropped", None, earlier[i], 0.0))
        if j not in pairs:
            matches.append(Match("new", u, None, 0.0))
            continue
        i, s = pairs[j]
        change = "moved" if j not in in_place else "unchanged" if earlier[i].key == u.key else "edited"
        matches.append(Match(change, u, earlier[i], 1.0 if change == "unchanged" else s))
    for i in dropped_before.get(len(later), ()):
        matches.append(Match("dropped", None, earlier[i], 0.0))
    return Alignment(earlier_symbol, later_symbol, tuple(matches), method, threshold)


def _heaviest_increasing(pairs: list[tuple[int, int, float]]) -> set[int]:
    """The later indexes of the heaviest set of pairs in the same order in both texts."""
    if not pairs:
        return set()
    best = [s for _, _, s in pairs]
    back = [-1] * len(pairs)
    for k, (_, i, s) in enumerate(pairs):
        for q in range(k):
            if pairs[q][1] < i and best[q] + s > best[k]:
                best[k], back[k] = best[q] + s, q
    k = max(range(len(pairs)), key=lambda x: (best[x], -x))
    out = set()
    while k >= 0:
        out.add(pairs[k][0])
        k = back[k]
    return out


def _dropped_positions(count: int, by_earlier: dict[int, int]) -> dict[int, list[int]]:
    """Where each dropped earlier unit is shown: before the later unit that follows the successor of
    the earlier unit before it (so a dropped paragraph stands where it stood)."""
    out: dict[int, list[int]] = defaultdict(list)
    after = -1  # the later index of the last earlier unit with a successor
    for i in range(count):
        if i in by_earlier:
            after = max(after, by_earlier[i])
        else:
            out[after + 1].append(i)
    return out
