"""The build hook of unkg (hatchling): the front-end libraries are fetched from npm and packed at build time.

``pip install .``, ``pip install git+...``, ``pip install -e .``, a wheel and an
sdist all run it, so every install is the complete tool: the graph library of
the HTML export and the SPARQL editor of ``unkg serve`` come with it. What is
vendored, and from which web/ project, is the list ``[tool.unkg.vendor]`` of
pyproject.toml; the work is done by ``web/vendor.py`` (also run by ``make``).
An sdist carries the files, so installing it needs no npm.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


def _vendor_module(root: Path):
    spec = importlib.util.spec_from_file_location("unkg_web_vendor", root / "web" / "vendor.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


class VendorHook(BuildHookInterface):
    """Fetch and copy the vendored front-end files before the wheel or sdist is assembled."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        root = Path(self.root)
        vendor = _vendor_module(root)
        if os.environ.get("UNKG_VENDOR") == "skip":
            self.app.display_warning("unkg: UNKG_VENDOR=skip: built without the front-end libraries")
            return
        try:
            vendor.vendor(root, log=self.app.display_info)
        except vendor.VendorError as exc:
            self.app.abort(f"unkg: {exc}")
            raise SystemExit(1) from None  # abort exits; this keeps type checkers and odd frontends honest
        absent = vendor.missing(root)
        if absent:
            self.app.abort(f"unkg: vendored files still missing after the build hook: {', '.join(absent)}")
