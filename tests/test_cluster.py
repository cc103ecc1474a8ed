"""extract and ingest --cluster: reading on the workers of a real Dask LocalCluster (worker processes here).

One cluster of two worker processes (one thread each, no dashboard) serves
the module; a file whose workers all die is given up after two deaths
(``allowed-failures`` 1) instead of four, to keep the test short.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zlib
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from tests.conftest import SAMPLE
from tests.test_hostile_files import ABORTED, PAGE_TEXT, pdf_with_stream

from unkg import iri
from unkg.cli import cli
from unkg.store import KnowledgeGraph, unfinished_graphs

dask = pytest.importorskip("dask", reason="the 'cluster' extra (make setup installs it)")
distributed = pytest.importorskip("distributed", reason="the 'cluster' extra (make setup installs it)")

FORMATS = Path(__file__).parent / "fixtures" / "formats"
UNKG = str(Path(sys.executable).with_name("unkg"))
MiB = 1024 * 1024


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a LocalCluster of 2 worker processes, 1 thread each, for the whole module."""
    config = {"distributed.scheduler.allowed-failures": 1}
    with (
        dask.config.set(config),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            scheduler_port=0,
            dashboard_address=None,  # no dashboard; the scheduler's HTTP server (health, metrics) on a free port
            scheduler_kwargs={"dashboard_address": ":0"},
        ) as local,
    ):
        yield local.scheduler_address


def worker_pids(address: str) -> list[int]:
    with distributed.Client(address, set_as_default=False) as client:
        return sorted(client.run(os.getpid).values())


def nquads(store: Path) -> list[str]:
    """The store as sorted N-Quads lines, without the ingest log (it holds times)."""
    with KnowledgeGraph(store, read_only=True) as kg:
        return sorted(
            f"{q} ."
            for q in kg.store
            if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == iri.LOG_GRAPH)
        )


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Plain text, PDF, Word and HTML files, and two that cannot be read (an empty file, a scanned PDF)."""
    folder = tmp_path_factory.mktemp("mixed")
    for path in sorted(SAMPLE.glob("*.txt")):
        shutil.copy(path, folder / path.name)
    for name in ("A_RES_61_165.pdf", "A_59_377_page19.docx", "A_59_377_page19.html", "bad_scanned.pdf"):
        shutil.copy(FORMATS / name, folder / name)
    (folder / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """160 distinct texts (10 tasks of 16), long enough to run while a worker is killed."""
    folder = tmp_path_factory.mktemp("many")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))]
    for i in range(160):
        (folder / f"doc{i:03d}.txt").write_text(f"See A/{i % 80 + 1}/{i}.\n" + texts[i % len(texts)], encoding="utf-8")
    return folder


def test_cluster_ingest_stores_what_the_local_ingest_stores(tmp_path: Path, cluster: str, mixed: Path) -> None:
    """ingest --cluster and ingest -j 2 of the same files give the same store, and fail the same files."""
    local = KnowledgeGraph(tmp_path / "local")
    expected = local.ingest([str(mixed)], jobs=2)
    local.close()
    result = CliRunner().invoke(
        cli, ["ingest", "--quiet", "--cluster", cluster, "--store", str(tmp_path / "c"), str(mixed)]
    )
    assert result.exit_code == 1, result.output
    assert "added 8, replaced 0, unchanged 0, failed 2" in result.stdout
    for path, reason in expected.failed:
        assert f"unkg: {path}: {reason}" in result.stderr
    assert {Path(p).name for p, _ in expected.failed} == {"empty.txt", "bad_scanned.pdf"}
    assert nquads(tmp_path / "c") == nquads(tmp_path / "local")


def test_sent_bytes_give_the_same_store(tmp_path: Path, cluster: str, mixed: Path) -> None:
    """ingest --cluster --send-files (the workers never open the files) stores the same quads."""
    sent = KnowledgeGraph(tmp_path / "sent")
    report = sent.ingest([str(mixed)], cluster=cluster, send_bytes=True)
    sent.close()
    assert len(report.added) == 8 and len(report.failed) == 2
    local = KnowledgeGraph(tmp_path / "local")
    local.ingest([str(mixed)], jobs=1)
    local.close()
    assert nquads(tmp_path / "sent") == nquads(tmp_path / "local")


def test_cluster_extract_prints_what_local_extract_prints(
    tmp_path: Path, cluster: str, mixed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """extract --cluster, by path (relative to this folder, not the workers') or sent, equals extract -j 1."""
    monkeypatch.chdir(mixed.parent)
    runner = CliRunner()
    args = ["extract", "--format", "jsonl", mixed.name]
    local = runner.invoke(cli, args)
    by_path = runner.invoke(cli, [*args, "--cluster", cluster])
    sent = runner.invoke(cli, [*args, "--cluster", cluster, "--send-files"])
    assert local.exit_code == by_path.exit_code == sent.exit_code == 1
    assert len(local.stdout.splitlines()) == 10
    assert by_path.stdout == local.stdout and sent.stdout == local.stdout
    assert by_path.stderr == local.stderr and sent.stderr == local.stderr
    assert f"unkg: {mixed.name}/empty.txt: " in local.stderr


def test_a_worker_killed_mid_ingest_loses_nothing(tmp_path: Path, cluster: str, many: Path) -> None:
    """SIGKILL to a worker after the third file: the ingest completes, every graph whole, equal to a local one."""
    victim = worker_pids(cluster)[0]
    done: list[str] = []

    def progress(path: str, state: str) -> None:
        done.append(state)
        if len(done) == 3:
            os.kill(victim, signal.SIGKILL)

    kg = KnowledgeGraph(tmp_path / "c")
    report = kg.ingest([str(many)], cluster=cluster, progress=progress, batch_quads=1)  # each file loaded as it comes
    assert report.ok and len(report.added) == 160
    assert unfinished_graphs(kg.store) == []
    kg.close()
    assert victim not in worker_pids(cluster)  # it was killed, and its nanny started another
    again = KnowledgeGraph(tmp_path / "c").ingest([str(many)], cluster=cluster)
    assert len(again.skipped) == 160
    local = KnowledgeGraph(tmp_path / "local")
    local.ingest([str(many)], jobs=2)
    local.close()
    assert nquads(tmp_path / "c") == nquads(tmp_path / "local")


@pytest.mark.slow
def test_an_ingest_killed_mid_run_then_again_equals_a_clean_one(tmp_path: Path, cluster: str) -> None:
    """unkg ingest --cluster killed with SIGKILL part way: the next one drops what was unmarked and completes."""
    folder = tmp_path / "many"
    folder.mkdir()
    texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLE.glob("*.txt"))]
    files = 1500
    for i in range(files):
        (folder / f"doc{i:04d}.txt").write_text(f"See A/{i % 80 + 1}/{i}.\n" + texts[i % len(texts)], encoding="utf-8")
    killed = tmp_path / "killed"
    cmd = [UNKG, "ingest", str(folder), "--store", str(killed), "--quiet", "--cluster", cluster]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(killed.glob("*.sst")):  # a first batch is in the store
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    recovered = KnowledgeGraph(killed)
    partial = len(recovered.files())
    report = recovered.ingest([str(folder)], cluster=cluster)
    recovered.close()
    assert partial < files, "the ingest finished before it could be killed; the test proves nothing"
    assert report.ok and len(report.skipped) == partial and len(report.added) == files - partial
    clean = KnowledgeGraph(tmp_path / "clean")
    clean.ingest([str(folder)], jobs=2)
    clean.close()
    assert nquads(killed) == nquads(tmp_path / "clean")


@pytest.fixture(scope="module")
def a85_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 0.65 MB PDF whose content stream (ASCII85 around Flate) PDFium inflates to 512 MiB: it aborts under 300."""
    deflate = zlib.compressobj(9)
    pieces = [deflate.compress(PAGE_TEXT)]
    pieces.extend(deflate.compress(b" " * MiB) for _ in range(512))
    pieces.append(deflate.flush())
    encoded = base64.a85encode(b"".join(pieces)) + b"~>"
    return pdf_with_stream(tmp_path_factory.mktemp("a85") / "b-bomb.pdf", encoded, "[/ASCII85Decode /FlateDecode]")


def test_a_file_that_kills_its_reading_process_fails_alone(tmp_path: Path, cluster: str, a85_bomb: Path) -> None:
    """good, bomb, good under --max-memory 300 on the cluster: the bomb's reading process aborts; it alone fails.

    The reason is the one a local ingest gives, the good files are stored,
    and the Dask workers themselves live on (their reading processes run
    under the limit, not they).
    """
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a-good.txt", "c-good.txt"):
        shutil.copy(SAMPLE / "A_RES_61_165.txt", folder / name)
    os.symlink(a85_bomb, folder / "b-bomb.pdf")
    before = worker_pids(cluster)
    store = tmp_path / "store"
    args = ["ingest", "--quiet", "--max-memory", "300", "--cluster", cluster, "--store", str(store), str(folder)]
    done = subprocess.run([UNKG, *args], capture_output=True, text=True, timeout=240)
    assert done.returncode == 1, done.stderr
    assert f"unkg: {folder / 'b-bomb.pdf'}: {ABORTED}" in done.stderr
    assert "added 2, replaced 0, unchanged 0, failed 1" in done.stdout
    with KnowledgeGraph(store, read_only=True) as kg:
        assert {Path(p).name for p, _ in kg.files()} == {"a-good.txt", "c-good.txt"}
    assert worker_pids(cluster) == before


def test_a_memory_error_on_a_worker_names_the_limit(tmp_path: Path, cluster: str) -> None:
    """The workers read under --max-memory: a MemoryError there is the file's reason, the same as locally."""
    big = tmp_path / "big.txt"
    big.write_bytes(
        b"Recalling its resolution 60/169,\n" * 400_000
    )  # 13 MB: its extraction needs far more than 200 MiB
    args = ["extract", "--format", "jsonl", "--max-memory", "200", str(big)]
    local = subprocess.run([UNKG, *args], capture_output=True, text=True, timeout=240)
    remote = subprocess.run([UNKG, *args, "--cluster", cluster], capture_output=True, text=True, timeout=240)
    assert local.returncode == remote.returncode == 1, remote.stderr
    assert remote.stderr == local.stderr
    assert remote.stdout == local.stdout
    assert "past this process's limit of 200 MiB (--max-memory)" in json.loads(remote.stdout)["errors"][0]


def test_an_unreachable_scheduler_is_one_error_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--cluster naming no scheduler: one Error line naming the address, exit 1, nothing stored."""
    monkeypatch.setattr("unkg.cluster.CONNECT_TIMEOUT", 2)
    address = "tcp://127.0.0.1:18599"
    store = tmp_path / "store"
    result = CliRunner().invoke(cli, ["ingest", "--quiet", "--cluster", address, "--store", str(store), str(SAMPLE)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: cannot reach the Dask scheduler at {address} (")
    assert len(result.stderr.splitlines()) == 1
    with KnowledgeGraph(store) as kg:
        assert kg.files() == []


def test_workers_running_another_unkg_are_refused(cluster: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers that run another extractor (version, code, catalogue) are refused before any file is sent."""
    monkeypatch.setattr("unkg.cluster.extractor_version", lambda: "0.0.0+other")
    result = CliRunner().invoke(cli, ["extract", "--cluster", cluster, str(SAMPLE)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: the Dask workers of {cluster} run unkg ")
    assert "this command 0.0.0+other" in result.stderr
    assert result.stdout == ""


class KillOnMarkedFiles(distributed.WorkerPlugin):
    """On each worker (restarted ones too): a file whose name holds KILL-WORKER kills the Dask worker itself."""

    name = "test-kill-on-marked-files"

    def setup(self, worker: object) -> None:
        from unkg import cluster as remote

        read = self.read = remote._Reader.read

        def deadly(reader: object, job: tuple, where: str | None) -> object:
            if "KILL-WORKER" in job[0]:
                os.kill(os.getpid(), signal.SIGKILL)
            return read(reader, job, where)

        remote._Reader.read = deadly  # type: ignore[method-assign]

    def teardown(self, worker: object) -> None:
        from unkg import cluster as remote

        remote._Reader.read = self.read  # type: ignore[method-assign]


def test_a_file_that_kills_every_worker_is_read_here(tmp_path: Path, cluster: str) -> None:
    """A file that kills each Dask worker it meets: its task is split, and it is read alone here; nothing is lost.

    (Its bytes are a good resolution: only the workers die of it.) Its
    task's other files are read by the workers, one task each, and the
    store equals a local ingest's.
    """
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(6):
        shutil.copy(SAMPLE / "A_RES_61_165.txt", folder / f"{i}-good.txt")
    shutil.copy(SAMPLE / "A_RES_61_165.txt", folder / "3-KILL-WORKER.txt")
    with distributed.Client(cluster, set_as_default=False) as client:
        client.register_plugin(KillOnMarkedFiles())
        try:
            kg = KnowledgeGraph(tmp_path / "c")
            report = kg.ingest([str(folder)], cluster=cluster)
            kg.close()
        finally:
            client.unregister_worker_plugin(KillOnMarkedFiles.name)
    assert report.ok and len(report.added) == 7
    local = KnowledgeGraph(tmp_path / "local")
    local.ingest([str(folder)], jobs=1)
    local.close()
    assert nquads(tmp_path / "c") == nquads(tmp_path / "local")
