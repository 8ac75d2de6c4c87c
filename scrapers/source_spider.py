"""The one spider every source runs under: fetching only, parsing delegated to its module.

Each output line is one of {"type": "listed" | "document" | "unchanged" | "error" |
"not_modified" | "http_state" | "skipped" | "capped", ...}; one bad item never stops the crawl,
whatever its parser raises. A listing or feed fetched with `conditional=True` is sent with the
ETag / Last-Modified stored from the last run; a 304, or a body whose hash is unchanged, is
reported as `not_modified` (with the number of records it held last time) and not parsed again.
A follow-up whose document is stored with the same or a later change time is not fetched.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime
from types import ModuleType
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from scrapers.errors import ParseError
from scrapers.failures import failure_reason
from scrapers.plan import Context, Fetch, replayed
from scrapers.run_files import load_http_cache, load_known, load_retry
from warehouse.records import Document, canonical_url


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def document_line(document: Document) -> dict[str, Any]:
    """The output line of one document; what cannot be written out is this item's failure."""
    line = {"type": "document", "document": document.model_dump(mode="json")}
    try:
        json.dumps(line)
    except (TypeError, ValueError, RecursionError) as error:
        return {"type": "error", "url": document.url, "item": True,
                "reason": f"not writable: {type(error).__name__}: {error}"[:500]}
    return line


class SourceSpider(scrapy.Spider):
    """Runs one source module (`plan`); subclasses are made per module by scrapers/registry.py."""

    name = "source"
    plan: ModuleType

    def __init__(self, source: str, base_url: str = "", live_base_url: str = "",
                 replay_url: str = "", since: str = "", known: str = "", http_cache: str = "",
                 max_items: str | int = 500, params_json: str = "{}", skip: str = "",
                 resume_start: str | int = 0, retry: str = "", **kwargs: Any) -> None:
        super().__init__(**{k: v for k, v in kwargs.items() if k == "name"})
        self.replay_url = replay_url or None
        self.ctx = Context(
            source=source, base_url=(live_base_url or base_url).rstrip("/"),
            params=json.loads(params_json or "{}"), fetched_at=datetime.now(UTC),
            since=date.fromisoformat(since) if since else None, max_items=int(max_items),
            resume_start=int(resume_start or 0), retry=tuple(load_retry(retry)))
        self.known = load_known(known)
        self.http_cache = load_http_cache(http_cache)
        self.emitted = 0
        self.skip = set(load_retry(skip))  # quarantined items: listed, not fetched or stored
        self.requested: set[str] = set()  # documents asked for this run (feeds overlap)

    async def start(self) -> AsyncIterator[Any]:
        for fetch in self.plan.start(self.ctx):
            for out in self._request(fetch):
                yield out

    def _request(self, fetch: Fetch) -> Iterator[Any]:
        if fetch.canonical in self.skip:
            yield {"type": "skipped", "url": fetch.canonical}
            return
        if fetch.canonical:
            if fetch.canonical in self.requested:
                return
            self.requested.add(fetch.canonical)
        stored = self._stored_at(fetch.canonical)
        if stored is not None and fetch.changed_at is not None and fetch.changed_at <= stored:
            yield {"type": "unchanged", "url": fetch.canonical}
            return
        headers: dict[str, str] = {}
        cached = self.http_cache.get(fetch.url) if fetch.conditional else None
        if cached:
            if cached.get("etag"):
                headers["If-None-Match"] = cached["etag"]
            if cached.get("last_modified"):
                headers["If-Modified-Since"] = cached["last_modified"]
        yield scrapy.Request(replayed(fetch.url, self.replay_url), headers=headers,
                             callback=self.on_body, errback=self.on_error,
                             cb_kwargs={"fetch": fetch},
                             meta={"handle_httpstatus_list": [304]}, dont_filter=True)

    def _would_fetch(self, fetch: Fetch) -> bool:
        """A follow that would be requested (not already asked for this run, not unchanged)."""
        if fetch.canonical and fetch.canonical in self.requested:
            return False
        stored = self._stored_at(fetch.canonical)
        return not (stored is not None and fetch.changed_at is not None
                    and fetch.changed_at <= stored)

    def _stored_at(self, url: str) -> datetime | None:
        """When the stored copy of `url` last changed (None: not stored, or no URL)."""
        try:
            return self.known.get(canonical_url(url)) if url else None
        except ValueError:
            return None

    def on_body(self, response: Response, fetch: Fetch) -> Iterator[Any]:
        cached = self.http_cache.get(fetch.url) if fetch.conditional else None
        digest = body_hash(response.body)
        if response.status == 304 or (cached and cached.get("body_hash") == digest):
            yield {"type": "not_modified", "url": fetch.url,
                   "records": int((cached or {}).get("records", 0))}
            return
        item = bool(fetch.canonical)  # a page of one document, not a listing or feed
        try:
            parsed = self.plan.parse(fetch, response.body, self.ctx)
        except ParseError as error:
            yield {"type": "error", "url": fetch.canonical or fetch.url,
                   "reason": error.reason[:500], "item": item}
            return
        except Exception as error:  # a parser bug on one page never stops the crawl
            yield {"type": "error", "url": fetch.canonical or fetch.url, "item": item,
                   "reason": f"parser failed: {type(error).__name__}: {error}"[:500]}
            return
        yield {"type": "listed", "count": parsed.listed}
        left = 0  # what the cap (max_items, counting only work: fetches and new versions) cut
        for document in parsed.documents:
            if document.url in self.skip:
                yield {"type": "skipped", "url": document.url}
                continue
            stored = self._stored_at(document.url)
            changed = document.last_changed_at
            if stored is not None and changed is not None and changed <= stored:
                yield {"type": "unchanged", "url": document.url}
            elif not item and self.emitted >= self.ctx.max_items:
                left += 1
            else:
                # a page of one document was counted when it was requested
                self.emitted += 0 if item else 1
                yield document_line(document)
        for url, reason in parsed.errors:
            if url in self.skip:
                yield {"type": "skipped", "url": url}
            else:
                yield {"type": "error", "url": url, "reason": reason, "item": True}
        for url, reason in parsed.listing_errors:
            yield {"type": "error", "url": url, "reason": reason}
        for follow in parsed.follow:
            if self.emitted >= self.ctx.max_items and self._would_fetch(follow):
                left += 1
                continue
            for out in self._request(follow):
                if follow.canonical and isinstance(out, scrapy.Request):
                    self.emitted += 1
                yield out
        if parsed.capped is not None:
            yield {"type": "capped", "url": fetch.url, "next_start": parsed.capped.next_start,
                   "total": parsed.capped.total}
        elif left:
            yield {"type": "capped", "url": fetch.url, "next_start": None, "total": left}
        if fetch.conditional:
            headers = response.headers
            yield {"type": "http_state", "url": fetch.url, "body_hash": digest,
                   "etag": (headers.get("ETag") or b"").decode("latin-1"),
                   "last_modified": (headers.get("Last-Modified") or b"").decode("latin-1"),
                   "records": len(parsed.documents) + len(parsed.follow)}

    def on_error(self, failure: Failure) -> Iterator[dict[str, Any]]:
        fetch: Fetch = failure.request.cb_kwargs["fetch"]
        yield {"type": "error", "url": fetch.canonical or fetch.url, "item": bool(fetch.canonical),
               "reason": failure_reason(failure, self.settings.getint("DOWNLOAD_MAXSIZE"))}
