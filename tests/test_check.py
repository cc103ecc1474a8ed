"""Checks of extracted citations against the registry (issue 14): kept, re-attributed or dropped, never silently."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from unkg import extract_text
from unkg.cli import cli

HEAD = "<<ODS DOC SYMBOL1>>{}<<ODS DOC SYMBOL1>>\n"

# (own symbol, sentence, kept targets, dropped targets)
ROWS = [
    # the number exists under another year; the date the text gives is the registry's: re-attributed
    ("S/RES/1706(2006)", "Recalling its resolution 1590 (2004) of 24 March 2005,", ["S/RES/1590(2005)"], []),
    # no date to go by: dropped
    ("S/RES/1706(2006)", "Recalling its resolution 1591 (2004),", [], ["S/RES/1591(2004)"]),
    # a damaged number ("84" for 804) whose date is not the registry's date for 84: dropped
    ("S/RES/834(1993)", "Recalling its resolution 84 (1993) of 29 January 1993,", [], ["S/RES/84(1993)"]),
    # right as written
    ("S/RES/1706(2006)", "Recalling its resolution 1590 (2005) of 24 March 2005,", ["S/RES/1590(2005)"], []),
    # a work of a later year than the citing document
    ("S/RES/1706(2006)", "Recalling resolution 1769 (2007),", [], ["S/RES/1769(2007)"]),
    # what the registry does not know is kept (it is complete for the Security Council only)
    ("A/RES/79/1", "Recalling its resolution 60/169,", ["A/RES/60/169"], []),
    # the General Assembly numbers its decisions from 301: "decision 55/115" is a functional commission's (A/RES/79/220)
    ("A/RES/79/220", "Recalling its decision 55/115 and its decision 60/551,", ["A/DEC/60/551"], ["A/DEC/55/115"]),
]


@pytest.mark.parametrize(("own", "sentence", "kept", "dropped"), ROWS, ids=[r[1][:40] for r in ROWS])
def test_citations_are_checked_against_the_registry(
    own: str, sentence: str, kept: list[str], dropped: list[str]
) -> None:
    result = extract_text(HEAD.format(own) + sentence)
    assert [c.target for c in result.citations] == kept
    assert [d.citation.target for d in result.dropped] == dropped
    assert all(d.reason for d in result.dropped)


def test_a_reattributed_citation_says_why() -> None:
    result = extract_text(HEAD.format("S/RES/1706(2006)") + "Recalling its resolution 1590 (2004) of 24 March 2005,")
    (citation,) = result.citations
    assert citation.via == "registry: S/RES/1590(2005) is of 24 March 2005, the date the text gives"
    assert citation.text == "its resolution 1590 (2004)"  # the span stays what the text says


def test_the_own_symbol_is_corrected_when_the_text_agrees_with_the_registry() -> None:
    """'Resolution 434 (1973)' heads S/RES/434 (1978) (a misprint of the source): the meeting says which."""
    text = "Resolution 434 (1973)\n\nThe Security Council,\n\nRecalling its resolution 426 (1978),\n\n" \
           "Adopted at the 2085th meeting by 12 votes to none, with 3 abstentions.\n"  # fmt: skip
    result = extract_text(text)
    assert result.symbol == "S/RES/434(1978)" and result.metadata["symbol_as_written"] == "S/RES/434(1973)"
    assert [c.target for c in result.citations] == ["S/RES/426(1978)"]  # of its own year: not "after" it


def test_the_reasons_reach_the_user(tmp_path) -> None:
    path = tmp_path / "res.txt"
    path.write_text(HEAD.format("S/RES/1706(2006)") + "Recalling its resolution 1591 (2004),\n", encoding="utf-8")
    line = json.loads(CliRunner().invoke(cli, ["extract", "--format", "jsonl", str(path)]).stdout)
    assert line["dropped"] == [{"target": "S/RES/1591(2004)", "text": "its resolution 1591 (2004)",
                                "start": line["dropped"][0]["start"], "end": line["dropped"][0]["end"],
                                "reason": "S/RES/1591(2004) cannot be: the registry holds that number as "
                                          "S/RES/1591(2005)"}]  # fmt: skip
    plain = CliRunner().invoke(cli, ["extract", str(path)]).stdout
    assert "1 refused by the checks: --explain says which and why" in plain
    explained = CliRunner().invoke(cli, ["extract", "--explain", str(path)]).stdout
    assert "the registry holds that number as S/RES/1591(2005)" in " ".join(explained.split())


def test_years_a_text_mentions_stand_alone() -> None:
    """The years _later_than_text weighs: 1940-2099 with no decimal digit on either side."""
    from unkg.cite import YEAR_RES

    text = "In 1945, 2015 and 2030; not 12015, 20155, 1939 nor 2100; ¹2019 is a year after a raised marker."
    assert sorted(y for p in YEAR_RES for y in p.findall(text)) == ["1945", "2015", "2019", "2030"]


# (the year a file name gives, the sentence, kept targets, dropped targets)
INSTRUMENT_YEAR_ROWS = [
    # a 1973 statement's Paris Agreement is the peace agreement on Viet Nam, not the climate treaty of 2015
    ("1973", "We welcome the Paris Agreement signed in January.", [], ["PARIS-AGREEMENT"]),
    ("2016", "We have ratified the Paris Agreement.", ["PARIS-AGREEMENT"], []),
    # a draft is named some years before its adoption (2015 is within five years of 2012)
    ("2012", "the negotiation of the Paris Agreement", ["PARIS-AGREEMENT"], []),
    # the Charter predates every statement
    ("1946", "the principles of the Charter of the United Nations", ["UN-CHARTER"], []),
]


@pytest.mark.parametrize(
    ("year", "sentence", "kept", "dropped"), INSTRUMENT_YEAR_ROWS, ids=[r[0] for r in INSTRUMENT_YEAR_ROWS]
)
def test_an_instrument_adopted_after_the_citing_document_is_dropped(
    year: str, sentence: str, kept: list[str], dropped: list[str]
) -> None:
    """With the year a file name gives (``recheck``, after ``describe``) an instrument adopted more than five
    years later is no citation of the catalogue's, and the reason says so."""
    from dataclasses import replace

    from unkg.check import recheck
    from unkg.registry import default_registry

    extraction = extract_text(sentence)
    result = recheck(replace(extraction, metadata={**extraction.metadata, "year": year}), default_registry())
    assert [c.target for c in result.citations] == kept
    assert [d.citation.target for d in result.dropped] == dropped
    assert all("after the citing document" in d.reason for d in result.dropped)
    assert len(result.contexts) == len(result.citations)
