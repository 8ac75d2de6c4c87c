"""One HTML funding service (Find a Grant, Innovate UK): a listing that links to call pages.

The services differ only in host, which links are calls, the step names and how the next listing
page is marked; following each call page and then the next listing page is shared here, reading a
call page in scrapers/funding/calls.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urljoin

from lxml import etree

from scrapers.funding.calls import call_document, facts_from_page
from scrapers.plan import Context, Fetch, Parsed


@dataclass(frozen=True)
class CallListing:
    origin: str
    call_path: re.Pattern[str]  # searched in an href's path (the part before any "?")
    listing_step: str
    call_step: str
    parser_version: str
    next_xpath: str = "//a[@rel='next']/@href"
    keep_query: bool = False  # follow the href as written, not only its path
    default_funder: str = ""

    def parse_listing(self, root: etree._Element, fetch: Fetch) -> Parsed:
        """Each call page the listing links to, then the next listing page while it lists any."""
        hrefs = [str(h) for h in root.xpath("//a/@href")]
        links = dict.fromkeys(urljoin(self.origin, h if self.keep_query else h.split("?")[0])
                              for h in hrefs if self.call_path.search(h.split("?")[0]))
        follow = [Fetch(link, step=self.call_step, canonical=link) for link in links]
        following = root.xpath(self.next_xpath)
        if following and links:
            follow.append(Fetch(urljoin(fetch.url, str(following[0])), step=self.listing_step))
        return Parsed(follow=follow, listed=len(links))

    def parse_call_page(self, root: etree._Element, fetch: Fetch, ctx: Context) -> Parsed:
        """A call page read from its summary list and sections."""
        return Parsed(documents=[call_document(
            facts_from_page(root), url=fetch.canonical, source=ctx.source,
            fetched_at=ctx.fetched_at, parser_version=self.parser_version,
            default_funder=self.default_funder)])
