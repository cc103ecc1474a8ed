"""Bad and unusual inputs: a clear error naming the file, and the batch goes on."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from unkg import extract
from unkg.cli import cli

SENTENCE = "Recalling its resolution 60/169 of 16 December 2005 and the Convention on the Rights of the Child,"


def run(*args: str, input: str | None = None) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(cli, ["extract", "--format", "jsonl", *args], input=input)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return result.exit_code, lines, result.stderr


def test_empty_file(tmp_path: Path) -> None:
    """An empty file is reported as such."""
    (tmp_path / "empty.txt").write_bytes(b"")
    assert extract(tmp_path / "empty.txt").errors == ("empty file",)


def test_binary_file(tmp_path: Path) -> None:
    """Bytes that are not text are refused, not decoded into noise."""
    (tmp_path / "blob.txt").write_bytes(bytes(range(256)) * 64)
    assert extract(tmp_path / "blob.txt").errors == ("binary file, not text (control bytes in the first 8 KiB)",)


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("latin-1", b""),
        ("cp1252", b""),
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", b""),
    ],
)
def test_encodings_are_decoded(tmp_path: Path, encoding: str, bom: bytes) -> None:
    """Latin-1, Windows-1252, UTF-16 with or without BOM, UTF-8 with BOM all decode."""
    text = "Réaffirmant \u2019 " + SENTENCE if encoding == "cp1252" else "Réaffirmant " + SENTENCE
    path = tmp_path / f"doc-{encoding}.txt"
    path.write_bytes(bom + text.encode(encoding))
    result = extract(path)
    assert result.errors == ()
    assert {c.target for c in result.citations} == {"A/RES/60/169", "CRC"}


def test_offsets_of_a_utf8_file_with_a_byte_order_mark_index_the_file_as_decoded(tmp_path: Path) -> None:
    """The mark is kept (U+FEFF): every span equals the file's UTF-8 text at its offsets."""
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + ("Heading\n" + SENTENCE).encode("utf-8"))
    result = extract(path)
    text = path.read_text(encoding="utf-8")
    assert text[0] == "\ufeff" and result.citations
    assert all(text[c.start : c.end] == c.text for c in result.citations)


def test_over_the_size_limit(tmp_path: Path) -> None:
    """A file over --max-size is refused with its size and the limit."""
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * (2 * 1024 * 1024 + 10))
    code, lines, err = run("--max-size", "1", str(path))
    assert code == 1
    assert lines[0]["errors"] == ["file is 2.1 MB, over the limit of 1.0 MB (--max-size)"]
    assert f"{path}: file is 2.1 MB" in err


def test_missing_file_and_batch_goes_on(tmp_path: Path) -> None:
    """One unreadable file among good ones: all get a line, exit status 1."""
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    code, lines, err = run(str(tmp_path / "nope.txt"), str(tmp_path / "empty.txt"), str(good))
    assert code == 1
    assert [line["errors"] for line in lines] == [["no such file"], ["empty file"], []]
    assert lines[2]["citations"]
    assert "nope.txt: no such file" in err


def test_all_good_exits_zero(tmp_path: Path) -> None:
    """Exit status 0 when every input was read."""
    good = tmp_path / "good.txt"
    good.write_text(SENTENCE, encoding="utf-8")
    assert run(str(good))[0] == 0


def test_usage_error_exits_two() -> None:
    """A bad option is a usage error: exit status 2."""
    assert CliRunner().invoke(cli, ["extract", "--format", "xml", "x"]).exit_code == 2
    assert CliRunner().invoke(cli, ["extract"]).exit_code == 2


def test_stdin() -> None:
    """'-' reads standard input."""
    code, lines, _ = run("-", input=SENTENCE)
    assert code == 0
    assert lines[0]["source"] == "-"
    assert [c["target"] for c in lines[0]["citations"]] == ["A/RES/60/169", "CRC"]


def test_folder_is_walked(tmp_path: Path) -> None:
    """A folder gives each file inside, sorted, hidden files skipped."""
    (tmp_path / "b.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text(SENTENCE, encoding="utf-8")
    _, lines, _ = run(str(tmp_path))
    assert [Path(line["source"]).name for line in lines] == ["a.txt", "b.txt"]


def test_parallel_jobs_give_the_same_output(tmp_path: Path) -> None:
    """-j 2 streams the same lines, in the same order, as one process."""
    for i in range(6):
        (tmp_path / f"d{i}.txt").write_text(SENTENCE * (i + 1), encoding="utf-8")
    assert run("-j", "2", str(tmp_path))[1] == run(str(tmp_path))[1]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("fake.pdf", b"%PDF-1.4\n%garbage that is no PDF", "truncated PDF (no %%EOF at its end"),
        ("archive.docx", None, "a zip archive, not a document"),
        (
            "legacy.doc",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
            "legacy Word .doc (OLE) files are not supported",
        ),
    ],
)
def test_unreadable_formats(tmp_path: Path, name: str, data: bytes | None, reason: str) -> None:
    """Corrupt PDFs, zips that are not Word files, legacy .doc: a reason each."""
    path = tmp_path / name
    if data is None:
        import zipfile

        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("notes.txt", "not a Word document")
    else:
        path.write_bytes(data)
    errors = extract(path).errors
    assert len(errors) == 1 and errors[0].startswith(reason), errors


def test_html_is_read_as_text(tmp_path: Path) -> None:
    """HTML (found by content, whatever its name) is read as its text."""
    path = tmp_path / "page.dat"
    path.write_text(
        f"<!DOCTYPE html><html><body><p>{SENTENCE}</p><script>A/1/2</script></body></html>", encoding="utf-8"
    )
    result = extract(path)
    assert [c.target for c in result.citations] == ["A/RES/60/169", "CRC"]


def _line(top: int, left: int, text: str, cls: str = "ft1") -> str:
    return f'<p style="position:absolute;top:{top}px;left:{left}px;white-space:nowrap" class="{cls}">{text}</p>\n'


def test_a_page_drawn_line_by_line_is_read_as_the_eye_reads_it() -> None:
    """pdftohtml's HTML (every line placed by top and left, in any order): lines in reading order, the
    pieces of a line left to right, a number set higher than its line a marker, lines of a block a line
    height apart, a blank line only at a wide gap, a form
    feed between pages, so a resolution's paragraphs and footnotes are told as in its PDF."""
    from unkg.models import Source
    from unkg.read.html import read_html
    from unkg.structure import parse

    style = "<style>.ft1{font-size:15px;} .ft2{font-size:9px;}</style>"
    page1 = (
        _line(175, 185, "Recalling its resolution 66/10 of 18 November 2011, and the Strategy,")
        + _line(100, 185, "The General Assembly,")
        + _line(120, 200, "Guided by the purposes and principles of the Charter")
        + _line(138, 185, "of the United Nations,<br/>Recalling its resolution 60/1,")
        + _line(193, 185, "adopted on 8 September 2006,")
        + _line(191, 372, "1", "ft2")
        + _line(300, 150, "__________________")
        + _line(318, 150, "1 Resolution 60/288.")
    )
    page2 = _line(100, 200, "1. Decides to remain seized of the matter.")
    markup = (
        f"<html><head>{style}</head><body>"
        f'<div id="page1-div" style="position:relative;">{page1}</div>'
        f'<div id="page2-div" style="position:relative;">{page2}</div></body></html>'
    )
    text, markers, _ = read_html(markup)
    assert [text[a:b] for a, b in markers] == ["1"]  # set higher than its line: a note's marker
    assert text.split("\f")[0].strip().splitlines() == [
        "The General Assembly,",
        "Guided by the purposes and principles of the Charter",
        "of the United Nations,",
        "Recalling its resolution 60/1,",
        "Recalling its resolution 66/10 of 18 November 2011, and the Strategy,",
        "adopted on 8 September 2006,1",
        "",
        "__________________",
        "1 Resolution 60/288.",
    ]
    assert text.split("\f")[1].strip() == "1. Decides to remain seized of the matter."
    d = parse(Source("page.html", text, None))
    assert [p.label for p in d.paragraphs if p.label[:2] in ("pp", "op")] == ["pp1", "pp2", "pp3", "op1"]
    assert [(f.number, f.anchor) for f in d.footnotes] == [(1, "pp3")]


def _page(n: int, lines: str, style: str = "") -> str:
    return f'<style type="text/css">{style}</style><div id="page{n}-div" style="position:relative;">{lines}</div>'


@pytest.mark.parametrize(
    ("pages", "marked", "lines"),
    [
        # pdftohtml -s names a font's class after the page using it ("ft2" + "1" on page 2) and defines it
        # only where the font was first used (".ft11" on page 1): the marker's type is font 1's, 9 px, and
        # its foot stands above the line's though its top is the line's
        (
            _page(1, _line(100, 85, "Page one.", "ft10") + _line(100, 300, "x", "ft11"),
                  ".ft10{font-size:15px;} .ft11{font-size:9px;}")
            + _page(2, _line(100, 85, "the Committee", "ft20") + _line(100, 190, "4", "ft21")),
            ["4"],
            ["the Committee4"],
        ),
        # the marker and the words after it drawn as one piece, longer than the words before it
        (
            _page(1, _line(575, 170, "to ratify ICRMW.", "ft10")
                  + _line(573, 280, "9 In 2011, the Committee against Torture (CAT)", "ft11"),
                  ".ft10{font-size:15px;} .ft11{font-size:9px;}"),
            ["9"],
            ["to ratify ICRMW.9 In 2011, the Committee against Torture (CAT)"],
        ),
        # a block of lines joined by <br/> a line height apart (the class's, not 1.2 times the type's), a
        # marker by its last line
        (
            _page(1, _line(217, 284, "<br/>".join(["Conventions on refugees", "and stateless persons", "except the",
                                                   "1961 Convention", "on the", "Reduction", "of", "Statelessness"]),
                           "ft10")
                  + _line(327, 400, "5", "ft11"),
                  ".ft10{font-size:15px;line-height:16px;} .ft11{font-size:9px;}"),
            ["5"],
            ["Conventions on refugees", "and stateless persons", "except the", "1961 Convention", "on the",
             "Reduction", "of", "Statelessness5"],
        ),
        # a heading over a table in smaller type, no wider apart than the table's rows: its own paragraph
        (
            _page(1, _line(247, 138, "1. International human rights treaties", "ft10")
                  + _line(280, 285, "Status during previous cycle", "ft11")
                  + _line(305, 285, "ICERD (1992)", "ft10") + _line(330, 285, "ICESCR (1992)", "ft10")
                  + _line(355, 285, "CAT (1993)", "ft10"),
                  ".ft10{font-size:15px;} .ft11{font-size:12px;}"),
            [],
            ["1. International human rights treaties", "", "Status during previous cycle", "",
             "ICERD (1992)", "ICESCR (1992)", "CAT (1993)"],
        ),
    ],
)  # fmt: skip
def test_pdftohtml_type_sizes_tell_markers_and_paragraphs(pages: str, marked: list[str], lines: list[str]) -> None:
    """pdftohtml's lines are measured by their type: a number whose foot stands above its line's is a
    marker (whatever piece it is drawn in), a change of type size ends a paragraph."""
    from unkg.read.html import read_html

    text, markers, _ = read_html(f"<html><head></head><body>{pages}</body></html>")
    assert [text[a:b] for a, b in markers] == marked
    assert text.split("\f")[-1].strip().splitlines() == lines  # the last page's


@pytest.mark.slow
def test_hundred_megabyte_file_is_read_whole(tmp_path: Path) -> None:
    """A 100 MB text is extracted entirely (not refused, not truncated)."""
    from tests.conftest import SAMPLE

    one = (SAMPLE / "A_RES_61_165.txt").read_text(encoding="utf-8")
    copies = -(-100 * 1024 * 1024 // len(one.encode("utf-8")))
    path = tmp_path / "big.txt"
    with path.open("w", encoding="utf-8") as fh:
        for _ in range(copies):
            fh.write(one)
    assert path.stat().st_size >= 100 * 1024 * 1024
    result = extract(path)
    assert result.errors == ()
    assert sum(c.target == "A/RES/60/169" for c in result.citations) == copies


def test_ten_megabyte_line(tmp_path: Path) -> None:
    """A single 10 MB line is read and its citations found."""
    path = tmp_path / "line.txt"
    path.write_text(("x" * 5_000_000) + " " + SENTENCE + " " + ("y" * 5_000_000), encoding="utf-8")
    assert [c.target for c in extract(path).citations] == ["A/RES/60/169", "CRC"]


@pytest.mark.parametrize("size", [1, 4095, 1024 * 1024 - 1, 1024 * 1024, 1024 * 1024 + 1, 3 * 1024 * 1024 + 7])
def test_read_file_gives_every_byte_around_the_piece_size(tmp_path: Path, size: int) -> None:
    """Reads ask for the size the file reports and one byte more, in pieces of a mebibyte at most."""
    from unkg.errors import SourceError
    from unkg.read.core import read_file

    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    assert read_file(path) == data
    assert read_file(path, max_bytes=size) == data
    with pytest.raises(SourceError, match="--max-size"):
        read_file(path, max_bytes=size - 1)


def test_read_file_reads_past_the_size_reported_at_open(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that grows after it was opened (or reports no size, as files under /proc do) is read whole."""
    import os

    from unkg.read import core

    path = tmp_path / "growing.txt"
    path.write_bytes(b"a" * 100)
    opened = core._open_regular

    def open_then_grow(name: str) -> tuple[int, int]:
        fd, size = opened(name)
        with open(name, "ab") as fh:
            fh.write(b"b" * 3_000_000)
        return fd, size

    monkeypatch.setattr(core, "_open_regular", open_then_grow)
    assert core.read_file(path) == b"a" * 100 + b"b" * 3_000_000
    monkeypatch.setattr(core, "_open_regular", lambda name: (opened(name)[0], 0))
    assert core.read_file(path) == b"a" * 100 + b"b" * 3_000_000
    assert os.path.getsize(path) == 3_000_100
