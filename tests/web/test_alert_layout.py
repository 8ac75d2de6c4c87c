"""The funding alert email in a real headless Chromium at 800 and 400 px: the label column keeps
its width ("Funder", "Who may apply" on one line each), nothing scrolls sideways."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from delivery.alert_render import render_alert_html
from delivery.alerts import FundingAlert
from tests.support.layout_checks import ARGS, CHROMIUM, layout_problems, one_line

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium package")
SHOTS = os.environ.get("HORIZON_SCREENSHOTS")
LABELS = "table table table td:first-child"

# Constructed: long values, an unbroken URL-like word, the longest label.
ALERT = FundingAlert(
    key="wmca:x:new", kind="new", profile="wmca", authority="West Midlands Combined Authority",
    document_id="6f1c7a4e-2b0d-4a34-9d5e-1b6f4f2c9a11",
    title="Warm Homes: Local Grant 2027 to 2028 allocations announced for combined authorities",
    url="https://www.gov.uk/government/news/warm-homes-local-grant",
    source="GOV.UK news", funder="Department for Energy Security and Net Zero",
    amount="£84 million for WMCA of £620 million nationally",
    opens_at=datetime(2027, 1, 12, 9, 0, tzinfo=UTC),
    closes_at=datetime(2027, 2, 26, 23, 59, tzinfo=UTC),
    applicants="Local authorities, combined authorities and mayoral strategic authorities in "
               "England, including https://www.example.org/a-very-long-unbroken-address-here",
    eligibility="Open to combined authorities; the authority may apply as lead body.",
    reason="Money for warmer homes in the West Midlands, on the Mayor's housing theme.",
    fingerprint="closes=x",
)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("width", [400, 800, 1000])
def test_alert_layout_labels_keep_their_width(browser, width: int, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.set_content(render_alert_html(ALERT))
    labels = page.locator(LABELS).all_text_contents()
    assert "Funder" in labels and "Who may apply" in labels
    assert one_line(page, LABELS) == []
    assert layout_problems(page) == []
    folder = Path(SHOTS) if SHOTS else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"alert-{width}.png"), full_page=True)
    page.close()
