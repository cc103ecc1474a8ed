"""A blind test set: documents drawn at random from ``../shared/corpus``, some cut to excerpts.

The draw is seeded and written as a manifest (where each document comes from, and the character range of
an excerpt), never as text: the corpora are not committed. ``materialise`` writes the documents of a
manifest into a folder as ``blind-NN.txt`` / ``blind-NN.pdf`` (names that say nothing of the document),
where an annotator who never sees the extractor's output writes the gold, and where
``score_extract.py --root`` scores ``unkg extract`` against it::

    python benchmarks/blind.py draw --seed 20261203 -o benchmarks/gold/blind-1.manifest.jsonl
    python benchmarks/blind.py materialise benchmarks/gold/blind-1.manifest.jsonl benchmarks/data/blind-1
    # two annotators write blind-1.a.jsonl and blind-1.b.jsonl; one gold under one rule:
    python benchmarks/blind.py gold benchmarks/gold/blind-1.a.jsonl benchmarks/gold/blind-1.b.jsonl \\
        -o benchmarks/gold/blind-1.jsonl [--strict]
    unkg extract --format jsonl benchmarks/data/blind-1 -o /tmp/pred.jsonl
    python ../shared/tools/score_extract.py --gold benchmarks/gold/blind-1.jsonl \\
        --root benchmarks/data/blind-1 --pred /tmp/pred.jsonl
    python benchmarks/blind.py labels --gold benchmarks/gold/blind-1.jsonl --pred /tmp/pred.jsonl \\
        --manifest benchmarks/gold/blind-1.manifest.jsonl --root benchmarks/data/blind-1

``labels`` scores the paragraph label and the function of each gold occurrence (see :func:`label_scores`).
"""

from __future__ import annotations

import argparse
import json
import lzma
import random
import re
import shutil
import tarfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpus"
# Documents of dev/ that the project's gold already holds (tests/gold/): not blind any more.
SEEN = {
    "S_RES_1590_2005.txt", "S_RES_1663_2006.txt", "S_RES_1706_2006.txt", "S_RES_1755_2007.txt",
    "S_RES_1812_2008.txt", "S_RES_1919_2010.txt", "UNGDC_BOL_03_1948.txt", "UNGDC_ECU_22_1967.txt",
    "UNGDC_MEX_04_1949.txt", "UNGDC_MEX_19_1964.txt", "UNGDC_SYR_30_1975.txt", "A_RES_73_3.pdf",
    "A_RES_73_6.pdf", "A_RES_73_7.pdf", "A_RES_73_8.pdf", "A_HRC_DEC_14_105.pdf",
    "A_HRC_WG.6_7_SVN_2_Corr.1.pdf", "A_HRC_14_15.pdf", "A_HRC_28_15_Add.1.pdf", "A_HRC_WG.6_7_SVN_1.pdf",
    "A_HRC_WG.6_7_SVN_3.pdf", "A_HRC_43_15.pdf", "A_HRC_59_15.pdf", "A_HRC_WG.6_34_SVN_3.pdf",
    "A_HRC_WG.6_48_SVN_1.pdf",
}  # fmt: skip
# (source, documents drawn, of which excerpts)
PLAN = (("sc", 12, 3), ("ga-text", 12, 6), ("ga-pdf", 5, 0), ("gd", 10, 4), ("dev-pdf", 3, 0))
EXCERPT = (2500, 6000)  # characters of an excerpt: between these, cut at line ends


def ga_texts(corpus: Path) -> dict[str, str]:
    """symbol -> text of the GA resolutions of ga-78-80 (PyMuPDF's text of the ODS PDF)."""
    with lzma.open(corpus / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
        return {(d := json.loads(line))["symbol"]: d["text"] for line in lines if line.strip()}


def gd_members(corpus: Path) -> list[str]:
    with tarfile.open(corpus / "scale" / "ungdc-1946-2023.tar.xz") as tar:
        return sorted(m.name for m in tar.getmembers() if m.isfile() and m.name.endswith(".txt"))


def gd_text(corpus: Path, member: str) -> str:
    with tarfile.open(corpus / "scale" / "ungdc-1946-2023.tar.xz") as tar:
        handle = tar.extractfile(member)
        assert handle is not None
        return handle.read().decode("utf-8", errors="replace")


def excerpt(text: str, rng: random.Random) -> tuple[int, int]:
    """A range of ``text`` that starts at a line start past its first fifth and ends at a line end."""
    length = rng.randint(*EXCERPT)
    if len(text) <= length * 1.5:
        return 0, len(text)
    start = rng.randint(len(text) // 5, len(text) - length)
    start = text.find("\n", start) + 1
    end = text.rfind("\n", start, start + length)
    return start, end if end > start else min(len(text), start + length)


def draw(corpus: Path, seed: int) -> list[dict[str, object]]:
    rng = random.Random(seed)
    sources = {
        "sc": sorted(p.name for p in (corpus / "sc-1946-1994").glob("*.txt")),
        "ga-text": sorted(ga_texts(corpus)),
        "ga-pdf": sorted(p.name for p in (corpus / "ga-78-80" / "pdf").glob("*.pdf")),
        "gd": gd_members(corpus),
        # not the two session reports of ~800,000 characters: no annotator reads one whole
        "dev-pdf": sorted(
            p.name for p in (corpus / "dev").glob("*.pdf") if p.name not in SEEN and p.stat().st_size < 600_000
        ),
    }
    texts = ga_texts(corpus)
    manifest: list[dict[str, object]] = []
    for source, count, excerpts in PLAN:
        for i, name in enumerate(rng.sample(sources[source], count)):
            entry: dict[str, object] = {"id": f"blind-{len(manifest) + 1:02d}", "source": source, "name": name}
            if i < excerpts:
                text = (
                    (corpus / "sc-1946-1994" / name).read_text(encoding="utf-8") if source == "sc"
                    else texts[name] if source == "ga-text" else gd_text(corpus, name)
                )  # fmt: skip
                entry["range"] = list(excerpt(text, rng))
            manifest.append(entry)
    return manifest


def materialise(manifest: list[dict[str, object]], corpus: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    texts = ga_texts(corpus) if any(e["source"] == "ga-text" for e in manifest) else {}
    for entry in manifest:
        source, name = str(entry["source"]), str(entry["name"])
        if source in ("ga-pdf", "dev-pdf"):
            origin = corpus / ("ga-78-80/pdf" if source == "ga-pdf" else "dev") / name
            shutil.copyfile(origin, folder / f"{entry['id']}.pdf")
            continue
        if source == "sc":
            text = (corpus / "sc-1946-1994" / name).read_text(encoding="utf-8")
        elif source == "ga-text":
            text = texts[name]
        else:
            text = gd_text(corpus, name)
        if "range" in entry:
            start, end = entry["range"]  # type: ignore[misc]
            text = text[start:end]
        (folder / f"{entry['id']}.txt").write_text(text, encoding="utf-8")


# Other layouts of the same PDFs, as users bring them: (name, file suffix, how it is made). The gold of a
# rendering is its PDF's gold (the same document, the same quotes, labels and functions).
RENDERINGS = (
    ("pdftotext-layout", "txt", "pdftotext -layout (Poppler)"),
    ("pdftohtml", "html", "pdftohtml -s -i -noframes (Poppler)"),
    ("pdf2docx", "docx", "pdf2docx (PyPI), the PDF converted to Word"),
)


def render(manifest: list[dict[str, object]], gold: list[dict[str, object]], folder: Path) -> tuple[list, list]:
    """Write each PDF of the manifest (materialised in ``folder``) in every layout of ``RENDERINGS`` as
    ``blind-NN-<layout>.<suffix>``; return the manifest entries and gold rows of the renderings."""
    import subprocess

    by_file = {str(row["file"]): row for row in gold}
    entries: list[dict[str, object]] = []
    rows: list[dict[str, object]] = []
    for entry in manifest:
        pdf = folder / f"{entry['id']}.pdf"
        if not pdf.is_file() or f"{entry['id']}.pdf" not in by_file:
            continue
        for layout_name, suffix, _ in RENDERINGS:
            out = folder / f"{entry['id']}-{layout_name}.{suffix}"
            if layout_name == "pdftotext-layout":
                subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), str(out)], check=True)
            elif layout_name == "pdftohtml":
                html = subprocess.run(
                    ["pdftohtml", "-s", "-i", "-noframes", "-stdout", "-enc", "UTF-8", str(pdf)],
                    check=True, capture_output=True,
                ).stdout  # fmt: skip
                out.write_bytes(html)
            else:
                from pdf2docx import Converter  # a benchmark's tool only: pip install pdf2docx

                converter = Converter(str(pdf))
                try:
                    converter.convert(str(out))
                finally:
                    converter.close()
            entries.append({**entry, "id": out.stem, "source": f"{entry['source']}:{layout_name}", "rendering": out.name})
            rows.append({**by_file[f"{entry['id']}.pdf"], "file": out.name})
    return entries, rows


# DESIGN.md's fixed instrument keys. tests/gold/ANNOTATION.md: an instrument the catalogue keys outside this
# list is optional; with --strict, every catalogued instrument a text names is required.
FIXED_KEYS = frozenset(["UN-CHARTER", "UDHR", "ICCPR", "ICCPR-OP1", "ICCPR-OP2", "ICESCR", "ICESCR-OP", "ICERD", "CEDAW", "CEDAW-OP", "CAT", "OPCAT", "CRC", "CRC-OPAC", "CRC-OPSC", "CRC-OPIC", "ICRMW", "CRPD", "CRPD-OP", "CPED", "UNTOC", "SMUGGLING-PROTOCOL", "TRAFFICKING-PROTOCOL", "FIREARMS-PROTOCOL", "UNCAC", "REFUGEE-CONVENTION", "REFUGEE-PROTOCOL", "STATELESSNESS-1954", "STATELESSNESS-1961", "GENOCIDE-CONVENTION", "GENEVA-CONVENTIONS", "ROME-STATUTE", "VCLT", "VCCR", "VCDR", "ILO-C29", "ILO-C97", "ILO-C105", "ILO-C138", "ILO-C143", "ILO-C182", "ILO-C189", "ILO-R151", "DDPA", "VDPA", "BPFA", "DRTD", "UNDRIP", "MILLENNIUM-DECLARATION", "AGENDA-2030", "GCM", "GCR", "NEW-YORK-DECLARATION", "ARSIWA", "REMEDY-PRINCIPLES"])


def catalogue_keys() -> set[str]:
    """The instrument keys of the catalogue (``skos:notation`` in ontology/instruments.ttl)."""
    text = (HERE.parent / "ontology" / "instruments.ttl").read_text(encoding="utf-8")
    return set(re.findall(r'skos:notation "([^"]+)"', text))


def one_rule(rows: list[dict[str, object]], strict: bool) -> list[dict[str, object]]:
    """The annotators' gold under one rule for catalogued instruments outside the fixed keys."""
    moving = catalogue_keys() - FIXED_KEYS
    out = []
    for row in rows:
        required, optional = set(row["required"]), set(row["optional"])  # type: ignore[call-overload]
        if strict:
            required |= optional & moving
        else:
            optional |= required & moving
            required -= moving
        out.append({**row, "required": sorted(required), "optional": sorted(optional - required)})
    return out


def collapsed(text: str) -> str:
    """Whitespace collapsed to one space: PDF quotes were copied that way."""
    return " ".join(text.split())


def same_label(gold: str | None, predicted: str | None) -> bool:
    """A gold label against the extractor's; gold null ("no printed label can be told": a heading, a
    preamble seen mid-document, a footnote whose marker is not in the text) accepts the extractor's own
    words for the same thing: null, an unnumbered block ``p4`` or a footnote label ``fn6``."""
    if gold is None:
        return predicted is None or re.fullmatch(r"p\d+|fn\d+", predicted) is not None
    return gold == predicted


def same_function(gold: str | None, predicted: str | None) -> bool:
    """Gold null (no verb characterises the mention) accepts the extractor's default "cites"."""
    if gold is None:
        return predicted in (None, "cites")
    return gold == predicted


def layout(entry: dict[str, object]) -> str:
    """The layout a manifest entry stands for: its source, and whether it is an excerpt."""
    return f"{entry['source']}{' excerpt' if 'range' in entry else ''}"


def quote_pattern(quote: str) -> re.Pattern[str]:
    """The quote as a pattern that lets any whitespace (or none) stand where the quote has a space: PDF
    quotes were copied with whitespace collapsed, and a reader may join a line without one."""
    return re.compile(r"\s*".join(re.escape(word) for word in quote.split()))


def locate(text: str, occurrences: list[dict[str, str]]) -> list[tuple[int, int] | None]:
    """Where each gold occurrence's quote stands in ``text``: the gold lists them in text order, so each
    is searched from the previous one's start on (two targets may share a span), else from the top; a
    place already given to the same target is passed over."""
    spans: list[tuple[int, int] | None] = []
    taken: set[tuple[str, int]] = set()
    cursor = 0
    for occ in occurrences:
        pattern = quote_pattern(occ["quote"])
        found = [m for m in (*pattern.finditer(text, cursor), *pattern.finditer(text, 0, cursor))]
        m = next((m for m in found if (occ["target"], m.start()) not in taken), None)
        spans.append((m.start(), m.end()) if m else None)
        if m:
            cursor = m.start()
            taken.add((occ["target"], m.start()))
    return spans


def label_scores(
    gold_rows: list[dict[str, object]],
    predictions: list[dict[str, object]],
    manifest: list[dict[str, object]],
    root: Path,
) -> tuple[dict[str, dict[str, int]], list[str]]:
    """Per layout: gold occurrences, how many were matched, and how many of those got the right
    paragraph label and function; and a line for each miss.

    Each gold occurrence's quote is found in the text the reader gives (``unkg.read``, so a PDF's text
    too; see :func:`locate`), and matched to a predicted citation of the same target whose span overlaps
    it. An occurrence the extractor did not find counts as unmatched, not as wrong: recall is the other
    score's business.
    """
    from unkg.read import read

    by_id = {str(e["id"]): e for e in manifest}
    by_name = {Path(str(p["source"])).name: p for p in predictions}
    table: dict[str, dict[str, int]] = {}
    misses: list[str] = []
    for row in gold_rows:
        name = str(row["file"])
        entry = by_id[name.rsplit(".", 1)[0]]  # blind-25.pdf, blind-25-pdftohtml.html
        counts = table.setdefault(layout(entry), {"gold": 0, "matched": 0, "paragraph": 0, "function": 0})
        citations = list(by_name.get(name, {}).get("citations", []))  # type: ignore[union-attr]
        occurrences: list[dict[str, str]] = row["occurrences"]  # type: ignore[assignment]
        for occ, span in zip(occurrences, locate(read(str(root / name)).text, occurrences), strict=True):
            counts["gold"] += 1
            quote = collapsed(occ["quote"])
            c = next(
                (c for c in citations if span and c["target"] == occ["target"] and c["start"] < span[1] and span[0] < c["end"]),
                None,
            )
            if c is None:
                misses.append(f"{name}: {occ['target']} {quote[:60]!r} at {span} not found")
                continue
            counts["matched"] += 1
            ok_p = same_label(occ["paragraph"], c["paragraph"])
            ok_f = same_function(occ["function"], c["function"])
            counts["paragraph"] += ok_p
            counts["function"] += ok_f
            if not (ok_p and ok_f):
                wrong = [
                    f"{what} {c[what]!r} (gold {occ[what]!r})"
                    for what, ok in (("paragraph", ok_p), ("function", ok_f))
                    if not ok
                ]
                misses.append(f"{name}: {occ['target']} {quote[:60]!r} at {c['start']}: {', '.join(wrong)}")
    return table, misses


def print_label_scores(table: dict[str, dict[str, int]]) -> None:
    total = {k: sum(row[k] for row in table.values()) for k in ("gold", "matched", "paragraph", "function")}
    print(f"{'layout':<18} {'gold':>5} {'matched':>7} {'paragraph':>9} {'function':>8}")
    for name, row in [*sorted(table.items()), ("all", total)]:
        m = row["matched"] or 1
        print(f"{name:<18} {row['gold']:>5} {row['matched']:>7} {row['paragraph'] / m:>9.3f} {row['function'] / m:>8.3f}")


def read_jsonl(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    commands = parser.add_subparsers(dest="command", required=True)
    d = commands.add_parser("draw", help="draw a manifest")
    d.add_argument("--seed", type=int, required=True)
    d.add_argument("-o", "--output", type=Path, required=True)
    m = commands.add_parser("materialise", help="write a manifest's documents into a folder")
    m.add_argument("manifest", type=Path)
    m.add_argument("folder", type=Path)
    gd = commands.add_parser("gold", help="merge annotators' gold files under one rule")
    gd.add_argument("parts", type=Path, nargs="+")
    gd.add_argument("-o", "--output", type=Path, required=True)
    gd.add_argument("--strict", action="store_true", help="every catalogued instrument named is required")
    rd = commands.add_parser("render", help="write the manifest's PDFs in other layouts, with their gold")
    rd.add_argument("manifest", type=Path)
    rd.add_argument("folder", type=Path, help="the folder the manifest was materialised into")
    rd.add_argument("--gold", type=Path, required=True)
    rd.add_argument("--out-manifest", type=Path, required=True)
    rd.add_argument("--out-gold", type=Path, required=True)
    lb = commands.add_parser("labels", help="paragraph label and function accuracy per layout")
    lb.add_argument("--gold", type=Path, required=True, action="append", help="(repeatable)")
    lb.add_argument("--pred", type=Path, required=True, help="JSON Lines of unkg extract")
    lb.add_argument("--manifest", type=Path, required=True, action="append", help="(repeatable)")
    lb.add_argument("--root", type=Path, required=True, help="the folder the manifest was materialised into")
    lb.add_argument("-v", "--verbose", action="store_true", help="list every occurrence unmatched or mislabelled")
    args = parser.parse_args()
    if args.command == "labels":
        gold = [row for path in args.gold for row in read_jsonl(path)]
        manifest = [entry for path in args.manifest for entry in read_jsonl(path)]
        table, misses = label_scores(gold, read_jsonl(args.pred), manifest, args.root)
        if args.verbose:
            print("\n".join(misses))
        print_label_scores(table)
    elif args.command == "gold":
        rows = [json.loads(line) for part in args.parts for line in part.read_text(encoding="utf-8").splitlines() if line]
        rows = one_rule(sorted(rows, key=lambda r: str(r["file"])), args.strict)
        args.output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{len(rows)} documents, {sum(len(r['required']) for r in rows)} required targets -> {args.output}")
    elif args.command == "render":
        entries, rows = render(read_jsonl(args.manifest), read_jsonl(args.gold), args.folder)
        for path, items in ((args.out_manifest, entries), (args.out_gold, rows)):
            path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in items), encoding="utf-8")
        print(f"{len(entries)} renderings written into {args.folder}; manifest {args.out_manifest}, gold {args.out_gold}")
    elif args.command == "draw":
        manifest = draw(args.corpus, args.seed)
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text("".join(json.dumps(e) + "\n" for e in manifest), encoding="utf-8")
        print(f"{len(manifest)} documents drawn into {args.output}")
    else:
        manifest = [json.loads(line) for line in args.manifest.read_text(encoding="utf-8").splitlines() if line]
        materialise(manifest, args.corpus, args.folder)
        print(f"{len(manifest)} documents written into {args.folder}")


if __name__ == "__main__":
    main()
