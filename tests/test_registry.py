"""The registry: the sources' spellings, look-up of what people type, title search, series,
existence, the registry graph of the store, ``unkg registry`` and lineage that says where it stops.

Tests that read ``../shared/registry`` or ``../shared/corpus/ga-78-80`` are marked ``shared`` and
skipped, with a message naming the folder, when it is absent.
"""

from __future__ import annotations

import csv
import json
import lzma
import random
import shlex
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from tests.conftest import SHARED

from unkg import grammar, iri
from unkg.cli import cli
from unkg.registry import default_registry, exists, lookup, search, series, year_of
from unkg.registry.build import SOURCES, agenda_item, clean_title, meeting_symbol
from unkg.registry.graph import GRAPH
from unkg.registry.spelling import Spelled, Unparseable, igov_act, undl_symbol, voeten_symbol
from unkg.store import KnowledgeGraph

REGISTRY = SHARED / "registry"
GA_TEXTS = SHARED / "corpus" / "ga-78-80" / "texts.jsonl.xz"


@pytest.fixture(scope="session")
def shared_registry() -> Path:
    """../shared/registry; tests that need it are skipped without it."""
    if not REGISTRY.is_dir():
        pytest.skip(f"registry sources absent: {REGISTRY} (clone the project beside ../shared to run these)")
    return REGISTRY


# ---------------------------------------------------------------------------
# The sources' spellings (../shared/registry/README.md lists them).
SPELLINGS = [
    ("A/RES/60/100", "A/RES/60/100", None),  # plain session/number
    ("S/RES/2000(2011)", "S/RES/2000(2011)", None),  # SC, no space before the year
    ("A/RES/181(II)", "A/RES/181(II)", None),  # Roman era
    ("A/RES/43/29A", "A/RES/43/29", "A"),  # part letter glued: a pinpoint
    ("A/RES/181(II)[A]", "A/RES/181(II)", "A"),  # part letter bracketed
    ("A/RES/63(I)[PARA.1]", "A/RES/63(I)", None),  # a sub-record the library invented: dropped
    ("A/RES/17(I)[RULE-33]", "A/RES/17(I)", None),  # likewise
    ("A/RES/33/116[B-IX]", "A/RES/33/116", "B-IX"),  # part B, section IX
    ("A/RES/35/217XIII", "A/RES/35/217", "XIII"),  # a Roman part glued
    ("A/RES/ES-10/22", "A/RES/ES-10/22", None),  # emergency special session
    ("A/RES/S-10/2", "A/RES/S-10/2", None),  # special session
    ("A/RES/104(S-1)", "A/RES/104(S-I)", None),  # first special session, Arabic: the grammar's Roman spelling
    ("A/RES/1873(S-IV)", "A/RES/1873(S-IV)", None),
    ("A/RES/997(ES-I)", "A/RES/997(ES-I)", None),
    ("A/DEC/80/506", "A/DEC/80/506", None),  # a decision with a recorded vote
]


@pytest.mark.parametrize(("raw", "symbol", "part"), SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_library_spellings(raw: str, symbol: str, part: str | None) -> None:
    """Each spelling of the UN Digital Library maps onto the canonical symbol, its part apart."""
    assert undl_symbol(raw) == Spelled(symbol, part)


@pytest.mark.parametrize("raw", ["A/RES/36//235IX", "A/RES/79/XX", "A/RES/996(ES-IandII)", "", "A/RES/1(I)[AANNEX]"])
def test_broken_spellings_are_refused_not_guessed(raw: str) -> None:
    """A spelling that cannot be read for sure raises Unparseable."""
    with pytest.raises(Unparseable):
        undl_symbol(raw)


VOETEN = [
    ("R/44/41C", {}, "A/RES/44/41", "C"),  # session 44: Arabic numbering
    ("R/34/233/XII", {}, "A/RES/34/233", "XII"),
    ("A/RES/74/38", {}, "A/RES/74/38", None),  # Voeten from 2019 writes symbols
    ("R/1/1061A", {1061: "XI"}, "A/RES/1061(XI)", "A"),  # Voeten's session 1 is wrong: the library's XI wins
    ("R/2/181A", {}, "A/RES/181(II)", "A"),  # no library record: Voeten's session in Roman numerals
    ("ESS/10/14", {}, "A/RES/ES-10/14", None),
    ("SS/10/2", {}, "A/RES/S-10/2", None),
]


@pytest.mark.parametrize(("raw", "roman_of", "symbol", "part"), VOETEN, ids=[v[0] for v in VOETEN])
def test_voeten_spellings(raw: str, roman_of: dict[int, str], symbol: str, part: str | None) -> None:
    """Voeten's R/session/number maps onto the canonical symbol, the Roman era through the library's sessions."""
    assert voeten_symbol(raw, roman_of) == Spelled(symbol, part)


def test_voeten_early_special_sessions_are_refused() -> None:
    """ESS/1/34 is no resolution 34 of the first emergency special session (those were 997-1003)."""
    with pytest.raises(Unparseable):
        voeten_symbol("ESS/1/34")


def test_igov_numbers() -> None:
    """iGov's '71/540 A and B' and '80/19' name a GA decision and resolution."""
    assert igov_act("71/540 A and B", "decision") == Spelled("A/DEC/71/540", "A and B")
    assert igov_act("80/19", "resolution").symbol == "A/RES/80/19"
    assert igov_act("74/512.", "decision").symbol == "A/DEC/74/512"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Protection of migrants : resolution / adopted by the General Assembly", "Protection of migrants"),
        ("Jerusalem : resolution /  adopted by the General Assembly", "Jerusalem"),
        ("Question of Cyprus : resolution / adopted by the General Assemly", "Question of Cyprus"),
        (
            "The situation in the Middle East : the Syrian Golan : resolution / adopted by the General Assembly",
            "The situation in the Middle East: the Syrian Golan",
        ),
        (
            "Security Council resolution 2796 (2025) [on extension of the mandate of the UN Support Mission in Libya (UNSMIL) until 31 Oct. 2026]",
            "Extension of the mandate of the UN Support Mission in Libya (UNSMIL) until 31 Oct. 2026",
        ),
        ("80/218. Protection of migrants", "Protection of migrants"),
    ],
)
def test_titles_are_cleaned(raw: str, clean: str) -> None:
    """The library's ' : resolution / adopted by ...' tail and the printed number go."""
    assert clean_title(raw) == clean


@pytest.mark.parametrize(
    ("raw", "symbol"),
    [
        ("A/78/PV.45", "A/78/PV.45"),
        ("S/PV.4213", "S/PV.4213"),
        ("A/9/PV. 9", "A/9/PV.9"),
        ("A/PV.17", "A/PV.17"),
        ("A/ES-10/PV.12", "A/ES-10/PV.12"),
        ("S/PV.3377 (Resumption 1)", "S/PV.3377"),
        ("A//PV.9", None),
    ],
)
def test_meeting_records(raw: str, symbol: str | None) -> None:
    """The meeting field becomes a meeting record's symbol, or nothing when it is broken."""
    assert meeting_symbol(raw) == symbol


def test_agenda_items_are_spelled_as_the_corpus_does() -> None:
    """'38a', '96(c)', 'Item 13' -> '38 (a)', '96 (c)', '13'."""
    assert [agenda_item(x) for x in ("38a", "96(c)", "Item 13", "67 (b)")] == ["38 (a)", "96 (c)", "13", "67 (b)"]


def _round_trips(symbol: str) -> bool:
    """The canonical symbol is what the grammar makes of it: as a symbol, or as an act reference."""
    if grammar.canonical_symbol(symbol) != symbol:
        return False
    found = grammar.parse_symbols(symbol)
    if found and found[0].targets == (symbol,):
        return True
    number, _, bracket = symbol.removeprefix("A/RES/").partition("(")
    return grammar.resolution_symbol(grammar.GA, "resolution", "roman", number=number, roman=bracket[:-1]) == symbol


def test_every_symbol_of_the_registry_round_trips_through_the_grammar() -> None:
    """Every canonical symbol the registry holds is the grammar's own spelling."""
    bad = [s for s in default_registry().records if not _round_trips(s)]
    assert not bad, bad[:20]


SYMBOL_COLUMNS = {
    "undl-resolutions.csv": ("symbol", undl_symbol),
    "ga-resolutions-78-80.csv": ("symbol", undl_symbol),
    "unvotes-roll-calls.csv": ("unres", voeten_symbol),
    "ga-decisions-71-80.csv": ("decision", lambda raw: igov_act(raw, "decision")),
}


@pytest.mark.parametrize("name", sorted(SYMBOL_COLUMNS))
def test_a_sample_of_real_rows_reads_or_is_refused(shared_registry: Path, name: str) -> None:
    """200 real rows of each file: no exception but Unparseable, and every symbol read round-trips."""
    column, read = SYMBOL_COLUMNS[name]
    with open(shared_registry / name, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    sample = random.Random(15).sample(rows, min(200, len(rows)))
    read_ok = 0
    for row in sample:
        try:
            spelled = read(row[column])
        except Unparseable:
            continue
        assert _round_trips(spelled.symbol), (row[column], spelled)
        read_ok += 1
    assert read_ok >= 150, f"{name}: only {read_ok} of 200 read"


def test_every_security_council_resolution_resolves_to_title_and_date(shared_registry: Path) -> None:
    """Every SC resolution of 1-2798 the registry holds has its title and date, looked up by the library's spelling."""
    with open(shared_registry / "undl-resolutions.csv", newline="", encoding="utf-8") as f:
        spellings = [row["symbol"] for row in csv.DictReader(f) if row["symbol"].startswith("S/RES/")]
    assert len(set(spellings)) == 2796  # one record twice
    for raw in spellings:
        record = lookup(raw)
        assert record is not None and record.title and record.date, raw
        assert record.year == int(raw[-5:-1]), raw
    reg = default_registry()
    assert reg.header["complete"]["S/RES"]["missing"] == [2761, 2797]


def test_registry_header_names_each_source() -> None:
    """The shipped registry says which files it was built from, with their rows and hashes."""
    header = default_registry().header
    assert sorted(header["sources"]) == sorted(SOURCES)
    assert header["sources"]["undl-resolutions.csv"]["rows"] == 9997
    assert {"spelling": "A/RES/36//235IX", "source": "undl-resolutions.csv"}.items() <= next(
        u for u in header["unparsed"] if u["spelling"] == "A/RES/36//235IX"
    ).items()


def test_registry_is_package_data() -> None:
    """The registry and its NOTICE are found through importlib.resources (hatch ships the package folder whole)."""
    data = resources.files("unkg.registry") / "data"
    assert (data / "registry.jsonl.gz").is_file()
    notice = (data / "NOTICE").read_text(encoding="utf-8")
    for name in SOURCES:
        assert name in notice


# ---------------------------------------------------------------------------
# Look-up of what people type.
TYPED = [
    ("S/RES/1325 (2000)", "S/RES/1325(2000)"),
    ("s/res/1325(2000)", "S/RES/1325(2000)"),
    ("Security Council resolution 1325 (2000)", "S/RES/1325(2000)"),
    ("resolution 1325 (2000)", "S/RES/1325(2000)"),
    ("  a/res/55/92 ", "A/RES/55/92"),
    ("resolution 55/92", "A/RES/55/92"),
    ("55/92", "A/RES/55/92"),
    ("General Assembly resolution 217 A (III)", "A/RES/217(III)"),
    ("217 A (III)", "A/RES/217(III)"),
    ("A/RES/181(II)[A]", "A/RES/181(II)"),
    ("A/RES/43/29A", "A/RES/43/29"),
    ("decision 78/540", "A/DEC/78/540"),
    ("resolution ES-10/22", "A/RES/ES-10/22"),
    ("A/C.3/79/L.5", "A/C.3/79/L.5"),
]


@pytest.mark.parametrize(("typed", "symbol"), TYPED, ids=[t[0] for t in TYPED])
def test_lookup_what_people_type(typed: str, symbol: str) -> None:
    """Case, spaces, act references and part letters all find the one record."""
    record = lookup(typed)
    assert record is not None and record.symbol == symbol


def test_a_record_says_where_each_fact_comes_from() -> None:
    """Title, date, meeting and vote of S/RES/1325(2000), each from the library's file."""
    record = lookup("S/RES/1325(2000)")
    assert record is not None
    assert (record.title, record.date, record.meeting) == ("Women and peace and security", "2000-10-31", "S/PV.4213")
    assert record.get("votes") == {"yes": 15, "no": 0, "abstain": 0, "recorded": True}
    assert record.source_of("meeting") == "undl-resolutions.csv"


def test_ga_78_80_facts_come_from_the_adopted_texts_first() -> None:
    """A/RES/78/217: the title as printed, the plenary meeting and committee report."""
    record = lookup("A/RES/78/217")
    assert record is not None
    assert record.title == "Protection of migrants"
    assert record.source_of("title") == "ga-resolutions-78-80.csv"
    assert record.meeting and record.meeting.startswith("A/78/PV.")


def test_drafts_and_decisions() -> None:
    """A draft knows the resolution it became; a decision its title, date and plenary meeting."""
    draft = lookup("A/C.3/79/L.5")
    assert draft is not None and draft.kind == "draft" and draft.get("adopted_as") == "A/RES/79/188"
    resolution = lookup("A/RES/79/188")
    assert resolution is not None and resolution.get("draft") == "A/C.3/79/L.5"
    decision = lookup("A/DEC/71/401")
    assert decision is not None and decision.meeting == "A/71/PV.1" and decision.date == "2016-09-13"


EXISTS = [
    ("S/RES/1325(2000)", True),  # held
    ("S/RES/1325(2001)", False),  # that number is of 2000, and the series is complete
    ("S/RES/2761(2024)", None),  # a known gap of the source: exists, not held
    ("S/RES/3000(2027)", None),  # past the registry's coverage
    ("A/RES/181(III)", False),  # resolution 181 is of the second session
    ("A/RES/60/169", None),  # adopted without a vote: the registry cannot tell
    ("nonsense", None),
]


@pytest.mark.parametrize(("symbol", "answer"), EXISTS, ids=[e[0] for e in EXISTS])
def test_exists_says_false_only_where_it_knows(symbol: str, answer: bool | None) -> None:
    """exists() is True, False where a source is complete, else None."""
    assert exists(symbol) is answer


def test_year_of() -> None:
    """The year of adoption from the registry, else from a Security Council symbol."""
    assert year_of("A/RES/181(II)") == 1947
    assert year_of("S/RES/2761(2024)") == 2024
    assert year_of("A/RES/60/169") is None


# ---------------------------------------------------------------------------
# Search and series on real titles.
def test_search_ranks_the_exact_title_first() -> None:
    """'protection of migrants': the three resolutions of that title first, the most recent first."""
    found = search("protection of migrants", 10)
    assert [r.symbol for r in found[:3]] == ["A/RES/80/218", "A/RES/78/217", "A/RES/55/92"]
    assert all(r.title != "Protection of migrants" for r in found[3:])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("women and peace and security", "S/RES/1325(2000)"),
        ("Universal Declaration of Human Rights", "A/RES/217(III)"),
        ("future government of Palestine", "A/RES/181(II)"),
    ],
)
def test_search_finds_known_titles_near_the_top(query: str, expected: str) -> None:
    """A famous resolution is within the first five for its title's words."""
    assert expected in [r.symbol for r in search(query, 5)]


def test_ga_series_by_title() -> None:
    """GA 'Protection of migrants': the same title across sessions, oldest first."""
    assert [r.symbol for r in series("A/RES/78/217")] == ["A/RES/55/92", "A/RES/78/217", "A/RES/80/218"]


def test_sc_mandate_renewals_form_one_series() -> None:
    """UNIFIL's renewals ('Renewal of' / 'Extension of', with or without acronym and end date) are one series."""
    members = [r.symbol for r in series("S/RES/1095(1997)")]
    for symbol in ("S/RES/434(1978)", "S/RES/459(1979)", "S/RES/1095(1997)", "S/RES/1583(2005)"):
        assert symbol in members
    assert len(members) >= 40
    dates = [lookup(s).date for s in members]  # type: ignore[union-attr]
    assert dates == sorted(dates)
    assert not any("Financing" in (lookup(s).title or "") for s in members)  # type: ignore[union-attr]


# ---------------------------------------------------------------------------
# The command line.
def test_cli_registry_symbol_names_the_source_of_each_fact() -> None:
    """unkg registry SYMBOL prints each fact with its source file."""
    result = CliRunner().invoke(cli, ["registry", "S/RES/1325 (2000)"])
    assert result.exit_code == 0
    assert "Women and peace and security  [undl-resolutions.csv]" in result.stdout
    assert "S/PV.4213" in result.stdout and "15 in favour" in result.stdout


def test_cli_registry_search() -> None:
    """unkg registry --search ranks titles, with symbols and dates."""
    result = CliRunner().invoke(cli, ["registry", "--search", "protection of migrants", "--limit", "3"])
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["score", "symbol", "date", "title"]  # a table of unkg.tables, with its header
    assert lines[2].split()[1:3] == ["A/RES/80/218", "2025-12-18"]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("S/RES/1325(2001)", "does not exist"),
        ("A/RES/60/169", "is not in the registry (which is partial"),
    ],
)
def test_cli_registry_unknown_symbol(typed: str, message: str) -> None:
    """A symbol not in the registry: exit 1, what its absence means, and did you mean."""
    result = CliRunner().invoke(cli, ["registry", typed])
    assert result.exit_code == 1
    assert message in result.stderr and "did you mean" in result.stderr


def test_cli_registry_did_you_mean_the_same_number() -> None:
    """S/RES/1325(2001) suggests S/RES/1325(2000) first."""
    result = CliRunner().invoke(cli, ["registry", "S/RES/1325(2001)"])
    assert "did you mean: S/RES/1325(2000)" in result.stderr


# ---------------------------------------------------------------------------
# The registry graph of the store, and lineage on ga-78-80.
SERIES_FILES = ("A/RES/80/104", "A/RES/79/113", "A/RES/78/100")  # "Dissemination of information on decolonization"


@pytest.fixture(scope="module")
def ga_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three resolutions of one GA series from ../shared/corpus/ga-78-80, as text files."""
    if not GA_TEXTS.is_file():
        pytest.skip(f"ga-78-80 corpus absent: {GA_TEXTS}")
    folder = tmp_path_factory.mktemp("ga")
    with lzma.open(GA_TEXTS, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["symbol"] in SERIES_FILES:
                (folder / (row["symbol"].replace("/", "_") + ".txt")).write_text(row["text"], encoding="utf-8")
    assert len(list(folder.iterdir())) == len(SERIES_FILES)
    return folder


def _registry_graph(kg: KnowledgeGraph) -> set[ox.Quad]:
    return set(kg.store.quads_for_pattern(None, None, None, GRAPH))


def test_registry_graph_gives_facts_the_corpus_lacks(ga_files: Path, tmp_path: Path) -> None:
    """A cited document outside the corpus gets title, date, meeting and vote from the registry, with
    dcterms:source naming the file; a document the corpus holds gets no second title; ingest again writes nothing."""
    with KnowledgeGraph(tmp_path / "store") as kg:
        kg.ingest([str(ga_files)])
        graph = _registry_graph(kg)
        outside = ox.NamedNode(iri.document("A/RES/77/148"))
        held = ox.NamedNode(iri.document("A/RES/79/113"))
        title = ox.NamedNode("http://purl.org/dc/terms/title")
        facts = {q.predicate.value: q.object for q in graph if q.subject == outside}
        assert facts["http://purl.org/dc/terms/title"].value == "Dissemination of information on decolonization"
        assert facts["http://purl.org/dc/terms/date"].value == "2022-12-12"
        assert facts["https://w3id.org/unkg/ontology#meetingRecord"].value.endswith("/doc/A/77/PV.52")
        assert facts["http://purl.org/dc/terms/source"] == ox.NamedNode(iri.registry_source("undl-resolutions.csv"))
        assert len(list(kg.store.quads_for_pattern(held, title, None))) == 1  # the corpus's own title only
        assert not kg.refresh_registry()  # nothing changed: nothing written
        kg.ingest([str(ga_files)])
        assert _registry_graph(kg) == graph
        kg.remove(
            [str(ga_files / "A_RES_80_104.txt"), str(ga_files / "A_RES_79_113.txt"), str(ga_files / "A_RES_78_100.txt")]
        )
        assert not _registry_graph(kg)


def test_registry_graph_conforms(ga_files: Path, tmp_path: Path) -> None:
    """The store with its registry graph passes the SHACL shapes and the violation checks."""
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(ga_files), "--store", store, "--quiet"]).exit_code == 0
    result = runner.invoke(cli, ["validate", "--store", store])
    assert result.exit_code == 0, result.stdout


def test_lineage_of_a_ga_series_shows_titles_and_dates_and_where_it_stops(ga_files: Path, tmp_path: Path) -> None:
    """Every step of the lineage of A/RES/80/104 has a title and date, in the corpus or not; the steps
    outside the corpus say so, with the command that would fetch them."""
    store = str(tmp_path / "store")
    runner = CliRunner()
    runner.invoke(cli, ["ingest", str(ga_files), "--store", store, "--quiet"])
    result = runner.invoke(cli, ["lineage", "A/RES/80/104", "--all", "--store", store])  # the series and the rest
    assert result.exit_code == 0
    lines = [line for line in result.stdout.splitlines() if "(see above)" not in line]
    assert len(lines) == 5
    for line in lines:
        assert "Dissemination of information on decolonization (20" in line or "Declaration on the granting" in line
    outside = [line for line in lines if "not in the corpus" in line]
    # the fetch command as a shell reads it (quoted where the symbol needs it: 'A/RES/1514(XV)')
    fetched = {shlex.split(line.split("`unkg fetch ")[1].rstrip("`"))[0] for line in outside}
    assert fetched == {"A/RES/1514(XV)", "A/RES/77/148"}
    assert "`unkg fetch 'A/RES/1514(XV)'`" in result.output
    assert all("[registry]" in line for line in outside)
    assert "A/RES/79/113" in result.stdout and "(2024-12-04)" in result.stdout
