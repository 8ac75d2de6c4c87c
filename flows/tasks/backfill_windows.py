"""The backfill's windows (a source and a range of days) and the work done on a Dask worker:
crawling a window, enriching a batch. Workers never open the warehouse; flows/backfill.py saves."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from prefect import task
from prefect.cache_policies import NONE

from scrapers.crawl import run_crawl
from warehouse.config.settings import Settings
from warehouse.config.sources import SourceConfig
from warehouse.records import Document, Enrichment


@dataclass(frozen=True)
class Window:
    source: str
    start: date
    end: date  # exclusive

    def holds(self, document: Document, first: date) -> bool:
        stamp = document.published_at or document.updated_at
        day = stamp.date() if stamp else first
        return self.start <= day < self.end


def windows(sources: list[str], start: date, end: date, days: int) -> list[Window]:
    """[start, end] inclusive, cut into windows of `days`, for each source (oldest first)."""
    out = []
    at = start
    while at <= end:
        stop = min(at + timedelta(days=days), end + timedelta(days=1))
        out += [Window(source, at, stop) for source in sources]
        at = stop
    return out


def done_windows(con, profile: str) -> set[Window]:
    return {Window(s, a, b) for s, a, b in con.execute(
        "SELECT source, window_start, window_end FROM backfill_windows WHERE profile = ?",
        [profile]).fetchall()}


@task(name="backfill-collect", cache_policy=NONE, retries=1, retry_delay_seconds=5)
def collect_window(source: SourceConfig, settings: Settings, window: Window,
                   first: date) -> list[Document]:
    with tempfile.TemporaryDirectory(prefix="horizon-backfill-") as workdir:
        result = run_crawl(source, settings, Path(workdir), since=window.start, known={})
    return [d for d in result.documents if window.holds(d, first)]


@task(name="backfill-enrich", cache_policy=NONE)
def enrich_batch(documents: list[Document], profile_id: str, config_dir: Path
                 ) -> list[Enrichment]:
    """On a worker: its own encoder and kit (loaded once per worker process)."""
    from flows.tasks.enrich import encoder_for, kit_for, nlp_config
    from nlp.enrich import enrich_documents
    from warehouse.config.profiles import load_profile

    profile = load_profile(config_dir, profile_id)
    return enrich_documents(documents, kit_for(config_dir, profile), encoder_for(config_dir),
                            nlp_config(config_dir))
