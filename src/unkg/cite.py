"""Find every citation in a parsed document.

``cite(document, catalogue)`` runs the finders below over the text, links
footnote markers to their footnotes, and gives each citation its paragraph
and function. Each finder is a function ``(context) -> list[Found]``; the
caller may pass its own list of finders (``FINDERS`` is the default), in
the manner of strategies.

Precision first: a finder that cannot tell the organ, the era or the
instrument a reference means says nothing rather than guess.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from unkg import grammar as g
from unkg.catalogue import Catalogue, trie_pattern
from unkg.check import DRAFT_YEARS
from unkg.cues import Cues
from unkg.models import Citation, Document, Footnote, Paragraph
from unkg.structure import VERBS, paragraph_verb


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    """The last of an iterator of matches, or None."""
    last = None
    for last in matches:  # noqa: B007 - the loop only moves to the end
        pass
    return last


@dataclass(slots=True)
class Found:
    """A finder's raw result, before paragraph and function are assigned."""

    target: str
    kind: str
    start: int
    end: int
    pinpoint: str | None = None
    via: str | None = None
    absorbable: bool = False  # a footnote entry that only identifies a named work


@dataclass(slots=True)
class Context:
    """What the finders share: the document, the catalogue, blocked spans."""

    doc: Document
    catalogue: Catalogue
    blocked: list[tuple[int, int]]
    _blocked_starts: list[int] = field(default_factory=list)
    _blocked_reach: list[int] = field(default_factory=list)  # furthest end among blocked[:i + 1]

    _paragraph_starts: list[int] = field(default_factory=list)
    _names: list[tuple[int, int, str | None, str]] | None = None
    _cues: Cues | None = None

    def __post_init__(self) -> None:
        self.blocked.sort()
        self._blocked_starts = [s for s, _ in self.blocked]
        self._blocked_reach = list(itertools.accumulate((e for _, e in self.blocked), max))
        self._paragraph_starts = [p.start for p in self.doc.paragraphs]

    def paragraph_at(self, pos: int) -> Paragraph | None:
        """The innermost paragraph (or footnote) holding ``pos``."""
        paragraphs = self.doc.paragraphs
        i = bisect.bisect_right(self._paragraph_starts, pos)
        while i > 0:
            p = paragraphs[i - 1]
            if p.start <= pos < p.end:
                return p
            i -= 1
            if p.end <= pos and not p.label.startswith("fn"):
                break
        return None

    @property
    def text(self) -> str:
        return self.doc.text

    def is_blocked(self, start: int, end: int) -> bool:
        """True when [start, end) overlaps page furniture or a marker."""
        i = bisect.bisect_left(self._blocked_starts, end)  # spans[:i] start before ``end``
        return bool(i) and self._blocked_reach[i - 1] > start

    def own(self, target: str) -> bool:
        """True when ``target`` is the document itself."""
        return target == self.doc.symbol

    @property
    def names(self) -> list[tuple[int, int, str | None, str]]:
        """The catalogue's names, abbreviations and heads in the text (``Catalogue.scan``), scanned once."""
        if self._names is None:
            self._names = list(self.catalogue.scan(self.text))
        return self._names

    @property
    def cues(self) -> Cues:
        """Where the cue words the finders test for stand (``unkg.cues``): the document's, or searched for."""
        if self._cues is None:
            self._cues = self.doc.cues if self.doc.cues is not None else Cues(self.text)
        return self._cues


# --------------------------------------------------------------------------
# Symbols written out: "A/61/324", "(A/57/387 and Corr.1)".
SYMBOL_PINPOINT_RE = re.compile(
    r",?\s+(?P<pin>annex(?:es)?(?:\s+[IVX]{1,5})?|chap\.\s+[IVX]{1,6}(?:,\s+sect\.\s+[A-Z])?"
    r"|paras?\.\s+\d{1,3}(?:\s*[-\u2013]\s*\d{1,3})?|para(?:graph)?s?\s+\d{1,3}(?:\s*[-\u2013]\s*\d{1,3})?)"
)


def find_symbols(ctx: Context) -> list[Found]:
    out = []
    for sm in ctx.doc.symbols if ctx.doc.symbols is not None else g.parse_symbols(ctx.text):
        if ctx.is_blocked(sm.start, sm.end):
            continue
        pin = SYMBOL_PINPOINT_RE.match(ctx.text, sm.end)
        for target in sm.targets:
            if not ctx.own(target):
                out.append(
                    Found(target, g.symbol_kind(target), sm.start, sm.end, pinpoint=pin.group("pin") if pin else None)
                )
    return out


# --------------------------------------------------------------------------
# Resolutions and decisions by number: "its resolution 60/169",
# "resolutions 1556 (2004), 1564 (2004) and 1574 (2004)", "217 A (III)".
LOOSE_GAP = 260
SENTENCE_END_RE = re.compile(r"[.;]\s+(?=[A-Z“\"(])|\n[ \t]*\n|[Rr]esolutions?\b|[Dd]ecisions?\b|[Pp]aragraphs?\b")
LOOSE_ITEM_RE = re.compile(rf"(?:,\s*(?:and\s+)?|\s+and\s+)(?:{g.SC_NUMBER}|{g.ROMAN_NUMBER})(?![\w/])")
# A list of dated session numbers continues past what each item says ("its resolutions 60/251 of 15 March 2006,
# by which it established the Human Rights Council, and 65/281 of 17 June 2011 on ..."): the next item is a
# session number with its own date, which nothing else in a text looks like.
LOOSE_DATED_SESSION_RE = re.compile(rf"(?:,\s*(?:and\s+)?|\s+and\s+)(?={g.SESSION_NUMBER}\s+of\s+{g.DATE})")
# After a plural act word, the next session number of the sentence: "its resolutions 5/1 on institution-building of
# the Human Rights Council and 5/2 on the code of conduct".
LOOSE_SESSION_RE = re.compile(rf"(?:,\s*(?:and\s+)?|\s+and\s+)(?={g.SESSION_NUMBER}(?![\w/]))")
ORGAN_NAME_RE = re.compile(
    "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(g.ORGAN_NAMES, key=len, reverse=True) if " " in n)
)
ORGAN_LOWER = {" ".join(n.split()).lower() for n in g.ORGAN_NAMES}
FOREIGN_POST_RE = re.compile(
    r"\s+(?:adopted\s+)?(?:(?:in|at)\s+[A-Z][\w\-]*(?:\s+[A-Z][\w\-]*)?\s+)?(?:by|of)\s+the\s+"
    r"(?P<body>(?:[A-Z][\w\-]*\s+(?:(?:of|for|on)\s+)?){0,6}(?:Commission|Conference|Committee|Assembly|Council"
    r"|Organization|Organisation|Board|Parliament|Summit|Union|League))\b"
)
HRC_SESSION_RE = re.compile(r"^A/HRC/(?:[A-Z.\d]+/)*?(\d{1,2})/")
_ORGAN_KEYS = {" ".join(k.split()).lower(): v for k, v in g.ORGAN_NAMES.items()}  # an organ's name, squeezed, lower


def _organ_for(
    word: str | None, style: str, doc: Document, session: str | None, special: str | None = None
) -> str | None:
    organ_names = _ORGAN_KEYS
    own = doc.organ
    if word:
        w = " ".join(word.split())
        if w.lower() in organ_names and w not in ("Assembly",):
            return organ_names[w.lower()]
        if w == "Assembly":
            return g.GA
        if w in ("its", "this"):
            return own if own else _organ_for(None, style, doc, session, special)
        if w == "their":
            return None
        if w.lower() == "council":
            if own in (g.SC, g.HRC, g.ECOSOC):
                return own
            return {"sc": g.SC, "session": g.HRC, "year": g.ECOSOC}.get(style)
        if w == "Commission":
            return g.CHR if style == "year" else None
    if style == "sc":
        return g.SC
    if style == "roman":
        return g.GA
    if style == "session" and session is not None:
        if special:
            return g.HRC if own == g.HRC else g.GA
        n = int(session)
        if own == g.HRC:
            m = HRC_SESSION_RE.match(doc.symbol or "")
            own_session = int(m.group(1)) if m else 59
            return g.HRC if n <= own_session else g.GA
        if own == g.GA or own is None or own == g.SC:
            return g.GA if n >= 31 else None
        return None
    if style == "year":
        return own if own in (g.CHR, g.ECOSOC, g.SUBCOM) else None
    return None


def _item_target(
    m: re.Match[str], word: str | None, act: str, doc: Document, text: str
) -> tuple[str | None, str | None]:
    """(canonical target, pinpoint) of one list item, or (None, None)."""
    if m.group("scnum"):
        organ = _organ_for(word, "sc", doc, None)
        if organ != g.SC:
            return None, None
        return g.resolution_symbol(g.SC, act, "sc", number=m.group("scnum"), year=m.group("scyear")), None
    if m.group("rnum"):
        roman = m.group("roman")
        if g.roman_to_int(roman.split("-")[-1]) == 0:
            return None, None
        organ = _organ_for(word, "roman", doc, None)
        part = m.group("part")
        target = g.resolution_symbol(organ or "", act, "roman", number=m.group("rnum"), roman=roman)
        return target, (f"part {' '.join(part.split())}" if part else None)
    if m.group("ynum"):
        organ = _organ_for(word, "year", doc, None)
        return g.resolution_symbol(organ or "", act, "year", year=m.group("ynum_year"), number=m.group("ynum")), None
    if m.group("session"):
        organ = _organ_for(word, "session", doc, m.group("session"), m.group("special"))
        part = m.group("spart")
        return g.resolution_symbol(
            organ or "",
            act,
            "session",
            session=m.group("session"),
            number=m.group("number"),
            special=m.group("special") or "",
        ), (f"part {part}" if part else None)
    if m.group("dnum"):
        organ = _organ_for(word, "sc", doc, None)
        if organ != g.SC or word is None:
            return None, None
        date = re.match(rf"\s+of\s+{g.DATE}", text[m.end() : m.end() + 40])
        if not date:
            return None, None
        year = date.group(0).strip()[-4:]
        return g.resolution_symbol(g.SC, act, "sc", number=m.group("dnum"), year=year), None
    return None, None


def _anchor_word(text: str, anchor: g.ActAnchor) -> str | None:
    """The organ word of an anchor, read in its sentence.

    "its"/"this" is the organ just named ("by the General Assembly in its resolution 60/251"); with no organ
    word, an organ named as the subject of the sentence a little before is the one acting ("The Economic and
    Social Council, by decision 1999/239, approved ..."); else the anchor's own word.
    """
    word = anchor.organ
    if word in ("its", "this") or word is None:
        named = _last(ORGAN_NAME_RE.finditer(text, max(0, anchor.start - 90), anchor.start))
        if named and not re.search(r"[.;]\s", text[named.end() : anchor.start]):
            between = text[named.end() : anchor.start]
            if word is not None or SUBJECT_GAP_RE.fullmatch(between):
                return named.group(0)
    return word


# Between an organ named as a subject and its act: "The Economic and Social Council, by decision ...",
# "the Human Rights Council in ...". Nothing that could hold another subject.
SUBJECT_GAP_RE = re.compile(r",?\s{1,3}(?:[a-z]+\s{1,3}){0,3}(?:by|in|under|through)(?:\s+its)?\s{1,3}")


def _foreign_after(text: str, pos: int) -> bool:
    """True when what follows an item says another body adopted it: "adopted in Mexico by the Preparatory
    Commission", "adopted by the Assembly of Heads of State and Government of the Organization of African Unity"."""
    after = FOREIGN_POST_RE.match(text, pos)
    if not after:
        return False
    body = " ".join(after.group("body").split()).lower()
    return body not in ORGAN_LOWER or bool(FOREIGN_OF_RE.match(text, after.end()))


# "Assembly of Heads of State", "Council of the League of Arab States": an organ word that is another body's.
FOREIGN_OF_RE = re.compile(
    r"\s+of\s+(?:the\s+)?(?:Heads|League|Organi[sz]ation|African|Arab|European|Ministers|Parties)"
)


CAPITAL_ACT_CUES = ("RESOLUTION", "RESOLUTIONS", "DECISION", "DECISIONS")


def find_resolutions(ctx: Context) -> list[Found]:
    text = ctx.text
    out: list[Found] = []
    seen: set[int] = set()
    for anchor in g.find_act_anchors(text, capitals=any(w in ctx.cues for w in CAPITAL_ACT_CUES)):
        if anchor.foreign:
            continue
        act = anchor.act
        word = _anchor_word(text, anchor)
        plural = text[anchor.start : anchor.end].rstrip().lower().endswith(("resolutions", "decisions", "nos."))
        items: list[tuple[re.Match[str], re.Match[str]]] = []  # (item, its tail), in text order
        pos = anchor.end
        while True:
            m = g.ITEM_RE.match(text, pos)
            if not m or m.start() in seen:
                break
            seen.add(m.start())
            tail = g.ITEM_TAIL_RE.match(text, m.end())
            if _foreign_after(text, tail.end()) and not g.POST_ORGAN_RE.match(text, tail.end()):
                break  # this item, and what follows it, are another body's
            items.append((m, tail))
            pos = tail.end()
            nxt = _next_item(text, pos, m, tail, plural)
            if nxt is None:
                break
            pos = nxt
        # An organ after the list names the organ of every item: "resolutions 7 (XXVI) and 17 (XXV) of the
        # Commission on Human Rights".
        post = g.POST_ORGAN_RE.match(text, items[-1][1].end()) if items else None
        for i, (m, tail) in enumerate(items):
            item_word = word
            own_post = g.POST_ORGAN_RE.match(text, tail.end()) or post
            if own_post and (word is None or word in ("Council", "Commission")):
                item_word = own_post.group("organ")
            target, pin = _item_target(m, item_word, act, ctx.doc, text)
            extra_pin = tail.group("pin")
            pinpoint = (
                ", ".join(p for p in (pin, " ".join(extra_pin.split()).lstrip(", ") if extra_pin else None) if p)
                or None
            )
            start = anchor.start if i == 0 else m.start()
            if target and not ctx.own(target) and not ctx.is_blocked(m.start(), m.end()):
                out.append(Found(target, g.symbol_kind(target), start, m.end(), pinpoint=pinpoint))
    return out


def _next_item(text: str, pos: int, m: re.Match[str], tail: re.Match[str], plural: bool) -> int | None:
    """Where the list's next item starts after the item ``m`` (its tail ends at ``pos``), or None at its end."""
    sep = g.LIST_SEPARATOR_RE.match(text, pos)
    nxt = g.ITEM_RE.match(text, sep.end()) if sep else None
    if nxt and (not nxt.group("dnum") or m.group("scnum") or m.group("dnum")):
        return sep.end()  # type: ignore[union-attr]  # "1663 (2006) of 24 March 2006, 1653 of 27 January 2006"
    # A distinctive list ("1674 (2006) ... on the protection of civilians ..., 1612 (2005) ...") continues past
    # a topic phrase: Security Council, Roman-era and dated items; session numbers when they are dated, or
    # when the act word was plural ("its resolutions 5/1 on institution-building ... and 5/2").
    dated_session = bool(m.group("session") and tail.group(0).lstrip().startswith("of"))
    if m.group("ynum") or (m.group("session") and not (dated_session or plural)):
        return None
    window_end = min(len(text), pos + LOOSE_GAP)
    stop = SENTENCE_END_RE.search(text, pos, window_end)
    limit = stop.start() if stop else window_end
    pattern = LOOSE_ITEM_RE
    if m.group("session"):
        pattern = LOOSE_DATED_SESSION_RE if dated_session else LOOSE_SESSION_RE
    found = pattern.search(text, pos, limit)
    if not found:
        return None
    return found.start() + len(re.match(r"(?:,\s*(?:and\s+)?|\s+and\s+)", found.group(0)).group(0))  # type: ignore[union-attr]


# --------------------------------------------------------------------------
# Official Records given without a symbol: "Official Records of the General
# Assembly, Sixtieth Session, Supplement No. 53" is A/60/53 (sessions from
# the thirty-first on number their supplements this way).
FOLLOWING_SYMBOL_RE = re.compile(r"[^.()]{0,80}\((?:[^()]{0,20})?(?:A|E|S)/")


def find_official_records(ctx: Context) -> list[Found]:
    out: list[Found] = []
    if "Official" not in ctx.cues:
        return out
    for m in g.OFFICIAL_RECORDS_RE.finditer(ctx.text):
        if FOLLOWING_SYMBOL_RE.match(ctx.text, m.end()):
            continue
        organ = " ".join(m.group("or_organ").split())
        session = g.ordinal_to_int(m.group("or_session") or "")
        supp = m.group("or_supp")
        if organ != "General Assembly" or session < 31 or not supp:
            continue
        target = f"A/{session}/{int(supp)}"
        letter = m.group("or_supp_letter")
        if letter:
            target += f"/Add.{ord(letter) - ord('A') + 1}"
        if not ctx.own(target) and not ctx.is_blocked(m.start(), m.end()):
            out.append(Found(target, "document", m.start(), m.end()))
    return out


# --------------------------------------------------------------------------
# Treaty Series: "United Nations, Treaty Series, vol. 2220, No. 39481" and
# "Ibid., vol. 1577, No. 27531" after one. Only catalogued treaties become
# citations: an unknown volume and number names no key we can trust.
LAST_SERIES_RE = re.compile(r"(United\s+Nations|League\s+of\s+Nations),\s+Treaty\s+Series")


def find_treaty_series(ctx: Context) -> list[Found]:
    out: list[Found] = []
    text = ctx.text
    if "Series" not in ctx.cues:  # UNTS_RE needs "Treaty Series" (in either spacing)
        return out
    for m in g.UNTS_RE.finditer(text):
        series = m.group("series")
        if series.lower().startswith("ibid"):
            previous = _last(LAST_SERIES_RE.finditer(text, max(0, m.start() - 3000), m.start()))
            if previous is None or not previous.group(1).startswith("United"):
                continue
        if not m.group("no"):
            continue
        vol, no = int(m.group("vol")), int(m.group("no"))
        keys = ctx.catalogue.by_unts(vol, no)
        via = f"UNTS vol. {vol}, No. {no}"
        for key in keys:
            out.append(Found(key, "instrument", m.start(), m.end(), via=via, absorbable=True))
    return out


# "Ibid., annex III." after "Resolution 55/25, annex I.": the instrument
# adopted in that annex of the same resolution.
IBID_ANNEX_RE = re.compile(r"\b[Ii]bid\.,?\s+(?P<pin>annex\s+[IVX]{1,5})\b")


def find_ibid_annexes(ctx: Context, earlier: Sequence[Found]) -> list[Found]:
    out: list[Found] = []
    resolutions = sorted((f for f in earlier if f.kind == "resolution"), key=lambda f: f.start)
    if not resolutions or "bid.," not in ctx.text:
        return out
    starts = [f.start for f in resolutions]
    for m in IBID_ANNEX_RE.finditer(ctx.text):
        i = bisect.bisect_left(starts, m.start())
        if not i or m.start() - resolutions[i - 1].end > 400:
            continue
        prev = resolutions[i - 1]
        keys = ctx.catalogue.adopted_by(prev.target, m.group("pin"))
        if len(keys) == 1:
            out.append(
                Found(
                    keys[0], "instrument", m.start(), m.end(), via=f"{prev.target}, {m.group('pin')}", absorbable=True
                )
            )
    return out


# --------------------------------------------------------------------------
# Instruments by name, abbreviation, anaphor, ILO number.
#
# One pass of the catalogue's pattern finds names, abbreviations and the
# bare head nouns ("Convention", "Covenants", "Optional Protocol"); the
# rules below decide what a head refers to, and say nothing when the text
# leaves it open.
ANAPHOR_BEFORE_RE = re.compile(
    r"(?<![\w\-])(?:[Tt]he|[Tt]his|[Tt]hat|said|its|their)\s+(?:(?:two|both|said|first|second)\s+)?\Z"
)
NAME_CONTINUES_RE = re.compile(r"\s+(?:on|against|for|of|relating|to|concerning|No\.|between|among|adopted)\b")
THERETO_RE = re.compile(r"\s+thereto\b")
PROTOCOL_WORD_RE = re.compile(r"rotocols?\b")  # "[Pp]rotocols?", found by its literal tail
# "ILO Convention No. 143", "ILO Conventions Nos. 97 and 143"; "ILO Convention 189" (no "No."): a number of
# at most three digits standing alone ("ILO Convention 2011" is no convention's number).
ILO_RE = re.compile(
    r"(?:ILO|International\s+Labour\s+(?:Organization|Organisation|Office))(?:'s|\u2019s)?\s+"
    r"(?P<what>Conventions?|Recommendations?)\s+(?:(?:No\.|Nos\.)\s?)?"
    r"(?P<nums>\d{1,3}(?:\s*(?:,|and)\s*(?:No\.\s?)?\d{1,3}){0,8})(?![\d/])"
)
_ILO_BEFORE_RE = re.compile(r"(?:ILO|Labour\s+(?:Organization|Organisation|Office))(?:'s|\u2019s)?\s+\Z")
ILO_BARE_RE = re.compile(
    r"(?P<what>Convention|Recommendation)s?\s+(?:No\.|Nos\.)\s?(?P<nums>\d{1,3}(?:\s*(?:,|and)\s*(?:No\.\s?)?\d{1,3}){0,8})"
)
ILO_TITLE_RE = re.compile(r"(?P<what>Convention|Recommendation),\s+(?:19|20)\d\d\s+\(No\.\s?(?P<nums>\d{1,3})\)")
ILO_CONTEXT_RE = re.compile(r"\bILO\b|International\s+Labour\s+(?:Organization|Organisation|Office|Conference)")


def _ilo_key(what: str, number: str) -> str:
    return f"ILO-{'C' if what.lower().startswith('convention') else 'R'}{int(number)}"


def _ilo(ctx: Context, taken: list[tuple[int, int]], heads: list[tuple[int, int, str]]) -> list[Found]:
    """ILO conventions and recommendations by number: 'ILO Convention No. 143', 'ILO Convention 189',
    'its accompanying Recommendation No. 151' (in a paragraph that names the ILO), 'Domestic Workers
    Convention, 2011 (No. 189)'. Without "No." in the text, only the first form may be there: the type
    nouns the catalogue's scan found (``heads``) tell where, with "ILO" before them."""
    text = ctx.text
    out: list[Found] = []
    if "No." not in ctx.cues and not any(
        head.startswith(("Convention", "Recommendation")) and _ILO_BEFORE_RE.search(text, max(0, start - 40), start)
        for start, _, head in heads
    ):
        return out
    has_ilo = "ILO" in text or "Labour" in text
    for regex, needs_context in ((ILO_RE, False), (ILO_TITLE_RE, False), (ILO_BARE_RE, True)):
        needed = "(No." in text if regex is ILO_TITLE_RE else has_ilo  # a literal the pattern needs, tested fast
        if not needed:
            continue
        for m in regex.finditer(text):
            if m.start() and text[m.start() - 1].isalnum():
                continue
            if any(s <= m.start() < e for s, e in taken):
                continue
            if needs_context:
                lo, hi = _paragraph_span(ctx, m.start())
                if not ILO_CONTEXT_RE.search(text, lo, hi):
                    continue
            for num in re.findall(r"\d{1,3}", m.group("nums")):
                out.append(Found(_ilo_key(m.group("what"), num), "instrument", m.start(), m.end()))
            taken.append((m.start(), m.end()))
    return out


# A name inside the name of a body is not a citation: "Conference of the
# Parties to the United Nations Framework Convention on Climate Change",
# "Ad Hoc Committee on the Drafting of an International Convention against
# ...", "Comprehensive Nuclear-Test-Ban Treaty Organization".
BODY_BEFORE_RE = re.compile(
    r"(?:Committee|Conference|Meeting|Commission|Secretariat|Working\s+Group|Board|Assembly)"
    r"\s+(?:of\s+(?:the\s+)?(?:States\s+)?Parties\s+to|on\s+the\s+(?:Drafting|Elaboration|Negotiation|Preparation)\s+of"
    r"|for\s+the\s+(?:Drafting|Elaboration|Negotiation|Preparation)\s+of)\s+(?:the\s+|an?\s+)?\Z"
)
BODY_AFTER_RE = re.compile(r"\s+(?:Organization|Secretariat|Committee|Commission|Conference|Fund|Office|Preparatory)\b")
# Years 1940-2099 standing alone. Two patterns, each opening with a literal ("19", "20"), which the regex
# engine finds by a fast substring search (one pattern opening on a choice tries every position); the digit
# before (a decimal one: a raised "¹" glued to a year is a note's marker) is looked at behind the literal.
YEAR_RES = (re.compile(r"19(?<!\d19)[4-9]\d(?!\d)"), re.compile(r"20(?<!\d20)\d\d(?!\d)"))


def _later_than_text(ctx: Context, issued: str | None, cache: dict[str, int]) -> bool:
    """True when an instrument was adopted well after every year the text mentions.

    A 1973 speech that names "the Paris Agreement" means another agreement
    than the one of 2015: a document cannot cite a later instrument, and a
    text that mentions no year from the instrument's on predates it. Texts
    that mention fewer than three years say too little to judge.
    """
    if not issued or issued[:4] <= "1946":
        return False  # no UN text predates the first session
    if "max" not in cache:
        cache["max"] = _greatest_year(ctx.text)
    # A margin of a few years keeps drafts: a 2004 report naming the Basic
    # Principles on the right to a remedy (adopted 2005) cites that work.
    return int(issued[:4]) > cache["max"] + DRAFT_YEARS


def _greatest_year(text: str) -> int:
    """The greatest year of ``text`` (YEAR_RES), or 9999 when it holds fewer than three. The years of the
    1900s are read only when those of the 2000s do not answer (none of them, or fewer than three)."""
    later = YEAR_RES[1].findall(text)
    earlier = YEAR_RES[0].findall(text) if len(later) < 3 else ()
    if len(later) + len(earlier) < 3:
        return 9999
    return int(max(later or earlier))  # four digits each: the greatest string


def find_instruments(ctx: Context) -> list[Found]:
    text, cat = ctx.text, ctx.catalogue
    named: list[Found] = []
    heads: list[tuple[int, int, str]] = []
    years: dict[str, int] = {}
    for start, end, key, what in ctx.names:
        if ctx.is_blocked(start, end):
            continue
        if key is None:
            heads.append((start, end, text[start:end]))
            continue
        if what == "name" and (
            BODY_BEFORE_RE.search(text, max(0, start - 80), start) or BODY_AFTER_RE.match(text, end)
        ):
            continue
        instrument = cat.get(key)
        if instrument and _later_than_text(ctx, instrument.issued, years):
            continue
        named.append(Found(key, "instrument", start, end))
    named.extend(_ilo(ctx, [(f.start, f.end) for f in named], heads))
    named.sort(key=lambda f: f.start)
    return named + _anaphora(ctx, named, heads)


def _paragraph_span(ctx: Context, pos: int) -> tuple[int, int]:
    para = ctx.paragraph_at(pos)
    return (para.start, para.end) if para else (0, len(ctx.text))


def _anaphora(ctx: Context, named: list[Found], heads: list[tuple[int, int, str]]) -> list[Found]:
    """What bare heads refer to, where the paragraph makes it unambiguous.

    - "the Convention" (Covenant, Declaration ...): the one instrument of that
      type named earlier in the same paragraph; "the Charter" with no other
      charter named is the Charter of the United Nations.
    - "the Covenants", "both Covenants": the two International Covenants.
    - "the Optional Protocol thereto", "its Optional Protocol": the single
      optional protocol of the instrument named just before.
    - "its additional protocols against the smuggling of migrants and
      trafficking in persons": protocols of a treaty named in the paragraph,
      told apart by the subject the catalogue records for each.
    """
    text, cat = ctx.text, ctx.catalogue
    out: list[Found] = []

    named_starts = [f.start for f in named]  # named is sorted by start
    out_starts: list[int] = []  # heads are visited in text order, so out stays sorted too

    def before_in_paragraph(pos: int) -> list[Found]:
        lo, _ = _paragraph_span(ctx, pos)
        mine = named[bisect.bisect_left(named_starts, lo) : bisect.bisect_left(named_starts, pos)]
        theirs = out[bisect.bisect_left(out_starts, lo) : bisect.bisect_left(out_starts, pos)]
        return sorted((*mine, *theirs), key=lambda f: f.start)

    def add(found: Found) -> None:
        out.append(found)
        out_starts.append(found.start)

    for start, end, head in heads:
        determiner = ANAPHOR_BEFORE_RE.search(text, max(0, start - 16), start)
        if head in ("Covenants",) and (determiner or text[max(0, start - 14) : start].endswith("International ")):
            for key in ("ICCPR", "ICESCR"):
                if key in cat:
                    add(Found(key, "instrument", start, end, via="the Covenants"))
            continue
        if head.startswith("Optional Protocol"):
            thereto = THERETO_RE.match(text, end)
            if not (thereto or (determiner and not NAME_CONTINUES_RE.match(text, end))):
                continue
            previous = before_in_paragraph(start)
            if not previous or head.endswith("s"):
                continue
            parent = previous[-1].target
            protocols = [p for p in cat.protocols_of(parent) if "optional" in p.name.lower()]
            if len(protocols) == 1:
                add(
                    Found(
                        protocols[0].key,
                        "instrument",
                        start,
                        thereto.end() if thereto else end,
                        via=f"optional protocol of {parent}",
                    )
                )
            continue
        if not determiner or NAME_CONTINUES_RE.match(text, end) or head.endswith("s"):
            continue
        kind = head.lower()
        candidates: list[str] = []
        for f in before_in_paragraph(start):
            inst = cat.get(f.target)
            if inst and inst.type == kind and f.target not in candidates:
                candidates.append(f.target)
        if len(candidates) == 1:
            add(Found(candidates[0], "instrument", start, end, via="anaphor"))
        elif not candidates and kind == "charter" and "UN-CHARTER" in cat:
            add(Found("UN-CHARTER", "instrument", start, end, via="anaphor: the Charter"))

    with_protocols = {f.target for f in named if cat.protocols_of(f.target)}
    if not with_protocols:
        return out
    names = SpanIndex([(f.start, f.end) for f in named])
    for m in PROTOCOL_WORD_RE.finditer(text):
        word_start = m.start() - 1
        if word_start < 0 or text[word_start] not in "Pp" or (word_start and text[word_start - 1].isalpha()):
            continue
        if names.covers(word_start):
            continue
        parents = {f.target for f in before_in_paragraph(word_start)} & with_protocols
        window = text[m.end() : m.end() + 160]
        stop = re.search(r"[.;]\s", window)
        window = window[: stop.start()] if stop else window
        for parent in sorted(parents):
            for proto in cat.protocols_of(parent):
                for subject in proto.subjects:
                    sm = re.search(r"\b" + r"\s+".join(map(re.escape, subject.split())) + r"\b", window, re.IGNORECASE)
                    at = m.end() + sm.start() if sm else -1
                    if sm and not names.covers(at):
                        out.append(Found(proto.key, "instrument", at, m.end() + sm.end(), via=f"protocol of {parent}"))
    return out


# Editorial references in verbatim records: "[2254 (ES-V)]" is a General
# Assembly resolution (the record's editors cite no other organ this way).
BRACKETED_ROMAN_RE = re.compile(
    rf"\[(?P<rnum>\d{{1,4}})[ \u00a0]?(?:[A-Z][ \u00a0]?)?\((?P<roman>(?:E?S-)?{g.ROMAN})\)\]"
)
# Human Rights Council presidential statements: "President's statement PRST/8/1".
HRC_PRST_RE = re.compile(r"(?<![\w/])PRST[/ ]?(?P<session>\d{1,2})/(?P<number>\d{1,3})(?![\w/])")


def find_bracketed_resolutions(ctx: Context) -> list[Found]:
    out: list[Found] = []
    if "[" not in ctx.text:  # one character's search: many times faster than the pattern's
        return out
    for m in BRACKETED_ROMAN_RE.finditer(ctx.text):
        target = f"A/RES/{m.group('rnum')}({m.group('roman')})"
        if not ctx.own(target) and not ctx.is_blocked(m.start(), m.end()):
            out.append(Found(target, "resolution", m.start() + 1, m.end() - 1))
    return out


def find_council_statements(ctx: Context) -> list[Found]:
    out = []
    if "PRST" not in ctx.cues:
        return out
    for m in HRC_PRST_RE.finditer(ctx.text):
        context = ctx.text[max(0, m.start() - 200) : m.start()]
        if ctx.doc.organ == g.HRC or "Human Rights Council" in context:
            target = f"A/HRC/PRST/{m.group('session')}/{m.group('number')}"
            out.append(Found(target, "statement", m.start(), m.end()))
    return out


FINDERS: tuple[Callable[[Context], list[Found]], ...] = (
    find_symbols,
    find_resolutions,
    find_bracketed_resolutions,
    find_council_statements,
    find_official_records,
    find_treaty_series,
    find_instruments,
)


# --------------------------------------------------------------------------
# Functions from the words around a citation.
CUE_PHRASES = [
    "recalls",
    "recalling",
    "reaffirms",
    "reaffirming",
    "welcomes",
    "welcoming",
    "notes",
    "noting",
    "endorses",
    "endorsing",
    "reiterates",
    "reiterating",
    "urges",
    "urging",
    "requests",
    "requesting",
    "encourages",
    "encouraging",
    "invites",
    "inviting",
    "recommends",
    "recommending",
    "acknowledges",
    "acknowledging",
    "recognizes",
    "recognizing",
    "recognises",
    "recognising",
    "emphasizes",
    "emphasizing",
    "stresses",
    "stressing",
    "underlines",
    "underlining",
    "commends",
    "commending",
    "condemns",
    "condemning",
    "decides",
    "deciding",
    "adopts",
    "adopting",
    "affirms",
    "affirming",
    "see",
    "takes note",
    "taking note",
    "bearing in mind",
    "bears in mind",
    "calls upon",
    "calls on",
    "guided by",
    "pursuant to",
    "in accordance with",
    "in conformity with",
    "as requested in",
]
# Written lower case or capitalised; a trie of literals scans fast. A cue begins a word: no letter stands
# before it. ``_CUE_AFTER_RE`` takes the character before as well (no ASCII letter), so that the regex engine
# tries the trie after spaces and signs only, not at most letters of the sentence; ``_last_cue`` checks the
# character (any letter) and reads a cue at the text's start with ``LOCAL_CUE_RE``.
_CUES = trie_pattern(sorted({p for c in CUE_PHRASES for p in (c, c[0].upper() + c[1:])}))
LOCAL_CUE_RE = re.compile(f"(?P<cue>{_CUES})\\b")
_CUE_AFTER_RE = re.compile(f"[^A-Za-z](?P<cue>{_CUES})\\b")
# A call to be bound by an instrument. "Adherence to the principles and purposes of the Charter" is loyalty to
# it, not accession (340 Charter citations of the general debate statements were read as calls to ratify).
RATIFICATION_RE = re.compile(
    r"\bratif|\baccede|\baccession|\bbecome\s+part(?:y|ies)"
    r"|\badhere\s+to\s+(?!(?:the\s+)?(?:principles|purposes|values|spirit|provisions|norms|rules|ideals)\b)"
    r"|\bsigning\s+and\b",
    re.IGNORECASE,
)
# Where no verb calls for it ("cites": a statement, a recommendation's bare imperative), only an imperative or an
# infinitive is a call: "Ratify the Convention", "to accede to"; "my country ratified the Convention" is a fact.
RATIFY_CALL_RE = re.compile(
    r"\b(?:Ratify|Accede|Consider\s+(?:signing|ratifying|acceding))\b"  # an item's imperative: "121.1 Ratify the"
    r"|\b(?:to|and|or)\s+(?:ratify|accede|adhere\s+to)\b|\bsign\s+and\s+ratify\b"
)
CUE_FUNCTIONS = {
    "pursuant to": "pursuant to",
    "in accordance with": "pursuant to",
    "in conformity with": "pursuant to",
    "as requested in": "pursuant to",
    "see": "cites",
    "guided by": "is guided by",
}
# Where a sentence may end, for FunctionFinder: a mark and the white space after it.
_SENTENCE_ENDS = ((".", " \n\t"), ("?", " "), ("!", " "), (";", "\n"))


def _last_sentence_end(text: str, lo: int, pos: int) -> int:
    """Where the last of ". ", ".\n", ".\t", "? ", "! ", ";\n" in [lo, pos) starts, or -1.

    Each mark is looked for backwards by itself (a search for one character is fast), the later marks
    only after the last end found so far.
    """
    last = -1
    for mark, after in _SENTENCE_ENDS:
        floor = max(lo, last + 1)
        i = text.rfind(mark, floor, pos - 1) if pos - 1 > floor else -1  # a mark with its space inside
        while i >= 0 and text[i + 1] not in after:
            i = text.rfind(mark, floor, i)
        last = max(last, i)
    return last


SENTENCE_START_RE = re.compile(r"[.!?]\s+(?=[A-Z“\"(])|[.;]\s*\n")


class FunctionFinder:
    """The characterisation of citations from the words before them.

    The verb that opens the citation's paragraph is its characterisation
    (DESIGN.md) in a resolution's paragraph (pp, op): "Reaffirming ..., and
    recalling ... resolution 2005/47" reaffirms it; "Decides, in accordance
    with resolution 76/239, ..." decides. In a report's or a statement's
    paragraph, which holds several sentences, the nearest cue before the
    citation in its sentence speaks ("pursuant to resolution 60/251"), else
    the paragraph's opening verb; else "cites". A call to sign, ratify or accede turns
    calls, urges and requests into "urges ratification of", for a
    citation of an instrument only: a report named in the same sentence
    ("Ratify the Convention ...; Source of Position: A/HRC/43/15") is not
    ratified. Only the sentence up to the citation is read: it starts
    after the last sentence end of the ``WINDOW`` characters before it.
    """

    WINDOW = 600

    def __init__(self, text: str, resolution: bool = False) -> None:
        self.text = text
        self.resolution = resolution  # an act's text: its unnumbered paragraphs (an excerpt's) are its own too
        self._verbs: dict[int, str | None] = {}

    def verb(self, para: Paragraph) -> str | None:
        """The opening verb of ``para``, read once."""
        if para.start not in self._verbs:
            self._verbs[para.start] = paragraph_verb(self.text, para)
        return self._verbs[para.start]

    def sentence_start(self, lo: int, start: int) -> int:
        """Where the sentence holding ``start`` begins (not before ``lo``)."""
        text = self.text
        pos = start
        while True:
            i = _last_sentence_end(text, lo, pos)
            if i < 0:
                return lo
            j = i + 2
            while j < start and text[j] in " \t\n\f":
                j += 1
            if j >= start or text[j].isupper() or text[j] in '\u201c"(' or text[i + 1] == "\n":
                return j
            pos = i

    def __call__(self, para: Paragraph | None, start: int, ratifiable: bool = True) -> str:
        text = self.text
        lo = max(para.start if para else 0, start - self.WINDOW)
        s0 = self.sentence_start(lo, start)
        # A resolution's paragraph is one sentence governed by its opening verb; a report's or a
        # statement's holds several, and the words nearest the citation characterise it.
        governs = para is not None and (
            para.label.startswith(("pp", "op")) or (self.resolution and not para.label.startswith("fn"))
        )
        function = self.verb(para) if governs else None
        if function is None:
            cue = _last_cue(text, s0, start)
            if cue:
                word = " ".join(cue.group("cue").lower().split())
                function = CUE_FUNCTIONS.get(word) or VERBS.get(word) or VERBS.get(word.split()[0], "cites")
                if word.startswith(("taking note", "takes note")):
                    function = "takes note of"
            else:
                function = (self.verb(para) if para else None) or "cites"
        if ratifiable and function in RATIFYING:
            # a calling verb governs its whole sentence; without one, the words must stand by the work they are about
            lo = s0 if function != "cites" else max(s0, start - RATIFY_REACH)
            if (
                _may_ratify(text[lo:start])
                and RATIFICATION_RE.search(text, lo, start)
                and (function != "cites" or RATIFY_CALL_RE.search(text, lo, start))
            ):
                function = "urges ratification of"
        return function


def _last_cue(text: str, lo: int, hi: int) -> re.Match[str] | None:
    """The last cue of ``text[lo:hi]`` that begins a word (no letter before it), the cues read from the left,
    each after the one before."""
    last = LOCAL_CUE_RE.match(text, 0, hi) if lo == 0 else None
    pos = last.end() if last else max(lo - 1, 0)  # the character before the first word is read too
    while m := _CUE_AFTER_RE.search(text, pos, hi):
        if text[m.start()].isalpha():  # a letter of another script: no cue, and none hidden after it
            pos = m.start() + 1
            continue
        last, pos = m, m.end()
    return last


def _may_ratify(words: str) -> bool:
    """Whether ``words`` hold what RATIFICATION_RE needs (a fast test by substrings, in lower case)."""
    words = words.casefold()  # as IGNORECASE matches ("ſ" is an "s")
    return any(needle in words for needle in ("ratif", "acce", "part", "adhere", "signing"))


RATIFY_REACH = 120  # characters before a citation where a call to ratify stands, when no verb calls
RATIFYING = frozenset({"calls upon", "urges", "encourages", "invites", "requests", "recommends", "appeals", "cites"})


ACT_SYMBOL_RE = re.compile(r"/(?:RES|DEC|PRST)/")


def is_act(doc: Document) -> bool:
    """Whether ``doc`` is a resolution, decision or statement: its symbol says so, or its paragraphs are
    preambular and operative."""
    return bool(doc.symbol and ACT_SYMBOL_RE.search(doc.symbol)) or any(
        p.label.startswith(("pp", "op")) for p in doc.paragraphs
    )


def function_at(text: str, para: Paragraph | None, start: int) -> str:
    """The characterisation of a citation at ``start`` (see FunctionFinder)."""
    return FunctionFinder(text)(para, start)


# --------------------------------------------------------------------------
# Footnotes: markers, absorption of identifying entries, paragraph of record.
class SpanIndex:
    """Which of a set of (start, end) spans holds a position, in O(log n)."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.reach: list[int] = []  # the furthest end among spans[0..i]
        furthest = -1
        for _, e in self.spans:
            furthest = max(furthest, e)
            self.reach.append(furthest)

    def covers(self, pos: int) -> bool:
        """True when some span has start <= pos < end."""
        i = bisect.bisect_right(self.starts, pos)
        return bool(i) and self.reach[i - 1] > pos


# A note's marker glued to a resolution's number in a PDF's text ("its resolution 59/3009" is 59/300 and note
# 9, "resolutions 55/2831 and 55/29" 55/28 and note 31): a number higher than its organ numbers a session's
# resolutions (the General Assembly adopts fewer than 400 in a session, 344 at most in the registry's; the
# Human Rights Council fewer than 100), whose last digits are the number of a note no marker calls, is the
# number before them.
_SESSION_ACT_RE = re.compile(r"(?P<series>A/RES|A/HRC/RES)/(?P<session>\d{1,2})/(?P<number>\d{3,5})")
_SESSION_MAX = {"A/RES": 400, "A/HRC/RES": 99}


def _unglued(doc: Document, found: list[Found]) -> list[Found]:
    """``found`` with the numbers that hold a glued marker cut before it (see ``_SESSION_ACT_RE``)."""
    uncalled = {fn.number for fn in doc.footnotes} - {mk.number for mk in doc.markers}
    if not uncalled:
        return found
    text = doc.text
    out = []
    for f in found:
        m = _SESSION_ACT_RE.fullmatch(f.target) if f.kind == "resolution" else None
        most = _SESSION_MAX[m["series"]] if m else 0
        if m and int(m["number"]) > most:
            digits = m["number"]
            for k in (1, 2):
                note, rest = digits[-k:], digits[:-k]
                if note[0] != "0" and int(note) in uncalled and int(rest) <= most and text[f.end - k : f.end] == note:
                    target = f"{m['series']}/{m['session']}/{rest}"
                    f = Found(
                        target, f.kind, f.start, f.end - k, f.pinpoint, f"note {note}'s marker glued to the number"
                    )
                    break
        out.append(f)
    return out


def cite(
    doc: Document,
    catalogue: Catalogue,
    finders: Sequence[Callable[[Context], list[Found]]] = FINDERS,
    names: list[tuple[int, int, str | None, str]] | None = None,
) -> tuple[Citation, ...]:
    """Every citation of ``doc``, in text order. ``names``: what ``catalogue.scan(doc.text)`` yields, when the
    caller scanned the text already (for its cue words)."""
    text = doc.text
    ctx = Context(doc, catalogue, list(doc.furniture), _names=names)
    found: list[Found] = []
    for finder in finders:
        found.extend(finder(ctx))
    found.extend(find_ibid_annexes(ctx, found))
    if not found:
        return ()
    found = _unglued(doc, found)

    # Which footnote each finding stands in (footnotes do not overlap).
    notes = sorted(doc.footnotes, key=lambda fn: fn.start)
    note_starts = [fn.start for fn in notes]

    def footnote_of(pos: int) -> Footnote | None:
        i = bisect.bisect_right(note_starts, pos)
        return notes[i - 1] if i and pos < notes[i - 1].end else None

    home = [footnote_of(f.start) for f in found]
    in_note: dict[int, list[int]] = {}
    for idx, fn in enumerate(home):
        if fn:
            in_note.setdefault(fn.number, []).append(idx)

    # Link named instruments to the footnote their marker calls; a footnote
    # entry that only identifies that instrument (its Treaty Series number,
    # its adopting resolution) is absorbed as the citation's "via".
    marker_at = {mk.start: mk for mk in doc.markers}
    marker_starts = sorted(marker_at)
    footnotes = {fn.number: fn for fn in doc.footnotes}
    absorbed: set[int] = set()
    via: dict[int, str] = {}
    for idx, f in enumerate(found):
        if f.kind != "instrument" or home[idx]:
            continue
        i = bisect.bisect_left(marker_starts, f.end)
        if i >= len(marker_starts) or not re.fullmatch(r"[\s,;.:\u201d\u2019\")]{0,3}", text[f.end : marker_starts[i]]):
            continue
        fn = footnotes.get(marker_at[marker_starts[i]].number)
        if not fn:
            continue
        for j in in_note.get(fn.number, ()):
            other = found[j]
            same = other.target == f.target and other.absorbable
            adopting = other.kind == "resolution" and f.target in catalogue.adopted_by(other.target, other.pinpoint)
            if same or adopting:
                absorbed.add(j)
                label = (
                    other.via
                    if same and other.via
                    else other.target + (f", {other.pinpoint}" if other.pinpoint else "")
                )
                via.setdefault(idx, f"footnote {fn.number}: {label}")

    functions = FunctionFinder(text, resolution=is_act(doc))
    citations: dict[tuple[str, int, int], Citation] = {}
    first_marker: dict[int, int] = {}
    for mk in doc.markers:
        first_marker.setdefault(mk.number, mk.start)
    paragraph_by_label = {p.label: p for p in doc.paragraphs}
    for idx, f in enumerate(found):
        if idx in absorbed:
            continue
        fn = home[idx]
        para = ctx.paragraph_at(f.start)
        if fn:
            paragraph = fn.anchor or f"fn{fn.number}"
            function = "cites"  # a report's note gives its source: the paragraph's verb is not about it
            if fn.anchor and functions.resolution:  # an act's note names what its paragraph's verb is about
                anchor_para = paragraph_by_label.get(fn.anchor)
                marker_pos = first_marker.get(fn.number)
                if anchor_para and marker_pos is not None:
                    function = functions(anchor_para, marker_pos, f.kind == "instrument")
        else:
            paragraph = para.label if para else None
            function = functions(para, f.start, f.kind == "instrument")
        key = (f.target, f.start, f.end)
        if key in citations:
            continue
        citations[key] = Citation(
            target=f.target,
            kind=f.kind,
            text=text[f.start : f.end],
            start=f.start,
            end=f.end,
            paragraph=paragraph,
            function=function,
            pinpoint=f.pinpoint,
            via=via.get(idx) or f.via,
            footnote=f"fn{fn.number}" if fn else None,
            page=doc.source.page_of(f.start),
        )
    return tuple(sorted(citations.values(), key=lambda c: (c.start, c.end, c.target)))
