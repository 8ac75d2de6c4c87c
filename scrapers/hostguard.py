"""Outbound fetching only to the source's own host (and the hosts its config allows).

A downloader middleware, so it sees every request a crawl makes: the first ones, follow-ups and
each hop of a redirect. When replaying, the logical host of `{replay}/<host>/<path>` is `<host>`,
so a replayed redirect to another host is refused just as the live one would be.

Settings read (scrapers/crawl.py sets them):
    HORIZON_ALLOWED_HOSTS   hosts the crawl may reach; "*" allows any; a host allows its subdomains
    HORIZON_REPLAY_URL      the replay server's address, or ""
"""

from __future__ import annotations

from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest


class OffsiteHostRefused(IgnoreRequest):
    """A request to a host the source is not configured to reach."""


def logical_host(url: str, replay_url: str = "") -> str:
    """The host a URL stands for: its own, or the first path segment under the replay server."""
    parts = urlsplit(url)
    if replay_url:
        replay = urlsplit(replay_url)
        if parts.netloc == replay.netloc:
            return parts.path.lstrip("/").partition("/")[0].lower()
    return (parts.hostname or "").lower()


def host_allowed(host: str, allowed: list[str] | frozenset[str]) -> bool:
    return "*" in allowed or any(host == a or host.endswith("." + a) for a in allowed)


def is_robots(url: str) -> bool:
    return urlsplit(url).path.endswith("/robots.txt")


class HostGuardMiddleware:
    def __init__(self, allowed: list[str], replay_url: str) -> None:
        self.allowed = frozenset(h.lower() for h in allowed)
        self.replay_url = replay_url

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HostGuardMiddleware:
        return cls(crawler.settings.getlist("HORIZON_ALLOWED_HOSTS"),
                   crawler.settings.get("HORIZON_REPLAY_URL", ""))

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if not self.allowed:
            return None  # no guard configured (a spider run by hand)
        if self.replay_url and is_robots(request.url) and logical_host(
                request.url, "") == urlsplit(self.replay_url).hostname:
            return None
        host = logical_host(request.url, self.replay_url)
        if host_allowed(host, self.allowed):
            return None
        hop = " (redirect)" if request.meta.get("redirect_times") else ""
        raise OffsiteHostRefused(
            f"refused request to host {host or '?'}{hop}: not a configured host of this source"
            f" (allowed: {', '.join(sorted(self.allowed))})")
