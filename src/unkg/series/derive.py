"""``unkg derive``: store the paragraphs of the series members the store holds and how each derives
from its predecessor (``unkg.series.rdf``), in each member's own source graph."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from pyoxigraph import NamedNode

from unkg import iri
from unkg.series import align_texts
from unkg.series.members import Text, consecutive, members, store_corpus
from unkg.series.rdf import derivation_quads, paragraph_quads, replace_update


@dataclass
class Derived:
    """What one run wrote: documents, pairs aligned, series, and the members that failed (with why)."""

    documents: int = 0
    pairs: int = 0
    series: int = 0
    paragraphs: int = 0
    failed: list[str] = field(default_factory=list)


def derive(store: object, symbols: Iterable[str] | None = None, progress: Callable[[str], None] | None = None) -> Derived:
    """Align each series member the store holds with the nearest earlier one it holds and store the
    result; ``symbols`` limits it to their series (default: every resolution the store holds)."""
    from unkg.errors import SeriesError

    corpus = store_corpus(store)
    wanted = list(symbols) if symbols is not None else sorted(corpus.texts)
    done: set[str] = set()
    out = Derived()
    for symbol in wanted:
        if symbol in done:
            continue
        series = members(symbol, corpus)
        held = [m for m in series if m.in_corpus and m.symbol not in done]
        done.update(m.symbol for m in series)
        if not held:
            continue
        out.series += 1
        before = {later.symbol: earlier for earlier, later, _ in consecutive(series)}
        for m in held:
            text: Text = m.text  # type: ignore[assignment]
            graph = NamedNode(iri.graph(text.path))
            source = NamedNode(iri.source(text.sha256 or ""))
            try:
                quads = list(paragraph_quads(m.symbol, text.units, graph, source))
                out.paragraphs += len(text.units)
                earlier = before.get(m.symbol)
                if earlier is not None and earlier.text is not None:
                    alignment = align_texts(earlier.text, text)
                    quads.extend(derivation_quads(alignment, graph, source, NamedNode(iri.source(earlier.text.sha256 or ""))))
                    out.pairs += 1
            except SeriesError as exc:
                out.failed.append(str(exc))
                continue
            store.update(replace_update(m.symbol, graph, quads))  # type: ignore[attr-defined]
            out.documents += 1
            if progress:
                progress(m.symbol)
    return out
