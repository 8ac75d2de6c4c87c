"""Spider name (as in config/sources.yaml `spider:`) -> source module. New sources plug in here.

Every source is a module of configuration plus pure functions (the scrapers/plan.py contract:
PARSER_VERSION, start(ctx), parse(fetch, body, ctx)), run by the one SourceSpider
(scrapers/source_spider.py). Adding a source: docs/sources.md.
"""

from __future__ import annotations

import importlib

import scrapy

from scrapers.source_spider import SourceSpider

# spider name -> module holding PARSER_VERSION, start(ctx) and parse(fetch, body, ctx)
SOURCE_MODULES: dict[str, str] = {
    "govuk_search": "scrapers.govuk.search_source",
    "govuk_atom": "scrapers.govuk.atom_source",
    "parlparse": "scrapers.parliament.parlparse",
    "hansard_api": "scrapers.parliament.hansard_api",
    "written_questions": "scrapers.parliament.written_questions",
    "bills_api": "scrapers.parliament.bills_api",
    "bills_rss": "scrapers.parliament.bills_rss",
    "find_a_grant": "scrapers.funding.find_a_grant",
    "ukri": "scrapers.funding.ukri",
    "innovate_uk": "scrapers.funding.innovate_uk",
    "contracts_finder": "scrapers.funding.contracts_finder",
    "find_a_tender": "scrapers.funding.find_a_tender",
    "threesixtygiving": "scrapers.funding.threesixtygiving",
    "news_feed": "scrapers.regional.news_feed",
    "news_listing": "scrapers.regional.news_listing",
}


def spider_names() -> list[str]:
    return sorted(SOURCE_MODULES)


def spider_for(name: str) -> type[scrapy.Spider]:
    if name not in SOURCE_MODULES:
        raise KeyError(f"unknown spider {name!r}; known: {', '.join(spider_names())}")
    plan = importlib.import_module(SOURCE_MODULES[name])
    return type(f"{name}_spider", (SourceSpider,), {"name": name, "plan": plan})
