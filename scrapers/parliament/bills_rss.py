"""Parliament's bills RSS feeds: all public and private bills, and single-bill feeds.

An all-bills feed has one item per bill (its stage in a `stage` attribute or element); a single-bill
feed (channel link = the bill's page) has one item per event, and becomes one record for the bill
whose stage is that of the newest event. Either way the bill's page is the record's address, so a
stage change is an update of the same record.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parsedate_to_datetime

from lxml import etree

from scrapers.dates import parse_timestamp
from scrapers.errors import ParseError
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind
from warehouse.text import html_to_text

PARSER_VERSION = "bills-rss/1"


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, path), conditional=True)
            for path in ctx.param_list("feeds")]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    documents, errors = parse_bills_feed(body, source=ctx.source, fetched_at=ctx.fetched_at)
    return Parsed(documents=documents, errors=errors, listed=len(documents) + len(errors))


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child(item: etree._Element, name: str) -> str:
    for child in item:
        if _local(child.tag) == name:
            return " ".join("".join(child.itertext()).split())
    return ""


def _children(item: etree._Element, name: str) -> list[str]:
    return [" ".join("".join(c.itertext()).split()) for c in item if _local(c.tag) == name]


def _stage(item: etree._Element) -> str:
    for key, value in item.attrib.items():
        if _local(key) == "stage":
            return value.strip()
    return _child(item, "stage")


def _when(item: etree._Element) -> datetime | None:
    updated = parse_timestamp(_child(item, "updated"))
    if updated:
        return updated
    published = _child(item, "pubDate")
    try:
        return parsedate_to_datetime(published) if published else None
    except (TypeError, ValueError):
        return None


def _document(source: str, fetched_at: datetime, *, url: str, title: str, summary: str,
              stage: str, categories: list[str], updated: datetime | None,
              body: str = "") -> Document:
    metadata = {"stage": stage, "house": categories[0] if categories else "",
                "bill_type": categories[1] if len(categories) > 1 else ""}
    return Document(source=source, kind=DocumentKind.BILL, url=url, title=title,
                    summary=summary, body_text=body, updated_at=updated, fetched_at=fetched_at,
                    tags=[t for t in (stage, *categories) if t], source_type="bill",
                    metadata={k: v for k, v in metadata.items() if v},
                    parser_version=PARSER_VERSION)


def parse_bills_feed(raw: bytes, *, source: str,
                     fetched_at: datetime) -> tuple[list[Document], list[tuple[str, str]]]:
    try:
        root = etree.fromstring(raw, etree.XMLParser(no_network=True, resolve_entities=False))
    except etree.XMLSyntaxError as error:
        raise ParseError(f"bills RSS: not well-formed XML: {error}") from error
    channel = root.find("channel") if root is not None else None
    if channel is None:
        raise ParseError("bills RSS: no <channel>")
    items = [c for c in channel if _local(c.tag) == "item"]
    if items and not any(_stage(i) for i in items if i.attrib):
        return _single_bill(channel, items, source, fetched_at)
    documents: list[Document] = []
    errors: list[tuple[str, str]] = []
    for item in items:
        link, title = _child(item, "link"), _child(item, "title")
        try:
            documents.append(_document(
                source, fetched_at, url=link, title=title,
                summary=html_to_text(_child(item, "description")), stage=_stage(item),
                categories=_children(item, "category"), updated=_when(item)))
        except ValueError as error:
            errors.append((link or title, f"bills RSS item: {error}"[:300]))
    return documents, errors


def _single_bill(channel: etree._Element, items: list[etree._Element], source: str,
                 fetched_at: datetime) -> tuple[list[Document], list[tuple[str, str]]]:
    """A per-bill feed: the bill, at the stage of its newest event."""
    events = sorted(items, key=lambda i: _when(i) or fetched_at.min.replace(
        tzinfo=fetched_at.tzinfo), reverse=True)
    newest = events[0]
    stage = _stage(newest) or next((_stage(e) for e in events if _stage(e)), "")
    recent = "\n".join(f"{_child(e, 'title')}" for e in events[:10])
    try:
        bill = _document(source, fetched_at, url=_child(channel, "link"),
                         title=_child(channel, "title"),
                         summary=html_to_text(_child(channel, "description")), stage=stage,
                         categories=[], updated=_when(newest), body=f"Recent events:\n{recent}")
    except ValueError as error:
        return [], [(_child(channel, "link"), f"single-bill feed: {error}"[:300])]
    return [bill], []
