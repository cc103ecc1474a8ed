"""The ``unkg`` command line: a thin layer over the Python API."""

from __future__ import annotations

import errno
import functools
import os
import shlex
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import Any

import click

from unkg.errors import FetchError, UnkgError, UsageError
from unkg.extract import __version__, extract_many
from unkg.iri import printable
from unkg.output import plural, to_human, to_jsonl
from unkg.read import DEFAULT_MAX_BYTES
from unkg.read.limits import DEFAULT_MAX_QUADS

# Where a command records the store it opened (click's ``meta`` is shared by a command and its group),
# so that an error raised while using it can name it.
STORE_META = "unkg.store"


def failure_message(exc: BaseException, store: str | None) -> str | None:
    """One line for an error raised by a command: the cause and what to do; None for an error that is a bug.

    Args:
        exc: the error.
        store: the store the command opened, or None when it opened none.
    """
    if isinstance(exc, UnkgError):
        return str(exc)
    if not isinstance(exc, OSError | RuntimeError):
        return None
    if isinstance(exc, OSError) and exc.errno == errno.EPIPE:
        return None  # a closed pipe (| head): click ends quietly
    if store is not None:
        from unkg.store import explain

        known = explain(exc, store)
        if known is not None:
            return str(known)
    if isinstance(exc, OSError) and exc.filename is not None:
        message = f"{exc.filename}: {exc.strerror or exc}"
        if exc.errno == errno.ENOSPC:
            message += "; free space and run the same command again"
        return message
    return None


class Commands(click.Group):
    """The ``unkg`` group: the one place where errors of the library become an ``Error:`` line, for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command; an error with a known cause ends it with one line (exit status 1; 2 for usage)."""
        try:
            return super().invoke(ctx)
        except UsageError as exc:
            raise click.UsageError(str(exc)) from None
        except (UnkgError, OSError, RuntimeError) as exc:
            message = failure_message(exc, ctx.meta.get(STORE_META))
            if message is None:
                raise
            raise click.ClickException(message) from None


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unkg")
def cli() -> None:
    """unkg: citations of UN documents, resolutions and instruments as a knowledge graph."""


def max_size_option(f):
    """--max-size MIB, shared by extract and ingest."""
    return click.option(
        "--max-size",
        type=click.IntRange(1),
        default=DEFAULT_MAX_BYTES // (1024 * 1024),
        show_default=True,
        help="Largest input to read, in MiB; also the most a compressed part (.docx part, PDF stream) may inflate to.",
    )(f)


def max_memory_option(f):
    """--max-memory MIB of each process that reads files, shared by extract and ingest."""
    return click.option(
        "--max-memory",
        type=click.IntRange(0),
        default=None,
        envvar="UNKG_READ_MAX_MEMORY",
        help="MiB of memory each process reading files may take; a file past it fails alone "
        "(default: 1024 + 8 x --max-size; 0: no limit).",
    )(f)


def description_options(f):
    """--metadata FILE and --name-pattern PATTERN, shared by extract and ingest (see ``unkg.describe``)."""
    f = click.option(
        "--name-pattern",
        default=None,
        metavar="PATTERN",
        help="Read fields from each file's name, e.g. '{country}_{session}_{year}.txt' or '{symbol}.pdf' "
        "(symbol, year, date, session, title, organ, country; others kept as metadata). "
        "They fill only what the text leaves empty; a name that does not match is left as it is.",
    )(f)
    return click.option(
        "--metadata",
        "metadata_file",
        type=click.Path(exists=True, dir_okay=False),
        default=None,
        metavar="FILE",
        help="A sidecar table (CSV, TSV or JSON Lines), one row per document, matched by a file/path/name "
        "column or by symbol; its symbol, title, date, session, meeting ... fill what the text leaves empty.",
    )(f)


def cluster_options(f):
    """--cluster ADDRESS and --send-files, shared by extract and ingest (see ``unkg.cluster``)."""
    f = click.option(
        "--send-files",
        is_flag=True,
        help="With --cluster: send each file's bytes to the workers instead of its path "
        "(for workers that do not see the files at the same path).",
    )(f)
    return click.option(
        "--cluster",
        default=None,
        metavar="ADDRESS",
        envvar="UNKG_CLUSTER",
        help="Read and extract on the workers of this Dask scheduler (tcp://host:8786) instead of -j "
        "local processes; the files must be at the same path on the workers, or use --send-files.",
    )(f)


def _describer(metadata_file: str | None, name_pattern: str | None):
    """The Describer of the two options, or None (a pattern or sidecar that cannot be used is a usage error)."""
    from unkg.describe import Describer

    return Describer.from_options(metadata_file, name_pattern)


def _report_names(describer, names: list[str]) -> None:
    """One line on stderr when some file names do not match --name-pattern."""
    if describer is None or describer.name_pattern is None:
        return
    names = [n for n in names if n != "-"]
    unmatched = [n for n in names if describer.name_pattern.fields(n) is None]
    if unmatched:
        click.echo(
            f"unkg: --name-pattern '{describer.name_pattern.pattern}': {len(unmatched)} of {len(names)} file "
            f"names do not match (first: {printable(unmatched[0])}); those files are described by their text alone",
            err=True,
        )


def _memory_bytes(max_memory: int | None) -> int | None:
    """--max-memory in bytes; None (not given) leaves the default of ``extract_many``."""
    return None if max_memory is None else max_memory * 1024 * 1024


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["human", "jsonl"]),
    default="human",
    show_default=True,
    help="human: a readable report; jsonl: one JSON object per document (the extraction contract).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Also list the citations the checks against the registry refused, each with its reason "
    "(the jsonl format always carries them, as 'dropped').",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    default=None,
    help="Write here instead of standard output.",
)
@click.option(
    "-j", "--jobs", type=click.IntRange(0), default=1, show_default=True, help="Worker processes; 0 means one per core."
)
@click.option(
    "--catalogue",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    help="Instrument catalogue in Turtle (default: the bundled ontology/instruments.ttl).",
)
@max_size_option
@max_memory_option
@description_options
@cluster_options
def extract(
    paths: tuple[str, ...],
    fmt: str,
    explain: bool,
    output: str | None,
    jobs: int,
    catalogue: str | None,
    max_size: int,
    max_memory: int | None,
    metadata_file: str | None,
    name_pattern: str | None,
    cluster: str | None,
    send_files: bool,
) -> None:
    """Find every reference in UN documents: files, folders, or - for stdin.

    Exit status: 0 when every input was read, 1 when some could not be
    (each is reported on stderr and still gets its line), 2 for usage errors.

    \b
        unkg extract corpus/sample
        unkg extract --format jsonl report.pdf resolution.txt > citations.jsonl
        cat text.txt | unkg extract -
        unkg extract --name-pattern '{country}_{session}_{year}.txt' ungdc/
        unkg extract --metadata metadata.csv pdf/
    """
    jobs = jobs or (os.cpu_count() or 1)
    describer = _describer(metadata_file, name_pattern)
    render = to_jsonl if fmt == "jsonl" else functools.partial(to_human, explain=explain)
    failed = 0
    names: list[str] = []
    described: Counter[str] = Counter()
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 - closed below
    try:
        extractions = extract_many(
            paths,
            catalogue,
            jobs,
            max_size * 1024 * 1024,
            max_memory=_memory_bytes(max_memory),
            describe=describer,
            cluster=cluster,
            send_bytes=send_files,
        )
        for extraction in extractions:
            out.write(render(extraction) + ("\n" if fmt == "jsonl" else ""))
            out.flush()
            names.append(extraction.source)
            if extraction.metadata.get("metadata_source"):
                described[extraction.metadata["metadata_source"]] += 1
            for error in extraction.errors:
                failed += 1
                click.echo(f"unkg: {printable(extraction.source)}: {error}", err=True)
    finally:
        if output:
            out.close()
    _report_names(describer, names)
    if describer is not None and describer.sidecar is not None:
        label = describer.sidecar.label
        n = sum(count for source, count in described.items() if label in source)
        click.echo(
            f"unkg: --metadata: {label} ({plural(describer.sidecar.rows, 'row')}) described {n} of "
            f"{plural(len(names), 'document')}",
            err=True,
        )
    sys.exit(1 if failed else 0)


# --------------------------------------------------------------------------
# The knowledge graph.
def store_option(f):
    """--store PATH, shared by every command that opens the store."""
    return click.option(
        "--store",
        "store_path",
        type=click.Path(file_okay=False),
        default=None,
        envvar="UNKG_STORE",
        help="Store folder (default: $UNKG_STORE, else ~/.local/share/unkg/store).",
    )(f)


def _open(store_path: str | None, read_only: bool = False, create: bool = True):
    """Open the store; errors (absent, locked, unfinished, damaged) are told by ``Commands.invoke``.

    ``create=False``: a command that writes to a store but does not fill it (``remove``, ``analyse``) refuses
    an absent store, as the reading commands do, rather than make an empty one.
    """
    from unkg.store import KnowledgeGraph, default_store_path

    click.get_current_context().meta[STORE_META] = str(store_path or default_store_path())
    return KnowledgeGraph(store_path, read_only=read_only, create=create)


def _progress_hidden(quiet: bool) -> bool:
    """No progress bar when asked, or when stderr is no terminal (click would print its bare label there)."""
    return quiet or not sys.stderr.isatty()


def query_limits(f):
    """--timeout and --max-memory, shared by the commands that run queries (see ``unkg.watchdog``)."""
    f = click.option(
        "--max-memory",
        type=click.IntRange(0),
        default=4096,
        show_default=True,
        envvar="UNKG_QUERY_MAX_MEMORY",
        help="MiB of memory the queries may take; past it, the command stops with an Error line (0: no limit).",
    )(f)
    return click.option(
        "--timeout",
        type=click.FloatRange(min=0),
        default=300.0,
        show_default=True,
        envvar="UNKG_QUERY_TIMEOUT",
        help="Seconds the command's queries may run; past it, it stops with an Error line (0: no limit).",
    )(f)


def _bounded(timeout: float, max_memory: int):
    """A watchdog over the rest of the command: past --timeout or --max-memory the process ends with an Error line."""
    from unkg.watchdog import Limits, Watchdog

    return Watchdog(Limits.from_options(timeout, max_memory))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
@click.option(
    "-j", "--jobs", type=click.IntRange(0), default=0, show_default=True, help="Worker processes; 0 = one per core."
)
@click.option("--quiet", is_flag=True, help="No progress bar.")
@max_size_option
@click.option(
    "--max-quads",
    type=click.IntRange(1),
    default=DEFAULT_MAX_QUADS,
    show_default=True,
    help="Most quads in one file's graph (a graph is built in memory, about 1.3 KB a quad at the peak).",
)
@max_memory_option
@description_options
@cluster_options
def ingest(
    paths: tuple[str, ...],
    store_path: str | None,
    jobs: int,
    quiet: bool,
    max_size: int,
    max_quads: int,
    max_memory: int | None,
    metadata_file: str | None,
    name_pattern: str | None,
    cluster: str | None,
    send_files: bool,
) -> None:
    """Extract files and load them into the store, one named graph per file.

    An unchanged file is skipped by hash; a changed one replaces its graph
    in one transaction; a file that cannot be read is reported and its old
    graph, if any, stays; the other files are stored. Exit status 1 when
    some file failed.

    With --name-pattern or --metadata, what a text leaves empty (symbol,
    year, date, session, title ...) is taken from its file's name or a
    sidecar table, marked in the graph with dcterms:source; an unchanged
    file stored without them (or with others) is stored again.

    \b
        unkg ingest corpus/sample
        unkg ingest --name-pattern '{country}_{session}_{year}.txt' ungdc/
    """
    from unkg.extract import expand_paths

    describer = _describer(metadata_file, name_pattern)
    files = list(expand_paths(paths))
    with (
        _open(store_path) as kg,
        click.progressbar(length=len(files), label="ingesting", file=sys.stderr, hidden=_progress_hidden(quiet)) as bar,
    ):
        report = kg.ingest(
            files,
            jobs=jobs or (os.cpu_count() or 1),
            progress=lambda _p, _s: bar.update(1),
            max_bytes=max_size * 1024 * 1024,
            max_quads=max_quads,
            max_memory=_memory_bytes(max_memory),
            describe=describer,
            cluster=cluster,
            send_bytes=send_files,
        )
    for path, reason in report.failed:
        click.echo(f"unkg: {printable(path)}: {reason}", err=True)
    _report_names(describer, files)
    for source, count in sorted(report.described.items()):
        if count:
            click.echo(f"unkg: {plural(count, 'document')} written described by {source}", err=True)
    click.echo(
        f"added {len(report.added)}, replaced {len(report.replaced)}, unchanged {len(report.skipped)}, "
        f"failed {len(report.failed)}; {plural(report.quads, 'quad')} written"
    )
    sys.exit(0 if report.ok else 1)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@store_option
def remove(paths: tuple[str, ...], store_path: str | None) -> None:
    """Delete exactly the graphs of these files from the store."""
    with _open(store_path, create=False) as kg:
        removed = kg.remove(paths)
    missing = sorted(set(paths) - set(removed))
    for path in missing:
        click.echo(f"unkg: {printable(path)}: not in the store", err=True)
    click.echo(f"removed {len(removed)}")
    sys.exit(1 if missing else 0)


@cli.command()
@store_option
@click.option("--files", "list_files", is_flag=True, help="List every ingested file with its hash.")
def status(store_path: str | None, list_files: bool) -> None:
    """Say what is in the store."""
    with _open(store_path, read_only=True) as kg:
        counts = kg.status()  # read before anything is printed: a damaged store gives its Error line alone
        files = kg.files() if list_files else []
    click.echo(f"store: {kg.path}")
    for key, value in counts.items():
        click.echo(f"{key:>12}: {value}")
    for path, sha in files:
        click.echo(f"{sha[:12]}  {path}")


def output_format(f):
    """--format table|csv|json and --iris for query results (``unkg.tables``)."""
    f = click.option(
        "--iris", is_flag=True, help="In a table, show IRIs whole (by default works by symbol or key, others short)."
    )(f)
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(["table", "csv", "json"]),
        default="table",
        show_default=True,
        help="table: fits the terminal, works by symbol or key; csv and json: IRIs whole, JSON numbers as numbers.",
    )(f)


def _works(store) -> dict[str, str]:
    """The works of the store, symbol or key to title (``unkg.lookup.store_works``)."""
    from unkg.lookup import store_works

    return store_works(store)


def _width() -> int:
    from unkg.tables import terminal_width

    return terminal_width()


def _work(store, text: str, what: str = "", works: dict[str, str] | None = None):
    """The work of the store that ``text`` names (``unkg.lookup.resolve``); else WorkNotFound, prefixed by ``what``."""
    from unkg.lookup import WorkNotFound, resolve, store_works

    try:
        return resolve(text, store_works(store) if works is None else works)
    except WorkNotFound as exc:
        message = f"{what}: {exc}" if what else str(exc)
        if exc.target and "/" in exc.target:
            from unkg.registry import exists

            if exists(exc.target):
                fetch_it = shlex.join(["unkg", "fetch", exc.target, "--ingest"])
                message += f"; the registry holds it: `{fetch_it}` brings it into the store"
        raise WorkNotFound(message, exc.text, exc.candidates, exc.target) from None


@cli.command()
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, type=(str, str), help="A parameter: -p name value.")
@store_option
@output_format
@query_limits
def query(
    name: str | None,
    params: tuple[tuple[str, str], ...],
    store_path: str | None,
    fmt: str,
    iris: bool,
    timeout: float,
    max_memory: int,
) -> None:
    """Run stored query NAME from queries/ (without NAME: list them).

    A work (a parameter of type target) may be typed as a person reads it:
    a symbol in any case and spacing, "resolution 61/165", "Security Council
    resolution 1325 (2000)", an instrument's key, abbreviation or name. One
    the store does not hold is an error, with the nearest works it holds.

    \b
        unkg query cites -p document A/RES/61/165
        unkg query reports/cited-by -p cited "Migrant Workers Convention" --format csv
    """
    from unkg.queries import QueryError, get_query, load_queries, run
    from unkg.tables import render_solutions

    if not name:
        for qname, q in load_queries().items():
            args = " ".join(f"-p {p.name} <{p.type}>" for p in q.params)
            click.echo(f"{qname} {args}".rstrip())
            click.echo(textwrap.fill(q.summary, width=_width(), initial_indent="    ", subsequent_indent="    "))
        return
    try:
        stored = get_query(name)
    except QueryError as exc:
        raise click.UsageError(str(exc)) from None
    with _open(store_path, read_only=True) as kg, _bounded(timeout, max_memory):
        values = dict(params)
        targets = [p.name for p in stored.params if p.type == "target" and p.name in values]
        works = _works(kg.store) if targets else None
        for p in targets:
            values[p] = _work(kg.store, values[p], f"-p {p}", works).target
        try:
            solutions = run(kg.store, stored, values)
        except QueryError as exc:
            raise click.UsageError(str(exc)) from None
        click.echo(render_solutions(solutions, fmt, iris), nl=False)


@cli.command()
@click.argument("text")
@store_option
@output_format
@query_limits
def sparql(text: str, store_path: str | None, fmt: str, iris: bool, timeout: float, max_memory: int) -> None:
    """Run an ad-hoc SPARQL SELECT or ASK over all graphs ('-' reads stdin)."""
    import pyoxigraph as ox

    from unkg.rdf import PREFIXES

    if text == "-":
        text = sys.stdin.read()
    with _open(store_path, read_only=True) as kg, _bounded(timeout, max_memory):
        try:
            result = kg.store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise click.UsageError(f"SPARQL syntax: {exc}") from None
        if isinstance(result, ox.QueryBoolean):
            click.echo("true" if bool(result) else "false")
        elif isinstance(result, ox.QuerySolutions):
            from unkg.tables import render_solutions

            click.echo(render_solutions(result, fmt, iris), nl=False)
        else:
            click.echo(result.serialize(format=ox.RdfFormat.TURTLE).decode("utf-8"), nl=False)


@cli.command()
@click.argument("symbol")
@click.option("--direction", type=click.Choice(["back", "forward"]), default="back", show_default=True)
@click.option("--depth", type=click.IntRange(1, 50), default=5, show_default=True)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help="Show every work each step recalls; by default a step of a series (same title) shows the series only.",
)
@click.option(
    "--fetch",
    "fetch_missing",
    is_flag=True,
    help="Then fetch the steps not in the corpus (unkg fetch ... --ingest) and show the lineage again.",
)
@store_option
@query_limits
def lineage(
    symbol: str, direction: str, depth: int, show_all: bool, fetch_missing: bool, store_path: str | None,
    timeout: float, max_memory: int,
) -> None:  # fmt: skip
    """The lineage of a resolution as a tree: what it recalls (back) or what recalls it (forward).

    SYMBOL may be typed as texts cite it ("resolution 61/165", "a/res/61/165",
    "Security Council resolution 1325 (2000)"); one the store does not hold is
    an error, with the nearest works it holds.

    Each step shows its title and date (from its file, else from the registry,
    marked "registry"); a step no file of the corpus is the source of says so,
    with the command that would bring it ("not in the corpus: unkg fetch ...").
    Each work is drawn once: where it comes again it is marked "(see above)",
    and a work whose own steps lie past --depth says how many it has.

    A General Assembly series (the resolution of the same title each
    session) is shown first: where some of what a step recalls has its
    title, those are shown and the rest counted ("... 9 other works it
    recalls: --all shows them"); --all shows them after the series.

    With --fetch, those steps are then fetched from the Official Document
    System and stored (as `unkg fetch STEP... --ingest`; its settings come from
    the UNKG_FETCH_* variables), and the tree is shown again, one level further.

    \b
        unkg lineage A/RES/61/165 --direction back --depth 3
        unkg lineage A/RES/80/137 --all
        unkg lineage A/RES/61/165 --fetch
    """
    from unkg.queries import get_query

    step = get_query("reports/lineage-step" if direction == "back" else "reports/lineage-step-forward")
    about = get_query("reports/document")
    missing: list[str] = []
    verb = "recalls" if direction == "back" else "recall it"
    with _open(store_path, read_only=True) as kg, _bounded(timeout, max_memory):
        symbol = _work(kg.store, symbol).target  # what a person typed, resolved before anything is printed
        tree = _Lineage(kg.store, step, about, depth, show_all, verb, missing)
        tree.show(symbol)
    if not (fetch_missing and missing):
        return
    wanted = list(dict.fromkeys(missing))
    click.echo(f"\nfetching {plural(len(wanted), 'step')} not in the corpus: {' '.join(wanted)}", err=True)
    args = [*wanted, "--ingest", "--quiet", *(["--store", store_path] if store_path else [])]
    try:
        fetch.main(args, prog_name="unkg fetch", standalone_mode=False)
    except SystemExit as exc:  # 1: some were not fetched (each said on stderr); the rest is stored
        if exc.code not in (0, 1, None):
            raise
    except FetchError as exc:  # the crawl stopped (a bot check, the breaker): what arrived is stored, shown below
        click.echo(f"unkg: the fetch stopped: {exc}", err=True)
    with _open(store_path, read_only=True) as kg, _bounded(timeout, max_memory):
        click.echo("")
        _Lineage(kg.store, step, about, depth, show_all, verb, None).show(symbol)


def _about(store, about, symbol: str, missing: list[str] | None = None) -> tuple[str, str]:
    """('  Title (2005-12-16)', title) for a lineage step, with where it stops: registry facts, or not in the corpus."""
    from unkg.queries import run

    row = next(iter(run(store, about, {"document": symbol})), None)
    if row is None:
        return "", ""
    title, date, year = (row[k].value if row[k] is not None else "" for k in ("title", "date", "year"))
    held = row["inCorpus"] is not None and row["inCorpus"].value == "true"
    when = date or year
    parts = [f"{title} ({when})" if title and when else title or (f"({when})" if when else "")]
    if not held:
        parts[0] += " [registry]" if row["registry"] is not None and (title or date) else ""
        parts.append(f"-- not in the corpus: `{shlex.join(['unkg', 'fetch', symbol])}`")
        if missing is not None:
            missing.append(symbol)
    return "".join(f"  {p.strip()}" for p in parts if p.strip()), title


def _same_title(a: str, b: str) -> bool:
    """Whether two titles name one series (case and spacing aside); an unknown title names none."""
    return bool(a) and " ".join(a.casefold().split()) == " ".join(b.casefold().split())


class _Lineage:
    """Draws a lineage tree: each work once, the series first, the cut at --depth marked."""

    def __init__(self, store, step, about, depth: int, show_all: bool, verb: str, missing: list[str] | None) -> None:
        self.store, self.step, self.about, self.depth = store, step, about, depth
        self.show_all, self.verb, self.missing = show_all, verb, missing
        self.seen: set[str] = set()

    def steps(self, document: str) -> list[tuple[str, str, str]]:
        """(symbol, verb, quoted text) of each work one step from ``document``, each work once, by symbol."""
        from unkg.queries import run

        found: dict[str, tuple[str, str, str]] = {}
        for r in run(self.store, self.step, {"document": document}):
            child = (r["symbol"].value, r["verb"].value, " ".join(r["text"].value.split()))
            found.setdefault(child[0], child)
        return list(found.values())

    def show(self, symbol: str) -> None:
        facts, title = _about(self.store, self.about, symbol, self.missing)
        click.echo(f"{symbol}{facts}")
        self.seen.add(symbol)
        self.walk(symbol, title, 1, "")

    def walk(self, current: str, title: str, level: int, prefix: str) -> None:
        children = []
        for child, verb, text in self.steps(current):
            again = child in self.seen
            facts, child_title = ("", "") if again else _about(self.store, self.about, child)
            children.append((child, verb, text, again, facts, child_title))
        series = [c for c in children if _same_title(c[5], title)]
        rest = [c for c in children if c not in series]
        shown = series + rest if self.show_all or not series else series
        hidden = len(children) - len(shown)
        for i, (child, verb, text, again, facts, child_title) in enumerate(shown):
            last = i == len(shown) - 1 and not hidden
            line = f'{prefix}{"└── " if last else "├── "}{child}  [{verb}: "{text}"]'
            if again or child in self.seen:  # drawn already (in this level too: a work cited twice)
                click.echo(f"{line} (see above)")
                continue
            self.seen.add(child)
            if self.missing is not None and "-- not in the corpus" in facts:  # what --fetch brings: what is shown
                self.missing.append(child)
            if level >= self.depth:
                beyond = len(self.steps(child))
                cut = (
                    f"  [{beyond} further step{'s' if beyond != 1 else ''} past --depth {self.depth}]" if beyond else ""
                )
                click.echo(f"{line}{facts}{cut}")
                continue
            click.echo(f"{line}{facts}")
            self.walk(child, child_title, level + 1, prefix + ("    " if last else "│   "))
        if hidden:
            click.echo(
                f"{prefix}└── ... {hidden} other work{'s' if hidden != 1 else ''} it {self.verb}: --all shows them"
            )


@cli.command(name="registry")
@click.argument("symbol", required=False)
@click.option("--search", "text", default=None, help="Search the titles instead (ranked by BM25).")
@click.option("--limit", type=click.IntRange(1), default=15, show_default=True, help="Most results of --search.")
def registry_command(symbol: str | None, text: str | None, limit: int) -> None:
    """What the registry of UN resolutions, decisions and drafts knows of SYMBOL, and from where.

    SYMBOL may be typed as texts write it. Exit status 1 when it is not in
    the registry (with the symbols it may have meant).

    \b
        unkg registry "S/RES/1325 (2000)"
        unkg registry "resolution 217 A (III)"
        unkg registry --search "protection of migrants"
    """
    from unkg.registry import default_registry
    from unkg.registry.report import describe, did_you_mean, not_known

    reg = default_registry()
    if text is not None:
        found = reg.search(text, limit)
        if not found:
            raise click.ClickException(f"no title in the registry matches {text!r}")
        from unkg.tables import render

        rows = [(round(score, 2), record.symbol, record.date or "", record.title or "") for score, record in found]
        click.echo(render(("score", "symbol", "date", "title"), rows), nl=False)
        return
    if not symbol:
        raise click.UsageError("give a SYMBOL, or --search TEXT")
    record = reg.lookup(symbol)
    if record is None:
        raise click.ClickException(not_known(reg, symbol) + did_you_mean(reg, symbol))
    click.echo(describe(reg, record))


# --------------------------------------------------------------------------
# Fetching from the UN Official Document System.
def fetch_options(f):
    """The politeness and retry settings of ``unkg fetch`` (``unkg.fetch.Settings``), each with its variable."""
    for flag, kind, default, text in reversed(
        [
            (
                "--delay",
                click.FloatRange(0),
                3.0,
                "Least seconds between two requests (at least 3 for the UN's own system).",
            ),
            ("--jitter", click.FloatRange(0), 1.0, "Up to this many seconds more between requests, at random."),
            (
                "--timeout",
                click.FloatRange(0, min_open=True),
                60.0,
                "Seconds to connect, and between two bytes of an answer.",
            ),
            (
                "--max-attempts",
                click.IntRange(1),
                5,
                "Tries of a document that fails for a passing cause (5xx, 429, no answer).",
            ),
            (
                "--retry-base",
                click.FloatRange(0),
                30.0,
                "Seconds before the first retry without Retry-After (doubled after).",
            ),
            (
                "--cooldown",
                click.FloatRange(0),
                300.0,
                "Seconds of pause when the circuit breaker trips (doubled at each trip).",
            ),
            (
                "--soft-block-run",
                click.IntRange(1),
                5,
                "'Not available' answers in a row that are checked for a soft block.",
            ),
            (
                "--wait-limit",
                click.FloatRange(0),
                900.0,
                "Longest wait for a retry time; later ones are left to the next run.",
            ),
        ]
    ):
        envvar = "UNKG_FETCH_" + flag[2:].replace("-", "_").upper()
        f = click.option(flag, type=kind, default=default, show_default=True, envvar=envvar, help=text)(f)
    return f


@cli.command()
@click.argument("symbols", nargs=-1, required=True)
@click.option(
    "--depth",
    type=click.IntRange(0, 20),
    default=0,
    show_default=True,
    help="Citation steps followed out from the seeds.",
)
@click.option(
    "--max",
    "max_documents",
    type=click.IntRange(1),
    default=100,
    show_default=True,
    help="Most documents the crawl reaches, seeds included.",
)
@click.option("--lang", type=click.Choice(["en", "fr", "es", "ru", "zh", "ar"]), default="en", show_default=True)
@click.option(
    "--type",
    "file_type",
    type=click.Choice(["pdf", "doc"]),
    default="pdf",
    show_default=True,
    help="pdf, or doc: the word-processing original.",
)
@click.option(
    "--kinds",
    default="resolution,decision",
    show_default=True,
    help="Kinds of citation followed, comma-separated: resolution, decision, statement, document, or all.",
)
@click.option("--ingest", is_flag=True, help="Then store what arrived (as unkg ingest of the cached files).")
@store_option
@click.option(
    "--cache",
    "cache_path",
    type=click.Path(file_okay=False),
    default=None,
    envvar="UNKG_FETCH_CACHE",
    help="Cache folder: the files and the work list (default: $UNKG_FETCH_CACHE, else ~/.cache/unkg/fetch).",
)
@click.option(
    "--base-url",
    default="https://documents.un.org",
    show_default=True,
    envvar="UNKG_FETCH_BASE_URL",
    help="The document system's address (a mirror, a test server).",
)
@click.option(
    "--contact",
    default=None,
    envvar="UNKG_FETCH_CONTACT",
    help="Your e-mail or web page, sent in the User-Agent ($UNKG_FETCH_CONTACT).",
)
@fetch_options
@max_size_option
@click.option("--quiet", is_flag=True, help="No progress bar.")
def fetch(
    symbols: tuple[str, ...],
    depth: int,
    max_documents: int,
    lang: str,
    file_type: str,
    kinds: str,
    ingest: bool,
    store_path: str | None,
    cache_path: str | None,
    base_url: str,
    contact: str | None,
    max_size: int,
    quiet: bool,
    **politeness: Any,
) -> None:
    """Download UN documents by symbol from the Official Document System, and what they cite.

    Each symbol is asked for at documents.un.org (one request at a time, 3 s
    apart or more, an honest User-Agent); --depth follows the citations of
    what arrives (by default back along lineage: resolutions and decisions).
    Files are kept by SHA-256 in the cache with a work list, so the same
    command run again after an interruption goes on where it stopped.
    Exit status: 0 when every document was fetched, 1 when some were not
    (each is named on stderr with its reason) or the crawl stopped, 2 for
    usage errors.

    \b
        unkg fetch A/RES/61/165 --depth 2 --max 200 --contact me@example.org
        unkg fetch "S/RES/1325 (2000)" --lang fr --ingest
    """
    from unkg.fetch import KINDS, Settings
    from unkg.fetch import fetch as run_fetch
    from unkg.fetch.worklist import TO_DO

    chosen = KINDS if kinds.strip() == "all" else tuple(k.strip() for k in kinds.split(",") if k.strip())
    try:
        settings = Settings(
            base_url=base_url,
            lang=lang,
            file_type=file_type,
            contact=contact,
            max_bytes=max_size * 1024 * 1024,
            **politeness,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if not contact and settings.is_ods:
        click.echo(
            "unkg: no --contact given ($UNKG_FETCH_CONTACT): the UN cannot reach you if the crawl bothers them",
            err=True,
        )
    settled: set[str] = set()
    with click.progressbar(
        length=len(symbols),
        label="fetching",
        file=sys.stderr,
        hidden=_progress_hidden(quiet),
        item_show_func=lambda s: s,
    ) as bar:

        def progress(symbol: str, state: str, reached: int) -> None:
            bar.length = max(reached, 1)
            (settled.discard if state in TO_DO else settled.add)(symbol)
            bar.update(len(settled) - bar.pos, symbol)

        report = run_fetch(symbols, settings, cache_path, depth, max_documents, chosen, progress)
    for symbol, reason in report.unavailable:
        click.echo(f"unkg: {symbol}: unavailable: {reason}", err=True)
    for symbol, reason in report.failed:
        click.echo(f"unkg: {symbol}: failed: {reason}", err=True)
    for symbol, reason, when in report.waiting:
        click.echo(f"unkg: {symbol}: waiting ({reason}); asked again from {when:%Y-%m-%d %H:%M:%S} UTC", err=True)
    breaker = (
        f"; the circuit breaker tripped {plural(report.trips, 'time')} ({plural(report.soft_blocks, 'soft block')})"
        if report.trips
        else ""
    )
    click.echo(
        f"fetched {len(report.fetched)} ({len(report.new)} new), unavailable {len(report.unavailable)}, "
        f"failed {len(report.failed)}, waiting {len(report.waiting)}; {plural(report.requests, 'request')}{breaker}"
    )
    stored_ok = True
    if ingest and report.files:
        with _open(store_path) as kg:
            stored = kg.ingest([str(p) for p in report.files], jobs=os.cpu_count() or 1, max_bytes=settings.max_bytes)
        for path, reason in stored.failed:
            click.echo(f"unkg: {printable(path)}: {reason}", err=True)
        click.echo(
            f"stored: added {len(stored.added)}, replaced {len(stored.replaced)}, unchanged {len(stored.skipped)}, "
            f"failed {len(stored.failed)}; {plural(stored.quads, 'quad')} written"
        )
        stored_ok = stored.ok
    if report.stopped is not None:
        raise report.stopped
    sys.exit(0 if report.ok and stored_ok else 1)


NETWORK_FORMATS = ["graphml", "gexf", "cytoscape", "csv", "html"]


@cli.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nq", "trig", "ttl", "jsonld", *NETWORK_FORMATS]),
    default="nq",
    show_default=True,
    help="RDF (nq, trig, ttl, jsonld) or the citation network (graphml, gexf, cytoscape, csv, html).",
)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), default=None)
@store_option
def export(fmt: str, output: str | None, store_path: str | None) -> None:
    """Export the store: N-Quads, TriG, Turtle (all graphs merged) or JSON-LD; or the citation network.

    The network formats carry the measures of `unkg analyse` (computed
    afresh, seeded): GraphML, GEXF (with years for Gephi's timeline),
    Cytoscape.js JSON, CSV (-o graph.csv writes graph.nodes.csv and
    graph.edges.csv) and one self-contained interactive HTML page.

    \b
        unkg export --format html -o network.html
    """
    if fmt in NETWORK_FORMATS:
        _export_network(fmt, output, store_path)
        return
    import pyoxigraph as ox

    formats = {"nq": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    with _open(store_path, read_only=True) as kg:
        if fmt == "ttl":
            data = ox.serialize(
                {ox.Triple(q.subject, q.predicate, q.object) for q in kg.store}, format=ox.RdfFormat.TURTLE
            )
        elif fmt == "nq":
            data = "".join(sorted(f"{q} .\n" for q in kg.store)).encode()  # sorted: byte-stable dumps
        else:
            data = kg.store.dump(format=formats[fmt])
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def _export_network(fmt: str, output: str | None, store_path: str | None) -> None:
    from unkg import export as ex
    from unkg.network import analyse, load_graph

    series = None
    with _open(store_path, read_only=True) as kg:
        g = load_graph(kg.store)
        if fmt == "html":  # the page draws each series of the network's resolutions as a timeline
            from unkg.series.timeline import store_series

            series = store_series(kg.store, g)
    result = analyse(g)
    if fmt == "csv":
        nodes, edges = ex.csv_tables(g, result)
        if not output:
            raise click.UsageError("--format csv writes two files: give -o PATH (PATH.nodes.csv, PATH.edges.csv)")
        stem = Path(output).with_suffix("")
        Path(f"{stem}.nodes.csv").write_text(nodes, encoding="utf-8")
        Path(f"{stem}.edges.csv").write_text(edges, encoding="utf-8")
        click.echo(f"wrote {stem}.nodes.csv and {stem}.edges.csv", err=True)
        return
    try:
        data = {
            "graphml": lambda: ex.graphml(g, result),
            "gexf": lambda: ex.gexf(g, result),
            "cytoscape": lambda: ex.cytoscape_json(g, result),
            "html": lambda: ex.html(g, result, series=series).encode("utf-8"),
        }[fmt]()
    except ex.VendorMissing as exc:
        raise click.ClickException(str(exc)) from None
    if output:
        Path(output).write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


def _table(title: str, header: tuple[str, ...], rows: list[tuple]) -> None:
    """One table of ``unkg analyse``, fitting the terminal (``unkg.tables``)."""
    from unkg.tables import render

    click.echo(f"\n{title}")
    click.echo(render(header, rows) if rows else "  (none)", nl=not rows)


@cli.command()
@store_option
@click.option("--top", "top_n", type=click.IntRange(1), default=10, show_default=True, help="Rows per table.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of Louvain and sampled betweenness.")
@click.option(
    "--betweenness-k",
    type=click.IntRange(1),
    default=None,
    help="Sample betweenness from K sources (default: exact up to 5,000 nodes, 500 sources above).",
)
@click.option(
    "--lineage", "lineage_of", default=None, help="Also the main path through this work (symbol, key or name)."
)
@click.option(
    "--work", "works", multiple=True, help="Citations by year of this work (symbol, key or name; repeatable)."
)
@click.option("--no-write", is_flag=True, help="Do not store the measures (read-only).")
def analyse(
    store_path: str | None,
    top_n: int,
    seed: int,
    betweenness_k: int | None,
    lineage_of: str | None,
    works: tuple[str, ...],
    no_write: bool,
) -> None:
    """Network analytics of the citation graph; measures stored in their own named graph.

    In/out degree, PageRank, HITS, betweenness, Louvain communities, weakly
    connected components, co-citation and bibliographic coupling, the main
    path (search path count) and citations by year. Unless --no-write, the
    measures replace the graph <https://w3id.org/unkg/graph/metrics> with
    PROV-O provenance, so `unkg query reports/most-influential` ranks by them.

    \b
        unkg analyse --top 15 --lineage A/RES/61/165 --work ICRMW
    """
    from datetime import UTC, datetime

    from unkg.lookup import WorkNotFound
    from unkg.network import analyse as run_analysis
    from unkg.network import load_arrays, search_path_count, work_label, write_metrics

    def now() -> str:
        return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    with _open(store_path, create=False) as kg:
        started = now()
        if lineage_of or works:  # every work named is found before anything is computed or printed
            known = _works(kg.store)
            lineage_of = _work(kg.store, lineage_of, "--lineage", known).target if lineage_of else None
            works = tuple(_work(kg.store, w, "--work", known).target for w in works)
        g = load_arrays(kg.store)  # the measures need no quoted text; a work and its adopting resolution are one
        for option, work in [("--lineage", lineage_of)] * bool(lineage_of) + [("--work", w) for w in works]:
            if g.aliases.get(work, work) not in g:
                raise WorkNotFound(
                    f"{option}: {work} is in the store but not in the citation network (nothing cites it)", work
                )
        result = run_analysis(g, seed=seed, betweenness_k=betweenness_k)
        written = 0 if no_write else write_metrics(kg.store, g, result, started, now())
    communities = max(result.community.values(), default=-1) + 1
    components = max(result.component.values(), default=-1) + 1
    click.echo(
        f"{plural(g.number_of_nodes(), 'work')}, {plural(g.number_of_edges(), 'citing pair')}, "
        f"{plural(components, 'weakly connected component')}, {plural(communities, 'community', 'communities')}"
    )

    def label(node: str) -> str:
        """A work as a reader knows it (``unkg.network.work_label``), with the resolution that adopted it."""
        aliases = g.attribute("aliases", node, [])  # the resolution that adopted it, counted with it
        shown = work_label(node, g.attribute("file", node, ""))
        return f"{shown} ({', '.join(aliases)})" if aliases else shown

    def name(node: str) -> str:
        return g.attribute("name", node, "") or ""

    for measure, title, scale, unit in (
        ("in_degree", "Most cited (in-degree: citing works)", 1, ""),
        ("pagerank", "PageRank", 1000, "pagerank x 1000"),
        ("authorities", "HITS authorities", 1000, "authority x 1000"),
        ("hubs", "HITS hubs", 1000, "hub x 1000"),
        (
            "betweenness",
            "Betweenness" + ("" if result.parameters["betweenness"]["k"] == "exact" else " (sampled)"),
            1_000_000,
            "betweenness x 10^6",
        ),
        ("out_degree", "Citing most (out-degree)", 1, ""),
    ):
        rows = [
            (i, label(node), f"{value * scale:.3g}" if isinstance(value, float) else value, name(node))
            for i, (node, value) in enumerate(result.top(measure, top_n), start=1)
        ]
        _table(title, ("rank", "work", unit or measure, "name"), rows)
    sizes = Counter(result.community.values())
    rows = []
    for c, size in sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))[:top_n]:
        members = sorted((n for n, k in result.community.items() if k == c), key=lambda n: -result.pagerank[n])
        rows.append((c, size, ", ".join(map(label, members[:5])) + (" ..." if size > 5 else "")))
    _table("Communities (Louvain)", ("community", "works", "highest PageRank"), rows)
    for title, pairs in (
        ("Co-citation (cited together)", result.co_citation),
        ("Bibliographic coupling (citing the same)", result.coupling),
    ):
        _table(
            title,
            ("work", "work", "count", "cosine"),
            [(label(p.a), label(p.b), p.count, f"{p.cosine:.3f}") for p in pairs[:top_n]],
        )
    steps = [" + ".join(map(label, step)) for step in result.main_path.path]
    click.echo(f"\nMain path (search path count, oldest first; {result.main_path.total_paths} source-sink paths):")
    click.echo("  " + (" -> ".join(steps) if steps else "(no citations)"))
    if result.main_path.cycles:
        click.echo(f"  citation cycles collapsed: {'; '.join(' + '.join(c) for c in result.main_path.cycles)}")
    if lineage_of:
        try:
            through = search_path_count(g, through=g.aliases.get(lineage_of, lineage_of))
        except KeyError as exc:
            raise click.UsageError(f"--lineage: {exc}") from None
        click.echo(f"Main path through {lineage_of}:")
        click.echo("  " + " -> ".join(" + ".join(map(label, step)) for step in through.path))
    for work in works:
        work = g.aliases.get(work, work)  # a resolution counted as the instrument it adopted
        years = result.by_year.get(work)
        _table(f"Citing documents of {work} by year", ("year", "documents"), sorted((years or {}).items()))
    if not no_write:
        click.echo(
            f"\nstored {written} quads in <https://w3id.org/unkg/graph/metrics>; "
            "rank with: unkg query reports/most-influential"
        )


@cli.command(name="validate")
@store_option
@click.option("--no-shacl", is_flag=True, help="Run only the violation queries (fast on large stores).")
@click.option(
    "--batch-quads",
    type=click.IntRange(1000),
    default=50_000,
    show_default=True,
    help="SHACL validates the store's graphs this many quads at a time (memory grows with it).",
)
def validate_command(store_path: str | None, no_shacl: bool, batch_quads: int) -> None:
    """Check the store: queries/checks/*-violation.rq, then the SHACL shapes (pySHACL, a batch of graphs at a time).

    A failing check prints what it found (the first 20 rows): the
    instrument keys citations name that the catalogue lacks, with how many
    citations name each and one quoted text. Exit status 1 when anything
    is violated.
    """
    from unkg.queries import load_queries, run
    from unkg.tables import render, short

    problems = 0
    checks: list[tuple[str, str, int, str]] = []
    details: list[tuple[str, str, str]] = []
    failing: list[tuple[str, list[list[tuple[str, str | None]]]]] = []
    with _open(store_path, read_only=True) as kg:
        for name, stored in load_queries().items():
            if not name.startswith("checks/"):
                continue
            found = _plain_rows(run(kg.store, stored))  # plain values: no pyoxigraph object outlives the loop
            problems += len(found)
            checks.append(("ok" if not found else "FAIL", name, len(found), stored.summary))
            if found:
                failing.append((name, found))
        if not no_shacl:
            from unkg.validate import validate_store

            report = validate_store(kg.store, batch_quads=batch_quads)
            checks.append(("ok" if report.conforms else "FAIL", "SHACL shapes", len(report.results), "ontology/shapes"))
            details = [(short(str(r.focus_node)), short(str(r.path)), str(r.message)) for r in report.results[:50]]
            problems += 0 if report.conforms else max(1, len(report.results))
    click.echo(render(("result", "check", "violations", "what it checks"), checks), nl=False)
    for name, found in failing:  # what each failing check found: the first 20 rows
        click.echo(f"\n{name}: {plural(len(found), 'row')}")
        for row in found[:20]:
            click.echo("  " + "  ".join(f"{n}={' '.join(v.split())!r}" for n, v in row if v is not None))
        if len(found) > 20:
            click.echo(f"  ... {len(found) - 20} more: unkg query {name}")
    if details:
        click.echo(f"\nSHACL results (the first {len(details)}):")
        click.echo(render(("focus", "path", "message"), details), nl=False)
    sys.exit(1 if problems else 0)


def _plain_rows(solutions) -> list[list[tuple[str, str | None]]]:
    """Each row of a query's answer as (variable, value) pairs of plain strings."""
    names = [v.value for v in solutions.variables]
    return [[(n, None if row[n] is None else row[n].value) for n in names] for row in solutions]


def serve_options(f):
    """One option of ``unkg serve`` for each server setting (``unkg.serve.settings.Settings``): its name, default,
    help and bound come from the setting, its environment variable is ``UNKG_SERVE_<NAME>``."""
    from dataclasses import fields

    from unkg.serve.settings import POSITIVE, Settings

    for setting in reversed(fields(Settings)):
        meta, default = setting.metadata, setting.default
        flag = meta["option"] if meta["option"] is not None else "--" + setting.name.replace("_", "-")
        if not flag:
            continue
        common = {"envvar": f"UNKG_SERVE_{setting.name.upper()}", "help": meta["help"]}
        if isinstance(default, bool):
            option = click.option(f"{flag}/--no-{flag[2:]}", default=default, show_default=True, **common)
        elif isinstance(default, tuple):
            option = click.option(flag, setting.name, multiple=True, **common)
        else:
            positive = meta["bound"] == POSITIVE  # else 0 or more: every number setting has its bound
            if isinstance(default, int):
                kind: click.ParamType = click.IntRange(1 if positive else 0)
            else:
                kind = click.FloatRange(0, min_open=positive)
            option = click.option(flag, type=kind, default=default, show_default=True, **common)
        f = option(f)
    return f


@cli.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, envvar="UNKG_SERVE_HOST", help="Address to bind.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, envvar="UNKG_SERVE_PORT")
@serve_options
@click.option(
    "--workers",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Server processes (each with the store open and --max-concurrent query threads).",
)
def serve(store_path: str | None, host: str, port: int, workers: int, **limits: object) -> None:
    """Serve the store read-only: SPARQL 1.1 endpoint, linked-data pages and a query editor.

    While it runs, the commands that write the store (ingest, remove,
    analyse) are refused, with the server's process named: stop the server,
    write, then start it again.

    \b
        unkg serve                      # http://127.0.0.1:8000/
        unkg serve --port 8080 --timeout 10 --store build/store
    """
    import uvicorn

    from unkg.serve import Settings, supervisor
    from unkg.serve.pool import StoreError, StoreLock

    if not limits["allowed_hosts"] and host not in ("127.0.0.1", "localhost", "::1", "0.0.0.0", "::"):
        limits["allowed_hosts"] = ("localhost", "127.0.0.1", "[::1]", f"[{host}]" if ":" in host else host)
    try:
        settings = Settings(store=store_path, **limits)  # type: ignore[arg-type]
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    _open(str(settings.store), read_only=True).close()  # a damaged or unfinished store is refused in one line
    held = StoreLock(settings.store)  # held for the server's life: no ingest between two server processes
    try:
        held.acquire()
    except StoreError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"unkg: serving {settings.store} at http://{host}:{port}/ (SPARQL endpoint: /sparql)", err=True)
    os.environ.update(settings.to_env())  # the server processes read their settings from there
    # glibc's allocator keeps 7 freed blocks of a size per thread (tcache) by default; a query in pyoxigraph and
    # RocksDB allocates and frees bursts of many more, which then go the slow way (measured: ~14 % of a server
    # process's CPU time in malloc and free on lookups, ~5 % with 100). Unless the user tuned it already.
    os.environ.setdefault("GLIBC_TUNABLES", "glibc.malloc.tcache_count=100")
    from unkg.serve.http import Protocol

    config = uvicorn.Config(
        "unkg.serve:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        http=Protocol,  # uvicorn's own, plus one system call a response and the endpoint's synchronous answers
        # the client address stays the connection's peer (the fast lane's rescue answers it on that socket)
        proxy_headers=False,
    )
    try:
        # even for one process: a supervisor replaces a process that retires to stop a runaway query
        supervisor.serve(config, workers, settings.timeout)
    finally:
        held.release()


# unkg series, diff, history, derive: series and text reuse (src/unkg/series/cli.py)
from unkg.series.cli import COMMANDS as _SERIES_COMMANDS  # noqa: E402 -- they use the options above

for _command in _SERIES_COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Entry point of the console script."""
    cli()
