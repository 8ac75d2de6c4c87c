"""Turn recorded GOV.UK Content API payloads and regional page excerpts into Documents for tests.

A stand-in for the scrapers' parsers (another folder): tags become line breaks, entities text.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from factories import make_document

from warehouse.records import Document, DocumentKind

_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|tr|table|ul|ol|blockquote|section)\s*>|<br\s*/?>")
_TAG = re.compile(r"<[^>]+>")


def html_to_text(markup: str) -> str:
    return html.unescape(_TAG.sub(" ", _BLOCK_END.sub("\n", markup)))


def govuk_document(path: Path) -> Document:
    payload = json.loads(path.read_text(encoding="utf-8"))
    body = payload.get("details", {}).get("body", "")
    if isinstance(body, list):
        body = " ".join(part.get("content", "") for part in body)
    return make_document(
        url=f"https://www.gov.uk{payload['base_path']}",
        title=payload["title"],
        summary=payload.get("description") or "",
        body_text=html_to_text(body),
        kind=DocumentKind.OTHER,
        source="govuk_test",
    )


def text_document(path: Path) -> Document:
    lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]
    lines = [line for line in lines if line and line != "Skip to main content"]
    return make_document(
        url=f"https://example.org/{path.stem}",
        title=lines[0],
        summary="",
        body_text="\n".join(lines[1:]),
        kind=DocumentKind.REGIONAL_NEWS,
        source="regional_test",
    )
