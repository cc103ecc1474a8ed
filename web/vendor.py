"""Vendor the front-end libraries into the package: ``npm ci`` in each web/ project, then copy the files listed.

The list is ``[tool.unkg.vendor]`` in pyproject.toml, one line per file: the
file under web/ (after ``npm ci`` in its project, the folder holding its
package.json) = where it goes in the source tree. Adding a library is one
line there (and its dependency in the project's package.json). Versions are
pinned by each project's package-lock.json; the files are fetched from the npm
registry at build time, so nothing loads from the internet when unkg runs.

Run by the build (``hatch_build.py``: ``pip install .``, a wheel, an sdist,
``pip install -e .``) and by hand::

    python web/vendor.py          # fetch what is missing or out of date
    python web/vendor.py --check  # exit 1 when a vendored file is missing

A tree that carries the files already (an sdist unpacked by pip) needs no npm.
With the variable ``UNKG_VENDOR=skip`` the build leaves them out (the HTML
export and the server's editor then say so when used).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = ".unkg-package-lock.sha256"  # in node_modules: the lock file npm ci last installed


class VendorError(Exception):
    """The front-end libraries cannot be fetched; the message says why and what to do."""


def vendor_list(root: Path = ROOT) -> dict[str, str]:
    """``[tool.unkg.vendor]`` of pyproject.toml: file under web/ -> destination in the tree."""
    with open(root / "pyproject.toml", "rb") as f:
        table = tomllib.load(f).get("tool", {}).get("unkg", {}).get("vendor", {})
    if not table:
        raise VendorError(f"{root / 'pyproject.toml'}: no [tool.unkg.vendor] table (the files to vendor)")
    return dict(table)


def _project(source: str) -> str:
    """The web/ project of a listed file: 'graph' for 'graph/node_modules/cytoscape/dist/cytoscape.min.js'."""
    project, sep, _ = source.partition("/node_modules/")
    if not sep or "/" in project:
        raise VendorError(f"[tool.unkg.vendor] {source!r}: write it as PROJECT/node_modules/PACKAGE/FILE")
    return project


def _package(source: str) -> str:
    """The npm package a listed file belongs to: '@zazuko/yasgui', 'cytoscape'."""
    parts = source.split("/node_modules/", 1)[1].split("/")
    return "/".join(parts[:2]) if parts[0].startswith("@") else parts[0]


def _lock_digest(folder: Path) -> str:
    return hashlib.sha256((folder / "package-lock.json").read_bytes()).hexdigest()


def missing(root: Path = ROOT) -> list[str]:
    """The destinations of the list that are not in the tree."""
    return [dest for dest in vendor_list(root).values() if not (root / dest).is_file()]


def _npm_ci(folder: Path, log=print) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError(
            f"npm is needed to fetch unkg's front-end libraries (web/{folder.name}/package.json) "
            "and was not found: install Node.js with npm (Debian and Ubuntu: `apt install npm`) and build again, "
            "or install from an sdist or a wheel, which carry them; UNKG_VENDOR=skip builds without them "
            "(no HTML export, no query editor)"
        )
    log(f"unkg: npm ci in web/{folder.name} (front-end libraries, pinned by its package-lock.json)")
    done = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise VendorError(
            f"`npm ci` in {folder} failed (exit status {done.returncode}): "
            + (done.stderr.strip() or done.stdout.strip())[-2000:]
        )
    (folder / "node_modules" / STAMP).write_text(_lock_digest(folder))


def vendor(root: Path = ROOT, log=print) -> list[str]:
    """Fetch and copy what is missing or out of date; returns the destinations written.

    A project is installed again (``npm ci``) when its package-lock.json changed since its last install; a tree
    without a project's node_modules but with every file of it (an unpacked sdist) is left as it is.
    """
    listed = vendor_list(root)
    by_project: dict[str, dict[str, str]] = {}
    for source, dest in listed.items():
        by_project.setdefault(_project(source), {})[source] = dest
    written = []
    for project, files in sorted(by_project.items()):
        folder = root / "web" / project
        modules = folder / "node_modules"
        present = all((root / dest).is_file() for dest in files.values())
        if not (folder / "package-lock.json").is_file():
            if present:
                continue
            raise VendorError(f"{folder}: no package-lock.json, and the files it vendors are missing")
        stamp = modules / STAMP
        fresh = stamp.is_file() and stamp.read_text().strip() == _lock_digest(folder)
        if present and (fresh or not modules.is_dir()):
            if not fresh:
                continue  # an sdist: the files came with it
            if all(
                (root / dest).read_bytes() == (root / "web" / source).read_bytes()
                for source, dest in files.items()
                if (root / "web" / source).is_file()
            ):
                continue
        if not fresh:
            _npm_ci(folder, log)
        notices: dict[Path, set[str]] = {}
        for source, dest in files.items():
            origin, target = root / "web" / source, root / dest
            if not origin.is_file():
                raise VendorError(f"[tool.unkg.vendor] {source!r}: no such file after `npm ci` in {folder}")
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, target)
            written.append(dest)
            meta = json.loads((modules / _package(source) / "package.json").read_text(encoding="utf-8"))
            notices.setdefault(target.parent, set()).add(
                f"{meta['name']} {meta['version']}, {meta.get('license', 'licence: see the package')} licence, "
                f"from the npm registry (web/{project})"
            )
            for dependency in meta.get("dependencies", {}):  # a minified file may bundle its dependencies
                dep_file = modules / dependency / "package.json"
                if dep_file.is_file():
                    dep = json.loads(dep_file.read_text(encoding="utf-8"))
                    notices[target.parent].add(
                        f"{dep['name']} {dep['version']}, {dep.get('license', 'licence: see the package')} licence, "
                        f"from the npm registry (web/{project}), a dependency of {meta['name']} (its file may "
                        "bundle it)"
                    )
        wanted = {root / dest for dest in listed.values()}
        for where, lines in notices.items():  # a vendor folder holds what the list names, and its NOTICE
            for stale in sorted(where.iterdir()):
                if stale.is_file() and stale.name != "NOTICE" and stale not in wanted:
                    log(f"unkg: {stale.relative_to(root)} is no longer listed: removed")
                    stale.unlink()
            (where / "NOTICE").write_text("".join(f"{line}\n" for line in sorted(lines)), encoding="utf-8")
    return written


def main(argv: list[str]) -> int:
    """``python web/vendor.py [--check]``."""
    try:
        if "--check" in argv:
            absent = missing()
            for dest in absent:
                print(f"missing: {dest}", file=sys.stderr)
            return 1 if absent else 0
        if os.environ.get("UNKG_VENDOR") == "skip":
            return 0
        vendor()
    except VendorError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
