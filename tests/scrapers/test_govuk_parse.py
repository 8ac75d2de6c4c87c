from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from scrapers.errors import ParseError
from scrapers.govuk.parse import PARSER_VERSION, parse_content_item
from warehouse.records import Document, DocumentKind

TAG = re.compile(r"<[A-Za-z/!][^>]*>")
DATE_FIELDS = ("published_at", "updated_at", "fetched_at", "opens_at", "closes_at",
               "withdrawn_at")


def _raw(path: Path) -> dict[str, Any]:
    return json.loads(path.read_bytes())


def _parse(raw: bytes, fetched_at: datetime) -> Document:
    return parse_content_item(raw, source="govuk_test", fetched_at=fetched_at)


def _parse_file(govuk_samples: Path, name: str, fetched_at: datetime) -> Document:
    return _parse((govuk_samples / "content_api" / name).read_bytes(), fetched_at)


# --- every recorded item -------------------------------------------------------------------


def test_parse_content_item_gives_a_valid_document(content_file: Path,
                                                   fetched_at: datetime) -> None:
    document = _parse(content_file.read_bytes(), fetched_at)
    raw = _raw(content_file)
    assert document.title == raw["title"].strip() and document.title
    assert document.source == "govuk_test"
    assert document.parser_version == PARSER_VERSION
    assert document.source_type == raw["document_type"]
    assert Document.model_validate(document.model_dump(mode="json")) == document


def test_parse_content_item_id_is_uuid5_of_live_url(content_file: Path,
                                                    fetched_at: datetime) -> None:
    live_url = "https://www.gov.uk" + _raw(content_file)["base_path"]
    first = _parse(content_file.read_bytes(), fetched_at)
    again = _parse(content_file.read_bytes(), fetched_at + timedelta(days=3))
    assert first.url == live_url
    assert first.id == again.id == uuid.uuid5(uuid.NAMESPACE_URL, live_url)


def test_parse_content_item_dates_are_timezone_aware(content_file: Path,
                                                     fetched_at: datetime) -> None:
    document = _parse(content_file.read_bytes(), fetched_at)
    for name in DATE_FIELDS:
        value = getattr(document, name)
        assert value is None or value.utcoffset() is not None, name
    assert document.updated_at is not None


def test_parse_content_item_text_has_no_html(content_file: Path, fetched_at: datetime) -> None:
    document = _parse(content_file.read_bytes(), fetched_at)
    for text in (document.body_text, document.summary, document.withdrawn_reason):
        assert not TAG.search(text)


def test_parse_content_item_keeps_opening_and_closing_dates(content_file: Path,
                                                            fetched_at: datetime) -> None:
    details = _raw(content_file).get("details") or {}
    document = _parse(content_file.read_bytes(), fetched_at)
    if details.get("opening_date"):
        assert document.opens_at == datetime.fromisoformat(details["opening_date"])
    if details.get("closing_date"):
        assert document.closes_at == datetime.fromisoformat(details["closing_date"])


def test_parse_content_item_keeps_withdrawal(content_file: Path, fetched_at: datetime) -> None:
    notice = _raw(content_file).get("withdrawn_notice")
    document = _parse(content_file.read_bytes(), fetched_at)
    if notice:
        assert document.withdrawn_at == datetime.fromisoformat(notice["withdrawn_at"])
        assert document.withdrawn_reason
    else:
        assert document.withdrawn_at is None and document.withdrawn_reason == ""


# --- specific values -----------------------------------------------------------------------


def test_parse_content_item_open_consultation_values(govuk_samples: Path,
                                                     fetched_at: datetime) -> None:
    document = _parse_file(govuk_samples, "consultation/open_consultation.json", fetched_at)
    assert document.kind is DocumentKind.CONSULTATION
    assert document.title == "Postgraduate doctoral loans"
    assert document.url == "https://www.gov.uk/government/consultations/postgraduate-doctoral-loans"
    assert document.organisations == ["Department for Education"]
    assert document.published_at == datetime(2016, 11, 4, 9, 0, tzinfo=UTC)
    assert document.updated_at == datetime(2016, 11, 7, 15, 45, 44, tzinfo=UTC)
    assert document.opens_at == datetime(2016, 11, 4, 9, 0, tzinfo=UTC)
    assert document.closes_at == datetime(2216, 12, 16, 15, 0, tzinfo=UTC)
    assert document.summary == "We'd like your views on the proposed loan for doctoral study."
    assert document.fetched_at == fetched_at


def test_parse_content_item_withdrawn_news_values(govuk_samples: Path,
                                                  fetched_at: datetime) -> None:
    document = _parse_file(govuk_samples, "news_article/news_article_withdrawn.json", fetched_at)
    assert document.kind is DocumentKind.NEWS
    assert document.withdrawn_at == datetime(2019, 8, 22, 9, 29, 2, tzinfo=UTC)
    assert document.withdrawn_reason == "We’ve withdrawn this news article"
    assert "Christmas" in document.body_text


def test_parse_content_item_taxons_with_parents_deduplicated(govuk_samples: Path,
                                                             fetched_at: datetime) -> None:
    document = _parse_file(govuk_samples, "publication/tagged_to_two_coronavirus_taxons.json",
                           fetched_at)
    assert document.tags[:2] == ["Business and industry", "Business closures during coronavirus"]
    assert "Support for businesses and self-employed people during coronavirus" in document.tags
    assert "Health and social care" in document.tags
    assert len(document.tags) == len(set(document.tags))
    assert document.organisations == ["Cabinet Office",
                                      "Ministry of Housing, Communities & Local Government"]


@pytest.mark.parametrize(("name", "kind"), [
    ("news_article/news_article_press_release.json", DocumentKind.PRESS_RELEASE),
    ("news_article/best-practice-government-response.json", DocumentKind.NEWS),
    ("speech/best-practice-oral-statement.json", DocumentKind.SPEECH),
    ("speech/best-practice-written-statement.json", DocumentKind.WRITTEN_STATEMENT),
    ("call_for_evidence/open_call_for_evidence.json", DocumentKind.CALL_FOR_EVIDENCE),
    ("publication/best-practice-impact-assessment.json", DocumentKind.POLICY_PAPER),
    ("publication/best-practice-national-statistics.json", DocumentKind.STATISTICS),
    ("statistics_announcement/cancelled_official_statistics.json", DocumentKind.STATISTICS),
    ("publication/best-practice-independent-report.json", DocumentKind.RESEARCH),
    ("publication/best-practice-statutory-guidance.json", DocumentKind.GUIDANCE),
    ("detailed_guide/political_detailed_guide.json", DocumentKind.GUIDANCE),
    ("publication/best-practice-corporate-report.json", DocumentKind.CORPORATE_REPORT),
    ("specialist_document/business-finance-support-scheme.json", DocumentKind.FUNDING_CALL),
    ("take_part/take_part.json", DocumentKind.OTHER),
])
def test_parse_content_item_maps_document_type_to_kind(govuk_samples: Path, fetched_at: datetime,
                                                       name: str, kind: DocumentKind) -> None:
    assert _parse_file(govuk_samples, name, fetched_at).kind is kind


def test_parse_content_item_reads_naive_dates_as_london_time(govuk_samples: Path,
                                                             fetched_at: datetime) -> None:
    raw = _raw(govuk_samples / "content_api/consultation/open_consultation.json")
    raw["details"]["closing_date"] = "2024-07-01T17:00:00"
    document = _parse(json.dumps(raw).encode(), fetched_at)
    assert document.closes_at == datetime(2024, 7, 1, 16, 0, tzinfo=UTC)


def test_parse_content_item_folds_guide_parts_into_body(govuk_samples: Path,
                                                        fetched_at: datetime) -> None:
    raw = _raw(govuk_samples / "content_api/take_part/take_part.json")
    raw["details"] = {"parts": [{"title": "Overview", "slug": "overview", "body": "<p>One</p>"},
                                {"title": "Eligibility", "slug": "e", "body": "<p>Two</p>"}]}
    document = _parse(json.dumps(raw).encode(), fetched_at)
    assert document.body_text == "Overview\n\nOne\n\nEligibility\n\nTwo"


def test_parse_content_item_uses_attachment_titles_without_body(govuk_samples: Path,
                                                                fetched_at: datetime) -> None:
    raw = _raw(govuk_samples / "content_api/take_part/take_part.json")
    raw["details"] = {"attachments": [{"title": "Annual report (PDF)"}, {"title": "Data"}]}
    document = _parse(json.dumps(raw).encode(), fetched_at)
    assert document.body_text == "Annual report (PDF)\n\nData"


# --- bad input -----------------------------------------------------------------------------


def _reason(raw: bytes, fetched_at: datetime) -> str:
    with pytest.raises(ParseError) as caught:
        _parse(raw, fetched_at)
    return caught.value.reason


def test_parse_content_item_rejects_html(fetched_at: datetime) -> None:
    reason = _reason(b"<!DOCTYPE html><html><body>Service unavailable</body></html>", fetched_at)
    assert "got HTML" in reason


def test_parse_content_item_rejects_truncated_json(govuk_samples: Path,
                                                   fetched_at: datetime) -> None:
    raw = (govuk_samples / "content_api/speech/speech.json").read_bytes()
    reason = _reason(raw[: len(raw) // 2], fetched_at)
    assert "invalid JSON" in reason and "truncated" in reason


@pytest.mark.parametrize(("raw", "expected"), [
    (b"", "empty"),
    (b"[1, 2]", "expected a JSON object, got list"),
    (b"\xff\xfe{}", "not UTF-8"),
    (b'{"title": "No path"}', "missing base_path"),
    (b'{"base_path": "/a", "title": "  "}', "/a: missing title"),
    (b'{"base_path": "/a"}', "/a: missing title"),
])
def test_parse_content_item_explains_bad_input(raw: bytes, expected: str,
                                               fetched_at: datetime) -> None:
    assert expected in _reason(raw, fetched_at)


def test_parse_content_item_rejects_naive_fetch_time(govuk_samples: Path) -> None:
    raw = (govuk_samples / "content_api/speech/speech.json").read_bytes()
    with pytest.raises(ParseError, match="not a valid Document"):
        _parse(raw, datetime(2026, 1, 1))
