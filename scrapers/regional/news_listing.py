"""News from an HTML listing page, for sites without a feed; each new article's page gives its
text and date. Selectors are configuration (config/sources.yaml params), so one parser serves
every site:

    listing: news                      # path under base_url
    item: "//article"                  # XPath of one listed story
    link: ".//h2//a/@href | .//h3//a/@href"
    date: ".//time/@datetime"          # optional; else a written date in the item
    summary: ".//p"                    # optional
    article: "//main"                  # optional: follow each story and read this element
    publisher: "West Midlands Combined Authority"
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from scrapers.dates import parse_text_date, parse_timestamp
from scrapers.errors import ParseError
from scrapers.pages import element_text, html_root
from scrapers.plan import Context, Fetch, Parsed, live_url
from warehouse.records import Document, DocumentKind

PARSER_VERSION = "news-listing/1"
DEFAULTS = {"item": "//article", "link": ".//a/@href", "title": ".//h2 | .//h3 | .//a",
            "date": ".//time/@datetime", "summary": ".//p"}


def start(ctx: Context) -> list[Fetch]:
    return [Fetch(live_url(ctx.base_url, str(ctx.params.get("listing", ""))), step="listing",
                  conditional=True)]


def _xpath(element: etree._Element, path: str) -> list[Any]:
    try:
        return element.xpath(path)
    except etree.XPathError as error:
        raise ParseError(f"news listing: bad XPath {path!r} in config: {error}") from error


def _first_text(element: etree._Element, path: str) -> str:
    for found in _xpath(element, path):
        value = found if isinstance(found, str) else element_text(found)
        if value.strip():
            return " ".join(value.split())
    return ""


def parse_listing(root: etree._Element, page_url: str, params: dict[str, Any]) -> list[dict]:
    """The stories a listing shows: url, title, date and summary of each."""
    options = {**DEFAULTS, **{k: v for k, v in params.items() if k in DEFAULTS}}
    stories = []
    for item in _xpath(root, options["item"]):
        links = [str(h) for h in _xpath(item, options["link"]) if str(h).strip()]
        title = _first_text(item, options["title"])
        if not links or not title:
            continue
        stamp = _first_text(item, options["date"])
        when = parse_timestamp(stamp) or parse_text_date(stamp or element_text(item))
        stories.append({"url": urljoin(page_url, links[0].strip()), "title": title,
                        "date": when, "summary": _first_text(item, options["summary"])})
    return stories


def parse(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    root = html_root(body, f"news {fetch.step}")
    publisher = str(ctx.params.get("publisher", ""))
    if fetch.step == "article":
        return Parsed(documents=[article_document(root, fetch, ctx, publisher)])
    stories = parse_listing(root, ctx.base_url + "/", ctx.params)
    if not stories:
        raise ParseError("news listing: no stories matched the configured selectors")
    parsed = Parsed(listed=len(stories))
    for story in stories:
        if ctx.params.get("article"):
            parsed.follow.append(Fetch(story["url"], step="article", canonical=story["url"],
                                       changed_at=story["date"], data=story))
            continue
        try:
            parsed.documents.append(_document(story, ctx, publisher, body=story["summary"]))
        except ValueError as error:
            parsed.errors.append((story["url"], f"news story: {error}"[:300]))
    return parsed


def _document(story: dict, ctx: Context, publisher: str, *, body: str,
              published: datetime | None = None) -> Document:
    return Document(
        source=ctx.source, kind=DocumentKind.REGIONAL_NEWS, url=story["url"],
        title=story["title"], summary=story["summary"][:1000], body_text=body,
        published_at=published or story["date"], fetched_at=ctx.fetched_at,
        organisations=[publisher] if publisher else [], source_type="news_story",
        metadata={"publisher": publisher} if publisher else {}, parser_version=PARSER_VERSION)


def article_document(root: etree._Element, fetch: Fetch, ctx: Context,
                     publisher: str) -> Document:
    found = _xpath(root, str(ctx.params["article"]))
    text = element_text(found[0]) if found else ""
    if not text:
        raise ParseError(f"news article {fetch.url}: nothing matched {ctx.params['article']!r}")
    published = fetch.data.get("date") or parse_text_date(text[:400])
    story = {**fetch.data, "url": fetch.canonical,
             "summary": fetch.data.get("summary") or text[:300]}
    return _document(story, ctx, publisher, body=text, published=published)
