"""The pipeline of one input: read, parse, cite.

``extract(path)`` and ``extract_text(text)`` return an
:class:`~unkg.models.Extraction`; ``extract_many(paths)`` streams them for a
batch, in order, across processes when asked. A bad input never stops a
batch: its Extraction carries the error.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from importlib import metadata as _metadata
from pathlib import Path
from typing import Any

from unkg.catalogue import Catalogue, default_catalogue, load_catalogue
from unkg.cite import cite
from unkg.errors import SourceError
from unkg.models import Extraction, Source
from unkg.read import DEFAULT_MAX_BYTES, read
from unkg.structure import document_metadata, parse, text_language

try:
    __version__ = _metadata.version("unkg")
except _metadata.PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"


def extract_source(source: Source, catalogue: Catalogue | None = None) -> Extraction:
    """Citations of an already read Source."""
    catalogue = catalogue or default_catalogue()
    document = parse(source)
    citations = cite(document, catalogue)
    metadata = {"encoding": source.encoding, **document_metadata(source.text, document.symbol)}
    if document.organ:
        metadata["organ"] = document.organ
    if source.pages:
        metadata["pages"] = str(len(source.pages))
    for key, value in source.metadata.items():  # what the file says of itself; the text's own words win
        metadata.setdefault(key, value)
    language = metadata.get("language") or text_language(source.text)
    if language:
        metadata["language"] = language
    return Extraction(source.path, source.sha256, document.symbol, citations, (), metadata)


def extract_text(text: str, source: str = "<text>", catalogue: Catalogue | None = None) -> Extraction:
    """Citations of a text given as a string.

    >>> [c.target for c in extract_text("Recalling its resolution 60/169,").citations]
    ['A/RES/60/169']
    """
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return extract_source(Source(source, text, sha), catalogue)


def extract(
    path: str | os.PathLike[str], catalogue: Catalogue | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Extraction:
    """Citations of one file; a file that cannot be read gives ``errors``."""
    name = os.fspath(path)
    try:
        source = read(name, max_bytes)
    except SourceError as exc:
        return Extraction(name, None, None, (), (exc.reason,))
    return extract_source(source, catalogue)


def expand_paths(paths: Iterable[str]) -> Iterator[str]:
    """Files named, and the files inside folders named (sorted, no hidden)."""
    for name in paths:
        p = Path(name)
        if name != "-" and p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    yield str(child)
        else:
            yield name


_WORKER_CATALOGUE: Catalogue | None = None
_WORKER_MAX = DEFAULT_MAX_BYTES
_WORKER_TRANSFORM: Callable[[Extraction], Any] | None = None


def _init_worker(catalogue_path: str | None, max_bytes: int, transform: Callable[[Extraction], Any] | None) -> None:
    global _WORKER_CATALOGUE, _WORKER_MAX, _WORKER_TRANSFORM
    _WORKER_CATALOGUE = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()
    _WORKER_MAX = max_bytes
    _WORKER_TRANSFORM = transform


def _work(path: str) -> Any:
    result = extract(path, _WORKER_CATALOGUE, _WORKER_MAX)
    return _WORKER_TRANSFORM(result) if _WORKER_TRANSFORM else result


def extract_many(
    paths: Iterable[str],
    catalogue_path: str | None = None,
    jobs: int = 1,
    max_bytes: int = DEFAULT_MAX_BYTES,
    transform: Callable[[Extraction], Any] | None = None,
) -> Iterator[Any]:
    """Extract every input, in order, streaming; ``jobs`` > 1 uses processes.

    ``transform``, when given, is applied to each extraction where it was
    made (in the worker process), and its result is yielded instead: the
    store uses it to build each file's N-Quads in parallel. It must be a
    module-level function so that worker processes can receive it.
    """
    files = expand_paths(paths)
    catalogue = load_catalogue(catalogue_path) if catalogue_path else default_catalogue()

    def finish(result: Extraction) -> Any:
        return transform(result) if transform else result

    if jobs <= 1:
        for name in files:
            yield finish(extract(name, catalogue, max_bytes))
        return
    import multiprocessing as mp

    names = list(files)
    stdin = [n for n in names if n == "-"]
    ctx = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(catalogue_path, max_bytes, transform)) as pool:
        cache = {n: finish(extract(n, catalogue, max_bytes)) for n in stdin}
        rest = [n for n in names if n != "-"]
        results = pool.imap(_work, rest, chunksize=4)
        for name in names:
            yield cache[name] if name == "-" else next(results)
