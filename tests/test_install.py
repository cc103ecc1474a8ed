"""A complete install: the wheel and the sdist built from a clean checkout carry the front-end libraries.

The build hook (``hatch_build.py``, ``web/vendor.py``) fetches them with npm at
build time; installing the sdist needs no npm. ``make run`` installs the tool
alone, ``make test`` the test tools too.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDORED = (
    "unkg/export/vendor/graphology.umd.min.js",
    "unkg/export/vendor/sigma.min.js",
    "unkg/export/vendor/NOTICE",
    "unkg/serve/static/vendor/yasgui.min.js",
    "unkg/serve/static/vendor/yasgui.min.css",
    "unkg/serve/static/vendor/NOTICE",
)
TEST_TOOLS = ("pytest", "hypothesis", "ruff", "playwright", "rustworkx", "SPARQLWrapper", ".[test]")


def clean_checkout(dest: Path) -> Path:
    """The files git tracks (or would: untracked but not ignored), as they are in the working tree, copied."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    return dest


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def free_port() -> int:
    """A free port among those the tests may use (18200-18299)."""
    for port in range(18260, 18300):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18260-18299")


def get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read()


def check_install(venv: Path, work: Path) -> None:
    """The installed tool stores the sample corpus, exports the HTML page with its graph library, serves the
    editor with its script, and holds no test tool."""
    unkg = str(venv / "bin" / "unkg")
    store = work / "store"
    run([unkg, "ingest", str(ROOT / "corpus" / "sample"), "--store", str(store), "--quiet"])
    page = work / "network.html"
    run([unkg, "export", "--format", "html", "--store", str(store), "-o", str(page)])
    html = page.read_text(encoding="utf-8")
    assert "graphology" in html and "sigma" in html and len(html) > 150_000  # the libraries are inlined
    listed = run([str(venv / "bin" / "python"), "-m", "pip", "list", "--format", "json"]).stdout
    installed = {p["name"].lower() for p in json.loads(listed)}
    assert "unkg" in installed and "rich" in installed
    assert not installed & {"pytest", "ruff", "playwright", "rustworkx", "hypothesis"}
    port = free_port()
    server = subprocess.Popen(
        [unkg, "serve", "--store", str(store), "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, editor = get(f"http://127.0.0.1:{port}/editor")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
        assert status == 200
        assert b'<script src="/static/vendor/yasgui.min.js">' in editor
        assert b'id="editor-missing"' not in editor
        status, script = get(f"http://127.0.0.1:{port}/static/vendor/yasgui.min.js")
        assert status == 200 and len(script) > 100_000
    finally:
        server.terminate()
        server.wait(timeout=30)
        if server.stderr is not None:
            server.stderr.close()


@pytest.mark.slow
def test_wheel_and_sdist_from_a_clean_checkout_are_the_complete_tool(tmp_path: Path) -> None:
    """Built from a clean checkout (no vendored file, no node_modules), each of the wheel and the sdist installs
    into a fresh virtual environment the tool whole: HTML export and query editor included. The sdist installs
    without npm."""
    src = clean_checkout(tmp_path / "checkout")
    assert not (src / "src/unkg/export/vendor").exists() and not (src / "web/graph/node_modules").exists()
    dist = tmp_path / "dist"
    run([sys.executable, "-m", "build", "--wheel", "--sdist", "--outdir", str(dist), str(src)])
    (wheel,) = dist.glob("*.whl")
    (sdist,) = dist.glob("*.tar.gz")
    names = run([sys.executable, "-m", "zipfile", "-l", str(wheel)]).stdout
    assert all(name in names for name in VENDORED), names
    members = run(["tar", "-tzf", str(sdist)]).stdout
    assert all(f"src/{name}" in members for name in VENDORED) and "node_modules" not in members
    for name, artefact in (("wheel", wheel), ("sdist", sdist)):
        venv = tmp_path / f"venv-{name}"
        run([sys.executable, "-m", "venv", str(venv)])
        env = dict(os.environ)
        if name == "sdist":  # no npm on the PATH: the sdist carries the files
            env["PATH"] = str(venv / "bin")
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(artefact)], env=env)
        (tmp_path / name).mkdir()
        check_install(venv, tmp_path / name)


def test_without_npm_the_build_says_what_to_do(tmp_path: Path) -> None:
    """A checkout without the vendored files, built where npm is missing: one message naming npm, how to get it,
    and the ways round; exit status 1."""
    (tmp_path / "web").mkdir()
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copy2(ROOT / "web" / "vendor.py", tmp_path / "web" / "vendor.py")
    for lock in ROOT.glob("web/*/package*.json"):
        (tmp_path / "web" / lock.parent.name).mkdir(exist_ok=True)
        shutil.copy2(lock, tmp_path / "web" / lock.parent.name / lock.name)
    done = subprocess.run(
        [sys.executable, str(tmp_path / "web" / "vendor.py")],
        capture_output=True, text=True, check=False, env={**os.environ, "PATH": str(tmp_path)},
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        "Error: npm is needed to fetch unkg's front-end libraries (web/graph/package.json) and was not found: "
        "install Node.js with npm (Debian and Ubuntu: `apt install npm`) and build again, or install from an sdist "
        "or a wheel, which carry them; UNKG_VENDOR=skip builds without them (no HTML export, no query editor)\n"
    )


def test_make_run_installs_the_tool_alone_and_make_test_the_test_tools() -> None:
    """`make run` sets up the tool without the test and lint tools; `make test` adds them (dry runs of a fresh venv)."""
    env = {**os.environ, "MAKEFLAGS": ""}
    venv = "VENV=/nonexistent/unkg-dry-run/venv"  # never made: make -n only prints the commands
    for target, wanted in (("run", False), ("test", True), ("lint", True)):
        plan = run(["make", "-n", "-C", str(ROOT), venv, target], env=env).stdout
        assert "pip install --quiet -e ." in plan
        assert any(tool in plan for tool in TEST_TOOLS) == wanted, (target, plan)
