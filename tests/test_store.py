"""The knowledge-graph store: idempotent, atomic, per-file ingest."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from tests.conftest import SAMPLE

from unkg import iri
from unkg.rdf import document_quads
from unkg.store import KnowledgeGraph, StoreUnavailable


def nquads(kg: KnowledgeGraph, without_log: bool = True) -> list[str]:
    """The store as sorted N-Quads lines (the ingest log holds times, so it is left out when asked)."""
    log = iri.LOG_GRAPH
    return sorted(
        f"{q} ."
        for q in kg.store
        if not (without_log and isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == log)
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A copy of the sample corpus that tests may change."""
    folder = tmp_path / "corpus"
    shutil.copytree(SAMPLE, folder)
    return folder


def test_reingest_is_byte_for_byte_equal(tmp_path: Path, corpus: Path) -> None:
    """Ingesting the same files again skips them and leaves N-Quads identical, log included."""
    kg = KnowledgeGraph(tmp_path / "store")
    first = kg.ingest([str(corpus)])
    assert len(first.added) == 5 and first.ok
    before = nquads(kg, without_log=False)
    again = kg.ingest([str(corpus)])
    assert len(again.skipped) == 5 and not again.added and not again.replaced
    assert nquads(kg, without_log=False) == before


def test_a_new_extractor_extracts_unchanged_files_again(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade (another extractor fingerprint) unchanged files are extracted again, not skipped:
    a store never keeps what an old extractor found beside what the new one finds."""
    import unkg.rdf
    import unkg.store

    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    old = kg.stored_extractor(str(corpus / "A_RES_61_165.txt"))
    assert old is not None and old.count("+") == 1
    for module in (unkg.rdf, unkg.store):
        monkeypatch.setattr(module, "extractor_version", lambda: "9.9.9+newer")
    again = kg.ingest([str(corpus)])
    assert len(again.replaced) == 5 and not again.skipped
    assert kg.stored_extractor(str(corpus / "A_RES_61_165.txt")) == "9.9.9+newer"
    assert len(kg.ingest([str(corpus)]).skipped) == 5


def test_independent_ingests_agree(tmp_path: Path, corpus: Path) -> None:
    """Two fresh stores built from the same files hold the same quads (IRIs are derived, not minted)."""
    a, b = KnowledgeGraph(tmp_path / "a"), KnowledgeGraph(tmp_path / "b")
    a.ingest([str(corpus)])
    b.ingest([str(corpus)])
    assert nquads(a) == nquads(b)


DOCS = f"<{iri.DOCUMENTS_GRAPH}> ."


def description(symbol: str) -> list[str]:
    """The N-Quads lines of the documents graph's description of one symbol."""
    return sorted(f"{q} ." for q in document_quads(symbol))


def test_changed_file_changes_only_its_graph(tmp_path: Path, corpus: Path) -> None:
    """Editing one file replaces its graph; other files' graphs are untouched.

    The shared documents graph changes by exactly the description of the
    document the new version cites for the first time.
    """
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    changed = corpus / "A_58_275_page21.txt"
    graph = f"<{iri.graph(str(changed))}> ."

    def others() -> list[str]:
        return [line for line in nquads(kg) if not line.endswith((graph, DOCS))]

    def of(name: str) -> list[str]:
        return [line for line in nquads(kg) if line.endswith(name)]

    before_others, before_graph, before_docs = others(), of(graph), of(DOCS)
    changed.write_text(changed.read_text(encoding="utf-8") + "\nSee also A/HRC/14/15.\n", encoding="utf-8")
    report = kg.ingest([str(corpus)])
    assert report.replaced == [str(changed)] and len(report.skipped) == 4
    after_graph = of(graph)
    assert others() == before_others
    assert after_graph != before_graph
    assert any("A/HRC/14/15" in line for line in after_graph)
    assert sorted(set(of(DOCS)) - set(before_docs)) == description("A/HRC/14/15")
    assert set(before_docs) <= set(of(DOCS))


def test_replaced_file_takes_its_last_descriptions_with_it(tmp_path: Path, corpus: Path) -> None:
    """A document cited only by the old version of a file loses its description; one cited elsewhere keeps it."""
    kg = KnowledgeGraph(tmp_path / "store")
    path = corpus / "A_58_275_page21.txt"
    path.write_text("Recalling its resolution 60/169 and resolution 58/999,\n", encoding="utf-8")
    kg.ingest([str(corpus)])
    lines = nquads(kg)
    assert set(description("A/RES/58/999")) <= set(lines)
    path.write_text("Recalling its resolution 60/169,\n", encoding="utf-8")
    assert kg.ingest([str(corpus)]).replaced == [str(path)]
    lines = nquads(kg)
    assert not any("A/RES/58/999" in line for line in lines)
    assert set(description("A/RES/60/169")) <= set(lines)  # A_RES_61_165 cites it too
    fresh = KnowledgeGraph(tmp_path / "fresh")
    fresh.ingest([str(corpus)])
    assert lines == nquads(fresh)


def test_remove_deletes_exactly_one_file(tmp_path: Path, corpus: Path) -> None:
    """remove drops one file's graph and the descriptions only it needed: the store is then a clean ingest of the rest."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    target = corpus / "A_RES_61_165.txt"
    graph = f"<{iri.graph(str(target))}> ."
    before = [line for line in nquads(kg) if not line.endswith((graph, DOCS))]
    assert kg.remove([str(target)]) == [str(target)]
    assert [line for line in nquads(kg) if not line.endswith(DOCS)] == before
    assert kg.stored_sha256(str(target)) is None
    rest = tmp_path / "rest"
    shutil.copytree(corpus, rest)
    (rest / target.name).unlink()
    clean = KnowledgeGraph(tmp_path / "clean")
    clean.ingest([str(rest)])
    assert [line for line in nquads(kg) if line.endswith(DOCS)] == [
        line for line in nquads(clean) if line.endswith(DOCS)
    ]
    assert not any("A/RES/61/165>" in line for line in nquads(kg) if line.endswith(DOCS))


def test_bad_files_are_reported_and_never_loaded(tmp_path: Path, corpus: Path) -> None:
    """An unreadable file is reported; it gets no graph; the others load."""
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "blob.bin").write_bytes(bytes(range(256)) * 40)
    kg = KnowledgeGraph(tmp_path / "store")
    report = kg.ingest([str(corpus)])
    assert sorted(Path(p).name for p, _ in report.failed) == ["blob.bin", "empty.txt"]
    assert len(report.added) == 5
    assert kg.stored_sha256(str(corpus / "empty.txt")) is None
    assert {Path(p).name for p, _ in kg.files()} == {p.name for p in SAMPLE.glob("*.txt")}


def test_failed_reingest_keeps_the_old_graph(tmp_path: Path, corpus: Path) -> None:
    """A file that becomes unreadable keeps its last good graph."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    path = corpus / "A_59_377_page19.txt"
    before = nquads(kg)
    path.write_bytes(b"")
    report = kg.ingest([str(corpus)])
    assert [Path(p).name for p, _ in report.failed] == ["A_59_377_page19.txt"]
    assert nquads(kg) == before


def test_status_counts(tmp_path: Path, corpus: Path) -> None:
    """status says how many files, documents, citations and instruments the store holds."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    status = kg.status()
    assert status["files"] == 5
    assert status["citations"] == 47
    assert status["instruments"] >= 55


@pytest.mark.slow
def test_sigkill_midway_then_ingest_equals_clean_ingest(tmp_path: Path) -> None:
    """Killing an ingest with SIGKILL part way, then ingesting again, gives the clean store."""
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))]
    # Enough files that the ingest is still running when it is killed, however fast the machine (300 files were
    # all stored within the second this test used to wait, on a quiet machine).
    files = 1500
    for i in range(files):
        (folder / f"doc{i:04d}.txt").write_text(f"See A/{i % 80 + 1}/{i}.\n" + texts[i % len(texts)], encoding="utf-8")
    killed = tmp_path / "killed"
    cmd = [
        sys.executable,
        "-c",
        "from unkg.cli import main; main()",
        "ingest",
        str(folder),
        "--store",
        str(killed),
        "--quiet",
        "-j",
        "1",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(killed.glob("*")):
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    recovered = KnowledgeGraph(killed)
    partial = len(recovered.files())
    recovered.ingest([str(folder)], jobs=1)
    clean = KnowledgeGraph(tmp_path / "clean")
    clean.ingest([str(folder)], jobs=1)
    assert partial < files, "the ingest finished before it could be killed; the test proves nothing"
    assert nquads(recovered) == nquads(clean)


def test_crash_between_bulk_load_and_markers_is_recovered(
    tmp_path: Path, corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Graphs bulk-loaded but never marked complete are invisible as files and dropped at the next open."""
    kg = KnowledgeGraph(tmp_path / "store")

    class Crash(Exception):
        pass

    def crash(*args: object) -> list[ox.Quad]:
        raise Crash

    monkeypatch.setattr(kg, "_markers", crash)  # dies after the bulk load, before the markers
    with pytest.raises(Crash):
        kg.ingest([str(corpus)])
    assert kg.files() == []
    assert any(g.value.startswith(iri.GRAPH + "file/") for g in kg.store.named_graphs())  # half-written
    kg.close()
    reopened = KnowledgeGraph(tmp_path / "store")
    assert not any(
        q.graph_name.value.startswith(iri.GRAPH + "file/") or q.graph_name.value == iri.DOCUMENTS_GRAPH
        for q in reopened.store
        if isinstance(q.graph_name, ox.NamedNode)
    )
    reopened.ingest([str(corpus)])
    clean = KnowledgeGraph(tmp_path / "clean")
    clean.ingest([str(corpus)])
    assert nquads(reopened) == nquads(clean)


def test_read_only_handle_reads_and_closes(tmp_path: Path, corpus: Path) -> None:
    """A read-only handle sees the stored files, refuses writes, and closes cleanly as a context manager."""
    with KnowledgeGraph(tmp_path / "store") as kg:
        kg.ingest([str(corpus)])
        expected = kg.files()
    with KnowledgeGraph(tmp_path / "store", read_only=True) as ro:
        assert ro.files() == expected
        with pytest.raises(RuntimeError, match="read-write"):
            ro.store.update("INSERT DATA { <https://example.org/s> <https://example.org/p> 1 }")


def test_readers_and_writers_exclude_each_other(tmp_path: Path, corpus: Path) -> None:
    """A read-only handle cannot open while another process writes, and keeps writers out while open."""
    with KnowledgeGraph(tmp_path / "store") as kg:
        kg.ingest([str(corpus)])
    writer = "from unkg.store import KnowledgeGraph, StoreUnavailable; import sys, time; k = KnowledgeGraph(sys.argv[1]); print('open', flush=True); time.sleep(30)"
    proc = subprocess.Popen([sys.executable, "-c", writer, str(tmp_path / "store")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "open"
        with pytest.raises(StoreUnavailable, match="open for writing by another process"):
            KnowledgeGraph(tmp_path / "store", read_only=True)
    finally:
        proc.kill()
        proc.wait()
        assert proc.stdout is not None
        proc.stdout.close()
    with KnowledgeGraph(tmp_path / "store", read_only=True) as ro:
        opener = "from unkg.store import KnowledgeGraph, StoreUnavailable; import sys; KnowledgeGraph(sys.argv[1])"
        result = subprocess.run([sys.executable, "-c", opener, str(tmp_path / "store")], capture_output=True, text=True)
        assert result.returncode != 0 and "lock" in result.stderr.lower()
        assert len(ro.files()) == 5


def test_read_only_needs_a_store(tmp_path: Path) -> None:
    """Opening a folder that holds no store read-only is a clear error, and creates nothing."""
    with pytest.raises(StoreUnavailable, match="no unkg store here"):
        KnowledgeGraph(tmp_path / "nothing", read_only=True)
    assert not (tmp_path / "nothing").exists()


def test_cli_reading_commands_say_when_there_is_no_store(tmp_path: Path) -> None:
    """status, query, export on a folder without a store: exit 1, one clear line, nothing created."""
    from click.testing import CliRunner

    from unkg.cli import cli

    for args in (["status"], ["query", "most-cited"], ["export", "--format", "nq"]):
        result = CliRunner().invoke(cli, [*args, "--store", str(tmp_path / "none")])
        assert result.exit_code == 1, args
        assert "no unkg store here (run `unkg ingest` first)" in result.output, args
    assert not (tmp_path / "none").exists()
