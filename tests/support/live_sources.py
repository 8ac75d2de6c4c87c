"""The live web, for the tests marked `live` (deselected by default)."""

from __future__ import annotations

from types import ModuleType

from scrapers.plan import Context
from warehouse.records import Document


def live_listing_then_page(module: ModuleType, ctx: Context) -> Document:
    """The live web (tests marked `live`): a source's first listing, then the first page it
    follows, parsed; the page's first record is returned."""
    import httpx

    listing = module.start(ctx)[0]
    parsed = module.parse(listing, httpx.get(listing.url, timeout=30).content, ctx)
    assert parsed.follow, f"{listing.url} listed nothing to follow"
    page = parsed.follow[0]
    answer = httpx.get(page.url, timeout=30, follow_redirects=True)
    return module.parse(page, answer.content, ctx).documents[0]
