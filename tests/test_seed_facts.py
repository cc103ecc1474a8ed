"""Known facts of the seed resolution A/RES/61/165, citation by citation."""

from __future__ import annotations

import pytest
from tests.conftest import SAMPLE

from unkg import extract


@pytest.fixture(scope="module")
def res() -> dict:
    result = extract(SAMPLE / "A_RES_61_165.txt")
    return {"result": result, "by_target": {c.target: c for c in result.citations}}


def test_recalls_previous_resolution(res: dict) -> None:
    """pp1 recalls A/RES/60/169 with the quoted text and offsets."""
    c = res["by_target"]["A/RES/60/169"]
    assert (c.paragraph, c.function, c.text) == ("pp1", "recalls", "resolution 60/169")


def test_instrument_identified_through_footnote(res: dict) -> None:
    """The Migrant Workers Convention in pp4 carries its Treaty Series identity from footnote 8."""
    cites = [c for c in res["result"].citations if c.target == "ICRMW" and c.paragraph == "pp4"]
    assert cites and cites[0].via == "footnote 8: UNTS vol. 2220, No. 39481"
    assert cites[0].function == "recalls"


def test_ratification_call(res: dict) -> None:
    """op3 'Calls upon States ... to consider signing and ratifying' is a call for ratification."""
    op3 = [c for c in res["result"].citations if c.paragraph == "op3" and c.target == "ICRMW"]
    assert op3 and all(c.function == "urges ratification of" for c in op3)


def test_footnote_report_lands_in_marker_paragraph(res: dict) -> None:
    """'(A/61/324)' in footnote 9 belongs to op2, which carries marker 9."""
    c = res["by_target"]["A/61/324"]
    assert (c.paragraph, c.footnote, c.function) == ("op2", "fn9", "takes note of")


def test_ibid_chain_resolves_treaty_series(res: dict) -> None:
    """'Ibid., vol. 1577, No. 27531' after a Treaty Series footnote identifies the CRC."""
    c = res["by_target"]["CRC"]
    assert c.via == "footnote 6: UNTS vol. 1577, No. 27531"


def test_protocols_identified(res: dict) -> None:
    """Both protocols to UNTOC are cited; their footnotes' annexes are absorbed, not cited again."""
    targets = set(res["by_target"])
    assert {"UNTOC", "SMUGGLING-PROTOCOL", "TRAFFICKING-PROTOCOL"} <= targets
    assert "A/RES/55/25" not in targets


def test_furniture_is_not_cited(res: dict) -> None:
    """The running heads, ODS tags and job number never become citations."""
    assert "A/RES/61/165" not in res["by_target"]
    assert all(not c.text.startswith("<<") for c in res["result"].citations)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # A UPR recommendation row (OHCHR matrix): the report is the recommendation's source, not ratified.
        (
            "121.1 Ratify the International Convention for the Protection of All Persons from Enforced "
            "Disappearance (France) (Lithuania); Source of Position: A/HRC/43/15 - Para 121 | Supported |",
            {"CPED": "urges ratification of", "A/HRC/43/15": "cites"},
        ),
        (
            "5. Urges States to ratify the Convention against Torture, as recommended in document A/HRC/43/15;",
            {"CAT": "urges ratification of", "A/HRC/43/15": "urges"},
        ),
    ],
)
def test_only_instruments_are_ratified(sentence: str, expected: dict[str, str]) -> None:
    """A call to ratify characterises the instruments of its sentence, never a document cited beside them."""
    from unkg import extract_text

    found = {c.target: c.function for c in extract_text(sentence).citations}
    assert found == expected


@pytest.mark.parametrize(
    ("sentence", "target", "function"),
    [
        # general debate statements (no opening verb): loyalty to the Charter is no call to ratify it
        ("We reaffirm our adherence to the principles and purposes of the Charter of the United Nations.",
         "UN-CHARTER", "cites"),
        ("Our commitment and adherence to the Charter of the United Nations remain firm.", "UN-CHARTER", "cites"),
        # a fact, not a call
        ("My Government ratified the Convention on the Rights of the Child in 1990.", "CRC", "cites"),
        # calls, with and without an opening verb
        ("We urge all States to ratify the Convention on the Rights of the Child.", "CRC", "urges ratification of"),
        ("Calls upon States that have not yet ratified the Convention on the Rights of the Child to do so;",
         "CRC", "urges ratification of"),
        ("We call on States that have not done so to adhere to the Convention on the Rights of the Child.",
         "CRC", "urges ratification of"),
    ],
)  # fmt: skip
def test_what_is_a_call_to_ratify(sentence: str, target: str, function: str) -> None:
    """Issue 14: "adherence to the principles of the Charter" was read as "urges ratification of"."""
    from unkg import extract_text

    found = {c.target: c.function for c in extract_text(sentence).citations}
    assert found[target] == function


@pytest.mark.parametrize(
    ("sentence", "function"),
    [
        ("The report was requested in accordance with resolution 60/169 of 16 December 2005.", "pursuant to"),
        ("The meeting has noted, pursuant to resolution 60/169, the report.", "pursuant to"),
        ("Pursuant to resolution 60/169, the Secretary-General reported.", "pursuant to"),
        ("The foresee of resolution 60/169 was long.", "cites"),  # "see" inside a word is no cue
        ("Ésee resolution 60/169.", "cites"),  # nor after a letter of any script
        ("(see resolution 60/169).", "cites"),
    ],
)
def test_a_cue_begins_a_word_and_one_inside_a_word_hides_none(sentence: str, function: str) -> None:
    """The words before a citation in a statement characterise it: "was requested in accordance with" is
    "pursuant to" (the cue "as requested in" read inside "was" had hidden "in accordance with")."""
    from unkg import extract_text

    (c,) = extract_text(sentence).citations
    assert c.function == function


def test_the_last_cue_is_the_plain_rule() -> None:
    """``_last_cue`` gives what a walk over the positions gives: a cue where no letter stands before it, read
    from the left, each after the one before, the last one kept."""
    import random

    from unkg.cite import LOCAL_CUE_RE, _last_cue

    def plain(text: str, lo: int, hi: int) -> tuple[int, int] | None:
        last, pos = None, lo
        while pos < hi:
            m = LOCAL_CUE_RE.match(text, pos, hi) if not (pos and text[pos - 1].isalpha()) else None
            if m:
                last, pos = m.span(), m.end()
            else:
                pos += 1
        return last

    rng = random.Random(5)
    pieces = ["see", "Recalls", "recalling", "as requested in", "in accordance with", "w", "h", "é", "É", " ", "\n",
              ",", "(", "1", "_", "calls on", "calls upon", "takes note", "notes", "Noting", "in", "to", "²"]  # fmt: skip
    for _ in range(50_000):
        text = "".join(rng.choices(pieces, k=rng.randint(0, 12)))
        lo = rng.randint(0, len(text))
        hi = rng.randint(lo, len(text))
        got = _last_cue(text, lo, hi)
        assert (got.span("cue") if got else None) == plain(text, lo, hi), (text, lo, hi)
