from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from scrapers.govuk.search import SearchHit
from scrapers.govuk.spider import GovukSearchSpider, is_unchanged
from scrapers.run_files import load_known

STORED = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_is_unchanged_when_search_timestamp_not_newer() -> None:
    assert is_unchanged(SearchHit(link="/a", public_timestamp=STORED), STORED)
    assert not is_unchanged(SearchHit(link="/a", public_timestamp="2024-05-01T13:00:01+01:00"),
                            STORED)


def test_is_unchanged_refetches_unknown_or_unstamped_items() -> None:
    assert not is_unchanged(SearchHit(link="/a", public_timestamp=STORED), None)
    assert not is_unchanged(SearchHit(link="/a"), STORED)


def test_load_known_canonicalises_urls_and_parses_times(tmp_path: Path) -> None:
    path = tmp_path / "known.json"
    path.write_text(json.dumps({"https://WWW.gov.uk/a/": "2024-05-01T13:00:00+01:00"}))
    assert load_known(path) == {"https://www.gov.uk/a": STORED}
    assert load_known("") == {}


def test_spider_arguments_arrive_as_strings(tmp_path: Path) -> None:
    spider = GovukSearchSpider(source="govuk_news", base_url="http://127.0.0.1:9/www.gov.uk/",
                               supergroup="news_and_communications", since="2026-01-02",
                               known="", max_items="7")
    assert spider.base_url == "http://127.0.0.1:9/www.gov.uk"
    assert spider.since is not None and spider.since.isoformat() == "2026-01-02"
    assert spider.max_items == 7 and spider.known == {}
