"""The command line as a scholar meets it: forgiving look-ups, tables that fit, errors that are messages."""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import time
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from tests.conftest import SAMPLE

from unkg.cli import cli

UNKG = str(Path(sys.executable).with_name("unkg"))
WIDTH = 100


def unkg(*args: str, **env: str) -> Result:
    """Run a command in this process at the width of the tests' terminal."""
    result = CliRunner().invoke(cli, list(args), env={"COLUMNS": str(WIDTH), **env})
    if result.exc_info is not None:  # the store of a failed command, kept alive by its traceback's frames, is
        traceback.clear_frames(result.exc_info[2])  # closed before the next command opens it (a real command
    gc.collect()  # ends its process)
    return result


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The sample corpus, stored."""
    path = tmp_path_factory.mktemp("cli") / "store"
    result = unkg("ingest", str(SAMPLE), "--store", str(path), "-j", "1")
    assert result.exit_code == 0, result.output
    return str(path)


def rows(result: Result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --------------------------------------------------------------------------
# Look-ups.
@pytest.mark.parametrize(
    "typed",
    ["A/RES/61/165", "a/res/61/165", "A/RES/61/ 165", "resolution 61/165", "General Assembly resolution 61/165"],
)
def test_query_takes_a_document_as_typed(store: str, typed: str) -> None:
    """`query cites -p document` gives the same 22 citations however A/RES/61/165 is typed."""
    found = rows(unkg("query", "cites", "-p", "document", typed, "--store", store, "--format", "json"))
    assert len(found) == 22 and {r["document"] for r in found} == {"https://w3id.org/unkg/doc/A/RES/61/165"}


@pytest.mark.parametrize("typed", ["ICRMW", "icrmw", "Migrant Workers Convention", "the migrant workers convention"])
def test_query_takes_an_instrument_by_key_or_alias(store: str, typed: str) -> None:
    """`query cited-by -p cited` finds the 7 citations of the Migrant Workers Convention by key or alias."""
    found = rows(unkg("query", "cited-by", "-p", "cited", typed, "--store", store, "--format", "json"))
    assert len(found) == 7 and {r["cited"] for r in found} == {"https://w3id.org/unkg/instrument/ICRMW"}


def test_query_refuses_a_work_the_store_does_not_hold(store: str) -> None:
    """A/RES/99/999: exit 1, one line saying so with the nearest works, no table."""
    result = unkg("query", "cites", "-p", "document", "A/RES/99/999", "--store", store)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: -p document: A/RES/99/999 is not in the store (no file of the corpus is it, none cites it); "
        "did you mean A/RES/60/169?\n"
    )


def test_query_refuses_text_that_names_no_work(store: str) -> None:
    """Words that are no work: exit 1, with candidates by name."""
    result = unkg("query", "cited-by", "-p", "cited", "Convention on migrant", "--store", store)
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: -p cited: 'Convention on migrant' names no work: neither a document symbol, a resolution or "
        "decision as texts cite it, nor an instrument's key, abbreviation or name; did you mean ICRMW?\n"
    )


def test_a_work_the_registry_holds_says_how_to_fetch_it(store: str) -> None:
    """S/RES/1325(2000) is not in the sample store but is in the registry: the message gives the fetch command."""
    result = unkg("lineage", "Security Council resolution 1325 (2000)", "--store", store)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: S/RES/1325(2000) is not in the store (no file of the corpus is it, none cites it); the registry "
        "holds it: `unkg fetch 'S/RES/1325(2000)' --ingest` brings it into the store\n"
    )


def test_lineage_takes_a_resolution_as_typed(store: str) -> None:
    """`lineage a/res/61/165` is the lineage of A/RES/61/165, headed by its canonical symbol."""
    typed, canonical = (
        unkg("lineage", "a/res/61/165", "--store", store),
        unkg("lineage", "A/RES/61/165", "--store", store),
    )
    assert typed.exit_code == 0 and typed.stdout == canonical.stdout
    assert typed.stdout.startswith("A/RES/61/165  Protection of migrants (2006-12-19)\n├── A/RES/60/169")


def test_lineage_refuses_a_resolution_the_store_does_not_hold(store: str) -> None:
    """Exit 1, nothing on stdout."""
    result = unkg("lineage", "A/RES/99/999", "--store", store)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith("Error: A/RES/99/999 is not in the store (no file of the corpus is it")


def test_analyse_takes_works_as_typed(store: str) -> None:
    """--lineage and --work read what is typed; the tables name the canonical works."""
    result = unkg("analyse", "--store", store, "--no-write", "--lineage", "resolution 61/165", "--work", "icrmw")
    assert result.exit_code == 0, result.output
    assert "Main path through A/RES/61/165:\n" in result.stdout
    assert "Citing documents of ICRMW by year\n" in result.stdout


def test_analyse_refuses_works_before_any_table(store: str) -> None:
    """A work not in the store, or in it but cited by nothing: one line, quoted once, exit 1, no table printed."""
    result = unkg("analyse", "--store", store, "--no-write", "--lineage", "a/res/99/1")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: --lineage: A/RES/99/1 is not in the store (no file of the corpus is it, none cites it); "
        "did you mean A/RES/61/165, A/RES/60/169, A/RES/58/208?\n"
    )
    result = unkg("analyse", "--store", store, "--no-write", "--work", "ICCPR-OP2")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr == (
        "Error: --work: ICCPR-OP2 is in the store but not in the citation network (nothing cites it)\n"
    )


# --------------------------------------------------------------------------
# Tables.
def table_commands(store: str) -> list[list[str]]:
    """Every command that prints a table, each stored query with parameters the sample store answers."""
    from unkg.queries import load_queries

    values = {"document": "A/RES/61/165", "cited": "ICRMW", "citing": "A/RES/61/165", "instrument": "ICRMW",
              "resolution": "A/RES/61/165", "paragraph": "op3"}  # fmt: skip
    commands = [["query"], ["analyse", "--no-write", "--lineage", "A/RES/61/165", "--work", "ICRMW"]]
    for name, stored in load_queries().items():
        args = ["query", name]
        for p in stored.params:
            args += ["-p", p.name, values[p.name]]
        if name == "reports/edge-provenance":
            args[-1] = "A/RES/60/169"
        commands.append(args)
    commands.append(["sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"])
    commands.append(["registry", "--search", "protection of migrants"])
    commands += [["validate"], ["status", "--files"]]
    return [[*c, "--store", store] if c[0] != "registry" else c for c in commands]


def test_every_table_fits_100_columns(store: str) -> None:
    """Each table of the CLI on the sample corpus: no line past 100 columns, and something shown."""
    for args in table_commands(store):
        result = unkg(*args)
        assert result.exit_code == 0, (args, result.output)
        lines = result.stdout.splitlines()
        assert lines, args
        wide = [line for line in lines if len(line) > WIDTH]
        assert not wide, (args, wide[:3])


def test_a_table_shows_works_by_symbol_and_wraps_quotes(store: str) -> None:
    """cites: the document said once, works by symbol, no IRI, the quote wrapped within its column."""
    out = unkg("query", "cites", "-p", "document", "A/RES/61/165", "--store", store).stdout
    assert "https://" not in out
    lines = out.splitlines()
    assert lines[0] == "document: A/RES/61/165"
    assert lines[1].split() == ["work", "verb", "paragraph", "footnote", "text", "start", "end"]
    assert "ICRMW                  recalls                pp4                  International         1366   1475" in out
    assert lines[-1] == "(22 rows)"


def test_a_quote_with_a_line_break_keeps_the_layout(store: str) -> None:
    """cited-by ICRMW: the quotes hold line breaks; every line still starts in a column of the table."""
    out = unkg("query", "cited-by", "-p", "cited", "ICRMW", "--store", store).stdout
    lines = out.splitlines()
    assert lines[0] == "cited: ICRMW" and lines[-1] == "(7 rows)"
    starts = {len(line) - len(line.lstrip()) for line in lines[3:-1]}
    text_column = lines[1].index("text")
    assert starts <= {0, text_column}, starts


def test_iris_and_machine_formats_keep_iris_and_numbers(store: str) -> None:
    """--iris shows IRIs in the table; JSON has numbers as numbers; CSV has the IRIs whole."""
    out = unkg("query", "cites", "-p", "document", "A/RES/61/165", "--store", store, "--iris").stdout
    assert "https://w3id.org/unkg/" in out and "document:" not in out
    found = rows(unkg("query", "cites", "-p", "document", "A/RES/61/165", "--store", store, "--format", "json"))
    icrmw = next(r for r in found if r["work"] == "ICRMW")
    assert (
        icrmw["start"] == 1366 and icrmw["end"] == 1475 and icrmw["cited"] == "https://w3id.org/unkg/instrument/ICRMW"
    )
    top = rows(unkg("query", "most-cited", "--store", store, "--format", "json"))[0]
    assert top == {"work": "https://w3id.org/unkg/instrument/ICRMW", "name": "ICRMW", "citingDocuments": 4,
                   "citations": 7}  # fmt: skip
    csv = unkg("query", "cites", "-p", "document", "A/RES/61/165", "--store", store, "--format", "csv").stdout
    assert csv.splitlines()[0] == "document,cited,work,verb,paragraph,footnote,text,start,end"
    assert "https://w3id.org/unkg/doc/A/RES/61/165,https://w3id.org/unkg/doc/A/RES/60/169,A/RES/60/169" in csv


def test_a_table_too_wide_reads_one_record_per_row(store: str) -> None:
    """edge-provenance has 13 columns: one record, each value whole or wrapped, none cut."""
    out = unkg("query", "edge-provenance", "-p", "citing", "A/RES/61/165", "-p", "cited", "A/RES/60/169",
               "--store", store).stdout  # fmt: skip
    lines = out.splitlines()
    assert lines[0].startswith("── 1 of 1 ──")
    assert "citing     A/RES/61/165" in lines and "text       resolution 60/169" in lines and "start      291" in lines
    assert "…" not in out and lines[-1] == "(1 row)"


def test_one_row_is_one_row(store: str) -> None:
    """'(1 row)', not '(1 rows)'."""
    out = unkg("sparql", "SELECT ?n WHERE { BIND(1 AS ?n) }", "--store", store).stdout
    assert out.splitlines()[-1] == "(1 row)"


# --------------------------------------------------------------------------
# Errors that are messages.
def test_analyse_and_remove_refuse_a_missing_store(tmp_path: Path) -> None:
    """As the reading commands do: exit 1, one line, nothing created."""
    for args in (["analyse"], ["remove", "x.txt"], ["lineage", "A/RES/61/165"]):
        result = unkg(*args, "--store", str(tmp_path / "none"))
        assert result.exit_code == 1 and result.stdout == "", args
        assert result.stderr == f"Error: {tmp_path / 'none'}: no unkg store here (run `unkg ingest` first)\n", args
    assert not (tmp_path / "none").exists()


def test_one_citation_is_one_citation(tmp_path: Path) -> None:
    """The report says '1 citation of 1 work'."""
    text = tmp_path / "one.txt"
    text.write_text("The General Assembly,\n\nRecalling its resolution 60/169,\n", encoding="utf-8")
    out = unkg("extract", str(text)).stdout
    assert "   1 citation of 1 work\n" in out


def test_ingest_off_a_terminal_prints_no_progress_label(tmp_path: Path) -> None:
    """stderr is no terminal: no bare 'ingesting' line."""
    result = unkg("ingest", str(SAMPLE / "A_RES_61_165.txt"), "--store", str(tmp_path / "s"), "-j", "1")
    assert result.exit_code == 0 and result.stderr == ""
    assert re.fullmatch(r"added 1, replaced 0, unchanged 0, failed 0; \d+ quads written\n", result.stdout)


def test_serve_help_says_writes_are_refused() -> None:
    """serve --help no longer claims that an ingest waits."""
    out = " ".join(unkg("serve", "--help").stdout.split())
    assert "waits" not in out
    assert (
        "While it runs, the commands that write the store (ingest, remove, analyse) are refused, with the "
        "server's process named: stop the server, write, then start it again." in out
    )


def test_a_write_while_the_server_reads_names_the_server(store: str, tmp_path: Path) -> None:
    """ingest, remove, analyse while `unkg serve` holds the store: who holds it and what to do, exit 1."""
    from tests.test_install import free_port

    port = free_port()
    # two server processes: whichever of the three holds the lock, the `unkg serve` above them is named
    server = subprocess.Popen([UNKG, "serve", "--store", store, "--port", str(port), "--workers", "2"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        assert server.stderr is not None
        assert server.stderr.readline().startswith("unkg: serving")
        time.sleep(1.5)  # the server processes have the store open
        expected = (
            f"Error: {store}: the store is being read by process {server.pid} "
            f"(`unkg serve --store {store} --port {port} --workers 2`), and a command that writes (ingest, remove, analyse) "
            f"needs it alone; stop the server (Ctrl-C where it runs, or `kill {server.pid}`), run this command "
            "again, then start it again\n"
        )
        for args in (["ingest", str(SAMPLE)], ["remove", "x.txt"], ["analyse"]):
            done = subprocess.run([UNKG, *args, "--store", store], capture_output=True, text=True, check=False,
                                  env={**os.environ, "COLUMNS": "100"})  # fmt: skip
            assert done.returncode == 1 and done.stdout == "", args
            assert done.stderr == expected, args
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()



def test_lineage_quotes_the_fetch_command_for_the_shell(tmp_path) -> None:
    """A step not in the corpus is given with a fetch command a shell can run as printed."""
    from click.testing import CliRunner

    from unkg.cli import cli

    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "S_RES_2242_2015.txt").write_text(
        "Resolution 2242 (2015)\n\nAdopted by the Security Council at its 7533rd meeting, on 13 October 2015\n\n"
        "The Security Council,\n\nRecalling its resolution 1325 (2000),\n\n1. Decides to remain seized.\n",
        encoding="utf-8",
    )
    store = str(tmp_path / "store")
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", str(folder), "--store", store, "--quiet", "-j", "1"]).exit_code == 0
    out = runner.invoke(cli, ["lineage", "S/RES/2242(2015)", "--store", store])
    assert out.exit_code == 0, out.output
    assert "not in the corpus: `unkg fetch 'S/RES/1325(2000)'`" in out.output
