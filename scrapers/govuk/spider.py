"""The `govuk_search` spider: list a supergroup through the Search API, fetch what changed.

Fetching only: every body goes to the pure parse_* functions. Each listed item ends as exactly
one output line: {"type": "document"|"unchanged"|"error", ...}; one bad item never stops the crawl,
whatever its parser raises. A listing that reaches `max_items` before its end says where it stopped
({"type": "capped", "next_start": N}); the next run passes `resume_start` to carry on there.
Items that failed before (`retry`: a JSON list of base paths) are fetched directly.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from scrapers.errors import ParseError
from scrapers.failures import failure_reason
from scrapers.govuk.parse import canonical_govuk_url, parse_content_item
from scrapers.govuk.search import SearchHit, content_url, parse_search_page, search_url
from scrapers.run_files import load_known, load_retry
from warehouse.records import canonical_url

PAGE_SIZE = 100


def item_error(url: str, error: BaseException) -> dict[str, Any]:
    """The output line of one item whose parser raised: ParseError's reason, or the exception."""
    reason = error.reason if isinstance(error, ParseError) else (
        f"parser failed: {type(error).__name__}: {error}")
    return {"type": "error", "url": url, "reason": reason[:500], "item": True}


def is_unchanged(hit: SearchHit, stored_at: datetime | None) -> bool:
    """Stored and not updated since: skip. Without a search timestamp we always refetch."""
    return stored_at is not None and hit.public_timestamp is not None and (
        hit.public_timestamp <= stored_at)


class GovukSearchSpider(scrapy.Spider):
    name = "govuk_search"

    def __init__(self, source: str, base_url: str, supergroup: str, since: str = "",
                 known: str = "", max_items: str | int = 500, resume_start: str | int = 0,
                 retry: str = "", skip: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.resume_start = int(resume_start or 0)
        self.retry = load_retry(retry)
        self.skip = set(load_retry(skip))  # quarantined items: listed, not fetched
        self.source = source
        self.base_url = base_url.rstrip("/")
        self.supergroup = supergroup
        self.since = date.fromisoformat(since) if since else None
        self.known = load_known(known)
        self.max_items = int(max_items)
        self.listed = 0

    def _page(self, start: int) -> scrapy.Request:
        count = min(PAGE_SIZE, self.max_items)
        url = search_url(self.base_url, self.supergroup, self.since, start, count)
        return scrapy.Request(url, callback=self.parse_search, errback=self.on_error,
                              cb_kwargs={"url": url})

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield self._page(self.resume_start)
        for path in self.retry:
            if path.startswith("/"):
                yield self._item_request(path, canonical_govuk_url(path))

    def parse_search(self, response: Response, url: str) -> Iterator[Any]:
        try:
            page = parse_search_page(response.body)
        except Exception as error:  # ParseError, or anything an odd page makes the parser raise
            reason = error.reason if isinstance(error, ParseError) else (
                f"search page: parser failed: {type(error).__name__}: {error}")
            yield {"type": "error", "url": url, "reason": reason[:500]}
            return
        hits = page.results[: self.max_items - self.listed]
        self.listed += len(hits)
        yield {"type": "listed", "count": len(hits)}
        for hit in hits:
            try:
                yield from self._follow(hit)
            except Exception as error:  # one odd hit never stops the listing
                yield item_error(hit.link, error)
        if page.is_last:
            return
        if self.listed < self.max_items:
            yield self._page(page.next_start)
        else:
            yield {"type": "capped", "url": url, "next_start": page.start + len(hits),
                   "total": page.total}

    def _item_request(self, path: str, url: str) -> scrapy.Request:
        return scrapy.Request(content_url(self.base_url, path), callback=self.parse_item,
                              errback=self.on_error, cb_kwargs={"url": url, "item": True},
                              dont_filter=False)

    def _follow(self, hit: SearchHit) -> Iterator[Any]:
        if not hit.link.startswith("/"):
            yield {"type": "error", "url": hit.link, "reason": "search hit link is not a path"}
            return
        url = canonical_govuk_url(hit.link)
        if url in self.skip:
            yield {"type": "skipped", "url": url}
            return
        if is_unchanged(hit, self.known.get(canonical_url(url))):
            yield {"type": "unchanged", "url": url}
            return
        yield self._item_request(hit.link, url)

    def parse_item(self, response: Response, url: str, item: bool = True
                   ) -> Iterator[dict[str, Any]]:
        try:
            document = parse_content_item(response.body, source=self.source,
                                          fetched_at=datetime.now(UTC))
            line = {"type": "document", "document": document.model_dump(mode="json")}
            json.dumps(line)  # what cannot be written out is this item's failure, here
        except Exception as error:  # ParseError, or TypeError/KeyError/RecursionError of odd data
            yield item_error(url, error)
            return
        yield line

    def on_error(self, failure: Failure) -> Iterator[dict[str, Any]]:
        url = failure.request.cb_kwargs.get("url", failure.request.url)
        yield {"type": "error", "url": url, "item": bool(failure.request.cb_kwargs.get("item")),
               "reason": failure_reason(failure, self.settings.getint("DOWNLOAD_MAXSIZE"))}
