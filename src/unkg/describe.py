"""What a document's text leaves unsaid, from outside it: a file-name pattern and a sidecar table.

A general debate statement (``Session 63 - 2008/QAT_63_2008.txt``) states
no symbol, date or session in its text; its file name tells session and
year. ``describe(extraction, describer)`` fills the extraction's identity
and metadata from

- a **name pattern** (``--name-pattern '{country}_{session}_{year}.txt'``):
  fields read from the file's name (the pattern reversed by the ``parse``
  library: a Python format string, ``{name}`` or ``{name:d}`` fields, literal
  text matched without regard to case); a pattern with ``/`` is matched
  against as many of the path's last parts;
- a **sidecar** table (``--metadata FILE``, CSV, TSV or JSON Lines): one row
  per document, matched to a file by its ``file``/``path``/``name`` column
  (a base name or the path's last parts) or else by its ``symbol`` column (the
  symbol the extractor found in the text).

Fields with a meaning (``FIELDS``): ``symbol`` (made canonical by
``unkg.grammar``; ``A_RES_78_1`` reads as ``A/RES/78/1``), ``year``,
``date``/``adoption_date`` (ISO, or as UN texts write dates: "29 September
2023"), ``session``, ``title``, ``organ``, ``country``,
``meeting``/``plenary_meeting``. Other fields are kept as metadata under
their own names.

Precedence: the text wins. A symbol the text gives is kept; a sidecar's or a
name's that differs is recorded in ``metadata_note``. The sidecar, then the
name, fill only what the text left empty. Every fact so taken is named in
``metadata_fields`` and its origin in ``metadata_source`` ("sidecar
metadata.csv", "name pattern '{country}_{session}_{year}.txt'");
``rdf.description_quads`` says the same in the graph (``dcterms:source`` a
``unkg:MetadataSource``, and a ``skos:editorialNote``).
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath

import parse as _parse

from unkg import grammar as g
from unkg import iri
from unkg.check import recheck
from unkg.errors import UsageError
from unkg.models import Extraction
from unkg.registry import default_registry
from unkg.structure import MONTHS

# Column or field name -> the metadata key it fills.
FIELDS = {
    "symbol": "symbol",
    "year": "year",
    "date": "date",
    "adoption_date": "date",
    "session": "session",
    "title": "title",
    "organ": "organ",
    "country": "country",
    "meeting": "meeting",
    "plenary_meeting": "meeting",
}
# The columns that match a sidecar's row to a file.
FILE_COLUMNS = ("file", "path", "name")
# Keys the description itself writes, and keys no field may fill.
PROVENANCE_KEYS = ("metadata_source", "metadata_fields", "metadata_note")
RESERVED = frozenset({*PROVENANCE_KEYS, "encoding", "language", "pages", "symbol_as_written"})
# Organ names a sidecar may write, to the codes rdf.ORGANS knows.
ORGAN_NAMES = {
    "general assembly": "GA",
    "security council": "SC",
    "economic and social council": "ECOSOC",
    "human rights council": "HRC",
    "commission on human rights": "CHR",
    "sub-commission": "SUBCOM",
    "trusteeship council": "TC",
}
ORGAN_CODES = frozenset(ORGAN_NAMES.values())

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\s+([A-Za-z]+)\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\s+(\d{1,2}),?\s+(\d{4})$")
_YEAR = re.compile(r"^\d{4}$")
_NUMBER = re.compile(r"^0*(\d{1,4})(?:st|nd|rd|th)?$", re.IGNORECASE)


def iso_date(value: str) -> str | None:
    """An ISO date from ``2023-09-29``, ``29 September 2023`` or ``September 29, 2023``; None otherwise.

    >>> iso_date("29 September 2023"), iso_date("2008-09-24"), iso_date("Sept. 2023")
    ('2023-09-29', '2008-09-24', None)
    """
    text = " ".join(value.split())
    m = _ISO_DATE.match(text)
    if m:
        year, month, day = (int(x) for x in m.groups())
    else:
        m = _DAY_MONTH_YEAR.match(text)
        n = _MONTH_DAY_YEAR.match(text) if not m else None
        if m:
            day, name, year = int(m.group(1)), m.group(2).title(), int(m.group(3))
        elif n:
            name, day, year = n.group(1).title(), int(n.group(2)), int(n.group(3))
        else:
            return None
        if name not in MONTHS:
            return None
        month = MONTHS[name]
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


def ordinal(n: int) -> str:
    """``15`` -> ``15th``, ``81`` -> ``81st``, ``12`` -> ``12th``."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def canonical(value: str) -> str | None:
    """The canonical symbol a field gives, or None when no UN symbol is read there.

    A file name cannot hold ``/``: a symbol written with ``_`` instead is read too.

    >>> canonical("A_RES_78_1"), canonical("S/RES/1325 (2000)"), canonical("QAT")
    ('A/RES/78/1', 'S/RES/1325(2000)', None)
    """
    text = value.strip()
    if "/" not in text:
        text = text.replace("_", "/")
    found = g.parse_symbols(text)
    if len(found) == 1 and found[0].start == 0 and not text[found[0].end :].strip():
        return found[0].targets[0]
    return None


def normalise(row: Mapping[str, object]) -> tuple[dict[str, str], list[str]]:
    """(metadata keys and values, notes on values that could not be used) of one row or name's fields."""
    out: dict[str, str] = {}
    notes: list[str] = []
    for raw_key, raw_value in row.items():
        key = str(raw_key).strip()
        if raw_value is None or key.lower() in FILE_COLUMNS:
            continue
        if isinstance(raw_value, list | tuple):
            value = "; ".join(str(v) for v in raw_value)
        else:
            value = " ".join(str(raw_value).split())
        if not value or not key:
            continue
        meaning = FIELDS.get(key.lower())
        if meaning is None:
            if key not in RESERVED and key not in out:
                out[key] = value
            continue
        if meaning == "symbol":
            symbol = canonical(value)
            if symbol is None:
                notes.append(f"symbol {value!r} is not a UN document symbol")
            else:
                out["symbol"] = symbol
        elif meaning == "year":
            if _YEAR.match(value):
                out["year"] = value
            else:
                notes.append(f"year {value!r} is not a year")
        elif meaning == "date":
            date = iso_date(value)
            if date is None:
                notes.append(f"date {value!r} is not a date")
            else:
                out["date"] = date
        elif meaning == "session":
            m = _NUMBER.match(value)
            if m:
                out["session"] = m.group(1)
            else:
                notes.append(f"session {value!r} is not a number")
        elif meaning == "meeting":
            m = _NUMBER.match(value)
            if m and key.lower() == "plenary_meeting":
                out["meeting"] = f"{ordinal(int(m.group(1)))} plenary meeting"
            else:
                out["meeting"] = value
        elif meaning == "organ":
            code = value.upper() if value.upper() in ORGAN_CODES else ORGAN_NAMES.get(value.lower())
            if code is None:
                notes.append(f"organ {value!r} is none of {', '.join(sorted(ORGAN_CODES))}")
            else:
                out["organ"] = code
        else:
            out[meaning] = value
    if "year" not in out and "date" in out:
        out["year"] = out["date"][:4]
    return out, notes


# --------------------------------------------------------------------------
# Where the facts come from.
@functools.lru_cache(maxsize=8)
def _compiled(pattern: str) -> _parse.Parser:
    return _parse.compile(pattern)


@dataclass(frozen=True)
class NamePattern:
    """Fields read from a file's name: ``NamePattern('{country}_{session}_{year}.txt')``.

    >>> NamePattern("{country}_{session}_{year}.txt").fields("Session 63 - 2008/QAT_63_2008.txt")
    {'country': 'QAT', 'session': '63', 'year': '2008'}
    >>> NamePattern("{country}_{session}_{year}.txt").fields("notes.md") is None
    True
    """

    pattern: str

    def __post_init__(self) -> None:
        try:
            parser = _compiled(self.pattern)
        except (ValueError, KeyError, re.error) as exc:
            raise UsageError(f"--name-pattern {self.pattern!r}: not a pattern ({exc})") from None
        if not parser.named_fields:
            raise UsageError(
                f"--name-pattern {self.pattern!r}: no named field; write fields as {{name}}, "
                f"such as {{country}}_{{session}}_{{year}}.txt"
            )

    @property
    def label(self) -> str:
        """How the facts it gives are credited: ``name pattern '{country}_{session}_{year}.txt'``."""
        return f"name pattern '{self.pattern}'"

    @property
    def iri(self) -> str:
        """The IRI of this pattern as a metadata source (derived from its text)."""
        return iri.metadata_source("pattern", hashlib.sha256(self.pattern.encode("utf-8")).hexdigest())

    def fields(self, path: str) -> dict[str, str] | None:
        """The fields of a file's name (the pattern's last parts, when it holds ``/``), or None when it does not match."""
        if path == "-":
            return None
        depth = self.pattern.count("/") + 1
        parts = PurePath(path.replace(os.sep, "/")).parts
        name = "/".join(parts[-depth:])
        result = _compiled(self.pattern).parse(name)
        if not isinstance(result, _parse.Result):
            return None
        return {k: str(v) for k, v in result.named.items()}


def _parts(path: str) -> tuple[str, ...]:
    return tuple(p for p in PurePath(path.replace("\\", "/")).parts if p not in ("/", "."))


@dataclass(frozen=True)
class Sidecar:
    """A table of documents' metadata, one row per document: ``Sidecar.load('metadata.csv')``."""

    path: str
    sha256: str
    by_file: dict[tuple[str, ...], dict[str, object]] = field(default_factory=dict)
    by_symbol: dict[str, dict[str, object]] = field(default_factory=dict)
    rows: int = 0

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Sidecar:
        """Read a CSV, TSV or JSON Lines sidecar; raises ``UsageError`` for one that cannot be used."""
        name = os.fspath(path)
        try:
            data = Path(name).read_bytes()
        except OSError as exc:
            raise UsageError(f"--metadata {name}: cannot be read ({exc.strerror or exc})") from None
        text = data.decode("utf-8-sig", errors="replace")
        rows = list(_rows(name, text))
        by_file: dict[tuple[str, ...], dict[str, object]] = {}
        by_symbol: dict[str, dict[str, object]] = {}
        keyed = 0
        for row in rows:
            lower = {str(k).strip().lower(): v for k, v in row.items()}
            file_value = next((str(lower[c]).strip() for c in FILE_COLUMNS if lower.get(c)), "")
            symbol = canonical(str(lower["symbol"])) if lower.get("symbol") else None
            if file_value:
                by_file.setdefault(_parts(file_value), row)
            if symbol:
                by_symbol.setdefault(symbol, row)
            keyed += bool(file_value or symbol)
        if rows and not keyed:
            raise UsageError(
                f"--metadata {name}: no row has a file, path, name or symbol column to match it to a document"
            )
        return cls(name, hashlib.sha256(data).hexdigest(), by_file, by_symbol, len(rows))

    @property
    def label(self) -> str:
        """How the facts it gives are credited: ``sidecar metadata.csv``."""
        return f"sidecar {PurePath(self.path).name}"

    @property
    def iri(self) -> str:
        """The IRI of this sidecar as a metadata source (derived from its bytes)."""
        return iri.metadata_source("sidecar", self.sha256)

    def row(self, path: str, symbol: str | None) -> dict[str, object] | None:
        """The row of a file: by its path's last parts (longest first), else by the symbol of its text."""
        if path != "-" and self.by_file:
            parts = _parts(path)
            for i in range(len(parts)):
                found = self.by_file.get(parts[i:])
                if found is not None:
                    return found
        if symbol:
            return self.by_symbol.get(symbol)
        return None


def _rows(name: str, text: str) -> Iterable[dict[str, object]]:
    stripped = text.lstrip()
    if name.lower().endswith((".jsonl", ".ndjson", ".json")) or stripped.startswith("{"):
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UsageError(f"--metadata {name}: line {number} is not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise UsageError(f"--metadata {name}: line {number} is not a JSON object")
            yield row
        return
    delimiter = "\t" if name.lower().endswith(".tsv") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames:
        return
    for row in reader:
        yield {k: v for k, v in row.items() if k is not None}


# --------------------------------------------------------------------------
# Describing.
@dataclass(frozen=True)
class Describer:
    """A sidecar and a name pattern, either optional; called on an Extraction, it gives it described.

    It is sent to the worker processes (pickled), so it holds plain data only.
    """

    sidecar: Sidecar | None = None
    name_pattern: NamePattern | None = None

    @classmethod
    def from_options(cls, metadata: str | None, name_pattern: str | None) -> Describer | None:
        """The describer of ``--metadata`` and ``--name-pattern``; None when neither is given."""
        if not metadata and not name_pattern:
            return None
        return cls(Sidecar.load(metadata) if metadata else None, NamePattern(name_pattern) if name_pattern else None)

    @property
    def sources(self) -> dict[str, str]:
        """label -> IRI of each source of facts, in precedence order (sidecar, then name)."""
        return {s.label: s.iri for s in (self.sidecar, self.name_pattern) if s is not None}

    def __call__(self, extraction: Extraction) -> Extraction:
        """The extraction with its identity and metadata filled (see :func:`describe`)."""
        return describe(extraction, self)


def describe(extraction: Extraction, describer: Describer) -> Extraction:
    """``extraction`` with what its text left empty filled from the sidecar, then the name.

    >>> from unkg.extract import extract_text
    >>> e = describe(extract_text("Recalling resolution 60/169,", "Session 63 - 2008/QAT_63_2008.txt"),
    ...              Describer(name_pattern=NamePattern("{country}_{session}_{year}.txt")))
    >>> e.symbol, e.metadata["year"], e.metadata["session"], e.metadata["country"], e.metadata["metadata_fields"]
    (None, '2008', '63', 'QAT', 'country, session, year')
    """
    if extraction.errors or extraction.sha256 is None:
        return extraction
    found: list[tuple[str, dict[str, object]]] = []
    fields = describer.name_pattern.fields(extraction.source) if describer.name_pattern is not None else None
    if describer.sidecar is not None:
        # by the file, else by the text's symbol, else by the symbol the name gives
        named = canonical(fields["symbol"]) if fields and fields.get("symbol") else None
        row = describer.sidecar.row(extraction.source, extraction.symbol or named)
        if row is not None:
            found.append((describer.sidecar.label, row))
    if describer.name_pattern is not None and fields is not None:
        found.append((describer.name_pattern.label, dict(fields)))
    if not found:
        return extraction
    symbol = extraction.symbol
    metadata = dict(extraction.metadata)
    taken: dict[str, list[str]] = {}
    notes: list[str] = []
    for label, raw in found:
        facts, problems = normalise(raw)
        notes += [f"{label}: {p}" for p in problems]
        keys: list[str] = []
        for key, value in facts.items():
            if key == "symbol":
                if symbol is None:
                    symbol = value
                    keys.append(key)
                elif value != symbol:
                    notes.append(f"{label} gives the symbol {value}; the text's, {symbol}, is kept")
                continue
            if key == "year" and metadata.get("date") and metadata["date"][:4] != value and "date" not in keys:
                notes.append(f"{label} gives the year {value}; the text's date is {metadata['date']}")
                continue
            if metadata.get(key):
                if key == "date" and metadata[key] != value:
                    notes.append(f"{label} gives the date {value}; the text's, {metadata[key]}, is kept")
                continue
            metadata[key] = value
            keys.append(key)
        if keys:
            taken[label] = keys
    if taken:
        metadata["metadata_source"] = "; ".join(taken)
        metadata["metadata_fields"] = ", ".join(k for keys in taken.values() for k in keys)
        if len(taken) > 1:
            metadata["metadata_source"] = "; ".join(f"{label} ({', '.join(keys)})" for label, keys in taken.items())
    if notes:
        metadata["metadata_note"] = "; ".join(notes)
    described = replace(extraction, symbol=symbol, metadata=metadata)
    if taken:  # what the text alone could not tell: the document's own symbol, its year
        described = recheck(described, default_registry())
    return described
