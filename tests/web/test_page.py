"""The search page in a real headless Chromium (Debian's /usr/bin/chromium), via Playwright."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.support.search_world import World
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package")


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[str]:
    config = uvicorn.Config(create_app(world.db, encoder=world.encoder), host="127.0.0.1",
                            port=0, log_level="warning")
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    port = app_server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        # bypass_csp: Playwright's wait_for_function evaluates strings, which the CSP forbids
        context = browser.new_context(accept_downloads=True, bypass_csp=True,
                                      viewport={"width": 1300, "height": 850})
        page = context.new_page()
        page.goto(server + "/")
        page.wait_for_selector("body[data-ready=true]")
        yield page
        browser.close()


def test_page_search_filter_open_and_export(page, world: World, tmp_path: Path) -> None:
    page.fill("#q", "Coventry")
    page.click("#go")
    page.wait_for_selector(".result")
    titles = page.locator(".result h3").all_text_contents()
    assert "Investment Zones extended" in titles and len(titles) >= 2
    assert "coventry" in [m.lower() for m in page.locator(".result mark").all_text_contents()]

    page.select_option("#kind", "consultation")
    page.wait_for_function("document.querySelectorAll('.result').length === 1")
    assert page.locator(".result h3").all_text_contents() == [
        "Affordable homes programme consultation"]

    page.click(".result a.open")
    page.wait_for_selector("#document h2")
    pane = page.locator("#document").inner_text()
    assert "Affordable homes programme consultation" in pane
    assert "housing" in pane and "Region score" in pane

    with page.expect_download() as download:
        page.click("#export")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    assert [r["title"] for r in rows] == ["Affordable homes programme consultation"]
    page.screenshot(path=str(tmp_path / "page.png"))


def test_page_escapes_scraped_text(page) -> None:
    page.fill("#q", "<img src=x onerror=alert(1)>")
    page.click("#go")
    page.wait_for_selector("#status:not(:empty)")
    assert page.locator("#results img").count() == 0
