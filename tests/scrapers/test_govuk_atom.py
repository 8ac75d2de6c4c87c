"""GOV.UK Atom feeds: no real feed exists (govuk/SOURCES.md §3); fixtures are constructed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.govuk import atom_source
from scrapers.govuk.atom import parse_atom_pages
from tests.support.source_fixtures import CONSTRUCTED, FETCHED_AT, context, parse_file

BASE = "https://www.gov.uk"
FOLDER = CONSTRUCTED["govuk_atom"]
CTX = context("govuk_org_feeds", BASE, {"organisations": ["department-for-transport"]})


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.atom")), ids=lambda p: p.stem)
def test_govuk_atom_feeds_list_gov_uk_pages(path: Path) -> None:
    pages, errors = parse_atom_pages(path.read_bytes())
    assert pages and errors == []
    assert all(p.base_path.startswith("/") and p.updated and p.updated.utcoffset() is not None
               for p in pages)
    assert all("<" not in p.title + p.summary for p in pages)


def test_govuk_atom_organisation_entry_fields() -> None:
    pages, _ = parse_atom_pages((FOLDER / "organisation_department-for-transport.atom")
                                .read_bytes())
    first = pages[0]
    assert first.base_path == "/government/publications/local-transport-plans-statutory-guidance"
    assert first.title == "Local transport plans: statutory guidance"  # display type dropped
    assert first.display_type == "Statutory guidance"


def test_govuk_atom_entries_are_the_same_documents_as_search_records() -> None:
    parsed = parse_file(atom_source, FOLDER / "organisation_department-for-transport.atom", CTX,
                        step="feed")
    first = parsed.follow[0]
    assert first.url == (f"{BASE}/api/content/government/publications/"
                         "local-transport-plans-statutory-guidance")
    assert first.canonical == (f"{BASE}/government/publications/"
                               "local-transport-plans-statutory-guidance")
    assert first.changed_at is not None  # stored pages at this time are not fetched again


def test_govuk_atom_content_step_gives_the_content_item(samples_dir: Path) -> None:
    item = next((samples_dir / "govuk" / "content_api" / "news_article").glob("*.json"))
    parsed = parse_file(atom_source, item, CTX, step="content")
    assert parsed.documents[0].url == BASE + json.loads(item.read_bytes())["base_path"]
    assert parsed.documents[0].fetched_at == FETCHED_AT


def test_govuk_atom_start_builds_organisation_and_finder_feeds() -> None:
    ctx = context("f", BASE, {"organisations": ["hm-treasury"],
                              "finders": ["search/all.atom?keywords=West+Midlands"]})
    assert [f.url for f in atom_source.start(ctx)] == [
        f"{BASE}/government/organisations/hm-treasury.atom",
        f"{BASE}/search/all.atom?keywords=West+Midlands"]


def test_govuk_atom_json_body_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="expected RSS or Atom"):
        parse_atom_pages(b'{"results": []}')


@pytest.mark.live
def test_govuk_atom_live_organisation_feed_parses() -> None:
    import httpx

    feed = atom_source.start(CTX)[0]
    pages, errors = parse_atom_pages(httpx.get(feed.url, timeout=30).content)
    assert pages and errors == []
