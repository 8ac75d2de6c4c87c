"""GOV.UK Atom feeds: organisation feeds and finder feeds, each new page read via the Content API.

config/sources.yaml params:
    organisations: [department-for-transport, ...]   -> /government/organisations/<slug>.atom
    finders: ["search/all.atom?keywords=..."]          -> /<finder path and query>

An entry whose page is already stored (by any GOV.UK source) with the same or a later update time
is not fetched again: Atom entries and Search API hits of one page are one document.
"""

from __future__ import annotations

from scrapers.govuk.atom import parse_atom_pages
from scrapers.govuk.parse import PARSER_VERSION, canonical_govuk_url, parse_content_item
from scrapers.govuk.search import content_url
from scrapers.plan import Context, Fetch, Parsed, live_url

__all__ = ["PARSER_VERSION", "parse", "start"]


def start(ctx: Context) -> list[Fetch]:
    feeds = [f"government/organisations/{slug}.atom" for slug in ctx.param_list("organisations")]
    feeds += ctx.param_list("finders")
    return [Fetch(live_url(ctx.base_url, path), step="feed", conditional=True) for path in feeds]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    if fetch.step == "content":
        return Parsed(documents=[parse_content_item(body, source=ctx.source,
                                                    fetched_at=ctx.fetched_at)])
    pages, errors = parse_atom_pages(body)
    follow = [Fetch(content_url(ctx.base_url, page.base_path), step="content",
                    canonical=canonical_govuk_url(page.base_path), changed_at=page.updated)
              for page in pages]
    return Parsed(follow=follow, errors=errors, listed=len(pages) + len(errors))
