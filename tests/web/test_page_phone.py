"""The search page on a phone (400 px) and a desktop (1,000 px), in a real headless Chromium:
one column, filters folded, no sideways scroll, no text squeezed to a few characters."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.layout_checks import ARGS, CHROMIUM, layout_problems
from tests.support.live_server import running
from tests.support.search_world import World
from web.app import create_app

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package")
SHOTS = os.environ.get("HORIZON_SCREENSHOTS")  # a folder to keep the screenshots in


@pytest.fixture(scope="module")
def browser(world: World) -> Iterator:
    from playwright.sync_api import sync_playwright

    with running(create_app(world.db, encoder=world.encoder)) as url, \
            sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        chromium.base_url = url
        yield chromium
        chromium.close()


def _open(browser, width: int, query: str = "Coventry"):
    page = browser.new_page(viewport={"width": width, "height": 800})
    page.goto(f"{browser.base_url}/?q={query}")
    page.wait_for_selector("body[data-ready=true]")
    return page


def _shot(page, name: str, tmp_path: Path) -> None:
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


@pytest.mark.parametrize("width", [360, 400, 1000])
def test_page_phone_results_fit_the_screen(browser, width: int, tmp_path: Path) -> None:
    page = _open(browser, width)
    page.wait_for_selector(".result")
    assert layout_problems(page) == []
    cards = page.evaluate("[...document.querySelectorAll('.result')].map(r => "
                          "r.getBoundingClientRect().width)")
    assert min(cards) >= 0.8 * width if width < 760 else min(cards) >= 400
    _shot(page, f"search-{width}.png", tmp_path)
    page.close()


def test_page_phone_filters_fold_and_open(browser, tmp_path: Path) -> None:
    page = _open(browser, 400)
    page.wait_for_selector(".result")
    assert page.evaluate("document.getElementById('filters').open") is False
    assert not page.locator("#theme").is_visible()
    page.click("#filters summary")
    assert page.locator("#theme").is_visible()
    assert layout_problems(page) == []
    _shot(page, "search-400-filters.png", tmp_path)
    page.close()


def test_page_phone_desktop_keeps_filters_open(browser) -> None:
    page = _open(browser, 1000)
    assert page.evaluate("document.getElementById('filters').open") is True
    page.close()


def test_page_phone_document_view_fits(browser, tmp_path: Path) -> None:
    page = _open(browser, 400)
    page.wait_for_selector(".result a.open")
    page.locator(".result a.open").first.click()
    page.wait_for_selector("#document h2")
    assert layout_problems(page) == []
    _shot(page, "search-400-document.png", tmp_path)
    page.close()


def test_page_phone_says_no_strong_match(browser) -> None:
    # (not "unicorn": the fake hashed encoder puts it in the same bucket as a word of the world)
    page = _open(browser, 400, "zzqx spaceport")
    page.wait_for_selector("#weak:not([hidden])")
    assert page.locator(".result").count() == 0
    assert "No strong match" in page.locator("#weak").inner_text()
    page.close()


def test_page_phone_api_docs_render_offline(browser, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 400, "height": 800})
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(browser.base_url)
            else outside.append(r.url))
    page.goto(f"{browser.base_url}/docs")
    page.wait_for_selector(".opblock, li code", timeout=20_000)
    assert outside == []
    assert "/api/search" in page.inner_text("body")
    _shot(page, "docs-400.png", tmp_path)
    page.close()
