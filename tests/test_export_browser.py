"""The HTML export in a real headless Chromium (Debian's, installed by .ci/run), driven by Playwright.

The page is opened from the file itself: no console error or warning, no
request for anything but the file, every node drawn inside the canvas,
search finds a resolution, a click shows its citations with quoted text
and links, filters and the lineage view change what is shown.
Screenshots go to build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.conftest import CHROMIUM, ROOT
from tests.conftest import CHROMIUM_FLAGS as FLAGS

PAGE = ROOT / "exports" / "network" / "network.html"
DATA = ROOT / "exports" / "network" / "network.cyjs.json"
SHOTS = ROOT / "build" / "screenshots"


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's Chromium, headless, with a fresh profile."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} missing: .ci/run should have installed Debian's chromium")
        pytest.skip(f"{CHROMIUM} missing: apt-get install chromium (CI installs it)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is installed by make setup")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str], list[str]]]:
    """A page with the export open; with the console messages and the requests made."""
    context = browser.new_context(viewport={"width": 1400, "height": 850})  # type: ignore[attr-defined]
    pg = context.new_page()
    messages: list[str] = []
    requests: list[str] = []
    pg.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    pg.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    url = PAGE.resolve().as_uri()

    def guard(route: object) -> None:
        requests.append(route.request.url)  # type: ignore[attr-defined]
        if route.request.url == url:  # type: ignore[attr-defined]
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    pg.route("**/*", guard)
    pg.goto(url)
    pg.wait_for_function("window.unkg !== undefined")
    yield pg, messages, requests
    context.close()


def expected() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_page_renders_every_node_offline(page: tuple) -> None:
    """No console errors or warnings, only the file itself is requested, all nodes drawn inside the canvas."""
    pg, messages, requests = page
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network.png"))
    n = len(expected()["elements"]["nodes"])
    drawn = pg.evaluate(
        """() => {
          const cy = window.unkg.cy, w = cy.width(), h = cy.height();
          return cy.nodes().filter(n => {
            const b = n.renderedBoundingBox();
            return n.visible() && b.x2 > 0 && b.y2 > 0 && b.x1 < w && b.y1 < h && b.w > 0;
          }).length;
        }"""
    )
    assert drawn == n
    shown(pg, "window.unkg.cy.edges(':visible').length", len(expected()["elements"]["edges"]))
    assert pg.inner_text("#count").startswith(f"{n} of {n} works shown")
    # The canvas has really been painted: not one uniform colour.
    colours = pg.evaluate(
        """() => { const c = document.querySelector('#cy canvas[data-id="layer2-node"]') ||
                              document.querySelectorAll('#cy canvas')[2];
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   const seen = new Set(); for (let i = 0; i < d.length; i += 4000) seen.add(d[i] + ',' + d[i+1] + ',' + d[i+2] + ',' + d[i+3]);
                   return seen.size; }"""
    )
    assert colours > 3
    assert messages == []
    assert requests == [PAGE.resolve().as_uri()]


def test_search_finds_a_resolution(page: tuple) -> None:
    """Typing part of a symbol lists the resolution; Enter selects it and shows its details."""
    pg, messages, _ = page
    pg.fill("#search", "61/165")
    assert pg.locator("#results li").first.get_attribute("data-id") == "A/RES/61/165"
    pg.press("#search", "Enter")
    assert pg.inner_text("#details h2") == "A/RES/61/165"
    assert pg.evaluate("window.unkg.cy.$(':selected').map(n => n.id())") == ["A/RES/61/165"]
    pg.fill("#search", "migrant workers")  # by name: the Convention
    assert "ICRMW" in [li.get_attribute("data-id") for li in pg.locator("#results li").all()]
    assert messages == []


def test_click_shows_citations_with_quotes_and_links(page: tuple) -> None:
    """A real mouse click on the node of A/RES/61/165 lists what it cites, quoted, with undocs.org links."""
    pg, messages, _ = page
    box = pg.locator("#cy").bounding_box()
    pos = pg.evaluate("window.unkg.cy.getElementById('A/RES/61/165').renderedPosition()")
    pg.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    pg.wait_for_selector("#details h2")
    assert pg.inner_text("#details h2") == "A/RES/61/165"
    details = pg.inner_text("#details")
    assert "Cites (20)" in details and "Cited by (0)" in details
    assert re.search(r"pp1 recalls:\s*resolution 60/169", details), details[:500]
    quotes = pg.eval_on_selector_all("#details q", "qs => qs.map(q => q.textContent)")
    assert "resolution 60/169" in quotes and len(quotes) >= 20  # the quoted text, in <q> elements
    hrefs = pg.eval_on_selector_all("#details a[href^='https://undocs.org/']", "as => as.map(a => a.href)")
    assert "https://undocs.org/A/RES/60/169" in hrefs and "https://undocs.org/A/RES/61/165" in hrefs
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network-click.png"))
    assert messages == []


def shown(pg: object, what: str, expected: object) -> None:
    """Poll (5 s at most) until the JavaScript expression ``what`` is ``expected``: Cytoscape settles edges a frame later.

    Polled from here: Playwright's wait_for_function would evaluate strings, which the page's CSP forbids.
    """
    value = None
    for _ in range(50):
        value = pg.evaluate(what)  # type: ignore[attr-defined]
        if value == expected:
            return
        pg.wait_for_timeout(100)  # type: ignore[attr-defined]
    raise AssertionError(f"{what} is {value!r} after 5 s, expected {expected!r}")


def test_filters_and_lineage(page: tuple) -> None:
    """Unticking 'instrument' hides the instruments; the lineage view shows the resolution and the 20 works it cites."""
    pg, messages, _ = page
    visible = "window.unkg.cy.nodes(':visible').length"
    nodes = expected()["elements"]["nodes"]
    instruments = sum(1 for n in nodes if n["data"]["kind"] == "instrument")
    pg.uncheck("input.organ[value=instrument]")
    shown(pg, visible, len(nodes) - instruments)
    pg.check("input.organ[value=instrument]")
    pg.fill("#year-from", "2005")  # undated works stay; works dated before 2005 go
    pg.dispatch_event("#year-from", "input")
    before_2005 = sum(1 for n in nodes if n["data"]["year"] is not None and n["data"]["year"] < 2005)
    shown(pg, visible, len(nodes) - before_2005)
    pg.fill("#year-from", "1945")
    pg.dispatch_event("#year-from", "input")
    pg.uncheck("input.function[value=recalls]")
    pg.uncheck("input.function[value=reaffirms]")
    edge = (
        "window.unkg.cy.edges().filter(e => e.source().id() === 'A/RES/61/165' && e.target().id() === 'A/RES/60/169')"
    )
    shown(pg, f"{edge}.visible()", False)
    pg.check("input.function[value=recalls]")
    shown(pg, f"{edge}.visible()", True)
    pg.check("input.function[value=reaffirms]")
    pg.evaluate("window.unkg.select('A/RES/61/165')")
    pg.click("#lineage")
    shown(pg, visible, 21)
    assert pg.inner_text("#count").startswith("lineage of A/RES/61/165: 21 works")
    # Laid out by year: a later work stands to the right of an earlier one.
    x = pg.evaluate("['UDHR', 'ICRMW', 'A/RES/61/165'].map(id => window.unkg.cy.getElementById(id).position('x'))")
    assert x[0] < x[1] < x[2]
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network-lineage.png"))
    pg.click("#all")
    shown(pg, visible, len(nodes))
    assert messages == []


def test_hostile_titles_stay_data(browser: object, tmp_path: Path) -> None:
    """Titles holding `<!--<script`, `</script>` and the like: the page still runs, and shows each title as text."""
    from tests.test_hardening_store import hostile_graph

    from unkg import export as ex
    from unkg import network as net

    for i, text in enumerate(["<!--<script", "</script><script>window.pwned = 1</script>", "<!--<SCRIPT>-->"]):
        g = hostile_graph(text)
        path = tmp_path / f"hostile{i}.html"
        path.write_text(ex.html(g, net.analyse(g)), encoding="utf-8")
        context = browser.new_context()  # type: ignore[attr-defined]
        pg = context.new_page()
        messages: list[str] = []
        pg.on("console", lambda m, messages=messages: messages.append(f"{m.type}: {m.text}"))
        pg.on("pageerror", lambda e, messages=messages: messages.append(f"pageerror: {e}"))
        pg.goto(path.resolve().as_uri())
        scripts = pg.evaluate("document.scripts.length")
        defined = pg.evaluate("window.unkg !== undefined")
        assert (scripts, defined) == (3, True), (text, messages)
        names = pg.evaluate("window.unkg.cy.nodes().map(n => n.data('name')).sort()")
        assert names == [f"{text} (A/RES/1/1)", f"{text} (A/RES/2/1)"]
        assert pg.evaluate("window.pwned === undefined")
        assert messages == []
        context.close()
