"""The instrument catalogue: ``ontology/instruments.ttl`` as a lookup table.

The Turtle file is the one place where instruments, their names, aliases,
abbreviations, adopting resolutions and Treaty Series numbers are kept. This
module reads it and compiles the names into one case-insensitive pattern (a
word trie, so that a scan costs about the same with 50 names or 5,000).
Adding an alias is a Turtle edit; no code changes.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

from unkg.cues import CUE_WORDS, Cues, cue_pattern

UNKG = "https://w3id.org/unkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

ORDINALS = frozenset(["first", "second", "third", "fourth", "fifth", "four"])
ORDINAL_BEFORE_RE = re.compile(r"(?<![\w\-])((?i:first|second|third|fourth|fifth|four))\s+\Z")
_ORDINAL_ENDS = frozenset(word[-1] for word in ORDINALS)  # t, d, h, r

# An abbreviation followed by these is a symbol ("CAT/C/...") or a body
# ("CEDAW Committee"), not the instrument.
ABBREVIATION_AFTER_RE = re.compile(r"[\w/\-]|\s+(?:Committee|Sub-?[Cc]ommittee|Working|[Cc]ommission)")


def _cue_inside(cue: str, entries: Iterable[str]) -> bool:
    """Whether a match of one of ``entries`` (a name, an abbreviation, a head noun, another cue word) may hold
    ``cue``: the name pattern's matches do not overlap, so the scan looks for it inside each such match too
    ("(No. 189)" in the name of an ILO convention). Case and plurals aside: a word's first letter may be a
    capital, an "s" may follow."""
    c = cue.lower()
    return any(c in entry.lower() + "s" for entry in entries if entry != cue)


def _cue_cut(cue: str, entries: Iterable[str]) -> bool:
    """Whether a match of one of ``entries`` may end inside ``cue`` (a match ends before a character that
    is no letter, such as the full stop of "No."): the scan cannot tell, the word is searched for."""
    c = cue.lower()
    cuts = tuple(c[:k] for k in range(1, len(c)) if not c[k].isalpha())
    return bool(cuts) and any(
        form.endswith(cuts) for entry in entries if entry != cue for form in (entry.lower(), entry.lower() + "s")
    )


_LABEL_PREDICATES = {f"{SKOS}prefLabel", f"{SKOS}altLabel", f"{SKOS}hiddenLabel"}


@dataclass(frozen=True, slots=True)
class Instrument:
    """One catalogued instrument and the facts the catalogue holds on it."""

    key: str
    name: str
    type: str
    labels: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    subjects: tuple[str, ...] = ()
    adopted_by: str | None = None
    adopted_pinpoint: str | None = None
    issued: str | None = None
    entry_into_force: str | None = None
    unts_volume: int | None = None
    unts_number: int | None = None
    parent: str | None = None
    publisher: str | None = None

    @property
    def head(self) -> str:
        """The noun an anaphor uses for it: "Convention", "Covenant" ..."""
        return self.type.capitalize()

    def unts(self) -> str | None:
        """'UNTS vol. 2220, No. 39481' when the catalogue has both numbers."""
        if self.unts_volume and self.unts_number:
            return f"UNTS vol. {self.unts_volume}, No. {self.unts_number}"
        return None


def normalise_label(label: str) -> str:
    """Case-, space-, quote- and dash-insensitive form of a name."""
    label = label.replace("\u2019", "'").replace("\u2018", "'")
    label = re.sub(r"[\u2010\u2011\u2013]", "-", label)
    return " ".join(label.lower().split())


# How one character of a label may be written in running text.
_CHAR_CLASSES = {
    " ": r"\s+",
    "'": "['\u2019\u2018]",
    "-": "[-\u2010\u2011\u2013]",
}


def _label_units(label: str) -> list[str]:
    """A label as a list of pattern units, one per character.

    The first letter of a word written in lower case may also be capitalised
    ("involvement of children" in a title is "Involvement of Children");
    a capital stays a capital, so "definition of aggression" as a topic is
    not the Definition of Aggression.
    """
    units = []
    words_start = False  # the first letter is written as the label has it (see name patterns)
    for ch in " ".join(label.split()):
        if ch in _CHAR_CLASSES:
            units.append(_CHAR_CLASSES[ch])
        elif words_start and ch.islower():
            units.append(f"[{ch}{ch.upper()}]")
        else:
            units.append(re.escape(ch))
        words_start = ch == " "
    return units


def trie_pattern(labels: Iterable[str]) -> str:
    """A regex alternation of labels, factored as a character trie.

    Labels sharing a prefix share its test, so a scan costs about the same
    with 50 names or 5,000; a longer label is tried before its prefix, so
    the longest name wins.

    >>> rx = re.compile(trie_pattern(["Convention against Torture", "Convention"]))
    >>> rx.match("Convention against\\nTorture").group(0)
    'Convention against\\nTorture'
    """
    end = ""
    trie: dict[str, dict] = {}
    for label in labels:
        node = trie
        for unit in _label_units(label):
            node = node.setdefault(unit, {})
        node[end] = {}

    def build(node: dict[str, dict]) -> str:
        alts = [unit + build(child) for unit, child in sorted(node.items()) if unit != end]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return f"(?:{body})?" if end in node else body

    return build(trie)


@dataclass(frozen=True)
class Catalogue:
    """The instruments, indexed for the finders."""

    instruments: dict[str, Instrument]
    source: str = ""
    _by_label: dict[str, str] = field(default_factory=dict, repr=False)
    _by_abbreviation: dict[str, str] = field(default_factory=dict, repr=False)
    _by_unts: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict, repr=False)
    _by_adoption: dict[str, tuple[tuple[str | None, str], ...]] = field(default_factory=dict, repr=False)
    _protocols: dict[str, tuple[Instrument, ...]] = field(default_factory=dict, repr=False)
    name_res: tuple[re.Pattern[str], ...] = field(default=(), repr=False)
    heads: frozenset[str] = frozenset()
    _lower_needles: tuple[str, ...] = field(default=(), repr=False)
    # The cue words (``unkg.cues``) the name pattern finds; a pattern for those a match may hold (looked
    # for inside the matches too); those a match may end inside (searched for); the names, abbreviations
    # and heads that hold no cue word (a match written as one of them is looked at no further).
    _cue_words: frozenset[str] = field(default=frozenset(), repr=False)
    _cue_inside_re: re.Pattern[str] | None = field(default=None, repr=False)
    _searched_cues: frozenset[str] = field(default=frozenset(), repr=False)
    _cue_free: frozenset[str] = field(default=frozenset(), repr=False)

    @classmethod
    def from_instruments(cls, instruments: Iterable[Instrument], source: str = "") -> Catalogue:
        """Index a set of instruments (the loader and the tests use this)."""
        table = {i.key: i for i in instruments}
        by_label: dict[str, str] = {}
        by_abbr: dict[str, str] = {}
        by_unts: dict[tuple[int, int], list[str]] = {}
        by_adoption: dict[str, list[tuple[str | None, str]]] = {}
        protocols: dict[str, list[Instrument]] = {}
        for inst in table.values():
            if inst.parent:
                protocols.setdefault(inst.parent, []).append(inst)
            for label in inst.labels:
                by_label.setdefault(normalise_label(label), inst.key)
            for abbr in inst.abbreviations:
                by_abbr.setdefault(abbr, inst.key)
            if inst.unts_volume and inst.unts_number:
                by_unts.setdefault((inst.unts_volume, inst.unts_number), []).append(inst.key)
            if inst.adopted_by:
                by_adoption.setdefault(inst.adopted_by, []).append((inst.adopted_pinpoint, inst.key))
        # Two patterns: names that open on a capital (most), and names that
        # open in lower case ("draft articles on ...") with their
        # capitalised form added to the first. A pattern whose every branch
        # opens on a literal letter lets the regex engine skip ahead fast.
        # The same pass finds the abbreviations and the head nouns of the
        # catalogue's instrument types ("Convention", "Covenants",
        # "Optional Protocol"), which anaphora resolve.
        labels = {" ".join(label.split()) for inst in table.values() for label in inst.labels}
        heads = {i.head for i in table.values()}
        heads |= {h + "s" for h in heads if not h.endswith("s")} | {"Optional Protocol", "Optional Protocols"}
        # A name opening on an ordinal ("fourth Geneva Convention", "second
        # Optional Protocol to ...") is found by the rest of its words, then
        # the word before is read (``scan``).
        ordinal = {lb for lb in labels if lb.split()[0].lower() in ORDINALS and " " in lb}
        remainders = {lb.split(" ", 1)[1] for lb in ordinal}
        upper = sorted({lb[0].upper() + lb[1:] for lb in (labels - ordinal) | remainders} | set(by_abbr) | heads)
        lower = sorted(lb for lb in labels - ordinal if lb[0].islower())
        entries = [*upper, *CUE_WORDS]  # what the first pattern may match (the second's run apart)
        searched_cues = frozenset(c for c in CUE_WORDS if _cue_cut(c, entries))
        cue_words = CUE_WORDS - searched_cues
        cues_inside = tuple(sorted(c for c in cue_words if _cue_inside(c, entries)))
        cue_free = frozenset(e for e in upper if e not in CUE_WORDS and not any(_cue_inside(c, [e]) for c in CUE_WORDS))
        upper = sorted({*upper, *cue_words})
        name_res = tuple(
            # "s?": a name with a stray plural ("... in Armed Conflicts") is still the name.
            re.compile("(?:" + trie_pattern(group) + r")s?(?![A-Za-z\-])")
            for group in (upper, lower)
            if group
        )
        # A cheap test before the second pattern runs: the longer of the
        # first two words of some lower-case name must occur in the text
        # ("articles" for "draft articles on ..." and "articles on ...").
        lower_needles = tuple(sorted({max(lb.split()[:2], key=len) for lb in lower}))
        return cls(
            instruments=table,
            source=source,
            _by_label=by_label,
            _by_abbreviation=by_abbr,
            _by_unts={k: tuple(v) for k, v in by_unts.items()},
            _by_adoption={k: tuple(v) for k, v in by_adoption.items()},
            _protocols={k: tuple(v) for k, v in protocols.items()},
            name_res=name_res,
            heads=frozenset(heads),
            _lower_needles=lower_needles,
            _cue_words=cue_words,
            _cue_inside_re=cue_pattern(cues_inside) if cues_inside else None,
            _searched_cues=searched_cues,
            _cue_free=cue_free,
        )

    def scan(self, text: str, cues: Cues | None = None) -> Iterator[tuple[int, int, str | None, str]]:
        """Names, abbreviations and type heads in ``text``, in one pass.

        Yields ``(start, end, key, what)``: ``what`` is "name" or
        "abbreviation" (``key`` is the instrument's), or "head" for a bare
        type noun such as "Convention" (``key`` is None: anaphora decide).
        Given an empty ``Cues()``, records in it where each cue word
        (``unkg.cues.CUE_WORDS``) stands, as searching the text for each
        would find them, once the scan is over.
        """
        if cues is not None:
            for word in sorted(self._searched_cues):
                for found in cue_pattern((word,)).finditer(text):
                    cues.add(word, found.start())
        patterns = self.name_res[:1]
        if len(self.name_res) > 1 and any(n in text for n in self._lower_needles):
            patterns = self.name_res
        cue_words, cue_free, inside = self._cue_words, self._cue_free, self._cue_inside_re
        for pattern in patterns:
            first = pattern is self.name_res[0]  # the one holding the cue words
            for m in pattern.finditer(text):
                start, end = m.start(), m.end()
                matched = m.group(0)
                if first and matched not in cue_free:
                    word = " ".join(matched.split())
                    if word not in cue_words and word[-1] == "s":
                        word = word[:-1]
                    if word in cue_words:
                        if cues is not None:
                            cues.add(word, start)
                        continue
                    if cues is not None and inside is not None:
                        # the match's end is no letter, as the text's: the pattern's look-ahead agrees
                        for inner in inside.finditer(text, start, end):
                            cues.add(inner.group("cue"), inner.start())
                if start and (text[start - 1].isalnum() or text[start - 1] in "-/._"):
                    continue
                # an ordinal ends on t, d, h or r, white space after it ("First Optional Protocol")
                before = text[max(0, start - 8) : start].rstrip()
                ordinal = (
                    ORDINAL_BEFORE_RE.search(text, max(0, start - 8), start)
                    if len(before) < min(8, start) and before[-1:].lower() in _ORDINAL_ENDS
                    else None
                )
                if ordinal:
                    key = self._by_label.get(normalise_label(f"{ordinal.group(1)} {matched}"))
                    if key:
                        yield ordinal.start(1), end, key, "name"
                        continue
                if matched in self.heads:
                    yield start, end, None, "head"
                elif matched in self._by_abbreviation:
                    if not ABBREVIATION_AFTER_RE.match(text, end):
                        yield start, end, self._by_abbreviation[matched], "abbreviation"
                else:
                    key = self._by_label.get(normalise_label(matched))
                    if key is None and matched.endswith("s"):
                        key = self._by_label.get(normalise_label(matched[:-1]))
                    if key:
                        yield start, end, key, "name"

    def __len__(self) -> int:
        return len(self.instruments)

    def __contains__(self, key: object) -> bool:
        return key in self.instruments

    def get(self, key: str) -> Instrument | None:
        """The instrument with that key, or None."""
        return self.instruments.get(key)

    def by_label(self, text: str) -> str | None:
        """The key whose name (any label) is ``text``."""
        return self._by_label.get(normalise_label(text))

    def by_abbreviation(self, text: str) -> str | None:
        """The key of a safe abbreviation."""
        return self._by_abbreviation.get(text)

    def by_unts(self, volume: int, number: int | None) -> tuple[str, ...]:
        """Keys registered in the Treaty Series under that volume (and number)."""
        if number is not None:
            return self._by_unts.get((volume, number), ())
        return tuple(k for (v, _), keys in self._by_unts.items() if v == volume for k in keys)

    def adopted_by(self, symbol: str, pinpoint: str | None = None) -> tuple[str, ...]:
        """Keys adopted by a resolution; with a pinpoint, those it fits.

        The pinpoint is matched on its annex ("annex I" fits "annex I" but
        not "annex II"); without an annex number in either, any annex fits.
        """
        entries = self._by_adoption.get(symbol, ())
        if pinpoint is None:
            return tuple(k for _, k in entries)
        want = _annex(pinpoint)
        return tuple(k for pin, k in entries if want is None or _annex(pin or "") in (want, None))

    def protocols_of(self, parent: str) -> tuple[Instrument, ...]:
        """The catalogued protocols whose parent is ``parent``."""
        return self._protocols.get(parent, ())


def _annex(pinpoint: str) -> str | None:
    m = re.search(r"annex\s+([IVX]+)\b", pinpoint)
    return m.group(1) if m else None


def _literal(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> str:
    return term.value if isinstance(term, (ox.Literal, ox.NamedNode)) else str(term)


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """Read a catalogue from Turtle (default: the bundled ``instruments.ttl``)."""
    path = Path(path) if path else default_catalogue_path()
    facts: dict[str, dict[str, list[str]]] = {}
    for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
        subject = triple.subject
        if not isinstance(subject, ox.NamedNode):
            continue
        facts.setdefault(subject.value, {}).setdefault(triple.predicate.value, []).append(_literal(triple.object))
    instruments = []
    iri_to_key = {iri: f[f"{SKOS}notation"][0] for iri, f in facts.items() if f"{SKOS}notation" in f}
    for iri, f in facts.items():
        if f"{UNKG}Instrument" not in f.get(RDF_TYPE, []):
            continue
        key = iri_to_key.get(iri, iri.rsplit("/", 1)[-1])
        name = (f.get(f"{SKOS}prefLabel") or [key])[0]
        labels = tuple(dict.fromkeys(v for p in _LABEL_PREDICATES for v in f.get(p, [])))

        def one(pred: str, f: dict[str, list[str]] = f) -> str | None:
            values = f.get(pred)
            return sorted(values)[0] if values else None

        vol, num = one(f"{UNKG}untsVolume"), one(f"{UNKG}untsNumber")
        parent = one(f"{DCTERMS}isPartOf")
        instruments.append(
            Instrument(
                key=key,
                name=name,
                type=one(f"{UNKG}instrumentType") or "instrument",
                labels=labels,
                abbreviations=tuple(sorted(f.get(f"{UNKG}abbreviation", []))),
                subjects=tuple(sorted(f.get(f"{UNKG}subjectLabel", []))),
                adopted_by=one(f"{UNKG}adoptedBy"),
                adopted_pinpoint=one(f"{UNKG}adoptedByPinpoint"),
                issued=one(f"{DCTERMS}issued"),
                entry_into_force=one(f"{UNKG}entryIntoForce"),
                unts_volume=int(vol) if vol else None,
                unts_number=int(num) if num else None,
                parent=iri_to_key.get(parent, parent.rsplit("/", 1)[-1]) if parent else None,
                publisher=one(f"{DCTERMS}publisher"),
            )
        )
    return Catalogue.from_instruments(instruments, source=str(path))


def default_catalogue_path() -> Path:
    """$UNKG_CATALOGUE, else the catalogue of a source checkout, else the package's copy."""
    if os.environ.get("UNKG_CATALOGUE"):
        return Path(os.environ["UNKG_CATALOGUE"])
    repo = Path(__file__).resolve().parents[2] / "ontology" / "instruments.ttl"
    if repo.is_file():
        return repo
    return Path(str(resources.files("unkg") / "data" / "ontology" / "instruments.ttl"))


@lru_cache(maxsize=4)
def default_catalogue() -> Catalogue:
    """The bundled catalogue, read once per process."""
    return load_catalogue()
