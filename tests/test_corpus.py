"""Extraction scored on annotated real documents: the seeds and the dev gold.

The scorer is ../shared/tools/score_extract.py, run on the output of
``unkg extract --format jsonl`` exactly as an outside evaluation runs it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tests.conftest import GOLD, ROOT, SHARED, load_jsonl

from unkg import extract_many
from unkg.output import to_jsonl

SCORER = SHARED / "tools" / "score_extract.py"
SEED_GOLD = SHARED / "corpus" / "gold" / "seeds.jsonl"
SCORE_RE = re.compile(
    r"symbols right (?P<sym>\d+)/(?P<docs>\d+), spans wrong (?P<bad>\d+)/\d+, "
    r"precision (?P<p>[\d.]+) recall (?P<r>[\d.]+)"
)


def score(gold: Path, root: Path, files: list[Path], tmp_path: Path) -> tuple[dict[str, float], str]:
    """Run unkg on ``files`` and the shared scorer on the result."""
    pred = tmp_path / "pred.jsonl"
    with pred.open("w", encoding="utf-8") as fh:
        for extraction in extract_many([str(f) for f in files]):
            fh.write(to_jsonl(extraction) + "\n")
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(gold), "--root", str(root), "--pred", str(pred)],
        capture_output=True,
        text=True,
        check=False,
    )
    m = SCORE_RE.search(proc.stdout)
    assert m, proc.stdout + proc.stderr
    return {k: float(v) for k, v in m.groupdict().items()}, proc.stdout


def test_sample_corpus_matches_the_seeds() -> None:
    """The bundled sample corpus is the seed excerpts, byte for byte."""
    seeds = SHARED / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"seed corpus absent: {seeds}")
    for seed in sorted(seeds.glob("*.txt")):
        assert (ROOT / "corpus" / "sample" / seed.name).read_bytes() == seed.read_bytes()


def test_seed_score_is_perfect(tmp_path: Path) -> None:
    """On the seeds: precision 1.000, recall 1.000, no wrong span, symbols right."""
    if not SEED_GOLD.is_file():
        pytest.skip(f"seed gold absent: {SEED_GOLD}")
    files = sorted((SHARED / "corpus" / "seeds").glob("*.txt"))
    result, report = score(SEED_GOLD, SHARED / "corpus", files, tmp_path)
    assert (result["p"], result["r"], result["bad"]) == (1.0, 1.0, 0.0), report
    assert result["sym"] == result["docs"], report


@pytest.mark.dev
def test_dev_gold_precision_and_recall(dev_corpus: Path, tmp_path: Path) -> None:
    """On 19 hand-annotated dev documents: precision and recall at least 0.95."""
    gold = GOLD / "dev.jsonl"
    rows = load_jsonl(gold)
    assert len(rows) >= 15
    files = [dev_corpus.parent / row["file"] for row in rows]
    result, report = score(gold, dev_corpus.parent, files, tmp_path)
    print(report)
    assert result["p"] >= 0.95, report
    assert result["r"] >= 0.95, report
    assert result["bad"] == 0, report


@pytest.mark.dev
def test_heldout_gold_precision_and_recall(dev_corpus: Path, tmp_path: Path) -> None:
    """On 6 documents annotated after the extractor was built: precision and recall at least 0.95."""
    gold = GOLD / "heldout.jsonl"
    files = [dev_corpus.parent / row["file"] for row in load_jsonl(gold)]
    result, report = score(gold, dev_corpus.parent, files, tmp_path)
    assert result["p"] >= 0.95, report
    assert result["r"] >= 0.95, report


@pytest.mark.dev
@pytest.mark.parametrize("name", ["dev.jsonl", "heldout.jsonl"])
def test_dev_gold_is_well_formed(dev_corpus: Path, name: str) -> None:
    """Every gold row names an existing file and uses canonical spellings."""
    from unkg.grammar import canonical_symbol

    for row in load_jsonl(GOLD / name):
        assert (dev_corpus.parent / row["file"]).is_file(), row["file"]
        assert not set(row["required"]) & set(row.get("optional", [])), row["file"]
        for target in row["required"]:
            if "/" in target:
                assert canonical_symbol(target) == target, target


def test_spans_index_the_text(tmp_path: Path) -> None:
    """For every citation of the sample corpus, text == file_text[start:end]."""
    checked = 0
    for extraction in extract_many([str(ROOT / "corpus" / "sample")]):
        text = Path(extraction.source).read_text(encoding="utf-8")
        for c in extraction.citations:
            assert text[c.start : c.end] == c.text, c
            checked += 1
    assert checked > 40


def test_contract_fields(tmp_path: Path) -> None:
    """Each JSON line carries the contract's fields with their types."""
    line = next(extract_many([str(ROOT / "corpus" / "sample" / "A_RES_61_165.txt")]))
    obj = json.loads(to_jsonl(line))
    assert {"source", "sha256", "symbol", "errors", "citations"} <= set(obj)
    assert obj["symbol"] == "A/RES/61/165"
    assert len(obj["sha256"]) == 64
    first = obj["citations"][0]
    assert {"target", "kind", "text", "start", "end", "paragraph", "function", "pinpoint", "via"} <= set(first)


def test_an_extraction_comes_back_from_its_reading_process_whole() -> None:
    """What a reading process sends back (pickled as its class called with its fields' values) is the extraction,
    every field, the citations it keeps and drops too."""
    import dataclasses
    import pickle

    from unkg import extract_text

    text = (
        "Recalling its resolution 60/169 of 16 December 2005, Security Council resolution 1590 (2004) of 12 May 2004"
        " and the Charter of the United Nations, 2 the Convention."
    )
    original = extract_text(text)
    assert original.citations and original.contexts and original.dropped  # 1590 is of 2005: dropped
    copy = pickle.loads(pickle.dumps(original, protocol=pickle.HIGHEST_PROTOCOL))
    for f in dataclasses.fields(original):
        assert getattr(copy, f.name) == getattr(original, f.name), f.name
    assert [dataclasses.astuple(c) for c in copy.citations] == [dataclasses.astuple(c) for c in original.citations]
