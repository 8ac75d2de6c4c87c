from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from scrapers.crawl import CrawlResult, parse_crawl_output, run_child, run_crawl, scrapy_settings
from scrapers.govuk.config import load_supergroups
from scrapers.replay import serve_snapshot
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig, load_sources
from warehouse.records import DocumentKind

GOVUK = "https://www.gov.uk"


@pytest.fixture(scope="module")
def policy_source() -> SourceConfig:
    return load_sources(Settings().config_dir)["govuk_policy"]


@pytest.fixture(scope="module")
def policy_urls(govuk_samples: Path) -> set[str]:
    supergroups = load_supergroups(Settings().config_dir)
    items = [json.loads(p.read_bytes()) for p in (govuk_samples / "content_api").rglob("*.json")]
    return {GOVUK + i["base_path"] for i in items
            if supergroups.of(i["document_type"]) == "policy_and_engagement"}


@pytest.fixture(scope="module")
def first_crawl(samples_replay: str, policy_source: SourceConfig,
                tmp_path_factory: pytest.TempPathFactory) -> CrawlResult:
    return run_crawl(policy_source, Settings(replay_url=samples_replay),
                     tmp_path_factory.mktemp("crawl"), since=None, known={})


def test_run_crawl_collects_every_item_of_a_supergroup(first_crawl: CrawlResult,
                                                       policy_urls: set[str]) -> None:
    assert first_crawl.errors == []
    assert first_crawl.listed == len(policy_urls)
    assert {d.url for d in first_crawl.documents} == policy_urls
    assert {d.source for d in first_crawl.documents} == {"govuk_policy"}
    assert DocumentKind.CONSULTATION in {d.kind for d in first_crawl.documents}


def test_run_crawl_with_everything_known_fetches_nothing(
        first_crawl: CrawlResult, samples_replay: str, policy_source: SourceConfig,
        policy_urls: set[str], tmp_path: Path) -> None:
    known = {d.url: d.updated_at for d in first_crawl.documents if d.updated_at}
    again = run_crawl(policy_source, Settings(replay_url=samples_replay), tmp_path, since=None,
                      known=known)
    assert again.documents == [] and again.errors == []
    assert set(again.unchanged) == policy_urls


def test_run_crawl_since_and_max_items_limit_the_listing(
        samples_replay: str, policy_source: SourceConfig, tmp_path: Path) -> None:
    source = policy_source.model_copy(update={"max_items": 1})
    result = run_crawl(source, Settings(replay_url=samples_replay), tmp_path,
                       since=date(2016, 1, 1), known={})
    assert result.listed == 1 and result.errors == []
    assert [d.title for d in result.documents] == ["Youth Vaping"]  # the newest in the group


@pytest.fixture
def broken_snapshot(tmp_path: Path, govuk_samples: Path) -> Iterator[str]:
    folder = tmp_path / "snapshot" / "govuk" / "content_api" / "mixed"
    folder.mkdir(parents=True)
    for name in ("consultation/open_consultation.json", "publication/best-practice-cmd-list.json"):
        (folder / Path(name).name).write_bytes((govuk_samples / "content_api" / name).read_bytes())
    truncated = (govuk_samples / "content_api/consultation/closed_consultation.json").read_bytes()
    (folder / "truncated.json").write_bytes(truncated[: len(truncated) // 2])
    (folder / "html-page.json").write_text("<!DOCTYPE html><html><body>Error</body></html>")
    (folder / "no-path.json").write_text(json.dumps({"title": "Lost", "document_type": "x"}))
    (folder / "no-title.json").write_text(json.dumps(
        {"base_path": "/government/publications/untitled", "document_type": "policy_paper"}))
    (folder / "flaky.http-503.json").write_text("{}")
    with serve_snapshot(tmp_path / "snapshot") as base:
        yield base


def test_run_crawl_reports_broken_items_and_keeps_good_ones(
        broken_snapshot: str, policy_source: SourceConfig, tmp_path: Path) -> None:
    result = run_crawl(policy_source, Settings(replay_url=broken_snapshot), tmp_path / "work",
                       since=None, known={})
    assert sorted(d.title for d in result.documents) == [
        "A strategic vision for rail", "Postgraduate doctoral loans"]
    reasons = {e.url.removeprefix(GOVUK): e.reason for e in result.errors}
    assert set(reasons) == {"/replay-broken/truncated", "/replay-broken/html-page",
                            "/replay-broken/no-path", "/government/publications/untitled",
                            "/replay-broken/flaky.http-503"}
    assert reasons["/replay-broken/flaky.http-503"] == "HTTP 503"
    assert "truncated" in reasons["/replay-broken/truncated"]
    assert "got HTML" in reasons["/replay-broken/html-page"]
    assert "missing base_path" in reasons["/replay-broken/no-path"]
    assert "missing title" in reasons["/government/publications/untitled"]
    assert result.listed == 7


def test_run_crawl_reports_a_crashed_child(policy_source: SourceConfig, tmp_path: Path) -> None:
    source = policy_source.model_copy(update={"spider": "no_such_spider"})
    result = run_crawl(source, Settings(replay_url="http://127.0.0.1:9"), tmp_path, since=None,
                       known={})
    assert result.documents == []
    assert len(result.errors) == 1
    assert "exited with code" in result.errors[0].reason
    assert "no_such_spider" in result.errors[0].reason


def test_run_child_kills_a_crawl_that_overruns(tmp_path: Path) -> None:
    reason = run_child([sys.executable, "-c", "import time; time.sleep(60)"],
                       tmp_path / "log", timeout=1)
    assert reason == "crawl timed out after 1s and was killed"


def test_parse_crawl_output_turns_bad_lines_into_errors() -> None:
    lines = [
        json.dumps({"type": "listed", "count": 3}),
        json.dumps({"type": "unchanged", "url": GOVUK + "/a"}),
        json.dumps({"type": "error", "url": GOVUK + "/b", "reason": "HTTP 500"}),
        json.dumps({"type": "document", "document": {"url": GOVUK + "/c", "title": ""}}),
        "{not json",
        json.dumps({"type": "mystery"}),
        "",
    ]
    result = parse_crawl_output("govuk_policy", lines)
    assert result.listed == 3 and result.unchanged == [GOVUK + "/a"]
    assert [e.url for e in result.errors] == [GOVUK + "/b", GOVUK + "/c", "", ""]
    assert result.errors[0].reason == "HTTP 500"
    assert all(e.source == "govuk_policy" for e in result.errors)


def test_scrapy_settings_are_polite_for_real_hosts(policy_source: SourceConfig) -> None:
    settings = Settings()
    polite = scrapy_settings(policy_source, settings, GOVUK)
    assert polite["ROBOTSTXT_OBEY"] and polite["AUTOTHROTTLE_ENABLED"]
    assert polite["DOWNLOAD_DELAY"] == 1 / policy_source.max_requests_per_second
    assert polite["CONCURRENT_REQUESTS_PER_DOMAIN"] == policy_source.concurrency_per_host
    assert polite["USER_AGENT"] == settings.user_agent
    assert polite["DOWNLOAD_TIMEOUT"] == settings.download_timeout_seconds
    assert polite["RETRY_TIMES"] == 2 and {429, 500, 503} <= set(polite["RETRY_HTTP_CODES"])
    assert not polite["HTTPCACHE_ENABLED"] and not polite["TELNETCONSOLE_ENABLED"]


def test_scrapy_settings_drop_delays_on_loopback(policy_source: SourceConfig) -> None:
    fast = scrapy_settings(policy_source, Settings(), "http://127.0.0.1:8800/www.gov.uk")
    assert fast["DOWNLOAD_DELAY"] == 0 and fast["AUTOTHROTTLE_START_DELAY"] == 0
    assert fast["ROBOTSTXT_OBEY"]
