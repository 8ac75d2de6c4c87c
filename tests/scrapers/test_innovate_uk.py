"""Innovate UK competitions: no real page exists (funding/SOURCES.md); fixtures constructed."""

from __future__ import annotations

import pytest

from scrapers.funding import innovate_uk
from tests.support.live_sources import live_listing_then_page
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import ApplicantType, DocumentKind

BASE = "https://apply-for-innovation-funding.service.gov.uk"
FOLDER = CONSTRUCTED["innovate_uk"]
CTX = context("innovate_uk_competitions", BASE)


def _page():
    return parse_file(innovate_uk, FOLDER / "2201" / "overview.html", CTX, step="page",
                      canonical=f"{BASE}/competition/2201/overview")


def test_innovate_uk_search_follows_each_competition() -> None:
    parsed = parse_file(innovate_uk, FOLDER / "search.html", CTX, step="search",
                        url=f"{BASE}/competition/search")
    assert [f.canonical for f in parsed.follow] == [f"{BASE}/competition/2201/overview"]


def test_innovate_uk_overview_parses_with_invariants() -> None:
    assert_record_invariants(_page().documents, _page().documents)


def test_innovate_uk_overview_fields() -> None:
    document = _page().documents[0]
    assert document.kind is DocumentKind.FUNDING_CALL
    assert document.title == "Local Innovation Partnerships: West Midlands advanced manufacturing"
    assert document.opens_at.date().isoformat() == "2026-11-16"
    assert document.closes_at.isoformat() == "2027-01-13T11:00:00+00:00"
    assert document.funding.funder == "Innovate UK"
    assert document.funding.total_amount_gbp == 8e6
    assert (document.funding.min_award_gbp, document.funding.max_award_gbp) == (250000, 1e6)
    assert document.funding.place_restrictions == ["West Midlands"]
    assert ApplicantType.BUSINESS in document.funding.eligible_applicants


@pytest.mark.live
def test_innovate_uk_live_search_and_overview_parse() -> None:
    assert live_listing_then_page(innovate_uk, CTX).closes_at is not None
