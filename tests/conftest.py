"""Shared fixtures: the catalogue, the corpus folders, the scorer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from unkg.catalogue import Catalogue, default_catalogue

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLE = ROOT / "corpus" / "sample"
DEV = SHARED / "corpus" / "dev"
GOLD = Path(__file__).parent / "gold"
# Debian's Chromium for the browser tests (.ci/run installs it), and the flags that keep it headless and
# off the network: without the background-networking ones it tries to reach Google's hosts at start.
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The bundled instrument catalogue."""
    return default_catalogue()


@pytest.fixture(scope="session")
def dev_corpus() -> Path:
    """The dev corpus of ../shared; tests that need it are skipped without it."""
    if not DEV.is_dir():
        pytest.skip(f"dev corpus absent: {DEV} (clone the project beside ../shared to run these)")
    return DEV


def load_jsonl(path: Path) -> list[dict]:
    """Rows of a JSON Lines file."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
