"""News from RSS or Atom feeds: the combined authorities', councils' and peers' news, and any other
plain feed (Parliament's committee news). One record per entry; the entry's link is its address.

config/sources.yaml params:
    feeds: ["news/feed/"]        # paths under base_url (or absolute URLs)
    publisher: "Cambridgeshire and Peterborough Combined Authority"
    kind: regional_news          # a DocumentKind; default regional_news
"""

from __future__ import annotations

from datetime import datetime

from scrapers.feeds import FeedEntry, parse_feed
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind

PARSER_VERSION = "news-feed/1"


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(path if path.startswith("http") else live_url(ctx.base_url, path),
                  conditional=True) for path in ctx.param_list("feeds")]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    feed = parse_feed(body, f"news feed {fetch.url}")
    kind = DocumentKind(ctx.params.get("kind", DocumentKind.REGIONAL_NEWS.value))
    publisher = str(ctx.params.get("publisher") or feed.title)
    parsed = Parsed(listed=len(feed.entries))
    for entry in feed.entries:
        try:
            parsed.documents.append(entry_document(entry, source=ctx.source, kind=kind,
                                                   publisher=publisher,
                                                   fetched_at=ctx.fetched_at))
        except ValueError as error:
            parsed.errors.append((entry.link or entry.id, f"feed entry: {error}"[:300]))
            continue
        if entry.date_problems:  # stored undated, and reported so the source shows degraded
            parsed.errors.append((entry.link, f"feed entry: {'; '.join(entry.date_problems)}"))
    return parsed


def entry_document(entry: FeedEntry, *, source: str, kind: DocumentKind, publisher: str,
                   fetched_at: datetime) -> Document:
    return Document(
        source=source, kind=kind, url=entry.link, title=entry.title or entry.link,
        summary=entry.summary[:1000], body_text=entry.content or entry.summary,
        published_at=entry.published or entry.updated,
        updated_at=entry.updated if entry.updated != entry.published else None,
        fetched_at=fetched_at, organisations=[publisher] if publisher else [],
        people=[entry.author] if entry.author else [], tags=entry.categories,
        source_type="feed_entry", metadata={"publisher": publisher} if publisher else {},
        parser_version=PARSER_VERSION)
