"""Helpers shared by the per-source parser tests: contexts, parsing a fixture, record invariants."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from scrapers.plan import Context, Fetch, Parsed
from warehouse.records import Document

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
DEMO = Path(__file__).resolve().parents[2] / "demo" / "snapshot"
# spider -> its constructed fixture (tests/fixtures/README.md): written by us in the real format,
# so every parser is tested on a fresh clone. Where the demo snapshot already holds such pages,
# the tests read the demo's own files: one copy, the same bytes the demo replays.
CONSTRUCTED = {
    "govuk_search": FIXTURES / "govuk_search",
    "govuk_atom": FIXTURES / "govuk_atom",
    "parlparse": DEMO / "parliament/twfy_parlparse_xml",
    "hansard_api": DEMO / "parliament/mirror/hansard-api.parliament.uk",
    "written_questions": DEMO / "parliament/written_questions_api",
    "bills_api": DEMO / "parliament/bills_api",
    "bills_rss": DEMO / "parliament/rss",
    "find_a_grant": DEMO / "funding/mirror/www.find-government-grants.service.gov.uk",
    "ukri": DEMO / "funding/mirror/www.ukri.org/opportunity",
    "innovate_uk": DEMO / "funding/mirror/apply-for-innovation-funding.service.gov.uk/competition",
    "contracts_finder": DEMO / "funding/contracts_finder_ocds_demo",
    "find_a_tender": DEMO / "funding/mirror/www.find-tender.service.gov.uk/api/1.0",
    "threesixtygiving": DEMO / "funding/threesixtygiving",
    "news_feed": DEMO / "regional/mirror",
    "news_listing": DEMO / "regional/mirror",
}
# The Content API items both GOV.UK spiders read (the demo's, constructed).
GOVUK_CONTENT = DEMO / "govuk" / "content_api"
FETCHED_AT = datetime(2026, 11, 22, 7, 0, tzinfo=UTC)
_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?>")


def context(source: str, base_url: str, params: dict[str, Any] | None = None,
            since: date | None = None, max_items: int = 5000) -> Context:
    return Context(source=source, base_url=base_url, params=params or {},
                   fetched_at=FETCHED_AT, since=since, max_items=max_items)


def parse_file(module: ModuleType, path: Path, ctx: Context, *, step: str = "list",
               url: str = "https://example.invalid/", canonical: str = "",
               data: dict[str, Any] | None = None) -> Parsed:
    fetch = Fetch(url, step=step, canonical=canonical, data=data or {})
    return module.parse(fetch, path.read_bytes(), ctx)


def assert_record_invariants(documents: list[Document], again: list[Document]) -> None:
    """Ids stable across runs, dates timezone-aware, URLs absolute, no HTML in the text."""
    assert documents, "a fixture must parse to at least one record"
    assert [(d.id, d.content_hash) for d in documents] == [(d.id, d.content_hash) for d in again]
    for document in documents:
        for stamp in (document.published_at, document.updated_at, document.opens_at,
                      document.closes_at, document.fetched_at):
            assert stamp is None or stamp.utcoffset() is not None, document.url
        assert re.match(r"^https?://[^/]+", document.url), document.url
        assert "127.0.0.1" not in document.url and "example.invalid" not in document.url
        for text in (document.title, document.summary, document.body_text):
            assert not _TAG.search(text), f"HTML left in {document.url}: {text[:120]!r}"
        assert document.title.strip()
