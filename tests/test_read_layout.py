"""Layout cleanup on positioned lines (unkg.read.layout.compose), page by page.

The pages here are built by hand, line by line, in the geometry a PDF reader
hands over (points, y up, A4); each test says which layout habit of UN
documents it imitates. Real PDFs are read in tests/test_formats.py.
"""

from __future__ import annotations

from unkg.read.layout import Line, Page, compose

H, W = 842.0, 595.0
LEFT, RIGHT = 113.0, 482.0


def body(text: str, y: float, right: float = RIGHT, left: float = LEFT, size: float = 10.0, sup=()) -> Line:
    """A body line whose baseline is ``y`` (loose box ``y`` to ``y + size``)."""
    return Line(text, left, right, y, y + size, size, list(sup))


def head(text: str, y: float = 790.0) -> Line:
    return Line(text, LEFT, LEFT + 60, y, y + 9, 9.0)


def note(text: str, y: float, sup=()) -> Line:
    return Line(text, LEFT, RIGHT, y, y + 8, 8.0, list(sup))


def page(*lines: Line) -> Page:
    return Page(list(lines), H, W)


def test_soft_line_breaks_join_into_one_paragraph() -> None:
    """Lines of one justified paragraph join with a space; a short last line ends it."""
    composed = compose(
        [
            page(
                body("1. The Working Group on the Universal Periodic Review, established in", 700),
                body("accordance with Human Rights Council resolution 5/1, held its session.", 688, right=400),
                body("2. On 7 September 2009, the Human Rights Council selected the troika.", 670, right=420),
            )
        ]
    )
    assert composed.text == (
        "1. The Working Group on the Universal Periodic Review, established in accordance with Human Rights "
        "Council resolution 5/1, held its session.\n\n2. On 7 September 2009, the Human Rights Council selected the troika.\n"
    )


def test_hyphen_at_line_end() -> None:
    """'fifty-' + 'ninth' keeps its hyphen; 'Govern-' + 'ment' is joined when the whole word is written elsewhere."""
    composed = compose(
        [
            page(
                body("Official Records of the General Assembly, Fifty-", 700),
                body("ninth Session, and the Govern-", 688),
                body("ment of Slovenia; the Government stated its view.", 676, right=350),
            )
        ]
    )
    assert composed.text == (
        "Official Records of the General Assembly, Fifty-ninth Session, and the Government of Slovenia; "
        "the Government stated its view.\n"
    )


def test_symbol_split_after_a_slash_is_joined() -> None:
    """A UN symbol broken after a slash ('A/HRC/' + '14/15') is joined without a space."""
    composed = compose([page(body("as set out in document A/HRC/", 700), body("14/15, the report.", 688, right=200))])
    assert composed.text == "as set out in document A/HRC/14/15, the report.\n"


def test_running_heads_and_footers_are_dropped_after_the_first_page() -> None:
    """The symbol and page number at the head and the job number at the foot go; the masthead stays."""
    pages = [
        page(
            body("United Nations  A/HRC/14/15", 800, right=450, size=14),  # the masthead is set large
            body("Distr.: General", 780, right=300),
            body("First page text.", 700, right=200),
            Line("GE.10-12049", LEFT, 200, 40, 48, 8.0),
        )
    ]
    for n in range(2, 5):
        pages.append(
            page(
                head("A/HRC/14/15"),
                head(str(n), 778),
                body(f"Text of page {n}.", 700, right=200),
                Line("GE.10-12049", LEFT, 200, 40, 48, 8.0),
            )
        )
    composed = compose(pages)
    assert composed.text == (
        "United Nations  A/HRC/14/15\n\nDistr.: General\n\nFirst page text.\n\n"
        "Text of page 2.\n\nText of page 3.\n\nText of page 4.\n"
    )
    assert composed.furniture_removed == 1 + 3 * 3


def test_page_map_places_every_offset() -> None:
    """Each page's text maps back to its page; a paragraph running over a page break starts on the first."""
    pages = [
        page(body("Recalling its resolution 60/169 of 16 December 2005 and the", 700)),
        page(head("A/RES/61/165"), body("Convention on the Rights of the Child,", 700, right=300)),
        page(head("A/RES/61/165"), body("Reaffirming the Universal Declaration.", 700, left=LEFT + 24, right=300)),
    ]
    composed = compose(pages)
    text = composed.text
    assert text.startswith("Recalling its resolution 60/169 of 16 December 2005 and the Convention on the Rights")

    def page_of(offset: int) -> int:
        return [p for o, p in composed.page_map if o <= offset][-1]

    assert page_of(text.index("60/169")) == 1
    assert page_of(text.index("Convention")) == 2
    assert page_of(text.index("Reaffirming")) == 3
    assert composed.page_starts == (0, text.index(" Convention"), text.index("Reaffirming") - 2)


def test_footnotes_at_the_page_foot_are_gathered_after_the_body() -> None:
    """Notes under the separator on each page go after the body, one a line, a continued note joined."""
    pages = [
        page(
            body("Recalling the Universal Declaration of Human Rights,1 and the International", 700, sup=[(52, 53)]),
            note("__________________", 120),
            note("1 Resolution 217 A (III).", 108),
        ),
        page(
            head("A/RES/61/165"),
            body("Covenant on Civil and Political Rights,2 and its Optional Protocol,", 700, sup=[(39, 40)]),
            note("__________________", 120),
            note("2 See resolution 2200 A (XXI), annex, and", 108),
        ),
        page(
            head("A/RES/61/165"),
            body("Noting the report.", 700, left=LEFT + 24, right=200),  # a preambular paragraph's first line is indented
            note("__________________", 120),
            note("United Nations, Treaty Series, vol. 999, No. 14668.", 108),
        ),
    ]
    composed = compose(pages)
    assert composed.text == (
        "Recalling the Universal Declaration of Human Rights,1 and the International Covenant on Civil and "
        "Political Rights,2 and its Optional Protocol,\n\nNoting the report.\n\n__________\n"
        "1 Resolution 217 A (III).\n"
        "2 See resolution 2200 A (XXI), annex, and United Nations, Treaty Series, vol. 999, No. 14668.\n"
    )
    assert [composed.text[s:e] for s, e in composed.markers] == ["1", "2"]
    assert composed.text[composed.markers[0][0] - 7 : composed.markers[0][1]] == "Rights,1"

    def page_of(offset: int) -> int:
        return [p for o, p in composed.page_map if o <= offset][-1]

    assert page_of(composed.text.index("1 Resolution 217")) == 1
    assert page_of(composed.text.index("2 See resolution")) == 2
    assert page_of(composed.text.index("United Nations, Treaty Series")) == 3  # the continued part of note 2


def test_centred_and_right_aligned_lines_stand_alone() -> None:
    """'81st plenary meeting' and its date, set right, are two paragraphs, not one."""
    composed = compose(
        [
            page(
                body("15. Requests the Secretary-General to report on the implementation of the", 700),
                body("present resolution.", 688, right=220),
                body("81st plenary meeting", 660, left=380),
                body("19 December 2006", 648, left=395),
            )
        ]
    )
    assert composed.text.endswith("present resolution.\n\n81st plenary meeting\n\n19 December 2006\n")


def test_notes_that_name_a_document_alone_are_no_running_foot() -> None:
    """A note that is a document's symbol ("15 EC-96/DG.1.", "18 EC-87/DG.18.", A/RES/78/29) stands last
    above the page's foot on several pages, each time with other digits: the digits aside its lines repeat,
    yet they are notes, kept under the separator."""
    pages = [
        page(
            body("Taking note of the report of the Director-General,1", 700, right=300, sup=[(50, 51)]),
            Line("23-24537 (E) 181223", LEFT, 200, 42, 51, 8.0),
        )
    ]
    for n, (number, symbol) in enumerate([(2, "EC-96/DG.1."), (3, "EC-87/DG.18."), (4, "EC-104/DG.19.")], start=2):
        pages.append(
            page(
                head("A/RES/78/29"),
                body(f"Recalling the note of the Director-General of page {n},{number}", 700, right=300),
                note("__________________", 120),
                note(f"{number} {symbol}", 58),
                Line(f"23-24537 {n}/4", LEFT, 200, 35, 43, 8.0),
            )
        )
    composed = compose(pages)
    assert composed.text.endswith("\n\n__________\n2 EC-96/DG.1.\n3 EC-87/DG.18.\n4 EC-104/DG.19.\n")


def test_a_three_line_head_is_no_end_of_the_word_hyphenated_before_it() -> None:
    """A/RES/78/320's head is three lines: its title over two, then the symbol and the title's end (on
    facing pages the symbol at either end). The page before ends "drought-": the third head line is
    furniture too, not the end of the word ("drought-A/RES/78/320  effective solution ...")."""
    title = ("Fostering sustainable forest management, including afforestation ", "and reforestation, as an ")
    pages = [
        page(
            body("United Nations  A/RES/78/320", 800, right=450, size=14),
            body("Distr.: General", 780, right=300),
            body("using non-invasive, drought-", 700),
            Line("24-14704 (E)", LEFT, 200, 42, 51, 8.0),
        )
    ]
    for n, third in enumerate(
        [
            "A/RES/78/320  effective solution to environmental challenges",
            "effective solution to environmental challenges A/RES/78/320",
        ],
        start=2,
    ):
        pages.append(
            page(
                head(title[0], 810),
                head(title[1], 800),
                head(third, 790),
                body("resistant and productive plant species;" if n == 2 else "Text of page 3.", 700, right=300),
                Line(f"{n}/3 24-14704", LEFT, 200, 35, 43, 8.0),
            )
        )
    text = compose(pages).text
    assert "drought-resistant and productive plant species;" in text
    assert "effective solution" not in text


def test_a_titles_end_under_the_head_is_furniture_on_every_page() -> None:
    """A/RES/79/241's running title is over two lines: on one page its end stands alone under the title and
    the symbol ("in all its aspects"), on the next beside the symbol ("in all its aspects A/RES/79/241").
    Both are furniture: left, the first joined the preamble and the second a paragraph of page 3."""
    title = "Comprehensive study of the question of nuclear-weapon-free zones "
    pages = [
        page(
            body("United Nations  A/RES/79/241", 800, right=450, size=14),
            body("Distr.: General", 780, right=300),
            body("to achieve and maintain a world free of nuclear weapons,", 700, right=300),
            Line("24-24619 (E)", LEFT, 200, 42, 51, 8.0),
        ),
        page(
            head(title, 810),
            head("A/RES/79/241", 800),
            head("in all its aspects", 790),
            body("Stressing also the importance of Mongolia's nuclear-weapon-free status,", 760, right=300),
            body("they would have the rights", 700, right=150),
            Line("2/3 24-24619", LEFT, 200, 35, 43, 8.0),
        ),
        page(
            head(title, 810),
            head("in all its aspects A/RES/79/241", 800),
            body("of access to the meetings;", 700, right=300),
            Line("24-24619 3/3", LEFT, 200, 35, 43, 8.0),
        ),
    ]
    text = compose(pages).text
    assert "in all its aspects" not in text and "Comprehensive study" not in text
    assert "nuclear weapons,\n\nStressing also" in text
    assert text.count("A/RES/79/241") == 1  # the masthead's only
