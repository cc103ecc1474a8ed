"""Differences as people read them: in a terminal (coloured when it is one, ``[-old-]{+new+}``
otherwise, as ``git diff --word-diff`` writes them) and in HTML (``<del>``/``<ins>``)."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator

from markupsafe import Markup, escape

from unkg.series.align import Alignment, Match

_RED, _GREEN, _DIM, _BOLD, _RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


def inline(ops: list[tuple[str, str]], colour: bool) -> str:
    """A word-level difference on one line.

    >>> inline([("delete", "Requests"), ("insert", "Urges"), ("equal", "States")], colour=False)
    '[-Requests-] {+Urges+} States'
    """
    parts = []
    for op, words in ops:
        if op == "equal":
            parts.append(words)
        elif op == "delete":
            parts.append(f"{_RED}[-{words}-]{_RESET}" if colour else f"[-{words}-]")
        else:
            parts.append(f"{_GREEN}{{+{words}+}}{_RESET}" if colour else f"{{+{words}+}}")
    return " ".join(parts)


def _context(ops: list[tuple[str, str]], keep: int = 8) -> list[tuple[str, str]]:
    """The difference with long unchanged stretches shortened to their first and last words."""
    out = []
    for i, (op, words) in enumerate(ops):
        split = words.split()
        if op == "equal" and len(split) > 2 * keep:
            head = " ".join(split[:keep]) if i else ""
            tail = " ".join(split[-keep:]) if i < len(ops) - 1 else ""
            words = " ... ".join(w for w in (head, tail) if w) if head or tail else "..."
            if not i:
                words = "... " + words
            elif i == len(ops) - 1:
                words = words + " ..."
        out.append((op, words))
    return out


def match_line(m: Match, colour: bool, full: bool = False, width: int = 100) -> Iterator[str]:
    """The lines of one match: its labels, change and similarity, then the text or difference."""
    later = m.later.label if m.later else "-"
    earlier = m.earlier.label if m.earlier else "-"
    mark = {"unchanged": "=", "edited": "~", "moved": ">", "new": "+", "dropped": "-"}[m.change]
    head = f"{mark} {later:<8} <- {earlier:<8} {m.change}"
    if m.change in ("edited", "moved"):
        head += f" ({m.similarity:.2f})"
    yield f"{_BOLD}{head}{_RESET}" if colour and m.change != "unchanged" else head
    if m.change == "unchanged" and not full:
        return
    if m.change in ("new", "dropped"):
        text = (m.later or m.earlier).text  # type: ignore[union-attr]
        body = f"{{+{text}+}}" if m.change == "new" else f"[-{text}-]"
        if colour:
            body = f"{_GREEN if m.change == 'new' else _RED}{body}{_RESET}"
        yield from _wrap(body, width, colour)
        return
    ops = m.diff() if full else _context(m.diff())
    yield from _wrap(inline(ops, colour), width, colour)


def _wrap(text: str, width: int, colour: bool) -> Iterator[str]:
    if colour:  # escape codes would count as characters: no wrapping
        yield "    " + text
        return
    yield from textwrap.wrap(text, width, initial_indent="    ", subsequent_indent="    ", break_on_hyphens=False) or ["    "]


def terminal(alignment: Alignment, colour: bool, full: bool = False, width: int = 100) -> Iterator[str]:
    """The lines of ``unkg diff``: a heading with the counts, then one entry per paragraph."""
    counts = ", ".join(f"{n} {c}" for c, n in alignment.summary().items() if n)
    yield f"{alignment.earlier or 'earlier'} -> {alignment.later or 'later'}: {counts}"
    for m in alignment.matches:
        yield from match_line(m, colour, full, width)


def html(ops: list[tuple[str, str]]) -> Markup:
    """A word-level difference as HTML: ``<del>`` and ``<ins>`` around what changed, all text escaped.

    >>> str(html([("delete", "<Requests>"), ("insert", "Urges"), ("equal", "States")]))
    '<del>&lt;Requests&gt;</del> <ins>Urges</ins> States'
    """
    parts = []
    for op, words in ops:
        if op == "equal":
            parts.append(escape(words))
        else:
            tag = "del" if op == "delete" else "ins"
            parts.append(Markup(f"<{tag}>{escape(words)}</{tag}>"))  # the words are escaped
    return Markup(" ").join(parts)
