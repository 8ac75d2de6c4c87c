"""The contract between a source module and the generic spider: what to fetch, how to parse it.

A source module (scrapers/parliament/bills_api.py, scrapers/funding/ocds.py ...) is configuration
plus pure functions:

    PARSER_VERSION = "bills-api/1"
    def start(ctx: Context) -> list[Fetch]            # the first requests (listing pages, feeds)
    def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed   # pure: bytes in, records out

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


@dataclass
class Parsed:
    """What one response body gave: records, further requests, per-item errors."""

    documents: list[Document] = field(default_factory=list)
    follow: list[Fetch] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    listed: int = 0  # records the page listed (documents, follow-ups and skipped items)


@dataclass(frozen=True)
class Context:
    """What a source module may know about the run. No I/O handles."""

    source: str
    base_url: str  # the live base URL from config/sources.yaml
    params: dict[str, Any]
    fetched_at: datetime
    since: date | None = None
    max_items: int = 500

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
