"""Collection-loss cases shared by tests/hardening/test_collection_loss.py and
bench/reliability_report.py: a collect flow with short timeouts, odd parser inputs and line
separators (all constructed)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.tasks.collect import collect_sources
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig
from warehouse.db import connect
from warehouse.records import SourceReport

SEPARATORS = ["\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"]


@flow(name="collect-for-loss")
def collect_once(replay_url: str, db: str, workdir: str, sources: list[SourceConfig],
                 full_refresh: bool = False, retry_quarantined: bool = False
                 ) -> list[SourceReport]:
    settings = Settings(download_timeout_seconds=5, crawl_timeout_seconds=120,
                        replay_url=replay_url, quarantine_after_attempts=2)
    with connect(db) as con:
        return collect_sources(con, sources, settings, Path(workdir), full_refresh=full_refresh,
                               retry_quarantined=retry_quarantined, retries=0)


ODD = {  # parser inputs that raise neither ParseError nor ValueError (constructed)
    "/government/news/parts-an-int": {"details__parts": 5},
    "/government/news/taxons-an-int": {"links__taxons": 5},
}
DEEP = (b'{"base_path": "/government/news/deep", "title": "Deep", "details": {"body": '
        + b"[" * 200_000 + b"]" * 200_000 + b"}}")
