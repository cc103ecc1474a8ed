"""Build the registry file shipped in the package from the sources' CSV files.

Run it from a checkout, beside ``../shared``::

    python -m unkg.registry.build ../shared/registry

It reads the CSV files of the folder (``SOURCES`` says which, in the order their facts are
trusted), maps every spelling onto one canonical symbol (``unkg.registry.spelling``), keeps
for each document one value per fact with the file it came from, and writes
``src/unkg/registry/data/registry.jsonl.gz``: a header line (format version, each source's
rows and SHA-256, the series known complete, the spellings that could not be read) and one
JSON object per document, sorted by symbol. The file is byte-for-byte the same for the same
inputs (gzip without a time stamp), so a rebuild shows in ``git diff`` only when a source
changed. The CSV files themselves are not committed (their terms are in ``data/NOTICE``).

It is a module of the package rather than a script beside it because the normalisation it
applies is the one ``unkg.registry.lookup`` applies to what people type: one code path.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import hashlib
import io
import json
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from unkg.grammar import ordinal_to_int, symbol_kind
from unkg.registry.spelling import Spelled, Unparseable, document_symbol, igov_act, undl_symbol, voeten_symbol

FORMAT = 1
DATA = Path(__file__).parent / "data"
REGISTRY_FILE = DATA / "registry.jsonl.gz"

# The source files, most trusted first: a fact already given by an earlier file is kept.
SOURCES = (
    "ga-resolutions-78-80.csv",  # the adopted texts themselves (titles as printed)
    "ga-decisions-71-80.csv",
    "ga-drafts-79-80.csv",
    "undl-resolutions.csv",
    "unvotes-roll-calls.csv",
    "unvotes-roll-call-issues.csv",
    "cr-unsc-record-table.csv",
)
# Series the sources hold whole: "not in the registry" means "does not exist" only there.
# The UN Digital Library holds Security Council resolutions 1-2798 but for two
# (../shared/registry/README.md); those two are unknown, not absent.
COMPLETE = {"S/RES": {"from": 1, "to": 2798}}

_GA_TAIL = re.compile(
    r"\s*:\s*(?:\[question considered by[^\]]*\]\s*:\s*)?resol\w*\s*/?\s*(?:adopted\s+)?by\s+the\s+General\s+Ass\w*\.?\s*$",
    re.IGNORECASE,
)
_QUESTION_TAIL = re.compile(r"\s*:?\s*\[question considered by[^\]]*\]\s*$", re.IGNORECASE)
_SC_TITLE = re.compile(r"^Security Council resolution \d+ \(\d{4}\)\s*\[(?:on\s+)?(?P<what>.*)\]\s*$", re.DOTALL)
_NUMBER_PREFIX = re.compile(r"^\d{1,2}/\d{1,4}\s*[.:]\s*")
_MEETING = re.compile(
    r"^(?P<organ>[AS])/(?:(?P<session>(?:E?S-)?\d{1,2})/)?PV\.?\s*(?P<number>\d{1,5})(?:\s*\(Resumption\s*\d+\))?$"
)
_ITEM = re.compile(r"^(?:Item\s+)?(?P<number>\d{1,3})\s*(?:\(?(?P<letter>[a-z]{1,2})\)?)?$")
_ORDINAL_MEETING = re.compile(r"^(?P<number>\d{1,4})(?:st|nd|rd|th)?\s+plenary\s+meeting", re.IGNORECASE)


def clean_title(raw: str) -> str:
    """A title without the library's tails and numbering.

    >>> clean_title("Protection of migrants : resolution / adopted by the General Assembly")
    'Protection of migrants'
    >>> clean_title("Security Council resolution 165 (1961) [on admission of Sierra Leone to membership in the United Nations]")
    'Admission of Sierra Leone to membership in the United Nations'
    >>> clean_title("78/1. Political declaration of the high-level political forum")
    'Political declaration of the high-level political forum'
    """
    text = " ".join(raw.split())
    m = _SC_TITLE.match(text)
    if m:
        what = m["what"].strip()
        return what[:1].upper() + what[1:]
    text = _GA_TAIL.sub("", text)
    text = _QUESTION_TAIL.sub("", text)
    text = _NUMBER_PREFIX.sub("", text)
    return text.replace(" : ", ": ").strip().rstrip(".").strip()


def meeting_symbol(raw: str) -> str | None:
    """The symbol of a meeting record as the library writes it ("A/9/PV. 9", "S/PV.4213 (Resumption 1)").

    >>> meeting_symbol("A/53/PV.69"), meeting_symbol("A/9/PV. 12 (Resumption 1)"), meeting_symbol("S/PV9")
    ('A/53/PV.69', 'A/9/PV.12', 'S/PV.9')
    """
    m = _MEETING.match(raw.strip())
    if not m:
        return None
    session = f"{m['session']}/" if m["session"] else ""
    return f"{m['organ']}/{session}PV.{int(m['number'])}"


def agenda_item(raw: str) -> str | None:
    """An agenda item as the corpus spells it: '67 (b)'.

    >>> agenda_item("38a"), agenda_item("96(c)"), agenda_item("Item 13"), agenda_item("3 (a)")
    ('38 (a)', '96 (c)', '13', '3 (a)')
    """
    m = _ITEM.match(raw.strip())
    if not m:
        return None
    return m["number"] + (f" ({m['letter']})" if m["letter"] else "")


def iso_date(raw: str) -> str | None:
    """An ISO date from '2023-09-29' or '29 September 2023'."""
    text = raw.strip()
    for fmt in ("%Y-%m-%d", "%d %B %Y"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return None


def _int(raw: str) -> int | None:
    text = raw.strip()
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


class Builder:
    """The registry as it is built: one entry per canonical symbol, one value per fact."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.unparsed: list[dict[str, str]] = []
        self.rows: Counter[str] = Counter()

    def record(self, symbol: str) -> dict[str, Any]:
        """The entry of a symbol, made on first use."""
        if symbol not in self.records:
            self.records[symbol] = {"symbol": symbol, "kind": _kind(symbol), "facts": {}}
        return self.records[symbol]

    def fact(self, symbol: str, name: str, value: Any, source: str) -> None:
        """Set a fact unless a more trusted source gave it already (empty values are no facts)."""
        if value in (None, "", [], {}):
            return
        facts = self.record(symbol)["facts"]
        if name not in facts:
            facts[name] = [value, source]

    def part(self, symbol: str, part: str, facts: dict[str, Any], source: str) -> None:
        """The facts of one part (A, B ...) of a document adopted in parts."""
        parts = self.record(symbol).setdefault("parts", {})
        entry = parts.setdefault(part, {})
        for name, value in facts.items():
            if value not in (None, "", [], {}) and name not in entry:
                entry[name] = [value, source]

    def unreadable(self, raw: str, source: str, reason: str) -> None:
        """A spelling that could not be read, kept with its reason."""
        self.unparsed.append({"spelling": raw, "source": source, "reason": reason})


def _kind(symbol: str) -> str:
    kind = symbol_kind(symbol)
    if kind == "document" and "/L." in symbol:
        return "draft"
    return kind


def _read(folder: Path, name: str) -> Iterator[dict[str, str]]:
    with open(folder / name, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(f)


def read_ga_resolutions(b: Builder, rows: Iterator[dict[str, str]], source: str = "ga-resolutions-78-80.csv") -> None:
    """Sessions 78-80 as printed: title, adoption date, plenary meeting, report or draft, agenda items."""
    for row in rows:
        b.rows[source] += 1
        try:
            spelled = undl_symbol(row["symbol"])
        except Unparseable as exc:
            b.unreadable(row["symbol"], source, str(exc))
            continue
        symbol, session = spelled.symbol, spelled.symbol.split("/")[2]
        b.fact(symbol, "title", clean_title(row["title"]), source)
        b.fact(symbol, "date", iso_date(row["adoption_date"]), source)
        if row["plenary_meeting"].strip().isdigit():
            b.fact(symbol, "meeting", f"A/{session}/PV.{int(row['plenary_meeting'])}", source)
        basis = row["basis"].strip()
        if basis:
            b.fact(symbol, "committee", basis[0].upper() + basis[1:], source)
        if row["draft_or_report"].strip():
            try:
                doc = document_symbol(row["draft_or_report"])
            except Unparseable:
                doc = None
            if doc:
                b.fact(symbol, "draft" if "/L." in doc else "report", doc, source)
        items = [agenda_item(i) for i in re.findall(r"Item\s+\d+(?:\s*\([a-z]\))?", row["agenda_items"])]
        b.fact(symbol, "agenda_item", "; ".join(i for i in items if i), source)


def read_ga_decisions(b: Builder, rows: Iterator[dict[str, str]], source: str = "ga-decisions-71-80.csv") -> None:
    """GA decisions: title, date, plenary meeting, agenda item, the body that adopted it."""
    for row in rows:
        b.rows[source] += 1
        try:
            spelled = igov_act(row["decision"], "decision")
        except Unparseable as exc:
            b.unreadable(row["decision"], source, str(exc))
            continue
        symbol, session = spelled.symbol, spelled.symbol.split("/")[2]
        b.fact(symbol, "title", clean_title(row["title"]), source)
        b.fact(symbol, "date", iso_date(row["date"]), source)
        body = " ".join(row["body"].split())
        m = _ORDINAL_MEETING.match(row["meeting"].strip())
        if m and "plenary" in body.lower():
            b.fact(symbol, "meeting", f"A/{session}/PV.{int(m['number'])}", source)
        b.fact(symbol, "body", body, source)
        b.fact(symbol, "agenda_item", agenda_item(row["agenda_item"]), source)
        if spelled.part:
            b.fact(symbol, "parts", spelled.part, source)


def read_ga_drafts(b: Builder, rows: Iterator[dict[str, str]], source: str = "ga-drafts-79-80.csv") -> None:
    """GA drafts: the draft itself, and for the resolution adopted from it its draft, report, date, meeting, votes."""
    for row in rows:
        b.rows[source] += 1
        if row["draft"].strip() in ("", "_"):
            b.unreadable(row["draft"], source, "no draft symbol")
            continue
        try:
            draft = document_symbol(row["draft"])
        except Unparseable as exc:
            b.unreadable(row["draft"], source, str(exc))
            continue
        report = None
        if re.search(r"\bD[RD]\b", row["draft"]):  # "A/79/541 DR": a draft printed in a committee's report
            report, draft = draft, None
        else:
            b.fact(draft, "title", clean_title(row["title"]), source)
            b.fact(draft, "body", " ".join(row["body"].split()), source)
            b.fact(draft, "agenda_item", agenda_item(row["agenda_item"]), source)
            b.fact(draft, "sponsors", " ".join(row["main_sponsors"].split()), source)
            session = ordinal_to_int(row["session"].title())
            if session:
                b.fact(draft, "session", session, source)
            if row["status"].strip():
                b.fact(draft, "status", row["status"].strip(), source)
        if row["committee_adoption_doc"].strip():
            try:
                report = document_symbol(row["committee_adoption_doc"])
            except Unparseable:
                report = None
        if not row["adoption_doc"].strip() or row["adoption_doc"].strip() == "TBC":
            continue
        try:
            adopted = igov_act(row["adoption_doc"], "resolution")
        except Unparseable as exc:
            b.unreadable(row["adoption_doc"], source, str(exc))
            continue
        res, res_session = adopted.symbol, adopted.symbol.split("/")[2]
        if draft:
            b.fact(draft, "adopted_as", res, source)
            b.fact(res, "draft", draft, source)
        b.fact(res, "report", report, source)
        b.fact(res, "date", iso_date(row["adoption_date"]), source)
        if row["adoption_meeting"].strip().isdigit():
            b.fact(res, "meeting", f"A/{res_session}/PV.{int(row['adoption_meeting'])}", source)
        b.fact(res, "agenda_item", agenda_item(row["agenda_item"]), source)
        votes = {k: _int(row[k]) for k in ("yes", "no", "abstain")}
        if any(v is not None for v in votes.values()):
            b.fact(res, "votes", {**votes, "recorded": True}, source)


def _undl_agenda(symbol: str, raw: str) -> tuple[str | None, str | None, list[str]]:
    """(agenda item, agenda title, subject headings) of the library's agenda field."""
    item = title = None
    subjects: list[str] = []
    for entry in (e.strip() for e in raw.split(" | ")):
        m = re.match(r"^[AS]/\S*\s+\[(?P<n>\d+)\]\s+(?P<subject>.+)$", entry)
        if m:
            subjects.append(m["subject"].strip())
            continue
        m = re.match(r"^S/\S*\s+X\s+(?P<text>.+)$", entry)
        if m:
            title = title or m["text"].strip().rstrip(".")
            continue
        m = re.match(r"^A/\S+\s+(?P<item>\d{1,3}[a-z]?)\s+(?P<text>.+)$", entry)
        if m and item is None:
            item = agenda_item(m["item"])
            text = m["text"].strip()
            text = re.sub(r"\.\s+[A-Z0-9][A-Z0-9 ,'()\-]+$", "", text)  # the library's heading in capitals
            title = text.strip().lstrip("[").rstrip("].").strip()
    return item, title, subjects if symbol.startswith("S/") else []


def read_undl(b: Builder, rows: Iterator[dict[str, str]], source: str = "undl-resolutions.csv") -> dict[int, str]:
    """The Digital Library's voting records; returns the Roman session of each Roman-era number it holds."""
    roman_of: dict[int, str] = {}
    by_symbol: dict[str, list[tuple[Spelled, dict[str, str]]]] = defaultdict(list)
    for row in rows:
        b.rows[source] += 1
        try:
            spelled = undl_symbol(row["symbol"])
        except Unparseable as exc:
            b.unreadable(row["symbol"] or f"(no symbol; record {row['undl_id']})", source, str(exc))
            continue
        by_symbol[spelled.symbol].append((spelled, row))
        m = re.match(r"^A/RES/(\d+)\(([IVXLC]+)\)$", spelled.symbol)
        if m:
            roman_of[int(m.group(1))] = m.group(2)
    for symbol, entries in by_symbol.items():
        titles = Counter(clean_title(row["title"]) for _, row in entries)
        first = entries[0][1]
        b.fact(symbol, "title", titles.most_common(1)[0][0], source)
        b.fact(symbol, "date", iso_date(first["date"]), source)
        b.fact(symbol, "meeting", meeting_symbol(first["meeting"]), source)
        reports = [r for r in (first["committee_report"] or "").split(" | ") if r.strip()]
        if reports:
            with contextlib.suppress(Unparseable):
                b.fact(symbol, "report", document_symbol(reports[0]), source)
        item, agenda, subjects = _undl_agenda(symbol, first["agenda"])
        b.fact(symbol, "agenda_item", item, source)
        b.fact(symbol, "agenda", agenda, source)
        b.fact(symbol, "subjects", subjects, source)
        b.fact(symbol, "record", f"https://digitallibrary.un.org/record/{first['undl_id']}", source)
        if len(entries) == 1 and entries[0][0].part is None:  # else each part has its own vote
            b.fact(symbol, "votes", _votes(first), source)
        for spelled, row in entries:
            if spelled.part is None:
                continue
            b.part(
                symbol,
                spelled.part,
                {"title": clean_title(row["title"]), "date": iso_date(row["date"]), "votes": _votes(row)},
                source,
            )
    return roman_of


def _votes(row: dict[str, str]) -> dict[str, Any] | None:
    recorded = row["recorded"].strip() == "True"
    counts = {k: _int(row[k]) for k in ("yes", "no", "abstain")}
    if not recorded and all(v is None for v in counts.values()):
        return {"recorded": False}
    return {**counts, "recorded": recorded}


def read_unvotes(
    b: Builder,
    rows: Iterator[dict[str, str]],
    issues: dict[str, list[str]],
    roman_of: dict[int, str],
    source: str = "unvotes-roll-calls.csv",
    issues_source: str = "unvotes-roll-call-issues.csv",
) -> None:
    """Voeten's roll calls: the number of roll calls on each resolution, its issues, and the date of the final vote."""
    calls: Counter[str] = Counter()
    for row in rows:
        b.rows[source] += 1
        if not row["unres"].strip():
            b.unreadable(f"(no resolution; roll call {row['rcid']})", source, "no resolution number")
            continue
        try:
            spelled = voeten_symbol(row["unres"], roman_of)
        except Unparseable as exc:
            b.unreadable(row["unres"], source, str(exc))
            continue
        symbol = spelled.symbol
        calls[symbol] += 1
        if row["amend"].strip() in ("0", "") and row["para"].strip() in ("0", "") and spelled.part is None:
            b.fact(symbol, "date", iso_date(row["date"]), source)
        for code in issues.get(row["rcid"], []):
            codes = b.record(symbol)["facts"].setdefault("issues", [[], issues_source])[0]
            if code not in codes:
                codes.append(code)
    for symbol, n in calls.items():
        b.fact(symbol, "roll_calls", n, source)
    for record in b.records.values():
        if "issues" in record["facts"]:
            record["facts"]["issues"][0].sort()


def read_cr_unsc(b: Builder, rows: Iterator[dict[str, str]], source: str = "cr-unsc-record-table.csv") -> None:
    """CR-UNSC: the library record of each Security Council resolution, by number."""
    by_number = {int(s.split("/")[2].split("(")[0]): s for s in b.records if s.startswith("S/RES/")}
    for row in rows:
        b.rows[source] += 1
        number = _int(row["res_no"])
        symbol = by_number.get(number) if number else None
        if symbol is None:
            b.unreadable(row["res_no"], source, "a resolution number without its year, and no other source gives it")
            continue
        b.fact(symbol, "record", row["url_record"].strip(), source)


def build(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The registry's header and records from the CSV files in ``folder``."""
    b = Builder()
    read_ga_resolutions(b, _read(folder, "ga-resolutions-78-80.csv"))
    read_ga_decisions(b, _read(folder, "ga-decisions-71-80.csv"))
    read_ga_drafts(b, _read(folder, "ga-drafts-79-80.csv"))
    roman_of = read_undl(b, _read(folder, "undl-resolutions.csv"))
    issues: dict[str, list[str]] = defaultdict(list)
    for row in _read(folder, "unvotes-roll-call-issues.csv"):
        b.rows["unvotes-roll-call-issues.csv"] += 1
        issues[row["rcid"]].append(row["short_name"])
    read_unvotes(b, _read(folder, "unvotes-roll-calls.csv"), issues, roman_of)
    read_cr_unsc(b, _read(folder, "cr-unsc-record-table.csv"))
    sc_numbers = {int(s.split("/")[2].split("(")[0]) for s in b.records if s.startswith("S/RES/")}
    complete = {
        series: {**span, "missing": [n for n in range(span["from"], span["to"] + 1) if n not in sc_numbers]}
        for series, span in COMPLETE.items()
    }
    header = {
        "registry": FORMAT,
        "sources": {
            name: {"rows": b.rows[name], "sha256": hashlib.sha256((folder / name).read_bytes()).hexdigest()}
            for name in SOURCES
        },
        "complete": complete,
        "unparsed": sorted(b.unparsed, key=lambda u: (u["source"], u["spelling"])),
    }
    records = [b.records[s] for s in sorted(b.records, key=_sort_key)]
    return header, records


def _sort_key(symbol: str) -> tuple[Any, ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", symbol))


def write(header: dict[str, Any], records: list[dict[str, Any]], path: Path = REGISTRY_FILE) -> int:
    """Write the registry as gzipped JSON Lines (no time stamp: the same input gives the same bytes); returns its size."""
    text = io.StringIO()
    for obj in (header, *records):
        text.write(json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n")
    data = gzip.compress(text.getvalue().encode("utf-8"), compresslevel=9, mtime=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return len(data)


def main(argv: list[str] | None = None) -> int:
    """``python -m unkg.registry.build FOLDER``: build the registry file from the CSV files in FOLDER."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else Path(__file__).resolve().parents[4].parent / "shared" / "registry"
    missing = [name for name in SOURCES if not (folder / name).is_file()]
    if missing:
        print(f"unkg.registry.build: {folder}: missing {', '.join(missing)}", file=sys.stderr)
        return 2
    header, records = build(folder)
    size = write(header, records)
    facts = sum(len(r["facts"]) for r in records)
    print(
        f"{REGISTRY_FILE}: {len(records)} documents, {facts} facts, {len(header['unparsed'])} spellings "
        f"not read, {size:,} bytes"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
