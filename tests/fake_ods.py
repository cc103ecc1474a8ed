"""A stand-in for the UN Official Document System on 127.0.0.1, for the tests of ``unkg fetch``.

It behaves as public code that uses the service describes it:
``/api/symbol/access?s=SYMBOL&l=LANG&t=pdf|doc`` answers a known symbol with
a redirect to ``/doc/undoc/gen/...pdf``, which serves the file; an unknown
one with the web application's "not available" page (a 200 of about 1.3 KB);
a symbol it knows to be missing with a 404; a symbol whose slashes are not
percent-encoded with a 404. A test scripts the odd answers of a symbol
(429 or 503 with Retry-After, a reset connection, an empty body, the
firewall's 202 challenge) and can switch on a soft block: the "not
available" page for every symbol, known or not, for a while.

Every request is counted by path (and query), and logged with its time.
"""

from __future__ import annotations

import hashlib
import socket
import struct
import threading
import time
from collections import Counter, deque
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

# The web application's shell, served with a 200 for a symbol it has no file of: about 1.3 KB of HTML
# that names no document (made for the tests; the real page is the Official Document System's own).
NOT_AVAILABLE_PAGE = (
    b'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Official Document System</title>'
    b'<base href="/"><meta name="viewport" content="width=device-width, initial-scale=1">'
    b'<link rel="icon" type="image/x-icon" href="favicon.ico">'
    b'<link rel="stylesheet" href="styles.3f1c9a.css" media="print" onload="this.media=\'all\'">'
    b'<noscript><link rel="stylesheet" href="styles.3f1c9a.css"></noscript></head>'
    b"<body><app-root></app-root><noscript>Please enable JavaScript to continue using this application.</noscript>"
    + b"<!-- "
    + b"." * 700
    + b" -->"
    b'<script src="runtime.8a2b.js" type="module"></script><script src="polyfills.77e1.js" type="module">'
    b'</script><script src="main.c0ffee.js" type="module"></script></body></html>'
)
CHALLENGE_PAGE = (
    b"<!DOCTYPE html><html><head><title></title><script>window.awsWafCookieDomainList = [];"
    b'window.gokuProps = {};</script><script src="https://example.token.awswaf.com/challenge.js"></script>'
    b'</head><body><div id="challenge-container"></div></body></html>'
)
WORDPERFECT = b"\xffWPC" + b"\x10\x00\x00\x00\x01\x0a\x02\x01" + b"\x00" * 500


class FakeODS:
    """The fake service: its files, its scripted answers, its counters.

    Attributes:
        files: (symbol, type) -> bytes served for it (``type`` is ``pdf`` or ``doc``).
        missing: symbols answered 404.
        script: symbol -> odd answers to give, one per request, before the normal one:
            ``429`` (Retry-After 1), ``503`` (Retry-After as an HTTP date 1 s on), ``500``, ``reset``,
            ``empty``, ``challenge``, ``not-available``, ``elsewhere`` (a redirect to another host).
        requests: path?query -> requests received; log: (time, path?query) of each.
    """

    def __init__(self) -> None:
        self.files: dict[tuple[str, str], bytes] = {}
        self.missing: set[str] = set()
        self.script: dict[str, deque[str]] = {}
        self.requests: Counter[str] = Counter()
        self.log: list[tuple[float, str]] = []
        self.agents: set[str] = set()
        self.soft_block: tuple[int, float] | None = None  # (after this many access requests, for seconds)
        self._soft_until: float | None = None
        self.access_count = 0
        self.hold_at: int | None = None  # the access request (1-based) held open, for the kill test
        self.holding = threading.Event()
        self.release = threading.Event()
        self.held: str | None = None
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.base = ""  # the base address, once started

    # -- the service's files -------------------------------------------------------------
    @staticmethod
    def file_path(symbol: str, file_type: str) -> str:
        """Where the file of a symbol is served, in the service's style (a job number)."""
        job = int(hashlib.sha256(f"{symbol} {file_type}".encode()).hexdigest()[:7], 16) % 10**7
        ext = "pdf" if file_type == "pdf" else "doc"
        return f"/doc/undoc/gen/n{job // 10**4:03d}/{job // 100 % 100:02d}/{ext}/n{job:07d}.{ext}"

    def add(self, symbol: str, data: bytes, file_type: str = "pdf") -> None:
        """Serve ``data`` for a symbol."""
        self.files[(symbol, file_type)] = data

    def do(self, symbol: str, *answers: str) -> None:
        """Script the next answers of a symbol."""
        self.script.setdefault(symbol, deque()).extend(answers)

    def count(self, prefix: str) -> Counter[str]:
        """The request counts of the paths that start with ``prefix``."""
        return Counter({path: n for path, n in self.requests.items() if path.startswith(prefix)})

    # -- running --------------------------------------------------------------------------
    def start(self) -> str:
        """Start on a free port of 127.0.0.1; the base address."""
        service = self

        class Handler(Answer):
            ods = service

        self._server = Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.base

    def stop(self) -> None:
        """Stop serving."""
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def soft_blocked(self) -> bool:
        """True while the soft block is on (counting this access request)."""
        if self.soft_block is None:
            return False
        after, seconds = self.soft_block
        if self._soft_until is None and self.access_count > after:
            self._soft_until = time.monotonic() + seconds
        return self._soft_until is not None and time.monotonic() < self._soft_until


class Server(ThreadingHTTPServer):
    """The threads' server, quiet about clients that go away."""

    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client killed or reset mid-answer is part of the tests."""


class Answer(BaseHTTPRequestHandler):
    """One request to the fake service."""

    protocol_version = "HTTP/1.1"
    # The head and body of an answer leave in one write (flushed after each request), without Nagle's delay.
    wbufsize = 1 << 16
    disable_nagle_algorithm = True
    ods: FakeODS

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""

    def send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        """Answer with a status, a body and headers."""
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        """Answer as the service does."""
        ods = self.ods
        with ods._lock:
            ods.requests[self.path] += 1
            ods.log.append((time.monotonic(), self.path))
            ods.agents.add(self.headers.get("User-Agent", ""))
        parts = urlsplit(self.path)
        if parts.path == "/api/symbol/access":
            self.access(parts.query)
        elif parts.path.startswith("/doc/undoc/gen/"):
            found = [data for (s, t), data in ods.files.items() if ods.file_path(s, t) == parts.path]
            if found:
                kind = "application/pdf" if parts.path.endswith(".pdf") else "application/msword"
                self.send(200, found[0], {"Content-Type": kind})
            else:
                self.send(404, b"Not Found", {"Content-Type": "text/plain"})
        else:
            self.send(404, b"Not Found", {"Content-Type": "text/plain"})

    def access(self, query: str) -> None:
        """``/api/symbol/access``: a redirect to the file, or one of the other answers."""
        ods = self.ods
        raw = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if "/" in raw.get("s", "/"):  # the service wants the whole symbol percent-encoded
            return self.send(404, b"Not Found", {"Content-Type": "text/plain"})
        symbol, file_type = unquote(raw["s"]), raw.get("t", "pdf")
        with ods._lock:
            ods.access_count += 1
            number = ods.access_count
            blocked = ods.soft_blocked()
            steps = ods.script.get(symbol)
            step = steps.popleft() if steps else None
        if ods.hold_at is not None and number == ods.hold_at:
            ods.held = self.path
            ods.holding.set()
            ods.release.wait(60)
        if blocked or step == "not-available":
            return self.send(200, NOT_AVAILABLE_PAGE, {"Content-Type": "text/html"})
        if step == "429":
            return self.send(429, b"Too Many Requests", {"Retry-After": "1"})
        if step == "503":
            return self.send(503, b"Service Unavailable", {"Retry-After": formatdate(time.time() + 1, usegmt=True)})
        if step == "500":
            return self.send(500, b"Internal Server Error")
        if step == "reset":
            self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.request.close()
            self.close_connection = True
            return None
        if step == "elsewhere":  # a redirect off the service, to the Digital Library
            return self.send(302, b"", {"Location": "https://digitallibrary.un.org/record/1"})
        if step == "empty":
            return self.send(200, b"", {"Content-Type": "application/pdf"})
        if step == "challenge":
            return self.send(202, CHALLENGE_PAGE, {"x-amzn-waf-action": "challenge", "Content-Type": "text/html"})
        if (symbol, file_type) in ods.files:
            return self.send(302, b"", {"Location": ods.file_path(symbol, file_type)})
        if symbol in ods.missing:
            return self.send(404, b"Not Found", {"Content-Type": "text/plain"})
        return self.send(200, NOT_AVAILABLE_PAGE, {"Content-Type": "text/html"})
