from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scrapers.errors import ParseError
from scrapers.govuk.search import (
    MAX_COUNT,
    SearchHit,
    SearchPage,
    content_url,
    parse_search_page,
    search_url,
)


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
