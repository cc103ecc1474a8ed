"""Hardening of the store, the command line and the exports (issue 13: items 7, 11, 13, 14)."""

from __future__ import annotations

import errno
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from tests.conftest import SAMPLE

from unkg import export as ex
from unkg import iri
from unkg import network as net
from unkg.cli import cli
from unkg.errors import DiskFull, QueryLimit, StoreCorrupt, StoreError, StoreUnavailable, StoreUnfinished
from unkg.inline import UNSAFE_IN_SCRIPT, code_in_script, json_in_script
from unkg.store import SHA256, KnowledgeGraph, explain, unfinished_graphs
from unkg.watchdog import MIB, Limits, Watchdog

# --------------------------------------------------------------------------
# Item 7: data inlined in a <script> element.

# Each sequence that ends a script element early or swallows the next one (the script-data states of the HTML
# parser), in several cases, and the characters escaped beside them.
HOSTILE = [
    "<!--<script",
    "<!--<script>",
    "<!--<SCRIPT ",
    "</script>",
    "</SCRIPT >",
    "</script><script>alert(1)</script>",
    "<script",
    "<ScRiPt>",
    "<!--",
    "<!-- -->",
    "-->",
    "line\u2028separator\u2029paragraph",
    "&amp; < > &",
]


def hostile_graph(text: str) -> nx.DiGraph:
    """Two resolutions, one citing the other: ``text`` is the title of both and the quoted text of the citation."""
    g = nx.DiGraph()
    for symbol, year in (("A/RES/1/1", 1946), ("A/RES/2/1", 1947)):
        g.add_node(
            symbol,
            label=symbol,
            name=f"{text} ({symbol})",
            kind="document",
            type="Resolution",
            organ="GA",
            year=year,
            in_corpus=True,
            url=f"https://undocs.org/{symbol}",
        )
    citation = {"paragraph": "pp1", "function": "recalls", "text": text}
    g.add_edge(
        "A/RES/2/1",
        "A/RES/1/1",
        weight=1,
        year=1947,
        organ="GA",
        functions=["recalls"],
        characterisations=["citesAsRelated"],
        citations=[citation],
    )
    return g


class ScriptElements(HTMLParser):
    """The script elements of a page as the standard library's parser splits them: (attributes, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self._open: dict[str, str | None] | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._open, self._text = dict(attrs), []

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.scripts.append((self._open, "".join(self._text)))
            self._open = None


def script_elements(page: str) -> list[tuple[dict[str, str | None], str]]:
    """(attributes, text) of every script element of ``page``."""
    parser = ScriptElements()
    parser.feed(page)
    parser.close()
    return parser.scripts


@pytest.mark.parametrize("text", HOSTILE)
def test_html_export_keeps_hostile_titles_inside_the_data_script(text: str) -> None:
    """Each hostile sequence stays data: the data script's text holds none of them and parses back to the titles.

    html.parser does not model the script-data escape states (``<!--`` then ``<script``), so the spec's
    condition on the text is asserted as well; tests/test_export_browser.py opens such a page in Chromium.
    """
    g = hostile_graph(text)
    page = ex.html(g, net.analyse(g))
    scripts = script_elements(page)
    assert len(scripts) == 4, [attrs for attrs, _ in scripts]
    (graphology_attrs, _), (sigma_attrs, _), (data_attrs, data), (app_attrs, app) = scripts
    assert data_attrs == {"id": "graph-data", "type": "application/json"}
    assert graphology_attrs == {} and sigma_attrs == {} and app_attrs == {}
    assert UNSAFE_IN_SCRIPT.search(data) is None, UNSAFE_IN_SCRIPT.search(data)
    doc = json.loads(data)
    assert sorted(n["name"] for n in doc["nodes"]) == [
        f"{text} (A/RES/1/1)",
        f"{text} (A/RES/2/1)",
    ]
    assert [c[2] for e in doc["edges"] for c in e["citations"]] == [text]
    assert app.lstrip().startswith("(function () {")
    assert 'JSON.parse(document.getElementById("graph-data").textContent)' in app
    assert page.count("<script") == 4


def test_json_in_script_escapes_and_round_trips() -> None:
    """Every <, >, & and line or paragraph separator is a \\u escape; the text parses to the same value."""
    value = {"a": "<!--<script></script>", "b": ["&", ">", "\u2028\u2029"], "<key>": 1}
    text = str(json_in_script(value))
    assert not any(c in text for c in "<>&\u2028\u2029")
    assert json.loads(text) == value


def test_code_in_script_refuses_what_would_end_or_swallow_the_element() -> None:
    """Code cannot be escaped without parsing it: code holding one of the sequences is refused; the vendored libraries pass."""
    for code in ('var a = "</script>";', "x = '<!--';", "s = '<SCRIPT';"):
        with pytest.raises(ValueError, match="cannot be inlined"):
            code_in_script(code)
    assert str(code_in_script("if (a < b) { c(); }")) == "if (a < b) { c(); }"
    assert all(code_in_script(code) for code in ex.vendor_scripts())


# --------------------------------------------------------------------------
# Shared: stores of the sample corpus, the command line.


def sample_store(folder: Path) -> Path:
    """A store of the sample corpus at ``folder``, closed."""
    with KnowledgeGraph(folder) as kg:
        assert kg.ingest([str(SAMPLE)], jobs=1).ok
    return folder


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the sample corpus, shared by the tests that only read it."""
    return sample_store(tmp_path_factory.mktemp("healthy") / "store")


def damage(store: Path) -> None:
    """Overwrite 1 KiB in the middle of every table file of 4 KiB or more (bad block checksums)."""
    tables = [p for p in sorted(store.glob("*.sst")) if p.stat().st_size >= 4096]
    assert tables, "no table file to damage: the store kept everything in its log"
    for table in tables:
        with open(table, "r+b") as f:
            f.seek(table.stat().st_size // 2)
            f.write(b"\xde\xad\xbe\xef" * 256)


def unkg(*args: str) -> Result:
    """``unkg ARGS`` in this process (click's runner): exit code, stdout and stderr apart."""
    return CliRunner().invoke(cli, list(args))


def one_error_line(result: Result) -> str:
    """The single line a failed command wrote to stderr; fails on a traceback or anything else."""
    assert result.exit_code == 1, (result.exit_code, result.output, result.exc_info)
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    return lines[0]


READERS = [
    ["status"],
    ["status", "--files"],
    ["query", "cites", "-p", "document", "A/RES/61/165"],
    ["sparql", "SELECT ?c WHERE { ?c a cito:Citation }"],
    ["lineage", "A/RES/61/165"],
    ["export", "--format", "nq"],
    ["export", "--format", "cytoscape"],
    ["validate", "--no-shacl"],
]


# --------------------------------------------------------------------------
# Item 13: readers never see the graphs of an ingest stopped between its bulk load and its markers.


class Crash(Exception):
    """The process dying right after the bulk load."""


def interrupted_store(folder: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose ingest of the sample corpus stopped after the bulk load, before the markers."""
    kg = KnowledgeGraph(folder)

    def crash(*args: object) -> list[ox.Quad]:
        raise Crash

    monkeypatch.setattr(kg, "_markers", crash)
    with pytest.raises(Crash):
        kg.ingest([str(SAMPLE)], jobs=1)
    kg.close()
    monkeypatch.undo()
    return folder


def test_a_read_only_open_refuses_unmarked_graphs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The store holds the unmarked graphs of 5 files; a read-only handle refuses it, a writable open drops them."""
    store = interrupted_store(tmp_path / "store", monkeypatch)
    assert len(unfinished_graphs(ox.Store.read_only(str(store)))) == 5
    with pytest.raises(
        StoreUnfinished, match=r"interrupted and left 5 file graphs unfinished .* run `unkg ingest` again"
    ):
        KnowledgeGraph(store, read_only=True)
    with KnowledgeGraph(store) as writer:  # recover() drops them
        assert writer.files() == []
    with KnowledgeGraph(store, read_only=True) as reader:
        assert unfinished_graphs(reader.store) == [] and reader.status()["citations"] == 0


@pytest.mark.parametrize("args", READERS, ids=" ".join)
def test_reading_commands_never_see_unmarked_graphs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str]
) -> None:
    """Each reading command on an interrupted store: one Error line saying what to run; nothing of the graphs shown."""
    store = interrupted_store(tmp_path / "store", monkeypatch)
    result = unkg(*args, "--store", str(store))
    line = one_error_line(result)
    assert "an ingest was interrupted and left 5 file graphs unfinished" in line and "run `unkg ingest` again" in line
    assert result.stdout == ""


def test_ingesting_again_gives_readers_the_clean_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After the Error line, the command it names gives the clean store to readers."""
    store = interrupted_store(tmp_path / "store", monkeypatch)
    assert unkg("status", "--store", str(store)).exit_code == 1
    assert unkg("ingest", str(SAMPLE), "--store", str(store), "--quiet", "-j", "1").exit_code == 0
    result = unkg("status", "--store", str(store))
    assert result.exit_code == 0 and "files: 5" in result.stdout and "citations: 47" in result.stdout


def test_the_check_counts_the_shared_graphs_right(healthy: Path, tmp_path: Path) -> None:
    """A healthy store, with the metrics graph of `unkg analyse` too, has no unfinished graph."""
    with KnowledgeGraph(healthy, read_only=True) as reader:
        assert unfinished_graphs(reader.store) == []
    store = sample_store(tmp_path / "analysed")
    assert unkg("analyse", "--store", str(store)).exit_code == 0
    with KnowledgeGraph(store, read_only=True) as reader:
        assert ox.NamedNode(iri.METRICS_GRAPH) in set(reader.store.named_graphs())
        assert unfinished_graphs(reader.store) == []


# --------------------------------------------------------------------------
# Item 14: a damaged store and a full disk end in one Error line with the cause and what to do.

DAMAGED = "is damaged (Corruption: "
REBUILD = "move it away and build it again with `unkg ingest` from your files"


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of the sample corpus with bad blocks in every table file."""
    store = sample_store(tmp_path_factory.mktemp("damaged") / "store")
    damage(store)
    return store


@pytest.mark.parametrize(
    "args",
    [["status"], ["export", "--format", "nq"], ["export", "--format", "trig"], ["export", "--format", "html"]],
    ids=" ".join,
)
def test_a_damaged_store_gives_one_error_line(damaged: Path, tmp_path: Path, args: list[str]) -> None:
    """status and export read every block: the damage, its file, and what to do; no traceback."""
    store = tmp_path / "store"
    shutil.copytree(damaged, store)
    line = one_error_line(unkg(*args, "--store", str(store)))
    assert line.startswith(f"Error: the store at {store} {DAMAGED}") and ".sst" in line and line.endswith(REBUILD)


def test_a_truncated_table_file_is_refused_at_open(healthy: Path, tmp_path: Path) -> None:
    """A table file cut short (a copy or a disk that stopped) is found when the store opens, by every command."""
    store = tmp_path / "store"
    shutil.copytree(healthy, store)
    table = max(store.glob("*.sst"), key=lambda p: p.stat().st_size)
    os.truncate(table, table.stat().st_size // 2)
    for args in (["status"], ["sparql", "ASK { ?s ?p ?o }"], ["lineage", "A/RES/61/165"], ["remove", "x.txt"]):
        line = one_error_line(unkg(*args, "--store", str(store)))
        assert DAMAGED in line and "size mismatch" in line and line.endswith(REBUILD), args


NO_SPACE = [
    OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)),
    # What pyoxigraph raises (RocksDB's message, no errno), as measured on a full tmpfs.
    OSError("IO error: No space left on device: While appending to file: /x/000008.log: No space left on device"),
]


@pytest.mark.parametrize("error", NO_SPACE, ids=["errno", "rocksdb"])
def test_a_full_disk_while_ingesting_gives_one_error_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError
) -> None:
    """The writer fails with ENOSPC: one line naming the store and what to do; the store opens afterwards."""
    store = tmp_path / "store"

    def full(*args: object) -> None:
        raise error

    monkeypatch.setattr(KnowledgeGraph, "_write_new", full)
    line = one_error_line(unkg("ingest", str(SAMPLE), "--store", str(store), "--quiet", "-j", "1"))
    assert line == (
        f"Error: the disk is full (No space left on device) while writing the store at {store}; free space and "
        "run the same command again: what the store held stays, and a file it had not finished is dropped and "
        "stored again"
    )
    monkeypatch.undo()
    assert unkg("ingest", str(SAMPLE), "--store", str(store), "--quiet", "-j", "1").exit_code == 0


def test_a_full_disk_while_storing_measures_or_writing_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """analyse's write and an export's output file: each one line; the output's names the file."""
    store = sample_store(tmp_path / "store")

    def full(*args: object) -> None:
        raise NO_SPACE[1]

    with monkeypatch.context() as m:
        m.setattr(net, "write_metrics", full)
        line = one_error_line(unkg("analyse", "--store", str(store)))
        assert line.startswith(f"Error: the disk is full (No space left on device) while writing the store at {store};")
    # In one process (click's runner), the failed command's traceback keeps its writable store object alive in a
    # reference cycle until the collector runs; RocksDB may then still compact under the next command's read-only
    # open. A real command ends its process after the Error line.
    gc.collect()
    out = tmp_path / "graph.nq"

    def write_bytes(self: Path, data: bytes) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))

    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    line = one_error_line(unkg("export", "--store", str(store), "-o", str(out)))
    assert line == f"Error: {out}: No space left on device; free space and run the same command again"


def test_errors_that_are_bugs_keep_their_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Only errors with a known cause become an Error line: any other stays an exception (a bug to report)."""
    store = sample_store(tmp_path / "store")

    def bug(*args: object) -> None:
        raise RuntimeError("something unexpected")

    monkeypatch.setattr(KnowledgeGraph, "status", bug)
    result = unkg("status", "--store", str(store))
    assert result.exit_code == 1 and isinstance(result.exception, RuntimeError)


# --------------------------------------------------------------------------
# Item 11: time- and memory-bound queries on the command line.

# 3,648 quads cubed: runs for hours, allocating nothing.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# 3,648 quads squared, sorted: ~13 million rows held in memory (several GB).
GREEDY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"


@dataclass
class Run:
    """A finished ``unkg`` process: its status, stderr, wall time and peak resident memory."""

    status: int
    stderr: str
    seconds: float
    peak_mib: float


def run_unkg(args: list[str], env: dict[str, str] | None = None, deadline: float = 60) -> Run:
    """``unkg ARGS`` in its own process (the watchdog ends the process it runs in), measured by wait4."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", "from unkg.cli import main; main()", *args],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env={**os.environ, **(env or {})},
        )
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:
            proc.kill()
            raise
        proc.returncode = os.waitstatus_to_exitcode(status)  # wait4 reaped it: tell Popen
        seconds = time.monotonic() - started
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace")
    assert seconds < deadline, (args, seconds, stderr)
    return Run(proc.returncode, stderr, seconds, usage.ru_maxrss / 1024)


def test_a_runaway_query_stops_at_the_timeout(healthy: Path) -> None:
    """sparql past --timeout (or UNKG_QUERY_TIMEOUT): one Error line, exit 1, at the timeout."""
    run = run_unkg(["sparql", ENDLESS, "--store", str(healthy), "--timeout", "1"])
    assert run.status == 1
    assert (
        run.stderr
        == "Error: the query ran past its time limit of 1 s (--timeout, UNKG_QUERY_TIMEOUT) and was stopped\n"
    )
    assert run.seconds < 15
    run = run_unkg(["sparql", ENDLESS, "--store", str(healthy)], env={"UNKG_QUERY_TIMEOUT": "0.5"})
    assert run.status == 1 and "time limit of 0.5 s" in run.stderr


def test_a_greedy_query_stops_at_the_memory_limit(healthy: Path) -> None:
    """sparql past --max-memory: one Error line, exit 1, the process's peak bounded (limit + what 50 ms allocates)."""
    baseline = run_unkg(["sparql", "ASK { ?s ?p ?o }", "--store", str(healthy)])
    assert baseline.status == 0
    run = run_unkg(["sparql", GREEDY, "--store", str(healthy), "--max-memory", "200"])
    assert run.status == 1
    assert run.stderr.startswith("Error: the query used more than its memory limit of 200 MiB (")
    assert run.stderr.endswith("MiB; --max-memory, UNKG_QUERY_MAX_MEMORY) and was stopped\n")
    assert run.peak_mib < baseline.peak_mib + 200 + 300, (baseline.peak_mib, run.peak_mib)


def test_count_on_a_damaged_store_is_stopped(damaged: Path, tmp_path: Path) -> None:
    """The issue's case: COUNT(*) over the union of a damaged store spins and grows; it ends in one Error line."""
    store = tmp_path / "store"
    shutil.copytree(damaged, store)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    run = run_unkg(["sparql", count, "--store", str(store), "--max-memory", "300", "--timeout", "20"], deadline=30)
    assert run.status == 1 and run.stderr.count("\n") == 1 and run.stderr.startswith("Error: "), run.stderr
    assert "memory limit of 300 MiB" in run.stderr or DAMAGED in run.stderr or "time limit" in run.stderr


@pytest.mark.parametrize(
    "args",
    [["query", "reports/lineage-step", "-p", "document", "A/RES/61/165"], ["lineage", "A/RES/61/165"]],
    ids=" ".join,
)
def test_query_and_lineage_take_the_limits(healthy: Path, args: list[str]) -> None:
    """query and lineage take --timeout and --max-memory; a query within them answers as before."""
    bounded = unkg(*args, "--store", str(healthy), "--timeout", "30", "--max-memory", "1000")
    unbounded = unkg(*args, "--store", str(healthy), "--timeout", "0", "--max-memory", "0")
    assert bounded.exit_code == 0 and bounded.stdout == unbounded.stdout and "A/RES/60/169" in bounded.stdout


def test_the_watchdog_sees_time_and_memory() -> None:
    """In process, with the process's end replaced by a record: past the timeout, past the memory."""
    seen: list[QueryLimit] = []
    with Watchdog(Limits(timeout=0.1), interval=0.01, on_breach=seen.append):
        time.sleep(0.5)
    assert [str(e) for e in seen] == [
        "the query ran past its time limit of 0.1 s (--timeout, UNKG_QUERY_TIMEOUT) and was stopped"
    ]
    seen.clear()
    with Watchdog(Limits(max_memory=64 * MIB), interval=0.01, on_breach=seen.append):
        block = bytearray(256 * MIB)  # zero-filled pages: touch them so they are resident
        for i in range(0, len(block), 4096):
            block[i] = 1
        time.sleep(0.2)
    del block
    assert len(seen) == 1 and "memory limit of 64 MiB" in str(seen[0])
    seen.clear()
    with Watchdog(Limits(timeout=5, max_memory=64 * MIB), interval=0.01, on_breach=seen.append):
        time.sleep(0.1)
    assert seen == []


def test_explain_names_the_causes_it_knows(tmp_path: Path) -> None:
    """RocksDB's damage and I/O reports, a full disk by errno, a lock; None for what says nothing of the store."""
    store = tmp_path / "store"
    cases = {
        RuntimeError("Corruption: block checksum mismatch in /s/000049.sst"): (StoreCorrupt, "is damaged"),
        OSError(errno.ENOSPC, "No space left on device"): (DiskFull, "the disk is full"),
        OSError("IO error: No space left on device: While appending to file: /s/1.log"): (DiskFull, "disk is full"),
        OSError("IO error: While lock file: /s/LOCK: Resource temporarily unavailable"): (
            StoreUnavailable,
            "in use by another process",
        ),
        OSError("IO error: While open a file for random read: /s/7.sst: Permission denied"): (
            StoreError,
            "cannot be read or written",
        ),
    }
    for error, (kind, words) in cases.items():
        found = explain(error, store)
        assert isinstance(found, kind) and words in str(found) and str(store) in str(found), error
    for error in (RuntimeError("a bug"), OSError(errno.ENOSPC, "No space left on device", "out.nq"), ValueError()):
        assert explain(error, store) is None, error


def test_the_count_check_is_exact_beside_graphs_of_other_kinds() -> None:
    """A graph that is neither a file's nor a shared one takes the one-by-one path, which still finds only file graphs."""
    store = ox.Store()
    s, p = ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p")
    marked, unmarked = (ox.NamedNode(iri.graph(f"/corpus/{n}.txt")) for n in ("a", "b"))
    store.add(ox.Quad(s, SHA256, ox.Literal("0" * 64), marked))
    store.add(ox.Quad(s, p, ox.Literal("x"), ox.NamedNode(iri.DOCUMENTS_GRAPH)))
    store.add(ox.Quad(s, p, ox.Literal("x"), ox.NamedNode(iri.LOG_GRAPH)))
    assert unfinished_graphs(store) == []
    store.add(ox.Quad(s, p, ox.Literal("x"), ox.NamedNode("https://example.org/graph/other")))
    assert unfinished_graphs(store) == []
    store.add(ox.Quad(s, p, ox.Literal("x"), unmarked))
    assert unfinished_graphs(store) == [unmarked]


def test_serve_refuses_a_store_with_unmarked_graphs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``unkg serve`` opens the store itself (read-only, per server process): it refuses such a store too."""
    store = interrupted_store(tmp_path / "store", monkeypatch)
    serve = subprocess.run(
        [str(Path(sys.executable).with_name("unkg")), "serve", "--store", str(store), "--port", "0"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert serve.returncode == 1
    lines = serve.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "unfinished" in lines[0], serve.stderr
