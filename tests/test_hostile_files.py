"""Hostile files (issue 13): each gets its clear reason, bounded, and the batch goes on.

Every hostile file is generated here, small: a zip bomb or a PDF stream
bomb of a few KB inflates to a few MB, past a limit lowered to 1-2 MiB
(``--max-size``), so no test writes or holds more than a few MB. The
failures no real file is known to cause any more (MemoryError,
OverflowError, RecursionError, a worker process killed) are injected into
the reader by a small driver script run in a subprocess with a timeout, so
a hang is a failure, not a stuck suite.
"""

from __future__ import annotations

import base64
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.conftest import SAMPLE

from unkg import extract
from unkg.cli import cli
from unkg.read import read_bytes
from unkg.store import KnowledgeGraph, graph_payload

MiB = 1024 * 1024
WNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
GOOD = (SAMPLE / "A_RES_61_165.txt").read_bytes()
TIMEOUT = 120
UNKG = str(Path(sys.executable).with_name("unkg"))  # the console script of this environment


def write_good(folder: Path, *names: str) -> list[Path]:
    """Copies of a real resolution (A/RES/61/165) under ``names``."""
    paths = []
    for name in names:
        (folder / name).write_bytes(GOOD)
        paths.append(folder / name)
    return paths


def docx_bomb(path: Path, inflated: int, extra: dict[str, int] | None = None) -> Path:
    """A .docx whose word/document.xml holds ``inflated`` bytes of spaces in one run (and ``extra`` parts)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        for name, size in {"word/document.xml": inflated, **(extra or {})}.items():
            with zf.open(name, "w") as member:
                member.write(f'<w:document xmlns:w="{WNS}"><w:body><w:p><w:r><w:t>Recalling A/61/324'.encode())
                for _ in range(size // MiB):
                    member.write(b" " * MiB)
                member.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def set_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size that the zip's central directory declares for ``member``."""
    data = bytearray(path.read_bytes())
    at = data.index(b"PK\x01\x02")
    while True:
        name_len = struct.unpack_from("<H", data, at + 28)[0]
        name = bytes(data[at + 46 : at + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", data, at + 24, size)
            break
        extra_len, comment_len = struct.unpack_from("<HH", data, at + 30)
        at += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def flate(data: bytes, layers: int = 1) -> bytes:
    for _ in range(layers):
        data = zlib.compress(data, 9)
    return data


def pdf_with_stream(path: Path, content: bytes, filters: str = "/FlateDecode") -> Path:
    """A one-page PDF whose content stream is ``content``, already encoded with ``filters``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter %s >>\nstream\n" % (len(content), filters.encode()) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


PAGE_TEXT = b"BT /F1 12 Tf 72 720 Td (Recalling its resolution 60/169 of 16 December 2005) Tj ET\n"


def run_cli(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def jsonl(stdout: str) -> dict[str, dict]:
    return {Path(d["source"]).name: d for d in map(json.loads, stdout.splitlines())}


def stored(store: Path) -> set[str]:
    with KnowledgeGraph(store, read_only=True) as kg:
        return {Path(p).name for p, _ in kg.files()}


# --------------------------------------------------------------------------
# 1. A .docx zip bomb: inflation is capped per part and per document.
def test_docx_bomb_names_the_part_and_the_limit(tmp_path: Path) -> None:
    """word/document.xml inflating to 8 MiB, past a 2 MiB --max-size: refused before it is all inflated."""
    bomb = docx_bomb(tmp_path / "bomb.docx", 8 * MiB)
    assert bomb.stat().st_size < 64 * 1024
    assert extract(bomb, max_bytes=2 * MiB).errors == (
        "word/document.xml inflates past 2 MiB, the limit of --max-size (a zip bomb?)",
    )


def test_docx_declared_size_refuses_before_inflating(tmp_path: Path) -> None:
    """A part whose directory entry declares more than the limit is refused by that alone."""
    path = docx_bomb(tmp_path / "declares.docx", 0)
    set_declared_size(path, "word/document.xml", 3 * 1024 * MiB)
    assert extract(path).errors == ("word/document.xml inflates past 256 MiB, the limit of --max-size (a zip bomb?)",)


def test_docx_declared_size_is_not_trusted(tmp_path: Path) -> None:
    """A part that declares 100 bytes but inflates to 4 MiB: inflating stops at what it declared, refused."""
    path = docx_bomb(tmp_path / "lies.docx", 4 * MiB)
    set_declared_size(path, "word/document.xml", 100)
    (error,) = extract(path).errors
    assert error.startswith("corrupt Word .docx (Bad CRC-32 for file 'word/document.xml'")


def test_docx_parts_together_are_capped(tmp_path: Path) -> None:
    """Two parts of 1.5 MiB each pass a 2 MiB limit together: the second is named."""
    path = docx_bomb(tmp_path / "two.docx", 3 * MiB // 2, {"word/footnotes.xml": 3 * MiB // 2})
    assert extract(path, max_bytes=2 * MiB).errors == (
        "word/footnotes.xml with the parts before it inflates past 2 MiB, the limit of --max-size (a zip bomb?)",
    )


def test_docx_hostile_list_start_is_read(tmp_path: Path) -> None:
    """A list that starts at 10**30 in letters (a label of 10**28 letters) is numbered in digits, fast."""
    numbering = (
        f'<w:numbering xmlns:w="{WNS}"><w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0">'
        f'<w:start w:val="{10**30}"/><w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
        '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num></w:numbering>'
    )
    body = '<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>Recalls A/61/324</w:t></w:r></w:p>'
    path = tmp_path / "start.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", f'<w:document xmlns:w="{WNS}"><w:body>{body}</w:body></w:document>')
        zf.writestr("word/numbering.xml", numbering)
    result = extract(path)
    assert result.errors == ()
    assert [c.target for c in result.citations] == ["A/61/324"]


# --------------------------------------------------------------------------
# 2. One file never stops a batch, whatever it raises, however its worker dies.
DRIVER = textwrap.dedent(
    """
    import os, signal, sys
    from unkg.read import core

    original = core.decode_text

    def hostile(data, path):
        if b"RAISE-MEMORY" in data:
            raise MemoryError()
        if b"RAISE-OVERFLOW" in data:
            raise OverflowError("repeated string is too long")
        if b"RAISE-RECURSION" in data:
            raise RecursionError("maximum recursion depth exceeded")
        if b"KILL-WORKER" in data:
            os.kill(os.getpid(), signal.SIGKILL)
        if data.startswith(b"ALLOCATE"):
            bytearray(1 << 30)
        return original(data, path)

    core.decode_text = hostile
    from unkg.cli import cli
    cli(sys.argv[1:])
    """
)


def run_driver(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    """``unkg ARGS`` in a subprocess whose reader raises or dies on marked files; a hang fails the test."""
    driver = tmp_path / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": f"{root}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    return subprocess.run(
        [sys.executable, str(driver), *args], capture_output=True, text=True, timeout=TIMEOUT, env=env, cwd=root
    )


# Every file of a batch is read in a worker process under --max-memory (default 1024 + 8 x 256 MiB).
IN_WORKER = "past this process's limit of 3072 MiB (--max-memory)"

HOSTILE = {
    "memory.txt": (b"RAISE-MEMORY", f"cannot be read as text (MemoryError: out of memory, {IN_WORKER})"),
    "overflow.txt": (b"RAISE-OVERFLOW", "cannot be read as text (OverflowError: repeated string is too long)"),
    "recursion.txt": (b"RAISE-RECURSION", "cannot be read as text (RecursionError: maximum recursion depth exceeded)"),
}


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_raising_file_never_stops_extract(tmp_path: Path, name: str, jobs: str) -> None:
    """good, hostile, good: both good files extracted, the hostile one named with its reason, exit 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "c-good.txt")
    marker, reason = HOSTILE[name]
    (folder / f"b-{name}").write_bytes(marker + b"\n" + GOOD)
    done = run_driver(tmp_path, "extract", "--format", "jsonl", "-j", jobs, str(folder))
    assert done.returncode == 1, done.stderr
    lines = jsonl(done.stdout)
    assert lines[f"b-{name}"]["errors"] == [reason]
    assert f"unkg: {folder / f'b-{name}'}: {reason}" in done.stderr
    for good in ("a-good.txt", "c-good.txt"):
        assert lines[good]["errors"] == [] and len(lines[good]["citations"]) >= 14


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_raising_files_never_stop_ingest(tmp_path: Path, jobs: str) -> None:
    """An ingest of good and raising files stores every good file and names every bad one."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "z-good.txt")
    for name, (marker, _) in HOSTILE.items():
        (folder / name).write_bytes(marker + b"\n" + GOOD)
    store = tmp_path / "store"
    done = run_driver(tmp_path, "ingest", "--quiet", "-j", jobs, "--store", str(store), str(folder))
    assert done.returncode == 1, done.stderr
    for name, (_, reason) in HOSTILE.items():
        assert f"unkg: {folder / name}: {reason}" in done.stderr
    assert "added 2, replaced 0, unchanged 0, failed 3" in done.stdout
    assert stored(store) == {"a-good.txt", "z-good.txt"}


KILLED = "the process reading it was killed (SIGKILL; out of memory?)"


@pytest.mark.parametrize(("jobs", "files", "killer"), [("2", 12, 5), ("1", 40, 21), ("2", 40, 33)])
def test_a_killed_worker_loses_no_other_file(tmp_path: Path, jobs: str, files: int, killer: int) -> None:
    """A worker killed (as by the OOM killer) on one file: every other is extracted, in order, it is named.

    Small files travel to the workers in batches of up to 16: with 40 files the killer stands in a later
    batch, with batches done before it, in flight beside it and still to come.
    """
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, *(f"{i:02d}-good.txt" for i in range(files) if i != killer))
    name = f"{killer:02d}-killer.txt"
    (folder / name).write_bytes(b"KILL-WORKER\n" + GOOD)
    done = run_driver(tmp_path, "extract", "--format", "jsonl", "-j", jobs, str(folder))
    assert done.returncode == 1, done.stderr
    lines = jsonl(done.stdout)
    assert len(lines) == files and list(lines) == sorted(lines)  # each once, in order
    assert lines[name]["errors"] == [KILLED]
    assert done.stderr == f"unkg: {folder / name}: {KILLED}\n"
    assert [n for n, d in lines.items() if d["errors"] == [] and len(d["citations"]) >= 14] == [
        n for n in lines if n != name
    ]


def test_small_files_travel_in_batches_and_the_rest_alone(tmp_path: Path) -> None:
    """Runs of small files go 16 (or 256 KiB) to a task; a big file, a missing one and standard input alone."""
    from unkg.extract import _batches

    names = []
    for i in range(20):
        (tmp_path / f"{i:02d}.txt").write_bytes(b"x" * 1000)
        names.append(str(tmp_path / f"{i:02d}.txt"))
    (tmp_path / "big.pdf").write_bytes(b"x" * 300_000)
    for i in range(3):
        (tmp_path / f"mid{i}.txt").write_bytes(b"x" * 100_000)
    order = [*names[:18], str(tmp_path / "big.pdf"), *names[18:], "-", str(tmp_path / "missing.txt")]
    order += [str(tmp_path / f"mid{i}.txt") for i in range(3)]
    batches = list(_batches(order))
    assert [n for batch in batches for n in batch] == order  # every input once, in order
    assert [len(b) for b in batches] == [16, 2, 1, 2, 1, 1, 2, 1]
    assert batches[2] == [str(tmp_path / "big.pdf")] and batches[4] == ["-"]


def test_a_killed_worker_never_stops_ingest(tmp_path: Path) -> None:
    """ingest -j 2 with a worker killed on one file: the good files are stored, exit 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "c-good.txt", "d-good.txt")
    (folder / "b-killer.txt").write_bytes(b"KILL-WORKER\n" + GOOD)
    store = tmp_path / "store"
    done = run_driver(tmp_path, "ingest", "--quiet", "-j", "2", "--store", str(store), str(folder))
    assert done.returncode == 1, done.stderr
    assert f"unkg: {folder / 'b-killer.txt'}: {KILLED}" in done.stderr
    assert stored(store) == {"a-good.txt", "c-good.txt", "d-good.txt"}


BOMB_REASON = "word/document.xml inflates past 1 MiB, the limit of --max-size (a zip bomb?)"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_zip_bomb_among_good_files(tmp_path: Path, jobs: str) -> None:
    """extract and ingest of good, bomb, good: both good files extracted and stored; the bomb named."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "c-good.txt")
    docx_bomb(folder / "b-bomb.docx", 4 * MiB)
    code, out, err = run_cli("extract", "--format", "jsonl", "--max-size", "1", "-j", jobs, str(folder))
    assert code == 1
    lines = jsonl(out)
    assert lines["b-bomb.docx"]["errors"] == [BOMB_REASON]
    assert f"unkg: {folder / 'b-bomb.docx'}: {BOMB_REASON}" in err
    assert all(lines[n]["errors"] == [] and lines[n]["citations"] for n in ("a-good.txt", "c-good.txt"))
    store = tmp_path / "store"
    code, out, err = run_cli("ingest", "--quiet", "--max-size", "1", "-j", jobs, "--store", str(store), str(folder))
    assert code == 1
    assert f"unkg: {folder / 'b-bomb.docx'}: {BOMB_REASON}" in err
    assert stored(store) == {"a-good.txt", "c-good.txt"}


# --------------------------------------------------------------------------
# 3. One file's graph is bounded at ingest.
def test_a_graph_over_max_quads_is_refused(tmp_path: Path) -> None:
    """A file whose graph passes --max-quads is refused with the reason and how to raise it; the others stored."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt")
    (folder / "b-long.txt").write_bytes(b"\n\n".join([GOOD] * 20))
    store = tmp_path / "store"
    code, _out, err = run_cli("ingest", "--quiet", "-j", "1", "--max-quads", "5000", "--store", str(store), str(folder))
    assert code == 1
    assert (
        f"unkg: {folder / 'b-long.txt'}: its graph has over 5,000 quads, the limit of --max-quads "
        "(raise it to store this file)" in err
    )
    assert stored(store) == {"a-good.txt"}
    code, _out, err = run_cli("ingest", "--quiet", "--max-quads", "100000", "--store", str(store), str(folder))
    assert code == 0, err
    assert stored(store) == {"a-good.txt", "b-long.txt"}


def test_graph_payload_stops_at_the_limit() -> None:
    """The graph is refused as it is built: no N-Quads are made past the limit."""
    result = extract(SAMPLE / "A_RES_61_165.txt")
    assert graph_payload(result).count > 300
    payload = graph_payload(result, max_quads=300)
    assert (payload.sha256, payload.nquads, payload.count) == (None, b"", 0)
    assert payload.errors == ("its graph has over 300 quads, the limit of --max-quads (raise it to store this file)",)


# --------------------------------------------------------------------------
# 4. A PDF stream bomb: every Flate stream is inflated under the limit first.
STREAM_REASON = "a compressed stream (object 4) inflates past 1 MiB, the limit of --max-size (a zip bomb?)"


def test_pdf_stream_bomb_is_refused(tmp_path: Path) -> None:
    """A content stream of 8 MiB in an 8 KB PDF, past a 1 MiB limit: refused before PDFium loads it."""
    path = pdf_with_stream(tmp_path / "bomb.pdf", flate(PAGE_TEXT + b" " * (8 * MiB)))
    assert path.stat().st_size < 16 * 1024
    assert extract(path, max_bytes=1 * MiB).errors == (STREAM_REASON,)
    assert extract(path).errors == ()  # under the default limit it is a PDF like any other


def test_pdf_stream_bomb_inside_a_stream_is_refused(tmp_path: Path) -> None:
    """Flate inside Flate (the outer layer small, the inner one large) is inflated through both layers."""
    content = flate(PAGE_TEXT + b" " * (8 * MiB), layers=2)
    assert len(zlib.decompress(content)) < 1 * MiB
    path = pdf_with_stream(tmp_path / "nested.pdf", content, "[/FlateDecode /FlateDecode]")
    assert extract(path, max_bytes=1 * MiB).errors == (STREAM_REASON,)


def test_pdf_stream_bomb_among_good_files(tmp_path: Path) -> None:
    """extract of good, bomb, good: exit 1, the bomb named, the good files extracted."""
    write_good(tmp_path, "a-good.txt", "c-good.txt")
    pdf_with_stream(tmp_path / "b-bomb.pdf", flate(PAGE_TEXT + b" " * (4 * MiB)))
    code, out, err = run_cli("extract", "--format", "jsonl", "--max-size", "1", str(tmp_path))
    assert code == 1
    assert f"unkg: {tmp_path / 'b-bomb.pdf'}: {STREAM_REASON}" in err
    lines = jsonl(out)
    assert all(lines[n]["errors"] == [] and lines[n]["citations"] for n in ("a-good.txt", "c-good.txt"))


# --------------------------------------------------------------------------
# 5. File names that are not UTF-8.
BAD_NAME = b"bad\xff.txt"


def make_bad_name(folder: Path) -> None:
    with open(os.path.join(os.fsencode(folder), BAD_NAME), "wb") as fh:
        fh.write(GOOD)


def test_extract_names_a_non_utf8_file_escaped(tmp_path: Path) -> None:
    """--format jsonl and the human report stay valid UTF-8: the byte is written \\xff, the file is read."""
    make_bad_name(tmp_path)
    write_good(tmp_path, "good.txt")
    done = subprocess.run(
        [UNKG, "extract", "--format", "jsonl", str(tmp_path)],
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    lines = jsonl(done.stdout.decode("utf-8"))  # strict: a raw \xff byte would fail here
    assert set(lines) == {"bad\\xff.txt", "good.txt"}
    assert lines["bad\\xff.txt"]["source"] == f"{tmp_path}/bad\\xff.txt"
    assert lines["bad\\xff.txt"]["citations"] == lines["good.txt"]["citations"]
    human = subprocess.run(
        [UNKG, "extract", str(tmp_path)], capture_output=True, timeout=TIMEOUT
    )
    assert f"== {tmp_path}/bad\\xff.txt\n".encode() in human.stdout


def test_a_bad_name_in_an_error_message_is_escaped(tmp_path: Path) -> None:
    """A non-UTF-8 name of a file that fails is printed escaped on stderr."""
    with open(os.path.join(os.fsencode(tmp_path), b"empty\xfe.txt"), "wb"):
        pass
    done = subprocess.run(
        [UNKG, "extract", str(tmp_path)], capture_output=True, timeout=TIMEOUT
    )
    assert done.returncode == 1
    assert done.stderr.decode("utf-8") == f"unkg: {tmp_path}/empty\\xfe.txt: empty file\n"


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ingest_stores_a_non_utf8_name_and_the_others(tmp_path: Path, jobs: str) -> None:
    """ingest stores all 7 files (6 good names, one not UTF-8); provenance names it escaped; remove finds it."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, *(f"good{i}.txt" for i in range(6)))
    make_bad_name(folder)
    store = tmp_path / "store"
    code, out, err = run_cli("ingest", "--quiet", "-j", jobs, "--store", str(store), str(folder))
    assert code == 0, err
    assert "added 7," in out
    assert "bad\\xff.txt" in stored(store)
    with KnowledgeGraph(store, read_only=True) as kg:
        literal = {q.object.value for q in kg.store if q.predicate.value.endswith("#path")}
    assert f"{folder}/bad\\xff.txt" in literal
    code, out, err = run_cli("remove", "--store", str(store), os.fsdecode(os.path.join(os.fsencode(folder), BAD_NAME)))
    assert (code, out) == (0, "removed 1\n"), err
    assert "bad\\xff.txt" not in stored(store)


# --------------------------------------------------------------------------
# 6. Only regular files are read; reads are bounded by the bytes read.
def unkg_subprocess(*args: str, stdin: int | None = None) -> subprocess.CompletedProcess:
    """``unkg ARGS`` in a subprocess limited to 2 GB of address space and TIMEOUT seconds."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 * MiB, 2 * 1024 * MiB))

    return subprocess.run(
        [UNKG, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=limit,
        stdin=stdin,
    )


FIFO_REASON = "not a regular file (a named pipe): only files are read"


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    """extract of a named pipe with no writer and a good file: the pipe refused at once, the file read."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (good,) = write_good(tmp_path, "good.txt")
    done = unkg_subprocess("extract", "--format", "jsonl", str(fifo), str(good))
    assert done.returncode == 1
    assert done.stderr == f"unkg: {fifo}: {FIFO_REASON}\n"
    lines = jsonl(done.stdout)
    assert lines["pipe"]["errors"] == [FIFO_REASON] and lines["good.txt"]["citations"]


def test_ingest_refuses_a_fifo(tmp_path: Path) -> None:
    """ingest of a named pipe and a good file: the pipe refused, the file stored."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (good,) = write_good(tmp_path, "good.txt")
    store = tmp_path / "store"
    done = unkg_subprocess("ingest", "--quiet", "--store", str(store), str(fifo), str(good))
    assert done.returncode == 1
    assert f"unkg: {fifo}: {FIFO_REASON}" in done.stderr
    assert stored(store) == {"good.txt"}


def test_a_device_is_refused_not_read(tmp_path: Path) -> None:
    """/dev/zero reports a size of 0 and never ends: refused as a device, nothing read."""
    done = unkg_subprocess("extract", "/dev/zero")
    assert done.returncode == 1
    assert done.stderr == "unkg: /dev/zero: not a regular file (a character device): only files are read\n"


def test_a_socket_is_refused(tmp_path: Path) -> None:
    """A Unix socket named as a file is refused with its kind."""
    path = tmp_path / "sock"
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert extract(path).errors == ("not a regular file (a socket): only files are read",)
    finally:
        server.close()


def test_standard_input_is_bounded_by_bytes_read(tmp_path: Path) -> None:
    """Standard input endless (/dev/zero) is read up to --max-size and refused; a short one is read."""
    with open("/dev/zero", "rb") as zero:
        done = unkg_subprocess("extract", "--format", "jsonl", "--max-size", "1", "-", stdin=zero.fileno())
    assert done.returncode == 1
    assert done.stderr == "unkg: -: file is over the limit of 1.0 MB (--max-size)\n"
    code, out, _ = run_cli("extract", "--format", "jsonl", "-", input=GOOD)
    assert code == 0 and jsonl(out)["-"]["citations"]


def test_a_file_that_reports_no_size_is_bounded_by_bytes_read(tmp_path: Path, monkeypatch) -> None:
    """A regular file whose reported size is 0 (as under /proc) is still refused past --max-size."""
    from unkg.read import core

    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (3 * MiB))
    real_fstat = os.fstat

    def no_size(fd: int) -> os.stat_result:
        st = real_fstat(fd)
        return os.stat_result((st.st_mode, *st[1:6], 0, *st[7:]))

    monkeypatch.setattr(core.os, "fstat", no_size)
    assert extract(path, max_bytes=1 * MiB).errors == ("file is over the limit of 1.0 MB (--max-size)",)


def test_read_bytes_turns_any_failure_into_the_files_reason(monkeypatch) -> None:
    """A reader raising what no reader foresaw (MemoryError) gives a SourceError naming format and failure."""
    from unkg.errors import SourceError
    from unkg.read import core

    def boom(data: bytes, path: str) -> None:
        raise MemoryError

    monkeypatch.setattr(core, "decode_text", boom)
    with pytest.raises(SourceError) as caught:
        read_bytes(b"Recalling A/61/324", "x.txt")
    assert caught.value.reason == "cannot be read as text (MemoryError: out of memory)"
    assert extract(SAMPLE / "A_RES_61_165.txt").errors == ("cannot be read as text (MemoryError: out of memory)",)


def test_a_killed_signal_is_named() -> None:
    """The reason for a dead worker names the signal."""
    from unkg.extract import died

    assert died(-signal.SIGKILL) == KILLED
    assert died(-signal.SIGABRT) == "the process reading it aborted (SIGABRT; out of memory?)"
    assert died(-signal.SIGABRT, 300 * MiB) == ABORTED
    assert died(70) == "the process reading it died (exit status 70)"


# --------------------------------------------------------------------------
# 7. What no check before PDFium sees: every file of a batch is read in a worker under --max-memory.
ABORTED = (
    "the process reading it aborted (SIGABRT), as PDFium does when it runs past its memory limit of 300 MiB "
    "(--max-memory; a PDF that inflates past it?)"
)
MEASURED = textwrap.dedent(
    """
    import atexit, sys

    def peak():
        with open(sys.argv[1], "w") as out:
            out.write(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")))

    atexit.register(peak)
    from unkg.cli import cli
    cli(sys.argv[2:])
    """
)


@pytest.fixture(scope="module")
def a85_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 0.65 MB PDF whose content stream, ASCII85 around Flate, inflates to 512 MiB of spaces.

    Its first filter is not Flate, so :mod:`unkg.read.streams` cannot
    check it: PDFium inflates it whole (about 1 GB at its peak).
    """
    deflate = zlib.compressobj(9)
    pieces = [deflate.compress(PAGE_TEXT)]
    pieces.extend(deflate.compress(b" " * MiB) for _ in range(512))
    pieces.append(deflate.flush())
    encoded = base64.a85encode(b"".join(pieces)) + b"~>"
    path = tmp_path_factory.mktemp("a85") / "b-bomb.pdf"
    return pdf_with_stream(path, encoded, "[/ASCII85Decode /FlateDecode]")


def run_measured(tmp_path: Path, *args: str, stdin: Path | None = None) -> tuple[subprocess.CompletedProcess, int]:
    """``unkg ARGS`` in a subprocess, and the peak resident memory of its own process (VmHWM, bytes)."""
    driver, peak = tmp_path / "measured.py", tmp_path / "peak"
    driver.write_text(MEASURED, encoding="utf-8")
    with open(stdin or os.devnull, "rb") as given:
        done = subprocess.run(
            [sys.executable, str(driver), str(peak), *args],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            stdin=given,
        )
    return done, int(peak.read_text().split()[1]) * 1024


def test_a_pdf_bomb_no_check_sees_fails_alone_in_extract(tmp_path: Path, a85_bomb: Path) -> None:
    """extract -j 1 of good, ASCII85+Flate bomb, good under --max-memory 300: the bomb's worker aborts alone.

    Both good files are extracted, the bomb's reason names the limit, and
    the command's own process never holds the inflated stream.
    """
    assert a85_bomb.stat().st_size < 1024 * 1024
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "c-good.txt")
    os.symlink(a85_bomb, folder / "b-bomb.pdf")
    done, peak = run_measured(tmp_path, "extract", "--format", "jsonl", "-j", "1", "--max-memory", "300", str(folder))
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"unkg: {folder / 'b-bomb.pdf'}: {ABORTED}\n"
    lines = jsonl(done.stdout)
    assert list(lines) == ["a-good.txt", "b-bomb.pdf", "c-good.txt"]
    assert lines["b-bomb.pdf"]["errors"] == [ABORTED]
    assert all(lines[n]["errors"] == [] and len(lines[n]["citations"]) >= 14 for n in ("a-good.txt", "c-good.txt"))
    assert peak < 150 * MiB, f"the command's own process peaked at {peak / MiB:.0f} MiB"


def test_a_pdf_bomb_on_standard_input_fails_alone(tmp_path: Path, a85_bomb: Path) -> None:
    """The same bomb given as standard input (``-``) is read in the worker too."""
    done, peak = run_measured(tmp_path, "extract", "--format", "jsonl", "--max-memory", "300", "-", stdin=a85_bomb)
    assert done.returncode == 1, done.stderr
    assert done.stderr == f"unkg: -: {ABORTED}\n"
    assert peak < 150 * MiB, f"the command's own process peaked at {peak / MiB:.0f} MiB"


def test_a_pdf_bomb_no_check_sees_fails_alone_in_ingest(tmp_path: Path, a85_bomb: Path) -> None:
    """ingest -j 1 of the same batch: the good files are stored, the bomb named with the limit, exit 1."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "c-good.txt")
    os.symlink(a85_bomb, folder / "b-bomb.pdf")
    store = tmp_path / "store"
    args = ("ingest", "--quiet", "-j", "1", "--max-memory", "300", "--store", str(store), str(folder))
    done, peak = run_measured(tmp_path, *args)
    assert done.returncode == 1, done.stderr
    assert f"unkg: {folder / 'b-bomb.pdf'}: {ABORTED}" in done.stderr
    assert "added 2, replaced 0, unchanged 0, failed 1" in done.stdout
    assert stored(store) == {"a-good.txt", "c-good.txt"}
    assert peak < 200 * MiB, f"the command's own process peaked at {peak / MiB:.0f} MiB"


def test_a_memory_error_under_the_limit_fails_alone(tmp_path: Path) -> None:
    """A reader that asks for 1 GiB under --max-memory 300 gets MemoryError: that file's reason names the limit."""
    folder = tmp_path / "in"
    folder.mkdir()
    write_good(folder, "a-good.txt", "c-good.txt")
    (folder / "b-allocate.txt").write_bytes(b"ALLOCATE\n" + GOOD)
    done = run_driver(tmp_path, "extract", "--format", "jsonl", "-j", "1", "--max-memory", "300", str(folder))
    assert done.returncode == 1, done.stderr
    reason = "cannot be read as text (MemoryError: out of memory, past this process's limit of 300 MiB (--max-memory))"
    lines = jsonl(done.stdout)
    assert lines["b-allocate.txt"]["errors"] == [reason]
    assert all(lines[n]["errors"] == [] and len(lines[n]["citations"]) >= 14 for n in ("a-good.txt", "c-good.txt"))
