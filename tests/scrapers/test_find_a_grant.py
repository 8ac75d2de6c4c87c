"""Find a Grant: no real advert exists (funding/SOURCES.md); fixtures are constructed."""

from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.funding import find_a_grant
from tests.support.live_sources import live_listing_then_page
from tests.support.source_fixtures import CONSTRUCTED, assert_record_invariants, context, parse_file
from warehouse.records import ApplicantType, DocumentKind

BASE = "https://www.find-government-grants.service.gov.uk"
FOLDER = CONSTRUCTED["find_a_grant"]
CTX = context("find_a_grant", BASE)
ADVERTS = sorted((FOLDER / "grants").glob("*.html"))


def _advert(path: Path):
    label = path.stem
    return parse_file(find_a_grant, path, CTX, step="advert", canonical=f"{BASE}/grants/{label}")


def test_find_a_grant_listing_follows_each_advert() -> None:
    parsed = parse_file(find_a_grant, FOLDER / "grants.html", CTX, step="listing",
                        url=f"{BASE}/grants")
    assert [f.canonical for f in parsed.follow] == [
        f"{BASE}/grants/community-energy-fund-2026",
        f"{BASE}/grants/local-digital-skills-partnerships-2026"]
    assert parsed.listed == 2


@pytest.mark.parametrize("path", ADVERTS, ids=lambda p: p.stem)
def test_find_a_grant_adverts_parse_with_invariants(path: Path) -> None:
    assert_record_invariants(_advert(path).documents, _advert(path).documents)


def test_find_a_grant_first_advert_fields() -> None:
    document = _advert(ADVERTS[0]).documents[0]
    assert document.kind is DocumentKind.FUNDING_CALL
    assert document.title == "Community Energy Fund 2026 to 2027"
    assert document.funding.funder == "Department for Energy Security and Net Zero"
    assert (document.funding.min_award_gbp, document.funding.max_award_gbp,
            document.funding.total_amount_gbp) == (10000, 100000, 10000000)
    assert document.closes_at.isoformat() == "2027-01-15T23:59:00+00:00"
    assert ApplicantType.LOCAL_AUTHORITY in document.funding.eligible_applicants
    assert "Match funding of 20%" in document.body_text


def test_find_a_grant_page_without_next_data_reads_the_summary_list(tmp_path: Path) -> None:
    html = ADVERTS[1].read_text().split('<script id="__NEXT_DATA__"')[0] + "</body></html>"
    path = tmp_path / "advert_plain.html"
    path.write_text(html)
    document = _advert(path).documents[0]
    assert document.title == "Local Digital Skills Partnerships Fund"
    assert document.funding.total_amount_gbp == 4500000
    assert ApplicantType.COMBINED_AUTHORITY in document.funding.eligible_applicants


@pytest.mark.live
def test_find_a_grant_live_listing_and_advert_parse() -> None:
    assert live_listing_then_page(find_a_grant, CTX).closes_at is not None
