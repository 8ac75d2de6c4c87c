from __future__ import annotations

from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.parliament.bills_rss import parse_bills_feed
from tests.support.source_fixtures import CONSTRUCTED, FETCHED_AT, assert_record_invariants
from warehouse.records import DocumentKind


def feeds(samples_dir: Path) -> list[Path]:
    return sorted((samples_dir / "parliament" / "rss").glob("*bill*.rss"))


def _parse(path: Path):
    return parse_bills_feed(path.read_bytes(), source="parliament_bills_rss",
                            fetched_at=FETCHED_AT)


def test_bills_rss_every_bills_feed_parses_with_invariants(samples_dir: Path) -> None:
    assert len(feeds(samples_dir)) == 3
    for path in feeds(samples_dir):
        documents, errors = _parse(path)
        assert errors == []
        assert_record_invariants(documents, _parse(path)[0])


def test_bills_rss_public_bills_one_record_per_bill_with_stage(samples_dir: Path) -> None:
    documents, _ = _parse(samples_dir / "parliament/rss/services_parliament_public_bills.rss")
    assert len(documents) == 309 and len({d.url for d in documents}) == 309
    first = documents[0]
    assert first.kind is DocumentKind.BILL
    assert first.title == "Affordable Home Ownership"
    assert first.url == "http://services.parliament.uk/bills/2017-19/affordablehomeownership.html"
    assert first.metadata == {"stage": "2nd reading", "house": "Commons",
                              "bill_type": "Private Members' Bill (under the Ten Minute Rule)"}


def test_bills_rss_single_bill_feed_is_one_bill_at_its_latest_stage(samples_dir: Path) -> None:
    documents, _ = _parse(samples_dir / "parliament/rss/services_parliament_single_bill_feed.rss")
    assert [d.title for d in documents] == ["Counter-Terrorism and Border Security Bill"]
    assert documents[0].metadata["stage"] == "Committee stage"
    assert documents[0].updated_at is not None and documents[0].updated_at.year == 2018


def test_bills_rss_garbage_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        parse_bills_feed(b"{}", source="s", fetched_at=FETCHED_AT)


def test_bills_rss_constructed_feeds_one_record_per_bill_with_stage() -> None:
    feeds = sorted(CONSTRUCTED["bills_rss"].glob("*.rss"))
    bills = {}
    for path in feeds:
        documents, errors = _parse(path)
        assert errors == []
        assert_record_invariants(documents, _parse(path)[0])
        bills.update({d.url: d for d in documents})
    assert len(feeds) == 2 and len(bills) == 3
    private = bills["https://bills.parliament.uk/bills/9904"]
    assert private.title == "West Midlands Metro (Eastside Extension) Bill"
    assert private.metadata == {"stage": "2nd reading", "house": "Commons",
                                "bill_type": "Private Bill"}
