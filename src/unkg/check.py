"""Check what extraction found against what is known: the registry of resolutions and the citing text's date.

A citation is kept, re-attributed, or dropped; a drop is never silent: it stays on the extraction with its
reason (``Extraction.dropped``, the JSON line's ``dropped``, ``unkg extract --explain``). The rules:

- a Security Council resolution whose number the registry holds under another year, or a number the
  registry's complete span (1-2798) does not hold, cannot be; likewise a Roman-era General Assembly number
  that the registry files under another session. When the text gives the date the registry has for that
  number right after the citation ("resolution 1590 (2004) of 24 March 2005"), the citation is re-attributed
  to the resolution of that date; else it is dropped;
- a work adopted after the citing document cannot be cited by it (the registry's year, or the year a Security
  Council symbol carries, after the document's own year: its adoption date, else the registry's year of its
  own symbol);
- the document's own symbol is never a citation (the finders already skip it; checked again here);
- the General Assembly numbers the decisions of a regular session from 301 on (the registry's sessions 71-80:
  elections and appointments 401-4xx, the others 501-5xx): "decision 44/114" is another body's (a
  functional commission's, named by the Official Records that hold it), never `A/DEC/44/114`: dropped.

"Not in the registry" proves nothing but where the registry is complete (see ``unkg.registry``), so a target
the registry does not know is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from unkg.catalogue import Catalogue, default_catalogue
from unkg.models import Citation, Extraction
from unkg.registry import Registry

# An instrument is cited as a draft some years before its adoption ("the draft declaration"): only one
# adopted more than this many years after the citing document cannot be what it names.
DRAFT_YEARS = 5

_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"]
DATE_AFTER = 60  # characters after a citation where its date stands ("of 24 March 2005")
GA_FIRST_DECISION = 301
_GA_DECISION_RE = re.compile(r"A/DEC/\d{1,2}/(?P<number>\d{1,3})\b")  # regular sessions only


@dataclass(frozen=True, slots=True)
class Dropped:
    """A citation the checks refused, and why."""

    citation: Citation
    reason: str

    def to_json(self) -> dict[str, Any]:
        return {"target": self.citation.target, "text": self.citation.text, "start": self.citation.start,
                "end": self.citation.end, "reason": self.reason}  # fmt: skip


def written_date(iso: str) -> str | None:
    """'2005-03-24' as texts write it: '24 March 2005'.

    >>> written_date("2005-03-24")
    '24 March 2005'
    """
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", iso or "")
    if not m:
        return None
    return f"{int(m.group(3))} {_MONTHS[int(m.group(2)) - 1]} {m.group(1)}"


MEETING_RE = re.compile(r"\b(?P<number>\d{1,5})(?:st|nd|rd|th)\s+meeting\b")


def own_symbol(symbol: str | None, text: str, metadata: dict[str, str], registry: Registry) -> str | None:
    """The document's own symbol, corrected by the registry when the text's heading cannot be right.

    "Resolution 434 (1973)" heads the text of S/RES/434 (1978): the registry holds number 434 as of 1978. The
    correction is made only when the text itself agrees with the registry's record: the meeting that adopted
    it ("Adopted at the 2085th meeting"), or the year of its adoption date.
    """
    if not symbol or registry.exists(symbol) is not False:
        return symbol
    held = registry.same_number(symbol)
    record = registry.lookup(held) if held else None
    if record is None:
        return symbol
    meeting = MEETING_RE.search(text)
    if meeting and record.meeting and record.meeting.endswith(f"PV.{int(meeting.group('number'))}"):
        return held
    date = metadata.get("date") or ""
    if record.year and date[:4] == str(record.year):
        return held
    return symbol


def own_year(symbol: str | None, metadata: dict[str, str], registry: Registry) -> int | None:
    """The citing document's year: its adoption date as the text states it (or a sidecar or file name gives
    it), else the year a sidecar or file name gives, else the registry's year of its symbol."""
    date = metadata.get("date") or ""
    if re.match(r"\d{4}-", date):
        return int(date[:4])
    if re.fullmatch(r"\d{4}", metadata.get("year") or ""):
        return int(metadata["year"])
    return registry.year_of(symbol) if symbol else None


def later_instrument(c: Citation, year: int | None, catalogue: Catalogue) -> str | None:
    """Why an instrument cited by a document of ``year`` cannot be the catalogue's (a 1973 statement's
    "Paris Agreement" is another than the one of 2015), or None."""
    instrument = catalogue.get(c.target) if c.kind == "instrument" and year else None
    issued = instrument.issued if instrument else None
    if year and issued and issued[:4].isdigit() and int(issued[:4]) > year + DRAFT_YEARS:
        return f"{c.target} was adopted in {issued[:4]}, after the citing document ({year})"
    return None


def check(
    citations: tuple[Citation, ...],
    text: str,
    symbol: str | None,
    metadata: dict[str, str],
    registry: Registry,
    catalogue: Catalogue | None = None,
) -> tuple[tuple[Citation, ...], tuple[Dropped, ...]]:
    """(citations kept or re-attributed, citations dropped with their reasons) of one document."""
    year = own_year(symbol, metadata, registry)
    catalogue = catalogue or default_catalogue()
    kept: list[Citation] = []
    dropped: list[Dropped] = []
    for c in citations:
        if c.kind not in ("resolution", "decision"):
            later = later_instrument(c, year, catalogue)
            if later:
                dropped.append(Dropped(c, later))
            else:
                kept.append(c)
            continue
        if symbol and c.target == symbol:
            dropped.append(Dropped(c, "the document's own symbol"))
            continue
        low = _GA_DECISION_RE.match(c.target)
        if low and int(low["number"]) < GA_FIRST_DECISION:
            dropped.append(Dropped(c, f"{c.target} cannot be: the General Assembly numbers its decisions from 301"))
            continue
        if registry.exists(c.target) is False:
            held = registry.same_number(c.target)
            record = registry.lookup(held) if held else None
            said = written_date(record.date) if record and record.date else None
            if said and said in text[c.end : c.end + DATE_AFTER]:
                c = replace(c, target=held, via=f"registry: {held} is of {said}, the date the text gives")
            else:
                why = f"the registry holds that number as {held}" if held else "the registry holds no such number"
                dropped.append(Dropped(c, f"{c.target} cannot be: {why}"))
                continue
        cited_year = registry.year_of(c.target)
        if year and cited_year and cited_year > year:
            dropped.append(Dropped(c, f"{c.target} is of {cited_year}, after the citing document ({year})"))
            continue
        kept.append(c)
    return tuple(kept), tuple(dropped)


def recheck(extraction: Extraction, registry: Registry, catalogue: Catalogue | None = None) -> Extraction:
    """``extraction`` checked again once described: a symbol or a year a sidecar or file name gave (see
    ``unkg.describe``) tells what the text alone could not, that a citation is the document's own symbol or of
    a later year. Those citations move to ``dropped`` with their reason; their contexts go with them."""
    keep: list[int] = []
    dropped = list(extraction.dropped)
    year = own_year(extraction.symbol, extraction.metadata, registry)
    catalogue = catalogue or default_catalogue()
    for i, c in enumerate(extraction.citations):
        cited_year = registry.year_of(c.target) if c.kind in ("resolution", "decision") else None
        later = later_instrument(c, year, catalogue)
        if extraction.symbol and c.target == extraction.symbol and c.kind in ("resolution", "decision"):
            dropped.append(Dropped(c, "the document's own symbol"))
        elif year and cited_year and cited_year > year:
            dropped.append(Dropped(c, f"{c.target} is of {cited_year}, after the citing document ({year})"))
        elif later:
            dropped.append(Dropped(c, later))
        else:
            keep.append(i)
    if len(keep) == len(extraction.citations):
        return extraction
    contexts = tuple(extraction.contexts[i] for i in keep) if extraction.contexts else ()
    return replace(
        extraction,
        citations=tuple(extraction.citations[i] for i in keep),
        dropped=tuple(dropped),
        contexts=contexts,
    )
