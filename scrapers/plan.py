"""The contract between a source module and the generic spider: what to fetch, how to parse it.

A source module (scrapers/parliament/bills_api.py, scrapers/funding/ocds.py ...) is configuration
plus pure functions:

    PARSER_VERSION = "bills-api/1"
    def start(ctx: Context) -> list[Fetch]            # the first requests (listing pages, feeds)
    def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed   # pure: bytes in, records out

Every spider name in scrapers/registry.py is such a module; GOV.UK's Search API crawl
(scrapers/govuk/search_source.py) included.

The spider (scrapers/source_spider.py) does all the I/O: it maps live URLs to the replay server,
sends conditional requests, skips follow-ups whose document is already stored unchanged, and
writes one output line per document, error or skip.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from warehouse.records import Document


@dataclass(frozen=True)
class Fetch:
    """One request a source wants made. `url` is always the live URL."""

    url: str
    step: str = "list"  # which branch of parse() reads the body
    conditional: bool = False  # listing or feed: send If-None-Match / If-Modified-Since
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    canonical: str = ""  # the document this fetch produces, when known in advance
    changed_at: datetime | None = None  # when the listing says that document last changed


@dataclass(frozen=True)
class Capped:
    """A listing cut at max_items before its end: where the next run carries on, of how many."""

    next_start: int
    total: int


@dataclass
class Parsed:
    """What one response body gave: records, further requests, per-item errors."""

    documents: list[Document] = field(default_factory=list)
    follow: list[Fetch] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason) of one item
    # (url, reason) of what is wrong with the listing itself: not one item's, never quarantined
    listing_errors: list[tuple[str, str]] = field(default_factory=list)
    listed: int = 0  # records the page listed (documents, follow-ups and skipped items)
    capped: Capped | None = None  # the source's own listing cap, with where to resume


@dataclass(frozen=True)
class Context:
    """What a source module may know about the run. No I/O handles."""

    source: str
    base_url: str  # the live base URL from config/sources.yaml
    params: dict[str, Any]
    fetched_at: datetime
    since: date | None = None
    max_items: int = 500
    resume_start: int = 0  # where a listing cut at its cap last run carries on
    retry: tuple[str, ...] = ()  # items that failed before, to fetch directly (base paths)

    def param_list(self, name: str) -> list[str]:
        value = self.params.get(name) or []
        return [str(v) for v in (value if isinstance(value, list) else [value])]


class SourceModule(Protocol):
    PARSER_VERSION: str

    def start(self, ctx: Context) -> list[Fetch]: ...

    def parse(self, fetch: Fetch, body: bytes, ctx: Context) -> Parsed: ...


def replayed(url: str, replay_url: str | None) -> str:
    """The URL to request: the live one, or its replay equivalent (host as first segment)."""
    if not replay_url:
        return url
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{replay_url.rstrip('/')}/{parts.netloc}{parts.path or '/'}{query}"


def live_url(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path.lstrip("/")
