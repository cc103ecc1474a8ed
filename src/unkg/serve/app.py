"""The ASGI application: SPARQL 1.1 Protocol endpoint, linked-data pages, home page and editor.

Routes::

    /sparql                   the endpoint (GET, HEAD, POST; the service description when no query)
    /                         home page: counts, corpus documents, stored queries, endpoint use
    /editor                   the SPARQL editor (YASGUI, vendored), results as a table
    /queries/{name}           one stored query of queries/: its text, a form, its results
    /doc/..., /instrument/..., /citation/...
                              the resource whose IRI is https://w3id.org/unkg/ + the same path:
                              HTML for browsers, Turtle, JSON-LD, N-Triples or RDF/XML by Accept
    /static/...               style sheet, editor script, the vendored editor

Every error is JSON of one shape (``error_body``), with the status code of
the SPARQL 1.1 Protocol: 400 malformed query or request, 403 update or
SERVICE refused, 404 unknown resource, 405 method, 406 no acceptable format,
413 request too large, 415 body type, 503 with Retry-After when overloaded or
past the timeout.
"""

from __future__ import annotations

import contextlib
import gc
import gzip
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

import pyoxigraph as ox
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from unkg import iri
from unkg.extract import __version__
from unkg.rdf import PREFIXES
from unkg.serve import pages, protocol, references, rescue, sandbox, supervisor
from unkg.serve.jobs import serialize_graph
from unkg.serve.pool import PoolError, QueryPool, StoreLock
from unkg.serve.settings import Settings

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
VENDOR = STATIC / "vendor"
EDITOR_FILES = ("yasgui.min.js", "yasgui.min.css")
ENDPOINT_METHODS = "GET, HEAD, POST, OPTIONS"
STATUS = {
    "malformed-query": 400,
    "bad-request": 400,
    "update-refused": 403,
    "service-refused": 403,
    "not-found": 404,
    "method-not-allowed": 405,
    "not-acceptable": 406,
    "request-timeout": 408,
    "too-large": 413,
    "unsupported-media-type": 415,
    "host-not-allowed": 421,
    "header-too-large": 431,
    "internal": 500,
    "overloaded": 503,
    "timeout": 503,
    "memory-limit": 503,
}
SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
SD_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "JSON-LD",
    "RDF_XML",
    "N-Quads",
    "TriG",
)


def error_body(status: int, code: str, message: str) -> dict[str, Any]:
    """The one JSON shape of every error.

    >>> error_body(400, "malformed-query", "SPARQL syntax: ...")
    {'error': {'status': 400, 'code': 'malformed-query', 'message': 'SPARQL syntax: ...'}}
    """
    return {"error": {"status": status, "code": code, "message": message}}


def error(code: str, message: str, settings: Settings | None = None, headers: dict[str, str] | None = None) -> Response:
    """An error response of the documented shape."""
    status = STATUS[code]
    headers = dict(headers or {})
    if status == 503 and settings is not None:
        headers["Retry-After"] = str(settings.retry_after)
    if status == 503 and supervisor.retired():  # this process is draining: the client's next request goes elsewhere
        headers["Connection"] = "close"
    return Response(
        json.dumps(error_body(status, code, message), ensure_ascii=False) + "\n",
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


class RequestError(Exception):
    """A request refused before it reaches the store."""

    def __init__(self, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.headers = headers


def editor_available() -> bool:
    """True when the vendored editor's files are in the package (``make setup`` copies them)."""
    return all((VENDOR / name).is_file() for name in EDITOR_FILES)


# --------------------------------------------------------------------------
# Helpers for the pages.
LOCAL_KINDS = ("doc/", "instrument/", "citation/")


def local_path(value: str, root: str = "") -> str | None:
    """The server path of an IRI the server dereferences, else None.

    >>> local_path("https://w3id.org/unkg/doc/A/RES/60/169")
    '/doc/A/RES/60/169'
    >>> local_path("https://undocs.org/A/RES/60/169") is None
    True
    """
    if value.startswith(iri.BASE) and value[len(iri.BASE) :].startswith(LOCAL_KINDS):
        return root + "/" + value[len(iri.BASE) :].split("#", 1)[0]
    return None


def iri_of(kind: str, rest: str) -> str | None:
    """The IRI a server path stands for (``rest`` percent-decoded), or None when it cannot be one.

    >>> iri_of("doc", "A/RES/60/169")
    'https://w3id.org/unkg/doc/A/RES/60/169'
    >>> iri_of("citation", "0123456789abcdef0123/291-308/A/RES/60/169")
    'https://w3id.org/unkg/citation/0123456789abcdef0123/291-308/A%2FRES%2F60%2F169'
    """
    if not rest:
        return None
    if kind == "doc":
        return iri.document(rest)
    if kind == "instrument":
        return iri.instrument(rest)
    parts = rest.split("/", 2)
    if len(parts) != 3 or not all(parts):
        return None
    return f"{iri.CITATION}{parts[0]}/{parts[1]}/{quote(parts[2], safe='-')}"


def valid_iri(value: str) -> bool:
    """True when ``value`` is an IRI RDF allows (no space, ``<``, ``>``, ``"``, ``{``, ...).

    >>> valid_iri("https://w3id.org/unkg/doc/A/RES/60/169"), valid_iri("https://w3id.org/unkg/citation/a> ?p }")
    (True, False)
    """
    try:
        ox.NamedNode(value)
    except ValueError:
        return False
    return True


def compact(value: str) -> str:
    """An IRI as prefix:name where a project prefix fits.

    >>> compact("http://purl.org/spar/cito/cites")
    'cito:cites'
    """
    for prefix, ns in PREFIXES.items():
        if value.startswith(ns) and len(value) > len(ns):
            return f"{prefix}:{value[len(ns) :]}"
    return value


def short(value: str) -> str:
    """How an IRI is shown: a document's symbol, an instrument's key, else prefix:name.

    >>> short("https://w3id.org/unkg/instrument/ICRMW"), short("https://w3id.org/unkg/doc/A/RES/60/169")
    ('ICRMW', 'A/RES/60/169')
    """
    if value.startswith(iri.INSTRUMENT):
        return unquote(value[len(iri.INSTRUMENT) :])
    return iri.symbol_of(value) or compact(value)


def label(row: dict[str, Any], prefix: str = "work") -> str:
    """What a work is called on a page: its symbol, its name, its key, else its IRI."""
    for key in ("Symbol", "Label", "Key"):
        if row.get(prefix + key):
            return str(row[prefix + key])
    return str(row.get(prefix) or "")


def word_diff_html(before: str | None, after: str | None) -> Markup:
    """The word-level difference of two paragraph texts as HTML, ``<del>``/``<ins>`` around what changed."""
    from unkg.series.align import word_diff
    from unkg.series.render import html

    return html(word_diff(before or "", after or ""))


def make_templates(root: str) -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]))
    env.globals.update(
        root=root,
        version=__version__,
        local=lambda v: local_path(v, root) if v else None,
        compact=compact,
        short=short,
        label=label,
        base=iri.BASE,
        undocs=iri.undocs,
        symbol_of=iri.symbol_of,
        editor_available=editor_available,
        urlencode=urlencode,
        word_diff=word_diff_html,  # the "Changes from its predecessor" view (templates/_changes.html)
    )
    return env


# --------------------------------------------------------------------------
# The endpoint.
async def read_body(request: Request, limit: int) -> bytes:
    """The request body, or RequestError 413 as soon as it is longer than ``limit``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise RequestError("too-large", f"the request body is {int(declared)} bytes; the limit is {limit}")
        except ValueError:
            raise RequestError("bad-request", "Content-Length is not a number") from None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise RequestError("too-large", f"the request body is over the limit of {limit} bytes")
    return bytes(body)


def _pairs(raw: str) -> list[tuple[str, str]]:
    try:
        return protocol.form_pairs(raw)
    except UnicodeDecodeError:
        raise RequestError("bad-request", "parameters are not percent-encoded UTF-8") from None


async def protocol_request(request: Request, settings: Settings) -> tuple[str | None, list[tuple[str, str]]]:
    """(query text or None, every parameter) of a protocol request; RequestError when it is not one."""
    raw_qs = request.scope.get("query_string", b"")
    if len(raw_qs) > settings.max_request_bytes:
        raise RequestError("too-large", f"the query string is over the limit of {settings.max_request_bytes} bytes")
    params = _pairs(raw_qs.decode("latin-1"))
    query: str | None = None
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await read_body(request, settings.max_request_bytes)
        if media == "application/x-www-form-urlencoded":
            try:
                params += _pairs(body.decode("ascii"))
            except UnicodeDecodeError:
                raise RequestError("bad-request", "a form body is ASCII (percent-encoded UTF-8)") from None
        elif media == "application/sparql-query":
            try:
                query = body.decode("utf-8")
            except UnicodeDecodeError:
                raise RequestError("bad-request", "the query is not UTF-8") from None
        elif media == "application/sparql-update":
            raise RequestError("update-refused", "this endpoint is read-only: SPARQL Update is refused")
        else:
            raise RequestError(
                "unsupported-media-type",
                f"POST a query as application/x-www-form-urlencoded or application/sparql-query, not {media or 'nothing'}",
            )
    if any(k == "update" for k, _ in params):
        raise RequestError("update-refused", "this endpoint is read-only: SPARQL Update is refused")
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1 or (queries and query is not None):
        raise RequestError("bad-request", "give exactly one query")
    if queries:
        query = queries[0]
    return query, params


def service_description(endpoint: str, fmt: protocol.Format) -> bytes:
    """The SPARQL 1.1 Service Description of the endpoint."""
    node = ox.NamedNode(endpoint)
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")
    sd = lambda local: ox.NamedNode(SD + local)  # noqa: E731
    rdf_type = ox.NamedNode(PREFIXES["rdf"] + "type")
    triples = [
        ox.Triple(node, rdf_type, sd("Service")),
        ox.Triple(node, sd("endpoint"), node),
        ox.Triple(node, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(node, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(node, sd("defaultEntailmentRegime"), ox.NamedNode("http://www.w3.org/ns/entailment/Simple")),
        ox.Triple(node, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, rdf_type, sd("Graph")),
        ox.Triple(
            node,
            ox.NamedNode(PREFIXES["rdfs"] + "comment"),
            ox.Literal(
                "unkg knowledge graph, read-only. The default graph is the union of all named graphs. "
                "SERVICE and SPARQL Update are refused.",
                language="en",
            ),
        ),
    ]
    triples += [ox.Triple(node, sd("resultFormat"), ox.NamedNode(FORMATS_NS + f)) for f in SD_FORMATS]
    return serialize_graph(triples, fmt.name, {"sd": SD, "formats": FORMATS_NS, "rdfs": PREFIXES["rdfs"]})


def format_override(params: list[tuple[str, str]]) -> tuple[protocol.Format | None, protocol.Format | None] | None:
    """The formats a ``format`` parameter asks for (the last one given), None without one; RequestError if unknown."""
    asked = [v for k, v in params if k == "format"]
    if not asked:
        return None
    override = protocol.format_param(asked[-1])
    if override is None:
        raise RequestError("not-acceptable", f"unknown format {asked[-1]!r}; one of {sorted(protocol.FORMAT_PARAM)}")
    return override


def query_job(
    settings: Settings,
    query: str,
    params: list[tuple[str, str]],
    accept: str | None,
    override: tuple[protocol.Format | None, protocol.Format | None] | None,
) -> tuple[dict[str, Any], tuple[Any, ...]]:
    """The job of a protocol query and its shape (for the fast lane); RequestError when it is refused."""
    lexical = protocol.lexical(query)
    if lexical.update:
        raise RequestError("update-refused", "this endpoint is read-only: SPARQL Update is refused")
    if override:
        results, graphs = override
    else:
        results = protocol.negotiate(accept, protocol.RESULT_FORMATS)
        graphs = protocol.negotiate(accept, protocol.GRAPH_FORMATS)
    if results is None and graphs is None:
        raise RequestError(
            "not-acceptable",
            f"cannot answer in {accept!r}: results in {_list(protocol.RESULT_FORMATS)}; "
            f"graphs in {_list(protocol.GRAPH_FORMATS)}",
        )
    job = {
        "query": query,
        "default_graphs": [v for k, v in params if k == "default-graph-uri"],
        "named_graphs": [v for k, v in params if k == "named-graph-uri"],
        "own_dataset": lexical.dataset,
        "result_format": results.name if results else None,
        "graph_format": graphs.name if graphs else None,
        "max_rows": settings.max_rows,
    }
    if protocol.mentions_service(query):
        # parsed in a query thread (protocol.service_refusal), never on the event loop: not a fast-lane shape
        job["check_service"] = True
        return job, None
    # the kind of query, for the fast lane (queries of one shape cost about the same)
    shape = (lexical.shape, job["result_format"], job["graph_format"], bool(job["default_graphs"] or job["named_graphs"]))
    return job, shape


def answer_response(answer: dict[str, Any], settings: Settings) -> Response | Answer:
    """The response to a protocol query's answer."""
    if "error" in answer:
        return error(answer["error"], answer["message"], settings)
    headers = [(b"content-type", CONTENT_TYPES[answer["format"]]), (b"vary", b"Accept")]
    if answer["cut"]:
        headers.append((b"x-sparql-maxrows", str(settings.max_rows).encode()))
    return Answer(answer["body"], headers)


async def endpoint(request: Request) -> Response | Answer:
    """The SPARQL 1.1 Protocol."""
    settings: Settings = request.app.state.settings
    pool: QueryPool = request.app.state.pool
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"Allow": ENDPOINT_METHODS})
    if request.method not in ("GET", "HEAD", "POST"):
        return error(
            "method-not-allowed",
            f"{request.method} is not allowed: the endpoint is read-only ({ENDPOINT_METHODS})",
            headers={"Allow": ENDPOINT_METHODS},
        )
    try:
        query, params = await protocol_request(request, settings)
        accept = request.headers.get("accept")
        override = format_override(params)
        if query is None:
            if request.method == "POST":
                raise RequestError("bad-request", "no query: give one as the query parameter or the body")
            if override is None and protocol.prefers_html(accept):
                return RedirectResponse(request.scope.get("root_path", "") + "/editor", status_code=303)
            fmt = override[1] if override else protocol.negotiate(accept, protocol.GRAPH_FORMATS)
            if fmt is None:
                raise RequestError(
                    "not-acceptable", "the service description is given in " + _list(protocol.GRAPH_FORMATS)
                )
            endpoint_iri = str(request.url.replace(query=""))
            return Response(
                service_description(endpoint_iri, fmt), media_type=fmt.content_type, headers={"Vary": "Accept"}
            )
        job, shape = query_job(settings, query, params, accept, override)
    except RequestError as exc:
        return error(exc.code, exc.message, settings, exc.headers)
    try:
        answer = await pool.run("sparql", job, shape=shape, client=request.scope.get("client"))
    except PoolError as exc:
        return error(exc.code, str(exc), settings)
    return answer_response(answer, settings)


CONTENT_TYPES = {name: f.content_type.encode("latin-1") for name, f in protocol.FORMAT_NAMES.items()}


class Answer:
    """A 200 of the endpoint: the little of a Starlette Response that ``Endpoint`` reads, made cheaply."""

    __slots__ = ("body", "raw_headers")
    status_code = 200

    def __init__(self, body: bytes, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.body = body
        self.raw_headers = raw_headers


def _list(formats: tuple[protocol.Format, ...]) -> str:
    return ", ".join(f.media_type for f in formats)


# --------------------------------------------------------------------------
# Pages.
def _html(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    env: Environment = request.app.state.templates
    return HTMLResponse(env.get_template(template).render(request=request, **context), status_code=status)


async def _counts(request: Request) -> dict[str, Any]:
    state = request.app.state
    if state.counts is None:  # the store cannot change while served (StoreLock), so once is enough
        state.counts = await state.pool.run("counts", {"max_rows": 200})
    return state.counts


async def home(request: Request) -> Response:
    from unkg.queries import load_queries

    settings: Settings = request.app.state.settings
    try:
        counts = await _counts(request)
    except PoolError as exc:
        return error(exc.code, str(exc), settings)
    queries = load_queries()
    reports = {name: q for name, q in queries.items() if not name.startswith("checks/")}
    checks = {name: q for name, q in queries.items() if name.startswith("checks/")}
    endpoint_url = str(request.url.replace(path=request.scope.get("root_path", "") + "/sparql", query="", fragment=""))
    return _html(request, "home.html", counts=counts, queries=reports, checks=checks, settings=settings,
                 endpoint_url=endpoint_url)  # fmt: skip


async def editor(request: Request) -> Response:
    from unkg.queries import get_query

    query = request.query_params.get("query")
    if query is None:
        query = get_query("reports/most-cited").text
    return _html(request, "editor.html", query=query)


async def stored_query(request: Request) -> Response:
    from unkg.queries import UnknownQuery, get_query

    settings: Settings = request.app.state.settings
    name = request.path_params["name"]
    try:
        stored = get_query(name)
    except UnknownQuery:
        return error("not-found", f"no stored query {name!r}")
    values = {p.name: request.query_params[p.name] for p in stored.params if request.query_params.get(p.name)}
    result = None
    if len(values) == len(stored.params):
        try:
            result = await request.app.state.pool.run(
                "stored", {"name": stored.name, "params": values, "max_rows": settings.max_rows}
            )
        except PoolError as exc:
            return error(exc.code, str(exc), settings)
        if "error" in result:
            return error(result["error"], result["message"], settings)
    return _html(request, "query.html", stored=stored, values=values, result=result)


async def resource(request: Request) -> Response:
    """A linked-data page: HTML for browsers, RDF by content negotiation."""
    settings: Settings = request.app.state.settings
    kind = request.url.path[len(request.scope.get("root_path", "")) :].strip("/").split("/", 1)[0]
    subject = iri_of(kind, request.path_params["rest"])
    if subject is None or not valid_iri(subject):
        return error("not-found", f"{request.url.path} names no resource")
    accept = request.headers.get("accept")
    asked = request.query_params.get("format")
    direction = request.query_params.get("export")
    if direction is not None:
        return await export_citations(request, subject, direction, asked or "csv")
    if asked:
        fmt = (protocol.format_param(asked) or (None, None))[1]
        if fmt is None:
            return error("not-acceptable", f"unknown format {asked!r}; one of turtle, jsonld, ntriples, rdfxml")
    elif protocol.prefers_html(accept):
        fmt = None
    else:
        fmt = protocol.negotiate(accept, protocol.GRAPH_FORMATS)
        if fmt is None:
            return error("not-acceptable", "a resource is given as HTML or in " + _list(protocol.GRAPH_FORMATS))
    try:
        if fmt is not None:
            answer = await request.app.state.pool.run(
                "describe", {"iri": subject, "format": fmt.name, "max_rows": settings.max_rows}
            )
        else:
            job = {"iri": subject, "max_rows": settings.max_rows, "page": _page_number(request),
                   "cache": request.app.state.works_cache}  # fmt: skip
            answer = await request.app.state.pool.run("page", job)
    except PoolError as exc:
        return error(exc.code, str(exc), settings)
    if "error" in answer:
        return error(answer["error"], answer["message"], settings)
    headers = {"Vary": "Accept", "Link": f'<{subject}>; rel="canonical"'}
    if not answer["found"]:
        return error("not-found", f"nothing is known of <{subject}>", headers=headers)
    if fmt is not None:
        return Response(answer["body"], media_type=fmt.content_type, headers=headers)
    response = _html(request, "resource.html", subject=subject, kind=kind, page=answer, title=_title(subject, answer))
    response.headers.update(headers)
    return response


def _page_number(request: Request) -> int:
    """The ``page`` parameter (of the citing documents), 1 when absent or not a number."""
    value = request.query_params.get("page", "1")
    return int(value) if value.isdigit() and 0 < len(value) < 7 else 1


def _title(subject: str, answer: dict[str, Any]) -> str:
    """The heading of a work's page: an instrument's name, a document's symbol, else how pages name it."""
    about = answer.get("about") or {}
    if about.get("name"):
        return str(about["name"])
    if about.get("symbol"):
        return str(about["symbol"])
    if subject.startswith(iri.DOC + "_/"):
        return pages.display_name({"iri": subject, **about, "path": (about.get("files") or [None])[0]})
    return short(subject)


async def export_citations(request: Request, subject: str, direction: str, fmt: str) -> Response:
    """A work's citations as a file: ``export`` says which side (``cites``, ``cited-by``), ``format`` the format
    (``csv``, ``ris``, ``csl-json``)."""
    settings: Settings = request.app.state.settings
    if direction not in ("cites", "cited-by"):
        return error("bad-request", f"export is cites or cited-by, not {direction!r}")
    if fmt not in references.FORMATTERS:
        return error("not-acceptable", f"citations are exported as {', '.join(references.FORMATTERS)}, not {fmt!r}")
    try:
        answer = await request.app.state.pool.run("export", {"iri": subject, "direction": direction})
    except PoolError as exc:
        return error(exc.code, str(exc), settings)
    if "error" in answer:
        return error(answer["error"], answer["message"], settings)
    body = references.FORMATTERS[fmt](answer, direction)
    name = references.file_name(answer["subject"]["name"], direction, fmt)
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if answer["cut"]:
        headers["X-Unkg-Cut"] = f"the first {pages.EXPORT_LIMIT} citations"
    return Response(body, media_type=references.MEDIA[fmt], headers=headers)


async def search_page(request: Request) -> Response:
    """The search box: ``q`` resolved to works (``search.resolve``); straight to the page of the one work the
    store knows when the text names it exactly (a symbol, an instrument's key, name or alias)."""
    settings: Settings = request.app.state.settings
    text = request.query_params.get("q", "").strip()[:500]
    matches: list[dict[str, Any]] = []
    if text:
        try:
            answer = await request.app.state.pool.run("search", {"text": text, "wait": settings.timeout / 2})
        except PoolError as exc:
            return error(exc.code, str(exc), settings)
        if "error" in answer:
            return error(answer["error"], answer["message"], settings)
        matches = answer["matches"]
        exact = [m for m in matches if m["how"] in ("symbol", "instrument") and (m["held"] or m["cited"])]
        if len(exact) == 1 and exact[0] is matches[0] and request.query_params.get("list") is None:
            target = local_path(exact[0]["iri"], request.scope.get("root_path", ""))
            if target:
                return RedirectResponse(quote(target, safe="/()-.,_~"), status_code=303)
    return _html(request, "search.html", q=text, matches=matches, status=200)


async def not_found(request: Request, exc: Exception) -> Response:
    return error("not-found", f"{request.url.path}: no such page")


# --------------------------------------------------------------------------
def create_app(settings: Settings | None = None) -> Starlette:
    """The ASGI app; without settings, they come from ``UNKG_SERVE_*`` variables.

    Run it with several workers: ``uvicorn --factory unkg.serve:create_app --workers 4``.
    """
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        lock = StoreLock(settings.store)
        lock.acquire()
        def stuck_on_loop(client: Any, limit: float) -> None:  # from the watchdog thread: ends the process
            if limit >= settings.timeout:
                answer = rescue.response(503, "timeout", rescue.TIMED_OUT.format(timeout=settings.timeout),
                                         settings.retry_after)  # fmt: skip
            else:
                answer = rescue.response(503, "overloaded", rescue.MISPREDICTED.format(limit=limit), retry_after=0)
            why = f"a query on the event loop ran past {limit:g} s"
            supervisor.rescue({client: answer}, list(active), settings.retry_after, why)

        def past_memory_limit(clients: list[Any]) -> None:  # from the watchdog thread: ends the process
            message = rescue.response(503, "memory-limit", rescue.MEMORY.format(limit=settings.max_memory),
                                      settings.retry_after)  # fmt: skip
            why = f"the process passed its memory limit of {settings.max_memory} MiB"
            supervisor.rescue(dict.fromkeys(clients, message), list(active), settings.retry_after, why)

        pool = QueryPool(
            settings,
            on_runaway=lambda: supervisor.retire(settings.timeout),
            on_rescue=stuck_on_loop,
            on_memory=past_memory_limit,
        )
        try:
            pool.start()
            app.state.pool = pool
            supervisor.start_adopting()  # under unkg serve: the connections its supervisor hands out
            # What is loaded by now lives as long as the process: the garbage collector need not look at it again.
            gc.freeze()
            supervisor.notify("ready")
            yield
        finally:
            supervisor.stop_adopting()
            pool.close()
            lock.release()
            supervisor.exit_if_retired()  # a runaway query ends with the process

    routes = [
        Route("/", home, name="home"),
        Route("/editor", editor, name="editor"),
        Route("/search", search_page, name="search"),
        Route("/queries/{name:path}", stored_query, name="query"),
        Route("/doc/{rest:path}", resource, name="doc"),
        Route("/instrument/{rest:path}", resource, name="instrument"),
        Route("/citation/{rest:path}", resource, name="citation"),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    middleware = [Middleware(GZipMiddleware, minimum_size=1024)]
    if settings.cors_origins:
        middleware.insert(0, Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["Retry-After", "X-SPARQL-MaxRows", "Content-Type"],
            max_age=3600,
        ))  # fmt: skip
    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan, exception_handlers={404: not_found})
    app.state.settings = settings
    app.state.templates = make_templates("")
    app.state.counts = None
    app.state.works_cache = pages.WorksCache()
    endpoint = Endpoint(app)
    active = endpoint.active
    return endpoint


EXPOSED = (b"access-control-expose-headers", b"Retry-After, X-SPARQL-MaxRows, Content-Type")
PREFLIGHT_HEADERS = [
    (b"access-control-allow-methods", b"GET, HEAD, POST, OPTIONS"),
    (b"access-control-allow-headers", b"Accept, Content-Type"),
    (b"access-control-max-age", b"3600"),
]
GZIP_MIN = 1024


class Gate:
    """Which requests the server answers at all (the Host header), and which web pages may read the answers
    (CORS), from the settings.

    A browser visiting a hostile page can be sent to this server under a name that the page's author controls
    and points at 127.0.0.1 (DNS rebinding): the browser then treats the server as part of that page's site.
    The Host header it sends still names the attacker's name, so only requests for the names the server is
    known by are answered (``allowed_hosts``; by default the loopback names).

    >>> gate = Gate(Settings(store="."))
    >>> gate.host_allowed(b"127.0.0.1:8000"), gate.host_allowed(b"localhost"), gate.host_allowed(b"evil.example")
    (True, True, False)
    >>> gate.cors(b"https://app.example") is None
    True
    """

    def __init__(self, settings: Settings) -> None:
        names = settings.allowed_hosts or LOOPBACK_HOSTS
        self.any_host = "*" in names
        self.hosts = frozenset(names)
        self.any_origin = "*" in settings.cors_origins
        self.origins = frozenset(o.encode("latin-1") for o in settings.cors_origins)

    def host_allowed(self, host: bytes | None) -> bool:
        """True when a request with this Host header is answered (a request without one is, as HTTP/1.0's)."""
        if self.any_host or not host:
            return True
        value = host.decode("latin-1").strip().lower()
        if value in self.hosts:
            return True
        name, colon, port = value.rpartition(":")
        return bool(colon) and port.isdigit() and name in self.hosts

    def cors(self, origin: bytes | None) -> bytes | None:
        """The Access-Control-Allow-Origin value for a request from ``origin``, None when it gets none."""
        if origin is None:
            return None
        if self.any_origin:
            return b"*"
        return origin if origin.lower() in self.origins else None


def host_refused(host: bytes | None) -> Response:
    shown = (host or b"").decode("latin-1")[:100]
    return error(
        "host-not-allowed",
        f"this server does not answer for the host {shown!r} (a guard against DNS rebinding); start it with "
        f"--allowed-host {shown.rsplit(':', 1)[0] or 'NAME'} to answer for that name",
    )


class Endpoint:
    """The ASGI app: ``/sparql`` answered directly, the rest by the Starlette app (pages, static files).

    The endpoint is the hot path, so it skips Starlette's routing and middleware stack and does its own
    CORS (``Gate``) and gzip (bodies of 1 KiB or more). Every request's Host header is checked first, and the
    first request a process serves locks the process down (``sandbox``: no outbound connection, a memory
    ceiling) when the settings ask for it.
    """

    def __init__(self, app: Starlette) -> None:
        self.app = app
        self.state = app.state
        self.gate = Gate(app.state.settings)
        self.locked = not app.state.settings.sandbox  # True once the process is locked down (or need not be)
        # client address -> 1 while its request is being answered (the rescue answers those of a stuck process)
        self.active: dict[Any, int] = {}

    def lock_down(self) -> None:
        self.locked = True
        sandbox.lock_down(self.state.settings.max_memory)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if not self.locked:
            self.lock_down()
        host = _header(scope, b"host")
        if not self.gate.host_allowed(host):
            await host_refused(host)(scope, receive, send)
            return
        client = scope.get("client")
        self.active[client] = 1
        try:
            if scope["path"] == "/sparql":
                await self.sparql(scope, receive, send)
            else:
                await self.app(scope, receive, send)
        finally:
            self.active.pop(client, None)

    async def sparql(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["app"] = self.app
        request = Request(scope, receive)
        headers = request.headers
        allow = self.gate.cors(_header(scope, b"origin"))
        if allow and request.method == "OPTIONS" and "access-control-request-method" in headers:
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"access-control-allow-origin", allow),
                        *PREFLIGHT_HEADERS,
                        *_vary(allow),
                        (b"content-length", b"0"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b""})
            return
        try:
            response = await endpoint(request)
        except Exception as exc:  # a bug, not the client's doing: still the documented shape
            response = error("internal", f"{type(exc).__name__}: {exc}")
        status, raw, body = finish(response, allow, headers.get("accept-encoding", ""))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    def answer_now(
        self, method: bytes, query_string: bytes, headers: list[tuple[bytes, bytes]], client: Any
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        """The whole answer to a GET or HEAD of the endpoint, made at once, when its query runs in the fast
        lane (``pool``); None otherwise, and the request then goes the ASGI way (which also answers every
        refusal and error). ``unkg serve``'s HTTP protocol (``http.Protocol``) calls it, sparing the request
        uvicorn's ASGI cycle; ``headers`` have lower-case names."""
        pool: QueryPool | None = getattr(self.state, "pool", None)
        if method not in (b"GET", b"HEAD") or pool is None or pool.retiring or not self.locked:
            return None
        settings: Settings = self.state.settings
        if len(query_string) > settings.max_request_bytes:
            return None
        accept = None
        origin = None
        encoding = ""
        host = None
        for name, value in headers:
            if name == b"accept":
                accept = value.decode("latin-1")
            elif name == b"origin":
                origin = value
            elif name == b"accept-encoding":
                encoding = value.decode("latin-1")
            elif name == b"host":
                host = value
        if not self.gate.host_allowed(host):
            return None
        try:
            params = _pairs(query_string.decode("latin-1"))
            queries = [v for k, v in params if k == "query"]
            if len(queries) != 1 or any(k == "update" for k, _ in params):
                return None
            job, shape = query_job(settings, queries[0], params, accept, format_override(params))
        except RequestError:
            return None
        if not pool.lanes.inline(shape):
            return None
        self.active[client] = 1
        try:
            answer = pool.run_inline("sparql", job, shape, client)
        finally:
            self.active.pop(client, None)
        return finish(answer_response(answer, settings), self.gate.cors(origin), encoding)


def _header(scope: dict[str, Any], name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value  # type: ignore[no-any-return]
    return None


def _vary(allow: bytes | None) -> list[tuple[bytes, bytes]]:
    """``Vary: Origin`` when the answer names one origin (caches must not give it to another)."""
    return [(b"vary", b"Origin")] if allow and allow != b"*" else []


def finish(
    response: Response | Answer, allow: bytes | None, accept_encoding: str
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """(status, headers, body) of an endpoint response as sent: CORS headers when the request's origin may read
    it (``allow``: the Access-Control-Allow-Origin value), gzip when the client takes it and the body is 1 KiB
    or more, the length."""
    extra: list[tuple[bytes, bytes]] = [(b"access-control-allow-origin", allow), EXPOSED, *_vary(allow)] if allow else []
    body = response.body
    if len(body) >= GZIP_MIN and "gzip" in accept_encoding:
        body = gzip.compress(body, compresslevel=6)
        extra += [(b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
    raw = [(k, v) for k, v in response.raw_headers if k != b"content-length"]
    raw += [*extra, (b"content-length", str(len(body)).encode())]
    return response.status_code, raw, body
