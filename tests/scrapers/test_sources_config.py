"""Code, config and tests agree: every configured source has a spider, a fixture and a test file,
and the replay of the bundled demo snapshot answers every source of the demo profile."""

from __future__ import annotations

import importlib
from pathlib import Path

import httpx
import pytest
from sources_support import CONSTRUCTED, FIXTURES, context

from scrapers.govuk.search import search_url
from scrapers.plan import replayed
from scrapers.registry import SOURCE_MODULES, spider_names
from scrapers.replay import serve_snapshot
from warehouse.profiles import available_profiles, load_profile
from warehouse.settings import Settings
from warehouse.sources import load_sources

TESTS = Path(__file__).parent
DEMO = Path(__file__).resolve().parents[2] / "demo" / "snapshot"
SOURCES = load_sources(Settings().config_dir)
# Spiders whose fixtures are the real recorded payloads in the samples folder.
SAMPLE_FIXTURES = {
    "govuk_search": "govuk/content_api",
    "parlparse": "parliament/twfy_parlparse_xml",
    "written_questions": "parliament/written_questions_api",
    "bills_api": "parliament/bills_api",
    "bills_rss": "parliament/rss",
    "contracts_finder": "funding/contracts_finder_ocds_2025",
    "threesixtygiving": "funding/threesixtygiving",
}
TEST_FILES = {"govuk_search": "test_govuk_search.py"}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_sources_every_configured_source_has_spider_fixture_and_test(
        name: str, samples_dir: Path) -> None:
    spider = SOURCES[name].spider
    assert spider in spider_names()
    assert (TESTS / TEST_FILES.get(spider, f"test_{spider}.py")).is_file()
    if spider in SAMPLE_FIXTURES:
        assert any((samples_dir / SAMPLE_FIXTURES[spider]).iterdir())
    else:
        assert any(CONSTRUCTED[spider].iterdir()), f"no constructed fixtures for {spider}"


def test_sources_every_spider_is_configured_and_has_the_module_contract() -> None:
    assert set(spider_names()) == {s.spider for s in SOURCES.values()}
    for module_name in SOURCE_MODULES.values():
        module = importlib.import_module(module_name)
        assert module.PARSER_VERSION and callable(module.start) and callable(module.parse)


def test_sources_constructed_fixture_folders_are_marked_constructed() -> None:
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert "CONSTRUCTED" in readme
    for spider in CONSTRUCTED:
        assert f"| `{spider}` |" in readme


@pytest.mark.parametrize("profile", available_profiles(Settings().config_dir))
def test_sources_profiles_name_configured_sources_of_every_kind(profile: str) -> None:
    active = load_profile(Settings().config_dir, profile)
    assert set(active.sources) <= set(SOURCES)
    spiders = {SOURCES[name].spider for name in active.sources}
    assert {"govuk_search", "govuk_atom", "parlparse", "bills_api", "contracts_finder",
            "threesixtygiving"} <= spiders
    assert spiders & {"news_feed", "news_listing"}


def test_sources_demo_snapshot_serves_every_source_of_the_demo_profile() -> None:
    active = load_profile(Settings().config_dir, "wmca")
    unanswered = []
    with serve_snapshot(DEMO) as base:
        for name in active.sources:
            source = SOURCES[name]
            if source.spider == "govuk_search":
                urls = [search_url(source.base_url, source.params["supergroup"], None, 0, 10)]
            else:
                module = importlib.import_module(SOURCE_MODULES[source.spider])
                urls = [f.url for f in module.start(context(name, source.base_url,
                                                            source.params))]
            for url in urls:
                if httpx.get(replayed(url, base), timeout=10).status_code != 200:
                    unanswered.append(f"{name}: {url}")
    assert unanswered == []


def test_sources_samples_snapshot_serves_every_source_with_a_real_sample(
        samples_dir: Path) -> None:
    unanswered = []
    with serve_snapshot(samples_dir) as base:
        for name, source in sorted(SOURCES.items()):
            if source.spider not in SAMPLE_FIXTURES or source.spider == "govuk_search":
                continue
            module = importlib.import_module(SOURCE_MODULES[source.spider])
            for fetch in module.start(context(name, source.base_url, source.params)):
                if httpx.get(replayed(fetch.url, base), timeout=10).status_code != 200:
                    unanswered.append(f"{name}: {fetch.url}")
    assert unanswered == []
