"""Pathological inputs finish fast: no catastrophic backtracking in any pattern.

Each input is built to tempt a regex into exponential or quadratic work
(long runs of what almost matches). The whole extraction must finish within
a generous bound; a backtracking bug takes minutes or hours instead.
"""

from __future__ import annotations

import re
import time

import pytest

from unkg import extract_text, grammar
from unkg.catalogue import default_catalogue
from unkg.models import Source
from unkg.structure import parse

N = 200_000
ADVERSARIAL = {
    "slashes": "A/" * N,
    "segments": "A/" + "1/" * N,
    "dotted": "A/" + "CN." * N,
    "modifiers": "A/1/2" + " and Corr.1" * (N // 10),
    "resolution-list": "resolutions " + "1/2, " * (N // 4),
    "sc-list": "resolutions " + "1325 (2000) on women, peace and security, " * (N // 40),
    "roman": "resolution 217 " + "A (" * N,
    "digits": "9" * N,
    "markers": "Rights," + "1 " * N,
    "convention": "the Convention on the " * (N // 20),
    "spaces": "International" + " " * N + "Covenant",
    "underscores": "_" * N + " 1 2 3",
    "ods": "<<ODS JOB NO>>" * (N // 10),
    "official-records": "Official Records of the General Assembly, " * (N // 40),
    "treaty-series": "United Nations, Treaty Series, vol. " * (N // 40),
    "ibid": "Ibid., " * (N // 5),
    "long-line": ("Recalling its resolution 60/169 " + "x" * 1000) * 10 + "y" * (10 * 1024 * 1024),
    "numbered": "\n".join(f"{i}. text" for i in range(20_000)),
    "footnotes": "Notes\n" + "\n".join(f"{i} See A/{i}/1" for i in range(1, 5000)),
}


@pytest.mark.parametrize("name", sorted(ADVERSARIAL))
def test_extraction_finishes_fast(name: str) -> None:
    """Each adversarial input is extracted in well under a minute."""
    text = ADVERSARIAL[name]
    started = time.perf_counter()
    extract_text(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 30, f"{name}: {elapsed:.1f} s"


@pytest.mark.parametrize(
    "pattern",
    [
        grammar.SYMBOL_RE,
        grammar.ACT_TAIL_RE,
        grammar.ORGAN_BEFORE_RE,
        grammar.OFFICIAL_RECORDS_RE,
        grammar.UNTS_RE,
        grammar.ITEM_RE,
    ],
    ids=lambda p: p.pattern[:30],
)
def test_grammar_patterns_are_linear(pattern: re.Pattern[str]) -> None:
    """Doubling the input roughly doubles the scan time of each grammar pattern."""

    def cost(n: int) -> float:
        text = "".join(ADVERSARIAL[k][:n] for k in sorted(ADVERSARIAL))
        t = time.perf_counter()
        for _ in pattern.finditer(text):
            pass
        return time.perf_counter() - t

    small, large = cost(20_000), cost(80_000)
    assert large < 4 * small * 4 + 0.5  # linear within a wide margin; quadratic would be 16x


def test_catalogue_pattern_is_linear() -> None:
    """The instrument-name trie scans a near-miss flood linearly."""
    cat = default_catalogue()
    text = "International Convention on the Protection of the Rights of All " * 20_000
    t = time.perf_counter()
    list(cat.scan(text))
    assert time.perf_counter() - t < 10


def test_long_line_structure() -> None:
    """A 10 MB line parses into paragraphs without blowing up."""
    doc = parse(Source("x", ADVERSARIAL["long-line"], "0" * 64))
    assert doc.paragraphs
