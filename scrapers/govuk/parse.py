"""GOV.UK Content API item (`/api/content/<base_path>`) -> Document. Pure: bytes in, record out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.govuk.kinds import kind_for
from scrapers.jsonbody import load_json_object
from warehouse.records import Document
from warehouse.text import html_to_text

PARSER_VERSION = "govuk-content/1"
GOVUK_ORIGIN = "https://www.gov.uk"


def canonical_govuk_url(base_path: str) -> str:
    """The live www.gov.uk address of a base path, whatever host the bytes were fetched from."""
    return GOVUK_ORIGIN + base_path


def _html_of(body: object) -> str:
    """details.body is HTML, or (some schemas) a list of {content_type, content} variants."""
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        for variant in body:
            if isinstance(variant, dict) and variant.get("content_type") == "text/html":
                return str(variant.get("content", ""))
    return ""


def _titles(items: object) -> list[str]:
    if not isinstance(items, list):
        return []
    return [str(i["title"]).strip() for i in items if isinstance(i, dict) and i.get("title")]


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


def _body_text(details: dict[str, Any]) -> str:
    sections = [html_to_text(_html_of(details.get("body")))]
    for part in details.get("parts") or []:
        if isinstance(part, dict):
            sections.append(str(part.get("title") or ""))
            sections.append(html_to_text(_html_of(part.get("body"))))
    text = "\n\n".join(s for s in sections if s)
    if text:
        return text
    documents = [html_to_text(d) for d in details.get("documents") or [] if isinstance(d, str)]
    return "\n\n".join(_unique([*documents, *_titles(details.get("attachments"))]))


def _taxon_tags(links: dict[str, Any]) -> list[str]:
    taxons = links.get("taxons") or []
    tags = _titles(taxons)
    for taxon in taxons:
        if isinstance(taxon, dict) and isinstance(taxon.get("links"), dict):
            tags += _titles(taxon["links"].get("parent_taxons"))
    tags += _titles(links.get("parent_taxons"))
    return _unique(tags)


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def parse_content_item(raw: bytes, *, source: str, fetched_at: datetime) -> Document:
    """One Content API item as a Document; ParseError(reason) if the bytes are not one."""
    data = load_json_object(raw, "content item")
    base_path = data.get("base_path")
    if not isinstance(base_path, str) or not base_path.startswith("/"):
        raise ParseError("content item: missing base_path")
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ParseError(f"content item {base_path}: missing title")
    details = _mapping(data, "details")
    links = _mapping(data, "links")
    withdrawn = _mapping(data, "withdrawn_notice")
    document_type = str(data.get("document_type") or "")
    try:
        return Document(
            source=source,
            kind=kind_for(document_type),
            url=canonical_govuk_url(base_path),
            title=title.strip(),
            summary=html_to_text(str(data.get("description") or "")),
            body_text=_body_text(details),
            published_at=parse_timestamp(data.get("first_published_at"))
            or parse_timestamp(details.get("first_public_at")),
            updated_at=parse_timestamp(data.get("public_updated_at")),
            fetched_at=fetched_at,
            organisations=_unique(_titles(links.get("organisations"))),
            tags=_taxon_tags(links),
            source_type=document_type,
            opens_at=parse_timestamp(details.get("opening_date")),
            closes_at=parse_timestamp(details.get("closing_date")),
            withdrawn_at=parse_timestamp(withdrawn.get("withdrawn_at")),
            withdrawn_reason=html_to_text(str(withdrawn.get("explanation") or "")),
            parser_version=PARSER_VERSION,
        )
    except (ValidationError, ValueError) as error:
        raise ParseError(f"content item {base_path}: not a valid Document: {error}") from error
