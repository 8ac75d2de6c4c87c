"""Spider name (as in config/sources.yaml `spider:`) -> spider class. New sources plug in here."""

from __future__ import annotations

import scrapy

from scrapers.govuk.spider import GovukSearchSpider

SPIDERS: dict[str, type[scrapy.Spider]] = {
    GovukSearchSpider.name: GovukSearchSpider,
}


def spider_for(name: str) -> type[scrapy.Spider]:
    try:
        return SPIDERS[name]
    except KeyError:
        raise KeyError(f"unknown spider {name!r}; known: {', '.join(sorted(SPIDERS))}") from None
