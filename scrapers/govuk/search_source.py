"""GOV.UK Search API crawl: list a supergroup newest first, read changed pages via the Content API.

config/sources.yaml params:
    supergroup: news_and_communications   -> filter_content_purpose_supergroup

The listing stops at `max_items` hits: the page that reaches it is cut there and the run says where
to carry on (Parsed.capped: the next `start`), which the next run passes as `resume_start`. Items
that failed before (`ctx.retry`: base paths) are fetched directly. A hit whose page is already
stored with the same or a later update time is not fetched again (the spider checks `changed_at`).
"""

from __future__ import annotations

from scrapers.errors import ParseError
from scrapers.govuk.parse import PARSER_VERSION, canonical_govuk_url, parse_content_item
from scrapers.govuk.search import SearchHit, content_url, parse_search_page, search_url
from scrapers.plan import Capped, Context, Fetch, Parsed

__all__ = ["PAGE_SIZE", "PARSER_VERSION", "parse", "start"]

PAGE_SIZE = 100


def search_fetch(ctx: Context, start_at: int, listed: int) -> Fetch:
    """One listing page; `listed` is how many hits the pages before it gave this run."""
    url = search_url(ctx.base_url, str(ctx.params["supergroup"]), ctx.since, start_at,
                     min(PAGE_SIZE, ctx.max_items))
    return Fetch(url, step="search", data={"listed": listed})


def content_fetch(ctx: Context, base_path: str, hit: SearchHit | None = None) -> Fetch:
    return Fetch(content_url(ctx.base_url, base_path), step="content",
                 canonical=canonical_govuk_url(base_path),
                 changed_at=hit.public_timestamp if hit else None)


def start(ctx: Context) -> list[Fetch]:
    retry = [content_fetch(ctx, path) for path in ctx.retry if path.startswith("/")]
    return [search_fetch(ctx, ctx.resume_start, listed=0), *retry]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    if fetch.step == "content":
        return Parsed(documents=[parse_content_item(body, source=ctx.source,
                                                    fetched_at=ctx.fetched_at)])
    return parse_listing(fetch, body, ctx)


def parse_listing(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    try:
        page = parse_search_page(body)
    except ParseError:
        raise
    except Exception as error:  # anything an odd page makes the parser raise
        raise ParseError(f"search page: parser failed: {type(error).__name__}: {error}") from error
    before = int(fetch.data.get("listed", 0))
    hits = page.results[: ctx.max_items - before]
    parsed = Parsed(listed=len(hits))
    for hit in hits:
        if not hit.link.startswith("/"):
            parsed.listing_errors.append((hit.link, "search hit link is not a path"))
            continue
        try:
            parsed.follow.append(content_fetch(ctx, hit.link, hit))
        except Exception as error:  # one odd hit never stops the listing
            parsed.errors.append((hit.link, f"parser failed: {type(error).__name__}: {error}"))
    if page.is_last:
        return parsed
    if before + len(hits) < ctx.max_items:
        parsed.follow.append(search_fetch(ctx, page.next_start, before + len(hits)))
    else:
        parsed.capped = Capped(next_start=page.start + len(hits), total=page.total)
    return parsed
