"""The SPARQL 1.1 Protocol without the HTTP: what a query asks, and in which format to answer.

Whether a query is federated (SERVICE) is decided on the query as a SPARQL
parser reads it (``service_refusal``): a lexical check of a query language is
bound to miss a case (a ``.`` glued to the keyword, an escaped ``#`` or ``'``
in a prefixed name). Only a query that holds the letters of the keyword at all
is parsed (``mentions_service``), so lookups pay nothing for it. What else the
endpoint needs of a query's text (does it start like an update, does it name
its own dataset, its shape for the fast lane) is looked at lexically, with
strings, IRIs and comments masked; none of those decides what the server may
do, and pyoxigraph parses the query when it runs it.

>>> service_refusal('SELECT * { ?x ?y ?z .SERVICE <http://example.org/sparql> { ?s ?p ?o } }') is not None
True
>>> service_refusal('SELECT ?service { ?service a <http://example.org/SERVICE> } # SERVICE') is None
True
>>> looks_like_update('PREFIX ex: <http://example.org/> INSERT DATA { ex:a ex:b ex:c }')
True
>>> negotiate("text/csv;q=0.5, application/sparql-results+json", RESULT_FORMATS).name
'json'
"""

from __future__ import annotations

import codecs
import functools
import re
from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes

# Strings (long and short), IRIs and comments: what a keyword can hide in.
_MASKED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\s]*>'
    r"|\\[_~.\-!$&'()*+,;=/?#@%]"  # an escape in a prefixed name's local part (ex:a\'b): neither string nor comment
    r"|#[^\n]*",
    re.DOTALL,
)
# A keyword, not part of a variable (?service), a prefixed name (ex:service) or a longer word.
_WORD = r"(?<![\w?$:.\-]){}(?![\w:\-])"
_FROM = re.compile(_WORD.format("FROM"), re.IGNORECASE)
# One prologue item once strings and IRIs are masked: PREFIX ex: \x00 or BASE \x00.
_PROLOGUE_ITEM = re.compile(r"\s*(?:PREFIX\s+[^\s:]*:|BASE)\s*\x00", re.IGNORECASE)
_UPDATE_WORD = re.compile(r"\s*(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", re.IGNORECASE)


# The same without comments: for a query with no "#" at all, masked with no Python call per match.
_MASKED_NO_COMMENT = re.compile(_MASKED.pattern.rsplit("|", 1)[0], re.DOTALL)


def masked(query: str) -> str:
    """The query with its strings and IRIs replaced by a NUL, its comments by a space, and the escapes of
    prefixed names by ``_``.

    >>> masked('SELECT ?s { ?s <http://x/#a> "b#c" } # the end')
    'SELECT ?s { ?s \\x00 \\x00 }  '
    >>> masked("SELECT ?s { ?s ex:a\\\\'b 'c' }")
    'SELECT ?s { ?s ex:a_b \\x00 }'
    """
    if "#" not in query and "\\" not in query:
        return _MASKED_NO_COMMENT.sub("\x00", query)
    return _MASKED.sub(_mask, query)


def _mask(match: re.Match[str]) -> str:
    first = match.group(0)[0]
    return " " if first == "#" else "_" if first == "\\" else "\x00"


# SPARQL 1.1 (19.2): \u and \U escapes may stand for any character of a query, keywords included.
_CODEPOINT_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def mentions_service(query: str) -> bool:
    """True when the query holds the letters of SERVICE in any case, escaped or not (then it is parsed).

    A SERVICE clause cannot be written without them, so False is a sound "no SERVICE"; True only means
    "look closer" (the word may be in an IRI, a string or a name).

    >>> mentions_service("SELECT * { ?s ?p ?o }"), mentions_service("SELECT * { \\u0053ERVICE <x:y> {} }")
    (False, True)
    """
    if "\\u" in query or "\\U" in query:
        query = _CODEPOINT_ESCAPE.sub(_codepoint, query)
    return "service" in query.casefold()  # casefold: "ſ" (long s) folds to "s", as a Unicode-aware parser may


def _codepoint(match: re.Match[str]) -> str:
    value = int(match.group(1) or match.group(2), 16)
    return chr(value) if value < 0x110000 else match.group(0)


SERVICE_REFUSED = "SERVICE is refused: this endpoint never makes outbound requests"


def service_refusal(query: str) -> str | None:
    """Why the query is refused as federated (SERVICE), or None when it is not.

    The query is parsed with rdflib's SPARQL 1.1 parser when it mentions the keyword at all, and refused when
    its syntax tree holds a SERVICE pattern anywhere (OPTIONAL, MINUS, EXISTS, sub-queries included) or when
    it cannot be parsed (in doubt, refused).

    >>> service_refusal("PREFIX ex: <http://x/> SELECT * { ?s ex:service 'SERVICE' }") is None
    True
    >>> service_refusal("SELECT * { FILTER EXISTS { SERVICE SILENT ?e { ?s ?p ?o } } }") == SERVICE_REFUSED
    True
    """
    if not mentions_service(query):
        return None
    from rdflib.plugins.sparql.parser import parseQuery  # its grammar takes a moment to build: only when needed

    try:
        tree = parseQuery(query)
    except Exception as exc:  # whatever the parser makes of it, the answer is "in doubt"
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        return (
            "the query mentions SERVICE and could not be parsed to make sure it has no SERVICE clause "
            f"(federated queries are refused; parser: {reason})"
        )
    return SERVICE_REFUSED if _holds_service(tree) else None


def _holds_service(node: object) -> bool:
    """True when a SERVICE pattern stands anywhere in an rdflib parse tree (ParseResults and CompValues)."""
    stack = [node]
    while stack:
        item = stack.pop()
        name = getattr(item, "name", None)
        if name == "ServiceGraphPattern":
            return True
        if isinstance(item, dict):  # CompValue is an OrderedDict
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(item)  # type: ignore[arg-type]
    return False


def has_dataset_clause(query: str) -> bool:
    """True when the query names its own dataset with FROM or FROM NAMED."""
    return bool(_FROM.search(masked(query)))


def looks_like_update(text: str) -> bool:
    """True when the text starts (after its prologue) like a SPARQL Update operation."""
    return _starts_like_update(masked(text))


@dataclass(frozen=True, slots=True)
class Lexical:
    """What the endpoint looks for in a query's text, found with one masking pass."""

    update: bool  # looks_like_update
    dataset: bool  # has_dataset_clause
    shape: str = field(
        default="", repr=False, compare=False
    )  # the masked text: the same for queries that differ in IRIs or literals


def lexical(query: str) -> Lexical:
    """``looks_like_update`` and ``has_dataset_clause`` at once, and the query's shape.

    >>> lexical("SELECT * FROM <http://x/g> { ?s ?p ?o }")
    Lexical(update=False, dataset=True)
    >>> lexical("ASK { <http://x/a> ?p 'x' }").shape == lexical("ASK { <http://x/b> ?p 'y' }").shape
    True
    """
    text = masked(query)
    lower = text.lower()  # the searches only where their word is there at all (most queries have neither)
    dataset = "from" in lower and bool(_FROM.search(text))
    return Lexical(_starts_like_update(text), dataset, text)


def _starts_like_update(text: str) -> bool:
    position = 0
    while item := _PROLOGUE_ITEM.match(text, position):  # linear: each item ends at its masked IRI
        position = item.end()
    return bool(_UPDATE_WORD.match(text, position))


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")


def form_pairs(raw: str) -> list[tuple[str, str]]:
    """The (name, value) pairs of a query string or form body, as ``urllib.parse.parse_qsl`` with blank
    values kept and strict UTF-8 (UnicodeDecodeError otherwise), but decoded in C: ``%`` escapes become
    ``\\x`` escapes for ``codecs.escape_decode``. ``raw`` is the bytes as latin-1.

    >>> form_pairs("query=SELECT+%3Fs+%7B%7D&format=json&x")
    [('query', 'SELECT ?s {}'), ('format', 'json'), ('x', '')]
    >>> form_pairs("a=%E2%82%AC%zz%")  # a malformed escape is kept as it is
    [('a', '€%zz%')]
    """
    pairs = []
    for item in raw.split("&"):
        if item:
            name, _, value = item.partition("=")
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


def _unquote_plus(text: str) -> str:
    data = text.replace("+", " ").encode("latin-1")
    if b"%" in data:
        if _BAD_ESCAPE.search(text):
            return unquote_to_bytes(data).decode("utf-8")  # kept as they are: the slow path
        data = codecs.escape_decode(data.replace(b"\\", b"\\\\").replace(b"%", b"\\x"))[0]
    return data.decode("utf-8")


@dataclass(frozen=True, slots=True, eq=False)  # one object per format: compared and hashed by identity (fast)
class Format:
    """One serialisation the endpoint can give."""

    name: str  # short name, also accepted as ?format=
    media_type: str  # the Content-Type sent
    aliases: tuple[str, ...] = ()  # other media types asked for in Accept

    @property
    def content_type(self) -> str:
        """The Content-Type header value (text types say their charset)."""
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("+json", "+xml", "/json", "/xml"))
        textual = textual or self.media_type in ("application/n-triples", "application/n-quads", "application/trig")
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


# SELECT and ASK results. The first is the default.
RESULT_FORMATS = (
    Format("json", "application/sparql-results+json", ("application/json",)),
    Format("xml", "application/sparql-results+xml", ("application/xml", "text/xml")),
    Format("csv", "text/csv"),
    Format("tsv", "text/tab-separated-values"),
)
# CONSTRUCT and DESCRIBE results, linked-data pages and the service description. The first is the default.
GRAPH_FORMATS = (
    Format("turtle", "text/turtle", ("application/x-turtle",)),
    Format("ntriples", "application/n-triples", ("text/plain",)),
    Format("jsonld", "application/ld+json", ("application/json",)),
    Format("rdfxml", "application/rdf+xml", ("application/xml", "text/xml")),
    Format("nquads", "application/n-quads"),
    Format("trig", "application/trig"),
)
FORMAT_NAMES = {f.name: f for f in RESULT_FORMATS + GRAPH_FORMATS}
_R = {f.name: f for f in RESULT_FORMATS}
_G = {f.name: f for f in GRAPH_FORMATS}
# ?format= values (also those SPARQLWrapper and other clients send): (results format, graph format).
FORMAT_PARAM: dict[str, tuple[Format | None, Format | None]] = {
    "json": (_R["json"], _G["jsonld"]),
    "xml": (_R["xml"], _G["rdfxml"]),
    "csv": (_R["csv"], None),
    "tsv": (_R["tsv"], None),
    "turtle": (None, _G["turtle"]),
    "ttl": (None, _G["turtle"]),
    "n3": (None, _G["turtle"]),
    "ntriples": (None, _G["ntriples"]),
    "nt": (None, _G["ntriples"]),
    "jsonld": (None, _G["jsonld"]),
    "json-ld": (None, _G["jsonld"]),
    "rdfxml": (None, _G["rdfxml"]),
    "rdf": (None, _G["rdfxml"]),
    "rdf+xml": (None, _G["rdfxml"]),
    "nquads": (None, _G["nquads"]),
    "nq": (None, _G["nquads"]),
    "trig": (None, _G["trig"]),
}


def format_param(value: str) -> tuple[Format | None, Format | None] | None:
    """(results format, graph format) a ``format`` parameter asks for (a name or a media type), None if unknown.

    >>> [f and f.name for f in format_param("xml")]
    ['xml', 'rdfxml']
    >>> [f and f.name for f in format_param("text/turtle")]
    [None, 'turtle']
    """
    value = value.strip().lower()
    if value in FORMAT_PARAM:
        return FORMAT_PARAM[value]
    if "/" in value:
        pair = (negotiate(value, RESULT_FORMATS), negotiate(value, GRAPH_FORMATS))
        return pair if any(pair) and "*" not in value else None
    return None


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """(media range, q) pairs of an Accept header, best first; no header means */*.

    >>> parse_accept("text/html;q=0.9, text/turtle, */*;q=0.1")
    [('text/turtle', 1.0), ('text/html', 0.9), ('*/*', 0.1)]
    """
    if not header or not header.strip():
        return [("*/*", 1.0)]
    out = []
    for i, part in enumerate(header.split(",")):
        bits = [b.strip() for b in part.split(";")]
        media = bits[0].lower()
        if not media:
            continue
        q = 1.0
        for param in bits[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        out.append((media, q, i))
    out.sort(key=lambda item: (-item[1], _specificity(item[0]), item[2]))
    return [(media, q) for media, q, _ in out]


def _specificity(media: str) -> int:
    return 2 if media == "*/*" else 1 if media.endswith("/*") else 0


def _matches(media_range: str, fmt: Format) -> bool:
    for media in (fmt.media_type, *fmt.aliases):
        if media_range in ("*/*", media) or (media_range.endswith("/*") and media.startswith(media_range[:-1])):
            return True
    return False


@functools.lru_cache(maxsize=512)  # clients send few distinct Accept headers
def negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    """The format to answer in, or None when the client accepts none of them (406)."""
    ranges = parse_accept(accept)
    refused = {media for media, q in ranges if q == 0}
    for media, q in ranges:
        if q == 0:
            continue
        for fmt in formats:
            if fmt.media_type in refused:
                continue
            if _matches(media, fmt):
                return fmt
    return None


def prefers_html(accept: str | None) -> bool:
    """True when the client asks for HTML before any RDF format (a browser)."""
    for media, q in parse_accept(accept):
        if q == 0:
            continue
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media == "*/*" or any(_matches(media, f) for f in GRAPH_FORMATS + RESULT_FORMATS):
            return False
    return False
