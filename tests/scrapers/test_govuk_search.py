from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from scrapers.errors import ParseError
from scrapers.govuk import search_source
from scrapers.govuk.search import (
    MAX_COUNT,
    SearchHit,
    SearchPage,
    content_url,
    parse_search_page,
    search_url,
)
from scrapers.plan import Capped, Context, Parsed
from tests.support.source_fixtures import CONSTRUCTED, GOVUK_CONTENT, context, parse_file


def _search_samples(govuk_samples: Path) -> list[Path]:
    files = sorted((govuk_samples / "search_api").glob("*.json"))
    assert files, "no recorded Search API responses"
    return files


def test_parse_search_page_reads_every_recorded_response(govuk_samples: Path) -> None:
    for path in _search_samples(govuk_samples):
        raw = json.loads(path.read_bytes())
        page = parse_search_page(path.read_bytes())
        assert page.total == raw["total"] and page.start == raw["start"]
        assert [hit.link for hit in page.results] == [r["link"] for r in raw["results"]]


def test_parse_search_page_current_response_values(govuk_samples: Path) -> None:
    raw = (govuk_samples / "search_api/search_q-tax_suggest-autocomplete_count-1.json").read_bytes()
    page = parse_search_page(raw)
    assert page.total == 79464
    hit = page.results[0]
    assert hit.link == "/vehicle-tax" and hit.title == "Tax your vehicle"
    assert hit.public_timestamp == datetime(2017, 12, 7, 12, 54, 39, tzinfo=UTC)
    assert hit.content_store_document_type == ""


def test_parse_search_page_legacy_response_has_aware_timestamp(govuk_samples: Path) -> None:
    page = parse_search_page((govuk_samples / "search_api/search_q-taxes_count-1_legacy.json")
                             .read_bytes())
    stamp = page.results[0].public_timestamp
    assert stamp is not None and stamp.utcoffset() is not None


@pytest.mark.parametrize("name", [
    "search_count-0_aggregate_organisations-2.fragment.json.txt",
    "search_count-1_filter_organisations-hm-revenue-customs_aggregate_organisations-2"
    ".fragment.json.txt",
])
def test_parse_search_page_rejects_recorded_fragments(govuk_samples: Path, name: str) -> None:
    with pytest.raises(ParseError, match="search page: invalid JSON"):
        parse_search_page((govuk_samples / "search_api" / name).read_bytes())


@pytest.mark.parametrize(("raw", "expected"), [
    (b"<html><body>Too many requests</body></html>", "got HTML"),
    (b'{"total": 3}', "missing 'results'"),
    (b'{"results": [], "total": "3"}', "missing integer 'total'"),
    (b'{"results": [{"title": "no link"}], "total": 1}', "unexpected shape"),
    (b"[]", "expected a JSON object"),
])
def test_parse_search_page_explains_bad_input(raw: bytes, expected: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse_search_page(raw)
    assert expected in caught.value.reason


def test_search_page_paging_properties() -> None:
    hits = [SearchHit(link=f"/a{i}") for i in range(3)]
    assert SearchPage(results=hits, total=10, start=3).next_start == 6
    assert not SearchPage(results=hits, total=10, start=3).is_last
    assert SearchPage(results=hits, total=6, start=3).is_last
    assert SearchPage(results=[], total=10, start=20).is_last


def test_search_url_uses_real_search_api_parameters() -> None:
    url = search_url("https://www.gov.uk/", "policy_and_engagement", date(2026, 1, 2), 200, 100)
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "https://www.gov.uk/api/search.json"
    assert parse_qs(parts.query) == {
        "filter_content_purpose_supergroup": ["policy_and_engagement"],
        "order": ["-public_timestamp"],
        "count": ["100"],
        "start": ["200"],
        "fields": ["title,link,description,public_timestamp,content_store_document_type"],
        "filter_public_timestamp": ["from:2026-01-02"],
    }


def test_search_url_without_since_has_no_date_filter() -> None:
    url = search_url("http://127.0.0.1:1/www.gov.uk", "news_and_communications", None, 0, 10)
    assert url.startswith("http://127.0.0.1:1/www.gov.uk/api/search.json?")
    assert "filter_public_timestamp" not in parse_qs(urlsplit(url).query)


@pytest.mark.parametrize("count", [0, MAX_COUNT + 1])
def test_search_url_rejects_counts_the_api_refuses(count: int) -> None:
    with pytest.raises(ValueError, match="count"):
        search_url("https://www.gov.uk", "other", None, 0, count)


def test_content_url_appends_base_path() -> None:
    assert content_url("https://www.gov.uk/", "/government/news/x") == (
        "https://www.gov.uk/api/content/government/news/x")
    with pytest.raises(ValueError):
        content_url("https://www.gov.uk", "government/news/x")


# --- the govuk_search source module, on the constructed page (tests/fixtures/govuk_search) ------

GOVUK = "https://www.gov.uk"
PAGE = CONSTRUCTED["govuk_search"] / "search_news_and_communications.json"
FIRST = "/government/news/faster-route-to-bus-franchising-as-45-million-capability-fund-opens"


def _ctx(**kw: Any) -> Context:
    return context("govuk_news", GOVUK, {"supergroup": "news_and_communications"}, **kw)


def _listing(ctx: Context, listed: int = 0) -> Parsed:
    return parse_file(search_source, PAGE, ctx, step="search", data={"listed": listed})


def test_govuk_search_constructed_page_follows_each_hit_and_the_next_page() -> None:
    parsed = _listing(_ctx())
    items, pages = parsed.follow[:-1], parsed.follow[-1:]
    assert parsed.listed == 3 and parsed.errors == [] and parsed.capped is None
    assert [f.canonical for f in items] == [GOVUK + FIRST, GOVUK + "/government/news/"
                                           "midlands-rail-hub-next-stage-of-design-work-begins"]
    assert items[0].url == f"{GOVUK}/api/content{FIRST}" and items[0].step == "content"
    assert items[0].changed_at == datetime(2026, 11, 18, 9, 30, tzinfo=UTC)
    assert parsed.listing_errors == [("https://www.example.org/not-a-gov-uk-path",
                                      "search hit link is not a path")]
    query = parse_qs(urlsplit(pages[0].url).query)
    assert query["start"] == ["3"] and pages[0].data == {"listed": 3}


def test_govuk_search_listing_stops_at_max_items_and_says_where_to_resume() -> None:
    parsed = _listing(_ctx(max_items=5), listed=3)
    assert parsed.listed == 2 and len(parsed.follow) == 2  # two hits, no next page
    assert parsed.capped == Capped(next_start=2, total=7)


def test_govuk_search_start_resumes_and_retries_failed_items_directly() -> None:
    ctx = Context(source="govuk_news", base_url=GOVUK,
                  params={"supergroup": "news_and_communications"},
                  fetched_at=datetime(2026, 11, 22, tzinfo=UTC), since=date(2026, 11, 1),
                  max_items=40, resume_start=200, retry=(FIRST, "not-a-path"))
    page, item = search_source.start(ctx)
    query = parse_qs(urlsplit(page.url).query)
    assert query["start"] == ["200"] and query["count"] == ["40"]
    assert query["filter_public_timestamp"] == ["from:2026-11-01"]
    assert item.canonical == GOVUK + FIRST and item.step == "content"


def test_govuk_search_content_step_reads_a_constructed_item() -> None:
    path = GOVUK_CONTENT / "news_article" / (FIRST.rsplit("/", 1)[1] + ".json")
    parsed = parse_file(search_source, path, _ctx(), step="content", canonical=GOVUK + FIRST)
    assert [d.url for d in parsed.documents] == [GOVUK + FIRST]
    assert parsed.documents[0].source == "govuk_news"
