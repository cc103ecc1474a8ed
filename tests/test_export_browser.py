"""The HTML export in a real headless Chromium (Debian's, installed by .ci/run), driven by Playwright.

The page is opened from the file itself, at the default zoom: no console
error or warning, no request for anything but the file, every node drawn
inside the canvas and none over another, labels legible (13 px) and none
over another, the most important labelled, all labelled when zoomed in;
search finds a resolution, a click shows its citations with quoted text
and links and keeps the work in sight, filters and the lineage view change
what is shown, and the lineage fills the canvas; a selected member of a
series shows the series as a timeline, whose members select their works.
Screenshots go to build/screenshots/ for a person to look at.
"""

from __future__ import annotations

import itertools
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


def driver_note(text: str) -> bool:
    """Chromium's own note on its software GL driver ("GPU stall due to ReadPixels", when sigma.js picks the work
    under the mouse): a message of the browser's renderer, not of the page."""
    return text.startswith("[.WebGL-") and "GL Driver Message" in text and "Performance" in text


def wait_until(pg: object, what: str, timeout: float = 30.0) -> None:
    """Poll until the JavaScript expression ``what`` is true (wait_for_function evaluates strings: the CSP forbids it)."""
    for _ in range(int(timeout * 20)):
        if pg.evaluate(what):  # type: ignore[attr-defined]
            return
        pg.wait_for_timeout(50)  # type: ignore[attr-defined]
    raise AssertionError(f"{what} still false after {timeout} s")


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


def open_page(browser: object, path: Path) -> tuple[object, object, list[str], list[str]]:
    """(context, page, console messages, requests made) with the page at ``path`` open; every other request refused."""
    context = browser.new_context(viewport={"width": 1400, "height": 850})  # type: ignore[attr-defined]
    pg = context.new_page()
    messages: list[str] = []
    requests: list[str] = []
    pg.on("console", lambda m: messages.append(f"{m.type}: {m.text}") if not driver_note(m.text) else None)
    pg.on("pageerror", lambda e: messages.append(f"pageerror: {e}"))
    url = path.resolve().as_uri()

    def guard(route: object) -> None:
        requests.append(route.request.url)  # type: ignore[attr-defined]
        if route.request.url == url:  # type: ignore[attr-defined]
            route.continue_()  # type: ignore[attr-defined]
        else:
            route.abort()  # type: ignore[attr-defined]

    pg.route("**/*", guard)
    pg.goto(url)
    wait_until(pg, "window.unkg !== undefined")
    return context, pg, messages, requests


@pytest.fixture
def page(browser: object) -> Iterator[tuple[object, list[str], list[str]]]:
    """A page with the export open; with the console messages and the requests made."""
    context, pg, messages, requests = open_page(browser, PAGE)
    yield pg, messages, requests
    context.close()  # type: ignore[attr-defined]


def expected() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def node_count() -> int:
    return len(expected()["elements"]["nodes"])


def places(pg: object) -> dict[str, dict]:
    """Where each work is drawn: centre and radius in CSS pixels of the canvas (None when hidden)."""
    return pg.evaluate("window.unkg.data.nodes.reduce((o, d) => { o[d.id] = window.unkg.place(d.id); return o; }, {})")  # type: ignore[attr-defined]


def overlapping(rects: list[dict]) -> list[tuple[str, str]]:
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            if (
                a["x"] < b["x"] + b["w"]
                and b["x"] < a["x"] + a["w"]
                and a["y"] < b["y"] + b["h"]
                and b["y"] < a["y"] + a["h"]
            ):
                out.append((a["id"], b["id"]))
    return out


def canvas_size(pg: object) -> tuple[float, float]:
    box = pg.locator("#cy").bounding_box()  # type: ignore[attr-defined]
    return box["width"], box["height"]


def test_page_renders_every_node_offline(page: tuple) -> None:
    """No console errors or warnings, only the file itself is requested, all nodes drawn inside the canvas, none over another."""
    pg, messages, requests = page
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network.png"))
    n = node_count()
    w, h = canvas_size(pg)
    drawn = places(pg)
    assert len(drawn) == n and all(p is not None for p in drawn.values())
    assert all(
        p["r"] >= 3 and p["x"] - p["r"] > 0 and p["y"] - p["r"] > 0 and p["x"] + p["r"] < w and p["y"] + p["r"] < h
        for p in drawn.values()
    )
    # No two works cover each other: circles by their radius, instruments' squares by their corners (0.8 * sqrt 2 radii).
    kinds = {d["data"]["id"]: d["data"]["kind"] for d in expected()["elements"]["nodes"]}
    reach = {k: p["r"] * (1.132 if kinds[k] == "instrument" else 1.0) for k, p in drawn.items()}
    ids = sorted(drawn)
    for i, a in enumerate(ids):
        for b in ids[i + 1 :]:
            d = ((drawn[a]["x"] - drawn[b]["x"]) ** 2 + (drawn[a]["y"] - drawn[b]["y"]) ** 2) ** 0.5
            assert d >= reach[a] + reach[b], (a, b, d, reach[a], reach[b])
    assert pg.evaluate("window.unkg.shown()") == {"nodes": n, "edges": len(expected()["elements"]["edges"])}
    assert pg.inner_text("#count").startswith(f"{n} of {n} works shown")
    # The canvases have really been painted: WebGL nodes and edges (read in the frame that draws them), and labels.
    painted = pg.evaluate(
        """() => { const r = window.unkg.renderer; r.render(); const out = {};
             for (const [name, c] of Object.entries(r.getCanvases())) {
               if (!['nodes', 'edges'].includes(name)) continue;
               const gl = c.getContext('webgl2'), px = new Uint8Array(c.width * c.height * 4);
               gl.readPixels(0, 0, c.width, c.height, gl.RGBA, gl.UNSIGNED_BYTE, px);
               let k = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) k++;
               out[name] = k; }
             return out; }"""
    )
    assert painted["nodes"] > n * 50 and painted["edges"] > 500, painted
    assert messages == []
    assert requests == [PAGE.resolve().as_uri()]


def test_labels_legible_apart_and_by_importance(page: tuple) -> None:
    """At the default zoom labels are 13 px, none over another or over a more important work; the most important shown.

    Zoomed in, every work in sight is labelled.
    """
    pg, messages, _ = page
    labels = pg.evaluate("window.unkg.labels()")
    w, h = canvas_size(pg)
    assert len(labels) >= 10
    assert all(lab["px"] >= 12 and lab["h"] >= 12 for lab in labels)
    assert overlapping(labels) == []
    assert all(
        lab["x"] >= 0 and lab["x"] + lab["w"] <= w and lab["y"] >= 0 and lab["y"] + lab["h"] <= h for lab in labels
    )
    nodes = [d["data"] for d in expected()["elements"]["nodes"]]
    ranked = sorted(nodes, key=lambda d: (-d["pagerank"], -d["in_degree"], d["id"]))
    shown = {lab["id"] for lab in labels}
    assert {d["id"] for d in ranked[:5]} <= shown
    # Each label is really written: its box holds dark pixels on the label canvas.
    ink = pg.evaluate(
        """(labels) => { const c = document.getElementById('labels'), k = c.width / c.clientWidth;
             const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;  // read once
             return labels.map(l => { let dark = 0;
               for (let y = Math.floor(l.y * k); y < (l.y + l.h) * k; y++)
                 for (let x = Math.floor(l.x * k); x < (l.x + l.w) * k; x++) {
                   const i = (y * c.width + x) * 4; if (d[i + 3] > 200 && d[i] < 100) dark++; }
               return dark; }); }""",
        labels,
    )
    assert min(ink) > 10, ink
    drawn = places(pg)
    for lab in labels:  # no label covers the disc of a work more important than its own
        mine = next(i for i, d in enumerate(ranked) if d["id"] == lab["id"])
        for d in ranked[:mine]:
            p = drawn[d["id"]]
            assert not (
                lab["x"] < p["x"] + p["r"]
                and p["x"] - p["r"] < lab["x"] + lab["w"]
                and lab["y"] < p["y"] + p["r"]
                and p["y"] - p["r"] < lab["y"] + lab["h"]
            ), (lab, d["id"])
    pg.evaluate("window.unkg.renderer.getCamera().setState({ratio: 0.3})")
    pg.wait_for_timeout(100)
    drawn = places(pg)
    in_sight = {k for k, p in drawn.items() if 0 < p["x"] < w - 150 and 20 < p["y"] < h - 20}
    labels = pg.evaluate("window.unkg.labels()")
    assert in_sight and in_sight <= {lab["id"] for lab in labels}
    assert overlapping(labels) == []
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network-zoom.png"))
    assert messages == []


def test_search_finds_a_resolution(page: tuple) -> None:
    """Typing part of a symbol lists the resolution; Enter selects it and shows its details."""
    pg, messages, _ = page
    pg.fill("#search", "61/165")
    assert pg.locator("#results li").first.get_attribute("data-id") == "A/RES/61/165"
    pg.press("#search", "Enter")
    assert pg.inner_text("#details h2") == "A/RES/61/165"
    assert pg.evaluate("window.unkg.selected()") == "A/RES/61/165"
    pg.fill("#search", "migrant workers")  # by name: the Convention
    assert "ICRMW" in [li.get_attribute("data-id") for li in pg.locator("#results li").all()]
    assert messages == []


def test_click_shows_citations_and_keeps_the_work_in_sight(page: tuple) -> None:
    """A real mouse click on A/RES/61/165 lists what it cites, quoted, with undocs.org links; the picture does not move."""
    pg, messages, _ = page
    box = pg.locator("#cy").bounding_box()
    camera = "JSON.stringify(window.unkg.renderer.getCamera().getState())"
    before = pg.evaluate(camera)
    pos = pg.evaluate("window.unkg.place('A/RES/61/165')")
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
    # The selection stays where it was, in the canvas, clear of the details panel.
    assert pg.evaluate(camera) == before
    after = pg.evaluate("window.unkg.place('A/RES/61/165')")
    panel = pg.locator("#details").bounding_box()
    assert (after["x"], after["y"]) == (pos["x"], pos["y"])
    assert box["x"] < box["x"] + after["x"] + after["r"] < panel["x"]
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network-click.png"))
    assert messages == []


def test_selecting_a_work_out_of_sight_brings_it_in(page: tuple) -> None:
    """Zoomed in away from a work, selecting it (by search) moves the view so that it is inside the canvas."""
    pg, messages, _ = page
    w, h = canvas_size(pg)
    pg.evaluate("window.unkg.renderer.getCamera().setState({x: 0.05, y: 0.05, ratio: 0.1})")
    pg.wait_for_timeout(50)
    p = pg.evaluate("window.unkg.place('A/RES/61/165')")
    assert not (0 < p["x"] < w and 0 < p["y"] < h)
    pg.evaluate("window.unkg.select('A/RES/61/165')")
    pg.wait_for_timeout(50)
    p = pg.evaluate("window.unkg.place('A/RES/61/165')")
    assert 0 < p["x"] < w and 0 < p["y"] < h
    assert messages == []


def shown(pg: object, what: str, expected: object) -> None:
    """Poll (5 s at most) until the JavaScript expression ``what`` is ``expected``.

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
    """Unticking 'instrument' hides the instruments; the lineage view shows the resolution and the 20 works it cites.

    The lineage is laid out by year, left to right, over the whole canvas, its works labelled with their year.
    """
    pg, messages, _ = page
    visible = "window.unkg.shown().nodes"
    nodes = expected()["elements"]["nodes"]
    instruments = sum(1 for n in nodes if n["data"]["kind"] == "instrument")
    pg.uncheck("input.organ[value=instrument]")
    shown(pg, visible, len(nodes) - instruments)
    assert pg.evaluate("window.unkg.place('ICRMW')") is None
    pg.check("input.organ[value=instrument]")
    pg.fill("#year-from", "2005")  # undated works stay; works dated before 2005 go
    pg.dispatch_event("#year-from", "input")
    before_2005 = sum(1 for n in nodes if n["data"]["year"] is not None and n["data"]["year"] < 2005)
    shown(pg, visible, len(nodes) - before_2005)
    pg.fill("#year-from", "1945")
    pg.dispatch_event("#year-from", "input")
    pg.uncheck("input.function[value=recalls]")
    pg.uncheck("input.function[value=reaffirms]")
    edge = "window.unkg.edgeVisible('A/RES/61/165', 'A/RES/60/169')"
    shown(pg, edge, False)
    pg.check("input.function[value=recalls]")
    shown(pg, edge, True)
    pg.check("input.function[value=reaffirms]")
    pg.evaluate("window.unkg.select('A/RES/61/165')")
    pg.click("#lineage")
    shown(pg, visible, 21)
    assert pg.inner_text("#count").startswith("lineage of A/RES/61/165: 21 works")
    drawn = {k: p for k, p in places(pg).items() if p is not None}
    assert len(drawn) == 21
    # Laid out by year: a later work stands to the right of an earlier one.
    x = [drawn[k]["x"] for k in ("UDHR", "ICRMW", "A/RES/61/165")]
    assert x[0] < x[1] < x[2]
    # It uses the space: the works spread over most of the canvas's width and height.
    w, h = canvas_size(pg)
    xs = [p["x"] for p in drawn.values()]
    ys = [p["y"] for p in drawn.values()]
    assert max(xs) - min(xs) > 0.6 * w and max(ys) - min(ys) > 0.5 * h, (xs, ys, w, h)
    labels = pg.evaluate("window.unkg.labels()")
    named = {lab["id"] for lab in labels}  # with its year: three quarters at least, the selected work among them
    assert named <= set(drawn) and len(named) >= 0.75 * len(drawn) and "A/RES/61/165" in named
    assert overlapping(labels) == [] and all(lab["h"] >= 2 * 14 for lab in labels)
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
        pg.on(
            "console",
            lambda m, messages=messages: messages.append(f"{m.type}: {m.text}") if not driver_note(m.text) else None,
        )
        pg.on("pageerror", lambda e, messages=messages: messages.append(f"pageerror: {e}"))
        pg.goto(path.resolve().as_uri())
        scripts = pg.evaluate("document.scripts.length")
        defined = pg.evaluate("window.unkg !== undefined")
        assert (scripts, defined) == (4, True), (text, messages)
        names = pg.evaluate("window.unkg.data.nodes.map(n => n.name).sort()")
        assert names == [f"{text} (A/RES/1/1)", f"{text} (A/RES/2/1)"]
        assert pg.evaluate("window.pwned === undefined")
        assert messages == []
        context.close()


def timeline_readable(pg: object) -> dict:
    """The timeline shown: members in year order, left to right; labels apart, each over its own mark's column or
    beside it; marks and labels inside the drawing, the drawing inside its panel, the panel inside the picture."""
    t = pg.evaluate("window.unkg.timeline()")  # type: ignore[attr-defined]
    assert t is not None and pg.is_visible("#timeline")  # type: ignore[attr-defined]
    years = [m["year"] for m in t["members"]]
    assert years == sorted(years)
    xs = [m["x"] for m in t["members"]]
    assert all(a < b if ya < yb else a == b for a, b, ya, yb in zip(xs, xs[1:], years, years[1:], strict=False))
    assert overlapping([dict(lab, id=lab["symbol"]) for lab in t["labels"]]) == []
    for lab in t["labels"]:
        assert lab["x"] >= 0 and lab["x"] + lab["w"] <= t["width"] and lab["y"] >= 0 and lab["y"] + lab["h"] <= t["height"]
        mark = next(m for m in t["members"] if m["symbol"] == lab["symbol"])
        assert lab["x"] - 3 <= mark["x"] <= lab["x"] + lab["w"] + 3  # its leader line drops from the label
    for m in t["members"]:
        assert m["r"] >= 2.5 and m["r"] <= m["x"] <= t["width"] - m["r"] and m["r"] <= m["y"] <= t["height"] - m["r"]
    xs_sorted = sorted(xs)
    assert all(b - a >= 2 * t["members"][0]["r"] or a == b for a, b in itertools.pairwise(xs_sorted))
    svg, panel = t["svg"], t["panel"]
    graph = pg.locator("#graph").bounding_box()  # type: ignore[attr-defined]
    assert svg["w"] == t["width"] and panel["x"] <= svg["x"] and svg["x"] + svg["w"] <= panel["x"] + panel["w"]
    assert svg["y"] + svg["h"] <= panel["y"] + panel["h"] + 0.5
    assert graph["x"] <= panel["x"] and panel["x"] + panel["w"] <= graph["x"] + graph["width"]
    assert graph["y"] <= panel["y"] and panel["y"] + panel["h"] <= graph["y"] + graph["height"] + 0.5
    return t


def test_series_timeline_of_a_selected_member(page: tuple) -> None:
    """Clicking A/RES/61/165 shows its series (60/169, 61/165) by year, itself marked; clicking 60/169 there selects it.

    The Series control lists the series and shows one; a work in no series hides the timeline; search and
    filters work with it open.
    """
    pg, messages, requests = page
    assert not pg.is_visible("#timeline")
    box = pg.locator("#cy").bounding_box()
    pos = pg.evaluate("window.unkg.place('A/RES/61/165')")
    pg.mouse.click(box["x"] + pos["x"], box["y"] + pos["y"])
    pg.wait_for_selector("#timeline", state="visible")
    t = timeline_readable(pg)
    assert t["series"] == "Protection of migrants"
    assert [(m["symbol"], m["year"], m["in_corpus"], m["selected"]) for m in t["members"]] == [
        ("A/RES/60/169", 2005, False, False),
        ("A/RES/61/165", 2006, True, True),
    ]
    assert {lab["symbol"] for lab in t["labels"]} == {"A/RES/60/169", "A/RES/61/165"}
    assert "2 members: 1 in the corpus" in pg.inner_text("#timeline")
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network-series.png"))
    pg.click("#tl-svg g[data-symbol='A/RES/60/169']")  # a real click on the mark
    shown(pg, "window.unkg.selected()", "A/RES/60/169")
    assert pg.inner_text("#details h2") == "A/RES/60/169"
    assert [m["selected"] for m in timeline_readable(pg)["members"]] == [True, False]
    pg.fill("#search", "ICRMW")  # search and select a work in no series: the timeline goes
    pg.press("#search", "Enter")
    shown(pg, "window.unkg.selected()", "ICRMW")
    assert not pg.is_visible("#timeline")
    options = pg.eval_on_selector_all("#series option", "os => os.map(o => o.textContent)")
    assert options == ["1 series: choose one", "Protection of migrants (2 members, 1 in the corpus)"]
    pg.select_option("#series", "0")  # from the control: shown, no member selected
    t = timeline_readable(pg)
    assert [m["selected"] for m in t["members"]] == [False, False]
    pg.uncheck("input.organ[value=instrument]")  # the filters still work, the timeline stays
    shown(pg, "window.unkg.visible('ICRMW')", False)
    assert pg.is_visible("#timeline")
    pg.check("input.organ[value=instrument]")
    pg.click("#tl-close")
    assert not pg.is_visible("#timeline") and pg.evaluate("window.unkg.timeline()") is None
    assert messages == []
    assert requests == [PAGE.resolve().as_uri()]


def test_series_timeline_of_a_long_series_stays_readable(browser: object, tmp_path: Path) -> None:
    """A series of 54 members (1971-2025, two in the corpus): all drawn by year in the panel, no label over another,
    the selected member and those the corpus holds labelled; its paragraph changes said; a click selects another."""
    from tests.test_export import series_store

    from unkg import export as ex
    from unkg import network as net
    from unkg.series.timeline import store_series

    kg = series_store(tmp_path)
    g = net.load_graph(kg.store)
    path = tmp_path / "network.html"
    path.write_text(ex.html(g, net.analyse(g), series=store_series(kg.store, g)), encoding="utf-8")
    context, pg, messages, requests = open_page(browser, path)
    pg.evaluate("window.unkg.select('A/RES/79/113')")  # type: ignore[attr-defined]
    t = timeline_readable(pg)
    assert len(t["members"]) > 40 and t["series"] == "Dissemination of information on decolonization"
    assert [m["symbol"] for m in t["members"] if m["selected"]] == ["A/RES/79/113"]
    assert {m["symbol"] for m in t["members"] if m["in_corpus"]} == {"A/RES/78/100", "A/RES/79/113"}
    labelled = {lab["symbol"] for lab in t["labels"]}
    pg.locator("#timeline").screenshot(path=str(SHOTS / "network-series-long.png"))  # type: ignore[attr-defined]
    assert {"A/RES/78/100", "A/RES/79/113", "A/RES/80/104"} <= labelled and len(labelled) >= 10
    changes = pg.inner_text("#tl-changes")  # type: ignore[attr-defined]
    assert "A/RES/79/113: from A/RES/78/100: 1 new, 1 edited, 1 moved, 4 unchanged, 0 dropped" in changes
    pg.locator("#timeline").screenshot(path=str(SHOTS / "network-series-long.png"))  # type: ignore[attr-defined]
    pg.click("#tl-svg g[data-symbol='A/RES/78/100']")  # type: ignore[attr-defined]
    shown(pg, "window.unkg.selected()", "A/RES/78/100")
    assert "in the corpus; no earlier member aligned" in pg.inner_text("#tl-changes")  # type: ignore[attr-defined]
    marks = {m["symbol"]: m for m in pg.evaluate("window.unkg.timeline().members")}  # type: ignore[attr-defined]
    assert marks["A/RES/77/148"]["clickable"]  # cited by 78/100: a work of the picture, though not in the corpus
    assert not marks["A/RES/2879(XXVI)"]["clickable"]  # not in the picture: nothing to select
    assert messages == [] and requests == [path.resolve().as_uri()]
    context.close()  # type: ignore[attr-defined]


def test_large_network_draws_a_bounded_number_of_lines(browser: object, tmp_path: Path) -> None:
    """Past 5,000 citing pairs the page draws them itself: some lines at once (not all), the selected work picked by
    a real click over its disc, a filter hiding the pairs of the works it hides; no console error, nothing fetched."""
    import random

    import networkx as nx

    from unkg import export as ex
    from unkg import network as net

    rng = random.Random(5)
    g = nx.DiGraph()
    organs = ("GA", "SC")
    for i in range(3000):
        g.add_node(f"A/RES/{i}", label=f"A/RES/{i}", name="", kind="document", type="Resolution",
                   organ=organs[i % 2], year=1946 + i // 50, in_corpus=True, url="")  # fmt: skip
    for i in range(1, 3000):
        for _ in range(4):
            j = min(rng.randrange(i), rng.randrange(i))  # the older and the more cited, the likelier
            g.add_edge(f"A/RES/{i}", f"A/RES/{j}", weight=1, functions=["recalls"], citations=[])
    assert g.number_of_edges() > 5000
    path = tmp_path / "large.html"
    path.write_text(ex.html(g, net.analyse(g)), encoding="utf-8")
    context, pg, messages, requests = open_page(browser, path)
    drawn = pg.evaluate("window.unkg.drawnEdges()")  # type: ignore[attr-defined]
    assert 1000 < drawn < g.number_of_edges()  # the most important at once, not every one
    painted = pg.evaluate(  # type: ignore[attr-defined]
        """() => { const r = window.unkg.renderer; r.render(); const gl = r.webGLContexts.edges;
             const px = new Uint8Array(gl.canvas.width * gl.canvas.height * 4);
             gl.readPixels(0, 0, gl.canvas.width, gl.canvas.height, gl.RGBA, gl.UNSIGNED_BYTE, px);
             let k = 0; for (let i = 3; i < px.length; i += 4) if (px[i]) k++; return k; }"""
    )
    assert painted > 10000
    top = pg.evaluate("window.unkg.search('A/RES/')[0]")  # type: ignore[attr-defined]
    place = pg.evaluate("id => window.unkg.place(id)", top)  # type: ignore[attr-defined]
    box = pg.locator("#cy").bounding_box()  # type: ignore[attr-defined]
    pg.mouse.click(box["x"] + place["x"], box["y"] + place["y"])  # type: ignore[attr-defined]
    shown(pg, "window.unkg.selected()", top)
    assert pg.inner_text("#details h2") == top  # type: ignore[attr-defined]
    assert "show all" in pg.inner_text("#details")  # type: ignore[attr-defined]  # a long list: its first 50
    pg.uncheck("input.organ[value=SC]")  # type: ignore[attr-defined]
    shown(pg, "window.unkg.shown().nodes", 1500)
    after = pg.evaluate("window.unkg.drawnEdges()")  # type: ignore[attr-defined]
    assert after <= pg.evaluate("window.unkg.shown().edges")  # type: ignore[attr-defined]
    pair = next((u, v) for u, v in g.edges() if g.nodes[u]["organ"] == "SC")
    assert not pg.evaluate("p => window.unkg.edgeVisible(p[0], p[1])", list(pair))  # type: ignore[attr-defined]
    pg.evaluate("window.unkg.renderer.getCamera().setState({ratio: 0.2})")  # type: ignore[attr-defined]
    pg.wait_for_timeout(300)  # type: ignore[attr-defined]
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / "network-large-zoom.png"))  # type: ignore[attr-defined]
    assert messages == [] and requests == [path.resolve().as_uri()]
    context.close()  # type: ignore[attr-defined]
