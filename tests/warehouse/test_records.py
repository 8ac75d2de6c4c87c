from __future__ import annotations

import uuid
from datetime import datetime

import pytest
from pydantic import ValidationError

from tests.support.factories import make_document
from warehouse.records import SourceReport, canonical_url, document_id


def test_canonical_url_drops_fragment_tracking_and_trailing_slash() -> None:
    url = "HTTPS://WWW.GOV.UK/government/news/x/?utm_source=mail&b=2&a=1#top"
    assert canonical_url(url) == "https://www.gov.uk/government/news/x?a=1&b=2"


def test_canonical_url_rejects_relative_urls() -> None:
    with pytest.raises(ValueError, match="absolute"):
        canonical_url("/government/news/x")


def test_document_id_is_uuid5_of_canonical_url() -> None:
    url = "https://www.gov.uk/government/news/x/"
    expected = uuid.uuid5(uuid.NAMESPACE_URL, "https://www.gov.uk/government/news/x")
    assert document_id(url) == expected
    assert make_document(url=url).id == expected


def test_document_requires_timezone_aware_times() -> None:
    with pytest.raises(ValidationError, match="timezone-aware"):
        make_document(published_at=datetime(2026, 11, 20, 9, 30))


def test_document_rejects_id_not_derived_from_url() -> None:
    with pytest.raises(ValidationError, match="uuid5"):
        make_document(id=uuid.uuid4())


def test_content_hash_changes_with_body_only() -> None:
    first = make_document()
    assert make_document().content_hash == first.content_hash
    assert make_document(body_text="Different").content_hash != first.content_hash
    assert make_document(fetched_at=datetime.now().astimezone()).content_hash == first.content_hash


@pytest.mark.parametrize(
    ("counts", "health"),
    [
        ({"fetched": 3, "new": 3}, "ok"),
        ({"fetched": 3, "new": 2, "failed": 1}, "degraded"),
        ({"fetched": 2, "failed": 2}, "failing"),
        ({}, "empty"),
    ],
)
def test_source_report_health(counts: dict[str, int], health: str) -> None:
    assert SourceReport(source="s", **counts).health == health
