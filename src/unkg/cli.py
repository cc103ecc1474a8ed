"""The ``unkg`` command line: a thin layer over the Python API."""

from __future__ import annotations

import os
import sys

import click

from unkg.extract import __version__, extract_many
from unkg.output import to_human, to_jsonl
from unkg.read import DEFAULT_MAX_BYTES


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="unkg")
def cli() -> None:
    """unkg: citations of UN documents, resolutions and instruments as a knowledge graph."""


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
@click.option(
    "--max-size",
    type=click.IntRange(1),
    default=DEFAULT_MAX_BYTES // (1024 * 1024),
    show_default=True,
    help="Largest input to read, in MiB.",
)
def extract(
    paths: tuple[str, ...], fmt: str, output: str | None, jobs: int, catalogue: str | None, max_size: int
) -> None:
    """Find every reference in UN documents: files, folders, or - for stdin.

    Exit status: 0 when every input was read, 1 when some could not be
    (each is reported on stderr and still gets its line), 2 for usage errors.

    \b
        unkg extract corpus/sample
        unkg extract --format jsonl report.pdf resolution.txt > citations.jsonl
        cat text.txt | unkg extract -
    """
    jobs = jobs or (os.cpu_count() or 1)
    render = to_jsonl if fmt == "jsonl" else to_human
    failed = 0
    out = open(output, "w", encoding="utf-8") if output else sys.stdout  # noqa: SIM115 - closed below
    try:
        for extraction in extract_many(paths, catalogue, jobs, max_size * 1024 * 1024):
            out.write(render(extraction) + ("\n" if fmt == "jsonl" else ""))
            out.flush()
            for error in extraction.errors:
                failed += 1
                click.echo(f"unkg: {extraction.source}: {error}", err=True)
    finally:
        if output:
            out.close()
    sys.exit(1 if failed else 0)


def main() -> None:
    """Entry point of the console script."""
    cli()
