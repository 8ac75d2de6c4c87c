"""Regional HTML listings: no real HTML exists (regional/SOURCES.md); fixtures are constructed."""

from __future__ import annotations

import pytest

from scrapers.errors import ParseError
from scrapers.regional import news_listing
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.config.settings import Settings
from warehouse.config.sources import load_sources
from warehouse.records import DocumentKind

FOLDER = CONSTRUCTED["news_listing"]
WMCA_LISTING = FOLDER / "www.wmca.org.uk/news/index.html"
WMCA_ARTICLE = FOLDER / "www.wmca.org.uk/news/bus-franchising-contracts-awarded/index.html"
BIRMINGHAM_LISTING = FOLDER / "www.birmingham.gov.uk/news/index.html"
SOURCES = load_sources(Settings().config_dir)


def ctx_of(name: str):
    source = SOURCES[name]
    return context(name, source.base_url, source.params)


def test_news_listing_wmca_follows_articles_with_listing_dates() -> None:
    parsed = parse_file(news_listing, WMCA_LISTING, ctx_of("wmca_news"),
                        step="listing")
    assert parsed.listed == 2
    first = parsed.follow[0]
    assert first.canonical == "https://www.wmca.org.uk/news/bus-franchising-contracts-awarded"
    assert first.data["title"] == "First bus franchising contracts awarded for the West Midlands"
    assert first.changed_at.isoformat() == "2026-11-20T10:00:00+00:00"


def test_news_listing_wmca_article_record_fields() -> None:
    ctx = ctx_of("wmca_news")
    listing = parse_file(news_listing, WMCA_LISTING, ctx, step="listing")
    follow = listing.follow[0]
    parse = lambda: parse_file(news_listing, WMCA_ARTICLE, ctx,  # noqa: E731
                               step="article", canonical=follow.canonical, data=follow.data)
    document = parse().documents[0]
    assert_record_invariants([document], parse().documents)
    assert document.kind is DocumentKind.REGIONAL_NEWS
    assert document.organisations == ["West Midlands Combined Authority"]
    assert document.body_text.startswith("First bus franchising contracts awarded")
    assert "Home" not in document.body_text  # navigation outside <main> is left out


def test_news_listing_birmingham_listing_gives_records_directly() -> None:
    ctx = ctx_of("coventry_city_council_news")  # no `article`: the listing is the record
    ctx = context("birmingham", "https://www.birmingham.gov.uk", ctx.params)
    parsed = parse_file(news_listing, BIRMINGHAM_LISTING, ctx, step="listing")
    document = parsed.documents[0]
    assert document.url == ("https://www.birmingham.gov.uk/news/article/2201/"
                            "new_homes_approved_for_east_birmingham")
    assert document.published_at.date().isoformat() == "2026-11-18"
    assert_record_invariants(parsed.documents, parsed.documents)


def test_news_listing_nothing_matched_is_a_parse_error() -> None:
    ctx = context("x", "https://example.org", {"item": "//section[@class='nope']"})
    with pytest.raises(ParseError, match="no stories"):
        parse_file(news_listing, WMCA_LISTING, ctx, step="listing")


@pytest.mark.live
def test_news_listing_live_wmca_listing_parses() -> None:
    import httpx

    ctx = ctx_of("wmca_news")
    listing = news_listing.start(ctx)[0]
    parsed = news_listing.parse(listing, httpx.get(listing.url, timeout=30,
                                                   follow_redirects=True).content, ctx)
    assert parsed.follow
