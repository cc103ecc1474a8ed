"""The commands of series and text reuse: ``unkg series``, ``unkg diff``, ``unkg history``, ``unkg derive``.

Registered on the ``unkg`` group by ``unkg.cli`` (so its error handling applies: a known cause
is one ``Error:`` line and exit status 1).
"""

from __future__ import annotations

import json
import os
import sys

import click

from unkg.cli import _bounded, _open, query_limits, store_option
from unkg.errors import SeriesError
from unkg.series import Text, align_texts, history, members
from unkg.series.align import SCORERS
from unkg.series.members import Corpus, file_corpus, store_corpus
from unkg.series.render import inline, terminal


def _colour_option(f):
    return click.option(
        "--color/--no-color",
        "colour",
        default=None,
        help="Colour the differences (default: when the output is a terminal).",
    )(f)


def _colour(colour: bool | None) -> bool:
    return sys.stdout.isatty() if colour is None else colour


def _store_corpus(store_path: str | None, timeout: float, max_memory: int) -> Corpus | None:
    """The store's texts, or None (said on stderr) when there is no store."""
    from unkg.store import default_store_path

    path = store_path or str(default_store_path())
    if not os.path.isdir(path):
        click.echo(f"unkg: no store at {path}: the registry's members only, no texts", err=True)
        return None
    with _open(store_path, read_only=True) as kg, _bounded(timeout, max_memory):
        return store_corpus(kg.store)


@click.command(name="series")
@click.argument("symbol")
@click.option("--all", "show_all", is_flag=True, help="List every member; by default a run of members before the first the corpus holds is shortened.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the members with their evidence.")
@store_option
@query_limits
def series_command(symbol: str, show_all: bool, as_json: bool, store_path: str | None, timeout: float, max_memory: int) -> None:
    """The members of the series of resolution SYMBOL, oldest first: date, title, whether the corpus
    holds its text, and the evidence (registry: the same normalised title; title: a text of the
    corpus with that title; text: a member's text names it as its predecessor).

    \b
        unkg series A/RES/80/104
        unkg series "S/RES/1919 (2010)" --json
    """
    corpus = _store_corpus(store_path, timeout, max_memory)
    symbol = _typed(symbol)
    found = members(symbol, corpus)
    if as_json:
        click.echo(json.dumps({"symbol": symbol, "members": [m.to_json() for m in found]}, ensure_ascii=False, indent=1))
        return
    held = [i for i, m in enumerate(found) if m.in_corpus]
    start = 0 if show_all or not held else max(0, held[0] - 2)
    if start:
        first, last = found[0], found[start - 1]
        click.echo(f"  ... {start} earlier member(s) not in the corpus: {first.symbol} ({first.date or '?'}) to {last.symbol} ({last.date or '?'}); --all lists them")
    for m in found[start:]:
        where = "in the corpus" if m.in_corpus else f"not in the corpus: `unkg fetch {m.symbol}`"
        click.echo(f"{m.symbol:<18} {m.date or '':<10}  {m.title or ''}")
        click.echo(f"{'':<18} {where}; {'; '.join(m.evidence)}")
    click.echo(f"{len(found)} member(s), {len(held)} in the corpus")


def _typed(name: str) -> str:
    """A resolution as a person types it ("resolution 61/165", "a/res/61/ 165", "S/RES/1919 (2010)"), read by
    the one look-up (``unkg.lookup.parse``); else the registry's spelling; else as given."""
    from unkg.lookup import parse
    from unkg.registry import Registry

    found = parse(name)
    return found.target if found else (Registry.canonical(name) or name)


def _text(name: str, corpus: Corpus | None) -> Text:
    """A text named by a file path, else by a symbol the store holds."""
    if os.path.isfile(name):
        return next(iter(file_corpus([name]).texts.values()))
    canonical = _typed(name)
    text = corpus.get(canonical) if corpus else None
    if text is None:
        raise SeriesError(f"{name}: neither a file nor a document whose text the store holds (unkg ingest FILE, or unkg fetch {canonical} --ingest)")
    return text


@click.command()
@click.argument("earlier")
@click.argument("later")
@click.option("--full", is_flag=True, help="Every paragraph with its whole text, unchanged ones too.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the counts and every match with its difference.")
@click.option("--method", type=click.Choice(sorted(SCORERS)), default="rapidfuzz", show_default=True, help="How paragraphs are scored.")
@_colour_option
@store_option
@query_limits
def diff(
    earlier: str, later: str, full: bool, as_json: bool, method: str, colour: bool | None, store_path: str | None,
    timeout: float, max_memory: int,
) -> None:  # fmt: skip
    """What changed from EARLIER to LATER, paragraph by paragraph: each paragraph of LATER
    unchanged, edited (with the word-level difference), moved or new, each of EARLIER without
    a successor dropped. EARLIER and LATER are files, or symbols whose texts the store holds.
    Deleted words are shown [-so-], inserted ones {+so+} (in colour on a terminal).

    \b
        unkg diff A/RES/79/113 A/RES/80/104
        unkg diff old.pdf new.txt --full --no-color
    """
    needs_store = not (os.path.isfile(earlier) and os.path.isfile(later))
    corpus = _store_corpus(store_path, timeout, max_memory) if needs_store else None
    a, b = _text(earlier, corpus), _text(later, corpus)
    alignment = align_texts(a, b, method=method)
    if as_json:
        click.echo(json.dumps(alignment.to_json(), ensure_ascii=False, indent=1))
        return
    for line in terminal(alignment, _colour(colour), full):
        click.echo(line, color=_colour(colour))


@click.command(name="history")
@click.argument("symbol")
@click.argument("paragraph")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the steps, latest first.")
@_colour_option
@store_option
@query_limits
def history_command(
    symbol: str, paragraph: str, as_json: bool, colour: bool | None, store_path: str | None, timeout: float, max_memory: int
) -> None:  # fmt: skip
    """Paragraph PARAGRAPH (op3, pp2) of resolution SYMBOL back through its series: how it came from
    each earlier member the store holds, to where it first appears.

    \b
        unkg history A/RES/80/104 op6
    """
    corpus = _store_corpus(store_path, timeout, max_memory)
    if corpus is None:
        raise SeriesError("history needs the texts of the series: ingest them into a store first (unkg ingest FILES)")
    canonical = _typed(symbol)
    steps = history(canonical, paragraph, corpus)
    if as_json:
        rows = [
            {
                "symbol": s.symbol,
                "paragraph": s.label,
                "change": s.change,
                "earlier": s.earlier,
                "earlier_paragraph": s.match.earlier.label if s.match and s.match.earlier else None,
                "similarity": round(s.match.similarity, 4) if s.match else None,
                "diff": [list(op) for op in s.match.diff()] if s.match and s.change in ("edited", "moved") else None,
                "missing": list(s.missing),
            }
            for s in steps
        ]
        click.echo(json.dumps({"symbol": canonical, "paragraph": paragraph, "steps": rows}, ensure_ascii=False, indent=1))
        return
    paint = _colour(colour)
    first = steps[-1]
    for s in steps:
        if s.match is None:
            gap = f"; {len(s.missing)} earlier member(s) not in the corpus (the last: {s.missing[-1]})" if s.missing else ""
            click.echo(f"{s.symbol} {s.label}: the earliest text of the series in the corpus{gap}")
            text = next(u.text for u in corpus.get(s.symbol).units if u.label == s.label)  # type: ignore[union-attr]
            click.echo(f"    {text}")
            continue
        gap = f" ({', '.join(s.missing)} not in the corpus)" if s.missing else ""
        source = f"{s.earlier} {s.match.earlier.label}" if s.match.earlier else s.earlier
        if s.change == "new":
            click.echo(f"{s.symbol} {s.label}: new, not in {s.earlier}{gap}")
            click.echo(f"    {s.match.later.text}")  # type: ignore[union-attr]
        elif s.change == "unchanged":
            click.echo(f"{s.symbol} {s.label}: unchanged from {source}{gap}")
        else:
            click.echo(f"{s.symbol} {s.label}: {s.change} ({s.match.similarity:.2f}) from {source}{gap}")
            click.echo(f"    {inline(s.match.diff(), paint)}", color=paint)
    if first.change == "new" and first.missing:
        click.echo(
            f"first appears in {first.symbol} (as {first.label}) among the texts the corpus holds; it may be older: "
            f"{', '.join(first.missing)} between it and {first.earlier} are not in the corpus"
        )
    elif first.change == "new":
        click.echo(f"first appears in {first.symbol} (as {first.label})")
    else:
        click.echo(f"first appears in {first.symbol} or earlier (as {first.label}); the corpus holds no earlier text")


@click.command()
@click.argument("symbols", nargs=-1)
@click.option("--quiet", is_flag=True, help="No line per document.")
@store_option
def derive(symbols: tuple[str, ...], quiet: bool, store_path: str | None) -> None:
    """Store the paragraphs of every series member the store holds and how each derives from the
    nearest earlier member it holds (unchanged, edited, moved, new; the earlier paragraphs
    dropped), in each document's own graph; with SYMBOLS, only their series. Run it again after
    ingesting new members; re-ingesting a changed file drops what was derived for it.

    \b
        unkg derive
        unkg derive A/RES/80/104 "S/RES/1919 (2010)"
    """
    from unkg.registry import Registry
    from unkg.series.derive import derive as run

    wanted = [Registry.canonical(s) or s for s in symbols] or None
    with _open(store_path) as kg:
        result = run(kg.store, wanted, None if quiet else lambda s: click.echo(f"derived {s}", err=True))
    for reason in result.failed:
        click.echo(f"unkg: {reason}", err=True)
    click.echo(
        f"{result.documents} document(s) of {result.series} series: {result.paragraphs} paragraphs, "
        f"{result.pairs} pair(s) aligned"
    )
    if result.failed:
        raise SystemExit(1)


COMMANDS = (series_command, diff, history_command, derive)
