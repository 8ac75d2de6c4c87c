"""Real recorded samples as Documents for tests: GOV.UK items through the real parser, plain-text
page excerpts (regional, Hansard, funding pages) with their first line as the title."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scrapers.govuk.parse import parse_content_item
from tests.support.factories import make_document
from warehouse.records import Document, DocumentKind

FETCHED_AT = datetime(2026, 1, 5, 6, 0, tzinfo=UTC)


def govuk_document(path: Path) -> Document:
    return parse_content_item(path.read_bytes(), source="govuk_test", fetched_at=FETCHED_AT)


def text_document(path: Path, kind: DocumentKind = DocumentKind.REGIONAL_NEWS) -> Document:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and line != "Skip to main content"]
    return make_document(
        url=f"https://example.org/{path.stem}",
        title=lines[0],
        summary="",
        body_text="\n".join(lines[1:]),
        kind=kind,
        source="regional_test",
        organisations=[],
    )


def sample_document(samples_dir: Path, relative: str | Path) -> Document:
    path = samples_dir / relative
    return govuk_document(path) if path.suffix == ".json" else text_document(path)
