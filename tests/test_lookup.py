"""unkg.lookup: what a person types for a work, read as the work, or a message with the nearest works."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from tests.conftest import SAMPLE

from unkg.lookup import Candidate, WorkNotFound, parse, resolve, search, store_works
from unkg.store import KnowledgeGraph

PARSED = [
    ("A/RES/61/165", "A/RES/61/165"),  # canonical
    ("a/res/61/165", "A/RES/61/165"),  # any case
    ("A/RES/61/ 165", "A/RES/61/165"),  # a space after a slash, as pasted from a PDF
    ("  A / RES / 61 / 165. ", "A/RES/61/165"),  # spaces around every slash, a full stop after it
    ("resolution 61/165", "A/RES/61/165"),  # as a General Assembly text cites it
    ('"resolution 61/165"', "A/RES/61/165"),  # quoted
    ("Security Council resolution 1325 (2000)", "S/RES/1325(2000)"),  # the organ named
    ("s/res/1325 (2000)", "S/RES/1325(2000)"),  # lower case, a space before the year
    ("Commission on Human Rights resolution 2005/47", "E/CN.4/RES/2005/47"),
    ("Human Rights Council resolution 7/16", "A/HRC/RES/7/16"),
    ("resolution 217 A (III)", "A/RES/217(III)"),  # Roman-era numbering, part letter dropped
    ("decision 60/551", "A/DEC/60/551"),
    ("E/CN. 4/2003/85/Add. 2", "E/CN.4/2003/85/Add.2"),  # spaces after the dots
    ("https://w3id.org/unkg/doc/S/RES/1325(2000)", "S/RES/1325(2000)"),  # a work's IRI
    ("https://w3id.org/unkg/instrument/ICRMW", "ICRMW"),
    ("ICRMW", "ICRMW"),  # a key
    ("icrmw", "ICRMW"),  # a key in any case
    ("ilo c29", "ILO-C29"),  # a key with a space for its hyphen
    ("Migrant Workers Convention", "ICRMW"),  # an alias the extractor knows
    ("the Migrant Workers Convention", "ICRMW"),  # as a sentence writes it
    ("international covenant on civil and political rights", "ICCPR"),  # a name, in lower case
    ("Universal Declaration of Human Rights", "UDHR"),
    (
        "International Convention for the Protection of the Rights of All Migrant Workers and Members of Their Families",
        "ICRMW",
    ),  # the variant "for the Protection" of the corpus
]


@pytest.mark.parametrize(("typed", "target"), PARSED, ids=[t for t, _ in PARSED])
def test_parse_reads_what_people_type(typed: str, target: str) -> None:
    """Each spelling reads as its work."""
    found = parse(typed)
    assert found is not None and found.target == target


@pytest.mark.parametrize("typed", ["", "   ", "hello world", "the", "resolution"])
def test_parse_names_no_work(typed: str) -> None:
    """Text that names no work gives None."""
    assert parse(typed) is None


def test_a_candidate_carries_iri_kind_and_label() -> None:
    """IRIs come from unkg.iri; an instrument's label is its name."""
    icrmw = parse("icrmw")
    assert icrmw == Candidate(
        "ICRMW",
        "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families",
        "key",
    )
    assert icrmw.iri == "https://w3id.org/unkg/instrument/ICRMW" and icrmw.kind == "instrument"
    res = parse("s/res/1325 (2000)")
    assert res.iri == "https://w3id.org/unkg/doc/S/RES/1325(2000)" and res.kind == "document"


@pytest.fixture(scope="module")
def works(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The works of the sample corpus's store."""
    with KnowledgeGraph(tmp_path_factory.mktemp("lookup") / "store") as kg:
        kg.ingest(sorted(str(p) for p in SAMPLE.iterdir()), jobs=1)
        return store_works(kg.store)


def test_store_works_lists_documents_and_instruments_with_titles(works: dict[str, str]) -> None:
    """Every document of the store (of the corpus or cited) by symbol, every catalogued instrument by key."""
    assert works["A/RES/61/165"] == "Protection of migrants"
    assert works["A/RES/60/169"] == ""  # cited, no title known
    assert works["ICRMW"].startswith("International Convention on the Protection of the Rights of All Migrant")
    assert "E/CN.4/RES/2005/47" in works and len([w for w in works if "/" in w]) == 21


def test_resolve_gives_the_store_work(works: dict[str, str]) -> None:
    """A work the store holds is given with its title."""
    assert resolve("resolution 61/165", works) == Candidate("A/RES/61/165", "Protection of migrants", "symbol")
    assert resolve("Protection of migrants", works) == Candidate("A/RES/61/165", "Protection of migrants", "title")


def test_resolve_completes_a_number_the_store_holds_once() -> None:
    """'S/RES/1325' is the one S/RES/1325(...) of the store; two such works are not guessed between."""
    assert resolve("S/RES/1325", {"S/RES/1325(2000)": ""}).target == "S/RES/1325(2000)"
    with pytest.raises(WorkNotFound, match=r"^S/RES/1325 is not in the store"):
        resolve("S/RES/1325", {"S/RES/1325(2000)": "", "S/RES/1325(2001)": ""})


def test_a_symbol_the_store_does_not_hold_is_named_with_the_nearest(works: dict[str, str]) -> None:
    """The message names the work as read, says it is not in the store, and the nearest works of the store."""
    with pytest.raises(WorkNotFound) as caught:
        resolve("a/res/60/196", works)
    assert str(caught.value) == (
        "A/RES/60/196 is not in the store (no file of the corpus is it, none cites it); "
        "did you mean A/RES/60/169, A/RES/61/165?"
    )
    assert [c.target for c in caught.value.candidates] == ["A/RES/60/169", "A/RES/61/165"]


def test_text_naming_no_work_gets_candidates_by_name(works: dict[str, str]) -> None:
    """Words of an instrument's name give that instrument as a candidate."""
    with pytest.raises(WorkNotFound) as caught:
        resolve("migrant workers", works)
    assert str(caught.value) == (
        "'migrant workers' names no work: neither a document symbol, a resolution or decision as texts cite it, "
        "nor an instrument's key, abbreviation or name; did you mean ICRMW, ILO-C143, ILO-R151?"
    )


def test_text_naming_nothing_near_says_so_alone(works: dict[str, str]) -> None:
    """No candidate: no 'did you mean'."""
    with pytest.raises(WorkNotFound) as caught:
        resolve("zzzz qqqq", works)
    assert str(caught.value).endswith("nor an instrument's key, abbreviation or name")
    assert caught.value.candidates == ()


def test_a_title_of_several_works_asks_for_the_symbol() -> None:
    """A title shared by a series is no one work: the works are listed."""
    works = {"A/RES/59/194": "Protection of migrants", "A/RES/61/165": "Protection of migrants"}
    with pytest.raises(WorkNotFound) as caught:
        resolve("protection of migrants", works)
    assert str(caught.value) == (
        "'protection of migrants' is the title of 2 works of the store (A/RES/59/194, A/RES/61/165); give its symbol"
    )


def test_search_gives_candidates_with_iris_and_labels(works: dict[str, str]) -> None:
    """For a search box: the work named first, then instruments by name and documents by title; only the store's."""
    found = search("migrant", works, limit=5)
    assert [c.target for c in found] == ["ICRMW", "SMUGGLING-PROTOCOL", "ILO-C143", "ILO-R151", "NEW-YORK-DECLARATION"]
    assert found[0].iri == "https://w3id.org/unkg/instrument/ICRMW"
    assert search("a/res/61/ 165", works)[0] == Candidate("A/RES/61/165", "Protection of migrants", "symbol")
    assert [c.target for c in search("protection of migrants", works)][:1] == ["A/RES/61/165"]


def test_search_without_a_store_reads_the_registry() -> None:
    """Without works, titles come from the registry."""
    found = search("Women and peace and security", limit=3)
    assert found and all(c.label == "Women and peace and security" for c in found)
    assert all(c.target.startswith("S/RES/") for c in found)


def test_store_works_of_an_empty_store() -> None:
    """An empty store holds no work."""
    assert store_works(ox.Store()) == {}


def test_search_of_nothing_is_empty(works: dict[str, str]) -> None:
    """An empty or blank search box gives no candidate (and reads no registry)."""
    assert search("", works) == [] and search("  \n ", works) == []


def test_search_completes_a_partial_symbol(works: dict[str, str]) -> None:
    """'e/cn.4/2003' gives the store's symbols it opens, in order."""
    assert [c.target for c in search("e/cn.4/2003", works)][:2] == ["E/CN.4/2003/85/Add.2", "E/CN.4/2003/85/Add.3"]
