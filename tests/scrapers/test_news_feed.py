"""Regional news feeds: no real regional feed exists (regional/SOURCES.md); fixtures constructed.
Parliament's real RSS (committee news, questions archive) is read by the same parser."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.regional import news_feed
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import DocumentKind

FOLDER = CONSTRUCTED["news_feed"]
CPCA_FEED = FOLDER / "cambridgeshirepeterborough-ca.gov.uk/news/feed/index.xml"
CTX = context("cpca_news", "https://cambridgeshirepeterborough-ca.gov.uk",
              {"feeds": ["news/feed/"],
               "publisher": "Cambridgeshire and Peterborough Combined Authority"})


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*/news/feed/index.xml")),
                         ids=lambda p: p.parents[2].name)
def test_news_feed_fixtures_parse_with_invariants(path: Path) -> None:
    parsed = parse_file(news_feed, path, CTX)
    assert parsed.errors == [] and parsed.listed == len(parsed.documents)
    assert_record_invariants(parsed.documents, parse_file(news_feed, path, CTX).documents)


def test_news_feed_cpca_entry_fields() -> None:
    document = parse_file(news_feed, CPCA_FEED, CTX).documents[0]
    assert document.kind is DocumentKind.REGIONAL_NEWS
    assert document.title == "Combined Authority Board agrees bus network review"
    assert document.url == ("https://cambridgeshirepeterborough-ca.gov.uk/news/"
                            "board-agrees-bus-network-review")
    assert document.published_at.isoformat() == "2026-11-18T12:00:00+00:00"
    assert document.organisations == ["Cambridgeshire and Peterborough Combined Authority"]
    assert document.tags == ["Transport"]
    assert "ahead of a decision on franchising next year" in document.body_text


def test_news_feed_reads_parliaments_real_committee_feed(samples_dir: Path) -> None:
    path = samples_dir / "parliament/rss/services_parliament_single_committee_feed.rss"
    ctx = context("committee_news", "https://www.parliament.uk",
                  {"kind": "news", "publisher": "Administration Committee"})
    parsed = parse_file(news_feed, path, ctx)
    assert parsed.listed == 15 and parsed.errors == []
    assert_record_invariants(parsed.documents, parse_file(news_feed, path, ctx).documents)


def test_news_feed_html_page_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xml"
    path.write_text("<!DOCTYPE html><html><body>Not found</body></html>")
    with pytest.raises(ParseError, match="not a feed"):
        parse_file(news_feed, path, CTX)


@pytest.mark.live
def test_news_feed_live_cpca_feed_parses() -> None:
    import httpx

    feed = news_feed.start(CTX)[0]
    parsed = news_feed.parse(feed, httpx.get(feed.url, timeout=30,
                                             follow_redirects=True).content, CTX)
    assert parsed.documents
