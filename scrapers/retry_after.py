"""Obeying Retry-After on 429 and 503 answers (Scrapy's RetryMiddleware ignores the header).

A downloader middleware placed between RetryMiddleware and the downloader, so it sees a 429 or
503 first. When the answer carries Retry-After (delta-seconds or an HTTP-date):

- a delay within HORIZON_RETRY_AFTER_MAX_SECONDS: the request waits that long (this request
  only; the crawl goes on) and is sent again, up to RETRY_TIMES times;
- a longer delay, or retries used up: the answer is passed on marked `dont_retry`, so
  RetryMiddleware does not hammer the host either; the source is then reported failing with
  the status and the delay asked for (e.g. "HTTP 429 (Retry-After: 3600)").

Without the header, RetryMiddleware's own retries apply as before.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

RETRY_AFTER_STATUSES = frozenset({429, 503})
DEFAULT_MAX_SECONDS = 60.0
_TRIES = "horizon_retry_after_tries"


def parse_retry_after(value: str | bytes | None, now: datetime) -> float | None:
    """Seconds to wait from `now`: `Retry-After: 120` or an HTTP-date; None when unusable."""
    if value is None:
        return None
    text = (value.decode("latin-1") if isinstance(value, bytes) else value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


class RetryAfterMiddleware:
    def __init__(self, max_seconds: float, max_tries: int) -> None:
        self.max_seconds = max_seconds
        self.max_tries = max_tries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RetryAfterMiddleware:
        settings = crawler.settings
        return cls(settings.getfloat("HORIZON_RETRY_AFTER_MAX_SECONDS", DEFAULT_MAX_SECONDS),
                   settings.getint("RETRY_TIMES", 2))

    async def process_response(self, request: Request, response: Response,
                               spider: Spider | None = None) -> Request | Response:
        if response.status not in RETRY_AFTER_STATUSES or b"Retry-After" not in response.headers:
            return response
        delay = parse_retry_after(response.headers.get(b"Retry-After"), datetime.now(UTC))
        if delay is None:
            return response  # an unreadable header: RetryMiddleware's ordinary retries apply
        tries = request.meta.get(_TRIES, 0)
        if delay > self.max_seconds or tries >= self.max_tries:
            request.meta["dont_retry"] = True  # reported, not hammered
            return response
        from twisted.internet import reactor  # the one Scrapy installed, not a default one

        await maybe_deferred_to_future(deferLater(reactor, delay, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta[_TRIES] = tries + 1
        retry.meta.pop("dont_retry", None)
        return retry
