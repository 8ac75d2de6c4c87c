"""UKRI funding finder: no real page or feed exists (funding/SOURCES.md); fixtures constructed."""

from __future__ import annotations

import pytest

from scrapers.funding import ukri
from tests.support.live_sources import live_listing_then_page
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import ApplicantType, DocumentKind

FOLDER = CONSTRUCTED["ukri"]
CTX = context("ukri_opportunities", "https://www.ukri.org")
PAGE = "https://www.ukri.org/opportunity/net-zero-places-research-hubs"


def _page():
    return parse_file(ukri, FOLDER / "net-zero-places-research-hubs/index.html", CTX, step="page",
                      canonical=PAGE)


def test_ukri_feed_follows_each_opportunity() -> None:
    parsed = parse_file(ukri, FOLDER / "feed" / "index.xml", CTX, step="feed")
    assert [f.canonical for f in parsed.follow] == [PAGE + "/"]
    assert parsed.follow[0].changed_at is not None


def test_ukri_opportunity_page_parses_with_invariants() -> None:
    assert_record_invariants(_page().documents, _page().documents)


def test_ukri_opportunity_fields() -> None:
    document = _page().documents[0]
    assert document.kind is DocumentKind.FUNDING_CALL
    assert document.title == "Net zero places research hubs"
    assert document.opens_at.isoformat() == "2026-11-19T09:00:00+00:00"
    assert document.closes_at.isoformat() == "2027-02-18T16:00:00+00:00"
    assert document.funding.total_amount_gbp == 12_000_000
    assert (document.funding.min_award_gbp, document.funding.max_award_gbp) == (2e6, 4e6)
    assert document.funding.funder.startswith("Engineering and Physical Sciences")
    assert ApplicantType.UNIVERSITY in document.funding.eligible_applicants
    assert ApplicantType.COMBINED_AUTHORITY in document.funding.eligible_applicants


@pytest.mark.live
def test_ukri_live_feed_and_page_parse() -> None:
    assert live_listing_then_page(ukri, CTX).closes_at is not None
