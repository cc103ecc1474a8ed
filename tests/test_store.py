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
from unkg.store import KnowledgeGraph


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


def test_independent_ingests_agree(tmp_path: Path, corpus: Path) -> None:
    """Two fresh stores built from the same files hold the same quads (IRIs are derived, not minted)."""
    a, b = KnowledgeGraph(tmp_path / "a"), KnowledgeGraph(tmp_path / "b")
    a.ingest([str(corpus)])
    b.ingest([str(corpus)])
    assert nquads(a) == nquads(b)


def test_changed_file_changes_only_its_graph(tmp_path: Path, corpus: Path) -> None:
    """Editing one file replaces its graph; every other graph is untouched."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    changed = corpus / "A_58_275_page21.txt"
    graph = iri.graph(str(changed))

    def others() -> list[str]:
        return [line for line in nquads(kg) if not line.endswith(f"<{graph}> .")]

    before_others = others()
    before_graph = [line for line in nquads(kg) if line.endswith(f"<{graph}> .")]
    changed.write_text(changed.read_text(encoding="utf-8") + "\nSee also A/HRC/14/15.\n", encoding="utf-8")
    report = kg.ingest([str(corpus)])
    assert report.replaced == [str(changed)] and len(report.skipped) == 4
    after_graph = [line for line in nquads(kg) if line.endswith(f"<{graph}> .")]
    assert others() == before_others
    assert after_graph != before_graph
    assert any("A/HRC/14/15" in line for line in after_graph)


def test_remove_deletes_exactly_one_file(tmp_path: Path, corpus: Path) -> None:
    """remove drops one file's graph and nothing else."""
    kg = KnowledgeGraph(tmp_path / "store")
    kg.ingest([str(corpus)])
    target = str(corpus / "A_RES_61_165.txt")
    graph = f"<{iri.graph(target)}> ."
    before = [line for line in nquads(kg) if not line.endswith(graph)]
    assert kg.remove([target]) == [target]
    assert nquads(kg) == before
    assert kg.stored_sha256(target) is None


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
    for i in range(300):
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
    time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    recovered = KnowledgeGraph(killed)
    partial = len(recovered.files())
    recovered.ingest([str(folder)], jobs=1)
    clean = KnowledgeGraph(tmp_path / "clean")
    clean.ingest([str(folder)], jobs=1)
    assert partial < 300, "the ingest finished before it could be killed; the test proves nothing"
    assert nquads(recovered) == nquads(clean)
