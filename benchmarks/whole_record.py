"""The whole record on one machine: ingest, analyse, derive, every export, validate and the server's pages.

Every stage runs the command a user runs (``unkg ingest``, ``unkg analyse``, ``unkg derive``, ``unkg export
--format X`` for every format the command offers, ``unkg validate``, ``unkg serve``) on one store built from
everything in ``../shared/corpus``, and each figure is printed next to a reference measured in the same run,
just before it, so that a ratio survives a machine that other work shares:

===========================  ====================================================================
stage                        reference (measured in the same run, right before the stage)
===========================  ====================================================================
ingest (four commands)       pyoxigraph ``Store.bulk_load`` of the N-Quads dump of the store the ingest made
analyse, derive, validate,   ``Store.dump`` of the same store to N-Quads (reading every quad once)
each export
each page, stored query      ``ASK {}`` through the same server's endpoint, one request before each request
===========================  ====================================================================

A stage and a reference each run as a child process: wall seconds, CPU seconds (user + system of the process
and the processes it waited for: the figure the machine's other load moves least), the peak resident set of
its largest process (``wait4``) and of its whole process tree (sampled every 2 s), and the 1-minute load
average at its start and its highest during it.

The corpus (``../shared/corpus``, read in place or unpacked into the work folder; ``--unpacked DIR`` takes
``DIR/ga/*.txt`` and ``DIR/scale/**/*.txt`` unpacked before, as ``/tmp/real`` holds them):

* ``ga-78-80``: the 887 texts of ``texts.jsonl.xz`` (one file each, named by symbol) and the 80 PDFs of
  ``pdf/`` (the same resolutions again, from their PDF), with ``--metadata metadata.csv``;
* ``sc-1946-1994``: 900 texts;
* ``scale``: the 10,953 general debate statements, with ``--name-pattern '{country}_{session}_{year}.txt'``;
* ``dev``: 33 documents (PDF, Word, text; ``SOURCES.md`` left out), with
  ``--name-pattern 'UNGDC_{country}_{session}_{year}.txt'`` for its five statements.

The server stage starts ``unkg serve`` (its defaults: one process, 30 s timeout) and asks each page of a
sample (documents, instruments, search, export, RDF, the editor, a static file) and every stored query of
``queries/`` ``--requests`` times one at a time (at most ``--budget`` seconds each, after a first request
timed apart), each request after one ``ASK {}``: p50 and p99 (nearest rank) of both. A stored query without
parameters goes to the SPARQL endpoint as it is; one with parameters to its page ``/queries/NAME?...``,
because the SPARQL protocol cannot bind a parameter and the server's page binds it by substitution (a
value is never written into the query text). The HTML export is opened in headless Chromium
(``network_picture.measure_page``: first drawing, click, filter, screenshots in ``build/screenshots/``).

    python benchmarks/whole_record.py --work /tmp/record --unpacked /tmp/real --json /tmp/record/results.json
    python benchmarks/whole_record.py --store /tmp/record/store --stages serve    # later stages, same store
    python benchmarks/whole_record.py --limit 40 --stages ingest,analyse,serve    # a quick trial

Run from the repository root. Expect one to two hours for the whole record on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import lzma
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from extract_throughput import ARCHIVE, unpack  # noqa: E402
from serve_pages import CLI, free_port, get  # noqa: E402
from serve_throughput import cpu_seconds, wait_up  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
STAGES = ("ingest", "analyse", "derive", "export", "validate", "serve")
FORMATS = ("nq", "trig", "ttl", "jsonld", "graphml", "gexf", "cytoscape", "csv", "html")
SUFFIX = {"cytoscape": "cyjs.json"}
GA_TEXTS, STATEMENTS = 887, 10_953
ASK = "/sparql?" + urlencode({"query": "ASK {}", "format": "json"})


def doc(symbol: str) -> str:
    return "/doc/" + quote(symbol, safe="/")


# The sample of pages: each kind the server has, the heaviest of each where known (the Charter: about 8,000
# citing documents). A statement's page is added at run time (its IRI is its file's hash).
PAGES = [
    ("home", "/"),
    ("editor", "/editor"),
    ("static style.css", "/static/style.css"),
    ("doc A/RES/78/1 (GA: its text and its PDF)", doc("A/RES/78/1")),
    ("doc A/RES/80/104 (a series member: derive's changes)", doc("A/RES/80/104")),
    ("doc S/RES/242(1967) (much cited)", doc("S/RES/242(1967)")),
    ("doc A/HRC/43/2 (dev PDF, a session report)", doc("A/HRC/43/2")),
    ("doc A/RES/217(III) (cited, not in the corpus)", doc("A/RES/217(III)")),
    ("doc A/RES/78/1 as Turtle", doc("A/RES/78/1") + "?format=turtle"),
    ("instrument UN-CHARTER", "/instrument/UN-CHARTER"),
    ("instrument UN-CHARTER, page 40", "/instrument/UN-CHARTER?page=40"),
    ("instrument UDHR", "/instrument/UDHR"),
    ("instrument ICRMW", "/instrument/ICRMW"),
    ("search 'protection of migrants'", "/search?" + urlencode({"q": "protection of migrants"})),
    (
        "search 'Security Council resolution 242 (1967)' (303)",
        "/search?" + urlencode({"q": "Security Council resolution 242 (1967)"}),
    ),
    ("export: what cites S/RES/242(1967), CSV", doc("S/RES/242(1967)") + "?export=cited-by&format=csv"),
]
STATEMENT = "USA_78_2023.txt"  # a general debate statement: its page is /doc/_/SHA256 of its file
# Parameters of the stored queries, works the record holds; per-query overrides where another fits better.
VALUES = {"document": "A/RES/80/104", "resolution": "A/RES/80/104", "cited": "S/RES/242(1967)",
          "citing": "S/RES/338(1973)", "instrument": "UN-CHARTER", "paragraph": "op3"}  # fmt: skip
OVERRIDES = {"reports/lineage-forward": {"resolution": "S/RES/242(1967)"},
             "reports/lineage-step-forward": {"document": "S/RES/242(1967)"}}  # fmt: skip


# --------------------------------------------------------------------------
# Measuring a command.
def load1() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (Linux /proc)."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
        rss[int(stat.parent.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    family, grew = {pid}, True
    while grew:
        more = {c for c, p in parents.items() if p in family} - family
        family |= more
        grew = bool(more)
    return sum(rss.get(p, 0) for p in family)


class Watch(threading.Thread):
    """Samples the load average (and a process tree's resident memory) every 2 s until stopped."""

    def __init__(self, pid: int | None = None) -> None:
        super().__init__(daemon=True)
        self.pid, self.loads, self.peak_tree = pid, [load1()], 0
        self.done = threading.Event()
        self.start()

    def run(self) -> None:
        while not self.done.wait(2.0):
            self.loads.append(load1())
            if self.pid:
                self.peak_tree = max(self.peak_tree, tree_rss(self.pid))

    def stop(self) -> dict[str, float]:
        self.done.set()
        self.join()
        self.loads.append(load1())
        return {"load_start": self.loads[0], "load_max": max(self.loads), "load_end": self.loads[-1]}


def run_measured(cmd: list[str], log: Path, timeout: float | None = None) -> dict[str, Any]:
    """Run ``cmd`` (stdout and stderr to ``log``.out/.err): seconds, CPU seconds, peak MiB, exit status, load."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{log}.out", "wb") as out, open(f"{log}.err", "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        watch = Watch(proc.pid)
        killed = False
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if timeout and time.perf_counter() - start > timeout and not killed:
                os.killpg(proc.pid, signal.SIGKILL)  # the group of the child started here, and its workers
                killed = True
            time.sleep(0.1)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        loads = watch.stop()
    err_text = Path(f"{log}.err").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "peak_mib": usage.ru_maxrss / 1024,
        "tree_peak_mib": max(watch.peak_tree, usage.ru_maxrss * 1024) / 2**20,
        "exit": proc.returncode,
        "killed_after_s": timeout if killed else None,
        "stderr_tail": err_text[-12:],
        **loads,
    }


def unkg(*args: str) -> list[str]:
    return [sys.executable, "-c", CLI, *args]


# --------------------------------------------------------------------------
# The corpus.
@dataclass
class Part:
    name: str
    files: list[str]
    options: list[str] = field(default_factory=list)


def corpus(work: Path, unpacked: Path | None, limit: int) -> list[Part]:
    """The four ingests of the record (``limit`` > 0: at most that many files of each, for a trial)."""
    ga = unpacked / "ga" if unpacked else work / "corpus" / "ga"
    if len(list(ga.glob("*.txt"))) != GA_TEXTS:
        ga.mkdir(parents=True, exist_ok=True)
        print(f"writing the {GA_TEXTS} ga-78-80 texts into {ga} ...", flush=True)
        with lzma.open(CORPUS / "ga-78-80" / "texts.jsonl.xz", "rt", encoding="utf-8") as lines:
            for line in lines:
                d = json.loads(line)
                (ga / (d["symbol"].replace("/", "_") + ".txt")).write_text(d["text"], encoding="utf-8")
    scale = unpacked / "scale" if unpacked else work / "corpus" / "scale"
    statements = sorted(str(p) for p in scale.rglob("*.txt"))
    if len(statements) != STATEMENTS:
        if unpacked:
            raise SystemExit(f"--unpacked: {scale} holds {len(statements)} statements, not {STATEMENTS}")
        statements = sorted(str(p) for p in unpack(ARCHIVE, scale).rglob("*.txt"))
    texts = sorted(str(p) for p in ga.glob("*.txt"))
    pdfs = sorted(str(p) for p in (CORPUS / "ga-78-80" / "pdf").glob("*.pdf"))
    dev = sorted(str(p) for p in (CORPUS / "dev").iterdir() if p.name != "SOURCES.md")
    cut = (lambda xs: xs[:limit]) if limit else (lambda xs: xs)
    if limit:  # keep the statement whose page is asked, and spread the rest over the sessions
        statements = sorted({*statements[:: max(1, len(statements) // limit)][: limit - 1],
                             *[s for s in statements if s.endswith(STATEMENT)]})  # fmt: skip
    return [
        Part("ga-78-80", cut(texts) + cut(pdfs), ["--metadata", str(CORPUS / "ga-78-80" / "metadata.csv")]),
        Part("sc-1946-1994", cut(sorted(str(p) for p in (CORPUS / "sc-1946-1994").glob("*.txt")))),
        Part("scale", statements, ["--name-pattern", "{country}_{session}_{year}.txt"]),
        Part("dev", cut(dev), ["--name-pattern", "UNGDC_{country}_{session}_{year}.txt"]),
    ]


# --------------------------------------------------------------------------
# References, run as children of this script.
def child(kind: str, a: str, b: str) -> None:
    import pyoxigraph as ox

    if kind == "dump":  # Store.dump of the whole store (every graph) to N-Quads
        ox.Store.read_only(a).dump(output=b, format=ox.RdfFormat.N_QUADS)
    elif kind == "load":  # bulk_load of a dump into a fresh store, as benchmarks/ingest_throughput.py does
        store = ox.Store(b)
        store.bulk_load(path=a, format=ox.RdfFormat.N_QUADS)
        store.flush()
        print(len(store))


def dump_reference(store: Path, work: Path, name: str) -> dict[str, Any]:
    nq = work / "reference.nq"
    ref = run_measured(
        [sys.executable, __file__, "--child", "dump", str(store), str(nq)], work / "logs" / f"ref-{name}"
    )
    ref["what"] = "Store.dump to N-Quads"
    ref["mb"] = nq.stat().st_size / 1e6 if nq.exists() else None
    return ref


def lines_of(path: Path) -> int:
    with path.open("rb") as f:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))


def status_of(store: Path, work: Path) -> dict[str, int]:
    """``unkg status`` of the store, as numbers."""
    out = subprocess.run(unkg("status", "--store", str(store)), capture_output=True, text=True, check=False).stdout
    facts = {}
    for line in out.splitlines():
        key, _, value = line.partition(":")
        with contextlib.suppress(ValueError):
            facts[key.strip()] = int(value.strip().replace(",", ""))
    return facts


# --------------------------------------------------------------------------
# The stages.
def stage_ingest(parts: list[Part], store: Path, work: Path, timeout: float | None) -> list[dict[str, Any]]:
    rows = []
    for part in parts:
        print(f"ingest {part.name}: {len(part.files):,} files ...", flush=True)
        r = run_measured(unkg("ingest", "--store", str(store), "--quiet", *part.options, *part.files),
                         work / "logs" / f"ingest-{part.name}", timeout)  # fmt: skip
        said = Path(f"{work}/logs/ingest-{part.name}.out").read_text(encoding="utf-8").strip().splitlines()
        rows.append({"stage": f"ingest {part.name}", "files": len(part.files), **r,
                     "result": f"{len(part.files):,} files: " + (said[-1] if said else "")})  # fmt: skip
        print(f"  {r['seconds']:.0f} s, exit {r['exit']}", flush=True)
    total = {"stage": "ingest (all four)", "files": sum(r["files"] for r in rows),
             "seconds": sum(r["seconds"] for r in rows), "cpu": sum(r["cpu"] for r in rows),
             "peak_mib": max(r["peak_mib"] for r in rows), "tree_peak_mib": max(r["tree_peak_mib"] for r in rows),
             "exit": max(r["exit"] for r in rows), "load_start": rows[0]["load_start"],
             "load_max": max(r["load_max"] for r in rows), "load_end": rows[-1]["load_end"]}  # fmt: skip
    facts = status_of(store, work)
    total["result"] = f"{facts.get('files', 0):,} files, {facts.get('quads', 0):,} quads"
    total["status"] = facts
    print("reference: Store.dump, then bulk_load of the dump into a fresh store ...", flush=True)
    dump = dump_reference(store, work, "ingest-dump")
    nq = work / "reference.nq"
    load = run_measured([sys.executable, __file__, "--child", "load", str(nq), str(work / "bulk-store")],
                        work / "logs" / "ref-ingest-load")  # fmt: skip
    load["what"] = "bulk_load of the dump"
    load["quads"] = int((Path(f"{work}/logs/ref-ingest-load.out").read_text() or "0").split()[-1])
    shutil.rmtree(work / "bulk-store", ignore_errors=True)
    total["reference"] = load
    rows.append(total)
    rows.append({"stage": "(reference alone) Store.dump", "result": f"{dump['mb']:,.0f} MB", **dump})
    return rows


def stage_command(name: str, args: list[str], store: Path, work: Path, timeout: float | None) -> dict[str, Any]:
    """One store-wide command, after its reference (Store.dump of the same store)."""
    print(f"{name}: reference first (Store.dump) ...", flush=True)
    ref = dump_reference(store, work, name)
    print(f"{name} ...", flush=True)
    row = {"stage": name, **run_measured(unkg(*args, "--store", str(store)), work / "logs" / name, timeout)}
    row["reference"] = ref
    said = Path(f"{work}/logs/{name}.out").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    row["result"] = summary(name, said)
    print(f"  {row['seconds']:.0f} s (reference {ref['seconds']:.0f} s), exit {row['exit']}", flush=True)
    return row


def summary(name: str, lines: list[str]) -> str:
    """What a command said, in a few words: analyse's first line, validate's results by kind, else its last line."""
    if not lines:
        return ""
    if name == "analyse":
        return lines[0]
    if name == "validate":
        kinds: dict[str, int] = {}
        for line in lines:
            words = line.split()
            if len(words) > 1 and (words[1].startswith("checks/") or words[1] == "SHACL"):
                kinds[words[0]] = kinds.get(words[0], 0) + 1
        return ", ".join(f"{k} {v}" for k, v in kinds.items())
    return lines[-1]


def stage_export(fmt: str, store: Path, work: Path, timeout: float | None) -> dict[str, Any]:
    out = work / "exports" / f"record.{SUFFIX.get(fmt, fmt)}"
    out.parent.mkdir(parents=True, exist_ok=True)
    row = stage_command(f"export {fmt}", ["export", "--format", fmt, "-o", str(out)], store, work, timeout)
    made = [out] if fmt != "csv" else [out.with_suffix(".nodes.csv"), out.with_suffix(".edges.csv")]
    row["result"] = " + ".join(f"{p.stat().st_size / 1e6:,.1f} MB" for p in made if p.exists()) or "no file"
    if fmt == "nq" and out.exists():  # the export and the reference dump hold the same quads
        row["lines"], row["reference"]["lines"] = lines_of(out), lines_of(work / "reference.nq")
        row["result"] += f", {row['lines']:,} quads (dump: {row['reference']['lines']:,})"
    return row


def picture(page: Path) -> dict[str, Any]:
    """The HTML export in headless Chromium: network_picture.measure_page (times, screenshots)."""
    try:
        from network_picture import measure_page

        return measure_page(page, "record", new=True)
    except Exception as exc:  # reported, not raised: a page that does not draw is a finding of the run
        return {"error": f"{type(exc).__name__}: {exc}"}


# --------------------------------------------------------------------------
# The server.
def rows_of(status: int, body: bytes) -> int | None:
    """Rows of an answer: SPARQL JSON bindings, or the '(N rows' of a stored query's page."""
    if status != 200:
        return None
    if body[:1] == b"{":
        with contextlib.suppress(ValueError, KeyError):
            data = json.loads(body)
            return len(data["results"]["bindings"]) if "results" in data else int(bool(data.get("boolean")))
    m = re.search(rb"\((\d+) rows(, cut)?", body)
    return int(m.group(1)) if m else None


def targets(parts: list[Part]) -> list[tuple[str, str]]:
    from unkg.queries import load_queries

    out = list(PAGES)
    statement = next((f for p in parts for f in p.files if f.endswith(STATEMENT)), None)
    if statement:
        sha = hashlib.sha256(Path(statement).read_bytes()).hexdigest()
        out.insert(8, (f"doc of a statement ({STATEMENT})", f"/doc/_/{sha}"))
    for name, q in load_queries().items():
        if q.params:
            values = {p.name: OVERRIDES.get(name, {}).get(p.name, VALUES[p.name]) for p in q.params}
            out.append((f"query {name} (page)", f"/queries/{name}?" + urlencode(values)))
        else:
            out.append((f"query {name} (endpoint)", "/sparql?" + urlencode({"query": q.text, "format": "json"})))
    return out


def nearest(times: list[float], q: float) -> float:
    """The ``q`` quantile by nearest rank (of 20 times, p99 is the slowest).

    >>> nearest([3.0, 1.0, 2.0, 4.0], 0.5), nearest([3.0, 1.0, 2.0, 4.0], 0.99)
    (2.0, 4.0)
    """
    return sorted(times)[max(0, math.ceil(q * len(times)) - 1)]


def stage_serve(store: Path, parts: list[Part], work: Path, requests: int, budget: float) -> dict[str, Any]:
    port = free_port()
    log = work / "logs" / "serve"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(f"{log}.out", "wb") as out, open(f"{log}.err", "wb") as err:
        server = subprocess.Popen(unkg("serve", "--store", str(store), "--port", str(port)), stdout=out, stderr=err)
    watch = Watch(server.pid)
    rows = []
    try:
        wait_up(f"http://127.0.0.1:{port}/sparql", server, "unkg serve")
        cpu0 = cpu_seconds(server.pid)
        for name, path in targets(parts):
            load = load1()
            get(port, ASK)
            first, first_status, body = get(port, path)
            times, refs, statuses = [], [], {first_status: 1}
            size, rows_n = len(body), rows_of(first_status, body)
            begun = time.perf_counter()
            while len(times) < requests and (not times or time.perf_counter() - begun < budget):
                refs.append(get(port, ASK)[0])
                seconds, status, body = get(port, path)
                times.append(seconds)
                statuses[status] = statuses.get(status, 0) + 1
                size, rows_n = len(body), rows_of(status, body) if status == 200 else rows_n
            row = {"target": name, "path": path, "n": len(times), "statuses": statuses, "first": first,
                   "p50": statistics.median(times), "p99": nearest(times, 0.99), "bytes": size, "rows": rows_n,
                   "ask_p50": statistics.median(refs), "ask_p99": nearest(refs, 0.99), "load": load}  # fmt: skip
            rows.append(row)
            print(f"  {name}: p50 {row['p50']:.3f} s, p99 {row['p99']:.3f} s, statuses {statuses}", flush=True)
        cpu = cpu_seconds(server.pid) - cpu0
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        loads = watch.stop()
    return {"rows": rows, "server_cpu": cpu, "server_tree_peak_mib": watch.peak_tree / 2**20, **loads}


# --------------------------------------------------------------------------
# The report.
def fmt_load(r: dict[str, Any]) -> str:
    return f"{r['load_start']:.1f}-{r['load_max']:.1f}" if "load_start" in r else ""


def table(header: list[str], rows: list[list[str]], text: tuple[int, ...] = (0,)) -> None:
    """A Markdown table (to paste into benchmarks/README.md); the columns ``text`` left-aligned, the rest right."""
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(" --- " if i in text else " ---: " for i in range(len(header))) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def report(results: dict[str, Any]) -> None:
    """The stages' table, the browser's figures, the server's table."""
    print(f"\ncommit {results['commit']}, {results['cores']} cores, corpus {results['corpus']}\n")
    rows = []
    for r in results["stages"]:
        ref = r.get("reference") or {}
        cells = [r["stage"], f"{r['seconds']:,.1f}", f"{r['cpu']:,.1f}", f"{r['peak_mib']:,.0f} / {r['tree_peak_mib']:,.0f}",
                 str(r["exit"]) + (f" (killed after {r['killed_after_s']:.0f} s)" if r.get("killed_after_s") else ""),
                 fmt_load(r)]  # fmt: skip
        if ref:
            cells += [ref["what"], f"{ref['seconds']:,.1f}", f"{ref['cpu']:,.1f}", f"{fmt_load(ref)}",
                      f"**{r['seconds'] / ref['seconds']:.2f}**", f"{r['cpu'] / max(ref['cpu'], 1e-9):.2f}"]  # fmt: skip
        else:
            cells += [""] * 6
        rows.append([*cells, r.get("result", "")])
    table(["stage", "wall s", "CPU s", "peak MiB (largest process / tree)", "exit", "load", "reference", "ref wall s",
           "ref CPU s", "ref load", "wall / ref", "CPU / ref", "result"], rows, (0, 6, 12))  # fmt: skip
    for r in results["stages"]:
        if r["exit"] not in (0, None):
            print(f"\n{r['stage']}: exit {r['exit']}; stderr ends:")
            for line in r.get("stderr_tail", [])[-4:]:
                print(f"    {line[:200]}")
    if results.get("picture"):
        print("\nHTML export in headless Chromium:", json.dumps(results["picture"]))
    serve = results.get("serve")
    if serve:
        print(f"\nserver: load {fmt_load(serve)}, server CPU {serve['server_cpu']:.1f} s, "
              f"process tree peak {serve['server_tree_peak_mib']:.0f} MiB\n")  # fmt: skip
        rows = []
        for r in serve["rows"]:
            flag = " **!**" if r["p50"] > 1 or set(r["statuses"]) - {200, 303} else ""
            statuses = ", ".join(f"{k}x{v}" for k, v in sorted(r["statuses"].items()))
            rows.append([r["target"] + flag, str(r["n"]), f"{r['first']:.3f}", f"{r['p50']:.3f}", f"{r['p99']:.3f}",
                         f"{r['ask_p50'] * 1e3:.2f} / {r['ask_p99'] * 1e3:.2f}", f"{r['p50'] / r['ask_p50']:,.0f}",
                         f"{r['bytes']:,}", "" if r["rows"] is None else f"{r['rows']:,}", f"{r['load']:.1f}",
                         statuses])  # fmt: skip
        table(["page or stored query", "n", "first s", "p50 s", "p99 s", "ASK p50 / p99 ms", "p50 / ASK p50",
               "bytes", "rows", "load", "statuses"], rows, (0, 10))  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--stages", default=",".join(STAGES), help=f"comma-separated, of {', '.join(STAGES)}")
    ap.add_argument("--formats", default=",".join(FORMATS), help="export formats (default: every one)")
    ap.add_argument("--work", type=Path, help="folder for the corpus, store, exports and logs, kept (default: temp)")
    ap.add_argument("--store", type=Path, help="the store (default: WORK/store); without ingest, one built before")
    ap.add_argument("--keep-store", action="store_true", help="keep the store when the work folder is a temp one")
    ap.add_argument("--unpacked", type=Path, help="a folder with ga/*.txt and scale/**/*.txt unpacked before")
    ap.add_argument("--limit", type=int, default=0, help="at most this many files of each corpus (a trial)")
    ap.add_argument("--requests", type=int, default=20, help="requests of each page or query (default 20)")
    ap.add_argument("--budget", type=float, default=60.0, help="most seconds of requests per page or query")
    ap.add_argument("--stage-timeout", type=float, help="kill a stage's command after this many seconds")
    ap.add_argument("--no-browser", action="store_true", help="do not open the HTML export in Chromium")
    ap.add_argument("--json", type=Path, help="also write the results here")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    stages = [s for s in args.stages.split(",") if s]
    unknown = sorted(set(stages) - set(STAGES)) + sorted(set(args.formats.split(",")) - set(FORMATS))
    if unknown:
        raise SystemExit(
            f"unknown stage or format {unknown}; stages: {', '.join(STAGES)}; formats: {', '.join(FORMATS)}"
        )
    temp = args.work is None
    work = args.work or Path(tempfile.mkdtemp(prefix="unkg-record-"))
    work.mkdir(parents=True, exist_ok=True)
    store = args.store or work / "store"
    if "ingest" in stages and store.exists() and any(store.iterdir()):
        raise SystemExit(f"{store} is not empty: a fresh ingest needs a new store (or leave ingest out of --stages)")
    if "ingest" not in stages and not store.is_dir():
        raise SystemExit(f"{store}: no store; run the ingest stage first (--stages ingest,... --store {store})")
    commit = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True, text=True)
    results: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": commit.stdout.strip(),
        "command": " ".join([Path(sys.executable).name, *sys.argv]), "cores": os.cpu_count(),
        "python": sys.version.split()[0], "store": str(store), "stages": [],
    }  # fmt: skip
    try:
        parts = corpus(work, args.unpacked, args.limit)
        results["corpus"] = {p.name: len(p.files) for p in parts}
        print("corpus:", results["corpus"], flush=True)
        if "ingest" in stages:
            results["stages"] += stage_ingest(parts, store, work, args.stage_timeout)
        if "analyse" in stages:
            results["stages"].append(stage_command("analyse", ["analyse"], store, work, args.stage_timeout))
            results["analyse_output"] = Path(f"{work}/logs/analyse.out").read_text(encoding="utf-8")
        if "derive" in stages:
            results["stages"].append(stage_command("derive", ["derive", "--quiet"], store, work, args.stage_timeout))
        if "export" in stages:
            for fmt in args.formats.split(","):
                results["stages"].append(stage_export(fmt, store, work, args.stage_timeout))
            page = work / "exports" / "record.html"
            if "html" in args.formats.split(",") and page.exists() and not args.no_browser:
                print("opening the HTML export in headless Chromium ...", flush=True)
                results["picture"] = picture(page)
        if "validate" in stages:
            results["stages"].append(stage_command("validate", ["validate"], store, work, args.stage_timeout))
        (work / "reference.nq").unlink(missing_ok=True)
        if "serve" in stages:
            print("serving ...", flush=True)
            results["serve"] = stage_serve(store, parts, work, args.requests, args.budget)
        results["status"] = status_of(store, work)
        report(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1, default=str) + "\n", encoding="utf-8")
        return 0
    finally:
        if temp:
            keep = {store.resolve()} if args.keep_store else set()
            for p in work.iterdir():
                if p.resolve() not in keep:
                    shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink()
            if not keep:
                work.rmdir()


if __name__ == "__main__":
    sys.exit(main())
