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
