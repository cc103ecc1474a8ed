"""The stored query library: every .rq parses, runs, and answers known questions."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from tests.conftest import ROOT, SAMPLE

from unkg.cli import cli
from unkg.queries import MissingParameter, QueryError, UnknownQuery, get_query, load_queries, parse_header, run
from unkg.store import KnowledgeGraph

QUERIES = sorted((ROOT / "queries").rglob("*.rq"))
VALUES = {
    "document": "A/RES/61/165",
    "cited": "A/RES/60/169",
    "resolution": "A/RES/61/165",
    "instrument": "ICRMW",
    "citing": "A/RES/61/165",
    "paragraph": "op3",
}


@pytest.fixture(scope="module")
def kg() -> KnowledgeGraph:
    """An in-memory store holding the sample corpus."""
    graph = KnowledgeGraph(memory=True)
    assert graph.ingest([str(SAMPLE)]).ok
    return graph


def rows(kg: KnowledgeGraph, name: str, **values: str) -> list[dict[str, str | None]]:
    solutions = run(kg.store, get_query(name), values)
    names = [v.value for v in solutions.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in solutions]


def test_there_are_queries() -> None:
    """The library is not empty, and has both reports and checks."""
    assert QUERIES, "no .rq files found"
    assert any("/checks/" in str(p) for p in QUERIES) and any("/reports/" in str(p) for p in QUERIES)


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_query_parses_and_runs(kg: KnowledgeGraph, path: Path) -> None:
    """Each file has a header, parses as SPARQL and runs on the fixture store."""
    summary, params = parse_header(path, path.read_text(encoding="utf-8"))
    assert summary
    name = path.relative_to(ROOT / "queries").with_suffix("").as_posix()
    list(run(kg.store, get_query(name), {p.name: VALUES[p.name] for p in params}))


@pytest.mark.parametrize("path", [p for p in QUERIES if p.name.endswith("-violation.rq")], ids=lambda p: p.name)
def test_checks_find_nothing_on_a_valid_store(kg: KnowledgeGraph, path: Path) -> None:
    """Every violation check returns no rows on a real ingest."""
    assert list(run(kg.store, get_query(path.stem))) == []


BROKEN = {
    "span-order-violation": "<https://x/c> <http://www.w3.org/ns/oa#hasSelector> <https://x/p> . "
    "<https://x/p> a <http://www.w3.org/ns/oa#TextPositionSelector> ; <http://www.w3.org/ns/oa#start> 10 ; "
    "<http://www.w3.org/ns/oa#end> 5 .",
    "citation-without-source-violation": "<https://x/c> a <http://purl.org/spar/cito/Citation> .",
    "citation-incomplete-violation": "<https://x/c> a <http://purl.org/spar/cito/Citation> .",
    "document-symbols-violation": "<https://w3id.org/unkg/doc/A/1/2> <https://w3id.org/unkg/ontology#symbol> "
    '"A/1/2" , "A/1/3" .',
    "cites-without-citation-violation": "<https://x/a> <http://purl.org/spar/cito/cites> <https://x/b> .",
    "cited-instrument-unknown-violation": "<https://x/c> <http://purl.org/spar/cito/hasCitedEntity> "
    "<https://w3id.org/unkg/instrument/NO-SUCH-TREATY> .",
}


@pytest.mark.parametrize("check", sorted(BROKEN))
def test_checks_catch_broken_data(check: str) -> None:
    """Every violation check returns a row on a deliberately broken graph."""
    store = ox.Store()
    store.load(BROKEN[check].encode(), format=ox.RdfFormat.TURTLE)
    assert list(run(store, get_query(f"checks/{check}")))


def test_every_check_has_a_broken_fixture() -> None:
    """No check goes untested."""
    assert {p.stem for p in QUERIES if p.name.endswith("-violation.rq")} == set(BROKEN)


def test_cites_known_answer(kg: KnowledgeGraph) -> None:
    """A/RES/61/165 cites A/RES/60/169 with function 'recalls' in pp1."""
    found = [r for r in rows(kg, "cites", document="A/RES/61/165") if r["work"] == "A/RES/60/169"]
    assert [(r["verb"], r["paragraph"], r["text"]) for r in found] == [("recalls", "pp1", "resolution 60/169")]


def test_edge_provenance_known_answer(kg: KnowledgeGraph) -> None:
    """The edge's provenance gives the quoted text, offsets, source file, hash and extractor."""
    (r,) = rows(kg, "edge-provenance", citing="A/RES/61/165", cited="A/RES/60/169")
    assert (r["text"], r["start"], r["end"]) == ("resolution 60/169", "291", "308")
    assert r["path"].endswith("A_RES_61_165.txt") and len(r["sha256"]) == 64
    assert r["extractor"] and r["ingested"]
    text = Path(r["path"]).read_text(encoding="utf-8")
    assert text[int(r["start"]) : int(r["end"])] == r["text"]


def test_cited_by_and_instrument_by_year(kg: KnowledgeGraph) -> None:
    """The Migrant Workers Convention is cited by four sample documents; A/RES/61/165 dates it 2006."""
    citing = {r["citingSymbol"] for r in rows(kg, "cited-by", cited="ICRMW")}
    assert citing == {"A/58/275", "A/59/377", "A/65/222", "A/RES/61/165"}
    assert [(r["year"], r["documents"]) for r in rows(kg, "instrument-by-year", instrument="ICRMW")] == [("2006", "1")]


def test_lineage_back(kg: KnowledgeGraph) -> None:
    """Backward lineage of A/RES/61/165 reaches the resolution it recalls, not one it only acts under."""
    found = {r["symbol"] for r in rows(kg, "lineage-back", resolution="A/RES/61/165")}
    assert "A/RES/60/169" in found
    assert "A/RES/58/208" not in found


def test_not_in_corpus_lists_undocs_addresses(kg: KnowledgeGraph) -> None:
    """A cited report outside the corpus is listed with its undocs.org address."""
    found = {r["symbol"]: r["undocs"] for r in rows(kg, "not-in-corpus")}
    assert found["A/61/324"] == "https://undocs.org/A/61/324"


def test_most_cited_ranks_the_migrant_workers_convention_first(kg: KnowledgeGraph) -> None:
    """ICRMW, cited by four of five sample documents, ranks first."""
    assert rows(kg, "most-cited")[0]["name"] == "ICRMW"


def test_parameters_are_checked(kg: KnowledgeGraph) -> None:
    """A missing or unknown parameter, or an unknown query, is a clear error."""
    with pytest.raises(MissingParameter):
        run(kg.store, get_query("cites"), {})
    with pytest.raises(QueryError):
        run(kg.store, get_query("cites"), {"document": "A/RES/61/165", "nope": "x"})
    with pytest.raises(UnknownQuery):
        get_query("no-such-query")


def test_values_are_bound_not_spliced(kg: KnowledgeGraph) -> None:
    """A value full of SPARQL syntax is one harmless term."""
    evil = 'A/1/2> } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    assert rows(kg, "cites", document=evil) == []
    assert kg.status()["citations"] == 47


def test_malformed_header_is_an_error(tmp_path: Path) -> None:
    """A header line that is not 'key: value' with a known key fails loudly."""
    bad = tmp_path / "bad.rq"
    bad.write_text("#+ summary: x\n#+ parm: a target b\nSELECT * WHERE {}\n", encoding="utf-8")
    with pytest.raises(QueryError):
        load_queries(tmp_path)


def test_cli_query_formats(tmp_path: Path) -> None:
    """unkg query prints a table, CSV or JSON from the same file."""
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(SAMPLE), "--store", store, "--quiet"]).exit_code == 0
    for fmt, marker in (("table", "A/RES/60/169"), ("csv", "work,"), ("json", '"work": "A/RES/60/169"')):
        out = runner.invoke(
            cli, ["query", "cites", "-p", "document", "A/RES/61/165", "--store", store, "--format", fmt]
        )
        assert out.exit_code == 0 and marker in out.stdout, out.stdout
    missing = runner.invoke(cli, ["query", "cites", "--store", store])
    assert missing.exit_code == 2 and "missing parameter" in missing.stderr


def test_cli_lineage_and_sparql(tmp_path: Path) -> None:
    """unkg lineage draws a tree; unkg sparql runs an ad-hoc query with the usual prefixes."""
    store = str(tmp_path / "store")
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(SAMPLE), "--store", store, "--quiet"])
    tree = runner.invoke(cli, ["lineage", "A/RES/61/165", "--store", store])
    assert tree.exit_code == 0 and "└── " in tree.stdout and "A/RES/60/169" in tree.stdout
    ask = runner.invoke(cli, ["sparql", "ASK { ?c a cito:Citation }", "--store", store])
    assert ask.stdout.strip() == "true"
    bad = runner.invoke(cli, ["sparql", "SELECT WHERE {", "--store", store])
    assert bad.exit_code == 2


def test_cli_validate_passes_then_fails(tmp_path: Path) -> None:
    """unkg validate passes on a real ingest and fails once a broken citation is added."""
    store = tmp_path / "store"
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(SAMPLE), "--store", str(store), "--quiet"])
    good = runner.invoke(cli, ["validate", "--store", str(store)])
    assert good.exit_code == 0, good.stdout
    with KnowledgeGraph(store) as kg:
        kg.store.add(
            ox.Quad(
                ox.NamedNode("https://x/c"),
                ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                ox.NamedNode("http://purl.org/spar/cito/Citation"),
                ox.NamedNode("https://x/g"),
            )
        )
    bad = runner.invoke(cli, ["validate", "--store", str(store)])
    assert bad.exit_code == 1
    rows = [line.split()[:3] for line in bad.stdout.splitlines()]  # a table of unkg.tables: result, check, violations
    assert ["FAIL", "checks/citation-incomplete-violation", "1"] in rows


def test_document_metadata_in_the_graph(kg: KnowledgeGraph) -> None:
    """A resolution's node carries its title, adoption date, session and meeting from the text."""
    query = """SELECT ?title ?date ?session ?meeting WHERE {
      <https://w3id.org/unkg/doc/A/RES/61/165> dcterms:title ?title ; dcterms:date ?date ;
          unkg:session ?session ; unkg:meeting ?meeting }"""
    from unkg.rdf import PREFIXES

    (row,) = list(kg.store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True))
    assert [row[i].value for i in range(4)] == ["Protection of migrants", "2006-12-19", "61", "81st plenary meeting"]


def test_adoption_record_in_the_graph(kg: KnowledgeGraph) -> None:
    """Agenda item, committee, the report it was adopted on (a document node of its own) and language."""
    query = """SELECT ?item ?committee ?report ?symbol ?language WHERE {
      <https://w3id.org/unkg/doc/A/RES/61/165> unkg:agendaItem ?item ; unkg:committee ?committee ;
          unkg:adoptedOnReport ?report ; dcterms:language ?language .
      ?report unkg:symbol ?symbol ; rdfs:seeAlso ?undocs }"""
    from unkg.rdf import PREFIXES

    (row,) = list(kg.store.query(query, prefixes=PREFIXES, use_default_graph_as_union=True))
    assert [row[i].value for i in range(5)] == [
        "67 (b)",
        "Third Committee",
        "https://w3id.org/unkg/doc/A/61/443/Add.2",
        "A/61/443/Add.2",
        "en",
    ]


@pytest.mark.parametrize(
    ("fmt", "rdf_format"),
    [
        ("nq", ox.RdfFormat.N_QUADS),
        ("trig", ox.RdfFormat.TRIG),
        ("ttl", ox.RdfFormat.TURTLE),
        ("jsonld", ox.RdfFormat.JSON_LD),
    ],
)
def test_cli_export_formats_parse_back(tmp_path: Path, fmt: str, rdf_format: ox.RdfFormat) -> None:
    """unkg export writes each format so that it parses back to the same statements."""
    store = tmp_path / "store"
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(SAMPLE), "--store", str(store), "--quiet"])
    out = tmp_path / f"dump.{fmt}"
    assert runner.invoke(cli, ["export", "--format", fmt, "--store", str(store), "-o", str(out)]).exit_code == 0
    parsed = list(ox.parse(path=str(out), format=rdf_format))
    with KnowledgeGraph(store) as kg:
        triples = {(q.subject, q.predicate, q.object) for q in kg.store}
        count = len(kg.store)
    assert {(q.subject, q.predicate, q.object) for q in parsed} == triples
    if fmt in ("nq", "trig", "jsonld"):
        assert len(parsed) == count


def test_rows_are_not_multiplied_by_graphs(tmp_path: Path) -> None:
    """Two files citing the same report do not double the rows of a query about one of them.

    The union of named graphs is a multiset: a description repeated in two
    graphs matches twice unless the query says DISTINCT.
    """
    folder = tmp_path / "two"
    folder.mkdir()
    text = (SAMPLE / "A_RES_61_165.txt").read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    (folder / "b.txt").write_text(text.replace("61/165", "61/999"), encoding="utf-8")
    graph = KnowledgeGraph(memory=True)
    graph.ingest([str(folder)])
    once = KnowledgeGraph(memory=True)
    once.ingest([str(folder / "a.txt")])
    assert len(rows(graph, "cites", document="A/RES/61/165")) == len(rows(once, "cites", document="A/RES/61/165"))


def resolution_text(symbol: str, recalls: list[str], also: str = "") -> str:
    """A short General Assembly resolution headed by its ODS symbol tag, recalling ``recalls``."""
    tag = "<<ODS DOC SYMBOL1>>"
    lines = [f"{tag}{symbol}{tag}", "", "The General Assembly,", ""]
    if recalls:
        lines.append(f"Recalling its resolutions {', '.join(recalls)},")
    if also:
        lines.append(also)
    lines += ["", "1. Decides to continue its consideration of the question."]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    """A drawn lineage: 52/1 <- 53/1 <- 54/1 <- 55/1, a branch 53/2 <- 54/1, and bystanders.

    A/RES/55/9 only "takes note of" 54/1 (no lineage), A/RES/55/8 recalls
    Security Council resolution 1325 (2000) (another organ's series), and
    A/RES/60/5 recalls 59/5 (another series altogether).
    """
    folder = tmp_path_factory.mktemp("chain")
    docs = {
        "A/RES/53/1": resolution_text("A/RES/53/1", ["52/1"]),
        "A/RES/54/1": resolution_text("A/RES/54/1", ["53/1", "53/2"]),
        "A/RES/55/1": resolution_text("A/RES/55/1", ["54/1"]),
        "A/RES/55/9": resolution_text("A/RES/55/9", [], "Takes note of resolution 54/1,"),
        "A/RES/55/8": resolution_text("A/RES/55/8", [], "Recalling Security Council resolution 1325 (2000),"),
        "A/RES/60/5": resolution_text("A/RES/60/5", ["59/5"]),
    }
    for symbol, text in docs.items():
        (folder / (symbol.replace("/", "_") + ".txt")).write_text(text, encoding="utf-8")
    graph = KnowledgeGraph(memory=True)
    assert graph.ingest([str(folder)]).ok
    return graph


def test_lineage_and_series_known_answers(chain: KnowledgeGraph) -> None:
    """Lineage follows recalling chains transitively, both ways; the series is the connected resolutions of one organ."""
    back = {r["symbol"] for r in rows(chain, "lineage-back", resolution="A/RES/55/1")}
    assert back == {"A/RES/54/1", "A/RES/53/1", "A/RES/53/2", "A/RES/52/1"}
    forward = {r["symbol"] for r in rows(chain, "lineage-forward", resolution="A/RES/52/1")}
    assert forward == {"A/RES/53/1", "A/RES/54/1", "A/RES/55/1"}
    series = {r["symbol"] for r in rows(chain, "series", resolution="A/RES/54/1")}
    assert series == {"A/RES/52/1", "A/RES/53/1", "A/RES/53/2", "A/RES/54/1", "A/RES/55/1"}
    assert {r["symbol"] for r in rows(chain, "series", resolution="A/RES/60/5")} == {"A/RES/59/5", "A/RES/60/5"}
    step = {(r["symbol"], r["verb"]) for r in rows(chain, "lineage-step", document="A/RES/54/1")}
    assert step == {("A/RES/53/1", "recalls"), ("A/RES/53/2", "recalls")}
    ahead = {r["symbol"] for r in rows(chain, "lineage-step-forward", document="A/RES/54/1")}
    assert ahead == {"A/RES/55/1"}


def _titled(symbol: str, title: str, recalls: list[str]) -> str:
    """A General Assembly resolution with its number and title line, recalling ``recalls`` (session/number)."""
    session, number = symbol.split("/")[2:]
    lines = [
        f"United Nations {symbol}",
        "General Assembly",
        "",
        f"Resolution adopted by the General Assembly on 1 December {1945 + int(session)}",
        "",
        f"{session}/{number}. {title}",
        "",
        "The General Assembly,",
        "",
    ]
    lines += [f"Recalling its resolution {r} of 1 December {1945 + int(r.split('/')[0])}," for r in recalls]
    lines += ["", "1. Decides to continue its consideration of the question."]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def series_store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A series, "Disaster risk reduction" 67/10 <- 68/10 <- 69/10 <- 70/10, and what its members also recall.

    70/10 also recalls 69/20 and 69/21; 69/10 also recalls 69/20; 69/20 ("Other matter") recalls 68/10.
    """
    folder = tmp_path_factory.mktemp("series")
    docs = {
        "A/RES/70/10": ("Disaster risk reduction", ["69/10", "69/20", "69/21"]),
        "A/RES/69/10": ("Disaster risk reduction", ["68/10", "69/20"]),
        "A/RES/68/10": ("Disaster risk reduction", ["67/10"]),
        "A/RES/67/10": ("Disaster risk reduction", []),
        "A/RES/69/20": ("Other matter", ["68/10"]),
    }
    for symbol, (title, recalls) in docs.items():
        (folder / (symbol.replace("/", "_") + ".txt")).write_text(_titled(symbol, title, recalls), encoding="utf-8")
    store = str(folder / "store")
    out = CliRunner().invoke(cli, ["ingest", str(folder), "--store", store, "--quiet", "-j", "1"])
    assert out.exit_code == 0, out.output
    return store


def test_lineage_shows_the_series_and_counts_the_rest(series_store: str) -> None:
    """By default a series member shows its series; the rest is counted, and the cut at --depth is marked."""
    out = CliRunner().invoke(cli, ["lineage", "A/RES/70/10", "--depth", "2", "--store", series_store])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[1].startswith("├── A/RES/69/10") and "Disaster risk reduction" in lines[1]
    assert lines[2].startswith("│   ├── A/RES/68/10") and lines[2].endswith("[1 further step past --depth 2]")
    assert lines[3] == "│   └── ... 1 other work it recalls: --all shows them"
    assert lines[4] == "└── ... 2 other works it recalls: --all shows them"
    assert len(lines) == 5


def test_lineage_all_draws_each_work_once(series_store: str) -> None:
    """With --all the series comes first, then the rest; a work met again is marked "(see above)", never redrawn."""
    out = CliRunner().invoke(cli, ["lineage", "A/RES/70/10", "--all", "--store", series_store])
    assert out.exit_code == 0, out.output
    drawn = [line for line in out.stdout.splitlines()[1:] if "(see above)" not in line]
    symbols = [line.split("── ")[1].split()[0] for line in drawn]
    assert sorted(symbols) == ["A/RES/67/10", "A/RES/68/10", "A/RES/69/10", "A/RES/69/20", "A/RES/69/21"]
    again = [line for line in out.stdout.splitlines() if "(see above)" in line]
    assert sorted(line.split("── ")[1].split()[0] for line in again) == ["A/RES/68/10", "A/RES/69/20"]
    assert out.stdout.splitlines()[1].startswith("├── A/RES/69/10")  # the series first


def test_cli_validate_names_the_instrument_keys_the_catalogue_lacks(tmp_path: Path) -> None:
    """A key the extractor mints and the catalogue lacks (ILO-C177) is named, with its citations and words."""
    folder = tmp_path / "ilo"
    folder.mkdir()
    (folder / "A_RES_68_5.txt").write_text(
        "United Nations A/RES/68/5\nGeneral Assembly\n\n68/5. Work\n\nThe General Assembly,\n\n"
        "Recalling the Home Work Convention, 1996 (No. 177) of the International Labour Organization, and the "
        "Work in Fishing Convention, 2007 (No. 188) of the International Labour Organization,\n\n"
        "1. Decides to remain seized of the matter.\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(folder), "--store", store, "--quiet", "-j", "1"]).exit_code == 0
    out = runner.invoke(cli, ["validate", "--no-shacl", "--store", store])
    assert out.exit_code == 1
    table_row = next(line for line in out.stdout.splitlines() if "cited-instrument-unknown-violation" in line)
    assert table_row.split()[:3] == ["FAIL", "checks/cited-instrument-unknown-violation", "1"]
    assert "\nchecks/cited-instrument-unknown-violation: 1 row\n" in out.stdout  # what it found, below the table
    assert "key='ILO-C177'  citations='1'  example='Convention, 1996 (No. 177)'" in out.stdout
    assert "ILO-C188" not in out.stdout  # in the catalogue


def test_catalogue_holds_the_ilo_keys_the_ga_corpus_cites() -> None:
    """The ILO conventions and recommendations that GA resolutions of 2023-2025 cite are catalogued."""
    from unkg.catalogue import default_catalogue

    catalogue = default_catalogue()
    for key in ("ILO-C81", "ILO-C181", "ILO-C188", "ILO-R201", "ILO-R202", "ILO-R203", "ILO-R204"):
        assert key in catalogue, key
    assert catalogue.get("ILO-C188").issued == "2007-06-14"
