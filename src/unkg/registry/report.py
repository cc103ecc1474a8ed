"""The registry's answers as text for a person: a record with the source of each fact, and "not known"."""

from __future__ import annotations

import difflib
from typing import Any

from unkg.registry import Record, Registry

# The facts in the order a reader wants them, with their labels.
LABELS = {
    "title": "title",
    "date": "adopted",
    "meeting": "meeting",
    "committee": "basis",
    "body": "body",
    "report": "report",
    "draft": "draft",
    "adopted_as": "adopted as",
    "agenda_item": "agenda item",
    "agenda": "agenda",
    "subjects": "subjects",
    "votes": "votes",
    "sponsors": "sponsors",
    "session": "session",
    "status": "status",
    "parts": "parts",
    "roll_calls": "roll calls",
    "issues": "issues",
    "record": "record",
}


def value_text(name: str, value: Any) -> str:
    """A fact's value as one line.

    >>> value_text("votes", {"yes": 15, "no": 0, "abstain": 0, "recorded": True})
    '15 in favour, 0 against, 0 abstentions (recorded vote)'
    >>> value_text("votes", {"recorded": False})
    'adopted without a recorded vote'
    """
    if name == "votes":
        if not value.get("recorded") and value.get("yes") is None:
            return "adopted without a recorded vote"
        counts = ", ".join(
            f"{value.get(k) if value.get(k) is not None else '?'} {label}"
            for k, label in (("yes", "in favour"), ("no", "against"), ("abstain", "abstentions"))
        )
        return counts + (" (recorded vote)" if value.get("recorded") else "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def describe(reg: Registry, record: Record) -> str:
    """Every fact of a record, each with its source file; then its parts."""
    lines = [f"{record.symbol}  ({record.kind})"]
    width = max(len(label) for label in LABELS.values())
    names = [n for n in LABELS if n in record.facts] + sorted(set(record.facts) - set(LABELS))
    for name in names:
        fact = record.facts[name]
        lines.append(f"  {LABELS.get(name, name):<{width}}  {value_text(name, fact.value)}  [{fact.source}]")
    for part, facts in record.parts.items():
        lines.append(f"  part {part}:")
        for name in (n for n in LABELS if n in facts):
            lines.append(
                f"    {LABELS[name]:<{width - 2}}  {value_text(name, facts[name].value)}  [{facts[name].source}]"
            )
    members = reg.series(record.symbol)
    if len(members) > 1:
        lines.append(f"  series ({len(members)} in the registry, by title): " + ", ".join(m.symbol for m in members))
    return "\n".join(lines)


def not_known(reg: Registry, symbol: str) -> str:
    """Why a symbol has no record: what it was read as, and what its absence means."""
    canonical = reg.canonical(symbol)
    if canonical is None:
        return f"{symbol!r} is not a symbol or resolution the registry can read"
    known = reg.exists(canonical)
    if known is False:
        same = reg.same_number(canonical)
        why = f"that number is {same}" if same else "the registry holds Security Council resolutions 1-2798 whole"
        return f"{canonical} does not exist ({why})"
    return f"{canonical} is not in the registry (which is partial: that does not mean it does not exist)"


def did_you_mean(reg: Registry, symbol: str, n: int = 5) -> str:
    """'; did you mean: ...' with the registry's symbols closest to what was typed, or ''."""
    canonical = reg.canonical(symbol) or symbol.strip().upper()
    head = canonical.split("/")[0] + "/"
    pool = [s for s in reg.records if s.startswith(head)] or list(reg.records)
    close = difflib.get_close_matches(canonical, pool, n=n, cutoff=0.75)
    same = reg.same_number(canonical)
    if same:
        close = [same, *(c for c in close if c != same)][:n]
    return f"; did you mean: {', '.join(close)}" if close else ""
