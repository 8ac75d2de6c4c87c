"""Outbound fetching only to a source's configured hosts (scrapers/hostguard.py), live or replayed.
The end-to-end redirect cases are in test_source_faults.py."""

from __future__ import annotations

import pytest
from scrapy import Request

from scrapers.crawl import allowed_hosts, scrapy_settings
from scrapers.hostguard import HostGuardMiddleware, OffsiteHostRefused, logical_host
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig

REPLAY = "http://127.0.0.1:8800"
SOURCE = SourceConfig(name="s", spider="news_feed", description="s",
                      base_url="https://www.wmca.org.uk", allowed_hosts=["cdn.example.org"])


def test_outbound_logical_host_of_replayed_url_is_first_segment() -> None:
    assert logical_host(f"{REPLAY}/www.gov.uk/api/search.json", REPLAY) == "www.gov.uk"
    assert logical_host("http://localhost:8800/www.gov.uk/x", REPLAY) == "localhost"
    assert logical_host("https://WWW.GOV.UK/x") == "www.gov.uk"


@pytest.mark.parametrize(("url", "replay", "allowed"), [
    ("https://www.wmca.org.uk/news", "", True),
    ("https://news.www.wmca.org.uk/a", "", True),  # a subdomain of a configured host
    ("https://cdn.example.org/f.json", "", True),  # listed in allowed_hosts
    ("https://evil.example.org/", "", False),
    ("https://wmca.org.uk.evil.example.org/", "", False),
    (f"{REPLAY}/www.wmca.org.uk/news", REPLAY, True),
    (f"{REPLAY}/evil.example.org/news", REPLAY, False),
    ("http://localhost:9999/www.wmca.org.uk/news", REPLAY, False),  # another loopback server
    (f"{REPLAY}/robots.txt", REPLAY, True),
])
def test_outbound_guard_allows_only_configured_hosts(url: str, replay: str, allowed: bool
                                                     ) -> None:
    guard = HostGuardMiddleware(allowed_hosts(SOURCE), replay)
    if allowed:
        assert guard.process_request(Request(url)) is None
    else:
        with pytest.raises(OffsiteHostRefused, match="not a configured host"):
            guard.process_request(Request(url))


def test_outbound_guard_and_size_cap_are_in_every_crawls_settings() -> None:
    settings = scrapy_settings(SOURCE, Settings(replay_url=REPLAY), REPLAY + "/www.wmca.org.uk")
    assert settings["DOWNLOADER_MIDDLEWARES"]["scrapers.hostguard.HostGuardMiddleware"] == 50
    assert min(settings["DOWNLOADER_MIDDLEWARES"].values()) == 50  # the guard sees requests first
    assert settings["HORIZON_ALLOWED_HOSTS"] == ["cdn.example.org", "www.wmca.org.uk"]
    assert settings["HORIZON_REPLAY_URL"] == REPLAY
    assert settings["DOWNLOAD_MAXSIZE"] == 32 * 1024 * 1024
