"""What a person types for a work, read as the work: the one look-up behind every place that takes a work.

A work is a UN document (by its canonical symbol) or a catalogued instrument
(by its key). People type them as they read them: in any case, with spaces
("a/res/61/ 165"), as texts cite them ("resolution 61/165", "Security Council
resolution 1325 (2000)", "217 A (III)"), by an instrument's key, abbreviation,
name or alias ("icrmw", "the Migrant Workers Convention"). The extractor's own
grammar (``unkg.grammar`` through ``unkg.registry.spelling.typed_symbol``) and
catalogue (``unkg.catalogue``) read them, so a work is found however the
corpus's texts may name it.

- :func:`parse` reads a text as one work, whether a store holds it or not.
- :func:`resolve` reads it as a work of a store (``works``: what
  :func:`store_works` returns), else raises :class:`WorkNotFound` whose
  message says why and names the nearest works ("did you mean ...").
- :func:`search` gives candidates for a search box: the work the text names,
  instruments whose names hold its words, documents whose titles do (the
  store's, then the registry's), and near spellings.

Every answer is a :class:`Candidate`: target (symbol or key), IRI, label.

>>> parse("a/res/61/ 165").target, parse("Security Council resolution 1325 (2000)").target
('A/RES/61/165', 'S/RES/1325(2000)')
>>> parse("the Migrant Workers Convention").target, parse("icrmw").iri
('ICRMW', 'https://w3id.org/unkg/instrument/ICRMW')
>>> resolve("A/RES/99/999", {"A/RES/60/169": "", "A/RES/61/165": ""})
Traceback (most recent call last):
...
unkg.lookup.WorkNotFound: A/RES/99/999 is not in the store (no file of the corpus is it, none cites it); did you mean A/RES/60/169?
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

import pyoxigraph as ox

from unkg import iri
from unkg.catalogue import Catalogue, default_catalogue, normalise_label
from unkg.errors import UnkgError

__all__ = ["Candidate", "WorkNotFound", "parse", "resolve", "search", "store_works"]

# Quotes people paste around what they type, and the words a sentence puts before a name.
_QUOTES = "\"'`\u2018\u2019\u201c\u201d"
_ARTICLE_RE = re.compile(r"^(?:the|its)\s+", re.IGNORECASE)
_SLASH_RE = re.compile(r"\s*/\s*")
_DOT_RE = re.compile(r"(?<=[A-Za-z])\s*\.\s*(?=\d)")  # "Add. 2", "E/CN. 4"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A work a text may stand for: its symbol or key, its title or name, and what matched."""

    target: str
    label: str = ""
    how: str = ""  # symbol, key, abbreviation, name, title, near

    @property
    def iri(self) -> str:
        """The work's IRI (``unkg.iri.target``)."""
        return iri.target(self.target)

    @property
    def kind(self) -> str:
        """'document' (a symbol) or 'instrument' (a catalogue key)."""
        return "document" if "/" in self.target else "instrument"

    def __str__(self) -> str:
        return f"{self.target} ({self.label})" if self.label else self.target


class WorkNotFound(UnkgError):
    """No work of the store is what was typed; the message says why and names the nearest ones."""

    def __init__(
        self, message: str, text: str, candidates: tuple[Candidate, ...] = (), target: str | None = None
    ) -> None:
        super().__init__(message)
        self.text = text
        self.candidates = candidates
        self.target = target  # the work the text names, when it names one the store does not hold


def clean(text: str) -> str:
    """What was typed, without surrounding quotes, doubled spaces or spaces around a symbol's slashes.

    >>> clean(' "A/RES/61/ 165." '), clean("E/CN. 4/2005/47")
    ('A/RES/61/165', 'E/CN.4/2005/47')
    """
    text = " ".join(text.split()).strip(_QUOTES + " ").rstrip(".,;")
    if "/" in text:
        text = _DOT_RE.sub(".", _SLASH_RE.sub("/", text))
    return text


def _label_of(target: str, catalogue: Catalogue, works: Mapping[str, str] | None) -> str:
    if works and works.get(target):
        return works[target]
    instrument = catalogue.get(target)
    return instrument.name if instrument else ""


def parse(text: str, catalogue: Catalogue | None = None) -> Candidate | None:
    """The one work ``text`` names, read by the extractor's grammar and catalogue; None when it names none.

    Tried in turn: the work's IRI (``https://w3id.org/unkg/doc/A/RES/61/165``),
    an instrument key ("icrmw", "ilo c29"), abbreviation or name and alias
    (any case, with or without "the"), then a document symbol or act reference ("a/res/61/ 165", "resolution 61/165", "S/RES/1325 (2000)",
    "Commission on Human Rights resolution 2005/47", "217 A (III)").
    """
    catalogue = catalogue or default_catalogue()
    text = clean(text)
    if not text:
        return None
    if text.startswith(iri.DOC) or text.startswith(iri.INSTRUMENT):  # a work's IRI, as a page or a query gives it
        named = unquote(text.removeprefix(iri.DOC).removeprefix(iri.INSTRUMENT))
        return parse(named, catalogue) if named else None
    bare = _ARTICLE_RE.sub("", text)
    key = bare.upper().replace(" ", "-")
    if key in catalogue:
        return Candidate(key, catalogue.instruments[key].name, "key")
    for inst in catalogue.instruments.values():
        if any(a.upper() == bare.upper() for a in inst.abbreviations):
            return Candidate(inst.key, inst.name, "abbreviation")
    found = catalogue.by_label(bare) or catalogue.by_label(text)
    if found:
        return Candidate(found, catalogue.instruments[found].name, "name")
    from unkg.registry.spelling import typed_symbol

    symbol = typed_symbol(text)
    if symbol:
        return Candidate(symbol, "", "symbol")
    # A name as the finder reads it in running text ("International Convention for the Protection ...").
    whole = [m for m in catalogue.scan(bare) if m[0] == 0 and m[1] == len(bare) and m[2]]
    if whole:
        key = whole[0][2]
        return Candidate(key, catalogue.instruments[key].name, "name")
    return None


def resolve(
    text: str, works: Mapping[str, str] | None = None, catalogue: Catalogue | None = None, n: int = 5
) -> Candidate:
    """The work of a store that ``text`` names (see :func:`parse`).

    Args:
        text: what was typed.
        works: the store's works, target to title (:func:`store_works`); None: any work ``parse`` reads.
        catalogue: the instrument catalogue (default: the bundled one).
        n: most candidates named when nothing matches.

    Raises:
        WorkNotFound: the text names no work, or one the store does not hold; the message says which, with
            the nearest works of the store ("did you mean ...").
    """
    catalogue = catalogue or default_catalogue()
    found = parse(text, catalogue)
    if found is not None and (works is None or found.target in works):
        return Candidate(found.target, _label_of(found.target, catalogue, works), found.how)
    if found is not None and works is not None:
        # "S/RES/1325" or "A/RES/217" for the one work of that number the store holds, whatever its year or session
        completions = [w for w in works if w.startswith(found.target + "(")]
        if len(completions) == 1:
            return Candidate(completions[0], _label_of(completions[0], catalogue, works), "symbol")
        near = nearest(found.target, works, catalogue, n)
        message = f"{found.target} is not in the store (no file of the corpus is it, none cites it)"
    else:
        titled = _titled(text, works)
        if len(titled) == 1:
            return Candidate(titled[0], works[titled[0]], "title")  # type: ignore[index]
        if titled:
            shown = ", ".join(titled[:n]) + (f" and {len(titled) - n} more" if len(titled) > n else "")
            raise WorkNotFound(
                f"{clean(text)!r} is the title of {len(titled)} works of the store ({shown}); give its symbol",
                text,
                tuple(Candidate(t, works[t], "title") for t in titled[:n]),  # type: ignore[index]
            )
        near = nearest(text, works, catalogue, n)
        message = (
            f"{clean(text)!r} names no work: neither a document symbol, a resolution or decision as texts cite it, "
            "nor an instrument's key, abbreviation or name"
        )
    if near:
        message += "; did you mean " + ", ".join(c.target for c in near) + "?"
    raise WorkNotFound(message, text, tuple(near), found.target if found is not None else None)


def _titled(text: str, works: Mapping[str, str] | None) -> list[str]:
    """The works of the store whose title is ``text`` (in any case and spacing), by symbol."""
    wanted = normalise_label(clean(text))
    return sorted(t for t, title in (works or {}).items() if title and normalise_label(title) == wanted)


def nearest(
    text: str, works: Mapping[str, str] | None = None, catalogue: Catalogue | None = None, n: int = 5
) -> list[Candidate]:
    """The works closest to what was typed: near spellings of symbols and keys, instruments whose names hold its
    words, titles that share its words; only works of ``works`` when given."""
    catalogue = catalogue or default_catalogue()
    typed = clean(text)
    wanted: dict[str, Candidate] = {}

    def take(target: str, how: str) -> None:
        if (works is None or target in works) and target not in wanted:
            wanted[target] = Candidate(target, _label_of(target, catalogue, works), how)

    symbols = [w for w in works if "/" in w] if works is not None else []
    if "/" in typed or any(ch.isdigit() for ch in typed):
        upper = typed.upper()
        head = upper.split("/")[0] + "/"
        pool = [s for s in symbols if s.upper().startswith(head)] or symbols
        by_upper = {s.upper(): s for s in pool}
        for close in difflib.get_close_matches(upper, list(by_upper), n=n, cutoff=0.6):
            take(by_upper[close], "near")
    words = normalise_label(_ARTICLE_RE.sub("", typed))
    names: dict[str, str] = {}
    for inst in catalogue.instruments.values():
        for label in (inst.key, *inst.abbreviations, inst.name, *inst.labels):
            names.setdefault(normalise_label(label), inst.key)
    if words and len(words) >= 3:
        for label, key in names.items():
            if words in label:
                take(key, "name")
    for close in difflib.get_close_matches(words, list(names), n=n, cutoff=0.7):
        take(names[close], "near")
    if len(wanted) < n and len(words) >= 4 and works is not None:
        tokens = set(words.split())
        for target, title in works.items():
            if title and tokens <= set(normalise_label(title).split()):
                take(target, "title")
    return list(wanted.values())[:n]


def search(
    text: str, works: Mapping[str, str] | None = None, limit: int = 20, catalogue: Catalogue | None = None
) -> list[Candidate]:
    """Candidates for a search box, best first: the work ``text`` names, the symbols a partial symbol opens,
    instruments whose names hold its words, documents whose titles do (the store's titles, then the registry's),
    near spellings.

    With ``works`` (:func:`store_works`), only works of that store are given.
    """
    catalogue = catalogue or default_catalogue()
    out: dict[str, Candidate] = {}
    if not clean(text):
        return []

    def take(c: Candidate) -> None:
        if (works is None or c.target in works) and c.target not in out and len(out) < limit:
            out[c.target] = Candidate(c.target, c.label or _label_of(c.target, catalogue, works), c.how)

    found = parse(text, catalogue)
    if found is not None:
        take(found)
        if works is not None:
            for w in works:
                if w.startswith(found.target + "("):
                    take(Candidate(w, "", "symbol"))
    typed = clean(text).upper()
    if works is not None and "/" in typed:  # the symbols a partial one opens ("A/RES/61/" ...), for a search box
        for w in sorted(works):
            if w.upper().startswith(typed):
                take(Candidate(w, "", "symbol"))
    near = nearest(text, works, catalogue, limit)
    for c in near:
        if c.how == "name":
            take(c)
    from unkg.registry import default_registry

    query = normalise_label(clean(text))
    if works is not None:
        tokens = set(query.split())
        for target, title in works.items():
            if tokens and title and tokens <= set(normalise_label(title).split()):
                take(Candidate(target, title, "title"))
    for _score, record in default_registry().search(clean(text), limit * 5 if works is not None else limit):
        take(Candidate(record.symbol, record.title or "", "title"))
    for c in near:
        take(c)
    return list(out.values())


def store_works(store: ox.Store) -> dict[str, str]:
    """Every work a store holds (``queries/reports/works.rq``): symbol or key to its title or name ('' if none)."""
    from unkg.queries import get_query, run

    return {
        row["id"].value: (row["title"].value if row["title"] is not None else "")  # type: ignore[index, union-attr]
        for row in run(store, get_query("reports/works"))
    }
