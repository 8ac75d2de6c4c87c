"""Shared setup of the hardening tests: a small snapshot, healthy sources, a collect flow."""

from __future__ import annotations

import shutil
from pathlib import Path

from data_paths import DEMO_SNAPSHOT
from prefect import flow

from flows.tasks.collect import collect_sources
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig, load_sources
from warehouse.db import connect
from warehouse.records import SourceReport

SOURCES = load_sources(Settings().config_dir)
HEALTHY = ("contracts_finder", "parliament_bills", "wmca_news")
HEALTHY_NEW = {"contracts_finder": 2, "parliament_bills": 2, "wmca_news": 2}


def small_snapshot(target: Path) -> Path:
    for part in ("funding/contracts_finder_ocds_demo", "parliament/bills_api",
                 "regional/mirror/www.wmca.org.uk"):
        shutil.copytree(DEMO_SNAPSHOT / part, target / part)
    shutil.copy(DEMO_SNAPSHOT / "snapshot.yaml", target / "snapshot.yaml")
    return target


def feed_source(name: str, host: str, **extra: object) -> SourceConfig:
    return SourceConfig(name=name, spider="news_feed", description=name,
                        base_url=f"https://{host}", params={"feeds": ["news/feed/"]},
                        max_requests_per_second=10, **extra)


def json_source(name: str, host: str) -> SourceConfig:
    return SourceConfig(name=name, spider="bills_api", description=name,
                        base_url=f"https://{host}", max_requests_per_second=10)


@flow(name="collect-for-hardening")
def collect_with(replay_url: str, db: str, workdir: str, sources: list[SourceConfig]
                 ) -> list[SourceReport]:
    settings = Settings(download_timeout_seconds=1, crawl_timeout_seconds=60,
                        replay_url=replay_url)
    with connect(db) as con:
        return collect_sources(con, sources, settings, Path(workdir), retries=0)


def stored_by_source(db: str) -> dict[str, int]:
    with connect(db, read_only=True) as con:
        return dict(con.execute("SELECT source, count(*) FROM documents GROUP BY source")
                    .fetchall())
