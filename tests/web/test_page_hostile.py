"""Hostile scraped content on the search page, in a real headless Chromium: shown, never run.

Titles, bodies and passages carry <script>, event-handler attributes, javascript: links, CSS
tricks and a 10,000-character word; the API returns them as text and the page renders them inert.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.support.live_server import running
from tests.support.search_world import World, save_world
from warehouse.db import connect
from warehouse.records import DocumentKind, Signal
from warehouse.search.replica import publish_search_index
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package")

DAY = datetime(2026, 11, 2, tzinfo=UTC)
LONG_WORD = "Franchising" + "x" * 10_000
SCRIPT_TITLE = "<script>alert('title')</script> Bus franchising update"
ATTR_TITLE = '"><img src=x onerror="alert(\'attr\')"> Tram franchising'
BODY = ("Bus franchising <script>alert('body')</script> guidance. "
        "<img src=x onerror=alert('img')> <svg onload=alert('svg')></svg> "
        "<a href=\"javascript:alert('link')\">apply for franchising</a> "
        "<style>body { display: none }</style> "
        "<div style=\"position:fixed;inset:0;background:red\">franchising cover</div> "
        "<iframe src=\"javascript:alert('frame')\"></iframe> end of franchising text.")
HOSTILE = [
    ("hostile-script", DocumentKind.NEWS, "govuk_news", DAY, SCRIPT_TITLE, BODY, ["transport"],
     Signal.OPPORTUNITY, 0.8, None),
    ("hostile-attr", DocumentKind.NEWS, "govuk_news", DAY, ATTR_TITLE,
     f"Tram franchising plans. {LONG_WORD} and more franchising.", [], Signal.NEUTRAL, 0.2,
     None),
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> World:
    db = tmp_path_factory.mktemp("hostile-page") / "horizon.duckdb"
    world = save_world(db, rows=HOSTILE, publish=False)
    with connect(db) as con:  # rows from before URL validation, or a tampered warehouse
        con.execute("UPDATE documents SET url = 'javascript:alert(''url'')',"
                    " summary = '<b onmouseover=alert(1)>summary</b>' WHERE id = ?",
                    [world.ids["hostile-script"]])
        publish_search_index(con, db)
    return world


@pytest.fixture(scope="module")
def page(hostile: World) -> Iterator:
    from playwright.sync_api import sync_playwright

    with running(create_app(hostile.db, encoder=hostile.encoder)) as url, \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        page = browser.new_page(bypass_csp=True, viewport={"width": 1300, "height": 850})
        page.dialogs = []
        page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message),
                                          dialog.dismiss()))
        page.goto(url + "/")
        page.wait_for_selector("body[data-ready=true]")
        yield page
        browser.close()


def _search(page, query: str) -> None:
    page.evaluate("document.getElementById('results').replaceChildren()")
    page.fill("#q", query)
    page.click("#go")
    page.wait_for_function("document.querySelectorAll('.result').length === 2")


def _inert(page) -> None:
    page.wait_for_timeout(300)  # give any injected handler the chance to fire
    assert page.dialogs == []
    assert page.evaluate("document.scripts.length") == 1  # app.js only
    injected = "img, svg, iframe, style, [onerror], [onload], [onmouseover], [style]"
    assert page.evaluate(f"document.querySelectorAll('main :is({injected})').length") == 0
    hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert not [h for h in hrefs if h and h.strip().lower().startswith("javascript:")]
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_page_hostile_api_returns_markup_as_text(hostile: World) -> None:
    from fastapi.testclient import TestClient

    client = TestClient(create_app(hostile.db, encoder=hostile.encoder))
    response = client.get(f"/api/documents/{hostile.ids['hostile-script']}")
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["title"] == SCRIPT_TITLE
    assert any("<script>alert('body')</script>" in p["text"] for p in body["passages"])


def test_page_hostile_results_render_inert(page) -> None:
    _search(page, "franchising")
    assert SCRIPT_TITLE in page.locator(".result h3").all_text_contents()
    assert ATTR_TITLE in page.locator(".result h3").all_text_contents()
    _inert(page)


def test_page_hostile_highlights_are_text_only(page) -> None:
    _search(page, "franchising script onerror")
    marks = page.evaluate("[...document.querySelectorAll('mark')].map(m => "
                          "[m.childElementCount, m.textContent])")
    assert marks and all(count == 0 for count, _ in marks)
    assert {text.lower() for _, text in marks} >= {"script", "onerror"}
    passages = page.locator(".result .passage").all_text_contents()
    assert any("<script>alert(" in p for p in passages)  # shown as the characters typed
    _inert(page)


def test_page_hostile_document_view_renders_inert_and_wraps(page) -> None:
    _search(page, "franchising")
    for title in (SCRIPT_TITLE, ATTR_TITLE):
        page.locator(".result a.open", has_text=title).click()
        page.wait_for_function(f"document.querySelector('#document h2')?.textContent === "
                               f"{title!r}")
        _inert(page)
    pane = page.locator("#document").inner_text()
    assert LONG_WORD[:200] in pane.replace("\n", "")
    assert page.evaluate("document.querySelector('#document').scrollWidth <= "
                         "document.querySelector('#document').clientWidth + 1")


def test_page_hostile_source_link_is_not_javascript(page) -> None:
    _search(page, "franchising")
    links = page.locator(".result .actions a", has_text="Source")
    assert sorted(links.evaluate_all("els => els.map(a => a.getAttribute('href'))")) == [
        "#", "https://www.gov.uk/government/news/hostile-attr"]
