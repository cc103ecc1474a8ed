"""The embedded knowledge-graph store: one named graph per source file.

``KnowledgeGraph`` wraps an on-disk pyoxigraph store at a default per-user
location (``$UNKG_STORE``, else ``$XDG_DATA_HOME/unkg/store``, else
``~/.local/share/unkg/store``). Nothing has to be started by hand.

Ingest is idempotent and atomic per file: a file whose bytes have not
changed is skipped by hash, unless its graph was built by another extractor
(``unkg:extractorVersion``: the package version and a fingerprint of the
extraction code and data), which is extracted again; a changed file's graph is replaced by one SPARQL
update (drop and insert in one transaction), so a crash or Ctrl-C leaves
every file either fully old or fully new; a file that cannot be read is
reported and leaves its old graph untouched. ``remove`` deletes exactly a
file's graph.

A bulk load is not atomic: a file's graph counts as stored once its hash
marker is written. A writable open drops graphs left without one; a
read-only open refuses a store that has any (``StoreUnfinished``), so no
reader ever sees them. ``explain`` says what a pyoxigraph or system error
raised while using the store means (damaged files, a full disk).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import hashlib
import os
import shlex
import struct
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from unkg import iri
from unkg.catalogue import default_catalogue_path
from unkg.describe import Describer
from unkg.errors import DiskFull, SourceError, StoreCorrupt, StoreError, StoreUnavailable, StoreUnfinished, failure
from unkg.extract import expand_paths, extract_many, extractor_version
from unkg.models import Extraction
from unkg.rdf import CITO, DCTERMS, PROV, UNKG, XSD, extraction_quads
from unkg.read import DEFAULT_MAX_BYTES, file_sha256
from unkg.read.limits import DEFAULT_MAX_QUADS, over_quads


def default_store_path() -> Path:
    """$UNKG_STORE, else the XDG data folder, else ~/.local/share/unkg/store."""
    if os.environ.get("UNKG_STORE"):
        return Path(os.environ["UNKG_STORE"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "unkg" / "store"


@dataclass
class IngestReport:
    """What an ingest did, file by file."""

    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    quads: int = 0
    #: files written whose metadata a sidecar or name pattern filled, by ``metadata_source``
    described: Counter[str] = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


SHA256 = ox.NamedNode(UNKG + "sha256")
EXTRACTOR_VERSION = ox.NamedNode(UNKG + "extractorVersion")
PATH = ox.NamedNode(UNKG + "path")
SOURCE = ox.NamedNode(DCTERMS + "source")


GENERATED = ox.NamedNode(PROV + "generatedAtTime")
DATETIME = ox.NamedNode(XSD + "dateTime")
CITES = ox.NamedNode(CITO + "cites")
DERIVED = ox.NamedNode(PROV + "wasDerivedFrom")
# The links from a file's graph to documents whose descriptions the documents graph keeps for it
# (besides the citing document itself, the subject of prov:wasDerivedFrom).
NEEDS = (CITES, ox.NamedNode(UNKG + "adoptedOnReport"), ox.NamedNode(UNKG + "adoptedOnDraft"))
# Quads per bulk load of new files' graphs: large enough for the bulk loader's speed (it writes
# sorted files per call), small enough to bound memory (~100 MB of N-Quads text at most).
BATCH_QUADS = 100_000


def _nt(quad: ox.Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


@dataclass(frozen=True)
class GraphPayload:
    """One file's graph, built in an extraction worker, ready to load.

    ``nquads`` holds every quad of the file's graph and the descriptions
    of the documents it names, except the hash quad that marks the graph
    complete (the store writes that last).
    """

    source: str
    sha256: str | None
    errors: tuple[str, ...]
    nquads: bytes
    count: int
    described: str = ""  # the sources its metadata was filled from (``metadata_source``), if any


def graph_payload(
    extraction: Extraction, max_quads: int = DEFAULT_MAX_QUADS, sources: Mapping[str, str] | None = None
) -> GraphPayload:
    """The N-Quads of one extraction's graph (run in the extraction worker).

    A graph of more than ``max_quads`` quads (the hash quad included) is
    refused as it is built, before it takes more memory. ``sources``: the
    sidecar and name pattern the extraction was described with (label ->
    IRI, see :func:`unkg.rdf.description_quads`).
    """
    if extraction.errors or extraction.sha256 is None:
        return GraphPayload(extraction.source, extraction.sha256, tuple(extraction.errors), b"", 0)
    quads: set[ox.Quad] = set()
    described = extraction.metadata.get("metadata_source", "")
    for quad in extraction_quads(extraction, extraction.source, sources):
        if quad.predicate != SHA256:
            quads.add(quad)
            if len(quads) >= max_quads:
                return GraphPayload(extraction.source, None, (over_quads(max_quads),), b"", 0)
    data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS)
    return GraphPayload(extraction.source, extraction.sha256, (), data, len(quads) + 1, described)


def shared_lock(path: Path) -> int:
    """Take a shared lock on the store's ``LOCK`` file; returns the file descriptor holding it.

    pyoxigraph opens a store read-only without any lock, and reading while
    another process writes is undefined. A writer (RocksDB) holds an
    exclusive POSIX lock on ``LOCK``, so a shared lock taken here fails while
    an ingest runs and, while held, keeps any writer out: readers (queries,
    exports, ``unkg serve``) and writers exclude each other, readers share.
    POSIX locks belong to the process: do not hold a read-only handle in a
    process that also has the store open for writing.
    """
    lock = Path(path) / "LOCK"
    require_store(path)
    fd = os.open(lock, os.O_RDONLY)
    try:
        fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        holder = lock_holder(path)
        who = f"process {holder[0]} (`{holder[2]}`)" if holder else "another process (an ingest?)"
        raise StoreUnavailable(f"{path}: the store is open for writing by {who}; try again when it is done") from None
    return fd


def require_store(path: str | os.PathLike[str]) -> None:
    """Raise ``StoreUnavailable`` unless ``path`` holds a store (the commands that only use one do not make one)."""
    if not (Path(path) / "CURRENT").is_file() or not (Path(path) / "LOCK").is_file():
        raise StoreUnavailable(f"{path}: no unkg store here (run `unkg ingest` first)")


def _command_of(pid: int) -> tuple[int, str]:
    """The process that runs ``pid``'s command, and the command as typed (``unkg serve --store build/store``).

    A server process of ``unkg serve`` (or a reader's worker) may run Python without the console script in its
    arguments: its parents are looked at, up to three, for the ``unkg`` command, and that process is given (the
    one to stop). Without one, ``pid`` and its own command line ('' when it cannot be read).
    """
    first, current = "", pid
    for _ in range(4):
        try:
            args = Path(f"/proc/{current}/cmdline").read_bytes().decode("utf-8", "replace").split("\0")
            stat = Path(f"/proc/{current}/stat").read_text()
        except OSError:
            break
        args = [a for a in args if a]
        at = next((i for i, a in enumerate(args) if Path(a).name == "unkg"), None)
        if at is not None:
            return current, shlex.join(["unkg", *args[at + 1 :]])
        first = first or shlex.join(args)
        current = int(stat.rsplit(")", 1)[1].split()[1])  # the parent: the field after the state
    return pid, first


def lock_holder(path: str | os.PathLike[str]) -> tuple[int, str, str] | None:
    """Who holds the store's lock: (process id, 'reads' or 'writes', its command line); None when no process
    does or it cannot be told (only Linux's ``struct flock`` is known here). A process that holds it for an
    ``unkg`` command above it (a server process of ``unkg serve``) is named by that command's process.

    RocksDB's writer holds an exclusive POSIX lock on ``LOCK`` and readers a shared one (:func:`shared_lock`);
    ``F_GETLK`` asks the kernel for a lock that would stand in the way of an exclusive one, and its owner.
    """
    if sys.platform != "linux":
        return None
    try:
        fd = os.open(Path(path) / "LOCK", os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid
        request = struct.pack("hhqqi", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0).ljust(64, b"\0")
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, request)
    except OSError:
        return None
    finally:
        os.close(fd)
    kind, _, _, _, pid = struct.unpack("hhqqi", answer[: struct.calcsize("hhqqi")])
    if kind == fcntl.F_UNLCK or pid <= 0:
        return None
    owner, command = _command_of(pid)
    return owner, "writes" if kind == fcntl.F_WRLCK else "reads", command


FILE_GRAPHS = iri.GRAPH + "file/"


# The graphs that are no file's: only the catalogue's has a hash marker.
SHARED_GRAPHS = tuple(
    ox.NamedNode(g)
    for g in (iri.CATALOGUE_GRAPH, iri.DOCUMENTS_GRAPH, iri.LOG_GRAPH, iri.METRICS_GRAPH, iri.REGISTRY_GRAPH)
)
_COUNT_GRAPHS = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { } }"
_COUNT_MARKED = f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s {SHA256} ?h }} }}"
_UNFINISHED = (
    f"SELECT ?g WHERE {{ GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), {ox.Literal(FILE_GRAPHS)})) "
    f"FILTER NOT EXISTS {{ GRAPH ?g {{ ?s {SHA256} ?h }} }} }}"
)


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query)))[0].value)  # type: ignore[arg-type, index]


def unfinished_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The file graphs without their hash marker: bulk-loaded by an ingest that stopped before marking them.

    First counted, by two scans inside the engine (all graphs, less the
    graphs holding a marker, is the number of graphs without one): when
    those are only shared graphs, no file graph is unfinished. Only
    otherwise are the file graphs looked at one by one, which costs about
    fifteen times more (benchmarks/README.md, `store_checks.py`).
    """
    unmarked = _count(store, _COUNT_GRAPHS) - _count(store, _COUNT_MARKED)
    shared = sum(
        1
        for g in SHARED_GRAPHS
        if store.contains_named_graph(g) and next(store.quads_for_pattern(None, SHA256, None, g), None) is None
    )
    if unmarked == shared:
        return []
    return sorted((row[0] for row in store.query(_UNFINISHED)), key=lambda g: g.value)  # type: ignore[union-attr]


def refuse_unfinished(store: ox.Store, path: Path) -> None:
    """Raise ``StoreUnfinished`` when the store holds unmarked file graphs (a reader must not see them)."""
    unfinished = unfinished_graphs(store)
    if unfinished:
        n = len(unfinished)
        raise StoreUnfinished(
            f"{path}: an ingest was interrupted and left {n} file graph{'s' if n > 1 else ''} unfinished "
            "(no completion marker); readers do not use the store until a writing command drops them: "
            "run `unkg ingest` again (it drops them first, then stores those files again)"
        )


_NO_SPACE = "No space left on device"


def explain(exc: BaseException, path: str | os.PathLike[str] | None) -> StoreError | None:
    """What an error raised while using the store at ``path`` means, for a person; None when it says nothing of the store.

    pyoxigraph raises RocksDB's damage reports as ``RuntimeError("Corruption: ...")``
    and its I/O failures as ``OSError("IO error: No space left on device: ...")``
    without an errno.

    Args:
        exc: the error.
        path: the store's folder (None: the default location).

    Returns:
        ``StoreCorrupt``, ``DiskFull``, ``StoreUnavailable`` (locked) or ``StoreError`` with the cause and
        what to do, or None.
    """
    where = Path(path) if path else default_store_path()
    text = str(exc)
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, RuntimeError) and text.startswith("Corruption"):
        return StoreCorrupt(
            f"the store at {where} is damaged ({text.strip()}); its answers cannot be trusted: "
            "move it away and build it again with `unkg ingest` from your files"
        )
    if not isinstance(exc, OSError) or exc.filename is not None:  # an OSError with a file name is about that file
        return None
    if exc.errno == errno.ENOSPC or _NO_SPACE in text:
        return DiskFull(
            f"the disk is full ({_NO_SPACE}) while writing the store at {where}; free space and run the "
            "same command again: what the store held stays, and a file it had not finished is dropped and stored again"
        )
    if "lock file" in text:
        return locked(where) or StoreUnavailable(
            f"{where}: the store is in use by another process (a reader such as `unkg serve`, or another "
            f"writer); try again when it is done ({text.strip()})"
        )
    if text.startswith("IO error"):
        return StoreError(f"the store at {where} cannot be read or written ({text.strip()})")
    return None


def locked(where: Path) -> StoreUnavailable | None:
    """What to say when a write finds the store locked: who holds it, and what to do; None when that is unknown."""
    holder = lock_holder(where)
    if holder is None:
        return None
    pid, does, command = holder
    who = f"process {pid}" + (f" (`{command}`)" if command else "")
    if does == "writes":
        return StoreUnavailable(f"{where}: the store is being written by {who}; try again when it is done")
    if command.startswith("unkg serve"):
        advice = f"stop the server (Ctrl-C where it runs, or `kill {pid}`), run this command again, then start it again"
    else:
        advice = f"run this command again when it is done (or stop it: `kill {pid}`)"
    return StoreUnavailable(
        f"{where}: the store is being read by {who}, and a command that writes (ingest, remove, analyse) "
        f"needs it alone; {advice}"
    )


class KnowledgeGraph:
    """The store and the operations on it."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        memory: bool = False,
        read_only: bool = False,
        create: bool = True,
    ) -> None:
        """Open the store at ``path`` (default: ``default_store_path()``), or one in memory.

        Args:
            path: the store's folder.
            memory: a store in memory, for tests and one-off work.
            read_only: open it read-only under a shared lock (an absent store is refused).
            create: make the store when absent (the default for writing; False refuses an absent store).
        """
        self.read_only = read_only
        self._lock: int | None = None
        if memory:
            self.path = None
            self.store = ox.Store()
        elif read_only:
            self.path = Path(path) if path else default_store_path()
            self._lock = shared_lock(self.path)
            try:
                self.store = ox.Store.read_only(str(self.path))
                refuse_unfinished(self.store, self.path)
            except BaseException:
                os.close(self._lock)
                raise
        else:
            self.path = Path(path) if path else default_store_path()
            if not create:
                require_store(self.path)
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store(str(self.path))
            self.recover()

    def close(self) -> None:
        """Release the store (its lock) now rather than at garbage collection."""
        try:
            if self.path is not None and not self.read_only and getattr(self, "store", None) is not None:
                self.store.flush()  # pyoxigraph refuses to flush a read-only store
        finally:
            self.store = None  # type: ignore[assignment]
            if self._lock is not None:
                os.close(self._lock)
                self._lock = None

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        if kind is None:
            self.close()
            return
        # The error already on its way says what went wrong (a full disk fails the flush again).
        with contextlib.suppress(OSError, RuntimeError):
            self.close()

    # -- what is stored ---------------------------------------------------
    def stored_sha256(self, path: str) -> str | None:
        """The hash of the file's bytes when it was last ingested, or None."""
        graph = ox.NamedNode(iri.graph(path))
        for quad in self.store.quads_for_pattern(None, SHA256, None, graph):
            return str(quad.object.value)
        return None

    def stored_extractor(self, path: str) -> str | None:
        """The ``unkg:extractorVersion`` the file's stored graph was built by, or None."""
        graph = ox.NamedNode(iri.graph(path))
        for quad in self.store.quads_for_pattern(graph, EXTRACTOR_VERSION, None, graph):
            return str(quad.object.value)
        return None

    def stored_description(self, path: str) -> set[str]:
        """The IRIs of the sidecar and name pattern a stored file's graph was built with (none: empty)."""
        graph = ox.NamedNode(iri.graph(path))
        return {q.object.value for q in self.store.quads_for_pattern(graph, SOURCE, None, graph)}

    def files(self) -> list[tuple[str, str]]:
        """(path, sha256) of every ingested file, sorted by path."""
        out = []
        for graph in self.store.named_graphs():
            if not isinstance(graph, ox.NamedNode) or not graph.value.startswith(iri.GRAPH + "file/"):
                continue
            paths = [q.object.value for q in self.store.quads_for_pattern(None, PATH, None, graph)]
            shas = [q.object.value for q in self.store.quads_for_pattern(None, SHA256, None, graph)]
            if paths and shas:
                out.append((paths[0], shas[0]))
        return sorted(out)

    # -- changes ------------------------------------------------------------
    def _markers(self, path: str, sha256: str, now: str) -> list[ox.Quad]:
        """The quads that mark a file's graph complete: its hash, and the ingest log entry."""
        graph = ox.NamedNode(iri.graph(path))
        log = ox.NamedNode(iri.LOG_GRAPH)
        return [
            ox.Quad(ox.NamedNode(iri.source(sha256)), SHA256, ox.Literal(sha256), graph),
            ox.Quad(graph, GENERATED, ox.Literal(now, datatype=DATETIME), log),
            ox.Quad(graph, PATH, ox.Literal(iri.file_path(path)), log),
        ]

    def _write_new(self, batch: list[GraphPayload], now: str) -> None:
        """Bulk-load the graphs of files new to the store, then mark each complete.

        pyoxigraph's bulk loader is several times faster than its
        transactional writer but is not atomic, so a file's graph counts as
        stored only once its hash quad is there: the markers are written
        after the bulk load, in one transaction. A crash in between leaves
        unmarked graphs, which ``recover`` drops (every writable open and
        every ingest runs it) and the next ingest writes again.
        """
        if not batch:
            return
        self.store.bulk_load(b"".join(p.nquads for p in batch), format=ox.RdfFormat.N_QUADS)
        markers: list[ox.Quad] = []
        for p in batch:
            markers += self._markers(p.source, p.sha256, now)  # type: ignore[arg-type]
        self.store.extend(markers)

    def _replace(self, payload: GraphPayload, now: str) -> None:
        """Replace a stored file's graph in one transaction (one SPARQL update).

        The update drops the old graph and its log entry, inserts the new
        graph with its markers and the descriptions of the documents it
        cites, and deletes the descriptions of documents that only the old
        version cited.
        """
        path = payload.source
        graph = ox.NamedNode(iri.graph(path))
        log = ox.NamedNode(iri.LOG_GRAPH)
        old = self._described_by(graph)
        by_graph: dict[str, list[str]] = {}
        quads = [*ox.parse(payload.nquads, format=ox.RdfFormat.N_QUADS), *self._markers(path, payload.sha256, now)]  # type: ignore[arg-type]
        for q in quads:
            by_graph.setdefault(str(q.graph_name), []).append(f"{q.subject} {q.predicate} {q.object} .")
        inserts = "\n".join(
            f"GRAPH {name} {{\n" + "\n".join(sorted(set(lines))) + "\n}" for name, lines in sorted(by_graph.items())
        )
        update = (
            f"DROP SILENT GRAPH {graph} ;\n"
            f"DELETE WHERE {{ GRAPH {log} {{ {graph} ?p ?o }} }} ;\n"
            f"INSERT DATA {{\n{inserts}\n}}"
        )
        gc = self._collect_update(old)
        self.store.update(update + (" ;\n" + gc if gc else ""))

    def _described_by(self, graph: ox.NamedNode) -> set[ox.NamedNode]:
        """The documents whose descriptions a file's graph keeps in the documents graph."""
        found: set[ox.NamedNode] = set()
        for link in NEEDS:
            for q in self.store.quads_for_pattern(None, link, None, graph):
                if isinstance(q.object, ox.NamedNode) and q.object.value.startswith(iri.DOC):
                    found.add(q.object)
        for q in self.store.quads_for_pattern(None, DERIVED, None, graph):
            if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(iri.DOC):
                found.add(q.subject)
        return found

    @staticmethod
    def _collect_update(candidates: Iterable[ox.NamedNode]) -> str:
        """A SPARQL update deleting the descriptions, among ``candidates``, that no file's graph needs."""
        values = " ".join(sorted(str(c) for c in candidates))
        if not values:
            return ""
        docs = f"<{iri.DOCUMENTS_GRAPH}>"
        return (
            f"DELETE {{ GRAPH {docs} {{ ?d ?p ?o }} }} WHERE {{\n"
            f"  VALUES ?d {{ {values} }}\n"
            f"  GRAPH {docs} {{ ?d ?p ?o }}\n"
            f"  FILTER NOT EXISTS {{ GRAPH ?g {{ ?x {'|'.join(str(n) for n in NEEDS)} ?d }} "
            f"FILTER(?g != <{iri.REGISTRY_GRAPH}>) }}\n"
            f"  FILTER NOT EXISTS {{ GRAPH ?h {{ ?d {DERIVED} ?s }} }}\n"
            f"}}"
        )

    def recover(self) -> list[str]:
        """Drop file graphs left without their hash by an interrupted bulk load; returns their IRIs.

        Then deletes the document descriptions that no complete file graph
        needs any longer. A store with nothing to recover is not written.
        """
        dropped = unfinished_graphs(self.store)
        if not dropped:
            return []
        log = ox.NamedNode(iri.LOG_GRAPH)
        self.store.update(
            " ;\n".join(f"DROP GRAPH {g} ; DELETE WHERE {{ GRAPH {log} {{ {g} ?p ?o }} }}" for g in dropped)
        )
        docs = ox.NamedNode(iri.DOCUMENTS_GRAPH)
        described = {q.subject for q in self.store.quads_for_pattern(None, None, None, docs)}
        gc = self._collect_update(s for s in described if isinstance(s, ox.NamedNode))
        if gc:
            self.store.update(gc)
        return [g.value for g in dropped]

    def remove(self, paths: Iterable[str]) -> list[str]:
        """Delete exactly the graphs of these files (and descriptions only they needed); returns the paths removed."""
        removed = []
        log = ox.NamedNode(iri.LOG_GRAPH)
        for path in paths:
            graph = ox.NamedNode(iri.graph(path))
            if self.store.contains_named_graph(graph):
                old = self._described_by(graph)
                gc = self._collect_update(old)
                self.store.update(
                    f"DROP GRAPH {graph} ; DELETE WHERE {{ GRAPH {log} {{ {graph} ?p ?o }} }}"
                    + (" ;\n" + gc if gc else "")
                )
                removed.append(path)
        if removed:
            self.refresh_registry()
        return removed

    def refresh_registry(self) -> bool:
        """Make the registry graph hold the registry's facts of the documents the store holds or cites.

        Only the facts the corpus does not state for a document go in (a title the
        file gives stays the only title). The graph is rewritten in one update, and
        only when it changed: ingesting again writes nothing. Returns True when written.
        """
        from unkg.registry import default_registry
        from unkg.registry.graph import GRAPH, PROPERTIES, registry_quads

        docs = ox.NamedNode(iri.DOCUMENTS_GRAPH)
        symbols = [
            q.object.value for q in self.store.quads_for_pattern(None, ox.NamedNode(UNKG + "symbol"), None, docs)
        ]
        stated: dict[str, set[str]] = {}
        for prop, _ in PROPERTIES.values():
            stated[prop] = {
                q.subject.value
                for q in self.store.quads_for_pattern(None, ox.NamedNode(prop), None)
                if q.graph_name != GRAPH and isinstance(q.subject, ox.NamedNode)
            }
        quads = set(registry_quads(default_registry(), symbols, stated))
        if quads == set(self.store.quads_for_pattern(None, None, None, GRAPH)):
            return False
        self._replace_named(GRAPH, list(quads))
        return True

    def load_catalogue(self, path: str | os.PathLike[str] | None = None) -> bool:
        """(Re)load the instrument catalogue into its graph when it changed."""
        ttl = Path(path) if path else default_catalogue_path()
        data = ttl.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        graph = ox.NamedNode(iri.CATALOGUE_GRAPH)
        current = [q.object.value for q in self.store.quads_for_pattern(graph, SHA256, None, graph)]
        if current == [digest]:
            return False
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(data, format=ox.RdfFormat.TURTLE)]
        # The adopting act as a link to the resolution's node, not only its symbol.
        adopted = ox.NamedNode(UNKG + "adoptedBy")
        acting = ox.NamedNode(UNKG + "adoptingAct")
        quads += [
            ox.Quad(q.subject, acting, ox.NamedNode(iri.document(q.object.value)), graph)
            for q in list(quads)
            if q.predicate == adopted and isinstance(q.object, ox.Literal)
        ]
        quads.append(ox.Quad(graph, SHA256, ox.Literal(digest), graph))
        self._replace_named(graph, quads)
        return True

    def _replace_named(self, graph: ox.NamedNode, quads: list[ox.Quad]) -> None:
        body = "\n".join(sorted({_nt(q) for q in quads}))
        self.store.update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n{body}\n}} }}")

    def ingest(
        self,
        paths: Iterable[str],
        jobs: int = 1,
        progress: Callable[[str, str], None] | None = None,
        batch_quads: int = BATCH_QUADS,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_quads: int = DEFAULT_MAX_QUADS,
        max_memory: int | None = None,
        describe: Describer | None = None,
        cluster: str | None = None,
        send_bytes: bool = False,
    ) -> IngestReport:
        """Extract and store every file; unchanged files are skipped by hash.

        Extraction and the building of each file's N-Quads run in ``jobs``
        processes. Files new to the store are bulk-loaded in batches of
        about ``batch_quads`` quads (see ``_write_new``); a file already
        stored with other bytes is replaced in one transaction. A file
        over ``max_bytes`` (see :mod:`unkg.read.limits`) or whose graph
        passes ``max_quads`` is refused. Each worker process runs under
        ``max_memory`` bytes (see :func:`unkg.extract.extract_many`). One
        file never stops the batch: whatever fails for it, or kills the
        process reading it, is its reason in ``failed``.

        ``describe`` (``--metadata``, ``--name-pattern``) fills what each
        text leaves empty from a sidecar or the file's name (see
        :mod:`unkg.describe`). A file whose bytes are unchanged is then
        skipped only when its graph was built with the same sidecar and
        pattern; without ``describe``, an unchanged file keeps what it was
        stored with. A graph built by another extractor (an upgrade of unkg,
        of its catalogue or registry) is always built again.

        ``cluster`` (a Dask scheduler's address) extracts and builds the
        N-Quads on its workers instead (see :mod:`unkg.cluster`); the
        loading stays here, the same.
        """
        report = IngestReport()
        self.recover()
        self.load_catalogue()
        todo: list[str] = []
        stored: dict[str, str | None] = {}  # each file's hash in the store, looked up once
        for path in expand_paths(paths):
            try:
                digest = file_sha256(path, max_bytes) if path != "-" else None
            except SourceError as exc:
                report.failed.append((path, exc.reason))
                if progress:
                    progress(path, "failed")
                continue
            stored[path] = self.stored_sha256(path) if path != "-" else None
            same = describe is None or self.stored_description(path) == set(describe.sources.values())
            same = same and (stored[path] is None or self.stored_extractor(path) == extractor_version())
            if digest is not None and digest == stored[path] and same:
                report.skipped.append(path)
                if progress:
                    progress(path, "skipped")
            else:
                todo.append(path)
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        batch: list[GraphPayload] = []
        pending = 0

        def flush() -> None:
            nonlocal batch, pending
            self._write_new(batch, now)
            for p in batch:
                report.added.append(p.source)
                if progress:
                    progress(p.source, "added")
            batch, pending = [], 0

        sources = describe.sources if describe is not None else None
        transform = functools.partial(graph_payload, max_quads=max_quads, sources=sources)
        for payload in extract_many(
            todo,
            jobs=jobs,
            max_bytes=max_bytes,
            transform=transform,
            max_memory=max_memory,
            describe=describe,
            cluster=cluster,
            send_bytes=send_bytes,
        ):
            path = payload.source
            if payload.errors or payload.sha256 is None:
                report.failed.append((path, "; ".join(payload.errors) or "no text"))
                if progress:
                    progress(path, "failed")
                continue
            report.quads += payload.count
            if payload.described:
                report.described[payload.described] += 1
            if stored.get(path) is None and not self.store.contains_named_graph(ox.NamedNode(iri.graph(path))):
                batch.append(payload)
                pending += payload.count
                if pending >= batch_quads:
                    flush()
            else:
                try:
                    self._replace(payload, now)
                except (ValueError, SyntaxError, OSError) as exc:  # its old graph stays (one transaction)
                    report.failed.append((path, f"cannot be stored ({failure(exc)})"))
                    report.quads -= payload.count
                    if payload.described:
                        report.described[payload.described] -= 1
                    if progress:
                        progress(path, "failed")
                    continue
                report.replaced.append(path)
                if progress:
                    progress(path, "replaced")
        flush()
        self.refresh_registry()
        return report

    # -- reading ------------------------------------------------------------
    def quads(self) -> Iterator[ox.Quad]:
        """Every quad of the store."""
        return iter(self.store)

    def dump(self, fmt: ox.RdfFormat, graph: ox.NamedNode | None = None) -> bytes:
        """The store (or one graph) serialised."""
        if graph is not None:
            return self.store.dump(format=fmt, from_graph=graph)
        return self.store.dump(format=fmt)

    def status(self) -> dict[str, int]:
        """Counts of what is stored."""

        def count(query: str) -> int:
            for row in self.store.query(query, use_default_graph_as_union=True):
                return int(row[0].value)
            return 0

        return {
            "files": len(self.files()),
            "quads": len(self.store),
            "documents": count(f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{UNKG}Document> }}"),
            "citations": count("SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c a <http://purl.org/spar/cito/Citation> }"),
            "instruments": count(f"SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE {{ ?i a <{UNKG}Instrument> }}"),
        }
