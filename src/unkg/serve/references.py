"""A work's citations as files a scholar takes away: CSV (every citation), RIS and CSL-JSON (the other works,
one reference each, for Zotero, EndNote, Mendeley and citation processors).

RIS is the tagged format every reference manager imports; CSL-JSON is the input of citeproc (Pandoc,
Zotero's own engine). A UN document is a report in CSL (``number`` its symbol, ``authority`` its organ)
and a government document (``GOVDOC``) in RIS; an instrument is a ``treaty`` in CSL and a statute
(``STAT``, RIS has no treaty type) in RIS. The quotes of a work in the exported side go into the
reference's note, so a scholar keeps where each was found.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from unkg import iri

CSV_COLUMNS = (
    "citing", "citing_title", "citing_date", "cited", "cited_title", "cited_date", "paragraph", "footnote",
    "function", "quote", "before", "after", "start", "citation",
)  # fmt: skip
MEDIA = {"csv": "text/csv; charset=utf-8", "ris": "application/x-research-info-systems", "csl-json": "application/vnd.citationstyles.csl+json"}
SUFFIX = {"csv": "csv", "ris": "ris", "csl-json": "json"}


def _sides(subject: dict[str, Any], work: dict[str, Any], direction: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return (subject, work) if direction == "cites" else (work, subject)


def to_csv(answer: dict[str, Any], direction: str) -> str:
    """One row per citation, the citing and cited works named, the quote with the words around it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in answer["rows"]:
        citing, cited = _sides(answer["subject"], row["work"], direction)
        writer.writerow([
            citing.get("name"), citing.get("title") or "", citing.get("date") or citing.get("year") or "",
            cited.get("name"), cited.get("title") or "", cited.get("date") or cited.get("year") or "",
            row.get("paragraph") or "", row.get("footnote") or "", row.get("verb") or "", row.get("text") or "",
            row.get("before") or "", row.get("after") or "", row.get("start") or "", row.get("c") or "",
        ])  # fmt: skip
    return out.getvalue()


def _works(answer: dict[str, Any]) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """The other works of the export, in order of first citation, each with its citations."""
    order: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {}
    for row in answer["rows"]:
        key = str(row["work"]["iri"])
        order.setdefault(key, (row["work"], []))[1].append(row)
    return list(order.values())


def _note(citations: list[dict[str, Any]], direction: str, subject: str) -> str:
    verb = "cited in" if direction == "cites" else "cites"
    quotes = "; ".join(
        f"{c.get('paragraph') or '?'}: \"{c.get('text') or ''}\"" for c in citations[:20]
    ) + ("; ..." if len(citations) > 20 else "")
    return f"unkg: {verb} {subject} ({len(citations)}x): {quotes}"


def _url(work: dict[str, Any]) -> str:
    return iri.undocs(work["symbol"]) if work.get("symbol") else str(work["iri"])


def _is_instrument(work: dict[str, Any]) -> bool:
    return str(work["iri"]).startswith(iri.INSTRUMENT)


def to_ris(answer: dict[str, Any], direction: str) -> str:
    """One RIS record per other work."""
    lines: list[str] = []
    subject = answer["subject"]["name"]
    for work, citations in _works(answer):
        lines.append("TY  - " + ("STAT" if _is_instrument(work) else "GOVDOC"))
        lines.append(f"TI  - {work.get('title') or work['name']}")
        lines.append("AU  - United Nations")
        if work.get("symbol"):
            lines.append(f"CN  - {work['symbol']}")
        elif work.get("key"):
            lines.append(f"CN  - {work['key']}")
        if work.get("year"):
            lines.append(f"PY  - {work['year']}")
        if work.get("date"):
            lines.append(f"DA  - {str(work['date']).replace('-', '/')}")
        lines.append("PB  - United Nations")
        lines.append(f"UR  - {_url(work)}")
        lines.append(f"N1  - {_note(citations, direction, subject)}")
        lines.append(f"ID  - {work['iri']}")
        lines.append("ER  - ")
        lines.append("")
    return "\r\n".join(lines)


def _date_parts(work: dict[str, Any]) -> dict[str, Any] | None:
    date = str(work.get("date") or "")
    if len(date) >= 10 and date[:4].isdigit():
        return {"date-parts": [[int(date[:4]), int(date[5:7]), int(date[8:10])]]}
    if work.get("year") and str(work["year"])[:4].isdigit():
        return {"date-parts": [[int(str(work["year"])[:4])]]}
    return None


def to_csl(answer: dict[str, Any], direction: str) -> str:
    """A CSL-JSON array, one item per other work."""
    items = []
    subject = answer["subject"]["name"]
    for work, citations in _works(answer):
        item: dict[str, Any] = {
            "id": str(work["iri"]),
            "type": "treaty" if _is_instrument(work) else "report",
            "title": work.get("title") or work["name"],
            "author": [{"literal": "United Nations"}],
            "publisher": "United Nations",
            "URL": _url(work),
            "note": _note(citations, direction, subject),
        }
        if work.get("symbol"):
            item["number"] = work["symbol"]
        elif work.get("key"):
            item["number"] = work["key"]
        issued = _date_parts(work)
        if issued:
            item["issued"] = issued
        items.append(item)
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


FORMATTERS = {"csv": to_csv, "ris": to_ris, "csl-json": to_csl}


def file_name(subject: str, direction: str, fmt: str) -> str:
    """The name the download is saved under.

    >>> file_name("S/RES/242(1967)", "cited-by", "ris")
    'S_RES_242_1967_-cited-by.ris'
    """
    stem = "".join(ch if ch.isalnum() or ch in "-." else "_" for ch in subject)
    return f"{stem}-{direction}.{SUFFIX[fmt]}"
