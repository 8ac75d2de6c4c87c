"""UKRI funding finder: the opportunities feed (WordPress RSS), then each opportunity's page.

Live: https://www.ukri.org/opportunity/feed/ and https://www.ukri.org/opportunity/<slug>/. The
page's summary list gives status, funders, funding type, total fund, award range, opening and
closing date-times; its "Who can apply" section who may apply.
"""

from __future__ import annotations

from scrapers.feeds import parse_feed
from scrapers.funding.calls import call_document, facts_from_page
from scrapers.pages import html_root
from scrapers.plan import Context, Fetch, Parsed, live_url

PARSER_VERSION = "ukri/1"


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, "opportunity/feed/"), step="feed", conditional=True)]


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    if fetch.step == "feed":
        feed = parse_feed(body, "UKRI opportunities feed")
        follow = [Fetch(e.link, step="page", canonical=e.link, changed_at=e.updated,
                        data={"published": e.published, "summary": e.summary})
                  for e in feed.entries if e.link.startswith("http")]
        errors = [(e.id, "feed entry without a link") for e in feed.entries
                  if not e.link.startswith("http")]
        return Parsed(follow=follow, errors=errors, listed=len(feed.entries))
    facts = facts_from_page(html_root(body, "UKRI opportunity"),
                            body_xpath="//main//article | //main")
    facts.summary = str(fetch.data.get("summary") or "")
    document = call_document(facts, url=fetch.canonical or fetch.url, source=ctx.source,
                             fetched_at=ctx.fetched_at, parser_version=PARSER_VERSION,
                             default_funder="UK Research and Innovation",
                             published_at=fetch.data.get("published"),
                             updated_at=fetch.changed_at)
    return Parsed(documents=[document])
