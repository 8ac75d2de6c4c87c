"""Find a Tender: no real release package exists (funding/SOURCES.md); the fixture is constructed
in the OCDS 1.1 format. The parser is the one the real Contracts Finder samples test."""

from __future__ import annotations

import pytest

from scrapers.funding import find_a_tender
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import DocumentKind

BASE = "https://www.find-tender.service.gov.uk"
PACKAGE = CONSTRUCTED["find_a_tender"] / "ocdsReleasePackages.json"
CTX = context("find_a_tender", BASE)


def test_find_a_tender_package_parses_with_invariants() -> None:
    parsed = parse_file(find_a_tender, PACKAGE, CTX)
    assert parsed.errors == [] and parsed.follow == []  # empty links: last page
    assert_record_invariants(parsed.documents, parse_file(find_a_tender, PACKAGE, CTX).documents)


def test_find_a_tender_notice_fields() -> None:
    document = parse_file(find_a_tender, PACKAGE, CTX).documents[0]
    assert document.kind is DocumentKind.TENDER
    assert document.url == f"{BASE}/Notice/071234-2026"
    assert document.title == "Regional Net Zero Retrofit Framework"
    assert document.funding.total_amount_gbp == 85_000_000
    assert document.metadata["buyer"] == "West Midlands Combined Authority"


def test_find_a_tender_start_asks_for_updates_since_the_watermark() -> None:
    from datetime import date

    url = find_a_tender.start(context("t", BASE, since=date(2026, 11, 20)))[0].url
    assert url.startswith(f"{BASE}/api/1.0/ocdsReleasePackages?updatedFrom=2026-11-20T00")


@pytest.mark.live
def test_find_a_tender_live_package_parses() -> None:
    import httpx

    fetch = find_a_tender.start(CTX)[0]
    parsed = find_a_tender.parse(fetch, httpx.get(fetch.url, timeout=30).content, CTX)
    assert parsed.documents and not parsed.errors
