"""The words around a citation's quote (unkg.context): the sentence, cut at words, white space squeezed."""

from __future__ import annotations

import random
import re

import pytest

from unkg.context import ELLIPSIS, _squeeze, around

# The rule of the module written plainly: every sentence end of the window found, the whole side squeezed.
_END = re.compile(r"[.!?;](?=\s+[A-Z0-9\"“(])")
_ABBREVIATIONS = {"vol", "Vol", "No", "no", "para", "paras", "Para", "Paras", "art", "arts", "Art", "p", "pp", "Corr",
                  "Add", "Rev", "Suppl", "op", "St", "Mr", "Ms", "Dr", "e.g", "i.e"}  # fmt: skip


def _plain_ends(text: str) -> list[int]:
    out = []
    for m in _END.finditer(text):
        i = m.start()
        word = re.search(r"(?<![\w.])[\w.]{1,5}$", text[max(0, i - 6) : i]) if text[i] == "." else None
        if word and word[0] in _ABBREVIATIONS:
            continue
        out.append(m.end())
    return out


def _plain_cut_left(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    space = tail.find(" ")
    return ELLIPSIS + (tail[space + 1 :] if 0 <= space < limit // 2 else tail)


def _plain_cut_right(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head) + ELLIPSIS


def _plain_around(text: str, start: int, end: int, limit: int) -> tuple[str, str]:
    lo, hi = max(0, start - 4 * limit), min(len(text), end + 4 * limit)
    before, after = text[lo:start], text[end:hi]
    ends = _plain_ends(before)
    later = _plain_ends(after)
    left = re.sub(r"\s+", " ", before[ends[-1] if ends else 0 :]).lstrip()
    right = re.sub(r"\s+", " ", after[: later[0] if later else len(after)]).rstrip()
    return _plain_cut_left(left, limit), _plain_cut_right(right, limit)


_PIECES = ["word", "Recalling", "its", "resolution", "No.", "vol.", "para.", "Mr.", "end.", "stop;", "Why?", "A",
           "(b)", "“Quoted”", "2005", " ", "  ", "\n", "\n\n", "\t", " \n  \t ", "\f", "x" * 30]  # fmt: skip


@pytest.mark.parametrize("seed", range(300))
def test_around_is_the_sentence_squeezed_and_cut(seed: int) -> None:
    rng = random.Random(seed)
    limit = rng.choice([10, 40, 200])
    # long runs of white space (layout text) and long sentences both occur, so the shortcuts are exercised
    weights = [1] * (len(_PIECES) - 8) + [rng.choice([1, 6])] * 7 + [1]
    words = rng.choices(_PIECES, weights=weights, k=rng.randint(1, 700))
    text = " ".join(words)
    start = rng.randint(0, len(text))
    end = min(len(text), start + rng.randint(0, 20))
    assert around(text, start, end, limit=limit) == _plain_around(text, start, end, limit)


def test_squeeze_is_the_regular_expression_on_any_white_space() -> None:
    """``_squeeze`` (str.split) gives what ``re.sub(r"\\s+", " ", ...)`` gives, Unicode white space included."""
    rng = random.Random(7)
    pieces = [" ", "\t", "\n", "\r", "\f", "\v", "\xa0", "\u2003", "\u3000", "\x1c", "\x85", "\u200b", "a", "é", "."]
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 12)))
        assert _squeeze(text) == re.sub(r"\s+", " ", text), repr(text)


def test_around_a_quote_in_its_sentence() -> None:
    text = "See above. Recalling   its\nresolution 60/169 of 16 December 2005; Notes it."
    start = text.index("resolution")
    assert around(text, start, start + len("resolution 60/169")) == ("Recalling its ", " of 16 December 2005;")


def test_a_functions_sentence_starts_after_the_last_end_searched_plainly() -> None:
    """cite's backward search for a sentence's end (one mark at a time) finds what six rfinds find."""
    from unkg.cite import _last_sentence_end

    ends = (". ", ".\n", "? ", "! ", ";\n", ".\t")
    rng = random.Random(2)
    pieces = [".", " ", "\n", "\t", "?", "!", ";", "a", "B", ".."]
    for _ in range(50_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 14)))
        lo = rng.randint(0, len(text))
        pos = rng.randint(lo, len(text))
        assert _last_sentence_end(text, lo, pos) == max(text.rfind(e, lo, pos) for e in ends), (text, lo, pos)
