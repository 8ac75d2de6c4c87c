"""Run one spider in this process and write its items as JSON Lines (one flushed line per item).

Started as a child process by scrapers/crawl.py, because the Twisted reactor cannot restart:

    python -m scrapers.run_spider --spider govuk_search --settings S.json --output out.jsonl \
        --arg source=govuk_news --arg base_url=https://www.gov.uk \
        --arg 'params_json={"supergroup": "news_and_communications"}'
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import IO, Any

from scrapy.crawler import Crawler, CrawlerProcess

from scrapers.registry import spider_for

OUTPUT_SETTING = "HORIZON_OUTPUT"


class JsonLinesPipeline:
    """Appends each item to the output file and flushes, so a killed crawl keeps what it had."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file: IO[str] | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> JsonLinesPipeline:
        return cls(Path(crawler.settings[OUTPUT_SETTING]))

    def open_spider(self) -> None:
        self.file = self.path.open("a", encoding="utf-8")

    def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
        assert self.file is not None
        # ASCII only: no character of any scraped text can break the one-item-per-line framing
        self.file.write(json.dumps(item, ensure_ascii=True) + "\n")
        self.file.flush()
        return item

    def close_spider(self) -> None:
        if self.file is not None:
            self.file.close()


def _spider_args(pairs: list[str]) -> dict[str, str]:
    args: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--arg expects name=value, got {pair!r}")
        args[key] = value
    return args


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run one Horizon spider to a JSON Lines file.")
    parser.add_argument("--spider", required=True)
    parser.add_argument("--settings", type=Path, required=True, help="Scrapy settings as JSON")
    parser.add_argument("--output", type=Path, required=True)
    parser.add_argument("--arg", action="append", default=[], help="spider argument name=value")
    options = parser.parse_args(argv)
    settings = json.loads(options.settings.read_text(encoding="utf-8"))
    settings[OUTPUT_SETTING] = str(options.output)
    settings.setdefault("ITEM_PIPELINES", {})[f"{__name__}.JsonLinesPipeline"] = 100
    process = CrawlerProcess(settings)
    process.crawl(spider_for(options.spider), **_spider_args(options.arg))
    process.start()


if __name__ == "__main__":
    main()
