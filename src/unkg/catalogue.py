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
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox

UNKG = "https://w3id.org/unkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

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


def _token_pattern(token: str) -> str:
    out = []
    for ch in token:
        if ch == "'":
            out.append("['\u2019\u2018]")
        elif ch == "-":
            out.append("[-\u2010\u2011\u2013]\\s?")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def trie_pattern(phrases: Iterable[str]) -> str:
    """A regex alternation of word sequences, factored as a trie.

    Words are joined by ``\\s+`` so names match across line breaks; longer
    phrases are tried before their prefixes, so the longest name wins.

    >>> re.fullmatch(trie_pattern(["a b", "a b c"]), "a  b\\nc") is not None
    True
    """
    trie: dict[str, dict] = {}
    end = "\0"
    for phrase in phrases:
        node = trie
        for word in phrase.split():
            node = node.setdefault(word, {})
        node[end] = {}

    def build(node: dict[str, dict]) -> str:
        # A word that ends a phrase and also continues one: "word(?:\s+rest)?".
        alts = []
        for word, child in sorted(node.items()):
            if word == end:
                continue
            rest = {k: v for k, v in child.items() if k != end}
            token = _token_pattern(word)
            if rest:
                alts.append(f"{token}(?:\\s+{build(rest)})" + ("?" if end in child else ""))
            else:
                alts.append(token)
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie)


@dataclass(frozen=True)
class Catalogue:
    """The instruments, indexed for the finders."""

    instruments: dict[str, Instrument]
    source: str = ""
    _by_label: dict[str, str] = field(default_factory=dict, repr=False)
    _by_abbreviation: dict[str, str] = field(default_factory=dict, repr=False)
    _labels_by_norm: dict[str, tuple[str, ...]] = field(default_factory=dict, repr=False)
    _by_unts: dict[tuple[int, int], tuple[str, ...]] = field(default_factory=dict, repr=False)
    _by_adoption: dict[str, tuple[tuple[str | None, str], ...]] = field(default_factory=dict, repr=False)
    name_re: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False)
    abbreviation_re: re.Pattern[str] = field(default=re.compile(r"(?!)"), repr=False)

    @classmethod
    def from_instruments(cls, instruments: Iterable[Instrument], source: str = "") -> Catalogue:
        """Index a set of instruments (the loader and the tests use this)."""
        table = {i.key: i for i in instruments}
        by_label: dict[str, str] = {}
        labels_by_norm: dict[str, list[str]] = {}
        by_abbr: dict[str, str] = {}
        by_unts: dict[tuple[int, int], list[str]] = {}
        by_adoption: dict[str, list[tuple[str | None, str]]] = {}
        for inst in table.values():
            for label in inst.labels:
                by_label.setdefault(normalise_label(label), inst.key)
                labels_by_norm.setdefault(normalise_label(label), []).append(label)
            for abbr in inst.abbreviations:
                by_abbr.setdefault(abbr, inst.key)
            if inst.unts_volume and inst.unts_number:
                by_unts.setdefault((inst.unts_volume, inst.unts_number), []).append(inst.key)
            if inst.adopted_by:
                by_adoption.setdefault(inst.adopted_by, []).append((inst.adopted_pinpoint, inst.key))
        phrases = sorted(by_label)
        name_re = re.compile(
            r"(?<![\w\-])(?:" + trie_pattern(phrases) + r")(?![A-Za-z\-])", re.IGNORECASE
        ) if phrases else re.compile(r"(?!)")
        abbr_re = re.compile(
            r"(?<![\w/\-.])(?:" + "|".join(re.escape(a) for a in sorted(by_abbr, key=len, reverse=True))
            + r")(?![\w/\-]|\s+(?:Committee|Sub-?[Cc]ommittee|Working))"
        ) if by_abbr else re.compile(r"(?!)")
        return cls(
            instruments=table,
            source=source,
            _by_label=by_label,
            _by_abbreviation=by_abbr,
            _labels_by_norm={k: tuple(v) for k, v in labels_by_norm.items()},
            _by_unts={k: tuple(v) for k, v in by_unts.items()},
            _by_adoption={k: tuple(v) for k, v in by_adoption.items()},
            name_re=name_re,
            abbreviation_re=abbr_re,
        )

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

    def case_fits(self, text: str) -> bool:
        """True when ``text`` is capitalised as some label it matches.

        Names match case-insensitively (OCR and headings write them in
        capitals), but a capitalised word of the label must be capitalised
        in running text: "definition of aggression" is a topic, "Definition
        of Aggression" the instrument.
        """
        words = text.split()
        if text.upper() == text:
            return True
        for label in self._labels_by_norm.get(normalise_label(text), ()):
            if all(not lw[:1].isupper() or tw[:1].isupper() for lw, tw in zip(label.split(), words, strict=False)):
                return True
        return False

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
        return tuple(i for i in self.instruments.values() if i.parent == parent)


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
        instruments.append(Instrument(
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
        ))
    return Catalogue.from_instruments(instruments, source=str(path))


def default_catalogue_path() -> Path:
    """$UNKG_CATALOGUE, else the catalogue of a source checkout, else the package's copy."""
    if os.environ.get("UNKG_CATALOGUE"):
        return Path(os.environ["UNKG_CATALOGUE"])
    repo = Path(__file__).resolve().parents[2] / "ontology" / "instruments.ttl"
    if repo.is_file():
        return repo
    return Path(str(resources.files("unkg") / "data" / "instruments.ttl"))


@lru_cache(maxsize=4)
def default_catalogue() -> Catalogue:
    """The bundled catalogue, read once per process."""
    return load_catalogue()
