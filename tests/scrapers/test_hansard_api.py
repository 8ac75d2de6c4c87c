"""Hansard API: no real payload exists (parliament/SOURCES.md); fixtures are constructed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.parliament import hansard_api
from tests.support.live_sources import live_listing_then_page
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import DocumentKind

BASE = "https://hansard-api.parliament.uk"
FOLDER = CONSTRUCTED["hansard_api"]
DEBATE = FOLDER / "debates/debate/A1B2C3D4-0000-4000-8000-000000000001.json"
CTX = context("hansard_debates", BASE)


def test_hansard_api_search_follows_each_debate_section() -> None:
    parsed = parse_file(hansard_api, FOLDER / "search" / "debates.json", CTX, step="search")
    assert parsed.listed == 1 and parsed.errors == []
    assert [f.url for f in parsed.follow] == [
        f"{BASE}/debates/debate/A1B2C3D4-0000-4000-8000-000000000001.json"]
    assert parsed.follow[0].canonical == ("https://hansard.parliament.uk/Commons/2026-11-19/"
                                          "debates/A1B2C3D4-0000-4000-8000-000000000001/details")


@pytest.mark.parametrize("path", sorted(DEBATE.parent.glob("*.json")),
                         ids=lambda p: p.name)
def test_hansard_api_debate_fixtures_parse_with_invariants(path: Path) -> None:
    parsed = parse_file(hansard_api, path, CTX, step="debate")
    assert_record_invariants(parsed.documents,
                             parse_file(hansard_api, path, CTX, step="debate").documents)


def test_hansard_api_debate_record_fields() -> None:
    document = parse_file(hansard_api, DEBATE, CTX, step="debate").documents[0]
    assert document.kind is DocumentKind.DEBATE
    assert document.title == "Midlands Rail Hub"
    assert document.people == ["Demo Member for Coventry South", "The Minister of State for Rail"]
    assert document.metadata["house"] == "Commons"
    assert "Design work continues" in document.body_text


def test_hansard_api_search_pages_until_total(tmp_path: Path) -> None:
    page = tmp_path / "page.json"
    page.write_text(json.dumps({"Results": [{"DebateSectionExtId": f"X{i}", "House": "Lords",
                                             "SittingDate": "2026-11-19T00:00:00"}
                                            for i in range(50)], "TotalResultCount": 120}))
    parsed = parse_file(hansard_api, page, CTX, step="search")
    assert parsed.follow[-1].step == "search" and len(parsed.follow) == 51
    assert "queryParameters.skip=50" in parsed.follow[-1].url


def test_hansard_api_debate_without_overview_is_a_parse_error(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"Items": []}')
    with pytest.raises(ParseError, match="Overview"):
        parse_file(hansard_api, path, CTX, step="debate")


@pytest.mark.live
def test_hansard_api_live_search_and_debate_parse() -> None:
    assert live_listing_then_page(hansard_api, CTX).title
