"""The domain grammar: UN document symbols, resolution and decision numbers,
Official Records and Treaty Series citations, and their canonical spelling.

Every finder in unkg uses the named fragments and functions here; nothing
else in the package spells a symbol.

Ordering rules and reasons, read before changing a fragment:

* Fragments are plain strings composed into patterns with ``rf""``; every
  capture is a named group. Patterns are compiled once, at import.
* No fragment contains a nested unbounded repetition (``(a+)+``): every
  repeat is bounded ({m,n}) or over a class that the following token cannot
  match, so a scan stays linear on adversarial input (see
  ``tests/test_adversarial.py``).
* A symbol must begin with a known series prefix (``A``, ``S``, ``E``,
  ``CCPR`` ...) and contain a digit; bare "A/B" or "and/or" never match.
* A symbol ends at a character that cannot continue it; when letters are glued
  to it ("A/RES/61/165General", page furniture flattened by a PDF tool) it is
  not a symbol at all, rather than a wrong one.
* Canonical spelling is the one of the UN Official Document System and
  undocs.org: no spaces ("S/RES/1325(2000)"), modifiers capitalised
  ("Add.2", "Corr.1", "Rev.1", "Amend.1"), a part letter or annex is a
  pinpoint, never part of the symbol.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# --------------------------------------------------------------------------
# Roman numerals (General Assembly sessions before 1976, ECOSOC sessions).
# Bounded to I..CXC, more than any session reached in the Roman era.
ROMAN = r"(?=[IVXLC])(?:C{0,1}(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3}))"
ROMAN_RE = re.compile(rf"^{ROMAN}$")

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_to_int(roman: str) -> int:
    """Value of a Roman numeral; 0 for an empty or malformed one.

    >>> roman_to_int("XXI"), roman_to_int("XVHI")
    (21, 0)
    """
    if not roman or not ROMAN_RE.match(roman):
        return 0
    total = 0
    for i, ch in enumerate(roman):
        value = _ROMAN_VALUES[ch]
        nxt = _ROMAN_VALUES[roman[i + 1]] if i + 1 < len(roman) else 0
        total += -value if value < nxt else value
    return total


# --------------------------------------------------------------------------
# Document symbols.
#
# The first segment names the series. Single letters are the principal
# organs; the rest are treaty bodies and subsidiary series that UN texts cite.
SERIES_PREFIXES = (
    "A",
    "S",
    "E",
    "T",
    "ST",
    "TD",
    "DP",
    "UNEP",
    "ICEF",
    "HRI",
    "CCPR",
    "CERD",
    "CEDAW",
    "CAT",
    "CRC",
    "CMW",
    "CRPD",
    "CED",
    "SPT",
    "UNW",
    "ECE",
    "FCCC",
    "ICCD",
    "CTOC",
    "CAC",
    "IDB",
    "PBC",
    "ISBA",
    "SPLOS",
    "JIU",
    "UNDP",
    "CCPR",
    "ESCWA",
    "ECLAC",
    "ESCAP",
    "ECA",
    "TRADE",
    "UNHCR",
    "ITLOS",
    "CD",  # Conference on Disarmament ("CD/1839"), issued in the UN document system
    "HSP",  # UN-Habitat and its Assembly ("HSP/HA.2/Res.3")
    "IPBES",  # the science-policy platform UNEP administers ("IPBES/9/14/Add.2")
)
# Treaty bodies, whose combined periodic reports and observations carry a range as ONE symbol:
# "CRC/C/LUX/3-4" (the third and fourth reports in one document), "CERD/C/SVN/CO/6-7", "CRC/C/LUX/Q/3-4/Add.1".
TREATY_BODY_PREFIXES = ("CCPR", "CERD", "CEDAW", "CAT", "CRC", "CMW", "CRPD", "CED", "E/C.12")
PREFIX = r"(?:" + "|".join(sorted(set(SERIES_PREFIXES), key=len, reverse=True)) + r")"

# A segment after the prefix: a number ("2003"), a word with an optional
# ".number" ("CN.4", "Sub.2", "L.28", "Add.2", "WG.6"), or a session marker
# ("S-10", "ES-10").
SEGMENT = r"(?:\d{1,5}|E?S-\d{1,3}|[A-Z][A-Za-z]{0,11}(?:[ \u00a0]?\.[ \u00a0]?\d{1,4})?)"  # "Add . 1" as typed

# The bracketed year of a Security Council resolution ("S/RES/1325 (2000)")
# or the Roman session of an old GA/ECOSOC one ("A/RES/217(III)").
SYMBOL_BRACKET = rf"(?:[ \u00a0]?\((?P<bracket>(?:19|20)\d\d|{ROMAN})\))"

# No look-behind at the start: a pattern that opens on a character class
# lets the regex engine skip ahead fast; the character before a match is
# checked in Python instead (``symbol_starts_at``).
SYMBOL = rf"(?P<symbol>{PREFIX}(?:/{SEGMENT}){{1,10}}){SYMBOL_BRACKET}?(?![\w/])"
SYMBOL_RE = re.compile(SYMBOL)
_NOT_BEFORE_SYMBOL = frozenset("/.-_")
_PREFIX_SET = frozenset(SERIES_PREFIXES)
_PREFIX_LENGTHS = sorted({len(p) for p in SERIES_PREFIXES}, reverse=True)  # the leftmost start first


def symbol_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``SYMBOL_RE.finditer(text)``, found from the slashes.

    A symbol's prefix, all letters, stands right before its first slash
    ("A/", "CEDAW/"), and slashes are rare in prose: one character's search
    for them, then the pattern matched at each prefix that ends on one, is
    many times faster than the pattern's own scan, which tries each capital
    letter of the text. Same matches, same order (tests/test_grammar.py).
    """
    end = 0
    slash = text.find("/")
    while slash >= 0:
        for length in _PREFIX_LENGTHS:
            start = slash - length
            if start >= end and text[start:slash] in _PREFIX_SET:
                m = SYMBOL_RE.match(text, start)
                if m:
                    yield m
                    end = m.end()
                    break
        slash = text.find("/", max(slash + 1, end))


def symbol_starts_at(text: str, start: int) -> bool:
    """True when a symbol may begin at ``start`` (not glued to a word or path)."""
    if start == 0:
        return True
    ch = text[start - 1]
    return not (ch.isalnum() or ch in _NOT_BEFORE_SYMBOL)


# What may follow a symbol and still belong to it: "and Corr.1",
# ", Add.1 and 2", "and Add.1 to 4", "-3" after "Add.2".
MODIFIER_NAMES = {"add": "Add", "corr": "Corr", "rev": "Rev", "amend": "Amend"}
MODIFIER_WORD = r"(?P<mod>Add|Corr|Rev|Amend)\.[ \u00a0]?"
NUMBER_RANGE = r"(?P<first>\d{1,3})(?:[ \u00a0]*(?P<sep>-|\u2013|to)[ \u00a0]*(?P<last>\d{1,3}))?"
MODIFIER_TAIL_RE = re.compile(
    rf"(?:,[ \u00a0]*(?:and[ \u00a0\n]+)?|[ \u00a0\n]+and[ \u00a0\n]+|/)"
    rf"{MODIFIER_WORD}{NUMBER_RANGE}(?![\w/])"
)
# Further numbers of the same modifier: "Add.1, 2 and 3", "Corr.1 and 2".
MORE_NUMBERS_RE = re.compile(r"(?:,[ \u00a0]*|[ \u00a0]+and[ \u00a0]+)(?P<n>\d{1,3})(?![\w/.])")
# A range inside the symbol's last segment: "E/CN.4/2003/85/Add.2-3".
INNER_RANGE_RE = re.compile(r"[ \u00a0]?(?:-|\u2013)[ \u00a0]?(?P<last>\d{1,3})(?![\w/])")
# The second number of a combined treaty-body report: "-4" in "CRC/C/LUX/3-4", before "/Add.1" or the end.
COMBINED_RE = re.compile(r"-(?P<last>\d{1,2})(?![\w.\-])")
SEGMENTS_RE = re.compile(rf"(?:/{SEGMENT}){{1,6}}(?![\w/])")
# A document issued under two symbols at once: "A/74/959-S/2020/724", "A/79/92-E/2024/65".
JOINT_RE = re.compile(r"[-\u2013](?=(?:A|S|E)/\w)")
# Security Council documents since 1994 are S/YEAR/NUMBER, earlier ones S/NUMBER; "S/2338/2024" is neither
# (a document of another organization, the Chemical Weapons Convention's, say).
_S_YEAR_FIRST_RE = re.compile(r"^S/(?P<first>\d{4})/\d{1,5}$")

MAX_RANGE = 30  # "Add.1-1000" is a typo, not a thousand citations.

_SEGMENT_MODIFIER_RE = re.compile(r"^(?i:(add|corr|rev|amend))s?\.(\d{1,4})$")  # "Adds.1-4": plural
# A modifier word with no number is no document: "A/59/377/Add" (the rest was lost in the text).
_BARE_MODIFIER_RE = re.compile(r"/(?i:add|corr|rev|amend)s?$")
# Meeting records ("SR.33", "PV.4213"): a range and a list of further numbers belong to them:
# "A/C.3/55/SR.33-44, 50, 52-54 and 56" (17 records), "CRC/C/SR.1836 and 1837".
_RECORD_SEGMENT_RE = re.compile(r"^(SR|PV)\.(\d{1,5})$")
RECORD_MORE_RE = re.compile(
    r"(?:[ \u00a0]?(?:-|\u2013)[ \u00a0]?(?P<to>\d{1,5})(?![\w/.]))"
    r"|(?:,[ \u00a0]*(?:and[ \u00a0]+)?|[ \u00a0]+and[ \u00a0]+)(?P<n>\d{1,5})(?![\w/.])"
)
_WS_RE = re.compile(r"[\s\u00a0]+")


def canonical_symbol(raw: str) -> str:
    """The canonical spelling of one document symbol.

    >>> canonical_symbol("S/RES/1325 (2000)")
    'S/RES/1325(2000)'
    >>> canonical_symbol("A/57/387/corr.1")
    'A/57/387/Corr.1'
    """
    text = _WS_RE.sub("", raw)
    bracket = ""
    if text.endswith(")") and "(" in text:
        cut = text.index("(")
        text, bracket = text[:cut], text[cut:]
    parts = []
    for seg in text.split("/"):
        m = _SEGMENT_MODIFIER_RE.match(seg)
        parts.append(f"{MODIFIER_NAMES[m.group(1).lower()]}.{int(m.group(2))}" if m else seg)
    return "/".join(parts) + bracket


def _expand(first: str, sep: str | None, last: str | None) -> list[int]:
    start = int(first)
    if not sep or last is None:
        return [start]
    end = int(last)
    if end < start or end - start > MAX_RANGE:
        return [start]
    return list(range(start, end + 1))


def _with_modifier(base: str, mod: str, number: int) -> str:
    """Attach a modifier the way UN lists mean it.

    An addendum replaces a trailing addendum ("A/6676/Add.1 and Add.2" are
    siblings); a corrigendum, revision or amendment applies to the whole
    preceding symbol ("A/61/443/Add.2 and Corr.1" corrects the addendum).
    """
    segments = base.split("/")
    if mod == "Add":
        while len(segments) > 1 and _SEGMENT_MODIFIER_RE.match(segments[-1]):
            segments.pop()
    return "/".join([*segments, f"{mod}.{number}"])


@dataclass(frozen=True, slots=True)
class SymbolMatch:
    """A symbol found in text, with every document it names."""

    start: int
    end: int
    targets: tuple[str, ...]


def has_digit(text: str) -> bool:
    """True when ``text`` holds a digit (every real symbol does)."""
    return any(ch.isdigit() for ch in text)


def match_symbol_at(text: str, m: re.Match[str]) -> SymbolMatch | None:
    """Complete a ``SYMBOL_RE`` match with its modifier tail and expansion."""
    raw = m.group("symbol")
    if not has_digit(raw):
        return None
    bracket = m.group("bracket")
    base = canonical_symbol(raw + (f"({bracket})" if bracket else ""))
    end = m.end()
    targets: list[str] = []
    if _BARE_MODIFIER_RE.search(base):
        return None
    segments = base.split("/")
    record = _RECORD_SEGMENT_RE.match(segments[-1])
    if record:
        stem = "/".join(segments[:-1])
        numbers, end = _record_numbers(text, end, int(record.group(2)))
        return SymbolMatch(m.start(), end, tuple(f"{stem}/{record.group(1)}.{n}" for n in numbers))
    last = _SEGMENT_MODIFIER_RE.match(segments[-1])
    inner = INNER_RANGE_RE.match(text, end) if last else None
    if last and inner:
        stem = "/".join(segments[:-1])
        mod = MODIFIER_NAMES[last.group(1).lower()]
        for n in _expand(last.group(2), "-", inner.group("last")):
            targets.append(f"{stem}/{mod}.{n}")
        end = inner.end()
    else:
        combined = COMBINED_RE.match(text, end) if _combined_report(segments) else None
        if combined and int(combined.group("last")) > int(segments[-1]):
            base = f"{base}-{combined.group('last')}"
            end = combined.end()
            more = SEGMENTS_RE.match(text, end)  # "/Add.1" after "CRC/C/LUX/Q/3-4" is part of the symbol
            if more:
                base = canonical_symbol(base + more.group(0))
                end = more.end()
        elif not plausible(base):
            return None
        targets.append(base)
    head = targets[-1]
    while True:
        tail = MODIFIER_TAIL_RE.match(text, end)
        if not tail:
            break
        mod = tail.group("mod")
        numbers = _expand(tail.group("first"), tail.group("sep"), tail.group("last"))
        end = tail.end()
        if not tail.group("sep"):
            more = MORE_NUMBERS_RE.match(text, end)
            while more:
                numbers.append(int(more.group("n")))
                end = more.end()
                more = MORE_NUMBERS_RE.match(text, end)
        parent = head
        for n in numbers:
            targets.append(_with_modifier(parent, mod, n))
        head = targets[-1] if mod == "Add" else head
    if JOINT_RE.match(text, end):
        other = SYMBOL_RE.match(text, end + 1)
        joint = match_symbol_at(text, other) if other else None
        if joint:
            targets += joint.targets
            end = joint.end
    return SymbolMatch(m.start(), end, tuple(dict.fromkeys(targets)))


def _record_numbers(text: str, end: int, first: int) -> tuple[list[int], int]:
    """The numbers of meeting records after the first ("-44, 50, 52-54 and 56"), and where they end."""
    numbers = [first]
    while more := RECORD_MORE_RE.match(text, end):
        if more.group("to"):
            last = int(more.group("to"))
            if not 0 < last - numbers[-1] <= MAX_RANGE:
                break
            numbers += range(numbers[-1] + 1, last + 1)
        else:
            numbers.append(int(more.group("n")))
        end = more.end()
    return list(dict.fromkeys(numbers)), end


def _combined_report(segments: list[str]) -> bool:
    """True when a symbol of these segments may end in a combined report's range (a treaty body's, numbered)."""
    prefix = segments[0] if segments[0] != "E" else "/".join(segments[:2])
    return prefix in TREATY_BODY_PREFIXES and segments[-1].isdigit()


def plausible(symbol: str) -> bool:
    """False for a symbol no UN series spells that way ("S/2338/2024": the year comes first since 1994).

    >>> plausible("S/2020/724"), plausible("S/2338/2024"), plausible("S/10738")
    (True, False, True)
    """
    m = _S_YEAR_FIRST_RE.match(symbol)
    return not m or 1994 <= int(m.group("first")) <= 2099


def parse_symbols(text: str) -> list[SymbolMatch]:
    """Every symbol in ``text``, lists and ranges expanded.

    >>> [s.targets for s in parse_symbols("(A/57/387 and Corr.1)")]
    [('A/57/387', 'A/57/387/Corr.1')]
    >>> parse_symbols("E/CN.4/2003/85/Add.2-3")[0].targets
    ('E/CN.4/2003/85/Add.2', 'E/CN.4/2003/85/Add.3')
    >>> [s.targets for s in parse_symbols("CRC/C/LUX/Q/3-4/Add.1; A/74/959-S/2020/724, annex")]
    [('CRC/C/LUX/Q/3-4/Add.1',), ('A/74/959', 'S/2020/724')]
    """
    found = []
    for m in symbol_matches(text):
        if not symbol_starts_at(text, m.start()):
            continue
        sm = match_symbol_at(text, m)
        if sm:
            found.append(sm)
    return found


def symbol_kind(symbol: str) -> str:
    """What sort of document a canonical symbol names."""
    segments = symbol.split("/")
    if "RES" in segments:
        return "resolution"
    if "DEC" in segments:
        return "decision"
    if "PRST" in segments:
        return "statement"
    return "document"


# --------------------------------------------------------------------------
# Organs and their resolution series.
#
# Each organ has a key; ``RESOLUTION_SERIES`` says how its resolutions and
# decisions are spelled for each numbering style:
#   "session": session/number ("60/169", "7/16", "S-10/2")
#   "year":    year/number ("2005/47")
#   "roman":   number (ROMAN) ("217 A (III)")
#   "sc":      number (year) ("1325 (2000)")
GA, SC, ECOSOC, HRC, CHR, SUBCOM, TC = "GA", "SC", "ECOSOC", "HRC", "CHR", "SUBCOM", "TC"

RESOLUTION_SERIES: dict[tuple[str, str, str], str] = {
    (GA, "resolution", "session"): "A/RES/{session}/{number}",
    (GA, "resolution", "roman"): "A/RES/{number}({roman})",
    (GA, "decision", "session"): "A/DEC/{session}/{number}",
    (SC, "resolution", "sc"): "S/RES/{number}({year})",
    (ECOSOC, "resolution", "year"): "E/RES/{year}/{number}",
    (ECOSOC, "resolution", "roman"): "E/RES/{number}({roman})",
    (ECOSOC, "decision", "year"): "E/DEC/{year}/{number}",
    (HRC, "resolution", "session"): "A/HRC/RES/{session}/{number}",
    (HRC, "decision", "session"): "A/HRC/DEC/{session}/{number}",
    (CHR, "resolution", "year"): "E/CN.4/RES/{year}/{number}",
    (CHR, "decision", "year"): "E/CN.4/DEC/{year}/{number}",
    (SUBCOM, "resolution", "year"): "E/CN.4/Sub.2/RES/{year}/{number}",
    (SUBCOM, "decision", "year"): "E/CN.4/Sub.2/DEC/{year}/{number}",
}

# The General Assembly numbered its resolutions and decisions session/number from its thirty-first session
# (1976); before, "217 (III)".
FIRST_SESSION_NUMBERED = {GA: 31}

# Organ names as texts write them, longest first so that "Economic and
# Social Council" wins over "Council". The bare "Council"/"Assembly"/
# "Commission" are resolved against the citing document's own organ.
ORGAN_NAMES = {
    "General Assembly": GA,
    "Assembly": GA,
    "Security Council": SC,
    "Economic and Social Council": ECOSOC,
    "Human Rights Council": HRC,
    "Commission on Human Rights": CHR,
    "Sub-Commission on the Promotion and Protection of Human Rights": SUBCOM,
    "Sub-Commission on Prevention of Discrimination and Protection of Minorities": SUBCOM,
    "Sub-Commission": SUBCOM,
    "Trusteeship Council": TC,
}
# Bodies outside the UN whose numbered resolutions must never be read as
# UN ones ("World Health Assembly resolution 69.2").
FOREIGN_BODIES = (
    "World Health Assembly",
    "Executive Board",
    "Governing Council",
    "Governing Body",
    "General Conference",
    "Conference of the Parties",
    "Council of Europe",
    "Committee of Ministers",
    "Parliamentary Assembly",
    "European Parliament",
    "Assembly of States Parties",
    "Meeting of States Parties",
    "Board",
    # UN bodies whose resolutions have no series of their own here ("United Nations Habitat Assembly
    # resolution 2/1", "UN Environment Assembly resolution 5/14"): never read as General Assembly ones
    "Habitat Assembly",
    "Environment Assembly",
    "UN-Habitat Assembly",
)
_ORGAN_WORDS = ("Council", "COUNCIL", "Commission", "its", "their", "this")
_FOREIGN_ABBREVIATIONS = ("WHO", "WHA", "UNESCO", "ILO", "FAO", "IAEA", "UNICEF", "UNDP", "UNEP", "UNHCR", "OSCE", "OAS", "AU", "EU")
ORGAN = (
    r"(?P<organ>(?i:"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(ORGAN_NAMES, key=len, reverse=True))
    + r")|"
    + "|".join(_ORGAN_WORDS)
    + ")"
)
FOREIGN = (
    r"(?P<foreign>"
    + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in sorted(FOREIGN_BODIES, key=len, reverse=True))
    + "|"
    + "|".join(_FOREIGN_ABBREVIATIONS)
    + ")"
)

# Words that may stand between the organ and "resolution(s)".
_QUALIFIER_WORDS = ("previous", "earlier", "relevant", "recent", "own", "subsequent", "related", "latest",
                    "above-mentioned", "first", "last", "later", "landmark", "historic", "important")  # fmt: skip
QUALIFIER = r"(?:(?:" + "|".join(_QUALIFIER_WORDS) + r")\s+){0,3}"

# "resolution", "resolutions", "decision", "decisions" (capitalised at a
# sentence or footnote start).
ACT_WORD = r"(?P<act>[Rr]esolutions?|[Dd]ecisions?|RESOLUTIONS?|DECISIONS?)"

# The number styles, most specific first.
# Between a number and its bracket: a space, or a line break where the text was wrapped ("186\n(1964)").
GAP = r"[ \u00a0]{0,2}(?:\n[ \u00a0]{0,2})?"
# A part letter after a session number is a pinpoint: "45/55 B of 4 December 1990".
SESSION_NUMBER = (
    r"(?P<special>E?S-)?(?P<session>\d{1,2})/(?P<number>\d{1,4})(?:[ \u00a0](?P<spart>[A-L])(?=[ \u00a0,;.)\n]))?"
)
YEAR_NUMBER = r"(?P<ynum_year>(?:19[4-9]|20[0-4])\d)/(?P<ynum>\d{1,4})"
ROMAN_NUMBER = (
    rf"(?P<rnum>\d{{1,4}}){GAP}(?:(?P<part>[A-Z](?:[ \u00a0]?(?:,|and|to|-)[ \u00a0]?[A-Z])*){GAP})?"
    rf"\([ \u00a0]?(?P<roman>(?:E?S-)?{ROMAN})[ \u00a0]?\)"
)
SC_NUMBER = rf"(?P<scnum>\d{{1,4}}){GAP}\((?P<scyear>(?:19[4-9]|20[0-4])\d)\)"
DATED_NUMBER = r"(?P<dnum>\d{1,4})(?=\s+of\s+\d{1,2}\s+[A-Z][a-z]+\s+(?:19|20)\d\d)"

ITEM = rf"(?:{SC_NUMBER}|{ROMAN_NUMBER}|{YEAR_NUMBER}|{SESSION_NUMBER}|{DATED_NUMBER})(?![\w/])"
ITEM_RE = re.compile(ITEM)

# "resolution(s)"/"decision(s)" are found by literal scans (fast), then the
# rest of the anchor is matched forwards and the organ backwards.
ACT_LITERALS = {"esolution": "Rr", "ecision": "Dd", "ESOLUTION": "R", "ECISION": "D"}
# Whether either capital form occurs, in one search: the engine looks for their common "E" alone, twice as
# fast as the two searches for strings that are rarely there.
_CAPITAL_ACTS_RE = re.compile("ESOLUTION|ECISION")
ACT_TAIL_RE = re.compile(rf"[sS]?\s{{1,40}}(?:No\.\s?|Nos\.\s?)?(?={ITEM})")
ORGAN_BEFORE_RE = re.compile(
    rf"(?<![\w\-])(?:{FOREIGN}\s{{1,40}}{QUALIFIER}|{ORGAN}\s{{1,40}}{QUALIFIER}|{QUALIFIER})\Z"
)


@dataclass(frozen=True, slots=True)
class ActAnchor:
    """'Commission on Human Rights resolution ' before a list of numbers."""

    start: int  # where the organ (or the act word) begins
    end: int  # where the first item begins
    act: str  # "resolution" or "decision"
    organ: str | None  # the organ word as written, or None
    foreign: bool  # the organ is not a UN organ ("World Health Assembly")


# The last word of whatever ORGAN_BEFORE_RE finds before an act's word but its empty match, in lower case: an
# organ's or a body's name, or a qualifier.
_ORGAN_LAST_WORDS = frozenset(
    w.split()[-1].lower() for w in (*ORGAN_NAMES, *FOREIGN_BODIES, *_ORGAN_WORDS, *_FOREIGN_ABBREVIATIONS, *_QUALIFIER_WORDS)
)


def organ_before(text: str, word_start: int) -> re.Match[str] | None:
    """``ORGAN_BEFORE_RE.search(text, max(0, word_start - 160), word_start)``: the organ (or body) and the
    qualifiers before an act's word at ``word_start``.

    The search tries every position of its window, most of the time to find only its empty match at
    ``word_start``; it runs only where the word before (white space after it) may end what it looks for.
    """
    end = word_start
    while end and text[end - 1].isspace():
        end -= 1
    start = end
    while start and (text[start - 1].isalnum() or text[start - 1] in "_-"):
        start -= 1
    if end < word_start and text[start:end].lower() in _ORGAN_LAST_WORDS:
        return ORGAN_BEFORE_RE.search(text, max(0, word_start - 160), word_start)
    return ORGAN_BEFORE_RE.search(text, word_start, word_start)


def find_act_anchors(text: str, capitals: bool | None = None) -> list[ActAnchor]:
    """Every 'resolution(s)'/'decision(s)' followed by a number, with its organ.

    ``capitals``: whether "RESOLUTION" or "DECISION" may occur in the text, from a caller that knows (the
    name pattern's scan finds them); None: searched for."""
    anchors = []
    if capitals is None:
        capitals = _CAPITAL_ACTS_RE.search(text) is not None
    for literal, initials in ACT_LITERALS.items():
        pos = text.find(literal) if capitals or not literal.isupper() else -1
        while pos >= 0:
            word_start = pos - 1
            if (
                word_start >= 0
                and text[word_start] in initials
                and (word_start == 0 or not text[word_start - 1].isalnum())
            ):
                tail = ACT_TAIL_RE.match(text, pos + len(literal))
                if tail:
                    organ = organ_before(text, word_start)
                    start = organ.start() if organ and organ.group(0).strip() else word_start
                    anchors.append(
                        ActAnchor(
                            start=start,
                            end=tail.end(),
                            act="resolution" if literal.lower().startswith("es") else "decision",
                            organ=organ.group("organ") if organ else None,
                            foreign=bool(organ and organ.group("foreign")),
                        )
                    )
            pos = text.find(literal, pos + 1)
    anchors.sort(key=lambda a: a.start)
    return anchors


# What may stand between two items of one list: a date, a pinpoint, a
# separator. "resolutions 55/92 of 4 December 2000 and 56/170 of ...".
DATE = r"\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+(?:19|20)\d\d"
PINPOINT = (
    r"(?P<pin>,?\s+(?:annex(?:es)?(?:\s+[IVX]{1,5})?(?:,\s+(?:part|section|sect\.)\s+[IVX\dA-Z]{1,4})?"
    r"|part\s+[IVX\dA-Z]{1,4}|sect(?:ion|\.)\s+[IVX\dA-Z]{1,4}"
    r"|para(?:graph)?s?\.?\s+\d{1,3}(?:\s*(?:-|\u2013|and|to|,)\s*\d{1,3}){0,5}))"
)
ITEM_TAIL_RE = re.compile(rf"(?:\s+of\s+{DATE})?{PINPOINT}?")
LIST_SEPARATOR_RE = re.compile(r"(?:\s*,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+|\s*;\s*)")
# A post-nominal organ: "resolution 2005/47 of the Commission on Human Rights".
POST_ORGAN_RE = re.compile(rf"\s+of\s+the\s+{ORGAN}")

# --------------------------------------------------------------------------
# Official Records and Treaty Series.

ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "First",
            "Second",
            "Third",
            "Fourth",
            "Fifth",
            "Sixth",
            "Seventh",
            "Eighth",
            "Ninth",
            "Tenth",
            "Eleventh",
            "Twelfth",
            "Thirteenth",
            "Fourteenth",
            "Fifteenth",
            "Sixteenth",
            "Seventeenth",
            "Eighteenth",
            "Nineteenth",
        ],
        start=1,
    )
}
TENS_WORDS = {
    "Twentieth": 20,
    "Thirtieth": 30,
    "Fortieth": 40,
    "Fiftieth": 50,
    "Sixtieth": 60,
    "Seventieth": 70,
    "Eightieth": 80,
    "Ninetieth": 90,
}
TENS_PREFIX = {
    "Twenty": 20,
    "Thirty": 30,
    "Forty": 40,
    "Fifty": 50,
    "Sixty": 60,
    "Seventy": 70,
    "Eighty": 80,
    "Ninety": 90,
}


def ordinal_to_int(words: str) -> int:
    """'Sixty-first' -> 61; 0 when not an ordinal.

    >>> ordinal_to_int("Sixty-first"), ordinal_to_int("Fiftieth"), ordinal_to_int("Tenth")
    (61, 50, 10)
    """
    w = words.strip().replace("\u2011", "-").replace("\u2010", "-")
    w = w[:1].upper() + w[1:].lower()
    if w in ORDINAL_WORDS:
        return ORDINAL_WORDS[w]
    if w in TENS_WORDS:
        return TENS_WORDS[w]
    if "-" in w:
        tens, unit = w.split("-", 1)
        unit = unit[:1].upper() + unit[1:]
        if tens in TENS_PREFIX and unit in ORDINAL_WORDS and ORDINAL_WORDS[unit] < 10:
            return TENS_PREFIX[tens] + ORDINAL_WORDS[unit]
    return 0


OFFICIAL_RECORDS_RE = re.compile(
    r"Official\s+Records\s+of\s+the\s+(?P<or_organ>General\s+Assembly|Security\s+Council|Economic\s+and\s+Social\s+Council|Trusteeship\s+Council)"
    r",\s+(?:(?P<or_session>[A-Z][a-z]{2,12}(?:[-\u2011][a-z]{3,7})?)\s+(?:[Ss]pecial\s+|[Ee]mergency\s+[Ss]pecial\s+)?[Ss]ession|(?P<or_year>(?:19|20)\d\d)(?:,\s+[A-Z][a-z]+\s+[Ss]ession)?)"
    r"(?:,\s+(?:[A-Z][a-z]+\s+)?[Ss]upplement\s+No\.\s?(?P<or_supp>\d{1,3})(?P<or_supp_letter>[A-Z])?)?"
)

TREATY_SERIES = r"United\s+Nations,\s+Treaty\s+Series"
UNTS_VOLUME = r"vol(?:s?\.|ume)\s?(?P<vol>\d{1,4})"
UNTS_NUMBER = r"No\.\s?(?P<no>\d{1,6})"
UNTS_RE = re.compile(
    rf"(?P<series>{TREATY_SERIES}|Ibid\.?|ibid\.?),?\s+{UNTS_VOLUME}(?:,\s+(?:p|pp)\.\s?\d{{1,4}}(?:\s*[-\u2013]\s*\d{{1,4}})?)?(?:,\s+{UNTS_NUMBER})?"
)
IBID_RE = re.compile(
    r"\b[Ii]bid\.?(?:,\s+(?P<rest>annex(?:es)?(?:\s+[IVX]{1,5})?|part\s+[A-Z]|para(?:graph)?s?\.?\s+\d{1,3}))?"
)


def resolution_symbol(organ: str, act: str, style: str, **parts: str) -> str | None:
    """Spell the canonical symbol of a resolution or decision.

    >>> resolution_symbol("GA", "resolution", "roman", number="217", roman="III")
    'A/RES/217(III)'
    >>> resolution_symbol("SC", "decision", "sc", number="1", year="2000") is None
    True
    >>> resolution_symbol("GA", "resolution", "session", session="2", number="1") is None
    True
    """
    pattern = RESOLUTION_SERIES.get((organ, act, style))
    if pattern is None:
        return None
    if style == "session" and not parts.get("special") and int(parts["session"]) < FIRST_SESSION_NUMBERED.get(organ, 1):
        return None  # "resolution 2/1" is no General Assembly resolution: its second session numbered "181 (II)"
    if style == "session" and parts.get("special"):
        parts = {**parts, "session": parts["special"] + parts["session"]}
    return pattern.format(**parts)
