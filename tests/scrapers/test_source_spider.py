"""The one spider every source runs under, driven with constructed bodies (no network, no
reactor): what it requests, skips and writes for one response."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import scrapy
from scrapy.http import TextResponse

from scrapers.plan import Context, Fetch, Parsed
from scrapers.registry import spider_for
from scrapers.source_spider import SourceSpider
from tests.support.source_fixtures import CONSTRUCTED, FETCHED_AT
from warehouse.records import Document, DocumentKind

GOVUK = "https://www.gov.uk"
PAGE = CONSTRUCTED["govuk_search"] / "search_news_and_communications.json"
FIRST = (GOVUK + "/government/news/"
         "faster-route-to-bus-franchising-as-45-million-capability-fund-opens")
SECOND = GOVUK + "/government/news/midlands-rail-hub-next-stage-of-design-work-begins"


def _file(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def _govuk(tmp_path: Path, **args: str) -> SourceSpider:
    spider_class = spider_for("govuk_search")
    return spider_class(source="govuk_news", base_url="http://127.0.0.1:9/www.gov.uk",
                        live_base_url=GOVUK, replay_url="http://127.0.0.1:9",
                        params_json='{"supergroup": "news_and_communications"}', **args)


def _respond(spider: SourceSpider, fetch: Fetch, body: bytes) -> list[Any]:
    response = TextResponse(url=fetch.url, body=body, status=200,
                            request=scrapy.Request(fetch.url))
    return list(spider.on_body(response, fetch))


def _lines(out: list[Any]) -> list[dict[str, Any]]:
    return [o for o in out if isinstance(o, dict)]


def test_source_spider_arguments_arrive_as_strings(tmp_path: Path) -> None:
    spider = _govuk(tmp_path, since="2026-11-01", max_items="7", resume_start="200",
                    retry=_file(tmp_path, "retry.json", ["/a"]))
    assert spider.ctx.base_url == GOVUK and spider.ctx.params["supergroup"]
    assert spider.ctx.since is not None and spider.ctx.since.isoformat() == "2026-11-01"
    assert (spider.ctx.max_items, spider.ctx.resume_start, spider.ctx.retry) == (7, 200, ("/a",))


def test_source_spider_govuk_listing_skips_stored_and_quarantined_hits(tmp_path: Path) -> None:
    known = _file(tmp_path, "known.json", {FIRST + "/": "2026-11-18T10:00:00+00:00"})
    spider = _govuk(tmp_path, known=known)
    fetch = spider.plan.start(spider.ctx)[0]
    out = _respond(spider, fetch, PAGE.read_bytes())
    lines = _lines(out)
    assert lines[0] == {"type": "listed", "count": 3}
    assert {"type": "unchanged", "url": FIRST} in lines  # stored after the hit's timestamp
    assert {"type": "error", "url": "https://www.example.org/not-a-gov-uk-path",
            "reason": "search hit link is not a path"} in lines  # a listing error: no `item`
    requests = [o for o in out if isinstance(o, scrapy.Request)]
    assert [r.url for r in requests] == [
        "http://127.0.0.1:9/www.gov.uk/api/content/government/news/"
        "midlands-rail-hub-next-stage-of-design-work-begins",
        requests[1].url]
    assert "start=3" in requests[1].url and "/www.gov.uk/api/search.json?" in requests[1].url
    spider = _govuk(tmp_path, skip=_file(tmp_path, "skip.json", [SECOND]))
    assert {"type": "skipped", "url": SECOND} in _lines(_respond(spider, fetch,
                                                                   PAGE.read_bytes()))


def test_source_spider_govuk_listing_at_its_cap_says_where_to_resume(tmp_path: Path) -> None:
    spider = _govuk(tmp_path, max_items="2")
    lines = _lines(_respond(spider, spider.plan.start(spider.ctx)[0], PAGE.read_bytes()))
    assert lines[-1] == {"type": "capped", "url": spider.plan.start(spider.ctx)[0].url,
                         "next_start": 2, "total": 7}


def _article(url: str) -> Document:
    return Document(source="s", kind=DocumentKind.NEWS, url=url, title="A constructed article",
                    fetched_at=FETCHED_AT, updated_at=datetime(2026, 11, 20, tzinfo=UTC),
                    parser_version="t/1")


def _listing_then_article(fetch: Fetch, body: bytes, ctx: Context) -> Parsed:
    if fetch.step == "article":
        return Parsed(documents=[_article(fetch.canonical)])
    urls = [f"https://news.example.org/{n}" for n in range(3)]
    return Parsed(follow=[Fetch(u, step="article", canonical=u) for u in urls], listed=3)


def test_source_spider_counts_a_followed_page_once_against_max_items() -> None:
    plan = SimpleNamespace(PARSER_VERSION="t/1", parse=_listing_then_article, start=None)
    spider = type("t_spider", (SourceSpider,), {"name": "t", "plan": plan})(
        source="s", base_url="https://news.example.org", max_items="2")
    listing = _respond(spider, Fetch("https://news.example.org/"), b"listing")
    follows = [o.cb_kwargs["fetch"] for o in listing if isinstance(o, scrapy.Request)]
    assert len(follows) == 2 and _lines(listing)[-1]["type"] == "capped"
    for follow in follows:
        lines = _lines(_respond(spider, follow, b"article"))
        assert [line["type"] for line in lines] == ["listed", "document"]
