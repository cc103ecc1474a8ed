"""The series of a network's resolutions, as the network page draws them: one timeline each.

For every resolution of the network whose text the corpus holds, its series is found as ``unkg
series`` finds it (:func:`unkg.series.members.members`: the registry's series, the same title, a
member's text naming its predecessor), each series once. A corpus read from the store with its
citations (``store_corpus(store, citations=True)``) reads no file: the text evidence comes from
the quotes the store keeps. A series of one member is none.

Each member carries its symbol, date, year, title and whether the corpus holds it; and, where
``unkg derive`` aligned it with its predecessor (stored query ``reports/series-changes``),
``changes``: the predecessor and how many paragraphs are new, edited, moved, unchanged, and how
many of the predecessor's were dropped.

>>> from unkg.series.members import Corpus, Text
>>> corpus = Corpus([Text("A/RES/61/165", "a.txt", "Protection of migrants", "2006-12-19",
...                       loader=lambda: "Recalling its resolutions on the protection of migrants, "
...                                      "the most recent of which is resolution 60/169,")])
>>> [m["symbol"] for m in series_of_works(["A/RES/61/165"], corpus)[0]["members"]]
['A/RES/60/169', 'A/RES/61/165']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from unkg.errors import SeriesError
from unkg.rdf import symbol_year
from unkg.series.members import Corpus, Member, members, store_corpus
from unkg.structure import organ_of_symbol

CHANGES = ("new", "edited", "moved", "unchanged", "dropped")


def store_changes(store: object) -> dict[str, dict[str, Any]]:
    """``{symbol: {"predecessor": ..., "new": n, ...}}`` for every member ``unkg derive`` aligned (``reports/series-changes``)."""
    from unkg.queries import get_query, run

    out: dict[str, dict[str, Any]] = {}
    for row in run(store, get_query("reports/series-changes")):  # type: ignore[arg-type]
        rec: dict[str, Any] = {"predecessor": row["predecessor"].value}
        rec.update({k: int(row[k].value) if row[k] is not None else 0 for k in CHANGES})
        out[row["symbol"].value] = rec
    return out


def series_of_works(
    works: Iterable[str], corpus: Corpus, changes: Mapping[str, Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The series of the resolutions among ``works`` that the corpus holds, each once, ordered by title.

    A series is ``{"title", "organ", "members": [...]}`` with its members oldest first (see the
    module).
    """
    changes = changes or {}
    done: set[str] = set()
    out = []
    for symbol in sorted(set(works)):
        if symbol in done or corpus.get(symbol) is None or "/RES/" not in symbol:
            continue
        try:
            found = members(symbol, corpus)
        except SeriesError:  # not a resolution after all (its symbol is no resolution's)
            continue
        done.update(m.symbol for m in found)
        if len(found) < 2:
            continue
        out.append(_series(found, changes))
    out.sort(key=lambda s: (s["title"].lower(), s["members"][0]["symbol"]))
    return out


def _series(found: list[Member], changes: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    # The series' title: the one most of its members carry (a text's own title may be cut short), the latest on a tie.
    count = Counter(m.title for m in found if m.title)
    title = max(reversed([m.title for m in found if m.title]), key=lambda t: count[t], default=None)
    rows = []
    for m in found:
        year = int(m.date[:4]) if m.date and m.date[:4].isdigit() else symbol_year(m.symbol)
        row: dict[str, Any] = {
            "symbol": m.symbol,
            "date": m.date,
            "year": year,
            "title": m.title,
            "in_corpus": m.in_corpus,
        }
        if m.symbol in changes:
            row["changes"] = dict(changes[m.symbol])
        rows.append(row)
    return {
        "title": title or found[-1].symbol,
        "organ": organ_of_symbol(found[-1].symbol),
        "members": rows,
    }


def store_series(store: object, works: Iterable[str]) -> list[dict[str, Any]]:
    """``series_of_works`` of the store's corpus (its citations read from the store, no file) and its ``unkg derive`` counts."""
    return series_of_works(works, store_corpus(store, citations=True), store_changes(store))
