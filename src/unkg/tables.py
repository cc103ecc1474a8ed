"""Tables: the one writer of every table the command line prints, for the terminal, CSV and JSON.

On the terminal a table fits the width (``$COLUMNS``, else the terminal's,
else 100 columns): rich lays it out, prose (quoted text, titles, names) wraps
at word boundaries, and an identifier too long for its column ends in a
visible "…" instead of being cut without a sign. Whitespace inside a cell
(a quote spanning a line break) becomes one space, so no value breaks the
layout. Works are shown by their symbol or key, other IRIs of unkg by their
path and IRIs of known vocabularies by prefixed names; ``iris=True`` keeps
them whole. CSV and JSON carry the IRIs whole, and JSON carries numbers and
booleans as such (``"start": 1366``).

>>> print(render(["work", "citations"], [["A/RES/60/169", 2], ["ICRMW", 11]], width=40), end="")
work          citations
───────────────────────
A/RES/60/169          2
ICRMW                11
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from collections.abc import Sequence
from typing import Any
from urllib.parse import unquote

import pyoxigraph as ox
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from unkg import iri
from unkg.rdf import PREFIXES

__all__ = ["FORMATS", "render", "render_solutions", "short", "terminal_width", "value"]

FORMATS = ("table", "csv", "json")
XSD = PREFIXES["xsd"]
_INTEGERS = {
    XSD + name
    for name in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
        "negativeInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte", "gYear",
    )
}  # fmt: skip
_DECIMALS = {XSD + "decimal", XSD + "double", XSD + "float"}
_NUMBER_RE = re.compile(r"^-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$")  # a number already formatted ("0.0352")
_PROSE_LENGTH = 24  # a column whose values hold spaces and reach this length wraps; others end in "…"


def terminal_width() -> int:
    """The width tables fit: ``$COLUMNS``, else the terminal's, else 100."""
    return shutil.get_terminal_size((100, 24)).columns


def short(term: str) -> str:
    """How a table names an IRI: a work by its symbol or key, unkg's others by their path, a vocabulary's term
    by its prefixed name; anything else as it is.

    >>> short("https://w3id.org/unkg/doc/S/RES/1325(2000)"), short("https://w3id.org/unkg/instrument/ICRMW")
    ('S/RES/1325(2000)', 'ICRMW')
    >>> short("http://purl.org/spar/cito/citesAsAuthority"), short("https://w3id.org/unkg/citation/28/2520-2596")
    ('cito:citesAsAuthority', 'citation/28/2520-2596')
    """
    if term.startswith(iri.DOC):
        return unquote(term[len(iri.DOC) :])
    if term.startswith(iri.INSTRUMENT):
        return unquote(term[len(iri.INSTRUMENT) :])
    for prefix, namespace in PREFIXES.items():
        if term.startswith(namespace) and len(term) > len(namespace):
            return f"{prefix}:{term[len(namespace) :]}"
    if term.startswith(iri.BASE):
        return unquote(term[len(iri.BASE) :])
    return term


def value(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Any:
    """The JSON value of an RDF term: a number or boolean for a typed literal that is one, else its text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value
        try:
            if datatype in _INTEGERS:
                return int(term.value)
            if datatype in _DECIMALS:
                return float(term.value)
        except ValueError:
            return term.value
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        return term.value
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return " ".join(str(v).split())


def render(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    fmt: str = "table",
    title: str | None = None,
    width: int | None = None,
) -> str:
    """A table as text: for the terminal (``fmt='table'``, fitting ``width``), CSV, or JSON (a list of objects).

    Values are shown as given: numbers (``int``, ``float``) align right on the terminal and stay numbers in
    JSON; None is empty. Short values never wrap (one too long for its column ends in "…"), prose wraps.
    """
    if fmt == "json":
        return json.dumps([dict(zip(header, r, strict=True)) for r in rows], ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([_cell(v) if isinstance(v, bool) else ("" if v is None else v) for v in r] for r in rows)
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown table format {fmt!r}; choose one of {FORMATS}")
    console = Console(
        file=io.StringIO(),
        width=width or terminal_width(),
        color_system=None,
        force_terminal=False,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )
    cells = [[_cell(v) for v in r] for r in rows]
    specs = _layout(header, rows, cells, console.width)
    if _cramped(specs, header, cells):
        return _records(console, header, cells, title)
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for name, spec in zip(header, specs, strict=True):
        table.add_column(name, **spec)
    for r in cells:
        table.add_row(*(Text(c) for c in r))
    console.print(table)
    return _text(console)


def _text(console: Console) -> str:
    return "\n".join(line.rstrip() for line in console.file.getvalue().splitlines()) + "\n"  # type: ignore[attr-defined]


def _cramped(specs: list[dict], header: Sequence[str], cells: list[list[str]]) -> bool:
    """Whether a column that does not wrap is cut below its whole width (or 12) or its header: then one record
    per row reads better than a table of stumps."""
    for i, spec in enumerate(specs):
        longest = max([len(header[i])] + [len(c[i]) for c in cells])
        if spec["no_wrap"] and spec["width"] < min(longest, max(12, len(header[i]))):
            return True
    return False


def _records(console: Console, header: Sequence[str], cells: list[list[str]], title: str | None) -> str:
    """A table too wide for the terminal, one record per row: each column's name, then its value, wrapped."""
    if title:
        console.print(Text(title))
    name_width = min(max(len(h) for h in header), max(8, console.width // 3))
    for n, row in enumerate(cells, 1):
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True, overflow="ellipsis", width=name_width)
        grid.add_column(overflow="fold", width=max(console.width - name_width - 2, 8))
        for name, cell in zip(header, row, strict=True):
            grid.add_row(Text(name), Text(cell))
        console.print(Text(f"── {n} of {len(cells)} " + "─" * max(0, min(console.width, 40) - 10 - len(str(n)) * 2)))
        console.print(grid)
    return _text(console)


_GAP = 2  # columns between two columns of a table (SIMPLE_HEAD without edges, collapsed padding)


def _layout(header: Sequence[str], rows: Sequence[Sequence[Any]], cells: list[list[str]], width: int) -> list[dict]:
    """Each column's width, alignment and overflow, so that the table fits ``width``.

    Numbers (and numbers already written out, "0.0352") align right. Prose (values with spaces, some long) wraps; other values never wrap. Past the width,
    prose columns give way first (down to 16 columns or their longest word), then the widest of the others, one
    column at a time, down to their header (at most 8); what no longer fits its column ends in "…".
    """
    specs = []
    natural, least = [], []
    for i, name in enumerate(header):
        column = [r[i] for r in rows]
        numeric = bool(column) and all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) or _NUMBER_RE.match(str(v))
            for v in column
        )
        longest = max((len(c[i]) for c in cells), default=0)
        prose = any(" " in c[i] for c in cells) and longest >= _PROSE_LENGTH
        natural.append(max(len(name), longest, 1))
        word = max((len(w) for c in cells for w in c[i].split()), default=1)
        least.append(max(min(16, natural[-1]), min(word, 24)) if prose else min(natural[-1], max(len(name), 3), 8))
        specs.append({"justify": "right" if numeric else "left", "no_wrap": not prose,
                      "overflow": "fold" if prose else "ellipsis"})  # fmt: skip
    widths = list(natural)
    room = width - _GAP * (len(header) - 1)
    order = sorted(range(len(header)), key=lambda i: (specs[i]["no_wrap"], -widths[i]))
    for i in order:  # prose first, then the widest others
        excess = sum(widths) - room
        if excess <= 0:
            break
        widths[i] = max(least[i], widths[i] - excess)
    while sum(widths) > room and any(w > least[i] for i, w in enumerate(widths)):
        widest = max(range(len(widths)), key=lambda i: widths[i] - least[i])
        widths[widest] -= 1
    for spec, w in zip(specs, widths, strict=True):
        spec["width"] = w
    return specs


def render_solutions(solutions: ox.QuerySolutions, fmt: str = "table", iris: bool = False) -> str:
    """The rows of a SPARQL SELECT as a table (see :func:`render`), with the count of rows on the terminal.

    On the terminal IRIs are shown short (:func:`short`) unless ``iris``; CSV and JSON keep them whole. On the
    terminal, unless ``iris``, a column with one value on every row is said once above the table, and an IRI
    column that another column shows already is left out.
    """
    names = [v.value for v in solutions.variables]
    rows, is_iri = [], [True] * len(names)
    for solution in solutions:
        row = []
        for i, name in enumerate(names):
            term = solution[name]
            v = value(term)
            if term is not None and not isinstance(term, ox.NamedNode):
                is_iri[i] = False
            if fmt == "table" and not iris and isinstance(term, ox.NamedNode):
                v = short(v)
            row.append(v)
        rows.append(row)
    if fmt != "table":
        return render(names, rows, fmt)
    caption = []
    if not iris and len(rows) > 1:
        shown = [[_cell(r[i]) for r in rows] for i in range(len(names))]
        keep = list(range(len(names)))
        for i in range(len(names)):
            if len(set(shown[i])) == 1 and shown[i][0]:  # the same on every row: said once, above
                caption.append(f"{names[i]}: {shown[i][0]}")
                keep.remove(i)
            elif is_iri[i] and any(shown[i] == shown[j] for j in keep if j != i):  # an IRI column another shows
                keep.remove(i)
        names = [names[i] for i in keep]
        rows = [[r[i] for i in keep] for r in rows]
    out = "".join(line + "\n" for line in caption) + render(names, rows, fmt)
    return out + f"({len(rows)} row{'' if len(rows) == 1 else 's'})\n"
