"""Readers: pages per second per format, and the PDF libraries compared in one run.

For PDF, four ways of reading the same files are timed and scored in the
same run:

- ``unkg`` — ``unkg.read`` (pypdfium2, then the layout cleanup of
  ``unkg.read.layout``): what ``unkg extract`` uses;
- ``pypdfium2 raw`` — PDFium's text of each page, nothing cleaned;
- ``pdfplumber`` — ``page.extract_text()`` of each page;
- ``pdfminer.six`` — ``pdfminer.high_level.extract_text`` per page.

Fidelity is what matters downstream: each library's text goes through the
same extraction (``unkg.extract_source``) and is scored against the
hand-made gold of the dev PDFs (``tests/gold/dev.jsonl`` and
``heldout.jsonl``, PDF rows), as precision and recall of each document's
set of targets, the shared scorer's rule. Speed is pages per second of
reading alone (best of ``--repeat`` runs; one run for the slow libraries).

Word (.docx) and HTML: ``unkg.read`` on the real OHCHR .docx of the dev
corpus and on the generated fixtures (tests/fixtures/formats); python-docx,
when installed, is timed on the same .docx files for comparison (body
paragraphs and tables only: it has no footnotes). Pages of a .docx are the
count Word stored (docProps/app.xml) or, for the fixtures, the pages of the
PDF rendering of the same document; an HTML page (and the plain-text seed it was
rendered from) counts the pages of the PDF rendering of the same document.

    python benchmarks/read_throughput.py            # needs pdfplumber (brings pdfminer.six); python-docx optional
    python benchmarks/read_throughput.py --repeat 3 --json out.json
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from unkg.extract import extract_source
from unkg.models import Source
from unkg.read import read

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
DEV = CORPUS / "dev"
FORMATS = ROOT / "tests" / "fixtures" / "formats"
GOLD = [ROOT / "tests" / "gold" / "dev.jsonl", ROOT / "tests" / "gold" / "heldout.jsonl"]


def pdf_pages(path: Path) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return len(pdf)
    finally:
        pdf.close()


# -- the PDF readers, each giving the text of a file (pages joined by a form feed)
def read_unkg(path: Path) -> Source:
    return read(path)  # the Source: its text and the footnote markers the layout showed


def read_pdfium_raw(path: Path) -> str:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        return "\n\f".join(pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf)))
    finally:
        pdf.close()


def read_pdfplumber(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        return "\n\f".join(page.extract_text() or "" for page in pdf.pages)


def read_pdfminer(path: Path) -> str:
    from pdfminer.high_level import extract_text

    return extract_text(str(path))  # pdfminer separates pages with a form feed itself


def as_source(name: str, text: str | Source) -> Source:
    if isinstance(text, Source):
        return text
    return Source(name, text, hashlib.sha256(text.encode()).hexdigest())


PDF_READERS: dict[str, Callable[[Path], str | Source]] = {
    "unkg (pypdfium2 + layout)": read_unkg,
    "pypdfium2 raw": read_pdfium_raw,
    "pdfplumber": read_pdfplumber,
    "pdfminer.six": read_pdfminer,
}


def gold_rows() -> list[dict]:
    rows = []
    for gold in GOLD:
        for line in gold.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                if row["file"].endswith(".pdf"):
                    rows.append(row)
    return rows


def score(texts: dict[str, str | Source], rows: list[dict]) -> tuple[float, float, int, int, int, int]:
    """Precision, recall, tp, fp, fn of the extraction run on each text (the scorer's set rule), and mentions."""
    tp = fp = fn = mentions = 0
    for row in rows:
        citations = extract_source(as_source(row["file"], texts[row["file"]])).citations
        mentions += len(citations)
        found = {c.target for c in citations}
        required, optional = set(row["required"]), set(row.get("optional", []))
        tp += len(found & required) + len(found & optional)
        fp += len(found - required - optional)
        fn += len(required - found)
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn, mentions


def all_pairs(texts: dict[str, str | Source]) -> set[tuple[str, str]]:
    """(file, target) of every citation found in every text, gold or not (not scored)."""
    pairs = set()
    for name, text in texts.items():
        pairs.update((name, c.target) for c in extract_source(as_source(name, text)).citations)
    return pairs


def timed(fn: Callable[[Path], object], files: list[Path], repeat: int) -> tuple[float, list]:
    best, out = float("inf"), []
    for _ in range(repeat):
        start = time.perf_counter()
        out = [fn(f) for f in files]
        best = min(best, time.perf_counter() - start)
    return best, out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3, help="runs of the fast readers; the fastest counts")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = ap.parse_args()
    if not DEV.is_dir():
        print(f"dev corpus absent: {DEV}", file=sys.stderr)
        return 2
    results: dict[str, dict] = {}

    pdfs = sorted(DEV.glob("*.pdf"))
    pages = sum(pdf_pages(p) for p in pdfs)
    rows = gold_rows()
    print(f"PDF: {len(pdfs)} dev files, {pages} pages; fidelity on the {len(rows)} PDF documents of the gold")
    print(
        f"{'reader':<36}{'seconds':>9}{'pages/s':>10}{'precision':>11}{'recall':>8}{'mentions':>10}   tp/fp/fn"
        "   targets in all 20 (vs unkg: only here / only in unkg)"
    )
    reference: set[tuple[str, str]] | None = None
    for name, fn in PDF_READERS.items():
        try:
            repeat = args.repeat if "pdfium" in name or name.startswith("unkg") else 1
            seconds, texts = timed(fn, pdfs, repeat)
        except ImportError as exc:
            print(f"{name:<36}  not installed ({exc.name})")
            continue
        by_file = {f"dev/{p.name}": t for p, t in zip(pdfs, texts, strict=True)}
        p, r, tp, fp, fn_, mentions = score(by_file, rows)
        results[f"pdf/{name}"] = {
            "seconds": seconds,
            "pages": pages,
            "pages_per_s": pages / seconds,
            "precision": p,
            "recall": r,
            "mentions": mentions,
        }
        pairs = all_pairs(by_file)
        reference = pairs if reference is None else reference
        results[f"pdf/{name}"]["targets_all"] = len(pairs)
        results[f"pdf/{name}"]["only_here"] = sorted(f"{f} {t}" for f, t in pairs - reference)
        results[f"pdf/{name}"]["only_in_unkg"] = sorted(f"{f} {t}" for f, t in reference - pairs)
        print(
            f"{name:<36}{seconds:>9.2f}{pages / seconds:>10.1f}{p:>11.3f}{r:>8.3f}{mentions:>10}   {tp}/{fp}/{fn_}"
            f"   {len(pairs)} ({len(pairs - reference)} / {len(reference - pairs)})"
        )

    # Word and HTML: pages of the same document's PDF rendering, or Word's own count.
    print()
    generated = sorted(p.stem for p in FORMATS.glob("A_*.pdf"))
    rendered_pages = {stem: pdf_pages(FORMATS / f"{stem}.pdf") for stem in generated}
    docx_files = [(DEV / "OHCHR_UPR34_SVN_thematic_recommendations.docx", None)] + [
        (FORMATS / f"{stem}.docx", rendered_pages[stem]) for stem in generated
    ]
    docx_pages = 0
    for path, count in docx_files:
        docx_pages += count or int(read(path).metadata.get("pages", "1"))
    html_files = [FORMATS / f"{stem}.html" for stem in generated]
    html_pages = sum(rendered_pages.values())
    print(f"{'format / reader':<36}{'files':>6}{'pages':>7}{'seconds':>9}{'pages/s':>10}")
    seeds = [ROOT / "corpus" / "sample" / f"{stem}.txt" for stem in generated]
    rows_out = [
        ("txt / unkg (decode)", seeds, html_pages, lambda p: read(p).text),
        ("docx / unkg (zipfile+ElementTree)", [p for p, _ in docx_files], docx_pages, lambda p: read(p).text),
        ("html / unkg (html.parser)", html_files, html_pages, lambda p: read(p).text),
    ]
    try:
        import docx  # python-docx

        def python_docx(path: Path) -> str:
            d = docx.Document(str(path))
            parts = [p.text for p in d.paragraphs]
            parts += [c.text for t in d.tables for row in t.rows for c in row.cells]
            return "\n\n".join(parts)

        rows_out.insert(2, ("docx / python-docx (no notes)", [p for p, _ in docx_files], docx_pages, python_docx))
    except ImportError:
        print("  (python-docx not installed: not compared)")
    for name, files, count, fn in rows_out:
        seconds, _ = timed(fn, files, args.repeat)
        results[name] = {"seconds": seconds, "pages": count, "pages_per_s": count / seconds}
        print(f"{name:<36}{len(files):>6}{count:>7}{seconds:>9.3f}{count / seconds:>10.1f}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
