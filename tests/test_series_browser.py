"""The "Changes from its predecessor" view of a series member's page, in headless Chromium.

Two members of a series (the synthetic texts of test_series.py, under the symbols of two real members),
ingested and derived into a fresh store, served by ``unkg serve``: the page of the later one shows its
paragraphs with the words deleted and inserted highlighted, the new paragraph and the moved one, with no
console error and no request leaving 127.0.0.1.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from test_series import EARLIER, LATER
from test_serve import Server
from test_serve_browser import browser_page  # noqa: F401 - the browser fixture
from unkg.cli import cli


@pytest.fixture(scope="module")
def derived_server(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("series-serve")
    (folder / "A_RES_78_100.txt").write_text("A/RES/78/100\n" + EARLIER, encoding="utf-8")
    (folder / "A_RES_79_113.txt").write_text("A/RES/79/113\n" + LATER, encoding="utf-8")
    store = folder / "store"
    runner = CliRunner()
    assert runner.invoke(cli, ["ingest", "--quiet", "--store", str(store), str(folder)]).exit_code == 0
    derived = runner.invoke(cli, ["derive", "--quiet", "--store", str(store)])
    assert "1 pair(s) aligned" in derived.output, derived.output
    server = Server(store)
    yield server
    server.stop()


def test_changes_view_highlights_what_changed(derived_server, browser_page) -> None:  # noqa: F811
    """The changes table: del/ins in the edited paragraph, the new one inserted whole, the moved one marked."""
    page, problems = browser_page  # test_serve_browser's page: outside requests and console errors recorded
    page.goto(derived_server.url + "/doc/A/RES/79/113")
    changes = page.locator("#changes")
    assert "Changes from its predecessor" in changes.locator("h2").inner_text()
    assert "A/RES/78/100" in changes.locator("h2").inner_text()
    edited = changes.locator("tr.change-edited")
    assert edited.count() == 1 and "pp1" in edited.inner_text()
    assert edited.locator("del").all_inner_texts() == ["77/148", "12", "2022,"]
    assert edited.locator("ins").all_inner_texts() == ["78/100", "7", "2023,"]
    moved = changes.locator("tr.change-moved")  # op2 <- op3, edited on the way
    assert moved.count() == 1 and "from op3" in moved.inner_text()
    assert moved.locator("del").inner_text() == "seventy-ninth"
    assert moved.locator("ins").inner_text() == "eightieth"
    # the highlighting shows: struck through and underlined by the page's own style sheet
    assert moved.locator("del").evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert moved.locator("ins").evaluate("e => getComputedStyle(e).textDecorationLine") == "underline"
    new = changes.locator("tr.change-new")
    assert new.count() == 1 and "Welcoming the webcast" in new.locator("ins").inner_text()
    assert changes.locator("tr.change-unchanged").count() == 4
    # the predecessor's link leads to its page
    changes.locator("h2 a").click()
    page.wait_for_url("**/doc/A/RES/78/100")
    assert problems == []
