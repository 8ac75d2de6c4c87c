"""Code, config and tests agree: every configured source has a spider, a fixture and a test file,
and the replay of the bundled demo snapshot answers every source of the demo profile."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import httpx
import pytest

from scrapers.plan import replayed
from scrapers.registry import SOURCE_MODULES, spider_names
from scrapers.replay import serve_snapshot
from tests.support.source_fixtures import CONSTRUCTED, FIXTURES, context
from warehouse.config.profiles import available_profiles, load_profile
from warehouse.config.settings import Settings
from warehouse.config.sources import load_sources

TESTS = Path(__file__).parent
DEMO = Path(__file__).resolve().parents[2] / "demo" / "snapshot"
SOURCES = load_sources(Settings().config_dir)
# Spiders with real recorded payloads in the samples folder (tested there too, when present).
SAMPLE_FIXTURES = {
    "govuk_search": "govuk/content_api",
    "parlparse": "parliament/twfy_parlparse_xml",
    "written_questions": "parliament/written_questions_api",
    "bills_api": "parliament/bills_api",
    "bills_rss": "parliament/rss",
    "contracts_finder": "funding/contracts_finder_ocds_2025",
    "threesixtygiving": "funding/threesixtygiving",
}


@pytest.mark.parametrize("spider", spider_names())
def test_sources_every_spider_has_a_constructed_fixture_and_a_test_reading_it(
        spider: str) -> None:
    """One module, one registry line, one fixture, one test (docs/sources.md)."""
    assert any(CONSTRUCTED[spider].iterdir()), f"no constructed fixture for {spider}"
    test_file = TESTS / f"test_{spider}.py"
    assert test_file.is_file(), f"no {test_file.name} for {spider}"
    assert f'CONSTRUCTED["{spider}"]' in test_file.read_text(encoding="utf-8"), (
        f"{test_file.name} does not parse the constructed fixture of {spider}")


@pytest.mark.parametrize("spider", sorted(SAMPLE_FIXTURES))
def test_sources_recorded_payloads_are_there_for_the_sources_that_have_them(
        spider: str, samples_dir: Path) -> None:
    assert any((samples_dir / SAMPLE_FIXTURES[spider]).iterdir())


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
            module = importlib.import_module(SOURCE_MODULES[source.spider])
            for url in [f.url for f in module.start(context(name, source.base_url,
                                                            source.params))]:
                if httpx.get(replayed(url, base), timeout=10).status_code != 200:
                    unanswered.append(f"{name}: {url}")
    assert unanswered == []


def test_sources_samples_snapshot_serves_every_source_with_a_real_sample(
        samples_dir: Path) -> None:
    unanswered = []
    with serve_snapshot(samples_dir) as base:
        for name, source in sorted(SOURCES.items()):
            if source.spider not in SAMPLE_FIXTURES:
                continue
            module = importlib.import_module(SOURCE_MODULES[source.spider])
            for fetch in module.start(context(name, source.base_url, source.params)):
                if httpx.get(replayed(fetch.url, base), timeout=10).status_code != 200:
                    unanswered.append(f"{name}: {fetch.url}")
    assert unanswered == []


SOURCE_PACKAGES = ("scrapers.govuk", "scrapers.parliament", "scrapers.funding", "scrapers.regional")


def test_sources_shared_scraper_modules_import_no_source_package() -> None:
    """scrapers/*.py (spider, plan, feeds, jsonbody, errors ...) sit below every source: the
    registry names source modules as strings, nothing shared imports one."""
    offending = []
    for path in sorted((TESTS.parents[1] / "scrapers").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            offending += [f"{path.name}: {n}" for n in names if n.startswith(SOURCE_PACKAGES)]
    assert offending == []
