"""The embedded knowledge-graph store: one named graph per source file.

``KnowledgeGraph`` wraps an on-disk pyoxigraph store at a default per-user
location (``$UNKG_STORE``, else ``$XDG_DATA_HOME/unkg/store``, else
``~/.local/share/unkg/store``). Nothing has to be started by hand.

Ingest is idempotent and atomic per file: a file whose bytes have not
changed is skipped by hash; a changed file's graph is replaced by one SPARQL
update (drop and insert in one transaction), so a crash or Ctrl-C leaves
every file either fully old or fully new; a file that cannot be read is
reported and leaves its old graph untouched. ``remove`` deletes exactly a
file's graph.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from unkg import iri
from unkg.catalogue import default_catalogue_path
from unkg.extract import expand_paths, extract_many
from unkg.rdf import PROV, UNKG, XSD, extraction_quads


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

    @property
    def ok(self) -> bool:
        """True when no file failed."""
        return not self.failed


SHA256 = ox.NamedNode(UNKG + "sha256")
PATH = ox.NamedNode(UNKG + "path")


def _nt(quad: ox.Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object} ."


class KnowledgeGraph:
    """The store and the operations on it."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, memory: bool = False, read_only: bool = False
    ) -> None:
        if memory:
            self.path = None
            self.store = ox.Store()
        else:
            self.path = Path(path) if path else default_store_path()
            self.path.mkdir(parents=True, exist_ok=True)
            self.store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))

    def close(self) -> None:
        """Release the store (its lock) now rather than at garbage collection."""
        if self.path is not None and getattr(self, "store", None) is not None:
            self.store.flush()
        self.store = None  # type: ignore[assignment]

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- what is stored ---------------------------------------------------
    def stored_sha256(self, path: str) -> str | None:
        """The hash of the file's bytes when it was last ingested, or None."""
        graph = ox.NamedNode(iri.graph(path))
        for quad in self.store.quads_for_pattern(None, SHA256, None, graph):
            return str(quad.object.value)
        return None

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
    def _replace_graph(self, path: str, quads: Iterable[ox.Quad]) -> int:
        """Write one file's graph in a single transaction; returns the quad count.

        A file new to the store is added with ``Store.extend`` (one
        transaction, no SPARQL to parse); a file already there is dropped and
        rewritten by one SPARQL update (one transaction too).
        """
        graph = ox.NamedNode(iri.graph(path))
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        log = ox.NamedNode(iri.LOG_GRAPH)
        if not self.store.contains_named_graph(graph):
            unique = set(quads)
            stamp = [
                ox.Quad(
                    graph,
                    ox.NamedNode(PROV + "generatedAtTime"),
                    ox.Literal(now, datatype=ox.NamedNode(XSD + "dateTime")),
                    log,
                ),
                ox.Quad(graph, PATH, ox.Literal(iri.file_path(path)), log),
            ]
            self.store.extend([*unique, *stamp])
            return len(unique)
        lines = sorted({_nt(q) for q in quads})
        update = (
            f"DROP SILENT GRAPH {graph} ;\n"
            f"DELETE WHERE {{ GRAPH {log} {{ {graph} ?p ?o }} }} ;\n"
            f"INSERT DATA {{ GRAPH {graph} {{\n" + "\n".join(lines) + "\n}\n"
            f'GRAPH {log} {{ {graph} <{PROV}generatedAtTime> "{now}"^^<{XSD}dateTime> ; '
            f"<{UNKG}path> {ox.Literal(iri.file_path(path))} }} }}"
        )
        self.store.update(update)
        return len(lines)

    def remove(self, paths: Iterable[str]) -> list[str]:
        """Delete exactly the graphs of these files; returns the paths removed."""
        removed = []
        log = ox.NamedNode(iri.LOG_GRAPH)
        for path in paths:
            graph = ox.NamedNode(iri.graph(path))
            if self.store.contains_named_graph(graph):
                self.store.update(f"DROP GRAPH {graph} ; DELETE WHERE {{ GRAPH {log} {{ {graph} ?p ?o }} }}")
                removed.append(path)
        return removed

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
        self, paths: Iterable[str], jobs: int = 1, progress: Callable[[str, str], None] | None = None
    ) -> IngestReport:
        """Extract and store every file; unchanged files are skipped by hash."""
        report = IngestReport()
        self.load_catalogue()
        todo: list[str] = []
        stored: dict[str, str | None] = {}  # each file's hash in the store, looked up once
        for path in expand_paths(paths):
            try:
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest() if path != "-" else None
            except OSError as exc:
                report.failed.append((path, exc.strerror or str(exc)))
                if progress:
                    progress(path, "failed")
                continue
            stored[path] = self.stored_sha256(path) if path != "-" else None
            if digest is not None and digest == stored[path]:
                report.skipped.append(path)
                if progress:
                    progress(path, "skipped")
            else:
                todo.append(path)
        for extraction in extract_many(todo, jobs=jobs):
            path = extraction.source
            if extraction.errors:
                report.failed.append((path, "; ".join(extraction.errors)))
                status = "failed"
            else:
                existed = stored.get(path) is not None
                report.quads += self._replace_graph(path, extraction_quads(extraction, path))
                (report.replaced if existed else report.added).append(path)
                status = "replaced" if existed else "added"
            if progress:
                progress(path, status)
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
