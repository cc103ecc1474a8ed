"""What an answer of the document system means, told by its first bytes, never by its status alone.

The service says "here is the file" with a PDF or a Word file, but says
"missing" three ways (a 404; a 200 carrying its web application's "not
available" page of about 1.3 KB; a 200 with an empty body for a symbol
announced but not yet published), and "slow down" or "who are you?" in
others (429 and 503 with ``Retry-After``; an HTTP 202 from its firewall
with ``x-amzn-waf-action``, or a challenge page). ``classify`` names each.

>>> classify(200, {}, b"%PDF-1.7 ...").kind
'pdf'
>>> classify(200, {}, b"").kind, classify(404, {}, b"Not found").kind
('empty', 'missing')
>>> classify(202, {"x-amzn-waf-action": "challenge"}, b"").kind
'challenge'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from unkg.read import sniff

# What each kind of answer is, for the crawl: a document to keep, an unreadable file, one of the three
# "missing" answers, or a word about the crawl itself.
DOCUMENTS = ("pdf", "docx")
UNREADABLE = ("doc", "wordperfect")
MISSING, NOT_AVAILABLE, EMPTY = "missing", "not-available", "empty"
CHALLENGE, REFUSED, THROTTLED, SERVER_ERROR, UNEXPECTED = (
    "challenge",
    "refused",
    "throttled",
    "server-error",
    "unexpected",
)

# The "not available" page is the document system's web application shell, about 1,303 bytes; an HTML
# page up to this size without a document is that page. A larger page is something else, and fails.
NOT_AVAILABLE_MAX = 4096
WORDPERFECT_MAGIC = b"\xffWPC"
# Words of the bot checks of common firewalls (AWS WAF, Cloudflare, captchas), looked for in an HTML answer.
CHALLENGE_RE = re.compile(
    rb"awswaf|aws-waf-token|challenge\.js|captcha|cf-chl|just a moment\.\.\.|verify (?:that )?you are (?:a )?human"
    rb"|are you a robot|checking (?:if the site connection is secure|your browser)",
    re.IGNORECASE,
)
WAF_HEADER = "x-amzn-waf-action"


@dataclass(frozen=True, slots=True)
class Verdict:
    """What one answer is.

    Attributes:
        kind: ``pdf``, ``docx`` (a document); ``doc``, ``wordperfect`` (a file unkg cannot read);
            ``missing``, ``not-available``, ``empty`` (no document, three ways); ``challenge``, ``refused``
            (a bot check or a refusal: the crawl stops); ``throttled``, ``server-error`` (passing: retry);
            ``unexpected`` (anything else: the document fails).
        reason: the kind in words, for the work list and the summary.
        retry_after: seconds the service asked to wait (``Retry-After``), or None.
    """

    kind: str
    reason: str
    retry_after: float | None = None

    @property
    def extension(self) -> str | None:
        """The file extension of a document or unreadable file, for its name in the cache."""
        return {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "wordperfect": ".wpd"}.get(self.kind)


def retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: a number of seconds, or an HTTP date.

    >>> retry_after("120"), retry_after(None), retry_after("soon")
    (120.0, None, None)
    >>> retry_after("Wed, 21 Oct 2015 07:28:30 GMT", datetime(2015, 10, 21, 7, 28, tzinfo=UTC))
    30.0
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """A header's value, whatever the case of its name."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _is_challenge(body: bytes) -> bool:
    """True when an HTML answer is a bot check."""
    return sniff(body[:65536]) == "html" and CHALLENGE_RE.search(body[:65536]) is not None


def is_file(head: bytes) -> bool:
    """True when bytes open like a file the service serves (PDF, zip, OLE, WordPerfect): enough for a probe.

    >>> is_file(b"%PDF-1.4"), is_file(b"<!doctype html>")
    (True, False)
    """
    return head.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", WORDPERFECT_MAGIC))


def classify(status: int, headers: Mapping[str, str], body: bytes, now: datetime | None = None) -> Verdict:
    """The meaning of one answer (after redirects) of the document system.

    Args:
        status: the HTTP status of the last answer.
        headers: its headers.
        body: its body (whole).
        now: the time ``Retry-After`` dates count from (default: now).
    """
    waf = _header(headers, WAF_HEADER)
    if waf or (status == 202 and not body.startswith(b"%PDF")) or _is_challenge(body):
        what = f"HTTP {status}" + (f", {WAF_HEADER}: {waf}" if waf else ", a challenge page")
        return Verdict(CHALLENGE, f"a bot check ({what})")
    wait = retry_after(_header(headers, "retry-after"), now)
    if status == 429 or status == 503:
        return Verdict(THROTTLED, f"HTTP {status}" + (f", Retry-After {wait:.0f} s" if wait is not None else ""), wait)
    if status == 404 or status == 410:
        return Verdict(MISSING, f"not found (HTTP {status})")
    if status in (401, 403):
        return Verdict(REFUSED, f"refused (HTTP {status})")
    if status >= 500:
        return Verdict(SERVER_ERROR, f"server error (HTTP {status})", wait)
    if status != 200:
        return Verdict(UNEXPECTED, f"unexpected answer (HTTP {status}, {len(body)} bytes)")
    if body.startswith(WORDPERFECT_MAGIC):
        return Verdict("wordperfect", "a WordPerfect file: unkg cannot read it (ask for --type pdf)")
    kind = sniff(body)
    if kind == "pdf":
        return Verdict("pdf", "PDF")
    if kind == "docx":
        return Verdict("docx", "Word .docx")
    if kind == "ole":
        return Verdict("doc", "a legacy Word .doc file: unkg cannot read it (ask for --type pdf)")
    if kind == "empty":
        return Verdict(EMPTY, "an empty answer: announced but not yet published")
    if kind == "html" and len(body) <= NOT_AVAILABLE_MAX:
        return Verdict(NOT_AVAILABLE, "not available (the document system's 'not available' page)")
    if kind == "zip":
        return Verdict(UNEXPECTED, f"a zip archive that is no Word file ({len(body)} bytes)")
    return Verdict(UNEXPECTED, f"unexpected answer: {kind} of {len(body)} bytes, no document")
