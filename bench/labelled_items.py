"""The documents behind the labelled items of bench/data (funding, inclusion): a recorded GOV.UK
content item ("govuk"), one of the demo's constructed ones ("demo"), or a recorded text sample
whose first line is its title."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from scrapers.govuk.parse import parse_content_item
from warehouse.records import Document, DocumentKind

ROOT = Path(__file__).resolve().parents[1]


def content_item_document(item: dict, samples_dir: Path, *, source: str,
                          fetched_at: datetime) -> Document | None:
    """The item's GOV.UK content item parsed as the collector would, or None if it has none."""
    if "govuk" not in item and "demo" not in item:
        return None
    folder = (samples_dir / "govuk/content_api" if "govuk" in item
              else ROOT / "demo/snapshot/govuk/content_api")
    raw = (folder / (item.get("govuk") or item["demo"])).read_bytes()
    return parse_content_item(raw, source=source, fetched_at=fetched_at)


def text_sample_document(path: Path, *, source: str, kind: DocumentKind, url: str,
                         fetched_at: datetime, title_chars: int | None = None) -> Document:
    """A recorded text sample: its first non-blank line is the title, the rest the body."""
    lines = [line.strip() for line in path.read_text().splitlines() if line.strip()]
    return Document(source=source, kind=kind, url=url, title=lines[0][:title_chars],
                    body_text="\n".join(lines[1:]), fetched_at=fetched_at,
                    parser_version="bench/1")
