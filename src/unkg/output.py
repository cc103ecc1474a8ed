"""Formats of ``unkg extract``: the JSON Lines contract and a human report."""

from __future__ import annotations

import json
import textwrap

from unkg.iri import printable
from unkg.models import Extraction


def plural(n: int, noun: str, nouns: str | None = None) -> str:
    """'1 citation', '2 citations', '0 works': a count with its noun in the right number.

    >>> plural(1, "citation"), plural(2, "citation"), plural(1, "citing pair"), plural(3, "quad")
    ('1 citation', '2 citations', '1 citing pair', '3 quads')
    """
    return f"{n} {noun if n == 1 else (nouns or noun + 's')}"


def to_jsonl(extraction: Extraction) -> str:
    """One line of the extraction contract (DESIGN.md)."""
    return json.dumps(extraction.to_json(), ensure_ascii=False)


def to_human(extraction: Extraction, explain: bool = False) -> str:
    """A readable report of one document's citations; with ``explain``, also those the checks refused, and why."""
    lines = [f"== {printable(extraction.source)}"]
    if extraction.errors:
        lines.extend(f"   ERROR: {e}" for e in extraction.errors)
        return "\n".join(lines) + "\n"
    lines.append(
        f"   symbol: {extraction.symbol or '(not stated)'}"
        + (f"   organ: {extraction.metadata['organ']}" if extraction.metadata.get("organ") else "")
    )
    targets = sorted({c.target for c in extraction.citations})
    lines.append(f"   {plural(len(extraction.citations), 'citation')} of {plural(len(targets), 'work')}")
    for c in extraction.citations:
        where = c.paragraph or "-"
        if c.footnote:
            where += f" ({c.footnote})"
        if c.page:
            where += f" p.{c.page}"
        quoted = " ".join(c.text.split())
        lines.append(f"   {where:<12} {c.function or '':<22} {c.target}")
        detail = f'"{quoted}" [{c.start}:{c.end}]'
        if c.pinpoint:
            detail += f"  pinpoint: {c.pinpoint}"
        if c.via:
            detail += f"  via: {c.via}"
        lines.extend(textwrap.wrap(detail, width=100, initial_indent=" " * 16, subsequent_indent=" " * 18))
    if explain and extraction.dropped:
        lines.append(f"   {len(extraction.dropped)} refused by the checks against what is known:")
        for d in extraction.dropped:
            quoted = " ".join(d.citation.text.split())
            lines.extend(textwrap.wrap(f'"{quoted}" [{d.citation.start}:{d.citation.end}]: {d.reason}', width=100,
                                       initial_indent=" " * 6, subsequent_indent=" " * 8))  # fmt: skip
    elif extraction.dropped:
        lines.append(f"   ({len(extraction.dropped)} refused by the checks: --explain says which and why)")
    return "\n".join(lines) + "\n"
