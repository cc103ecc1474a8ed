"""Two layouts of one resolution: the 80 ODS PDFs of ga-78-80, PyMuPDF's text of each (``texts.jsonl.xz``)
aligned with unkg's own reading of the PDF (PDFium) and with pdftotext's (``pdftotext PDF -``, when
installed). A pair agrees when every paragraph aligns as unchanged and both give as many.

    python benchmarks/align_layouts.py [--corpus ../shared/corpus] [--show]
"""

from __future__ import annotations

import argparse
import json
import lzma
import shutil
import subprocess
from pathlib import Path

from unkg.read import read
from unkg.series.align import align
from unkg.series.units import text_units

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--show", action="store_true", help="list what differs in each pair that does not agree")
    args = parser.parse_args()
    with lzma.open(args.corpus / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
        pymupdf = {row["symbol"]: row["text"] for row in map(json.loads, lines)}
    pdfs = sorted((args.corpus / "ga-78-80" / "pdf").glob("*.pdf"))
    layouts = {"pdfium": lambda pdf: read(str(pdf)).text}
    if shutil.which("pdftotext"):
        layouts["pdftotext"] = lambda pdf: subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    agree = dict.fromkeys(layouts, 0)
    for pdf in pdfs:
        symbol = pdf.stem.replace("_", "/")
        _, reference = text_units(pymupdf[symbol])
        for name, layout in layouts.items():
            _, other = text_units(layout(pdf))
            matches = align(reference, other).matches
            if len(reference) == len(other) and all(m.change == "unchanged" for m in matches):
                agree[name] += 1
            elif args.show:
                print(symbol, name, len(reference), len(other))
                for m in matches:
                    if m.change != "unchanged":
                        print("   ", m.change, m.later and m.later.label, m.earlier and m.earlier.label)
    for name, n in agree.items():
        print(f"PyMuPDF and {name}: {n} of {len(pdfs)} PDFs give the same paragraphs, all unchanged")


if __name__ == "__main__":
    main()
