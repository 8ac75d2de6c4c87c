"""RSS and Atom feeds to plain entries, with feedparser. Pure: bytes in, entries out.

Shared by every feed source (GOV.UK Atom, UKRI's WordPress feed, Parliament's feeds, regional news).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import struct_time
from xml.sax import SAXParseException

import feedparser

from scrapers.errors import ParseError
from warehouse.text import html_to_text


@dataclass(frozen=True)
class FeedEntry:
    id: str
    link: str
    title: str
    summary: str  # plain text
    published: datetime | None = None
    updated: datetime | None = None
    categories: list[str] = field(default_factory=list)
    author: str = ""
    content: str = ""  # plain text of the full content, where the feed carries it
    date_problems: list[str] = field(default_factory=list)  # dates given but unreadable


@dataclass(frozen=True)
class Feed:
    title: str
    link: str
    entries: list[FeedEntry]


# What expat says of a document that ends before its root element is closed.
_TRUNCATED = frozenset({"no element found", "unclosed token", "unclosed CDATA section"})


def _when(value: struct_time | None) -> datetime | None:
    """feedparser gives UTC struct_time for every date format it understands."""
    if not value:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), UTC)


def _entry(raw: feedparser.FeedParserDict) -> FeedEntry:
    content = " ".join(html_to_text(c.get("value", "")) for c in raw.get("content") or [])
    return FeedEntry(
        id=str(raw.get("id") or raw.get("link") or ""),
        link=str(raw.get("link") or "").strip(),
        title=html_to_text(str(raw.get("title") or "")),
        summary=html_to_text(str(raw.get("summary") or "")),
        published=_when(raw.get("published_parsed")),
        updated=_when(raw.get("updated_parsed")) or _when(raw.get("published_parsed")),
        categories=[str(t.get("label") or t.get("term")) for t in raw.get("tags") or []
                    if t.get("label") or t.get("term")],
        author=str(raw.get("author") or ""),
        content=content.strip(),
        date_problems=[f"unreadable {key} date {str(raw.get(key))[:60]!r}"
                       for key in ("published", "updated")
                       if raw.get(key) and not raw.get(f"{key}_parsed")],
    )


def parse_feed(raw: bytes, what: str = "feed") -> Feed:
    """An RSS or Atom document as a Feed; ParseError if the bytes are not a feed at all."""
    head = raw[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        raise ParseError(f"{what}: empty response body")
    if not head.startswith(b"<"):
        raise ParseError(f"{what}: expected RSS or Atom XML, got {head[:40]!r}")
    parsed = feedparser.parse(raw)
    version = parsed.get("version") or ""
    if not version:
        reason = getattr(parsed.get("bozo_exception"), "args", [""])[0] or "not RSS or Atom"
        raise ParseError(f"{what}: not a feed ({reason})")
    problem = parsed.get("bozo_exception")
    if isinstance(problem, SAXParseException) and problem.getMessage() in _TRUNCATED:
        # the lenient parser would still hand over the entries, the last one cut short
        raise ParseError(f"{what}: truncated document ({problem.getMessage()} at line"
                         f" {problem.getLineNumber()}, column {problem.getColumnNumber()});"
                         " no entry of it stored")
    channel = parsed.get("feed") or {}
    return Feed(title=html_to_text(str(channel.get("title") or "")),
                link=str(channel.get("link") or ""),
                entries=[_entry(e) for e in parsed.get("entries") or []])
