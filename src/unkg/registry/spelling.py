"""The sources' spellings of a symbol, and what people type, mapped onto the canonical symbol.

The registry's sources each spell symbols their own way (``../shared/registry/README.md``):

- the UN Digital Library: ``S/RES/2000(2011)``, ``A/RES/181(II)[A]``, part letters glued
  (``A/RES/43/29A``, ``A/RES/35/217XIII``) or bracketed with invented sub-records
  (``A/RES/63(I)[PARA.1]``), special sessions with an Arabic number (``A/RES/104(S-1)``);
- Voeten's roll calls: ``R/44/41C`` (R/session/number, for the Roman-numeral era too),
  ``R/34/233/XII``, ``ESS/1/34`` and ``SS/2/33`` for (emergency) special sessions, and
  ``A/RES/74/38`` from 2019;
- the iGov portal: ``71/540 A and B`` (decisions), ``80/19`` (the resolution a draft became),
  ``A/80/534 DR 8`` (a committee report and the draft in it);

A part letter (``A``, ``[B-IX]``) is a pinpoint inside the document (DESIGN.md), returned
apart from the symbol; a sub-record the library invented (``[PARA.1]``, ``[RULE-33]``) is
dropped. A spelling that cannot be read for sure (``A/RES/36//235IX``, ``A/RES/79/XX``) raises
``Unparseable`` with the reason: it is recorded, never guessed.

Nothing here spells a symbol itself: the canonical spelling comes from
``unkg.grammar`` (``canonical_symbol``, ``resolution_symbol``), and what a person
types is read by the extractor's own grammar (``parse_symbols``, then the act
grammar through ``extract_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from unkg import grammar as g
from unkg.errors import UnkgError


class Unparseable(UnkgError, ValueError):
    """A source's spelling of a symbol that cannot be mapped onto a canonical symbol for sure."""


@dataclass(frozen=True, slots=True)
class Spelled:
    """A canonical symbol read from a source's spelling, with the part (pinpoint) it named, if any."""

    symbol: str
    part: str | None = None


# Roman sessions as the Digital Library writes them: "II", "S-IV", "ES-I", or a special session
# with an Arabic number ("S-1"), which the grammar spells in Roman numerals like the others.
_SESSION_BRACKET = rf"(?P<roman>(?:E?S-)?(?:{g.ROMAN}|\d{{1,2}}))"
# A part: glued letters ("A", "XIII", "A-B") or bracketed ("[A]", "[B-IX]", "[PARA.1]").
_PART = r"(?P<part>[A-Z]{1,5}(?:-[A-Z]{1,5})?)?(?:\[(?P<bracket>[^\]]{1,20})\])?"
_UNDL_SC = re.compile(r"^S/RES/(?P<number>\d{1,4})\((?P<year>(?:19|20)\d\d)\)$")
_UNDL_ROMAN = re.compile(rf"^A/RES/(?P<number>\d{{1,4}})\({_SESSION_BRACKET}\){_PART}$")
_UNDL_SESSION = re.compile(
    rf"^A/(?P<act>RES|DEC)/(?P<special>E?S-)?(?P<session>\d{{1,2}})/(?P<number>\d{{1,4}}){_PART}$"
)
# A sub-record the library invented: a paragraph, a rule, an annex of one record.
_INVENTED = re.compile(r"^(?:PARA|RULE|ANNEX|ART|SECTION)", re.IGNORECASE)
# The roman part of a bracket: "B-IX" is part B, section IX.
_PART_LABEL = re.compile(r"^[A-Z]{1,5}(?:-[A-Z]{1,5})?$")

# Voeten: R/session/number[part][/part], ESS/n/number, SS/n/number.
_VOETEN = re.compile(
    r"^(?P<kind>R|ESS|SS)/(?P<session>\d{1,2})/(?P<number>\d{1,4})(?P<part>[A-Z]{1,5})?(?:/(?P<sub>[A-Z]{1,5}))?$"
)
# The first emergency special session numbered "A/RES/ES-n/m" is the sixth (1980), the first
# special session "A/RES/S-n/m" the eighth (1978); before them both used the running Roman-era
# numbers, which Voeten's ESS/SS numbers are not (ESS/1/34 is no resolution 34 of ES-I).
FIRST_NUMBERED_EMERGENCY = 6
FIRST_NUMBERED_SPECIAL = 8
# Sessions numbered in Arabic numerals from the 31st (1976); before, the Roman era.
FIRST_ARABIC_SESSION = 31


def int_to_roman(n: int) -> str:
    """A positive integer in Roman numerals (the sessions of the Roman era).

    >>> int_to_roman(3), int_to_roman(29), int_to_roman(14)
    ('III', 'XXIX', 'XIV')
    """
    out = []
    for value, numeral in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV")):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out) + "I" * n


def _roman_session(raw: str) -> str:
    """'S-1' -> 'S-I', 'II' -> 'II', 'ES-4' -> 'ES-IV'."""
    prefix, _, number = raw.rpartition("-")
    if number.isdigit():
        number = int_to_roman(int(number))
    return f"{prefix}-{number}" if prefix else number


def _part(m: re.Match[str]) -> str | None:
    part, bracket = m.group("part"), m.group("bracket")
    if bracket is not None:
        if _INVENTED.match(bracket):
            return part
        if not _PART_LABEL.match(bracket):
            raise Unparseable(f"bracketed part {bracket!r} is no part label")
        return f"{part}-{bracket}" if part else bracket
    return part


def undl_symbol(raw: str) -> Spelled:
    """A UN Digital Library spelling read as a canonical symbol and part.

    >>> undl_symbol("A/RES/181(II)[A]")
    Spelled(symbol='A/RES/181(II)', part='A')
    >>> undl_symbol("S/RES/2000(2011)").symbol, undl_symbol("A/RES/43/29A").part
    ('S/RES/2000(2011)', 'A')
    """
    text = re.sub(r"\s+", "", raw)
    if not text:
        raise Unparseable("no symbol")
    m = _UNDL_SC.match(text)
    if m:
        return Spelled(_checked(g.resolution_symbol(g.SC, "resolution", "sc", number=m["number"], year=m["year"])))
    m = _UNDL_ROMAN.match(text)
    if m:
        roman = _roman_session(m["roman"])
        symbol = g.resolution_symbol(g.GA, "resolution", "roman", number=str(int(m["number"])), roman=roman)
        return Spelled(_checked(symbol), _part(m))
    m = _UNDL_SESSION.match(text)
    if m:
        act = "resolution" if m["act"] == "RES" else "decision"
        symbol = g.resolution_symbol(
            g.GA, act, "session", special=m["special"] or "", session=m["session"], number=str(int(m["number"]))
        )
        return Spelled(_checked(symbol), _part(m))
    raise Unparseable(f"{raw!r} is not a resolution or decision symbol the registry can read")


def voeten_symbol(raw: str, roman_of: dict[int, str] | None = None) -> Spelled:
    """Voeten's ``unres`` read as a canonical symbol and part.

    Before the 31st session the General Assembly numbered its resolutions in one
    running series, the session in Roman numerals; Voeten writes the session as an
    Arabic number, and his early session numbers are not always the resolution's
    (R/1/1061A is resolution 1061 (XI)). The Roman session is therefore taken from
    ``roman_of`` (resolution number -> Roman session, as the Digital Library spells
    the same resolutions), and only failing that from Voeten's session.

    >>> voeten_symbol("R/44/41C")
    Spelled(symbol='A/RES/44/41', part='C')
    >>> voeten_symbol("R/1/1061A", {1061: "XI"}).symbol
    'A/RES/1061(XI)'
    """
    text = raw.strip()
    if text.startswith("A/"):
        return undl_symbol(text)
    m = _VOETEN.match(text)
    if not m:
        raise Unparseable(f"{raw!r} is not a roll-call resolution number the registry can read")
    session, number = int(m["session"]), int(m["number"])
    part = "-".join(p for p in (m["part"], m["sub"]) if p) or None
    if m["kind"] == "R":
        if session >= FIRST_ARABIC_SESSION:
            symbol = g.resolution_symbol(g.GA, "resolution", "session", session=str(session), number=str(number))
        else:
            roman = (roman_of or {}).get(number) or int_to_roman(session)
            symbol = g.resolution_symbol(g.GA, "resolution", "roman", number=str(number), roman=roman)
        return Spelled(_checked(symbol), part)
    first = FIRST_NUMBERED_EMERGENCY if m["kind"] == "ESS" else FIRST_NUMBERED_SPECIAL
    if session < first:
        raise Unparseable(f"{raw!r}: special sessions before the {first}th used the running numbers, not these")
    special = "ES-" if m["kind"] == "ESS" else "S-"
    symbol = g.resolution_symbol(
        g.GA, "resolution", "session", special=special, session=str(session), number=str(number)
    )
    return Spelled(_checked(symbol), part)


_IGOV_NUMBER = re.compile(
    r"^(?P<session>\d{1,2})/(?P<number>\d{1,4})\.?(?:\s+(?P<parts>[A-Z](?:[ ,\-]+(?:and\s+)?[A-Z])*))?$"
)


def igov_act(raw: str, act: str) -> Spelled:
    """An iGov number ("71/540 A and B", "80/19") as the GA act it names.

    >>> igov_act("71/540 A and B", "decision")
    Spelled(symbol='A/DEC/71/540', part='A and B')
    """
    text = " ".join(raw.split()).rstrip(".")
    m = _IGOV_NUMBER.match(text)
    if not m:
        raise Unparseable(f"{raw!r} is not a session/number")
    symbol = g.resolution_symbol(g.GA, act, "session", session=m["session"], number=str(int(m["number"])))
    return Spelled(_checked(symbol), m["parts"])


def document_symbol(raw: str) -> str:
    """A document symbol as a source writes it ("A/80/534 DR 8", "A./C.3/79/L.5, as orally amended").

    >>> document_symbol("A/80/534 DR 8"), document_symbol("A./C.3/79/L.5, as orally amended")
    ('A/80/534', 'A/C.3/79/L.5')
    """
    text = raw.strip().replace("A./", "A/").replace("A.C.", "A/C.")
    found = g.parse_symbols(text)
    if not found or found[0].start != 0:
        raise Unparseable(f"{raw!r} holds no document symbol")
    return found[0].targets[0]


def _checked(symbol: str | None) -> str:
    if symbol is None or g.canonical_symbol(symbol) != symbol:
        raise Unparseable(f"{symbol!r} is not canonical")
    return symbol


# --------------------------------------------------------------------------
# What people type.
_MIXED_CASE = {"SUB": "Sub"}


def _upper(text: str) -> str:
    """Symbols typed in any case: upper case, but for the segments the canonical spelling writes mixed."""
    out = []
    for seg in text.upper().split("/"):
        head, dot, rest = seg.partition(".")
        out.append(_MIXED_CASE.get(head, head) + dot + rest)
    return "/".join(out)


def typed_symbol(text: str) -> str | None:
    """The canonical symbol of what a person typed, or None when it names none.

    Accepts symbols in any case and spacing ("s/res/1325 (2000)", "A/RES/60/169"),
    act references as texts write them ("resolution 61/165", "Security Council
    resolution 1325 (2000)", "217 A (III)", "decision 60/551") and a bare
    session/number ("61/165", a General Assembly resolution).

    >>> typed_symbol("s/res/1325 (2000)"), typed_symbol("resolution 61/165"), typed_symbol("217 A (III)")
    ('S/RES/1325(2000)', 'A/RES/61/165', 'A/RES/217(III)')
    """
    text = " ".join(text.split())
    if not text:
        return None
    if "/" in text and " " not in text.replace(" (", "("):
        try:
            return undl_symbol(_upper(text)).symbol
        except Unparseable:
            pass
        found = g.parse_symbols(_upper(text))
        if found and found[0].start == 0 and found[0].end == len(_upper(text)):
            return found[0].targets[0]
    from unkg.extract import extract_text  # the act grammar, as the extractor reads it

    phrase = text if re.search(r"(?i)\b(?:resolution|decision)s?\b", text) else f"resolution {text}"
    targets = [c.target for c in extract_text(phrase).citations if "/" in c.target]
    return targets[0] if targets else None
