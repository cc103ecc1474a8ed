"""Series and text reuse: paragraph units, alignment, the hand-checked gold, history, the commands.

Tests that read ``../shared/corpus`` (ga-78-80, sc-1946-1994, dev) are skipped, with the folder
named, when it is absent.
"""

from __future__ import annotations

import json
import lzma
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from tests.conftest import GOLD, SHARED

from unkg.cli import cli
from unkg.errors import SeriesError
from unkg.series import align, history, members
from unkg.series.align import word_diff
from unkg.series.evaluate import gold_texts, score
from unkg.series.members import Corpus, Text, file_corpus
from unkg.series.units import clean, text_units
from unkg.structure import document_metadata

T = TypeVar("T")

CORPUS = SHARED / "corpus"
GA_TEXTS = CORPUS / "ga-78-80" / "texts.jsonl.xz"
SC = CORPUS / "sc-1946-1994"

# A resolution in the layout of PyMuPDF's text of an ODS PDF: a running head, a job number and a
# footnote on a page break inside pp2, and a sub-paragraph on a line of its own.
EARLIER = """\
The General Assembly,

Recalling its resolution 77/148 of 12 December 2022,

Recognizing the role played by the administering Powers in transmitting information to the
Secretary-General,1

Aware of the role of non-governmental organizations in the dissemination of information,

1. Approves the activities in the field of dissemination of information on decolonization;

2. Requests the Department of Global Communications:
(a) To develop procedures to collect basic material;
(b) To seek the full cooperation of the administering Powers;

3. Requests the Special Committee to report to the General Assembly at its seventy-ninth session.
__________________
1 Official Records of the General Assembly, Seventy-eighth Session, Supplement No. 23 (A/78/23).
"""

# The next year's text: pp1 edited, a new pp2, footnote 1 now 2 and its marker moved to another
# line, a line wrapped elsewhere, the sub-paragraphs run on, op2 and op3 swapped, the last
# operative paragraph edited.
LATER = """\
The General Assembly,

Recalling its resolution 78/100 of 7 December 2023,

Welcoming the webcast of the meetings of the Special Committee,1

Recognizing the role played by the administering Powers in transmitting
information to the Secretary-General,2

Aware of the role of non-governmental organizations in the dissemination of information,

1. Approves the activities in the field of dissemination of information on decolonization;

2. Requests the Special Committee to report to the General Assembly at its eightieth session.

3. Requests the Department of Global Communications: (a) To develop procedures to collect basic
material; (b) To seek the full cooperation of the administering Powers;
__________________
1 See A/79/23.
2 Official Records of the General Assembly, Seventy-eighth Session, Supplement No. 23 (A/78/23).
"""


def _changes(earlier: str, later: str) -> list[tuple[str, str | None, str | None]]:
    _, a = text_units(earlier)
    _, b = text_units(later)
    return [(m.change, m.later.label if m.later else None, m.earlier.label if m.earlier else None) for m in align(a, b).matches]


def test_units_leave_out_furniture_markers_and_footnotes() -> None:
    """Units are the pp and op paragraphs, sub-paragraphs inside; no footnote text, no marker."""
    _, units = text_units(EARLIER)
    assert [u.label for u in units] == ["pp1", "pp2", "pp3", "op1", "op2", "op3"]
    assert units[1].text == "Recognizing the role played by the administering Powers in transmitting information to the Secretary-General,"
    assert "(a) To develop procedures to collect basic material; (b) To seek" in units[4].text
    assert not any("Official Records" in u.text for u in units)


def test_alignment_holds_across_renumbering_wraps_and_markers() -> None:
    """A new paragraph, a marker renumbered, a wrap moved, sub-paragraphs run on, two paragraphs swapped."""
    assert _changes(EARLIER, LATER) == [
        ("edited", "pp1", "pp1"),
        ("new", "pp2", None),
        ("unchanged", "pp3", "pp2"),
        ("unchanged", "pp4", "pp3"),
        ("unchanged", "op1", "op1"),
        ("moved", "op2", "op3"),
        ("unchanged", "op3", "op2"),
    ]


def test_dropped_paragraph_stands_where_it_stood() -> None:
    """An earlier paragraph without successor is listed, dropped, between its neighbours' successors."""
    later = EARLIER.replace("Aware of the role of non-governmental organizations in the dissemination of information,\n\n", "")
    changes = _changes(EARLIER, later)
    assert changes[2:4] == [("dropped", None, "pp3"), ("unchanged", "op1", "op1")]


def test_edit_gives_the_word_difference() -> None:
    """An edited pair carries the words deleted and inserted, in reading order."""
    _, a = text_units(EARLIER)
    _, b = text_units(LATER)
    edited = next(m for m in align(a, b).matches if m.later and m.later.label == "op2")
    assert [op for op in edited.diff() if op[0] != "equal"] == [("delete", "seventy-ninth"), ("insert", "eightieth")]
    assert word_diff("Requests States to act", "Urges States to act") == [
        ("delete", "Requests"),
        ("insert", "Urges"),
        ("equal", "States to act"),
    ]


def test_clean_joins_wrapped_hyphens_and_unifies_quotes() -> None:
    """A hyphen at a line's end stays and joins; curly quotes, non-breaking hyphens become plain."""
    assert clean("the \u201cNon-\nSelf-Governing\u201d Territories") == 'the "Non-Self-Governing" Territories'
    assert clean("non\u2011governmental") == "non-governmental"


# Two texts of one paragraph as two layouts give them, and whether they align as unchanged. pdftotext's
# text of an ODS PDF drops the hyphen between letters ("NorthSouth", "self determination"); a hyphen
# between letters is no edit, a digit or a hyphen beside one is.
@pytest.mark.parametrize(
    ("earlier", "later", "change"),
    [
        ("Recognizing North-South cooperation,", "Recognizing NorthSouth cooperation,", "unchanged"),
        ("Recognizing North-South cooperation,", "Recognizing North South cooperation,", "unchanged"),
        ("the right to self-determination;", "the right to self determination;", "unchanged"),
        ("the right to self\u2010determination;", "the right to selfdetermination;", "unchanged"),
        ("the right to self\u2011determination;", "the right to self-determination;", "unchanged"),
        ("the right to self\u00addetermination;", "the right to self-determination;", "unchanged"),
        ("in paragraphs 3-5 of its resolution;", "in paragraphs 35 of its resolution;", "edited"),
        ("in paragraphs 3-5 of its resolution;", "in paragraphs 3 5 of its resolution;", "edited"),
        ("to extend the mandate for 3 years;", "to extend the mandate for 5 years;", "edited"),
        ("the COVID-19 pandemic;", "the COVID19 pandemic;", "edited"),
        ("the Non-Self-Governing Territories;", "the Self-Governing Territories;", "edited"),
    ],
)
def test_a_hyphen_between_letters_is_no_edit(earlier: str, later: str, change: str) -> None:
    """Units that differ only by a hyphen between two letters are unchanged; digits stay strict."""
    body = "The General Assembly,\n\nRecalling its resolution 77/148 of 12 December 2022,\n\n1. {}\n"
    assert _changes(body.format(earlier), body.format(later)) == [("unchanged", "pp1", "pp1"), (change, "op1", "op1")]


def _resolution(number: str, title: str, body: str) -> str:
    """A resolution's text as a PDF reader gives it: masthead, its number and title (over lines), its body."""
    return f"United Nations A/RES/{number}\n\nGeneral Assembly Distr.: General\n\n{number}. {title}\n\nThe General Assembly,\n\n{body}"


# Running heads in the shapes the texts of ga-78-80's PDFs give them (PyMuPDF's, PDFium's), each with the
# paragraph it cuts as a reader reads it: the head is out, the paragraph's own words that the title shares stay.
RUNNING_HEAD_ROWS = [
    # PyMuPDF (A/RES/80/137): the notes of the page and the whole head, page and job numbers, found by the
    # structure between "disaster risk reduction" and "practices"
    (
        "80/137",
        "Disaster risk reduction",
        "Recalling its resolution 79/201,1\n\nRecognizing the need for a broader approach to disaster risk, and that "
        "disaster risk reduction \n_______________ \n \n1 Resolution 79/201, annex. \n\nDisaster risk reduction \n"
        "A/RES/80/137\n \n3/20\n25-20759 \n \npractices need to be multi-hazard and multisectoral,\n\n1. Decides to act.\n",
        "Recognizing the need for a broader approach to disaster risk, and that disaster risk reduction practices need "
        "to be multi-hazard and multisectoral,",
    ),
    # PyMuPDF (A/RES/78/226): the words after the notes are the title's ("Nations Office on Drugs and Crime")
    (
        "78/226",
        "Technical assistance provided by the United Nations Office on\nDrugs and Crime related to counter-terrorism",
        "1. Encourages Member States to become parties to the Convention,1 and requests the United \n"
        "__________________ \n \n1 United Nations, Treaty Series, vol. 2225, No. 39574. \n\nA/RES/78/226 \nTechnical "
        "assistance provided by the United Nations Office on \nDrugs and Crime related to counter-terrorism\n \n"
        "23-25984\n4/9 \n \nNations Office on Drugs and Crime to provide technical assistance;\n\n2. Decides to act.\n",
        "Encourages Member States to become parties to the Convention, and requests the United Nations Office on Drugs "
        "and Crime to provide technical assistance;",
    ),
    # PDFium (A/RES/78/106): a head the structure missed, the title's first lines blocks of their own before
    # the symbol and its last line
    (
        "78/106",
        "Guide on Access to Credit for Micro-, Small and Medium-sized\nEnterprises of the United Nations "
        "Commission on International\nTrade Law",
        "Recognizing that those measures may help to remove many of those obstacles,\n\nGuide on Access to Credit "
        "for Micro-, Small and Medium-sized\n\nEnterprises of the United Nations Commission on International\n\n"
        "A/RES/78/106  Trade Law\n\nConvinced that the guidance provided by the Commission can assist States,\n\n"
        "1. Decides to act.\n",
        "Convinced that the guidance provided by the Commission can assist States,",
    ),
    # PDFium (A/RES/78/283): the title's first line run into the paragraph's last
    (
        "78/283",
        "Status of internally displaced persons and refugees from Abkhazia,\nGeorgia, and the Tskhinvali "
        "region/South Ossetia, Georgia",
        "Concerned also by the humanitarian situation caused by armed conflict in August 2008, which resulted in the "
        "further forced displacement of civilians, Status of internally displaced persons and refugees from Abkhazia,"
        "\n\nA/RES/78/283  Georgia, and the Tskhinvali region/South Ossetia, Georgia\n\n1. Decides to act.\n",
        "Concerned also by the humanitarian situation caused by armed conflict in August 2008, which resulted in the "
        "further forced displacement of civilians,",
    ),
    # PDFium (A/RES/80/107): the running title is the title's last line, which the heading sets apart
    (
        "80/107",
        "Agreement under the United Nations Convention on the Law of the Sea on the Conservation and Sustainable Use "
        "of Marine\n\nBiological Diversity of Areas beyond National Jurisdiction",
        "Welcoming the Agreement,\n\nA/RES/80/107  Biological Diversity of Areas beyond National Jurisdiction\n\n"
        "Underscoring the importance of the work of the preparatory commission,\n\n1. Decides to act.\n",
        "Underscoring the importance of the work of the preparatory commission,",
    ),
    # PDFium (A/RES/78/240): the paragraph goes on with the words that end the title ("of nuclear weapons")
    (
        "78/240",
        "Addressing the legacy of nuclear weapons: providing victim assistance and environmental remediation to "
        "Member\nStates affected by the use or testing of nuclear weapons",
        "Recalling its resolution 77/53,\n\n1. Encourages cooperation to remediate environments contaminated by the "
        "use and testing affected by the use or testing of nuclear weapons A/RES/78/240\n\nof nuclear weapons and "
        "other nuclear explosive devices;\n\n2. Decides to act.\n",
        "Encourages cooperation to remediate environments contaminated by the use and testing of nuclear weapons and "
        "other nuclear explosive devices;",
    ),
    # PDFium (A/RES/80/34): the structure found the head by its repeating, with the title's last line; the
    # paragraph names the Convention that the title names ("... Chemical Weapons and on Their Destruction")
    (
        "80/34",
        "Implementation of the Convention on the Prohibition of the Development, Production, Stockpiling and Use of "
        "Chemical Weapons and on Their Destruction",
        "Recalling its resolution 79/40,\n\n1. Recalls that article I of the Convention on the Prohibition of the "
        "Development, Production, Stockpiling and Use of Chemical Weapons and on Weapons and on Their Destruction "
        "A/RES/80/34\n\nTheir Destruction provides that each State Party undertakes not to use them;\n\n2. Decides "
        "to act;\n\n3. Recalls its resolution Weapons and on Their Destruction A/RES/80/34\n\n79/40 of 2 December "
        "2024.\n",
        "Recalls that article I of the Convention on the Prohibition of the Development, Production, Stockpiling and "
        "Use of Chemical Weapons and on Their Destruction provides that each State Party undertakes not to use them;",
    ),
]
# ... and in the same text, a resolution's number after the head is no page number ("2/12"; A/RES/79/226: "in line
# with General Assembly resolution [head] 46/182 of 19 December 1991")
RUNNING_HEAD_ROWS.append((*RUNNING_HEAD_ROWS[-1][:3], "Recalls its resolution 79/40 of 2 December 2024."))


@pytest.mark.parametrize(
    ("number", "title", "body", "paragraph"),
    RUNNING_HEAD_ROWS,
    ids=["whole-head", "notes-before", "head-block", "run-in", "title-lines", "title-ended", "part-held", "after"],
)
def test_a_running_head_is_out_of_the_paragraph_it_cuts(number: str, title: str, body: str, paragraph: str) -> None:
    """The head a page break puts inside a paragraph is out of it, whatever the structure found of it; the
    words of the paragraph that the title shares stay (the texts of one PDF in two layouts then align)."""
    _, units = text_units(_resolution(number, title, body))
    opening = " ".join(paragraph.split()[:3])
    assert [u.text for u in units if u.text.startswith(opening)] == [paragraph]


def test_a_page_foot_in_pdftotexts_order() -> None:
    """pdftotext's text of an ODS PDF (A/RES/78/109): the number of the page's first note comes after the
    page's notes, and the next page's head (symbol, title) stands between the two blocks of a paragraph; the
    notes are notes, and neither they nor the head are in the paragraph's words."""
    text = (
        "A/RES/78/109\n\nUnited Nations\n\n78/109.\n\nPeremptory norms of general international law (jus cogens)\n"
        "The General Assembly,\nHaving considered the report of the Commission, 1 which contains the draft,\n"
        "Taking note of the recommendation contained in paragraph 41 of its report, 2\n1.\nWelcomes the work; 3\n"
        "2.\nExpresses its appreciation to the International Law Commission for its\ncontinuing contribution to "
        "the development of international law;\n\n__________________\n\nOfficial Records of the General Assembly, "
        "Seventy-seventh Session, Supplement No. 10\n(A/77/10).\n2\nIbid., para. 41.\n3\nIbid., para. 44.\n1\n\n"
        "23-24958 (E)\n\n211223\n\n*2324958*\n\n\fA/RES/78/109\n\nPeremptory norms of general international law "
        "(jus cogens)\n\n3.\nTakes note of the draft conclusions.\n"
    )
    document, units = text_units(text)
    assert [(f.number, text[f.start : f.end].split()[0]) for f in document.footnotes] == [
        (1, "Official"), (2, "2"), (3, "3"),
    ]  # fmt: skip
    assert [u.text for u in units if u.label == "op2"] == [
        "Expresses its appreciation to the International Law Commission for its continuing contribution to the "
        "development of international law;"
    ]


@pytest.mark.parametrize(
    ("body", "openings"),
    [
        # pdftotext's text of A/RES/78/131: no blank line, no indentation between two preambular paragraphs
        (
            "Recognizing that the world drug problem demands an integrated, balanced and\ncomprehensive approach,\n"
            "Underscoring that the Single Convention on Narcotic Drugs of 1961 constitutes\nthe cornerstone,\n"
            "Highlighting the role of the Commission,\nDetermined to act,\nEver mindful of the risks,\n",
            ["Recognizing that", "Underscoring that", "Highlighting the", "Determined to", "Ever mindful"],
        ),
        # such a word after a line that ends mid-sentence is no paragraph's start ("Nationally / Determined")
        (
            "Recognizing the role of the Nationally\nDetermined Contributions of the parties,\n"
            "Noting the report of the Conference of the Parties on its work, which notes the Highlighting\n"
            "Committee,\n",
            ["Recognizing the", "Noting the"],
        ),
    ],
    ids=["after-a-clause", "mid-sentence"],
)
def test_a_preamble_opens_on_its_word_after_a_clauses_end(body: str, openings: list[str]) -> None:
    """Words that open fewer preambles ("Underscoring", "Highlighting", "Determined", "Ever mindful") start a
    paragraph on a line after a clause's end, as pdftotext writes a preamble; not inside a sentence."""
    _, units = text_units("A/RES/78/131\n\nThe General Assembly,\n" + body + "1.\nDecides to remain seized.\n")
    assert [" ".join(u.text.split()[:2]) for u in units] == [*openings, "Decides to"]


_TITLE = "Implementation of the Convention on the Prohibition of the\nDevelopment, Production, Stockpiling and Use of Chemical\nWeapons and on Their Destruction"


@pytest.mark.parametrize(
    "head",
    [
        f"{_TITLE}\n\nA/RES/78/29\n\n",  # the title first, then the symbol (every page of A/RES/78/29)
        f"A/RES/78/29\n\n{_TITLE}\n\n",  # the symbol first
    ],
    ids=["title-first", "symbol-first"],
)
def test_a_running_head_after_pdftotexts_form_feed_cuts_no_paragraph(head: str) -> None:
    """pdftotext's text of an ODS PDF: each page opens on its running head after a form feed, the title's
    lines and the symbol; a paragraph a page cuts goes on after it, one paragraph."""
    text = (
        f"A/RES/78/29\n\nUnited Nations\n\n78/29.\n\n{_TITLE}\nThe General Assembly,\n"
        "Recalling its previous resolutions on the subject,\nRe-emphasizing its unequivocal support for the "
        "decision of the Director General\nto establish the facts surrounding the use of chemical weapons,\n\n"
        f"23-24537 (E)\n\n*2324537*\n\n\f{head}including toxic chemicals, in the Syrian Arab Republic,\n"
        "Noting the report of the Director General,\n1.\nDecides to remain seized of the matter;\n\n2/3\n\n23-24537\n"
        f"\n\f{head}2.\nRequests the Secretary-General to report on the matter.\n\n3/3\n\n23-24537\n"
    )
    _, units = text_units(text)
    assert [u.text for u in units] == [
        "Recalling its previous resolutions on the subject,",
        "Re-emphasizing its unequivocal support for the decision of the Director General to establish the facts "
        "surrounding the use of chemical weapons, including toxic chemicals, in the Syrian Arab Republic,",
        "Noting the report of the Director General,",
        "Decides to remain seized of the matter;",
        "Requests the Secretary-General to report on the matter.",
    ]


@pytest.mark.parametrize(
    "items",
    [
        # pdftotext's text of A/RES/78/29: the first letters on lines of their own, their words after a blank line
        "(a)\n\nInternational peace and security,\n\n(b)\n\nEliminating chemical weapons,\n\n(c) The ultimate "
        "objective of disarmament,\n",
        # PyMuPDF's: each letter before its words
        "(a) International peace and security,\n\n(b) Eliminating chemical weapons,\n\n(c) The ultimate "
        "objective of disarmament,\n",
    ],
    ids=["letter-alone", "letter-and-words"],
)
def test_a_preambles_items_stay_in_it(items: str) -> None:
    """A preambular paragraph's items ("(a)", "(b)") are in it, whether a layout sets a letter on a line of
    its own or before its words."""
    text = (
        "A/RES/78/29\n\nThe General Assembly,\n\nConvinced that the Convention constitutes a major contribution "
        f"to:\n{items}\nNoting the report,\n\n1.\nDecides to remain seized of the matter.\n"
    )
    _, units = text_units(text)
    assert [u.text for u in units] == [
        "Convinced that the Convention constitutes a major contribution to: (a) International peace and security, "
        "(b) Eliminating chemical weapons, (c) The ultimate objective of disarmament,",
        "Noting the report,",
        "Decides to remain seized of the matter.",
    ]


@pytest.mark.parametrize(
    ("title", "second"),
    [
        ("Lethal autonomous weapons systems", "Noting the adoption by consensus of resolution 51/22,"),  # A/RES/78/241
        ("International Day of Hope", "Recognizing also the need for hope for all peoples,"),  # A/RES/79/270
    ],
)
def test_a_short_texts_one_running_head_after_a_form_feed_is_no_paragraph(title: str, second: str) -> None:
    """pdftotext's text of a two-page ODS PDF: the second page opens on the symbol and the title after a form
    feed, a head seen once; neither is in the paragraph after it."""
    text = (
        f"A/RES/78/241\n\nUnited Nations\n\n78/241.\n\n{title}\nThe General Assembly,\nAffirming that international "
        "law applies,\n\n23-26252 (E)\n\n100124\n\n*2326252*\n\n"
        f"\fA/RES/78/241\n\n{title}\n\n{second}\n1.\nDecides to remain seized of the matter.\n\n2/2\n\n23-26252\n"
    )
    _, units = text_units(text)
    assert [u.text for u in units] == [
        "Affirming that international law applies,",
        second,
        "Decides to remain seized of the matter.",
    ]


@pytest.mark.parametrize(
    ("opening", "body"),
    [
        # pdftotext's text of A/RES/80/9: no comma, no blank line, one operative paragraph unnumbered
        ("The General Assembly", ["Adopts the 2025 Political Declaration, annexed to the present resolution."]),
        # S/RES/521 (1982): a preamble's first word the cue words lack
        (
            "The Security Council,",
            ["Appalled at the massacre of Palestinian civilians in Beirut,", "1.\nCondemns the massacre."],
        ),
    ],
    ids=["no-comma", "comma"],
)
def test_the_line_under_the_opening_opens_a_paragraph(opening: str, body: list[str]) -> None:
    """The line right under "The General Assembly" opens the text's first paragraph, a blank line between or
    not."""
    text = (
        f"A/RES/80/9\n\n80/9.\n\nTrafficking in persons\n{opening}\n" + "\n".join(body) + "\n\n48th plenary meeting\n"
    )
    _, units = text_units(text)
    assert [u.text for u in units] == [b.removeprefix("1.\n") for b in body]


@pytest.mark.parametrize(
    "paragraph",
    [
        # A/RES/78/234 (the regression set): each marker spaced before the next resolution of the list
        "Recalling Human Rights Council resolutions 44/20 of 17 July 2020, 1  47/21 of 13 July 2021, 2  48/18 of\n"
        "11 October 2021,",
        # pdftotext's text of A/RES/78/171
        "Recalling resolutions 28/6 of 26 March 2015, 1 37/5 of 22 March 2018 2\nand 46/12 of 23 March 2021,",
    ],
    ids=["two-spaces", "one-space"],
)
def test_a_spaced_marker_before_the_next_resolution_of_a_list(paragraph: str) -> None:
    """A marker spaced after a resolution's date and before the next resolution's number ("2020, 1 47/21
    of") is a marker: it is out of the paragraph's words, and the markers after it are found."""
    text = (
        f"A/RES/78/234\n\nThe General Assembly,\n\n{paragraph}\n\n1.\nDecides to remain seized of the matter.\n"
        "__________________\n1 A/HRC/RES/44/20.\n2 A/HRC/RES/47/21.\n"
    )
    document, units = text_units(text)
    assert [m.number for m in document.markers] == [1, 2]
    assert " 1 " not in units[0].text and " 2 " not in units[0].text


@pytest.mark.parametrize(
    ("numbers", "labels"),
    [
        # the PDF of A/RES/79/160 sets two numbers without their full stop: PyMuPDF's text, then PDFium's
        (("25.\n", "26 \n", "27 \n"), ["op25", "op26", "op27"]),
        (("25. ", "26 ", "27 "), ["op25", "op26", "op27"]),
        # a number that is not the next one, or before no operative verb, is a line of the paragraph before
        (("25. ", "28 ", "27 "), ["op25"]),
    ],
    ids=["pymupdf", "pdfium", "not-next"],
)
def test_a_paragraph_number_without_its_full_stop(numbers: tuple[str, str, str], labels: list[str]) -> None:
    """An operative paragraph's number without its full stop opens the paragraph when it is the next number
    and an operative verb follows it."""
    a, b, c = numbers
    text = (
        "A/RES/79/160\n\nThe General Assembly,\n\nRecalling its resolutions,\n\n"
        f"{a}Recalls the recommendation of the Special Rapporteur;\n\n{b}Condemns without reservation any denial "
        f"of the Holocaust;\n\n{c}Affirms its deep commitment to the duty of remembrance;\n"
    )
    _, units = text_units(text)
    assert [u.label for u in units] == ["pp1", *labels]


@pytest.mark.parametrize(
    "page",
    [
        # pdftotext's text of A/RES/80/34: the page's title, the paragraph's number, the symbol, then its words
        f"\f{_TITLE}\n\n11.\n\nA/RES/78/29\n\nRecalls:\n\n(a) The reports of the mission;\n",
        # A/RES/79/75: the number, then the symbol
        "\f11.\n\nA/RES/78/29\n\nRecalls:\n\n(a) The reports of the mission;\n",
    ],
    ids=["title-number-symbol", "number-symbol"],
)
def test_a_number_before_the_pages_head_keeps_its_words(page: str) -> None:
    """pdftotext may set an operative paragraph's number above the page's head, its words below: the words
    are the paragraph's, not the paragraph's before."""
    text = (
        f"A/RES/78/29\n\nUnited Nations\n\n78/29.\n\n{_TITLE}\nThe General Assembly,\nRecalling its resolutions,\n"
        "10. Welcomes decision EC-110/DEC.1 of the Executive Council;\n\n2/3\n\n23-24537\n\n" + page
    )
    _, units = text_units(text)
    assert [(u.label, u.text) for u in units][-2:] == [
        ("op10", "Welcomes decision EC-110/DEC.1 of the Executive Council;"),
        ("op11", "Recalls: (a) The reports of the mission;"),
    ]


def test_agenda_21_is_a_name_and_no_marker() -> None:
    """pdftotext's text of A/RES/79/202: "Agenda 21" ends a line; its number is the programme's name, not note
    21's marker, so the spaced marker later ("2023-2030, 21 following") is note 21's."""
    text = (
        "A/RES/79/202\n\nThe General Assembly,\n\nRecalling the Declaration, 20 building on Agenda 21,\n\n"
        "Welcoming the Global Strategy for Sustainable Consumption and Production 2023-2030, 21 following a "
        "consultative process,\n\n1.\nDecides to remain seized of the matter.\n__________________\n"
        "20 A/CONF.151/26.\n21 A/79/1.\n"
    )
    document, units = text_units(text)
    assert [m.number for m in document.markers] == [20, 21]
    assert units[0].text.endswith("Declaration, building on Agenda 21,")
    assert units[1].text.endswith("2023-2030, following a consultative process,")


@pytest.mark.parametrize(
    ("last", "verb"),
    [
        ("Rights Council, 1", "Takes note of the report of the Human Rights Council."),  # pdftotext's A/RES/80/189
        ("Observer Force, 1", "Decides: (a) To call upon the parties to implement resolution 338 (1973);"),  # S/RES/563
        ("Observer Force,", "Requests the Secretary-General to report."),
        # pdftotext's A/RES/79/226: a section's number alone over its heading, after the preamble's last clause
        ("Observer Force,", "I\nGeneral guidelines"),
    ],
)
def test_an_unnumbered_operative_paragraph_opens_on_its_verb_after_a_clause(last: str, verb: str) -> None:
    """An operative paragraph without a number opens on its finite verb at a line's start after the clause
    that ends the preamble, a note's marker after that clause or not; so does a section's number alone over its
    heading."""
    text = (
        "A/RES/80/189\n\nThe General Assembly,\n\nHaving considered the recommendations contained in the report "
        f"of the Human\n{last}\n{verb}\n__________________\n1 A/80/53.\n"
    )
    _, units = text_units(text)
    assert [u.text.split()[0] for u in units] == ["Having", verb.split()[0]]


@pytest.mark.parametrize("under", ["\n", "\n\n"], ids=["right-under", "blank-line"])
def test_a_resumed_meeting_line_is_a_meeting_line(under: str) -> None:
    """A resumed meeting's line ("55th (resumed) plenary meeting", A/RES/79/233) ends the resolution's text as
    any meeting line does, right under its last line (pdftotext's text) or not, and is the text's meeting."""

    def text(meeting: str) -> str:
        return (
            "A/RES/79/233\n\n79/233.\n\nProgramme of Action for Landlocked Developing Countries\nThe General "
            f"Assembly,\n\n1.\nAdopts the Programme of Action, as contained in the annex.{under}{meeting}\n"
            "24 December 2024\n\nAnnex\n\nProgramme of Action\n\n1.\nWe, the Heads of State, meet.\n"
        )

    _, plain = text_units(text("55th plenary meeting"))
    _, resumed = text_units(text("55th (resumed) plenary meeting"))
    assert [u.label for u in resumed] == [u.label for u in plain] == ["op1", "annex.op1"]
    assert document_metadata(text("55th (resumed) plenary meeting"), "A/RES/79/233")["meeting"] == (
        "55th (resumed) plenary meeting"
    )


def test_a_number_after_between_is_doubtful() -> None:
    """pdftotext's text of A/RES/79/233: "between 12 and 13 per cent" holds no marker of note 12 when the note's
    own marker comes later ("the Law of the Sea, 12 on the right of access")."""
    text = (
        "A/RES/79/233\n\nThe General Assembly,\n\n1.\nNotes that the manufacturing value added remained stagnant "
        "at between 12 and 13 per cent;\n\n2.\nAcknowledges the implementation of Part X of the Convention on the "
        "Law of the Sea, 12 on the right of access of landlocked States to the sea;\n__________________\n"
        "12 United Nations, Treaty Series, vol. 1833, No. 31363.\n"
    )
    document, units = text_units(text)
    assert [m.number for m in document.markers] == [12]
    assert units[0].text.endswith("between 12 and 13 per cent;")
    assert "Law of the Sea, on the right" in units[1].text


def test_a_separator_run_into_the_pages_last_word() -> None:
    """pdftotext's text of A/RES/78/320 runs the notes' separator into the page's last word
    ("drought__________________"): the notes under it are notes, the paragraph goes on after the next head."""
    text = (
        "A/RES/78/320\n\nThe General Assembly,\n\nRecalling the Convention, 1\n\n1.\nRecognizes the value of "
        "afforestation using non -invasive, drought__________________\n1\n2\n\n24-14704\n\nA/77/1.\n"
        "UNEP/EA.5/Res.5.\n3/4\n\n\fA/RES/78/320\n\nresistant and productive plant species; 2\n"
    )
    document, units = text_units(text)
    assert [(f.number, text[f.start : f.end].strip()) for f in document.footnotes] == [
        (1, "A/77/1."),
        (2, "UNEP/EA.5/Res.5."),
    ]
    assert units[-1].text == (
        "Recognizes the value of afforestation using non -invasive, drought resistant and productive plant species;"
    )


_FOOT_HEAD = (
    "A/RES/78/160\n\nUnited Nations\n\n78/160.\n\nDevelopment cooperation with middle-income countries\n"
    "The General Assembly,\nRecalling the Paris Agreement, 1 and its early entry into force,\n"
    "Recalling also the Convention, 2 the Protocol 3 and the Agreement, 4\n"
    "1.\nWelcomes the work of the Assembly on the matter; 5\n2.\nRequests the Secretary-General to\n"
    "__________________\n"
)
_FOOT_TAIL = "\fA/RES/78/160\n\nDevelopment cooperation with middle-income countries\n\nsubmit a report.\n"


@pytest.mark.parametrize(
    ("foot", "notes"),
    [
        # the numbers of the page's first two notes after its last, their words first (A/RES/78/168, 78/6)
        (
            "\nAdopted under the UNFCCC in FCCC/CP/2015/10/Add.1, decision 1/CP.21.\nUnited Nations, Treaty Series, "
            "vol. 1771, No. 30822.\n3\nIbid., vol. 1019, No. 14956.\n4\nResolution 217 A (III).\n5\nA/78/322.\n1\n2\n"
            "\n2/5\n\n23-21327\n\n",
            [(1, "Adopted"), (2, "United"), (3, "3"), (4, "4"), (5, "5")],
        ),
        # the numbers alone, the job number, then the words (A/RES/78/160's first page, 78/1)
        (
            "1\n2\n3\n4\n5\n\n23-25892 (E)\n\nAdopted under the UNFCCC in FCCC/CP/2015/10/Add.1, decision 1/CP.21.\n"
            "United Nations, Treaty Series, vol. 1771, No. 30822.\nIbid., vol. 1019,\nNo. 14956.\n"
            "Resolution 217 A (III).\nA/78/322.\n\n030124\n\n*2325892*\n\n",
            [(1, "Adopted"), (2, "United"), (3, "Ibid.,"), (4, "Resolution"), (5, "A/78/322.")],
        ),
        # one note's words over two lines before the numbered notes, its number after them (A/RES/78/131)
        (
            "\nOfficial Records of the General Assembly, Seventy-seventh Session, Supplement No. 10\n(A/77/10).\n2\n"
            "Ibid., para. 41.\n3\nIbid.\n4\nIbid., para. 44.\n5\nA/78/322.\n1\n\n23-24958 (E)\n\n",
            [(1, "Official"), (2, "2"), (3, "3"), (4, "4"), (5, "5")],
        ),
        # the first number above the words of the first two notes, the second after the last (A/RES/79/315)
        (
            "1\n\nResolution 217 A (III).\nResolutions 53/243 A and B.\n3\nResolution 61/295.\n4\nIbid.\n5\n"
            "United Nations, Treaty Series, vol. 2440, No. 43977.\n2\n\n25-10887 (E)\n\n*2510887*\n\n",
            [(1, "Resolution"), (2, "Resolutions"), (3, "3"), (4, "4"), (5, "5")],
        ),
    ],
    ids=["numbers-after", "numbers-before-job", "one-number-after", "numbers-above-and-after"],
)
def test_the_numbers_of_a_page_foot_stand_apart_in_pdftotext(foot: str, notes: list[tuple[int, str]]) -> None:
    """pdftotext's text of an ODS PDF writes the numbers of a page's first notes apart from their words: on
    lines of their own after the page's last note, or before the job number with the words after it. Each
    note has its number, and no note's words are in a paragraph."""
    text = _FOOT_HEAD + foot + _FOOT_TAIL
    document, units = text_units(text)
    assert [(f.number, text[f.start : f.end].split()[0]) for f in document.footnotes] == notes
    assert [u.text for u in units] == [
        "Recalling the Paris Agreement, and its early entry into force,",
        "Recalling also the Convention, the Protocol and the Agreement,",
        "Welcomes the work of the Assembly on the matter;",
        "Requests the Secretary-General to submit a report.",
    ]


def test_unknown_method_is_refused() -> None:
    """A scoring method that does not exist is an error naming the ones that do."""
    with pytest.raises(ValueError, match="rapidfuzz"):
        align([], [], method="levenshtein")


# -- the gold ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gold() -> tuple[list[dict], dict[str, str]]:
    """The gold pairs and the texts they name, from ../shared/corpus."""
    for folder in (GA_TEXTS, SC, CORPUS / "dev"):
        if not folder.exists():
            pytest.skip(f"corpus absent: {folder}")
    rows = [json.loads(line) for line in (GOLD / "alignment.jsonl").read_text(encoding="utf-8").splitlines()]
    return rows, gold_texts(rows, CORPUS)


def test_gold_covers_what_the_issue_asks() -> None:
    """At least 12 pairs, 3 series, both organs, 2 layouts; every line names its change."""
    rows = [json.loads(line) for line in (GOLD / "alignment.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 12
    assert len({r["series"] for r in rows}) >= 3
    assert {r["organ"] for r in rows} == {"GA", "SC"}
    assert len({r["layout"] for r in rows}) >= 2
    assert all(m["change"] in ("unchanged", "edited", "moved", "new", "dropped") for r in rows for m in r["matches"])


def test_alignment_matches_the_hand_checked_gold(gold: tuple[list[dict], dict[str, str]]) -> None:
    """Paragraph-match accuracy at least 0.95 and the change right for at least 0.9 of the gold's pairs."""
    rows, texts = gold
    alignments = []
    for r in rows:
        _, a = text_units(texts[r["earlier"]])
        _, b = text_units(texts[r["later"]])
        # the gold's labels still name the paragraphs it was checked on
        opens = {u.label: u.text for u in a} | {f"L:{u.label}": u.text for u in b}
        for m in r["matches"]:
            if m["later"]:
                assert opens[f"L:{m['later']}"].startswith(m["later_opens"]), (r["later"], m["later"])
            if m["earlier"]:
                assert opens[m["earlier"]].startswith(m["earlier_opens"]), (r["earlier"], m["earlier"])
        alignments.append(align(a, b))
    result = score(rows, alignments)
    assert result.match_accuracy >= 0.95, result.wrong
    assert result.change_accuracy >= 0.9, result.wrong


@pytest.fixture(scope="module")
def cyprus() -> Corpus:
    """Five renewals of the Cyprus force, S/RES/192 (1964) to 206 (1965), as files of ../shared."""
    if not SC.is_dir():
        pytest.skip(f"corpus absent: {SC}")
    return file_corpus([str(SC / f"S_RES_{n:04d}_{y}.txt") for n, y in ((192, 1964), (194, 1964), (198, 1964), (201, 1965), (206, 1965))])


def test_first_appearance_of_a_paragraph_across_the_series(cyprus: Corpus) -> None:
    """op3 of S/RES/206 (1965) ("continue to act with the utmost restraint") first appears in 201 (1965)."""
    steps = history("S/RES/206(1965)", "op3", cyprus)
    assert [(s.symbol, s.change) for s in steps] == [("S/RES/206(1965)", "edited"), ("S/RES/201(1965)", "new")]
    assert steps[-1].earlier == "S/RES/198(1964)"
    # a paragraph there since the first text the corpus holds
    steps = history("S/RES/206(1965)", "op2", cyprus)
    assert [s.symbol for s in steps] == ["S/RES/206(1965)", "S/RES/201(1965)", "S/RES/198(1964)", "S/RES/194(1964)", "S/RES/192(1964)"]
    assert steps[-1].change == "earliest"


def test_series_members_carry_their_evidence(cyprus: Corpus) -> None:
    """Registry, title and text evidence; the corpus's members have their texts, the others none."""
    found = {m.symbol: m for m in members("S/RES/201(1965)", cyprus)}
    assert found["S/RES/201(1965)"].in_corpus and not found["S/RES/219(1965)"].in_corpus
    assert "registry" in found["S/RES/198(1964)"].evidence
    assert any(e.startswith("text: S/RES/20") and "198 (1964)" in e for e in found["S/RES/198(1964)"].evidence)
    with pytest.raises(SeriesError, match="not the symbol of a resolution"):
        members("A/78/23", cyprus)
    with pytest.raises(SeriesError, match="no paragraph 'op9'"):
        history("S/RES/206(1965)", "op9", cyprus)


def test_most_recent_of_which_names_the_predecessor() -> None:
    """'the most recent of which is resolution 60/169' makes 60/169 a member, registry or not."""
    text = "A/RES/61/165\nThe General Assembly,\n\nRecalling all its previous resolutions on the protection of migrants, the most recent of which is resolution 60/169 of 16 December 2005, and recalling also resolutions 59/194 and 58/190,\n"
    corpus = Corpus([Text("A/RES/61/165", "x.txt", "Protection of migrants", "2006-12-19", loader=lambda: text)])
    found = {m.symbol: m for m in members("A/RES/61/165", corpus)}
    assert found["A/RES/60/169"].evidence == ('text: A/RES/61/165 "most recent of which is resolution 60/169"',)
    assert "A/RES/59/194" not in found  # the rest of the list is no predecessor


@pytest.fixture(scope="module")
def ga_texts() -> dict[str, str]:
    """symbol -> PyMuPDF's text, from ga-78-80."""
    if not GA_TEXTS.is_file():
        pytest.skip(f"ga-78-80 corpus absent: {GA_TEXTS}")
    with lzma.open(GA_TEXTS, "rt", encoding="utf-8") as lines:
        return {row["symbol"]: row["text"] for row in map(json.loads, lines)}


# PDFs of ga-78-80 whose PDFium text (unkg's reader) and PyMuPDF text give the same units; see
# README.md, "What changed", for the share of the 80 PDFs this holds for.
SAME_IN_BOTH_LAYOUTS = (
    "A/RES/78/109", "A/RES/78/192", "A/RES/79/110", "A/RES/78/106", "A/RES/79/226", "A/RES/78/320", "A/RES/79/129", "A/RES/80/80",
    "A/RES/79/160", "A/RES/79/241",
)  # fmt: skip
# PDFs of ga-78-80 whose pdftotext text (poppler's, not -layout) and PyMuPDF text give the same units.
SAME_IN_PDFTOTEXT = (
    "A/RES/78/106", "A/RES/78/109", "A/RES/78/131", "A/RES/78/160", "A/RES/78/171", "A/RES/78/192",
    "A/RES/78/205", "A/RES/78/223", "A/RES/78/226", "A/RES/78/240", "A/RES/78/241", "A/RES/78/257",
    "A/RES/78/263", "A/RES/78/271", "A/RES/78/283", "A/RES/78/288", "A/RES/78/29", "A/RES/78/304",
    "A/RES/78/309", "A/RES/78/32", "A/RES/78/320", "A/RES/78/46", "A/RES/78/51", "A/RES/78/57", "A/RES/78/6",
    "A/RES/78/60", "A/RES/78/61", "A/RES/78/85", "A/RES/78/91", "A/RES/78/93", "A/RES/78/94", "A/RES/79/110",
    "A/RES/79/114", "A/RES/79/129", "A/RES/79/134", "A/RES/79/15", "A/RES/79/154", "A/RES/79/16",
    "A/RES/79/160", "A/RES/79/188", "A/RES/79/200", "A/RES/79/202", "A/RES/79/203", "A/RES/79/215",
    "A/RES/79/226", "A/RES/79/233", "A/RES/79/239", "A/RES/79/24", "A/RES/79/241", "A/RES/79/245",
    "A/RES/79/246", "A/RES/79/270", "A/RES/79/278", "A/RES/79/301", "A/RES/79/315", "A/RES/79/326",
    "A/RES/79/33", "A/RES/79/36", "A/RES/79/68", "A/RES/79/75", "A/RES/80/117", "A/RES/80/128",
    "A/RES/80/135", "A/RES/80/137", "A/RES/80/139", "A/RES/80/148", "A/RES/80/176", "A/RES/80/189",
    "A/RES/80/230", "A/RES/80/34", "A/RES/80/80", "A/RES/80/88", "A/RES/80/9"
)  # fmt: skip


@pytest.mark.parametrize("symbol", SAME_IN_BOTH_LAYOUTS)
def test_two_layouts_of_one_resolution_align_as_unchanged(symbol: str, ga_texts: dict[str, str]) -> None:
    """The ODS PDF read by unkg (PDFium) and PyMuPDF's text of it: every paragraph unchanged."""
    from unkg.read import read

    pdf = CORPUS / "ga-78-80" / "pdf" / (symbol.replace("/", "_") + ".pdf")
    _, pymupdf = text_units(ga_texts[symbol])
    _, pdfium = text_units(read(str(pdf)).text)
    matches = align(pymupdf, pdfium).matches
    assert len(pymupdf) > 3
    assert {m.change for m in matches} == {"unchanged"}, [m.to_json() for m in matches if m.change != "unchanged"]


@pytest.mark.parametrize("symbol", SAME_IN_PDFTOTEXT)
def test_pdftotexts_text_and_pymupdfs_align_as_unchanged(symbol: str, ga_texts: dict[str, str]) -> None:
    """The ODS PDF as pdftotext reads it (plain text, pages apart by a form feed) and PyMuPDF's text of it:
    as many paragraphs, every one unchanged."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) not installed")
    pdf = CORPUS / "ga-78-80" / "pdf" / (symbol.replace("/", "_") + ".pdf")
    plain = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    _, pymupdf = text_units(ga_texts[symbol])
    _, pdftotext = text_units(plain)
    matches = align(pymupdf, pdftotext).matches
    assert len(pymupdf) == len(pdftotext) >= 3
    assert {m.change for m in matches} == {"unchanged"}, [m.to_json() for m in matches if m.change != "unchanged"]


# -- the commands ----------------------------------------------------------------------


def test_diff_of_two_files_plain_and_coloured(tmp_path: Path) -> None:
    """unkg diff A B: word-level, [-old-]{+new+} when not a terminal, escape codes with --color."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("A/RES/78/100\n" + EARLIER, encoding="utf-8")
    b.write_text("A/RES/79/113\n" + LATER, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["diff", str(a), str(b)])
    assert result.exit_code == 0, result.output
    assert "A/RES/78/100 -> A/RES/79/113: 4 unchanged, 1 edited, 1 moved, 1 new" in result.output
    assert "[-seventy-ninth-] {+eightieth+}" in " ".join(result.output.split())  # wrapped at 100 columns
    assert "\x1b[" not in result.output
    coloured = runner.invoke(cli, ["diff", str(a), str(b), "--color"])
    assert "\x1b[31m[-seventy-ninth-]\x1b[0m" in coloured.output
    as_json = json.loads(runner.invoke(cli, ["diff", str(a), str(b), "--json"]).output)
    assert as_json["summary"]["new"] == 1 and as_json["matches"][1] == {
        "change": "new",
        "later": "pp2",
        "earlier": None,
        "similarity": 0.0,
        "text": "Welcoming the webcast of the meetings of the Special Committee,",
    }


def test_diff_of_what_is_neither_file_nor_stored_fails_clearly(tmp_path: Path) -> None:
    """A name that is no file and no stored text: one Error line, exit status 1."""
    result = CliRunner().invoke(cli, ["diff", "A/RES/1/1", "A/RES/1/2", "--store", str(tmp_path / "none")])
    assert result.exit_code == 1
    assert "Error: A/RES/1/1: neither a file nor a document whose text the store holds" in result.output


def test_series_history_and_diff_from_the_store(tmp_path: Path, ga_texts: dict[str, str]) -> None:
    """Ingest three members of a GA series; series, diff and history read their texts from the store."""
    folder = tmp_path / "texts"
    folder.mkdir()
    for symbol in ("A/RES/78/100", "A/RES/79/113", "A/RES/80/104"):
        (folder / (symbol.replace("/", "_") + ".txt")).write_text(ga_texts[symbol], encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--quiet", "--store", store, str(folder)]).exit_code == 0
    series = runner.invoke(cli, ["series", "A/RES/80/104", "--store", store])
    assert series.exit_code == 0, series.output
    assert "A/RES/77/148       2022-12-12  Dissemination of information on decolonization" in series.output
    assert "not in the corpus: `unkg fetch A/RES/77/148`" in series.output
    assert "54 member(s), 3 in the corpus" in series.output
    diff = runner.invoke(cli, ["diff", "A/RES/79/113", "A/RES/80/104", "--store", store])
    assert "[-eightieth-] {+eighty-first+}" in diff.output
    result = runner.invoke(cli, ["history", "A/RES/80/104", "op8", "--store", store, "--json"])
    steps = json.loads(result.output)["steps"]
    assert [(s["symbol"], s["change"]) for s in steps] == [
        ("A/RES/80/104", "edited"),
        ("A/RES/79/113", "edited"),
        ("A/RES/78/100", "earliest"),
    ]
    assert steps[-1]["missing"][-1] == "A/RES/77/148"
    # unkg derive: paragraphs and revisions in the store, read by the stored queries, valid by the shapes
    derived = runner.invoke(cli, ["derive", "--store", store, "--quiet"])
    assert derived.exit_code == 0, derived.output
    assert "3 document(s) of 1 series: 51 paragraphs, 2 pair(s) aligned" in derived.output
    from unkg.queries import get_query, run
    from unkg.store import KnowledgeGraph
    from unkg.validate import rdflib_graph, validate

    with KnowledgeGraph(store, read_only=True) as kg:
        rows = list(run(kg.store, get_query("reports/paragraph-history"), {"document": "A/RES/80/104", "paragraph": "op8"}))
        assert [(r["symbol"].value, r["change"].value) for r in rows] == [
            ("A/RES/80/104", "edited"),
            ("A/RES/79/113", "edited"),
            ("A/RES/78/100", "earliest in the corpus"),
        ]
        chain = {r["symbol"].value: r for r in run(kg.store, get_query("reports/series-chain"), {"resolution": "A/RES/79/113"})}
        assert chain["A/RES/80/104"]["predecessor"].value == "A/RES/79/113"
        assert int(chain["A/RES/80/104"]["unchanged"].value) == 14
        report = validate(rdflib_graph(kg.store.quads_for_pattern(None, None, None)))
        assert report.conforms, report.text
        quads = sum(1 for _ in kg.store.quads_for_pattern(None, None, None))
    again = runner.invoke(cli, ["derive", "--store", store, "--quiet"])  # replaces, never duplicates
    assert again.exit_code == 0
    with KnowledgeGraph(store, read_only=True) as kg:
        assert sum(1 for _ in kg.store.quads_for_pattern(None, None, None)) == quads
    # a file changed since its ingest is refused, not read as if it were the stored text
    (folder / "A_RES_79_113.txt").write_text("changed", encoding="utf-8")
    changed = runner.invoke(cli, ["diff", "A/RES/79/113", "A/RES/80/104", "--store", store])
    assert changed.exit_code == 1 and "changed since it was ingested" in changed.output


def _derived_store(tmp_path: Path, ga_texts: dict[str, str]) -> ox.Store:
    """Three members of a GA series ingested and derived (unkg derive), the store opened for writing."""

    folder = tmp_path / "texts"
    folder.mkdir()
    for symbol in ("A/RES/78/100", "A/RES/79/113", "A/RES/80/104"):
        (folder / (symbol.replace("/", "_") + ".txt")).write_text(ga_texts[symbol], encoding="utf-8")
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--quiet", "--store", store, str(folder)]).exit_code == 0
    assert runner.invoke(cli, ["derive", "--quiet", "--store", store]).exit_code == 0
    return ox.Store(store)


def _best_of_three(f: Callable[[], T]) -> tuple[T, float]:
    """(what ``f()`` gives, its fastest time of three runs in seconds)."""
    times = []
    for _ in range(3):
        start = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - start)
    return out, min(times)


def test_paragraph_history_does_not_walk_the_whole_store(tmp_path: Path, ga_texts: dict[str, str]) -> None:
    """reports/paragraph-history follows revisions from the paragraph asked for: 200,000 unrelated triples in the
    store do not slow it (its path once started from every term of the store: 27-31 s on the whole record)."""
    from unkg.queries import get_query, run

    store = _derived_store(tmp_path, ga_texts)
    noise, link = ox.NamedNode("urn:test:noise"), ox.NamedNode("urn:test:link")
    store.bulk_extend(
        ox.Quad(ox.NamedNode(f"urn:test:n{i}"), link, ox.NamedNode(f"urn:test:n{i + 1}"), noise) for i in range(200_000)
    )
    query, values = get_query("reports/paragraph-history"), {"document": "A/RES/80/104", "paragraph": "op8"}
    rows, seconds = _best_of_three(lambda: list(run(store, query, values)))
    assert [r["symbol"].value for r in rows] == ["A/RES/80/104", "A/RES/79/113", "A/RES/78/100"]
    assert seconds < 0.3, f"{seconds:.2f} s: the path is walked from more than the paragraph asked for"


def test_changes_of_a_page_read_only_its_own_revisions(tmp_path: Path, ga_texts: dict[str, str]) -> None:
    """A series member's page reads the revisions of its own paragraphs: 30,000 revisions of other documents do not
    slow it (the engine once read every revision of the store, with its text: 0.7-1.2 s a page on the whole record)."""
    from unkg.serve import jobs

    store = _derived_store(tmp_path, ga_texts)
    job = {"iri": "https://w3id.org/unkg/doc/A/RES/80/104", "max_rows": 10_000, "page": 1}
    before = jobs.page(store, job)["changes"]
    assert before and {c["change"] for c in before} >= {"edited", "unchanged"}
    prov, unkg, rdfs, rdf = (
        "http://www.w3.org/ns/prov#",
        "https://w3id.org/unkg/ontology#",
        "http://www.w3.org/2000/01/rdf-schema#",
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    )
    graph = ox.NamedNode("urn:test:others")
    quads = []
    for i in range(30_000):  # paragraphs of other documents, each revised from an earlier one with its text
        p, rev, e = (ox.NamedNode(f"urn:test:{kind}{i}") for kind in ("p", "rev", "e"))
        quads += [
            ox.Quad(p, ox.NamedNode(prov + "qualifiedRevision"), rev, graph),
            ox.Quad(rev, ox.NamedNode(unkg + "change"), ox.Literal("edited"), graph),
            ox.Quad(rev, ox.NamedNode(unkg + "similarity"), ox.Literal("0.9"), graph),
            ox.Quad(rev, ox.NamedNode(prov + "entity"), e, graph),
            ox.Quad(e, ox.NamedNode(rdfs + "label"), ox.Literal(f"op{i}"), graph),
            ox.Quad(e, ox.NamedNode(rdf + "value"), ox.Literal("Requests the Secretary-General to report " * 5), graph),
        ]
    store.bulk_extend(quads)
    changes, seconds = _best_of_three(lambda: jobs.page(store, job)["changes"])
    assert changes == before
    assert seconds < 0.3, f"{seconds:.2f} s: the page reads revisions of other documents"


@pytest.mark.parametrize(
    ("typed", "symbol"),
    [("resolution 61/165", "A/RES/61/165"), ("a/res/61/ 165", "A/RES/61/165"), ("s/res/1919 (2010)", "S/RES/1919(2010)")],
)
def test_series_commands_read_a_resolution_as_typed(typed: str, symbol: str) -> None:
    """unkg series, diff and history read a resolution through the one look-up, as the other commands do."""
    from unkg.series.cli import _typed

    assert _typed(typed) == symbol
