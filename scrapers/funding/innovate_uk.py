"""Innovate UK competitions (Innovation Funding Service): the search listing, then each
competition's overview page (opens, closes, funding type, project size, who can apply).

Live: https://apply-for-innovation-funding.service.gov.uk/competition/search and
/competition/<id>/overview. The listing pages by `?page=N` while it has a "next" link.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

from scrapers.funding.calls import call_document, facts_from_page
from scrapers.pages import html_root
from scrapers.plan import Context, Fetch, Parsed, live_url

PARSER_VERSION = "innovate-uk/1"
ORIGIN = "https://apply-for-innovation-funding.service.gov.uk"
_OVERVIEW = re.compile(r"/competition/(\d+)/overview/?$")


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, "competition/search"), step="search", conditional=True)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    root = html_root(body, f"Innovate UK {fetch.step}")
    if fetch.step == "page":
        facts = facts_from_page(root)
        return Parsed(documents=[call_document(
            facts, url=fetch.canonical, source=ctx.source, fetched_at=ctx.fetched_at,
            parser_version=PARSER_VERSION, default_funder="Innovate UK")])
    links = dict.fromkeys(urljoin(ORIGIN, str(h)) for h in root.xpath("//a/@href")
                          if _OVERVIEW.search(str(h).split("?")[0]))
    follow = [Fetch(link, step="page", canonical=link) for link in links]
    following = root.xpath("//a[@rel='next']/@href | //li[contains(@class,'next')]//a/@href")
    if following and links:
        follow.append(Fetch(urljoin(fetch.url, str(following[0])), step="search"))
    return Parsed(follow=follow, listed=len(links))
