"""Innovate UK competitions (Innovation Funding Service): the search listing, then each
competition's overview page (opens, closes, funding type, project size, who can apply).

Live: https://apply-for-innovation-funding.service.gov.uk/competition/search and
/competition/<id>/overview. The listing pages by `?page=N` while it has a "next" link.
"""

from __future__ import annotations

import re

from scrapers.funding.call_listing import CallListing
from scrapers.pages import html_root
from scrapers.plan import Context, Fetch, Parsed, live_url

PARSER_VERSION = "innovate-uk/1"
ORIGIN = "https://apply-for-innovation-funding.service.gov.uk"
LISTING = CallListing(
    origin=ORIGIN, call_path=re.compile(r"/competition/(\d+)/overview/?$"),
    listing_step="search", call_step="page", parser_version=PARSER_VERSION,
    next_xpath="//a[@rel='next']/@href | //li[contains(@class,'next')]//a/@href",
    keep_query=True, default_funder="Innovate UK")


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, "competition/search"), step="search", conditional=True)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    root = html_root(body, f"Innovate UK {fetch.step}")
    if fetch.step == "page":
        return LISTING.parse_call_page(root, fetch, ctx)
    return LISTING.parse_listing(root, fetch)
