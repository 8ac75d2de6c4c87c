"""GET /api/brief and the search page's "Brief me on this search" (constructed warehouse)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tests.support.brief_world import BriefWorld, save_brief_world
from tests.support.search_world import FakeEncoder
from web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="module")
def brief_world(tmp_path_factory: pytest.TempPathFactory) -> BriefWorld:
    return save_brief_world(tmp_path_factory.mktemp("webbrief") / "horizon.duckdb")


@pytest.fixture(scope="module")
def brief_app(brief_world: BriefWorld):
    return create_app(brief_world.db, encoder=FakeEncoder(), profile="wmca")


@pytest.fixture(scope="module")
def api(brief_app) -> TestClient:
    return TestClient(brief_app)


def test_api_brief_json_has_sections_and_sources(api: TestClient) -> None:
    response = api.get("/api/brief", params={"q": "bus franchising", "date_to": "2026-11-22"})
    assert response.status_code == 200
    body = response.json()
    assert [s["key"] for s in body["sections"]][:2] == ["bottom_line", "timeline"]
    assert body["sources"] and "stored_text" not in body["sources"][0]
    assert body["as_of"] == "2026-11-22"


@pytest.mark.parametrize(("fmt", "media", "start"), [
    ("html", "text/html", b"<!doctype html>"), ("md", "text/markdown", b"# Briefing"),
    ("docx", "application/vnd.openxmlformats", b"PK"), ("pdf", "application/pdf", b"%PDF")])
def test_api_brief_renders_each_format(api: TestClient, fmt: str, media: str,
                                       start: bytes) -> None:
    response = api.get("/api/brief", params={"q": "bus franchising", "format": fmt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media)
    assert response.content.startswith(start)


def test_api_brief_nothing_matches_is_404_with_nearest_topics(api: TestClient) -> None:
    response = api.get("/api/brief", params={"q": "zzqx vorpal flibbertigibbet"})
    assert response.status_code == 404
    assert "nothing in the warehouse matches" in response.json()["detail"]
    assert any(n.startswith("theme: ") for n in response.json()["nearest"])


def test_api_brief_rejects_a_path_as_profile(api: TestClient) -> None:
    assert api.get("/api/brief", params={"q": "bus", "profile": "../etc"}).status_code == 422


def test_api_brief_is_in_the_openapi_document(api: TestClient) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert "/api/brief" in paths and "format" in str(paths["/api/brief"])


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package")
def test_page_brief_button_opens_the_paper_on_this_search(brief_app) -> None:
    from playwright.sync_api import sync_playwright

    server = uvicorn.Server(uvicorn.Config(brief_app, host="127.0.0.1", port=0,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
            page = browser.new_page()
            page.goto(base + "/")
            page.wait_for_selector("body[data-ready=true]")
            page.fill("#q", "bus franchising")
            page.click("#go")
            page.wait_for_selector(".result")
            href = page.get_attribute("#brief", "href")
            assert href.startswith("/api/brief?q=bus+franchising") and "format=html" in href
            with page.context.expect_page() as opened:
                page.click("#brief")
            paper = opened.value
            paper.wait_for_load_state()
            assert paper.locator("h1").text_content().startswith("Briefing: bus franchising")
            browser.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
