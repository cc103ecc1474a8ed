"""unkg serve in a real browser: headless Chromium (Debian's package) driven by Playwright.

The page must work with nothing from outside 127.0.0.1: every request that
leaves it is recorded (and aborted), and so is every console error; either
fails the test. Screenshots go to ``$UNKG_SCREENSHOTS`` when set, else to the
test's temporary folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from tests.conftest import CHROMIUM
from tests.conftest import CHROMIUM_FLAGS as FLAGS

from test_serve import RESOLUTION, facts, server  # noqa: F401 - the live server fixtures
from test_serve_pages import get as get_page


@pytest.fixture
def browser_page(tmp_path):
    if not Path(CHROMIUM).is_file():
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(  # a fresh, empty profile
            str(tmp_path / "profile"),
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            viewport={"width": 1280, "height": 900},
        )

        def guard(route):
            host = urlsplit(route.request.url).hostname
            if host not in ("127.0.0.1", "localhost") and not route.request.url.startswith(("data:", "blob:")):
                problems.append(f"request left localhost: {route.request.url}")
                route.abort()
            else:
                route.continue_()

        context.route("**/*", guard)
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
        page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url} {r.failure}"))
        yield page, problems
        context.close()


def shot(page, name: str, tmp_path: Path) -> None:
    folder = Path(os.environ.get("UNKG_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_editor_runs_an_example_query_and_shows_rows(server, browser_page, tmp_path):  # noqa: F811
    page, problems = browser_page
    page.goto(server.url + "/")
    assert page.locator("#counts").inner_text().count("citations") == 1
    shot(page, "home", tmp_path)
    # The stored query "most cited", one click from the home page into the editor.
    page.locator("#stored-queries li", has_text="reports/most-cited").get_by_text("open in the editor").click()
    page.wait_for_selector(".yasqe .CodeMirror")
    assert "COUNT(DISTINCT ?citing)" in page.evaluate("window.unkgYasgui.getTab().getQuery()")
    page.locator(".yasqe_queryButton").click()
    rows = page.locator(".yasr table tbody tr")
    rows.first.wait_for(timeout=20_000)
    assert rows.count() >= 10
    table = page.locator(".yasr table").inner_text()
    assert "ICRMW" in table and "A/RES/60/169" in table
    shot(page, "editor", tmp_path)
    # Counts show as numbers, not as typed literals; the graph's own IRIs link to this server's pages.
    first = page.locator(".yasr table tbody tr").first.locator("td")
    assert [first.nth(i).inner_text().strip() for i in (3, 4)] == ["4", "7"]  # ICRMW: 4 documents, 7 citations
    assert "^^" not in table and "XMLSchema" not in table
    hrefs = page.locator(".yasr table tbody a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert "/instrument/ICRMW" in hrefs and not any(h.startswith("https://w3id.org/") for h in hrefs), hrefs
    # An IRI of the graph in the results opens its page on this server.
    page.locator(".yasr table tbody a", has_text="instrument/ICRMW").first.click()
    page.wait_for_url("**/instrument/ICRMW")
    assert page.locator("h1").inner_text().startswith("International Convention on the Protection of the Rights")
    assert RESOLUTION in page.locator("#cited-by").inner_text()
    shot(page, "instrument", tmp_path)
    assert problems == []


def fits(page) -> bool:
    """True when nothing makes the page scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_search_box_then_the_pages_a_scholar_reads(server, browser_page, tmp_path):  # noqa: F811
    page, problems = browser_page
    # A server process reads the search's tables at its first search, in the background, and answers 503
    # meanwhile (test_serve_pages); here the tables are read before the browser comes.
    assert get_page(server, "/search?q=icrmw")[0] == 303
    page.goto(server.url + "/")
    box = page.locator("header form.search input[name=q]")
    box.fill("Migrant Workers Convention")
    box.press("Enter")
    page.wait_for_url("**/instrument/ICRMW")
    panel = page.locator("#about").inner_text()
    assert "Entry into force" in panel and "2003-07-01" in panel and "vol. 2220, No. 39481" in panel
    assert fits(page)
    shot(page, "instrument-panel", tmp_path)
    page.locator("header form.search input[name=q]").fill("migrant workers")
    page.locator("header form.search button").click()
    page.wait_for_selector("#search-results")
    assert page.locator("#search-results a", has_text="ICRMW").count() == 1
    shot(page, "search", tmp_path)
    page.goto(server.url + f"/doc/{RESOLUTION}")
    assert "Third Committee" in page.locator("#about").inner_text()
    statements = page.locator("#statements")
    assert not statements.locator("table.properties").first.is_visible()  # folded
    statements.locator("summary").click()
    assert statements.locator("table.properties").first.is_visible()
    assert fits(page)
    shot(page, "resolution-panel", tmp_path)
    assert problems == []


def test_resolution_page_and_a_citation_link(server, browser_page, tmp_path):  # noqa: F811
    page, problems = browser_page
    page.goto(server.url + "/")
    page.locator("#documents").get_by_role("link", name=RESOLUTION, exact=True).click()
    page.wait_for_url(f"**/doc/{RESOLUTION}")
    assert page.locator("h1").inner_text() == RESOLUTION
    cites = page.locator("#cites tbody tr")
    assert cites.count() == 22
    undocs = page.locator("a.undocs").first.get_attribute("href")
    assert undocs == f"https://undocs.org/{RESOLUTION}"  # a link only: never followed by the test
    shot(page, "resolution", tmp_path)
    row = cites.filter(has_text="resolution 60/169").first
    row.locator("a.citation-link").click()
    page.wait_for_selector("#citation")
    assert "resolution 60/169" in page.locator("#citation").inner_text()
    assert page.locator("h1").inner_text() == f"Citation of A/RES/60/169 in {RESOLUTION}"
    shot(page, "citation", tmp_path)
    page.locator("#citation").get_by_role("link", name="A/RES/60/169", exact=True).click()
    page.wait_for_url("**/doc/A/RES/60/169")
    assert RESOLUTION in page.locator("#cited-by").inner_text()
    assert problems == []
