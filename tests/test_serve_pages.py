"""The linked-data pages of unkg serve as a scholar reads them: the description panel, each citation in its
sentence, citing documents by year a page at a time, exports, the search box, the home page.

Two stores: the sample corpus (``test_serve``'s live server, limits small: 40 rows), and a store made here
of 45 documents that cite Security Council resolution 242 (1967) (30 Human Rights Council resolutions of
2006-2008, 15 statements with no symbol that also cite the Charter), analysed, so that paging, true counts,
names of documents with no symbol, the registry's vote and the stored measures can be seen.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox
import pytest

from test_serve import RESOLUTION, UNKG_CLI, Server, facts, request, server  # noqa: F401 - the live server fixtures
from unkg import iri
from unkg.serve import jobs
from unkg.store import KnowledgeGraph

S242 = "S/RES/242(1967)"


def get(server, path: str) -> tuple[int, dict[str, str], bytes]:  # noqa: F811
    """GET as a browser does; a 503 (the server's limit of 2 s on a busy machine, or a search asked for while the
    server process still reads its tables) is sent again after its Retry-After, as a client should."""
    for _ in range(20):
        status, headers, body = request(server, "GET", path, {"Accept": "text/html"})
        if status != 503:
            break
        time.sleep(float(headers.get("retry-after", "1")))
    return status, headers, body


def html(server, path: str) -> str:  # noqa: F811
    status, headers, body = get(server, path)
    assert status == 200, (path, status, body[:300])
    assert headers["content-type"].startswith("text/html")
    return body.decode("utf-8")


# --------------------------------------------------------------------------
# The store of 45 citing documents.
def _write_corpus(folder: Path) -> None:
    for i in range(1, 31):
        (folder / f"A_HRC_RES_{i}_1.txt").write_text(
            f"United Nations\nA/HRC/RES/{i}/1\nHuman Rights Council\n\n"
            f"Resolution adopted by the Human Rights Council on 15 June {2006 + i % 3}\n\n"
            f"{i}/1. Situation in the Middle East\n\nThe Human Rights Council,\n\n"
            "Recalling Security Council resolution 242 (1967) of 22 November 1967,\n\n"
            "1. Decides to remain seized of the matter.\n"
        )
    for i in range(1, 16):
        (folder / f"BOL_{i}_1970.txt").write_text(
            f"Statement number {i}.\n\nWe recall Security Council resolution 242 (1967), which remains the basis "
            "of a just peace, and the Charter of the United Nations.\n"
        )


@pytest.fixture(scope="module")
def cited_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("citing")
    _write_corpus(folder)
    path = tmp_path_factory.mktemp("cited") / "store"
    with KnowledgeGraph(path) as kg:
        report = kg.ingest([str(p) for p in sorted(folder.glob("*.txt"))], jobs=1)
        assert report.ok and len(report.added) == 45
    done = subprocess.run([str(UNKG_CLI), "analyse", "--store", str(path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def cited_server(cited_store: Path):
    live = Server(cited_store, max_rows=40)
    try:
        yield live
    finally:
        live.stop()


def test_citing_documents_are_paged_counted_truthfully_and_named(cited_store):
    """The job behind the page: every citing document counted, a page of them, newest year first."""
    store = ox.Store.read_only(str(cited_store))
    try:
        first = jobs.page(store, {"iri": iri.document(S242), "max_rows": 20, "page": 1})
        last = jobs.page(store, {"iri": iri.document(S242), "max_rows": 20, "page": 3})
    finally:
        del store
    by = first["cited_by"]
    assert (by["total_works"], by["total_citations"], by["pages"], by["size"]) == (45, 45, 3, 20)
    assert [(y["year"], y["documents"], y["page"]) for y in by["years"]] == [
        (2008, 10, 1), (2007, 10, 1), (2006, 10, 2), (None, 15, 2)
    ]  # fmt: skip
    assert [g["year"] for g in by["groups"]] == [2008, 2007]
    assert [w["name"] for w in by["groups"][0]["works"]] == [f"A/HRC/RES/{i}/1" for i in sorted(range(2, 31, 3), key=str)]
    shown = [w["name"] for g in last["cited_by"]["groups"] for w in g["works"]]
    assert last["cited_by"]["page"] == 3 and len(shown) == 5
    assert all(re.fullmatch(r"BOL_\d+_1970\.txt \(no symbol\)", name) for name in shown), shown


def test_page_of_a_much_cited_work(cited_server):
    page = html(cited_server, "/doc/" + quote(S242))
    assert '<span class="muted" id="cited-by-count">(45 documents, 45 citations)</span>' in page
    assert (
        '<nav class="pager">Documents 1–40 of 45 · newer · page 1 of 2 · <a href="?page=2" rel="next">older</a></nav>'
    ) in page
    assert '<a href="?page=1#y2008">2008</a> <span class="muted">10</span>' in page
    assert '<a href="?page=1#yunknown">year unknown</a> <span class="muted">15</span>' in page
    assert '<h3 id="y2008">2008</h3>' in page and '<h3 id="yunknown">Year unknown</h3>' in page
    assert not re.search(r">[^<]*[0-9a-f]{64}[^<]*</a>", page), "a citing document shown as a hash address"
    assert re.search(r'<a href="/doc/_/[0-9a-f]{64}">BOL_\d+_1970\.txt \(no symbol\)</a>', page)
    # its sentence around each quote
    assert (
        '<span class="context">Recalling <q>Security Council resolution 242 (1967)</q> of 22 November 1967,</span>'
    ) in page
    # the registry's description: title, date, meeting record, vote
    assert '<p class="subtitle" id="subtitle">A peaceful and accepted settlement of the Middle East situation</p>' in page
    assert '<dt>Date</dt><dd>1967-11-22 <span class="muted">(registry)</span></dd>' in page
    assert '<dt>Meeting</dt><dd> <a href="/doc/S/PV.1382">S/PV.1382</a></dd>' in page
    assert (
        '<dd id="vote">15 in favour, 0 against, 0 abstentions (recorded vote) <span class="muted">(registry)</span></dd>'
    ) in page
    assert "Not in the corpus: no file of this store holds S/RES/242(1967); what is said of it here comes" in page
    # PageRank as a rank among the works unkg analyse measured
    store = ox.Store.read_only(str(cited_server_store(cited_server)))
    try:
        works = len({q.subject for q in store.quads_for_pattern(
            None, ox.NamedNode("https://w3id.org/unkg/network#pageRank"), None, ox.NamedNode(iri.METRICS_GRAPH))})  # fmt: skip
    finally:
        del store
    assert f'<dd id="rank">1 of {works} works · cited by 45 works of the network' in page
    second = html(cited_server, "/doc/" + quote(S242) + "?page=2")
    assert '<nav class="pager">Documents 41–45 of 45 · <a href="?page=1" rel="prev">newer</a> · page 2 of 2 · older</nav>' in second
    assert len(re.findall(r'<a href="/doc/_/[0-9a-f]{64}">BOL_\d+_1970\.txt \(no symbol\)</a>', second)) == 5
    assert "1–40" in html(cited_server, "/doc/" + quote(S242) + "?page=x")  # not a number: the first page


def cited_server_store(live: Server) -> Path:
    args = live.process.args
    return Path(args[args.index("--store") + 1])


def test_a_document_with_no_symbol_is_named_by_its_file(cited_server):
    page = html(cited_server, "/doc/" + quote(S242))
    target = re.search(r'<a href="(/doc/_/[0-9a-f]{64})">BOL_3_1970\.txt \(no symbol\)</a>', page)
    assert target
    own = html(cited_server, target[1])
    assert "<h1>BOL_3_1970.txt (no symbol)</h1>" in own
    assert '<span class="muted" id="cited-by-count">(0 documents, 0 citations)</span>' in own
    assert '<p class="none" id="cited-by-none">No document of the corpus cites it.</p>' in own


def test_co_citation_is_read_from_the_analysis(cited_server, server):  # noqa: F811
    page = html(cited_server, "/queries/reports/co-citation")
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    assert rows[0][:3] == (
        '<a href="/doc/S/RES/242(1967)">S/RES/242(1967)</a>',
        '<a href="/instrument/UN-CHARTER">UN-CHARTER</a>',
        "15",
    )
    unanalysed = html(server, "/queries/reports/co-citation")
    assert (
        '<p class="none" id="no-measures">No rows: this query reads the measures that <code>unkg analyse</code> '
        "stores, and it has not been run on this store.</p>"
    ) in unanalysed


# --------------------------------------------------------------------------
# The sample store.
def test_resolution_panel_and_citations_in_their_sentence(server):  # noqa: F811
    page = html(server, "/doc/" + RESOLUTION)
    assert "<dt>Organ</dt><dd>General Assembly · Third Committee</dd>" in page
    assert "<dt>Session</dt><dd>61</dd>" in page
    assert "<dt>Meeting</dt><dd>81st plenary meeting</dd>" in page
    assert "<dt>Agenda item</dt><dd>67 (b)</dd>" in page
    assert '<dt>Adopted on the report</dt><dd><a href="/doc/A/61/443/Add.2">A/61/443/Add.2</a></dd>' in page
    assert (
        '<a href="/doc/A/RES/60/169">A/RES/60/169</a> <span class="not-held">(not in the corpus)</span>'
    ) in page
    assert (
        '<span class="context">Recalling all its previous resolutions on the protection of migrants, the most '
        "recent of which is <q>resolution 60/169</q> of 16 December 2005, and recalling also Commission on Human "
        "Rights resolution 2005/47 of 19 April 2005,1</span>"
    ) in page
    # the triples are there for who wants them, folded, never the page's body
    assert '<details class="statements" id="statements">' in page and "What the graph says of it" not in page
    assert '<p class="none" id="cited-by-none">No document of the corpus cites it.</p>' in page
    cited = html(server, "/doc/A/RES/60/169")
    assert (
        '<p class="none" id="cites-none">Nothing: its text is not in the corpus, so what it cites is not known here.</p>'
    ) in cited


def test_citation_page_shows_its_sentence(server, facts):  # noqa: F811
    citation = next(c for c in facts.citation_iris if "/A%2FRES%2F60%2F169" in c)
    page = html(server, "/" + citation[len(iri.BASE) :])
    assert "<h1>Citation of A/RES/60/169 in A/RES/61/165</h1>" in page
    assert (
        '<dt>In its sentence</dt><dd id="context"><span class="context">Recalling all its previous resolutions on '
        "the protection of migrants, the most recent of which is <q>resolution 60/169</q> of 16 December 2005,"
    ) in page


def test_instrument_panel(server):  # noqa: F811
    page = html(server, "/instrument/ICRMW")
    assert "<dt>Adopted</dt><dd>1990-12-18</dd>" in page
    assert '<dt>Adopting resolution</dt><dd><a href="/doc/A/RES/45/158">A/RES/45/158</a>, annex</dd>' in page
    assert "<dt>Entry into force</dt><dd>2003-07-01</dd>" in page
    assert (
        "<dt>Treaty Series</dt><dd>United Nations, <i>Treaty Series</i>, vol. 2220, No. 39481 · "
        '<a class="unts" href="https://treaties.un.org/doc/Publication/UNTS/Volume%202220/v2220.pdf">'
    ) in page
    assert "Migrant Workers Convention" in page.split('<dt>Also cited as</dt>')[1].split("</dd>")[0]
    assert 'id="cites-section"' not in page  # an instrument's own text is not read: no empty "Cites"


def test_citations_export_as_csv_ris_and_csl_json(server):  # noqa: F811
    status, headers, body = request(server, "GET", "/doc/A/RES/60/169?export=cited-by&format=csv")
    assert status == 200 and headers["content-type"] == "text/csv; charset=utf-8"
    assert headers["content-disposition"] == 'attachment; filename="A_RES_60_169-cited-by.csv"'
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert {k: row[k] for k in ("citing", "citing_title", "citing_date", "cited", "paragraph", "function", "quote", "start")} == {
        "citing": RESOLUTION, "citing_title": "Protection of migrants", "citing_date": "2006-12-19",
        "cited": "A/RES/60/169", "paragraph": "pp1", "function": "recalls", "quote": "resolution 60/169", "start": "291",
    }  # fmt: skip
    assert row["after"] == " of 16 December 2005, and recalling also Commission on Human Rights resolution 2005/47 of 19 April 2005,1"
    status, headers, body = request(server, "GET", "/doc/A/RES/60/169?export=cited-by&format=ris")
    assert status == 200 and headers["content-type"].startswith("application/x-research-info-systems")
    assert body.decode() == "\r\n".join([
        "TY  - GOVDOC", "TI  - Protection of migrants", "AU  - United Nations", f"CN  - {RESOLUTION}", "PY  - 2006",
        "DA  - 2006/12/19", "PB  - United Nations", f"UR  - https://undocs.org/{RESOLUTION}",
        'N1  - unkg: cites A/RES/60/169 (1x): pp1: "resolution 60/169"', f"ID  - {iri.document(RESOLUTION)}",
        "ER  - ", "",
    ])  # fmt: skip
    status, headers, body = request(server, "GET", f"/doc/{RESOLUTION}?export=cites&format=csl-json")
    items = {item["id"]: item for item in json.loads(body)}
    assert status == 200 and len(items) == 20
    assert items[iri.instrument("ICRMW")] == {
        "id": iri.instrument("ICRMW"), "type": "treaty",
        "title": "International Convention on the Protection of the Rights of All Migrant Workers and Members of Their Families",
        "author": [{"literal": "United Nations"}], "publisher": "United Nations", "URL": iri.instrument("ICRMW"),
        "note": f'unkg: cited in {RESOLUTION} (3x): pp4: "International Convention on the Protection of the Rights of '
        'All Migrant Workers and Members of Their Families"; op3: "International Convention on the Protection of the Rights '
        'of All Migrant Workers and Members of Their Families"; op3: "Convention"',
        "number": "ICRMW", "issued": {"date-parts": [[1990, 12, 18]]},
    }  # fmt: skip
    status, _, body = request(server, "GET", f"/doc/{RESOLUTION}?export=cites&format=bibtex")
    assert status == 406 and b"csv, ris, csl-json" in body
    assert request(server, "GET", f"/doc/{RESOLUTION}?export=sideways")[0] == 400


@pytest.mark.parametrize(
    ("typed", "page"),
    [
        ("resolution 61/165", "/doc/A/RES/61/165"),
        ("a/res/61/165", "/doc/A/RES/61/165"),
        ("A/RES/61/ 165", "/doc/A/RES/61/165"),
        ("Migrant Workers Convention", "/instrument/ICRMW"),
        ("icrmw", "/instrument/ICRMW"),
    ],
)
def test_search_takes_what_a_person_types(server, typed, page):  # noqa: F811
    status, headers, _ = get(server, "/search?" + urlencode({"q": typed}))
    assert status == 303 and headers["location"].endswith(page)


def test_search_lists_and_says_what_the_store_lacks(server):  # noqa: F811
    page = html(server, "/search?" + urlencode({"q": "A/RES/99/999"}))
    results = page.split('<ul class="results" id="search-results">')[1].split("</ul>")[0]
    assert results.strip() == '<li>A/RES/99/999 <span class="muted small">not in this store · symbol</span></li>'  # no link
    none = html(server, "/search?" + urlencode({"q": 'zzqx<>"&'}))
    assert '<p class="none" id="search-none">Nothing matches <q>zzqx&lt;&gt;&#34;&amp;</q>' in none
    listed = html(server, "/search?" + urlencode({"q": "migrant workers"}))
    assert '<a href="/instrument/ICRMW">ICRMW</a> — International Convention on the Protection' in listed


def test_every_page_has_the_search_box(server):  # noqa: F811
    box = '<form class="search" method="get" action="/search" role="search">'
    for path in ("/", "/doc/" + RESOLUTION, "/instrument/ICRMW", "/editor", "/queries/reports/cites", "/search"):
        assert box in html(server, path), path


def test_home_counts_what_the_corpus_cites_and_keeps_checks_apart(server, facts):  # noqa: F811
    store = ox.Store.read_only(str(facts.path))
    try:
        cited = {r["x"].value for r in store.query(
            "SELECT DISTINCT ?x WHERE { ?c <http://purl.org/spar/cito/hasCitedEntity> ?x . "
            "?x a <https://w3id.org/unkg/ontology#Instrument> }", use_default_graph_as_union=True)}  # fmt: skip
    finally:
        del store
    page = html(server, "/")
    assert f"<tr><th>instruments cited</th><td>{len(cited)}</td></tr>" in page and len(cited) == 17
    reports, checks = page.split('id="stored-queries"')[1].split('id="developer-checks"')
    assert "checks/" not in reports and "reports/cites" in reports
    assert 'href="/queries/checks/span-order-violation"' in checks
    assert f"LIMIT 5' http://127.0.0.1:{server.port}/sparql</pre>" in page
