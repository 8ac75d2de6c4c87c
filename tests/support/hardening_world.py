"""Shared setup of the hardening tests: a small snapshot, healthy sources, a collect flow."""

from __future__ import annotations

import shutil
from pathlib import Path

from prefect import flow

from flows.tasks.collect import collect_sources
from tests.support.data_paths import DEMO_SNAPSHOT
from tests.support.fault_server import fault_server
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


def crawl_busy_host(tmp_path: Path, fault: str, retry_after) -> tuple[object, list, dict]:
    host = "busy.example.org"
    with fault_server(small_snapshot(tmp_path / "snapshot")) as server:
        server.faults[host] = fault
        server.retry_after = retry_after
        [report] = collect_with(server.url, str(tmp_path / "h.duckdb"), str(tmp_path / "w"),
                                [feed_source("busy", host)])
        times = server.hit_times.get(host, [])
    return report, times, stored_by_source(str(tmp_path / "h.duckdb"))


# A child process that saves 50 documents (run with HORIZON_TEST_KILL_AT=save_documents).
KILLED_WRITE = """
import sys
from datetime import UTC, datetime
from warehouse.db import connect
from warehouse.save import save_documents
from warehouse.records import Document, DocumentKind
docs = [Document(source="t", kind=DocumentKind.REGIONAL_NEWS, url=f"https://e.org/{n}",
                 title=f"T{n}", fetched_at=datetime(2026, 11, 22, tzinfo=UTC),
                 parser_version="t/1") for n in range(50)]
with connect(sys.argv[1]) as con:
    print(len(save_documents(con, docs).new))
"""
