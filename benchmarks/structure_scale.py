"""Own identity, running heads and paragraph labels at scale, on the shared corpora (issue 14, classes 1, 6, 7).

Counts what the extractor makes of every document of ``../shared/corpus/sc-1946-1994/`` (900 Security
Council resolutions, CR-UNSC plain text) and ``../shared/corpus/ga-78-80/texts.jsonl.xz`` (887 General
Assembly resolutions, PyMuPDF's text of the ODS PDFs)::

    python benchmarks/structure_scale.py [--jobs 8] [--show 5]

SC: documents whose own symbol is missing or wrong (the file name tells it: ``S_RES_0187_1964.txt`` is
S/RES/187(1964)), and citations of the document itself. GA, against each line's ``symbol``:

(a) documents whose own symbol is missing or wrong;
(b) citations whose target is the document itself;
(c) citations inside a running head: a block of non-blank lines, past the first page, holding a line that
    is the document's symbol alone (the symbol, the title repeated, job and page numbers);
(d) citations under a preambular label (``pp3``) whose paragraph opens with a finite verb ("Requests",
    "Also welcomes"; a preambular paragraph opens with a participle or an adjective);
(e) documents with no citation labelled ``op`` although the text numbers its operative paragraphs
    ("1." on a line after "The General Assembly,") and cites something in the body after the first.

``--show N`` prints N examples of each count.
"""

from __future__ import annotations

import argparse
import bisect
import hashlib
import json
import lzma
import re
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from unkg.catalogue import default_catalogue
from unkg.cite import cite
from unkg.models import Source
from unkg.structure import FINITE_OPENING_RE, parse

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
SC_NAME_RE = re.compile(r"S_RES_0*(?P<num>\d+)_(?P<year>\d{4})\.txt")
FIRST_OPERATIVE_RE = re.compile(r"(?m)^[ \t]*1\.[ \t]*(?:\S|$)")
OPENING_RE = re.compile(r"(?m)^[ \t]*The General Assembly,?[ \t]*$")


def _source(name: str, text: str) -> Source:
    return Source(name, text, hashlib.sha256(text.encode("utf-8")).hexdigest())


BLANK_LINE_RE = re.compile(r"\n[ \t]*(?=\n)")


def running_heads(text: str, symbol: str) -> list[tuple[int, int]]:
    """Blocks of non-blank lines past the first 1,500 characters that hold the symbol alone on a line."""
    blanks = [m.start() for m in BLANK_LINE_RE.finditer(text)]
    spans = []
    for m in re.finditer(rf"(?m)^[ \t]*{re.escape(symbol)}[ \t]*$", text):
        if m.start() < 1500:
            continue
        i = bisect.bisect_left(blanks, m.start())
        spans.append((blanks[i - 1] if i else 0, blanks[i] if i < len(blanks) else len(text)))
    return spans


def sc_one(path: str) -> dict[str, object]:
    text = Path(path).read_text(encoding="utf-8")
    m = SC_NAME_RE.fullmatch(Path(path).name)
    assert m
    expected = f"S/RES/{int(m.group('num'))}({m.group('year')})"
    doc = parse(_source(path, text))
    citations = cite(doc, default_catalogue())
    return {
        "name": Path(path).name,
        "symbol": doc.symbol,
        "expected": expected,
        "self": [c.text for c in citations if c.target == expected],
    }


def ga_one(item: tuple[str, str]) -> dict[str, object]:
    symbol, text = item
    doc = parse(_source(symbol, text))
    citations = cite(doc, default_catalogue())
    heads = running_heads(text, symbol)
    by_label = {p.label: p for p in doc.paragraphs}
    finite_pp = []
    for c in citations:
        p = by_label.get(c.paragraph or "")
        if c.footnote or not p or not p.label.startswith("pp"):
            continue
        if FINITE_OPENING_RE.match(text, p.content, min(p.end, p.content + 200)):  # "Requests", not "Conscious"
            finite_pp.append(f"{c.paragraph} {text[p.content : p.content + 40]!r} -> {c.target}")
    opening = OPENING_RE.search(text)
    first_op = FIRST_OPERATIVE_RE.search(text, opening.end()) if opening else None
    no_op = bool(
        first_op
        and not any((c.paragraph or "").startswith("op") for c in citations)
        and any(c.start > first_op.start() and not c.footnote for c in citations)
    )
    return {
        "name": symbol,
        "symbol": doc.symbol,
        "self": [c.text for c in citations if c.target == symbol],
        "head": [f"{c.target} {c.text!r}" for c in citations if any(s <= c.start < e for s, e in heads)],
        "finite_pp": finite_pp,
        "no_op": no_op,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--jobs", type=int, default=8)
    parser.add_argument("--show", type=int, default=0, help="examples to print for each count")
    args = parser.parse_args()
    sc_paths = sorted(str(p) for p in (args.corpus / "sc-1946-1994").glob("*.txt"))
    with lzma.open(args.corpus / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
        ga_items = [((d := json.loads(line))["symbol"], d["text"]) for line in lines if line.strip()]
    with ProcessPoolExecutor(args.jobs) as pool:
        sc = list(pool.map(sc_one, sc_paths, chunksize=20))
        ga = list(pool.map(ga_one, ga_items, chunksize=20))

    def report(title: str, rows: list[dict[str, object]], hit: str, count_items: bool = False) -> None:
        bad = [r for r in rows if r[hit]]
        items = sum(len(r[hit]) for r in bad) if count_items else len(bad)  # type: ignore[arg-type]
        print(f"{title}: {items}" + (f" in {len(bad)} documents" if count_items else f" of {len(rows)}"))
        for r in bad[: args.show]:
            print(f"    {r['name']}: {r[hit] if count_items else r.get('symbol')}")

    for r in sc:
        r["wrong"] = r["symbol"] != r["expected"]
    for r in ga:
        r["wrong"] = r["symbol"] != r["name"]
    report("SC  own symbol missing or wrong", sc, "wrong")
    report("SC  citations of the document itself", sc, "self", True)
    report("GA  (a) own symbol missing or wrong", ga, "wrong")
    report("GA  (b) citations of the document itself", ga, "self", True)
    report("GA  (c) citations inside running heads", ga, "head", True)
    report("GA  (d) citations under pp labels whose paragraph opens with a finite verb", ga, "finite_pp", True)
    report("GA  (e) documents with numbered operative paragraphs and no op citation", ga, "no_op")


if __name__ == "__main__":
    main()
