"""Reading UN documents as they are published: PDF, Word (.docx), HTML.

Two kinds of files:

- real published documents of ../shared/corpus/dev (20 ODS PDFs, one OHCHR
  .docx, one legacy .doc), through the ``dev_corpus`` fixture;
- GENERATED fixtures in tests/fixtures/formats/, rendered from two real seed
  texts of corpus/sample (A/RES/61/165 and page 19 of A/59/377) by
  tests/fixtures/make_formats.py in UN layout: masthead, running heads with
  the symbol, job-number footer 06-50433, numbered footnotes at the page
  foot with superscript markers. No real HTML and no document in every
  format exists in the dev corpus, hence the generator; the files are
  committed, so these tests need neither the generator nor its tools.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from click.testing import CliRunner
from tests.conftest import SAMPLE

from unkg import extract
from unkg.cli import cli
from unkg.read import read, read_bytes, sniff

FORMATS = Path(__file__).parent / "fixtures" / "formats"
GENERATED = ["A_RES_61_165", "A_59_377_page19"]


def raw_pages(path: Path) -> list[str]:
    """PDFium's own text of each page, with nothing cleaned (the oracle for page numbers)."""
    pdf = pdfium.PdfDocument(str(path))
    try:
        return [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    finally:
        pdf.close()


def squeeze(text: str) -> str:
    """Text without spaces, line breaks and hyphens, to compare across layouts."""
    return re.sub(r"[\s\-\ufffe\u00ad]+", "", text)


# --------------------------------------------------------------------------
# Cross-format: the same document in every format.
@pytest.mark.parametrize("name", GENERATED)
def test_same_document_in_every_format_gives_the_same_targets(name: str) -> None:
    """PDF, .docx and HTML renderings (generated) give the plain text's targets and symbol."""
    plain = extract(SAMPLE / f"{name}.txt")
    expected = {c.target for c in plain.citations}
    assert expected and plain.symbol
    for ext in ("pdf", "docx", "html"):
        result = extract(FORMATS / f"{name}.{ext}")
        assert result.errors == (), ext
        assert result.symbol == plain.symbol, ext
        assert {c.target for c in result.citations} == expected, ext


@pytest.mark.parametrize("name", GENERATED)
def test_same_paragraphs_footnotes_and_functions_in_every_format(name: str) -> None:
    """Paragraph labels (pp/op/numbered), footnotes and functions agree with the plain text.

    Unnumbered blocks (p1, p2 ...) are left out: the masthead adds blocks before them.
    """

    def where(path: Path) -> set[tuple]:
        return {
            (c.target, c.paragraph, c.footnote, c.function)
            for c in extract(path).citations
            if not (c.paragraph or "").startswith("p") or c.paragraph.startswith("pp")
        }

    expected = where(SAMPLE / f"{name}.txt")
    for ext in ("pdf", "docx", "html"):
        assert where(FORMATS / f"{name}.{ext}") == expected, ext


@pytest.mark.parametrize("path", sorted(FORMATS.glob("A_*")), ids=lambda p: p.name)
def test_spans_index_the_readers_text(path: Path) -> None:
    """text == read_text[start:end] for every citation of every generated fixture."""
    text = read(path).text
    citations = extract(path).citations
    assert citations
    for c in citations:
        assert text[c.start : c.end] == c.text, c


# --------------------------------------------------------------------------
# PDF: the generated fixture, whose layout is known.
def test_generated_pdf_loses_its_running_heads_and_job_numbers() -> None:
    """The symbol on every page, the page numbers and 06-50433 go; the masthead stays once."""
    path = FORMATS / "A_RES_61_165.pdf"
    pages = raw_pages(path)
    assert len(pages) >= 3
    assert sum(p.count("A/RES/61/165") for p in pages) == len(pages)
    assert sum(p.count("06-50433") for p in pages) == len(pages)
    text = read(path).text
    assert text.count("A/RES/61/165") == 1
    assert text.startswith("United Nations A/RES/61/165\n\nGeneral Assembly Distr.: General\n\n23 February 2007\n")
    assert "06-50433" not in text and "*0650433*" not in text
    assert not re.search(r"(?m)^\d{1,3}$", text)  # no page number left on a line of its own


def test_generated_pdf_gathers_each_footnote_once_with_its_page() -> None:
    """The 13 footnotes, set at the foot of the page of their first marker, follow the body in order."""
    path = FORMATS / "A_RES_61_165.pdf"
    source = read(path)
    notes_at = source.text.index("\n__________\n")
    notes = source.text[notes_at:].strip().split("\n")[1:]
    assert [int(n.split(" ", 1)[0]) for n in notes] == list(range(1, 14))
    assert notes[3] == "4 United Nations, Treaty Series, vol. 1465, No. 24841."
    pages = raw_pages(path)
    for n in (1, 9, 13):
        start = source.text.index(f"\n{n} ", notes_at) + 1
        printed = [i + 1 for i, p in enumerate(pages) if re.search(rf"(?m)^{n} ", p)]
        assert source.page_of(start) == printed[0], n


def test_generated_pdf_markers_are_the_superscripts() -> None:
    """Each superscript digit is a marker, glued to its word; no digit of the text is."""
    source = read(FORMATS / "A_RES_61_165.pdf")
    marks = [(source.text[s - 7 : s], source.text[s:e]) for s, e in source.markers]
    assert [m for _, m in marks] == [str(n) for n in (1, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)]
    assert marks[0][0].endswith("2005,")
    assert marks[1][0].endswith("Rights,")
    result = extract(FORMATS / "A_RES_61_165.pdf")
    cat = next(c for c in result.citations if c.target == "CAT")
    assert cat.via == "footnote 4: UNTS vol. 1465, No. 24841"


def test_pdf_pages_in_the_json_contract() -> None:
    """--format jsonl gives each PDF citation its page, and null for plain text."""
    result = CliRunner().invoke(
        cli, ["extract", "--format", "jsonl", str(FORMATS / "A_RES_61_165.pdf"), str(SAMPLE / "A_RES_61_165.txt")]
    )
    pdf_line, txt_line = (json.loads(line) for line in result.stdout.splitlines())
    assert {type(c["page"]) for c in pdf_line["citations"]} == {int}
    assert {c["page"] for c in pdf_line["citations"]} >= {1, 2}
    assert {c["page"] for c in txt_line["citations"]} == {None}
    assert pdf_line["metadata"]["pages"] == str(len(raw_pages(FORMATS / "A_RES_61_165.pdf")))


def test_metadata_a_scholar_expects() -> None:
    """Symbol, title, organ, session, agenda item, dates, meeting, committee report, language."""
    result = extract(FORMATS / "A_RES_61_165.pdf")
    assert result.symbol == "A/RES/61/165"
    meta = result.metadata
    assert {k: meta[k] for k in meta if k not in ("encoding", "pages")} == {
        "title": "Protection of migrants",
        "organ": "GA",
        "session": "61",
        "agenda_item": "67 (b)",
        "date": "2006-12-19",
        "distributed": "2007-02-23",
        "meeting": "81st plenary meeting",
        "committee": "Third Committee",
        "report": "A/61/443/Add.2",
        "language": "en",
    }


# --------------------------------------------------------------------------
# PDF: real published documents.
@pytest.mark.dev
@pytest.mark.slow
def test_every_citation_of_the_dev_pdfs_is_on_its_page(dev_corpus: Path) -> None:
    """For each citation of the 20 dev PDFs, its words up to the next page break are on the page it names."""
    checked = 0
    for path in sorted(dev_corpus.glob("*.pdf")):
        pages = [squeeze(p) for p in raw_pages(path)]
        source = read(path)
        changes = [o for o, _ in source.page_map]
        for c in extract(path).citations:
            assert source.text[c.start : c.end] == c.text
            following = [o for o in changes if o > c.start]
            on_page = c.text[: following[0] - c.start] if following else c.text
            assert squeeze(on_page) in pages[c.page - 1], (path.name, c)
            checked += 1
    assert checked > 2000


@pytest.mark.dev
def test_real_pdf_heads_and_footers_go(dev_corpus: Path) -> None:
    """A/HRC/14/15 (22 pages): its symbol heads every page; the clean text keeps only the masthead's."""
    path = dev_corpus / "A_HRC_14_15.pdf"
    raw = "".join(raw_pages(path))
    assert raw.count("A/HRC/14/15") == 22
    text = read(path).text
    assert text.count("A/HRC/14/15") == 1
    assert text.startswith("United Nations A/HRC/14/15\n\nGeneral Assembly Distr.: General\n\n15 March 2010\n")
    assert "GE.10-12049" not in text
    assert not re.search(r"(?m)^\d{1,3}$", text)


@pytest.mark.dev
def test_real_pdf_footnotes_markers_and_hyphens(dev_corpus: Path) -> None:
    """A/RES/73/6: page-foot notes gathered (note 6 runs over two pages), superscripts told from years."""
    path = dev_corpus / "A_RES_73_6.pdf"
    source = read(path)
    notes = source.text[source.text.index("\n__________\n") :].strip().split("\n")[1:]
    assert notes[0] == "1 See A/AC.105/1137."
    assert notes[5].startswith("6 Related documents include A/AC.105/1129, A/AC.105/1131,")
    assert notes[5].endswith("A/AC.105/1180 and A/AC.105/1181.")
    assert source.page_of(source.text.index("6 Related")) == 3
    assert source.page_of(source.text.index("A/AC.105/1168")) == 4  # the part of note 6 set on page 4
    marks = [(source.text[s - 12 : s], source.text[s:e]) for s, e in source.markers]
    assert ("2015–2030 ", "3") in [(b[-10:], m) for b, m in marks]  # "2015–20303" in PDFium's text
    assert "twenty-first century" in source.text  # PDFium's U+FFFE line-end hyphen
    assert "\ufffe" not in source.text
    assert "long-term sustainability" in source.text


@pytest.mark.dev
@pytest.mark.parametrize(("name", "count"), [("A_HRC_WG.6_48_SVN_1.pdf", 42), ("A_HRC_14_37.pdf", 7), ("A_RES_73_7.pdf", 9)])
def test_real_pdf_notes_are_gathered_and_linked(dev_corpus: Path, name: str, count: int) -> None:
    """Notes (at the page foot, or endnotes set one point smaller) are numbered 1..n, each marker linked."""
    from unkg.structure import parse

    source = read(dev_corpus / name)
    notes = source.text[source.text.index("\n__________\n") :].strip().split("\n")[1:]
    numbers = [int(m.group(1)) for n in notes for m in [re.match(r"(\d+) ", n)] if m]
    assert numbers == list(range(1, count + 1))
    document = parse(source)
    assert [fn.number for fn in document.footnotes] == list(range(1, count + 1))
    assert {mk.number for mk in document.markers} == set(range(1, count + 1))


@pytest.mark.dev
def test_spaces_pdfium_makes_up_inside_words_go(dev_corpus: Path) -> None:
    """'peopl e', 'St ates' (a justified line spreads letters) are whole; tight word spaces of old PDFs stay."""
    raw = "".join(raw_pages(dev_corpus / "A_RES_73_6.pdf"))
    assert "peopl e" in raw and "St ates" in raw
    text = read(dev_corpus / "A_RES_73_6.pdf").text
    assert "to benefit people and the planet" in text
    assert "for the Benefit and in the Interest of All States, Taking into Particular Account" in text
    assert "SPACE-BENEFITS-DECLARATION" in {c.target for c in extract(dev_corpus / "A_RES_73_6.pdf").citations}
    old = read(dev_corpus / "A_HRC_WG.6_7_SVN_1.pdf").text  # every space generated, lines set tight
    assert "ofthe" not in old and "of the Constitution" in old


@pytest.mark.dev
def test_real_pdf_text_runs_on_over_page_breaks(dev_corpus: Path) -> None:
    """A name or a list cut by a page break (and its running head) is whole again."""
    # A/HRC/28/15, pages 4-5: "... the Optional Protocol to" | head, page number | "the International Covenant ..."
    result = extract(dev_corpus / "A_HRC_28_15.pdf")
    opt = [c for c in result.citations if c.target == "ICESCR-OP"]
    assert opt[0].text == "Optional Protocol to the International Covenant on Economic, Social and Cultural Rights"
    assert opt[0].page == 4
    assert "ICESCR" not in {c.target for c in result.citations}  # PDFium's raw text gives it, wrongly
    # A/HRC/WG.6/20/SVN/2, pages 11-12: a note listing ILO conventions, cut after "Equal Value;"
    source = read(dev_corpus / "A_HRC_WG.6_20_SVN_2.pdf")
    assert "for Work of Equal Value; Convention No. 111 concerning Discrimination" in source.text
    targets = {c.target for c in extract(dev_corpus / "A_HRC_WG.6_20_SVN_2.pdf").citations}
    assert {"ILO-C100", "ILO-C111", "ILO-C138", "ILO-C182"} <= targets


@pytest.mark.dev
@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # The old ODS layout (2009): "Distr. GENERAL", the symbol, then the date; "Original: ENGLISH".
        ("A_HRC_WG.6_7_SVN_1.pdf", {"distributed": "2009-11-03", "original_language": "en", "organ": "HRC"}),
        ("A_HRC_14_15.pdf", {"agenda_item": "6", "distributed": "2010-03-15", "session": "14", "organ": "HRC"}),
        (
            "A_RES_73_6.pdf",
            {
                "agenda_item": "30",
                "date": "2018-10-26",
                "distributed": "2018-10-31",
                "meeting": "26th plenary meeting",
                "committee": "without reference to a Main Committee",
                "draft": "A/73/L.6",
                "session": "73",
            },
        ),
    ],
)
def test_real_pdf_metadata(dev_corpus: Path, name: str, expected: dict[str, str]) -> None:
    """What the masthead and the closing lines of real ODS PDFs state."""
    meta = extract(dev_corpus / name).metadata
    assert {k: meta.get(k) for k in expected} == expected
    assert meta["language"] == "en"


@pytest.mark.dev
def test_real_docx(dev_corpus: Path) -> None:
    """The OHCHR .docx: table rows read as rows, its citations found, language from the file."""
    path = dev_corpus / "OHCHR_UPR34_SVN_thematic_recommendations.docx"
    source = read(path)
    assert source.encoding == "docx"
    # The running head of the first page opens the text; the page field shows Word's last count.
    assert source.text.startswith("UPR of Slovenia (3rd Cycle - 34th Session)\t\t\tThematic list of recommendations")
    assert "\n\nRecommendation | Position | Full list of themes | Assessment/comments on level of implementation\n\n" in (
        source.text
    )
    result = extract(path)
    assert result.errors == ()
    targets = {c.target for c in result.citations}
    assert {"A/HRC/43/15", "A/HRC/43/15/Add.1", "CPED", "ICESCR-OP"} <= targets
    assert result.metadata["language"] == "en-GB"


@pytest.mark.dev
def test_legacy_doc_is_refused_clearly(dev_corpus: Path) -> None:
    """A Word 97 .doc is refused with the reason and what to do."""
    result = extract(dev_corpus / "OHCHR_UPR34_SVN_advance_questions.doc")
    assert result.errors == (
        "legacy Word .doc (OLE) files are not supported (save as .docx, PDF or plain text)",
    )


# --------------------------------------------------------------------------
# Word: what the generated fixture and small hand-made packages show.
def test_docx_numbering_and_footnotes() -> None:
    """Word's list numbers (not in the text) are written; footnote references become markers."""
    source = read(FORMATS / "A_RES_61_165.docx")
    assert "\n\n1.\tRequests States effectively to promote and protect" in source.text
    assert "\n\n15.\tRequests the Secretary-General to report" in source.text
    assert [source.text[s:e] for s, e in source.markers][:3] == ["1", "2", "3"]
    assert source.text[: source.markers[1][1]].endswith("Universal Declaration of Human Rights,2")
    notes = source.text[source.text.index("\n__________\n") :].strip().split("\n")[1:]
    assert notes[1] == "2 Resolution 217 A (III)."
    assert len(notes) == 13
    report = read(FORMATS / "A_59_377_page19.docx")
    assert "\n\n63.\tThe Special Rapporteur proposes" in report.text  # numbering that starts at 63


WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_docx(path: Path, body: str, parts: dict[str, str] | None = None) -> Path:
    """A minimal .docx: document.xml with ``body`` and any other parts."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{WNS}"><w:body>{body}</w:body></w:document>')
        for name, xml in (parts or {}).items():
            zf.writestr(name, xml)
    return path


def test_docx_endnotes_lettered_lists_and_tables(tmp_path: Path) -> None:
    """Endnotes follow footnotes; a nested list gives "(a)"; table cells are separated."""
    numbering = (
        f'<w:numbering xmlns:w="{WNS}"><w:abstractNum w:abstractNumId="7">'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>'
        '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/>'
        '<w:suff w:val="space"/></w:lvl></w:abstractNum><w:num w:numId="3"><w:abstractNumId w:val="7"/></w:num></w:numbering>'
    )

    def item(level: int, text: str) -> str:
        return (
            f'<w:p><w:pPr><w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="3"/></w:numPr></w:pPr>'
            f"<w:r><w:t>{text}</w:t></w:r></w:p>"
        )

    body = (
        item(0, "Recalls its resolution 60/169,")
        + '<w:p><w:r><w:t>Welcomes the report</w:t></w:r><w:r><w:endnoteReference w:id="2"/></w:r>'
        + '<w:r><w:t xml:space="preserve"> and the Convention</w:t></w:r><w:r><w:footnoteReference w:id="5"/></w:r></w:p>'
        + item(1, "Notes A/61/324;")
        + item(1, "Notes A/61/48;")
        + item(0, "Decides to continue.")
        + "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Symbol</w:t></w:r></w:p></w:tc>"
        + "<w:tc><w:p><w:r><w:t>A/HRC/14/15</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        + '<w:p><w:r><w:delText>deleted A/1/2</w:delText></w:r><w:del><w:r><w:t>A/9/9</w:t></w:r></w:del></w:p>'
    )
    footnotes = (
        f'<w:footnotes xmlns:w="{WNS}"><w:footnote w:type="separator" w:id="0"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
        '<w:footnote w:id="5"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> United Nations, Treaty Series, vol. 1577, No. 27531.</w:t></w:r></w:p></w:footnote></w:footnotes>'
    )
    endnotes = (
        f'<w:endnotes xmlns:w="{WNS}"><w:endnote w:id="2"><w:p><w:r><w:endnoteRef/></w:r>'
        '<w:r><w:t xml:space="preserve"> A/61/324.</w:t></w:r></w:p></w:endnote></w:endnotes>'
    )
    path = make_docx(
        tmp_path / "d.docx",
        body,
        {"word/numbering.xml": numbering, "word/footnotes.xml": footnotes, "word/endnotes.xml": endnotes},
    )
    source = read(path)
    assert source.text == (
        "1.\tRecalls its resolution 60/169,\n\nWelcomes the report2 and the Convention1\n\n"
        "(a) Notes A/61/324;\n\n(b) Notes A/61/48;\n\n2.\tDecides to continue.\n\nSymbol | A/HRC/14/15\n\n"
        "__________\n1 United Nations, Treaty Series, vol. 1577, No. 27531.\n2 A/61/324.\n"
    )
    assert [source.text[s:e] for s, e in source.markers] == ["2", "1"]
    result = extract(path)
    crc = next(c for c in result.citations if c.target == "CRC")
    assert crc.via == "UNTS vol. 1577, No. 27531"  # "the Convention" is named by its footnote's Treaty Series entry
    assert "A/9/9" not in source.text  # deleted text (tracked changes) is not read


def test_docx_raised_digits_are_markers(tmp_path: Path) -> None:
    """A Word document converted from a PDF draws note markers as digits in a small font (or
    superscript) glued to the word before: they are markers; digits in the text's own size are not."""

    def run(text: str, size: int, superscript: bool = False) -> str:
        align = '<w:vertAlign w:val="superscript"/>' if superscript else ""
        return f'<w:r><w:rPr><w:sz w:val="{size}"/>{align}</w:rPr><w:t xml:space="preserve">{text}</w:t></w:r>'

    body = (
        "<w:p>"
        + run("Reaffirming the Strategy, adopted on 8 September 2006,", 20)
        + run("1", 13)
        + run(" the review resolutions", 20)
        + run("2", 20, superscript=True)
        + run(" and the 3 debates,", 20)
        + "</w:p>"
        + "<w:p>" + run("1 Resolution 60/288.", 16) + "</w:p><w:p>" + run("2 Resolutions 62/272 and 64/297.", 16)
        + "</w:p>"
    )  # fmt: skip
    source = read(make_docx(tmp_path / "converted.docx", body))
    assert [source.text[s:e] for s, e in source.markers] == ["1", "2"]
    assert source.text.startswith("Reaffirming the Strategy, adopted on 8 September 2006,1 the review resolutions2 and")


def _row(*cells: str) -> str:
    return "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in cells) + "</w:tr>"


@pytest.mark.parametrize(
    ("rows", "line"),
    [
        # a paragraph's hanging number drawn in a cell of its own, the cell to the left of it empty
        ([("", "98.", "The Government is examining the Convention.")], "98. | The Government is examining the Convention."),
        # a heading's letter likewise, and two empty cells before it
        ([("", "", "G.", "Rights of aliens")], "G. | Rights of aliens"),
        # empty cells after the text and between cells are cells still
        ([("Ratification", "", "ICERD (1992)", "")], "Ratification |  | ICERD (1992) |"),
    ],
)  # fmt: skip
def test_docx_row_opens_on_its_first_cell_with_text(tmp_path: Path, rows: list[tuple[str, ...]], line: str) -> None:
    """A table row is written from its first cell that holds text: a PDF converted to Word (pdf2docx)
    draws a numbered paragraph as a row of cells ("" | "98." | "The Government ..."), and the paragraph's
    number opens its line as it does in the PDF."""
    body = "<w:tbl>" + "".join(_row(*cells) for cells in rows) + "</w:tbl>"
    assert read(make_docx(tmp_path / "rows.docx", body)).text.splitlines()[0] == line


# --------------------------------------------------------------------------
# HTML.
def test_html_fixture_structure() -> None:
    """Ordered lists keep their numbers, footnote links become markers, notes follow a separator."""
    source = read(FORMATS / "A_RES_61_165.html")
    assert source.encoding == "html/utf-8"
    assert "\n\n1. Requests States effectively to promote and protect" in source.text
    assert "\n\n15. Requests the Secretary-General to report" in source.text
    assert source.text[: source.markers[1][1]].endswith("Universal Declaration of Human Rights,2")
    notes = source.text[source.text.index("\n__________\n") :].split("\n\n")[0].strip().split("\n")[1:]
    assert notes[0].startswith("1 See Official Records of the Economic and Social Council, 2005")
    assert notes[-1] == "13 Official Records of the General Assembly, Sixty-first Session, Supplement No. 48 (A/61/48)."
    assert "↩" not in source.text
    assert source.metadata == {"language": "en", "title": "A/RES/61/165"}


def test_html_word_export_footnotes(tmp_path: Path) -> None:
    """Word's "save as web page" notes ([1] links to #_ftn1, notes in div#ftn1) read as notes."""
    path = tmp_path / "saved.htm"
    path.write_text(
        "<html><body><p>Reaffirming the Universal Declaration of Human Rights,"
        '<a href="#_ftn1" name="_ftnref1"><span class="MsoFootnoteReference">[1]</span></a> and</p>'
        '<div><br clear="all"><hr width="33%"><div id="ftn1"><p class="MsoFootnoteText">'
        '<a href="#_ftnref1" name="_ftn1">[1]</a> Resolution 217 A (III).</p></div></div></body></html>',
        encoding="utf-8",
    )
    source = read(path)
    assert source.text == (
        "Reaffirming the Universal Declaration of Human Rights,1 and\n\n__________\n1 Resolution 217 A (III).\n"
    )
    assert [source.text[s:e] for s, e in source.markers] == ["1"]
    result = extract(path)
    udhr = next(c for c in result.citations if c.target == "UDHR")
    assert udhr.paragraph == "p1"


def test_html_markup_browsers_repair_is_read(tmp_path: Path) -> None:
    """Unclosed <p> and <li>, stray end tags: read as a browser reads them."""
    path = tmp_path / "loose.html"
    path.write_text(
        "<html><body><p>Recalling resolution 60/169<p>Noting A/61/324</span></div><ul><li>one A/61/48<li>two</ul>",
        encoding="utf-8",
    )
    assert read(path).text == "Recalling resolution 60/169\n\nNoting A/61/324\n\n• one A/61/48\n\n• two\n"
    path.write_text("<p>Recalling its resolution<br>60/169 of 16 December 2005,</p>", encoding="utf-8")
    assert read(path).text == "Recalling its resolution\n60/169 of 16 December 2005,\n"  # <br> breaks a line only
    assert [c.target for c in extract(path).citations] == ["A/RES/60/169"]
    # No </head>, a link around part of a symbol: as a browser shows it.
    path.write_text('<head><title>t</title><body><p>See <a href="x">A/RES/<b>60</b>/169</a>.', encoding="utf-8")
    assert read(path).text == "See A/RES/60/169.\n"


# --------------------------------------------------------------------------
# Bad files: the exact message, and the batch goes on.
BAD = {
    "encrypted.pdf": "encrypted PDF (a password is needed)",
    "scanned.pdf": "PDF has no text layer (2 pages of images only: scanned without OCR?)",
    "truncated.pdf": "truncated PDF (no %%EOF at its end: the file was cut short)",
    "corrupt.pdf": "corrupt PDF (PDFium cannot load it: data format error)",
    "damaged-page.pdf": "corrupt PDF (page 2 of 4: failed to load page)",
    "photos.docx": "a zip archive, not a document (no word/document.xml; it holds photo1.jpg, photo2.jpg)",
    "broken-xml.docx": "corrupt Word .docx (word/document.xml: no element found: line 1, column 83)",
    "cut.html": "broken HTML: the file ends inside a tag (line 3: '<a href=\"#fn1')",
    "comment.html": "broken HTML: the file ends inside a comment (line 1: '<!-- draft, never closed')",
    "script.html": "broken HTML: <script> is never closed",
    "empty.html": "HTML page has no text",
}


def write_bad_files(folder: Path) -> None:
    """Every bad file of BAD in ``folder`` (two from the generator, the rest cut or built here)."""
    (folder / "encrypted.pdf").write_bytes((FORMATS / "bad_encrypted.pdf").read_bytes())
    (folder / "scanned.pdf").write_bytes((FORMATS / "bad_scanned.pdf").read_bytes())
    good = (FORMATS / "A_RES_61_165.pdf").read_bytes()
    (folder / "truncated.pdf").write_bytes(good[: len(good) * 2 // 3])
    (folder / "corrupt.pdf").write_bytes(b"%PDF-1.7\n1 0 obj garbage\n%%EOF\n")
    # A good head and tail (cross-reference and trailer) around a body of garbage: page 2 cannot be loaded.
    (folder / "damaged-page.pdf").write_bytes(good[:500] + b"\x00garbage" * 100 + good[-1000:])
    with zipfile.ZipFile(folder / "photos.docx", "w") as zf:
        zf.writestr("photo1.jpg", b"\xff\xd8\xff")
        zf.writestr("photo2.jpg", b"\xff\xd8\xff")
    with zipfile.ZipFile(folder / "broken-xml.docx", "w") as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{WNS}">')
    (folder / "cut.html").write_text(
        '<!DOCTYPE html>\n<html><body><p>Recalling resolution 60/169,\n<a href="#fn1', encoding="utf-8"
    )
    (folder / "comment.html").write_text("<html><body><p>A/61/324</p><!-- draft, never closed", encoding="utf-8")
    (folder / "script.html").write_text("<html><body><p>A/61/324</p><script>var x = 1;", encoding="utf-8")
    (folder / "empty.html").write_text("<html><head><title>x</title></head><body> </body></html>", encoding="utf-8")


@pytest.mark.parametrize(("name", "message"), sorted(BAD.items()))
def test_bad_file_gives_its_exact_message(tmp_path: Path, name: str, message: str) -> None:
    """Each bad file is refused with the message naming why."""
    write_bad_files(tmp_path)
    assert extract(tmp_path / name).errors == (message,)


def test_a_batch_of_bad_files_goes_on(tmp_path: Path) -> None:
    """Bad files among good ones in every format: each reported on stderr; the good ones extracted."""
    write_bad_files(tmp_path)
    for name in GENERATED:
        for ext in ("pdf", "docx", "html"):
            (tmp_path / f"good-{name}.{ext}").write_bytes((FORMATS / f"{name}.{ext}").read_bytes())
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(tmp_path)])
    assert result.exit_code == 1
    lines = {Path(d["source"]).name: d for d in map(json.loads, result.stdout.splitlines())}
    assert len(lines) == len(BAD) + 6
    for name, message in BAD.items():
        assert lines[name]["errors"] == [message]
        assert f"{tmp_path / name}: {message}" in result.stderr
    for name in GENERATED:
        for ext in ("pdf", "docx", "html"):
            good = lines[f"good-{name}.{ext}"]
            assert good["errors"] == [] and len(good["citations"]) >= 14, (name, ext)


def test_format_is_told_by_content_not_name(tmp_path: Path) -> None:
    """A PDF named .txt, a .docx named .bin and an HTML page named .dat are read as what they are."""
    for name, ext, as_name in (("A_RES_61_165", "pdf", "a.txt"), ("A_RES_61_165", "docx", "b.bin"), ("A_59_377_page19", "html", "c.dat")):
        data = (FORMATS / f"{name}.{ext}").read_bytes()
        assert sniff(data) == ext
        source = read_bytes(data, as_name)
        assert source.encoding.split("/")[0] == ext


def test_scanned_pages_among_typed_ones_are_named(tmp_path: Path) -> None:
    """A PDF with a scanned page after a typed one is read; the page without text is named."""
    import io

    out = pdfium.PdfDocument.new()
    typed = pdfium.PdfDocument(str(FORMATS / "A_RES_61_165.pdf"))
    scanned = pdfium.PdfDocument(str(FORMATS / "bad_scanned.pdf"))
    out.import_pages(typed, [0])
    out.import_pages(scanned, [0])
    buffer = io.BytesIO()
    out.save(buffer)
    for doc in (out, typed, scanned):
        doc.close()
    path = tmp_path / "mixed.pdf"
    path.write_bytes(buffer.getvalue())
    result = extract(path)
    assert result.errors == ()
    assert result.metadata["pages_without_text"] == "2"
    assert result.metadata["pages"] == "2"
    assert "A/RES/60/169" in {c.target for c in result.citations}


@pytest.mark.dev
@pytest.mark.parametrize(
    ("name", "title"),
    [
        (
            "A_RES_73_3.pdf",
            "Political declaration of the high-level meeting of the General Assembly on the fight against tuberculosis",
        ),
        (
            "A_RES_73_8.pdf",
            "Necessity of ending the economic, commercial and financial embargo imposed by the United States of "
            "America against Cuba",
        ),
        ("A_RES_73_7.pdf", "Report of the International Criminal Court"),
    ],
)
def test_titles_wrapped_over_lines_are_whole(dev_corpus: Path, name: str, title: str) -> None:
    """A resolution title that wraps onto the next line (after "of the", or before a lower-case word) is read whole."""
    assert extract(dev_corpus / name).metadata["title"] == title
