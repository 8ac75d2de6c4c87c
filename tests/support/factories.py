"""Small builders for records used across the test folders."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from warehouse.records import Document, DocumentKind

FETCHED_AT = datetime(2026, 11, 22, 6, 0, tzinfo=UTC)


def make_document(**overrides: Any) -> Document:
    values: dict[str, Any] = {
        "source": "govuk_news",
        "kind": DocumentKind.NEWS,
        "url": "https://www.gov.uk/government/news/buses-for-the-west-midlands",
        "title": "More buses for the West Midlands",
        "summary": "Funding for bus services across the region.",
        "body_text": "The Transport Secretary announced new funding for buses in Birmingham.",
        "published_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 20, 9, 30, tzinfo=UTC),
        "fetched_at": FETCHED_AT,
        "organisations": ["Department for Transport"],
        "parser_version": "test/1",
    }
    values.update(overrides)
    return Document(**values)
