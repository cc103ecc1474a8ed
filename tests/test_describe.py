"""Metadata from outside the text: a file-name pattern and a sidecar table (unkg.describe)."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from tests.conftest import SHARED

from unkg import iri
from unkg.cli import cli
from unkg.describe import Describer, NamePattern, Sidecar, describe, iso_date
from unkg.errors import UsageError
from unkg.extract import extract_many, extract_text
from unkg.network import citations_by_year, load_graph
from unkg.rdf import PREFIXES
from unkg.store import KnowledgeGraph

GA_78_80 = SHARED / "corpus" / "ga-78-80"
GD_PATTERN = "{country}_{session}_{year}.txt"
# A general debate statement as the corpus has them: no symbol, date or session in the text.
STATEMENT = (
    "Mr. President, allow me to congratulate you on your election.\n\n"
    "We recall Security Council resolution 242 (1967) and General Assembly resolution 194 (III).\n"
)
# A resolution whose text gives its own symbol and title.
RESOLUTION = (
    "United Nations A/RES/78/3\n\nGeneral Assembly\n\n"
    "Resolution adopted by the General Assembly on 5 October 2023\n\n"
    "78/3. Political declaration on pandemic prevention\n\n"
    "The General Assembly,\n\nRecalling its resolution 77/275,\n"
)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def debates(tmp_path: Path) -> Path:
    """Two statements named as the general debate corpus names them, and one file that is not."""
    root = tmp_path / "ungdc"
    _write(root, "Session 63 - 2008/QAT_63_2008.txt", STATEMENT)
    _write(root, "Session 64 - 2009/FRA_64_2009.txt", STATEMENT.replace("President", "Chair"))
    _write(root, "Session 64 - 2009/notes.txt", STATEMENT.replace("President", "Speaker"))
    return root


def _one(path: Path, describer: Describer | None) -> dict:
    (result,) = extract_many([str(path)], describe=describer)
    return {"symbol": result.symbol, **result.metadata}


# -- the name pattern ------------------------------------------------------------


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # the general debate corpus: country, session and year in the name, nothing in the text
        (GD_PATTERN, "Session 63 - 2008/QAT_63_2008.txt", {"country": "QAT", "session": "63", "year": "2008"}),
        # Security Council texts of CR-UNSC: number and year
        ("S_RES_{number}_{year}.txt", "sc/S_RES_0242_1967.txt", {"number": "0242", "year": "1967"}),
        # the folder too, when the pattern holds a /; {} fields are matched and not kept
        (
            "Session {session} - {year}/{country}_{}.txt",
            "x/Session 63 - 2008/QAT_63_2008.txt",
            {"session": "63", "year": "2008", "country": "QAT"},
        ),
        # literal text is matched without regard to case (.PDF, .pdf)
        ("{symbol}.pdf", "pdf/A_RES_78_1.PDF", {"symbol": "A_RES_78_1"}),
        # a name that does not match gives nothing
        (GD_PATTERN, "Session 47 - 1992/.DS_Store-to-UTF-8.txt", None),
        (GD_PATTERN, "-", None),
    ],
)
def test_name_pattern_fields(pattern: str, path: str, expected: dict | None) -> None:
    """A pattern reads its named fields from the file's name (its last parts when it holds /)."""
    assert NamePattern(pattern).fields(path) == expected


@pytest.mark.parametrize("pattern", ["statement.txt", "{}_{}.txt", "{country"])
def test_a_pattern_without_named_fields_is_refused(pattern: str) -> None:
    """A pattern with no {name} field, or that is not a format string, is a usage error."""
    with pytest.raises(UsageError, match="--name-pattern"):
        NamePattern(pattern)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("29 September 2023", "2023-09-29"),  # as UN texts and the ga-78-80 sidecar write dates
        ("2008-09-24", "2008-09-24"),
        ("2008-09-24T00:00:00Z", "2008-09-24"),
        ("September 29, 2023", "2023-09-29"),
        ("29 Septembre 2023", None),  # not an English month
        ("2023", None),  # a year is not a date
    ],
)
def test_iso_date(text: str, expected: str | None) -> None:
    """Sidecar dates are read in ISO or as UN texts write them."""
    assert iso_date(text) == expected


def test_name_pattern_fills_year_session_country(debates: Path) -> None:
    """A statement whose text gives nothing gets year, session and country from its name, credited to the pattern."""
    meta = _one(debates / "Session 63 - 2008/QAT_63_2008.txt", Describer(name_pattern=NamePattern(GD_PATTERN)))
    assert meta["symbol"] is None
    assert (meta["year"], meta["session"], meta["country"]) == ("2008", "63", "QAT")
    assert meta["metadata_source"] == f"name pattern '{GD_PATTERN}'"
    assert meta["metadata_fields"] == "country, session, year"


def test_a_name_that_does_not_match_is_left_as_it_was(debates: Path) -> None:
    """A file whose name does not match keeps what its text says, and the batch goes on."""
    files = sorted(str(p) for p in debates.rglob("*.txt"))
    plain = {r.source: r for r in extract_many(files)}
    described = {r.source: r for r in extract_many(files, describe=Describer(name_pattern=NamePattern(GD_PATTERN)))}
    notes = str(debates / "Session 64 - 2009/notes.txt")
    assert described[notes] == plain[notes] and described[notes].metadata == plain[notes].metadata
    assert all(r.ok for r in described.values())
    assert sum("year" in r.metadata for r in described.values()) == 2


def test_a_symbol_from_the_name_is_canonical(tmp_path: Path) -> None:
    """'{symbol}.txt' on A_RES_78_3.txt gives A/RES/78/3 to a text that states none."""
    path = _write(tmp_path, "A_RES_78_3.txt", "The General Assembly,\n\nRecalling its resolution 77/275,\n")
    meta = _one(path, Describer(name_pattern=NamePattern("{symbol}.txt")))
    assert meta["symbol"] == "A/RES/78/3" and meta["metadata_fields"] == "symbol"


# -- the sidecar --------------------------------------------------------------------


def _csv(path: Path, header: str, *rows: str) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_sidecar_csv_by_file_name_and_by_relative_path(tmp_path: Path, debates: Path) -> None:
    """A CSV row matches by base name, or by the path's last parts when base names repeat."""
    sidecar = _csv(
        tmp_path / "meta.csv",
        "file,date,title,speaker",
        'QAT_63_2008.txt,24 September 2008,"Statement by Qatar",H.H. Sheikh Hamad',
        "Session 64 - 2009/FRA_64_2009.txt,2009-09-23,Statement by France,",
    )
    describer = Describer(Sidecar.load(sidecar))
    qat = _one(debates / "Session 63 - 2008/QAT_63_2008.txt", describer)
    fra = _one(debates / "Session 64 - 2009/FRA_64_2009.txt", describer)
    assert (qat["date"], qat["title"], qat["year"], qat["speaker"]) == (
        "2008-09-24",
        "Statement by Qatar",
        "2008",
        "H.H. Sheikh Hamad",
    )
    assert (fra["date"], fra["title"]) == ("2009-09-23", "Statement by France")
    assert qat["metadata_source"] == "sidecar meta.csv" and "speaker" not in fra


def test_sidecar_jsonl_by_symbol(tmp_path: Path) -> None:
    """A JSON Lines row matches the symbol the extractor found in the text; it fills what the text leaves empty."""
    path = _write(tmp_path / "in", "whatever-name.txt", RESOLUTION)
    sidecar = tmp_path / "meta.jsonl"
    rows = [
        {"symbol": "A/RES/78/3", "title": "Another title", "plenary_meeting": 16, "agenda_items": ["Item 125"]},
        {"symbol": "A/RES/78/4", "title": "Not this one"},
    ]
    sidecar.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    meta = _one(path, Describer(Sidecar.load(sidecar)))
    assert meta["symbol"] == "A/RES/78/3"
    assert meta["title"] == "Political declaration on pandemic prevention"  # the text's title wins
    assert meta["meeting"] == "16th plenary meeting" and meta["agenda_items"] == "Item 125"
    assert meta["metadata_fields"] == "meeting, agenda_items"


def test_sidecar_without_a_key_column_is_refused(tmp_path: Path) -> None:
    """A sidecar none of whose rows can be matched to a document is a usage error."""
    with pytest.raises(UsageError, match="no row has a file, path, name or symbol column"):
        Sidecar.load(_csv(tmp_path / "meta.csv", "title,date", "A title,2008-09-24"))


# -- precedence -------------------------------------------------------------------------


def test_the_texts_symbol_wins_and_a_disagreeing_sidecar_is_noted(tmp_path: Path) -> None:
    """The sidecar's symbol for a file whose text gives another is recorded as a note, not used."""
    path = _write(tmp_path, "res.txt", RESOLUTION)
    sidecar = _csv(tmp_path / "meta.csv", "file,symbol,date", "res.txt,A/RES/78/4,6 October 2023")
    meta = _one(path, Describer(Sidecar.load(sidecar)))
    assert meta["symbol"] == "A/RES/78/3"
    assert meta["date"] == "2023-10-05"  # the text's date
    assert "gives the symbol A/RES/78/4; the text's, A/RES/78/3, is kept" in meta["metadata_note"]
    assert "gives the date 2023-10-06; the text's, 2023-10-05, is kept" in meta["metadata_note"]


def test_the_sidecar_comes_before_the_name(tmp_path: Path, debates: Path) -> None:
    """Sidecar and name both given: the sidecar's year is used, the name fills the rest; both are credited."""
    sidecar = _csv(tmp_path / "meta.csv", "file,year,title", "QAT_63_2008.txt,2009,Statement")
    describer = Describer(Sidecar.load(sidecar), NamePattern(GD_PATTERN))
    meta = _one(debates / "Session 63 - 2008/QAT_63_2008.txt", describer)
    assert (meta["year"], meta["title"], meta["country"], meta["session"]) == ("2009", "Statement", "QAT", "63")
    assert meta["metadata_source"] == f"sidecar meta.csv (year, title); name pattern '{GD_PATTERN}' (country, session)"


def test_values_that_cannot_be_used_are_noted() -> None:
    """A year, date or session that is none is left out with a note; the rest is used."""
    extraction = extract_text(STATEMENT, "XXX_sixty_2008.txt")
    meta = describe(extraction, Describer(name_pattern=NamePattern("{country}_{session}_{year}.txt"))).metadata
    assert meta["year"] == "2008" and "session" not in meta
    assert "session 'sixty' is not a number" in meta["metadata_note"]


# -- the graph -------------------------------------------------------------------------------


def _ask(kg: KnowledgeGraph, query: str) -> list[tuple]:
    rows = kg.store.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)
    return sorted(tuple(None if v is None else v.value for v in row) for row in rows)


def test_the_graph_carries_year_and_provenance(debates: Path) -> None:
    """The statement's year, session and country reach the graph, marked with the pattern as their source."""
    kg = KnowledgeGraph(memory=True)
    report = kg.ingest([str(debates)], describe=Describer(name_pattern=NamePattern(GD_PATTERN)))
    assert report.ok and len(report.added) == 3
    assert report.described == {f"name pattern '{GD_PATTERN}'": 2}
    rows = _ask(
        kg,
        "SELECT DISTINCT ?year ?session ?country ?label ?note WHERE { ?d unkg:year ?year ; unkg:session ?session ; "
        "unkg:country ?country ; dcterms:source ?m ; skos:editorialNote ?note . "
        "?m a unkg:MetadataSource ; rdfs:label ?label }",
    )
    label = f"name pattern '{GD_PATTERN}'"
    assert rows == [
        ("2008", "63", "QAT", label, f"country, session, year from {label}"),
        ("2009", "64", "FRA", label, f"country, session, year from {label}"),
    ]
    # every file's graph names the pattern it was built with, the one that did not match too
    graphs = _ask(kg, "SELECT ?g WHERE { GRAPH ?g { ?g dcterms:source ?m } }")
    assert len(graphs) == 3
    # and the citation network counts the statements by year
    g = load_graph(kg.store)
    assert citations_by_year(g)["S/RES/242(1967)"] == {2008: 1, 2009: 1}


def test_without_a_pattern_the_statements_have_no_year(debates: Path) -> None:
    """The baseline: the same files ingested without a pattern give no document a year."""
    kg = KnowledgeGraph(memory=True)
    kg.ingest([str(debates)])
    assert _ask(kg, "SELECT ?d WHERE { ?d prov:wasDerivedFrom ?s ; unkg:year ?y }") == []
    assert citations_by_year(load_graph(kg.store)).get("S/RES/242(1967)") is None


def test_a_described_symbol_gives_the_document_its_iri(tmp_path: Path) -> None:
    """A symbol from the name makes the document's IRI the symbol's, in the documents graph too."""
    _write(tmp_path / "in", "A_RES_78_3.txt", "The General Assembly,\n\nRecalling its resolution 77/275,\n")
    kg = KnowledgeGraph(memory=True)
    kg.ingest([str(tmp_path / "in")], describe=Describer(name_pattern=NamePattern("{symbol}.txt")))
    node = ox.NamedNode(iri.document("A/RES/78/3"))
    assert next(kg.store.quads_for_pattern(node, ox.NamedNode(PREFIXES["prov"] + "wasDerivedFrom"), None), None)


def test_ingest_stores_again_a_file_described_otherwise(tmp_path: Path, debates: Path) -> None:
    """An unchanged file is stored again when a pattern is given that its graph was not built with, and only then."""
    kg = KnowledgeGraph(tmp_path / "store")
    pattern = Describer(name_pattern=NamePattern(GD_PATTERN))
    assert len(kg.ingest([str(debates)]).added) == 3
    assert len(kg.ingest([str(debates)], describe=pattern).replaced) == 3
    assert len(kg.ingest([str(debates)], describe=pattern).skipped) == 3
    assert len(kg.ingest([str(debates)]).skipped) == 3  # without options, what is stored stays
    assert len(_ask(kg, "SELECT DISTINCT ?d WHERE { ?d prov:wasDerivedFrom ?s ; unkg:year ?y }")) == 2
    kg.close()


# -- the command line ----------------------------------------------------------------


def test_cli_extract_name_pattern(debates: Path) -> None:
    """unkg extract --name-pattern puts the fields in each JSON line and notes the names that do not match."""
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", "--name-pattern", GD_PATTERN, str(debates)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["metadata"].get("year") for line in lines] == ["2008", "2009", None]
    assert f"--name-pattern '{GD_PATTERN}': 1 of 3 file names do not match" in result.stderr


def test_cli_ingest_metadata_and_name_pattern(tmp_path: Path, debates: Path) -> None:
    """unkg ingest --metadata --name-pattern: the store holds the years; sparql counts them."""
    sidecar = _csv(tmp_path / "meta.csv", "file,title", "QAT_63_2008.txt,Statement by Qatar")
    store = str(tmp_path / "store")
    args = ["ingest", "--quiet", "-j", "1", "--store", store, "--metadata", str(sidecar)]
    result = CliRunner().invoke(cli, [*args, "--name-pattern", GD_PATTERN, str(debates)])
    assert result.exit_code == 0, result.output
    assert "added 3" in result.stdout
    count = CliRunner().invoke(
        cli,
        [
            "sparql",
            "--store",
            store,
            "--format",
            "csv",
            "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d prov:wasDerivedFrom ?s ; unkg:year ?y }",
        ],
    )
    assert count.stdout.split() == ["n", "2"]
    titles = CliRunner().invoke(
        cli,
        [
            "sparql",
            "--store",
            store,
            "--format",
            "csv",
            "SELECT ?t WHERE { ?d prov:wasDerivedFrom ?s ; dcterms:title ?t }",
        ],
    )
    assert titles.stdout.strip().splitlines() == ["t", "Statement by Qatar"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name-pattern", "statement.txt"], "no named field"),
        (["--metadata", "missing.csv"], "does not exist"),
    ],
)
def test_cli_refuses_unusable_options(tmp_path: Path, debates: Path, args: list[str], message: str) -> None:
    """A pattern without fields or a sidecar that is absent is a usage error (exit 2), before any file is read."""
    for command in (["extract"], ["ingest", "--store", str(tmp_path / "store")]):
        result = CliRunner().invoke(cli, [*command, *args, str(debates)])
        assert result.exit_code == 2 and message in result.output


# -- the real sidecar of ../shared --------------------------------------------------------


@pytest.fixture(scope="module")
def ga_metadata() -> Path:
    """The ga-78-80 sidecar of ../shared; tests that need it are skipped without it."""
    path = GA_78_80 / "metadata.csv"
    if not path.is_file():
        pytest.skip(f"shared data absent: {path} (clone the project beside ../shared to run these)")
    return path


def test_real_ga_78_80_sidecar(tmp_path: Path, ga_metadata: Path) -> None:
    """The ga-78-80 metadata.csv: 887 rows by symbol; a text without heading named by its symbol gets its facts."""
    sidecar = Sidecar.load(ga_metadata)
    assert sidecar.rows == 887 and len(sidecar.by_symbol) == 887 and not sidecar.by_file
    path = _write(tmp_path, "A_RES_78_1.txt", "Recalling its resolution 70/1 of 25 September 2015,\n")
    meta = _one(path, Describer(sidecar, NamePattern("{symbol}.txt")))
    assert meta["symbol"] == "A/RES/78/1"
    assert (meta["date"], meta["year"], meta["meeting"], meta["draft_or_report"]) == (
        "2023-09-29",
        "2023",
        "15th plenary meeting",
        "A/78/L.1",
    )
    assert meta["title"].startswith("78/1. Political declaration of the high-level political forum")
    # the sidecar, matched by the symbol the name gives, comes first: the symbol is credited to it
    assert meta["metadata_source"] == "sidecar metadata.csv"
    assert meta["metadata_fields"].startswith("symbol, title, date, basis, draft_or_report, meeting")


# --------------------------------------------------------------------------
# What the description tells the checks: a year or a symbol the text did not give.
@pytest.mark.parametrize(
    ("name", "kept", "dropped"),
    [
        # a statement of 1960 cannot cite a resolution of 1967: the file's year tells what the text could not
        ("Session 15 - 1960/ISR_15_1960.txt", ["A/RES/194(III)"], ["S/RES/242(1967)"]),
        ("Session 22 - 1967/ISR_22_1967.txt", ["A/RES/194(III)", "S/RES/242(1967)"], []),
        ("Session 63 - 2008/QAT_63_2008.txt", ["A/RES/194(III)", "S/RES/242(1967)"], []),
    ],
)
def test_a_described_year_drops_citations_of_later_works(name: str, kept: list[str], dropped: list[str]) -> None:
    plain = extract_text(STATEMENT, name)
    assert sorted(c.target for c in plain.citations) == ["A/RES/194(III)", "S/RES/242(1967)"]
    described = describe(plain, Describer(name_pattern=NamePattern(GD_PATTERN)))
    assert sorted(c.target for c in described.citations) == kept
    assert [d.citation.target for d in described.dropped] == dropped
    for d in described.dropped:
        assert d.reason == f"{d.citation.target} is of 1967, after the citing document (1960)"
    # each kept citation keeps its own words around it
    assert len(described.contexts) == len(described.citations)
    assert [ctx for c, ctx in zip(plain.citations, plain.contexts, strict=True) if c.target in kept] == list(
        described.contexts
    )


def test_a_described_symbol_is_not_a_citation_of_itself(tmp_path: Path) -> None:
    text = "Draft resolution\n\nRecalling its resolution 60/169 and resolution 61/165,\n"
    plain = extract_text(text, "drafts/protection.txt")
    assert plain.symbol is None
    assert "A/RES/61/165" in [c.target for c in plain.citations]
    sidecar = _write(tmp_path, "meta.csv", "file,symbol,date\nprotection.txt,A/RES/61/165,2006-12-19\n")
    described = describe(plain, Describer(sidecar=Sidecar.load(str(sidecar))))
    assert described.symbol == "A/RES/61/165"
    assert [c.target for c in described.citations] == ["A/RES/60/169"]
    assert [(d.citation.target, d.reason) for d in described.dropped] == [("A/RES/61/165", "the document's own symbol")]
