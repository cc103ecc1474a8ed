"""Document structure: own symbol, paragraphs, verbs, footnotes, markers."""

from __future__ import annotations

import pytest
from tests.conftest import SAMPLE

from unkg import extract_text
from unkg.models import Source
from unkg.read import read
from unkg.series.units import text_units
from unkg.structure import document_metadata, opening_verb, parse


def doc(text: str):
    return parse(Source("t.txt", text, "0" * 64))


OWN_SYMBOL_ROWS = [
    ("A/58/275\nV. Conclusions and recommendations\n74. The economic contribution", "A/58/275"),  # running head
    ("A/65/222 Ensuring that all migrants, regardless of their status", "A/65/222"),  # flattened page head
    ("<<ODS DOC SYMBOL1>>A/RES/61/165<<ODS DOC SYMBOL1>>\n", "A/RES/61/165"),  # word-processor tag
    (
        "Resolution 1755 (2007)\nAdopted by the Security Council at its 5670th meeting, on\n30 April 2007\n",
        "S/RES/1755(2007)",
    ),  # SC heading
    (
        "Resolution 1812 (208)\nAdopted by the Security Council at its 5882nd meeting, on\n30 April 2008\n",
        "S/RES/1812(2008)",
    ),  # the source's own typo: the year comes from the adoption date
    ("187 (1964). Resolution of 13 March 1964\n[S/5603]\n\nThe Security Council,\n", "S/RES/187(1964)"),  # 1946-64
    ("MILITARY STAFF COMMITTEE\n\n1 (1946) Resolution of 25 January 1946\n\nBy Article 47", "S/RES/1(1946)"),  # no stop
    ("6 (1946). Resolution of 17 May 1946 21\nThe Security Council,\n", "S/RES/6(1946)"),  # footnote marker 21
    ("RESOLUTION 796 (1992)\n\nAdopted by the Security Council at its 3148th meeting,\n", "S/RES/796(1992)"),  # 1990-94
    ("Resolution 477 (1980) of 30 July 1980\nThe Security Council,\n", "S/RES/477(1980)"),  # dated heading
    ("Resolution 290\nof 8 December 1970\n\nThe Security Council,\n", "S/RES/290(1970)"),  # no year: the date's
    ("Resolution 434 (1973)\nof 18 September 1978\n\nThe Security Council,\n", "S/RES/434(1978)"),  # OCR'd year
    ("Resolution 361 (197-4)\nof 30 August 1974\n\nThe Security Council,\n", "S/RES/361(1974)"),  # OCR'd year
    ("The full text of resolution  1919 (2010) reads as follows:\n", "S/RES/1919(2010)"),  # press release
    (
        "Decision adopted by the Human Rights Council*\n 14/105 \nOutcome of the Universal Periodic Review\n",
        "A/HRC/DEC/14/105",
    ),  # HRC decision heading, number on its own line
    (
        "Resolution adopted by the General Assembly on 19 December 2006\n"
        "[on the report of the Third Committee (A/61/443/Add.2 and Corr.1)]\n61/165.\tProtection of migrants\n",
        "A/RES/61/165",
    ),  # GA heading; the committee report is not the document
    ("United Nations A/HRC/DEC/14/105\nGeneral Assembly Distr.: General\n", "A/HRC/DEC/14/105"),  # masthead
    ("Mr. PADILLA NERVO said that the fourth session of the General Assembly", None),  # a speech has none
    ("See the report (A/61/324) of the Special Rapporteur.", None),  # a cited symbol is not the document's
]


@pytest.mark.parametrize(("text", "symbol"), OWN_SYMBOL_ROWS, ids=[r[0][:30] for r in OWN_SYMBOL_ROWS])
def test_own_symbol(text: str, symbol: str | None) -> None:
    """The document's own symbol comes from its heading, tags or running heads."""
    assert doc(text).symbol == symbol


VERB_ROWS = [
    ("Recalling all its previous resolutions", "recalls"),
    ("Reaffirming also that everyone has the right", "reaffirms"),
    ("Takes note with interest of the interim report", "takes note of"),
    ("Calls upon States that have not done so", "calls upon"),
    ("Strongly condemns the manifestations", "condemns"),
    ("Further reaffirm the 2016 political declaration", "reaffirms"),
    ("Bearing in mind that policies", "bears in mind"),
    ("Deeply concerned about", "is concerned"),
    ("Expressing deep concern at", "expresses concern"),
    ("Expressing continued concern at", "expresses concern"),
    ("Having studied the report of the Secretary-General (S/24833)", "has studied"),
    ("Having taken note of the letters of President Arap Moi of Kenya", "has taken note of"),
    ("Resolves that the Security Council shall", "resolves"),
    ("Conscious of the need to", "is conscious of"),
    ("Taking into account the report of the Secretary-General", "takes into account"),
    ("Draws the attention of the Member States to resolution 253 (1968)", "draws the attention of"),
    ("Looks forward to the fourth International Conference", "looks forward to"),
    ("Strongly deprecates the policies", "deprecates"),
    ("The Special Rapporteur recommends increased international assistance", "recommends"),
    ("Having considered the report of the Secretary-General (S/10738)", "has considered"),  # third person
    ("Having examined the application of Zimbabwe for admission", "has examined"),
    ("Having received the report of the United Nations Representative", "has received"),
    ("Ensuring that all migrants", None),
]


SC_HEADING_ROWS = [
    "187 (1964). Resolution of 13 March 1964\n[S/5603]\n\nThe Security Council,\n\nReaffirming its resolution 186 (1964)",
    "RESOLUTION 796 (1992)\n\nAdopted by the Security Council at its 3148th meeting,\non 14 December 1992\n\n"
    "The Security Council,\n\nReaffirming the provisions of resolution 186 (1964)",
    "Resolution 477 (1980) of 30 July 1980\nThe Security Council,\n\nRecalling its resolution 186 (1964)",
]


@pytest.mark.parametrize("text", SC_HEADING_ROWS, ids=[r[:24] for r in SC_HEADING_ROWS])
def test_heading_is_not_a_citation(text: str) -> None:
    """A resolution's own heading is its identity: only the resolution it recalls is cited."""
    from unkg import extract_text

    assert [c.target for c in extract_text(text).citations] == ["S/RES/186(1964)"]


# PyMuPDF's text of ODS PDFs (ga-78-80): the running head of each page repeats the symbol and the title.
PAGE_HEAD_ROWS = [
    (
        "to address their unfinished business,  \n\nA/RES/79/214 \nImplementation of the outcomes of the United "
        "Nations Conferences \non Human Settlements\n \n24-24343\n2/9 \n \n \nReaffirming also its resolution 69/313",
        "A/RES/79/214",
        ["A/RES/69/313"],
    ),  # even page: symbol, then the title, then job and page numbers
    (
        "12 Resolution 217 A (III). \n\nPromotion of a democratic and equitable international order \nA/RES/80/208\n \n"
        "3/7\n25-20963 \n \naspects of their lives, as enshrined in the Universal Declaration of Human Rights,",
        "A/RES/80/208",
        ["A/RES/217(III)", "UDHR"],
    ),  # odd page: title first; an excerpt that starts mid-document still knows itself
    (
        "safe return;  \n\nA/RES/79/190 \nPreventing and combating corrupt practices and the transfer of "
        "proceeds of \ncorruption, facilitating asset recovery and returning such assets to \nlegitimate owners, in "
        "particular to countries of origin, in accordance with \nthe United Nations Convention against Corruption\n \n"
        "24-24137\n16/23 \n \n \n31. Urges States parties to the Convention to take a proactive approach",
        "A/RES/79/190",
        [],
    ),  # the title repeated on every page names a convention: not a citation there
]


@pytest.mark.parametrize(("text", "symbol", "targets"), PAGE_HEAD_ROWS, ids=["even", "odd", "title"])
def test_running_heads(text: str, symbol: str, targets: list[str]) -> None:
    """A running head (symbol and title next to page and job numbers) is identity, never a citation."""
    from unkg import extract_text

    result = extract_text(text)
    assert result.symbol == symbol
    assert [c.target for c in result.citations] == targets


@pytest.mark.parametrize(("text", "verb"), VERB_ROWS, ids=[r[0][:25] for r in VERB_ROWS])
def test_opening_verb(text: str, verb: str | None) -> None:
    """A paragraph's opening verb, normalised, is its citations' function."""
    assert opening_verb(text, 0, len(text)) == verb


def test_resolution_paragraphs_and_footnotes() -> None:
    """A/RES/61/165: preambular pp1..pp12, operative op1..op15, footnotes fn1..fn13 linked to markers."""
    d = parse(read(SAMPLE / "A_RES_61_165.txt"))
    labels = [p.label for p in d.paragraphs]
    assert [x for x in labels if x.startswith("pp")] == [f"pp{i}" for i in range(1, 13)]
    assert [x for x in labels if x.startswith("op")] == [f"op{i}" for i in range(1, 16)]
    assert [f.number for f in d.footnotes] == list(range(1, 14))
    anchors = {f.number: f.anchor for f in d.footnotes}
    assert anchors[1] == "pp1" and anchors[2] == "pp2" and anchors[8] == "pp4" and anchors[9] == "op2"
    assert anchors[13] == "op5"


def test_report_notes_and_numbered_paragraphs() -> None:
    """A/59/377: paragraphs 63-65 by number, 'Notes' holds footnotes 1-5."""
    d = parse(read(SAMPLE / "A_59_377_page19.txt"))
    assert [p.label for p in d.paragraphs if p.label.isdigit()] == ["63", "64", "65"]
    assert [f.number for f in d.footnotes] == [1, 2, 3, 4, 5]


def test_flattened_page_with_inline_paragraphs() -> None:
    """A/65/222 flattened to one line: paragraphs 68-72 inline, footnote 20 after the separator."""
    d = parse(read(SAMPLE / "A_65_222_recommendations.txt"))
    assert [p.label for p in d.paragraphs if p.label.isdigit()] == ["68", "69", "70", "71", "72"]
    assert [(f.number, f.anchor) for f in d.footnotes] == [(20, "68")]


def test_page_numbers_are_not_footnotes() -> None:
    """A closing page number ('22') is furniture, not a footnote."""
    d = parse(read(SAMPLE / "A_58_275_conclusions.txt"))
    assert d.footnotes == ()


# One resolution (A/RES/78/10, pp1 and op1) as each converter writes it: the labels and functions
# must not depend on the converter.
PP1 = (
    "Recalling its resolution 76/13 of 2 December 2021, entitled “Building a peaceful and better world "
    "through sport and the Olympic ideal”,"
)
OP1 = (
    "Urges Member States to observe the Olympic Truce individually and collectively, within the framework "
    "of the Charter of the United Nations, throughout the period of the Games;"
)


def _wrapped(paragraph: str, width: int, indent: str = "") -> str:
    import textwrap

    return "\n".join(indent + line for line in textwrap.wrap(paragraph, width))


LAYOUT_ROWS = {
    # PyMuPDF's text of the ODS PDF: trailing spaces, blank lines holding a space, the number alone
    "pymupdf": "The General Assembly, \n \n"
    + _wrapped(PP1, 80).replace("\n", " \n")
    + "  \n \n1. \n"
    + _wrapped(OP1, 80).replace("\n", " \n")
    + "  \n",
    # the same with a blank line between the number and its words
    "pymupdf-blank": "The General Assembly, \n \n" + _wrapped(PP1, 80) + "\n \n1.\n \n" + _wrapped(OP1, 80) + "\n",
    # pdftotext -layout: indented first lines, the number and the verb on one line, wide gaps
    "pdftotext-layout": "            The General Assembly,\n\n                  "
    + _wrapped(PP1, 78).replace("\n", "\n            ")
    + "\n\n                  1.      "
    + _wrapped(OP1, 72).replace("\n", "\n            ")
    + "\n",
    # Tika and the like: one paragraph a line, blank lines between
    "tika": f"The General Assembly,\n\n{PP1}\n\n1. {OP1}\n",
    # copied from a web page: one paragraph a line, no blank lines, a tab after the number
    "copy-paste": f"The General Assembly,\n{PP1}\n1.\t{OP1}\n",
    # hard-wrapped plain text, no blank lines at all (CR-UNSC style)
    "hard-wrapped": "The General Assembly,\n" + _wrapped(PP1, 60) + "\n1. " + _wrapped(OP1, 60) + "\n",
}


@pytest.mark.parametrize("layout", sorted(LAYOUT_ROWS))
def test_labels_hold_on_every_layout(layout: str) -> None:
    """pp1 recalls resolution 76/13, op1 urges within the Charter, whatever the converter."""
    from unkg import extract_text

    found = [(c.target, c.paragraph, c.function) for c in extract_text(LAYOUT_ROWS[layout]).citations]
    assert found == [("A/RES/76/13", "pp1", "recalls"), ("UN-CHARTER", "op1", "urges")]


def test_paragraph_goes_on_after_a_page_break() -> None:
    """PyMuPDF: a paragraph cut by the page's footnotes and the next page's running head is one paragraph."""
    from unkg import extract_text

    text = (
        "The General Assembly, \n \nRecalling its resolution 76/13 of 2 December 2021, \n \n"
        "Recognizing also that the active involvement of persons with disabilities in sport,1 in accordance "
        "with article 30 \n__________________ \n1 Resolution 60/1. \n\nA/RES/78/10 \nBuilding a peaceful and "
        "better world through sport and the Olympic ideal \n \n23-23443\n4/5 \n \n"
        "of the Convention on the Rights of Persons with Disabilities, contributes to their inclusion, \n \n"
        "1. \nUrges Member States to observe the Olympic Truce;  \n"
    )
    found = [(c.target, c.paragraph, c.function) for c in extract_text(text).citations]
    assert found == [
        ("A/RES/76/13", "pp1", "recalls"),
        ("A/RES/60/1", "pp2", "recognizes"),  # footnote 1: the paragraph of its marker
        ("CRPD", "pp2", "recognizes"),  # on the next page, after the running head
    ]


def test_excerpt_of_a_resolution_keeps_operative_numbers() -> None:
    """An excerpt that starts mid-resolution (A/RES/80/151): its numbers are operative, its preamble uncounted."""
    from unkg import extract_text

    text = (
        "Recognizing the need to support landlocked developing countries,  \n \n"
        "A/RES/80/151 \nFollow-up to the Third United Nations Conference on Landlocked \nDeveloping Countries\n \n"
        "25-20779\n10/12 \n \n \n48. Notes the interest and commitment of the landlocked developing countries "
        "under the United Nations Framework Convention on Climate Change;  \n"
    )
    result = extract_text(text)
    assert result.symbol == "A/RES/80/151"
    assert [(c.target, c.paragraph, c.function) for c in result.citations] == [("UNFCCC", "op48", "notes")]


# Security Council texts reprinted from a yearly volume number their notes through the volume: the notes
# close the text and start at any number, called by a marker in the body (words in the form of
# the Resolutions and Decisions volumes; the numbers and symbols are made up).
CLOSING_NOTE_ROWS = [
    (
        "Resolution 400 (1976)\nof 1 March 1976\n\nThe Security Council,\n\nHaving considered the report "
        "submitted by the Secretary-General 31\nin accordance with resolution 399 (1976),\n\n1. Decides to "
        "remain seized of the matter.\n\nAdopted at the 1900th\nmeeting by 14 votes to\nnone. 32\n\n\n"
        "31 Ibid., document S/12001.\n32 One member did not participate in the voting.\n",
        [(31, "pp1"), (32, "p2")],
        [("S/12001", "pp1", "has considered")],
    ),
    (
        "Resolution 401 (1976)\nof 2 March 1976\n\nThe Security Council,\n\nHaving examined the application "
        "of the Republic of Utopia 47 for admission,\n\nRecommends to the General Assembly that it admit the "
        "Republic.\n\nAdopted unanimously at the\n1901st meeting.\n\n\n47 Ibid., document S/12002.",
        [(47, "pp1")],
        [("S/12002", "pp1", "has examined")],
    ),
    (  # no line of the text opens on "1" (a fast test for "\n1" had given up on its notes)
        "Resolution 402 (1976)\nof 3 March 1976\n\nThe Security Council,\n\nHaving examined the application "
        "of the Republic of Utopia 47 for admission,\n\nRecommends to the General Assembly that it admit the "
        "Republic.\n\nAdopted unanimously at the 2901st meeting.\n\n\n47 Ibid., document S/12003.",
        [(47, "pp1")],
        [("S/12003", "pp1", "has examined")],
    ),
    (
        # its marker spaced after a year (S/RES/238 (1967), shortened)
        "Resolution 238 (1967)\nof 19 June 1967\n\nThe Security Council,\n\nNoting from the report of the "
        "Secretary-General of\n13 June 1967 16 that in the present circumstances the\nForce is still needed,\n\n"
        "1. Extends once more the stationing in Cyprus of\nthe Force.\n\nAdopted unanimously at the\n1362nd "
        "meeting.\n\n\n16 Ibid., document S/7969.\n",
        [(16, "pp1")],
        [("S/7969", "pp1", "notes")],
    ),
    (
        # a last note of five lines; the first note's marker lost by the scan (S/RES/181 (1963), S/RES/288 (1970))
        "The Security Council,\n\nHaving considered the question of race conflict in South Africa resulting "
        "from\nthe policies of apartheid, as submitted by the thirty-two African Member States, 7\n\nTaking into "
        "account the third report 8 of the Committee,\n\n1. Decides to remain seized of the matter.\n\n"
        "Adopted unanimously at the\n1557th meeting.\n\n6 Ibid., document S/5300.\n\n7 Ibid., document "
        "S/5348.\n\n8 See documents S/5310 and S/5353 (mimeographed). The\nreports are reproduced as annexes "
        "to a later report of the Special\nCommittee (see Official Records of the General Assembly, Eight-\n"
        "eenth Session, Annexes, addendum to agenda item 30, documents\nA/5497 and Add.1, annexes III and IV).\n",
        [(7, "pp1"), (8, "pp2")],
        [
            ("S/5348", "pp1", "has considered"),
            ("S/5310", "pp2", "takes into account"),
            ("S/5353", "pp2", "takes into account"),
            ("A/5497", "pp2", "takes into account"),
            ("A/5497/Add.1", "pp2", "takes into account"),
        ],
    ),
]


@pytest.mark.parametrize(
    ("text", "notes", "cited"),
    CLOSING_NOTE_ROWS,
    ids=["run", "one", "no line opens on 1", "after a year", "long last note, first marker lost"],
)
def test_closing_notes_numbered_through_a_volume(
    text: str, notes: list[tuple[int, str]], cited: list[tuple[str, str, str]]
) -> None:
    """Notes that close the text from any number on are footnotes when the body calls the first; their
    symbols take the paragraph of the marker and its verb."""
    from unkg import extract_text

    d = parse(Source("resolution.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == notes
    result = extract_text(text)
    found = [(c.target, c.paragraph, c.function) for c in result.citations if c.footnote]
    assert found == cited


def test_a_closing_number_without_its_marker_is_no_note() -> None:
    """A numbered closing line whose number the body never calls stays text."""
    text = "The Security Council,\n\nNoting the letter of 3 May 1976,\n\n1. Decides to remain seized.\n\n\n31 Ibid., document S/12001.\n"
    assert parse(Source("resolution.txt", text, None)).footnotes == ()


def test_endnotes_run_over_page_breaks() -> None:
    """Notes under a "Notes" heading are endnotes: numbered on lines of their own (pdftotext -layout), they
    run on over page numbers and running heads to the end of the text, and each takes its marker's
    paragraph."""
    body = "".join(f"      {n}.    The Committee was concerned about item {n}.{n + 40}\n" for n in range(1, 5))
    notes = "".join(f"        {40 + n}\n          CRC/C/XYZ/CO/{n}, para. {n}.\n" for n in range(1, 3))
    more = "".join(f"        {40 + n}\n          CRC/C/XYZ/CO/{n}, para. {n}.\n" for n in range(3, 5))
    text = (
        f"A/HRC/WG.6/99/XYZ/2\n\n{body}\n\nNotes\n\n{notes}\n\n\n                    7\nA/HRC/WG.6/99/XYZ/2\n\n{more}"
    )
    d = parse(Source("compilation.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == [(41, "1"), (42, "2"), (43, "3"), (44, "4")]


def test_a_glued_doubtful_marker_between_two_markers_is_a_marker() -> None:
    """The same with the markers glued ("the Strategy,2 the relevant review resolutions3 and ... occasions,4")."""
    text = (
        "The General Assembly,\n\nReaffirming the Strategy, adopted in 2006,1 which enhances the framework, and "
        "recalling the reviews of the Strategy,2 the relevant review resolutions3 and the debates held on those "
        "occasions,4\n\n1. Decides to remain seized of the matter.\n\n__________\n1 Resolution 60/288.\n"
        "2 The first to eighth reviews.\n3 Resolutions 62/272 and 64/297.\n4 See A/62/PV.117.\n"
    )
    d = parse(Source("resolution.txt", text, None))
    assert [mk.number for mk in d.markers] == [1, 2, 3, 4]
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "pp1"), (2, "pp1"), (3, "pp1"), (4, "pp1")]


def test_a_doubtful_marker_between_two_markers_is_a_marker() -> None:
    """ "the review resolutions 3 and the debates" is doubtful alone (a number after "resolutions"); between
    the markers of notes 2 and 4 it calls note 3, and note 4's spaced marker is then taken too."""
    text = (
        "The General Assembly,\n\n"
        "Reaffirming the Strategy, adopted in 2006, 1 which enhances the framework, and recalling the reviews "
        "of the Strategy, 2 the relevant review resolutions 3 and the debates held on those occasions, 4\n\n"
        "1. Decides to remain seized of the matter.\n\n__________________\n"
        "1 Resolution 60/288.\n2 The first to eighth reviews.\n3 Resolutions 62/272 and 64/297.\n"
        "4 See A/62/PV.117.\n"
    )
    d = parse(Source("resolution.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "pp1"), (2, "pp1"), (3, "pp1"), (4, "pp1")]
    assert [mk.number for mk in d.markers] == [1, 2, 3, 4]


def test_a_note_run_into_the_line_of_the_note_before() -> None:
    """A converter may run a note into the line of the one before ("... para. 18. 4 E/C.12/..."): the next
    number after a full stop is that note; any other number there is text."""
    text = (
        "A/HRC/WG.6/99/XYZ/2\n\n1. CERD was concerned.1 CESCR agreed.2\n\n2. CEDAW noted the law.3 It urged more.4\n\n"
        "Notes\n\n1 CERD/C/XYZ/CO/8, para. 18. See 5 Rue des Nations.\n\n2 E/C.12/XYZ/CO/2, para. 31.\n\n"
        "3 CEDAW/C/XYZ/CO/5, para. 46. 4 E/C.12/XYZ/CO/2, para. 29.\n"
    )
    d = parse(Source("compilation.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "1"), (2, "1"), (3, "2"), (4, "2")]


REPORT_SHAPE_ROWS = [
    # a numbered section heading is no paragraph: its marker's note has no paragraph number
    (
        "A/HRC/WG.6/99/XYZ/2\n\n1.\tInternational human rights treaties2\n\n1.\tIn 2010, CERD recommended "
        "ratification.3\n\n2.\tCRC recommended ratification.4\n\n__________\n2 The abbreviations.\n"
        "3 CERD/C/XYZ/CO/6-7, para. 5.\n4 CRC/C/XYZ/CO/3-4, para. 7.\n",
        [(2, "p2"), (3, "1"), (4, "2")],
    ),
    # a list after a colon goes on with the numbered paragraph that announces it
    (
        "A/HRC/WG.6/99/XYZ/1\n\n29.\tSince 2010, Utopia ratified the following treaties:\n\n"
        "•\tthe Convention on one thing (2010);1\n\n•\tthe Convention on another thing (2012).2\n\n"
        "30.\tUtopia reports.\n\n__________\n1 CETS No. 201.\n2 CETS No. 210.\n",
        [(1, "29"), (2, "29")],
    ),
    # a heading drawn as a table row is a heading; a paragraph cut by a converter's break goes on
    (
        "A/HRC/WG.6/99/XYZ/2\n\n1.  | International human rights treaties2 |  | \n\n1. | In 2010, CERD "
        "recommended that Utopia bring the Office into compliance \n\nwith the Paris Principles.3\n\n"
        "2. CEDAW welcomed the National Programme (2010–\n\n2015) on Roma.4 The Committee on the Elimination "
        "of Discrimination against Women\n\n(CEDAW) noted the group.5\n\n__________\n2 The abbreviations.\n"
        "3 CERD/C/XYZ/CO/6-7, para. 5.\n4 CEDAW/C/XYZ/CO/5, para. 7.\n5 CEDAW/C/XYZ/CO/5, para. 8.\n",
        [(2, "p2"), (3, "1"), (4, "2"), (5, "2")],
    ),
]


@pytest.mark.parametrize(("text", "anchors"), REPORT_SHAPE_ROWS, ids=["heading", "bullets", "converted"])
def test_report_headings_and_lists(text: str, anchors: list[tuple[int, str]]) -> None:
    """A report's numbered headings and bulleted lists: each note is anchored where a reader would."""
    d = parse(Source("report.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == anchors


def test_running_heads_drawn_as_table_rows() -> None:
    """A Word rendering draws a page's foot and head as table rows ("24-23498 <tab> 3/7", "Measures ... |
    A/RES/79/129"): they are furniture, the paragraph they cut goes on, and the title is not cited."""
    from unkg import extract_text

    text = (
        "United Nations | A/RES/79/129\n\nThe General Assembly,\n\nRecalling its resolution 66/10,\n\n"
        "Recalling its decision in resolutions 54/110 and 55/158 that the Committee should keep on its \n\n"
        "24-23498 \t3/7\n\nMeasures to eliminate international terrorism under resolution 49/60 | A/RES/79/129\n\n"
        "agenda the question of a conference,\n\nNoting the importance of resolution 60/288,\n\n"
        "1. Decides to remain seized.\n"
    )
    d = parse(Source("resolution.docx", text, None))
    assert [p.label for p in d.paragraphs if p.label.startswith("pp")] == ["pp1", "pp2", "pp3"]
    result = extract_text(text)
    assert result.symbol == "A/RES/79/129"
    assert [(c.target, c.paragraph) for c in result.citations] == [
        ("A/RES/66/10", "pp1"), ("A/RES/54/110", "pp2"), ("A/RES/55/158", "pp2"), ("A/RES/60/288", "pp3"),
    ]  # fmt: skip


def test_notes_on_each_page_anchor_in_the_body() -> None:
    """Notes at the foot of each page, between the body's paragraphs: every note is anchored in the body
    paragraph of its marker, never in an earlier note."""
    text = "The General Assembly,\n\nRecalling its resolution 66/10,1\n\n"
    text += "".join(f"{n}. Decides item {n};\n\n" for n in range(1, 4))
    text += "__________\n1 Resolution 66/10.\n\f"
    text += "".join(f"{n}. Decides item {n} and the report,{n - 2}\n\n" for n in range(4, 9))
    text += "__________\n" + "".join(f"{n - 2} See A/79/{n}.\n" for n in range(4, 9))
    d = parse(Source("resolution.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "pp1")] + [(n - 2, f"op{n}") for n in range(4, 9)]


def test_a_symbols_number_is_no_marker() -> None:
    """ "decision C-SS-4/DEC.3" ends a symbol: its 3 calls no note, even when a note 3 exists."""
    text = (
        "The General Assembly,\n\n1. Recalls the Convention;1\n\n2. Notes decision C-SS-4/DEC.3 of the Conference "
        "and the report;2\n\n3. Welcomes the reports;3\n\n__________\n1 Treaty Series.\n2 See A/79/1.\n3 See A/79/2.\n"
    )
    d = parse(Source("resolution.txt", text, None))
    assert [(mk.number, text[mk.start - 4 : mk.end]) for mk in d.markers] == [(1, "ion;1"), (2, "ort;2"), (3, "rts;3")]


SC_SHAPE_ROWS = [
    # an operative part of one unnumbered paragraph, its note closing the text on two lines
    (
        "88 (1950). Resolution of 8 November 1950\n\nThe Security Council\n\nDecides to invite, in accordance "
        "with rule 39, a representative to be present during discussion\nof the special report. 14\n\n"
        "Adopted at the 520th meeting.\n\n\n14 See Official Records, Fifth Year,\n518th meeting (document S/1884).\n",
        [("S/1884", "op1", "decides")],
    ),
    # lettered items after "the following:" go on with their operative paragraph
    (
        "Resolution 180 (1963)\nof 31 July 1963\n\nThe Security Council,\n\nRecalling its resolution 163 (1961),\n\n"
        "1. Deprecates the attitude of the Government;\n\n2. Urgently calls upon the Government to implement the "
        "following:\n\n(a) The recognition of the right of the peoples;\n\n(b) Negotiations in accordance with "
        "General Assembly resolution 1514 (XV);\n\n3. Requests all States to refrain;\n",
        [("S/RES/163(1961)", "pp1", "recalls"), ("A/RES/1514(XV)", "op2", "calls upon")],
    ),
]


@pytest.mark.parametrize(("text", "cited"), SC_SHAPE_ROWS, ids=["unnumbered-operative", "lettered-items"])
def test_security_council_shapes(text: str, cited: list[tuple[str, str, str]]) -> None:
    from unkg import extract_text

    result = extract_text(text)
    assert [(c.target, c.paragraph, c.function) for c in result.citations] == cited


LAYOUT_HEAD_ROWS = [
    # pdftotext -layout: the symbol and the title on one line, a column gap between them
    "A/RES/79/129                                   Measures to eliminate international terrorism under 49/60",
    # a positioned page laid out as text: a tab between the columns
    "Measures to eliminate international terrorism under 49/60\tA/RES/79/129",
]


@pytest.mark.parametrize("head", LAYOUT_HEAD_ROWS, ids=["column-gap", "tab"])
def test_running_heads_across_a_column_gap(head: str) -> None:
    """A running head whose symbol and title share a line across a column gap is furniture, and a
    preamble whose paragraphs are told only by their first words ("Deeply disturbed") is counted whole."""
    text = (
        "United Nations   A/RES/79/129\n\nThe General Assembly,\n\n     Convinced of the importance of\n"
        "the matter,\n     Deeply disturbed by the persistence of terrorist acts,\n\n 24-23498 (E)\n *2423498*\n"
        f"\f{head}\n\n     Recalling its resolution 60/288,\n\n1. Decides to remain seized.\n"
    )
    from unkg import extract_text

    d = parse(Source("resolution.txt", text, None))
    preamble = [(p.label, d.text[p.content : p.content + 9]) for p in d.paragraphs if p.label.startswith("pp")]
    assert preamble == [("pp1", "Convinced"), ("pp2", "Deeply di"), ("pp3", "Recalling")]
    assert [(c.target, c.paragraph) for c in extract_text(text).citations] == [("A/RES/60/288", "pp3")]


def test_a_reports_note_cites_its_source() -> None:
    """In a report a note gives the source of a statement ("The Committee welcomes the plan.4" / "4 CEDAW/C/XYZ/CO/5");
    the paragraph's verb is the reporter's, not a characterisation of the source: the note cites it. In a
    resolution the note names what the paragraph's verb is about (see the closing-note rows)."""
    from unkg import extract_text

    text = (
        "A/HRC/WG.6/99/XYZ/2\n\n5. The Committee welcomes the national plan.4\n\n__________\n3 Ibid.\n"
        "4 CEDAW/C/XYZ/CO/5, para. 22.\n"
    )
    assert [(c.target, c.paragraph, c.function) for c in extract_text(text).citations] == [
        ("CEDAW/C/XYZ/CO/5", "5", "cites")
    ]


def test_markers_the_reader_missed_are_read_from_the_text() -> None:
    """A reader that saw some markers in the layout (raised numbers) but not one a converter drew on the line
    ("ratify ICRMW. 9 In 2011"): the text is read for the notes it saw no marker of, and only for those."""
    text = (
        "A/HRC/WG.6/99/XYZ/2\n\n1. In 2010, CERD encouraged Utopia to ratify ICRMW. 9 In 2011, CAT invited it to "
        "ratify CPED.10\n\n2. CRC recommended ratification of the Protocol 9 times.11\n\n__________\n"
        "9 CERD/C/XYZ/CO/6-7, para. 5.\n10 CAT/C/XYZ/CO/3, para. 7.\n11 CRC/C/XYZ/CO/3-4, para. 9.\n"
    )
    raised = tuple((text.index(f".{n}\n") + 1, text.index(f".{n}\n") + 1 + len(str(n))) for n in (10, 11))
    d = parse(Source("report.txt", text, None, markers=raised))
    assert [(mk.number, text[mk.start - 6 : mk.end]) for mk in d.markers] == [
        (9, "CRMW. 9"), (10, " CPED.10"), (11, "times.11"),
    ]  # fmt: skip
    assert [(f.number, f.anchor) for f in d.footnotes] == [(9, "1"), (10, "1"), (11, "2")]


SPACED_MARKER_ROWS = [
    # markers drawn on the line, neither raised nor glued, before an acronym too ("compensation. 138 UNHCR,")
    (
        "1. HRC recommended restitution and compensation. 1 UNHCR, 2 the Committee on the Elimination of "
        "Discrimination against Women, 3 the Committee on Economic, Social and Cultural Rights,4 made similar "
        "recommendations.\n\n__________\n1 CCPR/C/XYZ/CO/3, para. 22.\n2 UNHCR submission, p. 3.\n"
        "3 CEDAW/C/XYZ/CO/5-6, para. 26.\n4 E/C.12/XYZ/CO/2, para. 13.\n",
        [1, 2, 3, 4],
    ),
    # a number after a word that counts it is no marker, whatever follows it
    (
        "1. HRC cited the Covenant.1 See vol. 2 ICCPR and article 3 CEDAW.\n\n__________\n1 CCPR/C/XYZ/CO/3.\n"
        "2 UNHCR submission.\n3 CEDAW/C/XYZ/CO/5-6.\n",
        [1],
    ),
    # glued to a sentence's full stop after a whole word that may count ("principle.117", "decision.118") a
    # marker; after an abbreviation's dot ("para. 4") or the counting word itself ("principle 3") none
    (
        "1. CAT reported a non-refoulement principle.1 CRC asked it to reconsider this decision.2 See "
        "principle 3 and para. 4 there.\n\n__________\n1 CAT/C/XYZ/CO/3/Add.1.\n2 Ibid., para. 64.\n3 Ibid.\n4 Ibid.\n",
        [1, 2],
    ),
]


@pytest.mark.parametrize(("body", "numbers"), SPACED_MARKER_ROWS, ids=["acronym-after", "counted", "full-stop"])
def test_markers_drawn_on_the_line(body: str, numbers: list[int]) -> None:
    """A converter may draw a marker on the line, unraised: spaced from the words around it, the next
    note's number after a word or a sentence's end, before a word in lower case, a capitalised word or an
    acronym; glued, after a sentence's full stop even when the word before it may count."""
    d = parse(Source("report.txt", f"A/HRC/WG.6/99/XYZ/2\n\n{body}", None))
    assert [mk.number for mk in d.markers] == numbers


def test_a_marker_after_a_year() -> None:
    """ "released on 27 January 2023 6 and the fourth report": after a year, the next note's number is its
    marker (pdftotext -layout puts a space before a raised number); another number there is text."""
    text = (
        "The General Assembly,\n\n1. Takes note of the first report, released on 8 April 2020, 1 the second, released "
        "on 27 January 2023 2 and the third, released on 22 February 2024, 3 and of the 2024 5 reports;\n\n"
        "__________\n1 See S/2020/310.\n2 See S/2023/81.\n3 See S/2024/200.\n4 See S/2024/201.\n5 See S/2024/202.\n"
    )
    d = parse(Source("resolution.txt", text, None))
    assert [mk.number for mk in d.markers] == [1, 2, 3]


SPACED_YEAR_ROWS = [
    # the year closes a span of years (PDFium's text of A/RES/79/226: "Disaster Risk Reduction 2015–2030 6 and
    # the New Urban Agenda,7"), and a marker further on waits for it ("implementation, 9 and")
    ("the Sendai Framework for Disaster Risk Reduction 2015–2030 1 and the New Urban Agenda, 2 and the rest", [1, 2]),
    ("the Programme of Action for the Decade 2014–2024 1 and the SAMOA Pathway, 2 and the rest", [1, 2]),
    # a span of years and a number that is not the next note is a number
    ("the Decade 2014–2024 3 and the rest", []),
    # PyMuPDF's text of A/RES/80/80 sets the marker at the next line's start ("Arrangements of 13 September
    # 1993\n11  and the subsequent implementation"); a later marker waits for it ("(the Nelson Mandela Rules) 13")
    ("the Arrangements of 13 September 1993\n1  and the subsequent agreements, the Rules) 2 and the rest", [1, 2]),
    # ... a word in lower case after it: a number that opens a line of its own is no marker
    ("the Arrangements of 13 September 1993\n1. Decides to act, the Rules) 2 and the rest", []),
    ("the Arrangements of 13 September 1993\n3  and the rest", []),
]


_NOTES = ("See S/2020/310.", "See S/2023/81.", "See S/2024/200.", "See S/2024/201.", "See S/2024/202.")


def _noted(paragraph: str, notes: int) -> str:
    """A resolution of one operative paragraph, then the first ``notes`` of five notes under a separator."""
    listed = "".join(f"{n} {note}\n" for n, note in enumerate(_NOTES[:notes], start=1))
    return f"The General Assembly,\n\n1. {paragraph};\n\n__________\n{listed}"


@pytest.mark.parametrize(
    ("body", "numbers"), SPACED_YEAR_ROWS, ids=["span", "decade", "not-next", "line", "line-item", "line-not-next"]
)
def test_a_marker_after_a_span_of_years(body: str, numbers: list[int]) -> None:
    """A span of years ends on a year as well as a date does: the next note's number after it is a marker."""
    text = _noted(f"Notes {body}", 3)
    d = parse(Source("resolution.txt", text, None))
    assert [mk.number for mk in d.markers] == numbers


def test_an_acronyms_number_is_no_marker() -> None:
    """An acronym's number in its parentheses ("(GP20)", the plan of action for 2018–2020 in A/RES/78/205, or
    "(COP28)") is not note 20 or 28: taken for one, it would keep the real marker from being read."""
    text = (
        "The General Assembly,\n\n1. Recalls the Paris Agreement,1 the Plan of Action 2018–2020 (GP20) to commemorate "
        "the anniversary, the session (COP2) and the Sendai Framework for Disaster Risk Reduction 2015–20302 and the "
        "review, 3 the rest;\n\n__________\n1 See S/2020/310.\n2 Resolution 69/283, annex II.\n3 Resolution 77/289.\n"
    )
    d = parse(Source("resolution.txt", text, None))
    assert [(mk.number, text[mk.start - 4 : mk.end]) for mk in d.markers] == [(1, "ent,1"), (2, "20302"), (3, "ew, 3")]


NUMBER_ROWS = [
    # a decimal number or one with thousands is no marker, neither its first digits nor its last
    # (A/RES/80/117: "(a) 1.3 billion adults", A/RES/78/304: "the Force, 4,995,400 dollars", A/RES/79/233:
    # "accounted for 4.14 per cent", "Goal targets 15.3, 6.1 and 6.6")
    ("there are: (a) 1.3 billion adults; (b) 2.6 million deaths, and the Force, 3,995,400 dollars", []),
    ("accounted for 4.1 per cent and 3.2 per cent of the targets 15.3, 6.1 and 6.6", []),
    # a marker after a comma before a year, in a list of years (A/RES/80/117: "held in 2011, 1 2014 2 and 2018;3")
    ("held in 2011, 1 2014 2 and 2018;3", [1, 2, 3]),
    ("held in 2011, 1 20142 and 2018;3", [1, 2, 3]),
    # ... and after a year's full stop ("in 2018.3 The")
    ("held in 2011,1 2014,2 and 2018.3 The rest", [1, 2, 3]),
    # an action's number (A/RES/79/1, the Pact for the Future: "Action 15. We will"); a marker after the word
    # "Action" before other words (A/RES/78/202: "the Vienna Declaration and Programme of Action 17 by the")
    ("the Programme of Action 1 by the Conference.\nAction 2. We will act", [1]),
]


@pytest.mark.parametrize(
    ("body", "numbers"), NUMBER_ROWS, ids=["decimal", "per-cent", "year-after", "glued-year", "year-stop", "action"]
)
def test_numbers_and_the_markers_beside_them(body: str, numbers: list[int]) -> None:
    """A marker is never inside a number; one before a year is a marker all the same."""
    text = _noted(f"Notes that {body}", 5)
    d = parse(Source("resolution.txt", text, None))
    assert [mk.number for mk in d.markers] == numbers


def test_a_day_before_its_month_is_no_marker() -> None:
    """The number before a month's name is a day ("77/184 of 14 December 2022" in PDFium's text of A/RES/79/226),
    even where it is the next note's number; the marker is the one after it ("previous resolutions14")."""
    text = (
        "The General Assembly,\n\nRecalling its resolutions 75/233,1 77/184 of 14 December 2022 and 78/166 of "
        "19 December 2023, and previous resolutions2 and the role of the Council,\n\nRecalling also its "
        "resolutions,3\n\n__________\n1 See A/75/73.\n2 See A/78/72.\n3 See A/79/72.\n"
    )
    for day in (2, 14):  # the day is the next note's number, or one further on
        body = text.replace(" 14 December", f" {day} December")
        d = parse(Source("resolution.txt", body, None))
        assert [(mk.number, body[mk.start - 4 : mk.end]) for mk in d.markers] == [
            (1, "233,1"), (2, "ions2"), (3, "ons,3"),
        ]  # fmt: skip


GLUED_YEAR_ROWS = [
    # a reader that lost the raise runs the marker into the year before it ("201814" = 2018 + note 14)
    ("adopted in 20181 and in 20192, as requested", [1, 2]),
    # the year closes a span of years ("2015-203020")
    ("the Sendai Framework for 2015-20301 and the 20302 Agenda", [1, 2]),
    # a year and a number that is not the next note is a number ("20195": note 5 is not next)
    ("adopted in 20181 and in 20195, as requested", [1]),
]


@pytest.mark.parametrize(("body", "numbers"), GLUED_YEAR_ROWS, ids=["year", "span", "not-next"])
def test_a_marker_glued_to_a_year(body: str, numbers: list[int]) -> None:
    """PyMuPDF's text of an ODS PDF may glue a marker to the year before it ("in 201814"): the digits after
    a year (19xx or 20xx) are a marker when they are the next note's number, as after a spaced year."""
    text = _noted(f"Notes the reports {body}", 5)
    d = parse(Source("resolution.txt", text, None))
    assert [mk.number for mk in d.markers] == numbers
    assert all(text[mk.start - 4 : mk.start] in ("2018", "2019", "2030") for mk in d.markers)  # the year stays


def test_notes_heading_run_into_the_line() -> None:
    """A PDF reader may run "Notes" into the line of the last paragraph and the first note ("... programmes.121
    Notes 78 CRC/C/SVN/CO/3-4, para. 71."): the notes are read as notes all the same."""
    text = (
        "A/HRC/WG.6/99/XYZ/2\n\n1. CRC recommended that Utopia reconsider the decision.1\n\n"
        "2. CAT urged Utopia to investigate.2 Notes 1 CRC/C/XYZ/CO/3-4, para. 71.\n\n2 CAT/C/XYZ/CO/3, para. 16.\n"
    )
    d = parse(Source("compilation.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "1"), (2, "2")]


def test_page_heads_where_the_reader_told_the_pages() -> None:
    """A PDF reader's text keeps no page numbers, but it tells where each page starts: a running head on a
    page's first line is furniture, and so is one the reader ran into the last line of the page before
    ("... Illicit Maritime Questions in Central Africa A/RES/79/68"); the paragraph it cut goes on."""
    page1 = "United Nations A/RES/79/68\n\nThe General Assembly,\n\nRecalling its resolution 69/314 and the Code of Illicit Maritime "
    page2 = "Questions in Central Africa A/RES/79/68\n\nActivity in West Africa,\n\nNoting resolution 77/325,\n\n"
    page3 = "A/RES/79/68  Questions in Central Africa\n\nNoting also resolution 78/1,\n\n1. Decides to remain seized.\n"
    text = page1 + page2 + page3
    source = Source("resolution.pdf", text, None, pages=(0, len(page1), len(page1) + len(page2)))
    d = parse(source)
    preamble = [(p.label, text[p.content : p.content + 9]) for p in d.paragraphs if p.label.startswith("pp")]
    assert preamble == [("pp1", "Recalling"), ("pp2", "Noting re"), ("pp3", "Noting al")]


RUN_IN_HEAD_ROWS = [
    # the title first, the symbol at the line's end
    "Questions in Central Africa A/RES/79/68",
    # the symbol first, the title after a column gap (PDFium's text of an even page)
    "A/RES/79/68  Questions in Central Africa",
]


@pytest.mark.parametrize("head", RUN_IN_HEAD_ROWS, ids=["title-first", "symbol-first"])
def test_a_head_run_into_the_last_line_of_the_page_before(head: str) -> None:
    """A PDF reader may run a page's head into the last line of the page before, the title on either side
    of the symbol: the head is furniture from the page's start to the line's end, and the paragraph it
    cut goes on."""
    page1 = "United Nations A/RES/79/68\n\nThe General Assembly,\n\nRecalling its resolution 69/314 and the Code of "
    page2 = f"{head}\n\nConduct for West Africa,\n\n1. Decides to remain seized.\n"
    text = page1 + page2
    d = parse(Source("resolution.pdf", text, None, pages=(0, len(page1))))
    assert any(s <= len(page1) and e >= len(page1) + len(head) for s, e in d.furniture)  # the whole head
    assert [p.label for p in d.paragraphs if p.label.startswith(("pp", "op"))] == ["pp1", "op1"]


EVEN_HEAD = "A/RES/79/68  Questions in Central Africa"  # the symbol first, the title after a column gap
ODD_HEAD = "Questions in Central Africa A/RES/79/68"  # the title first
REPEATED_HEAD_ROWS = [
    # the head repeated on the even pages
    (EVEN_HEAD, EVEN_HEAD, EVEN_HEAD),
    # an odd page's head, told by the even pages' title
    (EVEN_HEAD, ODD_HEAD, EVEN_HEAD),
]


@pytest.mark.parametrize("heads", REPEATED_HEAD_ROWS, ids=["even", "odd"])
def test_a_head_run_into_the_line_is_told_by_its_repeating(heads: tuple[str, str, str]) -> None:
    """Without the reader's page starts (PDFium's text read back as plain text) a head run into the last line
    of the page before is told by its repeating: the symbol and the same title at a line's end twice."""
    text = (
        "United Nations A/RES/79/68\n\nThe General Assembly,\n\nRecalling its resolution 69/314 and the Code of "
        f"{heads[0]}\n\nConduct for West Africa,\n\n1. Decides to remain seized of the {heads[1]}\n\nmatter;\n\n"
        f"2. Requests a report on the {heads[2]}\n\nmatter.\n"
    )
    d = parse(Source("resolution.txt", text, None))
    start = 0
    for head in heads:
        start = text.index(head, start + 1)
        assert any(s <= start and e >= start + len(head) for s, e in d.furniture), head
    assert [p.label for p in d.paragraphs if p.label.startswith(("pp", "op"))] == ["pp1", "op1", "op2"]


TITLE = (
    "Political declaration of the high-level political forum on sustainable\ndevelopment convened under the auspices"
)
PDFTOTEXT_HEAD_ROWS = [
    # an even page's head: page number (run into the last body line), job number, title, symbol
    f"Report,\n4/6\n\n23-20100\n\n{TITLE}\n\nA/RES/78/1\n\nrecognizing",
    # an odd page's: job number, page number, symbol, title
    f"Report,\n\n23-20100\n\n5/6\n\n\fA/RES/78/1\n\n{TITLE}\n\nrecognizing",
]


def test_a_head_set_apart_line_by_line() -> None:
    """pdftotext's text sets each line of a page's head apart, a blank line between: the page and job
    numbers next to a head are part of it, and so is the running title that stands beside every head,
    which tells the head of a page whose page number stands further off; a block repeated beside a few
    heads only (a form's box on some pages of an annex) is no title."""
    body = "1. Takes note of the {} progress report, recalling the Global Sustainable Development {}"
    text = "United Nations A/RES/78/1\n\nThe General Assembly,\n\n" + "\n".join(
        body.format(i, head) + f" progress to date.\n\n{i + 2}. Decides to remain seized."
        for i, head in enumerate([*PDFTOTEXT_HEAD_ROWS, *PDFTOTEXT_HEAD_ROWS[::-1]], start=2)
    )
    _, units = text_units(text)
    assert not [u.text for u in units if "auspices" in u.text or "/6" in u.text or "20100" in u.text]


def test_a_box_repeated_on_a_few_pages_is_no_running_title() -> None:
    """A block beside two heads of many (a form's box on the pages of an annex) is text, not a title."""
    box = "IF THIS REQUEST IS TO BE PAID IN ACCORDANCE WITH SC\nRESOLUTION 986 (1995) FILL OUT THESE BOXES"
    pages = [f"{n}\nS/RES/1454 (2002)\n\n{box if n > 4 else f'Paragraph of page {n}.'}\n\n" for n in range(1, 7)]
    _, units = text_units("".join(pages))
    assert sum(u.text.count("RESOLUTION 986") for u in units) == 2


FIRST_TITLE_LINE_ROWS = [
    # the title's first line alone on its line above the head
    "remain seized of the\n\nFurther Implementation of the Programme for the\n\n",
    # run into the last body line of the page before
    "remain seized of the Further Implementation of the Programme for the\n\n",
]


@pytest.mark.parametrize("above", FIRST_TITLE_LINE_ROWS, ids=["alone", "run-in"])
def test_the_first_line_of_a_two_line_running_title(above: str) -> None:
    """A title of two lines: the first stands above the head a repeating tells ("A/RES/79/203  Sustainable
    Development of Small Island Developing States"), whole above two heads or more; the same words closing
    the line above another head are furniture too, and the paragraph they cut goes on."""
    head = "Further Implementation of the Programme for the\n\nA/RES/79/68  Sustainable Development of States\n\n"
    text = (
        "United Nations A/RES/79/68\n\nThe General Assembly,\n\nRecalling its resolution 69/314,\n\n"
        f"1. Decides to act;\n\n{head}2. Decides to {above}A/RES/79/68  Sustainable Development of States\n\n"
        f"matter;\n\n{head}3. Requests a report.\n"
    )
    _, units = text_units(text)
    assert [u.text for u in units if "Decides to remain" in u.text] == ["Decides to remain seized of the matter;"]
    assert not [u.text for u in units if "Further" in u.text or "Sustainable" in u.text]


MEETING_LINE_ROWS = [
    # under the last line, no blank line between (pdftotext's text)
    "of the General Assembly.\n45th plenary meeting\n7 December 2023\n",
    # a blank line between (PyMuPDF's)
    "of the General Assembly.\n\n45th plenary meeting\n7 December 2023\n",
]


@pytest.mark.parametrize("end", MEETING_LINE_ROWS, ids=["under", "apart"])
def test_the_meeting_line_is_no_part_of_the_last_paragraph(end: str) -> None:
    """The meeting line that closes a resolution is a block of its own, even right under the last line."""
    text = f"The General Assembly,\n\n1. Decides to act;\n\n2. Requests a report at the next session\n{end}"
    _, units = text_units(text)
    assert [u.text for u in units][-1] == "Requests a report at the next session of the General Assembly."


def test_a_run_of_notes_ends_with_its_page() -> None:
    """Notes told as a run of lines ("6  Resolution 60/1.") end where their page does (the next page's
    running head), not at the next note, pages later: the body between them is no note."""
    text = (
        "United Nations A/RES/79/155\n\nThe General Assembly,\n\nRecalling the World Summit,1\n\n"
        "__________________\n\n1  Resolution 60/1.\n\nA/RES/79/155\nIntensification of efforts\n\n24-24147\n2/9\n\n"
        "Reaffirming the Universal Declaration of Human Rights,2\n\nNoting resolution 78/1,\n\n"
        "__________________\n\n2  Resolution 217 A (III).\n"
    )
    d = parse(Source("resolution.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "pp1"), (2, "pp2")]
    assert [p.label for p in d.paragraphs if p.label.startswith("pp")] == ["pp1", "pp2", "pp3"]


# --------------------------------------------------------------------------
# The document's date: from a heading that says when it was adopted, never from the prose.
@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Resolution adopted by the General Assembly on 19 December 2006\n\n61/165. Protection of migrants\n", "2006-12-19"),
        ("Resolution adopted by the General Assembly \non 29 September 2023 \n\n[without reference to a Main Committee]\n", "2023-09-29"),
        ("Resolution 1373 (2001)\n\nAdopted by the Security Council at its 4385th meeting, on 28 September 2001\n", "2001-09-28"),
        ("[Adopted by the Security Council on 5 May 1990.]\n", "1990-05-05"),
        ("Resolution adopted by the Human Rights Council on 27 March 2008    A/HRC/RES/7/14\n", "2008-03-27"),
        # the prose tells of other adoptions: a speech, a resolution's own paragraphs
        ("we find that the Palestine partition plan adopted by the Assembly on 29 November 1947 [resolution 181 (II)]"
         " was rejected\n", None),
        ("The Security Council,\n\nNoting that the Commission, established by a resolution\nadopted by the Council on"
         " 19 December 1946, is not\nempowered to deal with it,\n", None),
        ("1. Reaffirms resolution 316 (1972) adopted by the\nSecurity Council on 26 June 1972;\n", None),
        ("unanimous decision adopted by the Council on 27 April\n1968.\n", None),
    ],
)  # fmt: skip
def test_the_date_of_adoption_comes_from_a_heading(text: str, date: str | None) -> None:
    assert document_metadata(text, None).get("date") == date


CONVERTER_CUT_ROWS = [
    # a numbered heading may list with commas: its marker's note has no paragraph number
    (
        "1.\tRight to life, liberty and security of person30\n\n17.\tCRC was concerned at the use of force.31\n\n",
        [(30, "p2"), (31, "17")],
    ),
    # a block that stops on a word no phrase ends on ("of", "that") goes on in the next, whatever its capital
    (
        "14.\tCRC was seriously concerned that the rights of former permanent residents of\n\nUtopia originating "
        "from former republics had not been guaranteed.30 CERD recommended that\n\nUtopia ensure their rights.31\n\n"
        "15.\tCAT agreed.32\n\n",
        [(30, "14"), (31, "14"), (32, "15")],
    ),
    # ... but "and" after a comma or semicolon may close a clause of a list ("Whereas ...; and" / "Whereas")
    (
        "The Security Council,\n\nWhereas the Council appointed a Sub-Committee on Utopia30, and\n\n"
        "Whereas the Sub-Committee has confirmed the facts31,\n\n1.\tDecides to act.\n\n",
        [(30, "pp1"), (31, "pp2")],
    ),
    # a report's numbered paragraph that stops inside a sentence goes on in a block that ends one
    (
        "15.\tConcerning the erased, CRC noted with appreciation the Act Regulating the Legal\n\nStatus of Citizens "
        "of Former Yugoslavia Living in Utopia (Legal Status Act).30\n\n16.\tIn 2013, CAT was concerned.31\n\n",
        [(30, "15"), (31, "16")],
    ),
    # ... or on a comma ("In the framework of follow-up," / "Utopia reported ...")
    (
        "52.\tCAT urged Utopia to ensure safeguards.30 In the framework of follow-up,\n\nUtopia reported to CAT "
        "that the new Act included the principle.31\n\n53.\tCRC expressed concern.32\n\n",
        [(30, "52"), (31, "52"), (32, "53")],
    ),
    # ... or, cut by a page break after a sentence, in sentences the next paragraph's number follows
    (
        "59.\tCERD recommended access to education at all levels.30\n\n8\n\fA/HRC/WG.6/99/XYZ/2\n\nThe Committee "
        "on Economic, Social and Cultural Rights made similar recommendations.31\n\n60.\tHRC was concerned.32\n\n",
        [(30, "59"), (31, "59"), (32, "60")],
    ),
    # ... not sentences a section's heading follows: they are no paragraph of the report's numbers
    (
        "59.\tCERD recommended access to education at all levels.30\n\n8\n\fA/HRC/WG.6/99/XYZ/2\n\nThe Committee "
        "made similar recommendations.31\n\nC.\tAdministration of justice\n\n1.\tHRC was concerned.32\n\n",
        [(30, "59"), (31, "p1"), (32, "1")],
    ),
    # ... not when the block opens a sentence of its own ("These aims ..."): a list of short items before it
    (
        "3.\tDeveloping productive capacities\n\n4.\tAccelerating social reforms\n\nThese aims are designed to "
        "ensure the security of the people.30\n\n",
        [(30, "p4")],
    ),
    # a short numbered line with commas is no heading when the block after it goes on with its sentence
    (
        "7.\tIn 2011, the Committee on the Elimination of Discrimination against Women\n\n(CEDAW) noted the "
        "establishment of a working group.30\n\n8.\tCERD welcomed the programme.31\n\n",
        [(30, "7"), (31, "8")],
    ),
    # nor one that stops on a word no phrase ends on ("2. Diplomacy, and" / "3. Development")
    ("2.\tDiplomacy, and\n\n3.\tDevelopment.30\n\n", [(30, "3")]),
    # a heading's marker is no page break: the table under the heading is not the heading's paragraph
    (
        "1.\tInternational human rights treaties30\n\nStatus during previous cycle\tAction after review\n\n"
        "Ratification\tICERD (1992)31\n\n1.\tIn 2010, CERD recommended ratification.32\n\n",
        [(30, "p2"), (31, "p4"), (32, "1")],
    ),
    # a list's items glued to their bullet ("•CoE Convention ...") go on with the paragraph that announces them
    (
        "29.\tSince 2010, Utopia signed the following treaties:\n\n•Council of Europe Convention on one thing;30\n\n"
        "•CoE Convention on another thing;31\n\n•Protocol No. 15 to the Convention;32\n\n30.\tUtopia reports.\n\n",
        [(30, "29"), (31, "29"), (32, "29")],
    ),
]


@pytest.mark.parametrize(
    ("body", "anchors"),
    CONVERTER_CUT_ROWS,
    ids=["heading-commas", "goes-on-word", "clause-and", "sentence-cut", "comma-cut", "page-cut", "page-heading",
         "sentence-opener", "heading-goes-on", "heading-and", "heading-marker", "glued-bullets"],
)  # fmt: skip
def test_paragraphs_a_converter_cut(body: str, anchors: list[tuple[int, str]]) -> None:
    """Converters (pdf2docx, pdftohtml) cut paragraphs at a line, in the middle of a sentence, at a capital:
    the parts are one paragraph where a reader would read one; headings stay headings."""
    notes = "".join(f"{n} CERD/C/XYZ/CO/{n}, para. 1.\n" for n, _ in anchors)
    d = doc(f"A/HRC/WG.6/99/XYZ/2\n\n{body}__________\n{notes}")
    assert [(f.number, f.anchor) for f in d.footnotes] == anchors


def test_a_notes_number_glued_to_its_first_word() -> None:
    """A converter may drop the space after a note's number ("33Letter from CERD ..."): the next number of a
    run of notes glued to a capital is that note; a number out of the run is text."""
    text = (
        "A/HRC/WG.6/99/XYZ/2\n\n1.\tCERD wrote.32 It wrote again.33 HRC agreed.34\n\nNotes\n\n"
        "32 CERD/C/XYZ/CO/6-7/Add.1.\n\n33Letter from CERD to the Permanent Mission, available from\n\n"
        "http://example.org/CERD.\n\n4G networks are no note.\n\n34CCPR/CO/84/XYZ, para. 19.\n"
    )
    d = doc(text)
    assert [(f.number, f.anchor) for f in d.footnotes] == [(32, "1"), (33, "1"), (34, "1")]
    assert text[d.footnotes[1].start : d.footnotes[1].start + 9] == "33Letter "


def test_a_meeting_line_found_at_the_line_marks_as_by_the_pattern() -> None:
    """The meeting line tried at the text's start and after its line marks only is MEETING_RE's first match,
    on random texts."""
    import random

    from unkg.structure import MEETING_RE, _meeting_line, line_marks

    rng = random.Random(3)
    pieces = ["meeting", " ", "\t", "\n", "x", "45th", "3rd", "plenary", "(resumed)", "\n45th plenary meeting",
              "\n 2nd meeting\n", "\f", "Meeting", "1"]  # fmt: skip
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        want = MEETING_RE.search(text)
        got = _meeting_line(text, line_marks(text))
        assert (got and got.span()) == (want and want.span()), repr(text)
        found += want is not None
    assert found > 1000


def test_page_mark_line_tests_agree_with_the_pattern() -> None:
    """The fast forms of the page mark line test answer as PAGE_MARK_LINE_RE on the line's bounds: matched
    from the line's start without its end, and no line matches at a character no mark line holds."""
    import random

    from unkg.structure import _PAGE_MARK_CHARS, PAGE_MARK_LINE_AT_RE, PAGE_MARK_LINE_RE, _line_bounds

    rng = random.Random(5)
    pieces = ["1", "23", "/", "7", "-", "24-23498", "GE.", "(E)", " ", "\t", "|", "\f", "\n", "*12345678*", "x",
              "(", ".", ",", " (E)", "\r", "\xa0", "\u2003"]  # fmt: skip
    matched = 0
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 8)))
        for pos in (p for p in range(len(text)) if not text[p].isspace()):
            start, end = _line_bounds(text, pos)
            plain = PAGE_MARK_LINE_RE.match(text, start, end)
            fast = PAGE_MARK_LINE_AT_RE.match(text, start)
            assert bool(plain) == bool(fast) and (not plain or fast.end() == end), repr(text)
            if plain:
                matched += 1
                assert text[pos] in _PAGE_MARK_CHARS and (text[pos] != "." or text[pos - 1] == "E"), repr(text)
    assert matched > 1000  # the draw makes mark lines, not only other lines


def test_a_masthead_symbol_is_one_the_symbol_scan_found() -> None:
    """The masthead pattern runs only where a symbol found by the scan stands after "Nations": every masthead
    that gives a symbol passes that test (random texts of masthead pieces)."""
    import random

    from unkg import grammar as g
    from unkg.structure import MASTHEAD_RE, _after_nations

    rng = random.Random(11)
    pieces = ["United", "Nations", "United Nations", " ", "\t", "\n", "A/55/602/Add.2", "S/RES/1 (1946)", "A/B",
              "x", "E/CN.4/2003/85", ".", "/", "General Assembly"]  # fmt: skip
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, weights=[1, 1, 4, 3, 2, 3, 3, 2, 1, 1, 2, 1, 1, 1], k=rng.randint(1, 9)))
        m = MASTHEAD_RE.search(text)
        if m and g.match_symbol_at(text, m):
            found += 1
            assert any(_after_nations(text, s.start) for s in g.parse_symbols(text)), repr(text)
    assert found > 200


PAGE_CUT_LIST = (
    "The General Assembly,\n\nRecalling its resolutions 66/143 of 19 December 2011, 67/154 of 20 December 2012, \n"
    "_______________ \n \n1 Resolution 217 A (III). \n \n2 See resolution 2200 A (XXI), annex. \n\n"
    "A/RES/80/192 \nCombating glorification of Nazism \n \n25-20890\n2/12 \n \n"
    "{rest}\n \nReaffirming the Charter of the United Nations,1 \n \n1. Condemns everything;2\n"
)


@pytest.mark.parametrize(
    ("rest", "joined"),
    [
        ("68/150 of 18 December 2013 and 69/160 of 18 December 2014,", True),  # A/RES/80/192, PyMuPDF's text
        ("52/14 of 3 April 2023,33 53/28 of 4 April 2023;", True),  # A/RES/78/253
        ("5,000 dollars under section 2,", True),
        ("1A/78/622 and A/78/734. 2A/78/744/Add.8.", False),  # notes a converter glued (blind-27, pdf2docx)
        ("3 See resolution 60/1.", False),
        ("4 A/78/334.", False),
    ],
)
def test_a_list_cut_by_a_page_goes_on(rest: str, joined: bool) -> None:
    """A preambular paragraph ending on a comma, its notes and the next page's head, then a list's next
    number in lower case: one paragraph; a note's number before its capital starts its own block."""
    text = PAGE_CUT_LIST.format(rest=rest)
    at = text.index(rest)
    doc = parse(Source("x.txt", text, "0" * 64))
    holder = next(p for p in doc.paragraphs if p.start <= at < p.end)
    assert (holder.label == "pp1") is joined, holder
    assert [p.label for p in doc.paragraphs if p.label.startswith("op")] == ["op1"]


def test_title_line_is_the_patterns_first_match() -> None:
    """``_title_line`` (the first line, then one after a line break) finds what TITLE_LINE_RE.search finds."""
    import random

    from unkg.structure import TITLE_LINE_RE, _title_line

    rng = random.Random(4)
    pieces = ["78/1.", " ", "\t", "\n", "Title of it", "x", "2005/47 ", "S-10/2 ", "A", "\r", "ES-10/2. Protection"]
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 8)))
        plain, fast = TITLE_LINE_RE.search(text), _title_line(text)
        assert (plain is None) == (fast is None), repr(text)
        if plain:
            found += 1
            assert (plain.group("title"), plain.end()) == (fast.group("title"), fast.end()), repr(text)
    assert found > 1000


# A number alone on its line: PyMuPDF's text of a justified line of A/RES/79/129 sets it word by word, a Security
# Council resolution's number over its year ("resolution \n1373 \n(2001) \nconcerning"); a page number stands
# over the rest of a paragraph without a year in brackets.
LONE_NUMBER_ROWS = [
    ("pursuant to \nresolution \n1373 \n(2001) \nconcerning \ncounter-terrorism", "resolution 1373 (2001) concerning"),
    ("pursuant to \nresolution \n1373 \n(2001)\nconcerning \ncounter-terrorism", "resolution 1373 (2001) concerning"),
    ("pursuant to \nresolution \n2\n\nconcerning \ncounter-terrorism", "pursuant to resolution concerning"),
]


@pytest.mark.parametrize(("lines", "words"), LONE_NUMBER_ROWS, ids=["resolution", "no-space", "page"])
def test_a_resolution_number_alone_on_its_line_is_no_page_number(lines: str, words: str) -> None:
    text = (
        "The General Assembly,\n\nRecalling the Charter,1\n\n"
        f"Noting the role of the Committee established {lines} in monitoring the implementation,\n\n"
        "1. Decides to remain seized of the matter.\n__________________\n1 See A/79/1.\n"
    )
    _, units = text_units(text)
    assert words in units[1].text


@pytest.mark.parametrize("heading", ["Notes", "Footnotes", "Endnotes", "  Footnotes\t"])
def test_notes_under_any_heading_word_are_notes(heading: str) -> None:
    """A note under "Footnotes" or "Endnotes" is a note, in a text where "Notes" stands nowhere: its citation
    belongs to the paragraph that calls it (a fast test for "Notes" alone had passed these headings by)."""
    text = (
        "The Committee welcomes the report of the Special Rapporteur.1 It recalls the work done since then.\n\n"
        f"It will meet again next year.\n\n{heading}\n\n1 See A/61/324, para. 4.\n"
    )
    (c,) = extract_text(text).citations
    assert (c.target, c.paragraph, c.footnote) == ("A/61/324", "p1", "fn1")


def test_notes_headings_found_from_their_words_are_the_patterns_own_matches() -> None:
    """``_notes_headings`` (a search for "otes", the pattern matched at the line's start or the word) gives
    what ``NOTES_HEADING_RE.finditer`` gives, in order."""
    import random

    from unkg.structure import NOTES_HEADING_RE, _notes_headings

    rng = random.Random(3)
    pieces = ["Notes", "Footnotes", "Endnotes", "notes", "otes", "NOTES", "N", "n", "t", "d", " ", "\t", "\n",
              ". ", "; ", "3 ", " 12 ", "A", "(", "x", "Foot", "End", "De", "\f"]  # fmt: skip
    for _ in range(100_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 14)))
        assert [m.span() for m in _notes_headings(text)] == [m.span() for m in NOTES_HEADING_RE.finditer(text)]


# The UN wrote notes and their markers with a slash until the 1990s: "1/" after the words, "1/ S/1994/62." under
# the text (the sentences of S/RES/895 (1994) and S/RES/902 (1994), shortened).
SLASHED_NOTE_ROWS = [
    (
        "The Security Council,\n\nRecalling its resolution 426 (1978),\n\n"
        "Having studied the report of the Secretary-General of 20 January 1994, 1/ and taking note of the\n"
        "observations expressed therein,\n\nTaking note of the letter dated 13 January 1994, 2/\n\n"
        "1. Re-emphasizes the terms of reference of the Force as stated in the report of 19 March 1978, 3/\n"
        "approved by resolution 426 (1978);\n\n2. Decides to remain seized of the matter.\n\n"
        "1/ S/1994/62.\n2/ S/1994/30.\n3/ Official Records of the Security Council, Thirty-third Year,\n"
        "Supplement for January, February and March 1978, document S/12611.\n",
        [(1, "pp2"), (2, "pp3"), (3, "op1")],
        [("S/1994/62", "pp2", "has studied"), ("S/1994/30", "pp3", "takes note of"), ("S/12611", "op1", "emphasizes")],
    ),
    (
        # notes at a page's foot, the paragraph going on after the page's furniture
        "The Security Council,\n\nWelcoming the report of the Secretary-General of 4 March 1994 1/ on his mission\n"
        "of good offices in Cyprus,\n\n1. Welcomes the fact that intensive discussions have made it possible to bring\n"
        "forward ideas that should\n\n1/ S/1994/262.\n\n2/ S/26626.\n\n94-12513 (E)\n\fS/RES/902 (1994)\nPage 2\n\n"
        "facilitate the discussions, and recalls the report; 2/\n\n2. Decides to remain seized of the matter.\n",
        [(1, "pp1"), (2, "op1")],
        [("S/1994/262", "pp1", "welcomes"), ("S/26626", "op1", "welcomes")],
    ),
]


@pytest.mark.parametrize(("text", "notes", "cited"), SLASHED_NOTE_ROWS, ids=["closing", "page-foot"])
def test_notes_written_with_a_slash(text: str, notes: list[tuple[int, str]], cited: list[tuple[str, str, str]]) -> None:
    """Notes written "1/ ..." are footnotes, called by "1/" in the body: each takes its marker's paragraph and
    verb."""
    d = parse(Source("resolution.txt", text, None))
    assert [(f.number, f.anchor) for f in d.footnotes] == notes
    assert all(text[mk.start : mk.end] == f"{mk.number}/" for mk in d.markers)
    found = [(c.target, c.paragraph, c.function) for c in extract_text(text).citations if c.footnote]
    assert found == cited


@pytest.mark.parametrize(
    "body",
    [
        "Recalls document S/1994/62 and resolution 45/ 123, 1/",  # a symbol's numbers, before and after a slash
        "Recalls Council decision 2001/\n243 and document E/1991/\n21, 1/",  # numbers cut at a line's end
        "Notes that 1/2 of the budget and 3/4 of the posts, 1/",  # fractions
    ],
)
def test_a_slash_after_a_number_is_a_marker_only_alone(body: str) -> None:
    """Only a number standing alone before its slash calls a note; a symbol's part or a fraction does not."""
    text = f"The Security Council,\n\n1. {body} and decides.\n\n1/ S/1994/30.\n2/ S/1994/31.\n"
    d = parse(Source("resolution.txt", text, None))
    assert [(mk.number, text[mk.start : mk.end]) for mk in d.markers] == [(1, "1/")]


def test_a_slash_is_no_marker_of_notes_written_without_one() -> None:
    """Notes numbered without a slash are called by their plain numbers: "2/" in the body is not theirs."""
    text = (
        "1. The Committee noted the decision of 2005.1 It welcomed the ratio of 2/ 3 of the posts.\n\n"
        "__________\n1 CAT/C/XYZ/CO/3/Add.1.\n2 Ibid., para. 64.\n"
    )
    d = parse(Source("report.txt", f"A/HRC/WG.6/99/XYZ/2\n\n{text}", None))
    assert [mk.number for mk in d.markers] == [1]


@pytest.mark.parametrize(
    ("operative", "cited"),
    [
        # the first operative paragraph's number read with a comma (S/RES/247 (1968))
        (
            "1, Reaffirms its resolutions 186 (1964) of 4 March and 187 (1964) of 13 March;\n\n"
            "2. Decides to remain seized of the matter.",
            [("S/RES/186(1964)", "op1", "reaffirms"), ("S/RES/187(1964)", "op1", "reaffirms")],
        ),
        # a later one (S/RES/183 (1963))
        (
            "1. Deplores the situation;\n\n2. Requests the Secretary-General to report;\n\n"
            "3, Notes General Assembly resolution 1542 (XV) of\n15 December 1960;",
            [("A/RES/1542(XV)", "op3", "notes")],
        ),
    ],
    ids=["first", "later"],
)
def test_an_operative_number_read_with_a_comma(operative: str, cited: list[tuple[str, str, str]]) -> None:
    """A scan may read an operative paragraph's full stop as a comma ("3, Notes ..."): before an operative verb,
    the expected number is the paragraph's all the same."""
    text = f"The Security Council,\n\nRecalling its earlier decisions,\n\n{operative}\n"
    found = [(c.target, c.paragraph, c.function) for c in extract_text(text).citations]
    assert found == cited


def test_a_number_and_a_comma_before_no_verb_opens_no_paragraph() -> None:
    """ "2, 3 and 4" at a line's start, or a number and a comma before a word that is no operative verb, stays
    in its paragraph."""
    text = (
        "The Security Council,\n\n1. Recalls its resolution 186 (1964) and paragraphs\n2, Annex and Appendix of "
        "resolution 187 (1964);\n\n2. Decides to remain seized of the matter.\n"
    )
    found = [(c.target, c.paragraph) for c in extract_text(text).citations]
    assert found == [("S/RES/186(1964)", "op1"), ("S/RES/187(1964)", "op1")]


@pytest.mark.parametrize(
    ("text", "cited"),
    [
        # an operative chapeau's items numbered in brackets, the first read "(2)" by a scan (S/RES/481 (1980))
        (
            "The Security Council,\n\nHaving considered the report of the Secretary-General,\n\nDecides:\n\n"
            "(2) To call upon the parties concerned to implement immediately Security Council resolution 338\n"
            "(1973);\n\n(b) To renew the mandate of the Force for another period of six months;\n\n"
            "(c) To request the Secretary-General to report on the measures taken to implement\n\n"
            "resolution 338 (1973).\n",
            [("S/RES/338(1973)", "op1", "decides"), ("S/RES/338(1973)", "op1", "decides")],
        ),
        # a statement's numbered paragraph and its list (a general debate statement of 1968)
        (
            "113. My Government will overcome the present crisis.\n\n114. The policy of my Government with "
            "regard to foreign affairs can be summarized as follows:\n\n(1) Adherence to the United Nations "
            "Charter and to international law;\n\n(2) Non-alignment.\n",
            [("UN-CHARTER", "114", "cites")],
        ),
    ],
    ids=["act", "statement"],
)
def test_items_numbered_in_brackets_belong_to_their_chapeau(text: str, cited: list[tuple[str, str, str]]) -> None:
    """ "(1)", "(2)" after a paragraph that ends on a colon are its items, as "(a)", "(b)" are."""
    assert [(c.target, c.paragraph, c.function) for c in extract_text(text).citations] == cited


GLUED_TO_A_NUMBER = (
    "The General Assembly,\n\nRecalling its resolution 61/29 of 4 December 2006,8\n\nHaving considered the report of "
    "the Group of Legal Experts established pursuant to its resolution 59/3009 and\nthe reports of the Ad Hoc "
    "Committee,10\n\n1. Decides to include the item in the provisional agenda.\n\n__________________\n"
    "8 A/77/606.\n{nine}10 A/62/54.\n"
)


def test_a_marker_glued_to_a_resolutions_number() -> None:
    """ "its resolution 59/3009" in a PDF's text is 59/300 and note 9, whose marker nothing else is (the Assembly
    adopts fewer than 400 resolutions a session; A/RES/78/102): the citation ends before the marker."""
    text = GLUED_TO_A_NUMBER.format(nine="9 See A/60/980.\n")
    found = {c.target: c for c in extract_text(text).citations}
    assert "A/RES/59/3009" not in found
    assert found["A/RES/59/300"].text == "its resolution 59/300"
    assert "glued" in (found["A/RES/59/300"].via or "")


def test_a_high_number_is_cut_only_at_a_note_no_marker_calls() -> None:
    """With note 9 called elsewhere (another note, 11, uncalled) the number is left as written: nothing says
    where it ends."""
    text = GLUED_TO_A_NUMBER.format(nine="9 See A/60/980.\n").replace("the reports of", "the note,9 the reports of")
    text += "11 A/63/54.\n"
    assert "A/RES/59/3009" in {c.target for c in extract_text(text).citations}


def test_line_patterns_matched_at_the_line_marks_as_by_their_own_scan() -> None:
    """BLANK_RE, NUMBERED_LINE_RE, UNDOTTED_NUMBER_RE and TRAILING_NOTE_RE, matched only at the line marks
    (one pass for the four), find what each finds by its own scan, from any start to any end."""
    import random

    from unkg.structure import (
        BLANK_RE,
        NUMBERED_LINE_RE,
        TRAILING_NOTE_RE,
        UNDOTTED_NUMBER_RE,
        _matches_at,
        line_marks,
    )

    rng = random.Random(7)
    pieces = ["\n", "\n\n", " ", "\t", "\f", "1", "12", "3.", "4,", "/", "“", '"', "Notes", "See", "ibid", "x", "A",
              "Recalls", "(", ".", "\xa0", "\n“1. A", '\n "2. x', "\n3 See", "\n 4, Notes"]  # fmt: skip
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 14)))
        marks = line_marks(text)
        pos = rng.randint(0, len(text))
        endpos = rng.randint(pos, len(text))
        for pattern in (BLANK_RE, NUMBERED_LINE_RE, UNDOTTED_NUMBER_RE, TRAILING_NOTE_RE):
            want = [m.span() for m in pattern.finditer(text, pos, endpos)]
            assert [m.span() for m in _matches_at(pattern, text, marks, pos, endpos)] == want, (pattern, text)
            found += len(want)
    assert found > 1000


def test_a_closing_notes_marker_looked_for_where_its_number_stands() -> None:
    """``_closing_marker_in`` answers as the marker pattern's own search on random texts, from any start to
    any end."""
    import random

    from unkg.structure import _closing_marker, _closing_marker_in

    rng = random.Random(17)
    pieces = ["16", "6", "1967", "19671", " ", "\t", "\n", "that", "x", ",", "report", ")", "9", "A", "report 16\n",
              "1967 16 that", "x,6 a", "of 1967 6\n"]  # fmt: skip
    found = 0
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 10)))
        begin = rng.randint(0, len(text))
        end = rng.randint(begin, len(text))
        for number in (6, 16):
            want = _closing_marker(number).search(text, begin, end) is not None
            assert _closing_marker_in(text, number, begin, end) == want, (text, number, begin, end)
            found += want
    assert found > 500


def test_the_opening_found_where_its_cue_words_stand_as_by_the_pattern() -> None:
    """``find_opening`` (matched where the catalogue's scan found its cue words) finds what OPENING_RE's own
    scan finds, with the line's start checked, on random texts."""
    import random

    from unkg.catalogue import default_catalogue
    from unkg.cues import Cues
    from unkg.structure import OPENING_RE, find_opening

    def plain(text: str) -> tuple[int, int] | None:
        for m in OPENING_RE.finditer(text):
            line_start = text.rfind("\n", 0, m.start()) + 1
            if not text[line_start : m.start()].strip(' \t\f“"'):
                return m.span()
        return None

    cat = default_catalogue()
    rng = random.Random(19)
    pieces = ["The General Assembly", "The Security\nCouncil", "The Sub-Commission", "ers", " on Prevention", ",",
              "\n", " ", "“", "Recalling", "x", "The Commission on Human Rights", "The Human Rights Council,\n"]  # fmt: skip
    found = 0
    for _ in range(5000):
        text = "".join(rng.choices(pieces, k=rng.randint(1, 8)))
        cues = Cues()
        list(cat.scan(text, cues))
        got = find_opening(text, cues)
        assert (got and got.span()) == plain(text), repr(text)
        found += got is not None
    assert found > 500


def test_holds_answers_as_in() -> None:
    """``_holds`` (the needle tried where its first character stands) answers as ``in`` on random texts."""
    import random

    from unkg.structure import _holds

    rng = random.Random(23)
    pieces = ["_", "__", "___", "*", "**", "<", "<<ODS", "[", "[D", "[DU", "x", " ", "\n"]
    for _ in range(20_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 10)))
        for needle in ("_____", "***", "<<ODS", "[DU", "*"):
            assert _holds(text, needle) == (needle in text), (text, needle)
