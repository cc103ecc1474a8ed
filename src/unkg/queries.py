"""The stored query library: ``queries/**/*.rq``, run with bound parameters.

Each file is one question. Its header is made of SPARQL comments, so the
file stays valid SPARQL::

    #+ summary: What a document cites, with the function and quoted text.
    #+ param: document target  The citing document: a symbol or an instrument key.

A parameter has a name, a type (``target``: a symbol or an instrument key,
bound as the work's IRI; ``iri``; ``string``; ``integer``) and a
description. Values are bound by substitution (pyoxigraph
``substitutions=``), never formatted into the query text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from unkg import iri
from unkg.errors import MissingParameter, QueryError, UnknownQuery

__all__ = ["MissingParameter", "QueryError", "StoredQuery", "UnknownQuery", "get_query", "load_queries", "run"]


PARAM_TYPES = ("target", "iri", "string", "integer")
HEADER_RE = re.compile(r"^#\+\s*(?P<key>[a-z]+)\s*:\s*(?P<value>.*?)\s*$")


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter of a stored query."""

    name: str
    type: str
    description: str


@dataclass(frozen=True, slots=True)
class StoredQuery:
    """A ``.rq`` file: its name (path under queries/ without .rq), header and text."""

    name: str
    path: Path
    summary: str
    params: tuple[Param, ...]
    text: str

    def bindings(self, values: Mapping[str, str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
        """Substitutions for ``values``, checked against the declared parameters."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise QueryError(f"{self.name}: unknown parameter(s) {unknown}; it takes {sorted(known)}")
        out: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
        for p in self.params:
            if p.name not in values:
                raise MissingParameter(f"{self.name}: missing parameter {p.name!r} ({p.type}: {p.description})")
            out[ox.Variable(p.name)] = bind(p.type, values[p.name])
        return out


def bind(kind: str, value: str) -> ox.NamedNode | ox.Literal:
    """The RDF term a parameter value stands for."""
    if kind == "target":
        return ox.NamedNode(iri.target(value.strip()))
    if kind == "iri":
        return ox.NamedNode(value.strip())
    if kind == "integer":
        try:
            return ox.Literal(str(int(value)), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        except ValueError:
            raise QueryError(f"{value!r} is not an integer") from None
    return ox.Literal(value)


def parse_header(path: Path, text: str) -> tuple[str, tuple[Param, ...]]:
    """(summary, params) of a query file; a malformed header is an error."""
    summary = None
    params = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            continue
        m = HEADER_RE.match(line)
        if not m:
            raise QueryError(f"{path}: malformed header line {line!r}")
        key, value = m.group("key"), m.group("value")
        if key == "summary":
            summary = value
        elif key == "param":
            parts = value.split(None, 2)
            if len(parts) < 3 or parts[1] not in PARAM_TYPES:
                raise QueryError(f"{path}: a param line is 'name type description' with type in {PARAM_TYPES}")
            params.append(Param(parts[0], parts[1], parts[2]))
        else:
            raise QueryError(f"{path}: unknown header key {key!r} (summary, param)")
    if not summary:
        raise QueryError(f"{path}: no '#+ summary:' line")
    return summary, tuple(params)


def queries_dir() -> Path:
    """The query library of a source checkout, else the copy in the package."""
    repo = Path(__file__).resolve().parents[2] / "queries"
    if repo.is_dir():
        return repo
    return Path(str(resources.files("unkg") / "data" / "queries"))


def load_queries(folder: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query, by name ("reports/cites", "checks/span-order-violation")."""
    folder = folder or queries_dir()
    out = {}
    for path in sorted(folder.rglob("*.rq")):
        text = path.read_text(encoding="utf-8")
        summary, params = parse_header(path, text)
        name = path.relative_to(folder).with_suffix("").as_posix()
        out[name] = StoredQuery(name, path, summary, params, text)
    return out


def get_query(name: str, folder: Path | None = None) -> StoredQuery:
    """One stored query by its name, or by its file name alone when unique."""
    library = load_queries(folder)
    if name in library:
        return library[name]
    matches = [q for n, q in library.items() if n.rsplit("/", 1)[-1] == name]
    if len(matches) == 1:
        return matches[0]
    raise UnknownQuery(f"{name!r}; choose one of {sorted(library)}")


def run(store: ox.Store, query: StoredQuery, values: Mapping[str, str] | None = None) -> ox.QuerySolutions:
    """Run a stored query over the union of all graphs."""
    return store.query(query.text, substitutions=query.bindings(values or {}), use_default_graph_as_union=True)
