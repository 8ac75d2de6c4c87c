from __future__ import annotations

import json
from pathlib import Path

import pytest

from scrapers.errors import ParseError
from scrapers.parliament import bills_api
from scrapers.parliament.bills_api import parse_bill
from tests.support.source_fixtures import (
    CONSTRUCTED,
    FETCHED_AT,
    assert_record_invariants,
    context,
    parse_file,
)
from warehouse.records import DocumentKind

BASE = "https://bills-api.parliament.uk"


def api_bodies(samples_dir: Path, tmp_path: Path) -> list[Path]:
    """The recorded bodies as the API serves them (the capture wraps the body in `response`)."""
    bodies = []
    for path in sorted((samples_dir / "parliament" / "bills_api").glob("*.json")):
        data = json.loads(path.read_bytes())
        body = tmp_path / path.name
        body.write_text(json.dumps(data.get("response", data)))
        bodies.append(body)
    return bodies


def test_bills_api_recorded_pages_parse_with_invariants(samples_dir: Path,
                                                       tmp_path: Path) -> None:
    ctx = context("parliament_bills", BASE)
    for body in api_bodies(samples_dir, tmp_path):
        parsed, again = parse_file(bills_api, body, ctx), parse_file(bills_api, body, ctx)
        assert parsed.errors == [] and parsed.listed == len(parsed.documents)
        assert_record_invariants(parsed.documents, again.documents)


def test_bills_api_first_bill_fields(samples_dir: Path, tmp_path: Path) -> None:
    body = api_bodies(samples_dir, tmp_path)[0]
    first = parse_file(bills_api, body, context("parliament_bills", BASE)).documents[0]
    assert first.kind is DocumentKind.BILL
    assert first.url == "https://bills.parliament.uk/bills/4129"
    assert first.title == "Financial Services and Markets Bill [HL]"
    assert first.metadata["stage"] == "3rd reading" and first.metadata["stage_house"] == "Lords"
    assert first.updated_at is not None and first.updated_at.isoformat().startswith(
        "2026-09-11T17:29:44.227186")


def test_bills_api_stage_change_is_an_update_of_the_same_bill(samples_dir: Path) -> None:
    data = json.loads((samples_dir / "parliament/bills_api/bills_search_house_combinations.json")
                      .read_bytes())["response"]["items"][0]
    before = parse_bill(data, source="b", fetched_at=FETCHED_AT)
    data["currentStage"]["description"] = "Report stage"
    data["lastUpdate"] = "2026-09-20T10:00:00"
    after = parse_bill(data, source="b", fetched_at=FETCHED_AT)
    assert after.id == before.id and after.content_hash != before.content_hash
    assert after.metadata["stage"] == "Report stage"


def test_bills_api_item_without_title_is_reported() -> None:
    with pytest.raises(ParseError, match="shortTitle"):
        parse_bill({"billId": 1}, source="b", fetched_at=FETCHED_AT)


def test_bills_api_constructed_page_gives_each_bill_at_its_stage() -> None:
    body = CONSTRUCTED["bills_api"] / "bills_updated_2026-11-19.json"
    ctx = context("parliament_bills", BASE)
    parsed = parse_file(bills_api, body, ctx)
    assert parsed.errors == [] and parsed.listed == 2
    assert_record_invariants(parsed.documents, parse_file(bills_api, body, ctx).documents)
    first = parsed.documents[0]
    assert first.kind is DocumentKind.BILL and first.url == "https://bills.parliament.uk/bills/9901"
    assert first.title == "English Devolution and Community Empowerment Bill"
    assert (first.metadata["stage"], first.metadata["stage_house"]) == ("Committee stage", "Lords")
