"""Collection-loss cases shared by tests/hardening/test_collection_loss.py and
bench/reliability_report.py: a collect flow with short timeouts, odd parser inputs, line
separators and a truncated feed (all constructed)."""

from __future__ import annotations

from pathlib import Path

from prefect import flow

from flows.tasks.collect import collect_sources
from tests.support.fault_server import FAULTS, fault_server, rss
from tests.support.hardening_world import feed_source, small_snapshot
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


def truncated_feed_runs(folder: Path) -> tuple[SourceReport, int, SourceReport]:
    """A feed cut short mid-document, collected once, then again healed: (the cut run's report,
    the documents stored after it, the healed run's report)."""
    host = "cut-feed.example.org"
    body = rss(host, [("first", "Alpha fund", "Tue, 17 Nov 2026 09:00:00 +0000"),
                      ("second", "Beta partial", "Wed, 18 Nov 2026 10:30:00 +0000")])
    db, work = str(folder / "h.duckdb"), str(folder / "work")
    source = feed_source("cut_feed", host)
    with fault_server(small_snapshot(folder / "snapshot")) as server:
        FAULTS["truncated_feed"] = lambda h, host, rest: h.reply(200, body[:-60])
        server.faults[host] = "truncated_feed"
        (cut,) = collect_once(server.url, db, work, [source])
        with connect(db, read_only=True) as con:
            stored = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        server.faults[host] = "ok_feed"
        (healed,) = collect_once(server.url, db, work, [source])
    return cut, stored, healed
